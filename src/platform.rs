//! Everything that differs between operating systems, in one place.
//!
//! Linux has a fast path: folders are swapped with one atomic
//! `renameat2(RENAME_EXCHANGE)`, writes refuse to follow a symbolic link
//! with `O_NOFOLLOW`, and sources open with `O_NONBLOCK` so that a pipe
//! swapped in after it was checked cannot block the build. Every other
//! platform (macOS, Windows, the BSDs) takes the portable path, built from
//! std alone; the cargo feature `portable` selects it on Linux too, so the
//! test suite proves it here (`.ci/run` runs the suite both ways).

use std::fs::File;
use std::io;
use std::path::Path;

pub(crate) use imp::{exchange, open_source, open_write};

/// Whether `path` is a mount point: a folder that cannot be renamed or
/// replaced, only written into.
/// Whether the file behind `meta` has other names (hard links): an edit
/// through one changes them all. Unix counts them; elsewhere none are
/// assumed (the dev server's quick path is then as on Linux without them).
pub(crate) fn has_other_names(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(meta) > 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

pub(crate) fn is_mount_point(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Some(parent) = path.parent() else { return true };
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        match (std::fs::symlink_metadata(path), std::fs::metadata(parent)) {
            (Ok(a), Ok(b)) => a.dev() != b.dev() || a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        // A drive root has no parent; a volume mounted on a folder shows as
        // a reparse point, which `symlink_metadata` reports as a link and
        // the output checks refuse as such.
        path.parent().is_none()
    }
}

/// The program that opens a URL in the default browser (`serve --open`).
pub(crate) const URL_OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else if cfg!(windows) {
    "explorer"
} else {
    "xdg-open"
};

/// The current user's home folder, for `~` in `--out` and for refusing to
/// replace it.
pub(crate) fn home_dir() -> Option<std::path::PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var).filter(|h| !h.is_empty()).map(std::path::PathBuf::from)
}

/// Every account's home folder this machine lists (`/etc/passwd` on Unix,
/// which names homes such as `/var/lib/postgresql`), and the user's own.
pub(crate) fn home_dirs() -> Vec<std::path::PathBuf> {
    let mut homes: Vec<std::path::PathBuf> = home_dir().into_iter().collect();
    #[cfg(unix)]
    if let Ok(passwd) = std::fs::read_to_string("/etc/passwd") {
        homes.extend(
            passwd
                .lines()
                .filter_map(|l| l.split(':').nth(5))
                .filter(|h| h.len() > 1 && !h.starts_with("/nonexistent") && !h.starts_with("/dev"))
                .map(std::path::PathBuf::from),
        );
    }
    homes
}

/// An exclusive lock on a file, held until dropped (or the process ends,
/// when the system releases it): how a build says its staging folder is in
/// use, on every platform.
///
/// A link in the lock file's place (a name a pull request can commit beside
/// the output folder) is removed, never opened: opening it with `create`
/// would make a file wherever it points.
pub(crate) fn try_lock(path: &Path) -> io::Result<Option<File>> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(path)?;
    }
    let file = imp::open_write(path, false)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(format!("`{}` is not a regular file", path.display())));
    }
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Appending, or creating if needed and keeping the bytes (a build
/// compares them before writing).
fn write_options(append: bool) -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    if append {
        options.append(true);
    } else {
        options.read(true).write(true).create(true).truncate(false);
    }
    options
}

#[cfg(all(target_os = "linux", not(feature = "portable")))]
mod imp {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::os::unix::fs::OpenOptionsExt;
    use std::path::Path;

    use rustix::fs::OFlags;

    /// Opens a source for reading; a pipe or device does not block.
    pub(crate) fn open_source(path: &Path) -> io::Result<File> {
        OpenOptions::new().read(true).custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32).open(path)
    }

    /// Opens a file of the staging folder for writing (created if needed,
    /// its bytes kept), never through a symbolic link.
    pub(crate) fn open_write(path: &Path, append: bool) -> io::Result<File> {
        super::write_options(append).custom_flags(OFlags::NOFOLLOW.bits() as i32).open(path)
    }

    /// Swaps two folders in one atomic step.
    pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
}

#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
mod imp {
    use std::fs::File;
    use std::io;
    use std::path::Path;

    /// Opens a source for reading. The caller has checked that the path,
    /// links resolved, is a regular file.
    pub(crate) fn open_source(path: &Path) -> io::Result<File> {
        File::open(path)
    }

    /// Opens a file of the staging folder for writing (created if needed,
    /// its bytes kept). A symbolic link in its place (left in a recycled
    /// folder) is removed first, never written through.
    pub(crate) fn open_write(path: &Path, append: bool) -> io::Result<File> {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            if append {
                return Err(io::Error::other("refusing to append through a symbolic link"));
            }
            std::fs::remove_file(path)?;
        }
        super::write_options(append).open(path)
    }

    /// Swaps two folders by renaming: `b` is moved aside (to `a`'s name
    /// with `.old` added, which the staging clean-up knows as a leftover
    /// of a build killed part-way), `a` takes its place, and the old `b`
    /// takes `a`'s. If the second rename fails the first is undone, so the
    /// user is never left without a site; between the two renames
    /// (microseconds) the site's folder does not exist.
    pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
        let name = a.file_name().map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
        let aside = a.with_file_name(format!("{name}.old"));
        std::fs::rename(b, &aside)?;
        if let Err(e) = std::fs::rename(a, b) {
            std::fs::rename(&aside, b)?;
            return Err(e);
        }
        std::fs::rename(&aside, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("f"), "new").unwrap();
        std::fs::write(b.join("f"), "old").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn writes_never_follow_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "mine").unwrap();
        let link = dir.path().join("link");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        #[cfg(unix)]
        {
            use std::io::Write;
            if let Ok(mut f) = open_write(&link, false) {
                f.write_all(b"theirs").unwrap();
            }
            assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine");
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_lock_file_that_is_a_link_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let path = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(try_lock(&path).unwrap().is_some());
        assert!(!target.exists(), "nothing was created where the link pointed");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    }

    #[test]
    fn a_lock_is_held_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l");
        let held = try_lock(&path).unwrap();
        assert!(held.is_some());
        assert!(try_lock(&path).unwrap().is_none());
        drop(held);
        assert!(try_lock(&path).unwrap().is_some());
    }

    #[test]
    fn a_folder_on_the_same_device_is_not_a_mount_point() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("s");
        std::fs::create_dir(&sub).unwrap();
        assert!(!is_mount_point(&sub));
        assert!(is_mount_point(Path::new("/")));
    }
}

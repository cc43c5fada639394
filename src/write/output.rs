//! The output folder, judged before anything is written to it, so that a
//! build never loses the user's work.
//!
//! `OutputDir::check` judges the output folder once, after resolving `~`,
//! `..` and symbolic links, and is the only way to get a folder `Staging`
//! will write to: never the root or a folder above it, a source or theme
//! folder, a home folder, a file-system root, a symbolic link, a mount
//! point, or a folder of someone else's files (that one only with
//! `--force`, and never one holding `.git` or `playbook.toml`).
//!
//! `staging::Staging` then writes the site beside it and swaps it in.

use std::path::{Component, Path, PathBuf};

use crate::platform;

/// Written into every output folder so a later build knows it may replace it.
pub(crate) const MARKER: &str = ".playbook-output";

/// Folders of the root that hold the user's sources.
const SOURCE_DIRS: &[&str] = &["chapters", "teams", "static", "templates"];

/// An output folder that passed every check.
#[derive(Clone, Debug)]
pub(crate) struct OutputDir {
    /// Absolute, with links resolved.
    path: PathBuf,
    /// As the user wrote it, for messages.
    shown: PathBuf,
}

impl OutputDir {
    /// A folder taken as judged, for the writer's own tests.
    #[cfg(test)]
    pub(super) fn unchecked(dir: &Path) -> OutputDir {
        OutputDir { path: dir.to_path_buf(), shown: dir.to_path_buf() }
    }

    /// Judges `given` as the output folder of the playbook at `root`, whose
    /// theme folder (if not built in) is `theme`.
    pub(crate) fn check(root: &Path, theme: Option<&Path>, given: &Path, force: bool) -> Result<OutputDir, String> {
        let refuse = |why: String| Err(format!("refusing to write the site to `{}`: {why}", given.display()));
        let expanded = expand_home(given);
        let absolute =
            std::path::absolute(&expanded).map_err(|e| format!("cannot resolve `{}`: {e}", given.display()))?;
        // The folder the user named, spelt without `.`, `..` or a trailing
        // slash (`site/`, `site/x/..` and `site` are one folder): if that is
        // a link, the build would replace whatever it points to.
        if std::fs::symlink_metadata(lexical(&absolute)).is_ok_and(|m| m.file_type().is_symlink()) {
            return refuse("it is a symbolic link (give the folder it points to instead)".into());
        }
        let path = resolve(&absolute);
        let root = resolve(&std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
        if path.parent().is_none() {
            return refuse("it is the root of the file system".into());
        }
        if root.starts_with(&path) {
            return refuse("it is or contains the playbook root".into());
        }
        if is_home(&path) {
            return refuse("it is a home folder or holds one".into());
        }
        if normal_names(&path).len() <= 1 || is_system(&path) {
            return refuse("it is a folder of the system".into());
        }
        if let Ok(inner) = path.strip_prefix(&root) {
            if let Some(dir) = SOURCE_DIRS.iter().find(|d| inner.starts_with(d)) {
                return refuse(format!("it is inside the playbook's `{dir}/` folder"));
            }
            if inner.components().any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.'))) {
                return refuse("it is inside a hidden folder of the playbook".into());
            }
        }
        if path.components().any(|c| c.as_os_str() == ".git") {
            return refuse("it is inside a `.git` folder".into());
        }
        if let Some(theme) = theme.map(resolve)
            && (path.starts_with(&theme) || theme.starts_with(&path))
        {
            return refuse("it is, holds or lies inside the theme folder".into());
        }
        match std::fs::symlink_metadata(&path) {
            Err(_) => {}
            Ok(m) if !m.is_dir() => return refuse("it is a file".into()),
            Ok(_) => {
                if platform::is_mount_point(&path) {
                    return refuse(
                        "it is a mount point, which a build cannot replace (give a folder inside it)".into(),
                    );
                }
                if !is_ours(&path) && !is_empty(&path)? && !force {
                    return refuse("it holds files that playbook did not write (use --force to replace it)".into());
                }
                // Even a folder of ours: someone may have made it a git
                // checkout (a gh-pages deploy) since.
                if let Some(found) = precious(&path) {
                    return refuse(format!(
                        "it holds `{found}`, and a build replaces the whole folder (--force never replaces such a folder; build elsewhere and copy)"
                    ));
                }
            }
        }
        Ok(OutputDir { path, shown: given.to_path_buf() })
    }

    /// The folder as the user wrote it.
    pub(crate) fn shown(&self) -> &Path {
        &self.shown
    }

    /// The folder, absolute, with links resolved.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// `path` without `.` and `..` (applied by name) or trailing separators.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether `path` is, or holds, a home folder: any account's the system
/// lists, or one where systems keep them (`/home/x`, `/Users/x`).
fn is_home(path: &Path) -> bool {
    if platform::home_dirs().iter().map(|h| resolve(h)).any(|home| home.starts_with(path)) {
        return true;
    }
    let names = normal_names(path);
    match names.as_slice() {
        [only] => only == "root",
        [first, _] => first == "home" || first == "users",
        _ => false,
    }
}

/// Whether `path` is a folder of the operating system itself (`/usr/lib`,
/// `/etc/ssl`, `C:\Windows\System32`): replacing one breaks the machine.
fn is_system(path: &Path) -> bool {
    const SYSTEM: &[&str] = &[
        "bin",
        "boot",
        "dev",
        "etc",
        "lib",
        "lib32",
        "lib64",
        "opt",
        "proc",
        "run",
        "sbin",
        "srv",
        "sys",
        "usr",
        "var",
        "system",
        "library",
        "applications",
        "private",
        "windows",
        "program files",
        "program files (x86)",
        "programdata",
    ];
    let names = normal_names(path);
    names.len() <= 2 && names.first().is_some_and(|n| SYSTEM.contains(&n.as_str()))
}

fn normal_names(path: &Path) -> Vec<String> {
    path.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
        .collect()
}

/// `~` and `~/x` name the home folder, as a shell would have made them.
fn expand_home(path: &Path) -> PathBuf {
    let mut parts = path.components();
    match parts.next() {
        Some(Component::Normal(first)) if first == "~" => match platform::home_dir() {
            Some(home) => home.join(parts.as_path()),
            None => path.to_path_buf(),
        },
        _ => path.to_path_buf(),
    }
}

/// The absolute form of a path that may not exist yet, read left to right:
/// each part that exists has its links resolved, `..` steps back from what
/// was resolved so far (as the system would), and parts past the first
/// that does not exist are taken by name (they hold no links).
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => out.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    out
}

pub(super) fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_empty(dir: &Path) -> Result<bool, String> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    Ok(entries.next().is_none())
}

/// A repository (`.git`, a bare one, `.hg`, `.svn`) or a `playbook.toml`
/// anywhere in a folder a build would replace,
/// or a part of it that cannot be looked into (then it might hold one).
pub(super) fn precious(dir: &Path) -> Option<String> {
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().unwrap_or(dir);
                return Some(format!("{} (which cannot be read to the end)", at.display()));
            }
        };
        let name = entry.file_name().to_string_lossy();
        let shown = || entry.path().strip_prefix(dir).unwrap_or(entry.path()).display().to_string();
        if [".git", ".hg", ".svn", ".jj", crate::sources::config::FILE].contains(&name.as_ref()) {
            return Some(shown());
        }
        // A bare repository (or a --separate-git-dir): no `.git` in sight.
        let path = entry.path();
        if entry.file_type().is_dir() && path.join("HEAD").is_file() && path.join("objects").is_dir() {
            return Some(format!("{} (a git repository)", if entry.depth() == 0 { ".".into() } else { shown() }));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_folder_is_judged_after_resolving_its_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("book");
        std::fs::create_dir_all(root.join("chapters")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let bad = [
            root.join("x/.."),
            root.join("chapters/../chapters/site"),
            root.join("new/../../"),
            root.join(".git/site"),
            PathBuf::from("/"),
            PathBuf::from("/tmp"),
            PathBuf::from("/home/someone"),
            PathBuf::from("/usr/lib"),
            PathBuf::from("/var/www"),
        ];
        for out in bad {
            assert!(OutputDir::check(&root, None, &out, true).is_err(), "{}", out.display());
        }
        assert!(OutputDir::check(&root, None, &root.join("public"), false).is_ok());
        let other = dir.path().join("repo");
        std::fs::create_dir_all(other.join("sub/.git")).unwrap();
        let err = OutputDir::check(&root, None, &other, true).unwrap_err();
        assert!(err.contains(".git"), "{err}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&other, dir.path().join("link")).unwrap();
            for spelling in ["link", "link/", "link/x/..", "link/."] {
                let err = OutputDir::check(&root, None, &dir.path().join(spelling), true).unwrap_err();
                assert!(err.contains("symbolic link"), "{spelling}: {err}");
            }
        }
    }
}

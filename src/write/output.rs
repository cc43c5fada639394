//! Writing the site to disk without ever losing the user's work.
//!
//! `OutputDir::check` judges the output folder once, after resolving `~`,
//! `..` and symbolic links, and is the only way to get a folder `Staging`
//! will write to: never the root or a folder above it, a source or theme
//! folder, a home folder, a file-system root, a symbolic link, a mount
//! point, or a folder of someone else's files (that one only with
//! `--force`, and never one holding `.git` or `playbook.toml`).
//!
//! `Staging` writes a complete site into a hidden folder beside the target
//! and swaps it in at the end (see `platform::exchange`), so a failed or
//! killed build leaves the previous site as it was. Inside the staging
//! folder it never follows a symbolic link, so a link left there cannot
//! send a write or a deletion anywhere else; it deletes nothing outside it.

use std::collections::HashSet;
use std::io::{self, Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

use crate::platform;
use crate::route::Route;
use crate::sync::lock;
use crate::write::sink::Sink;

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
fn lexical(path: &Path) -> PathBuf {
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
fn resolve(path: &Path) -> PathBuf {
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

fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_empty(dir: &Path) -> Result<bool, String> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    Ok(entries.next().is_none())
}

/// A repository (`.git`, a bare one, `.hg`, `.svn`) or a `playbook.toml`
/// anywhere in a folder a build would replace,
/// or a part of it that cannot be looked into (then it might hold one).
fn precious(dir: &Path) -> Option<String> {
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

pub(crate) struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    /// Held while this build owns `tmp` (see `claim_leftovers`).
    _lock: Option<std::fs::File>,
    lock_path: PathBuf,
    /// Where the previous site is kept for the next build to write over.
    spare: PathBuf,
    /// `tmp` began as the spare: files this build does not write must go.
    recycled: bool,
    committed: bool,
    written: std::sync::Mutex<Written>,
}

#[derive(Default)]
struct Written {
    /// Folders made or checked: real folders, never links.
    dirs: HashSet<String>,
    files: HashSet<String>,
}

impl Staging {
    /// Starts a site beside the target. The previous-but-one site, kept as
    /// a spare, is written over rather than a new tree created: rewriting a
    /// file is far cheaper than creating one and deleting the old one (on
    /// ext4 without a journal, each new file scans every recently deleted
    /// inode), and a stable site then needs no new files at all.
    pub(crate) fn begin(target: &OutputDir) -> io::Result<Staging> {
        let target = target.path();
        let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = target.parent().unwrap_or(Path::new(".")).to_path_buf();
        std::fs::create_dir_all(&parent)?;
        let spare = parent.join(format!(".{name}.spare"));
        claim_leftovers(&parent, &name, &spare);
        // A name nobody uses: something of that name that is not a folder
        // of ours (committed by someone, or a link) is left alone.
        let (tmp, lock_path, held) = (0..100)
            .find_map(|n| {
                let id = if n == 0 { std::process::id().to_string() } else { format!("{}-{n}", std::process::id()) };
                let tmp = parent.join(format!(".{name}.tmp-{id}"));
                let lock_path = parent.join(format!(".{name}.tmp-{id}.lock"));
                let taken = std::fs::symlink_metadata(&tmp).is_ok();
                if taken && !(is_real_dir(&tmp) && is_ours(&tmp)) {
                    return None;
                }
                let held = platform::try_lock(&lock_path).ok().flatten()?;
                // Ours, left by a build that died: we hold its lock now.
                if taken && remove_real_dir(&tmp).is_err() {
                    return None;
                }
                Some((tmp, lock_path, held))
            })
            .ok_or_else(|| io::Error::other("no free name for the staging folder"))?;
        let held = Some(held);
        // A rename claims the spare: of two builds, only one gets it. A
        // folder of that name without our marker is somebody else's.
        let recycled = is_real_dir(&spare)
            && is_ours(&spare)
            && precious(&spare).is_none()
            && std::fs::rename(&spare, &tmp).is_ok();
        if !recycled {
            std::fs::create_dir(&tmp)?;
        }
        let marker = tmp.join(MARKER);
        if std::fs::symlink_metadata(&marker).is_ok_and(|m| !m.is_file()) {
            remove_any(&marker)?;
        }
        platform::open_write(&marker, false)?;
        let written = Written { files: HashSet::from([MARKER.to_string()]), ..Default::default() };
        Ok(Staging {
            target: target.to_path_buf(),
            tmp,
            _lock: held,
            lock_path,
            spare,
            recycled,
            committed: false,
            written: std::sync::Mutex::new(written),
        })
    }

    /// Swaps the finished site in for the old one, which becomes the spare.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        if self.recycled {
            self.remove_unwritten()?;
        }
        if is_real_dir(&self.target) {
            platform::exchange(&self.tmp, &self.target)?;
            // `tmp` now holds the previous site.
            self.set_aside()?;
        } else {
            std::fs::rename(&self.tmp, &self.target)?;
        }
        self.committed = true;
        Ok(())
    }

    /// Keeps `tmp` as the spare, or removes it if there is one already or
    /// it is not a site we wrote (a folder replaced with --force).
    fn set_aside(&self) -> io::Result<()> {
        if !is_real_dir(&self.tmp) {
            return Ok(());
        }
        let keep = is_ours(&self.tmp) && std::fs::symlink_metadata(&self.spare).is_err();
        if !keep || std::fs::rename(&self.tmp, &self.spare).is_err() {
            remove_real_dir(&self.tmp)?;
        }
        Ok(())
    }

    /// Removes what the spare held that this build did not write. The walk
    /// does not follow links: a link is removed, never what it points to.
    fn remove_unwritten(&self) -> io::Result<()> {
        let written = lock(&self.written);
        let walk = walkdir::WalkDir::new(&self.tmp).follow_links(false).follow_root_links(false);
        for entry in walk.min_depth(1).contents_first(true) {
            let entry = entry.map_err(io::Error::other)?;
            let rel = entry.path().strip_prefix(&self.tmp).unwrap_or(entry.path()).to_string_lossy();
            if entry.file_type().is_dir() {
                if !written.dirs.contains(rel.as_ref()) {
                    // Not one of ours, so everything in it is already gone.
                    std::fs::remove_dir(entry.path())?;
                }
            } else if !written.files.contains(rel.as_ref()) {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }

    /// Makes sure every folder of `dir` (output-relative) is a real folder
    /// of the staging tree: made if missing; in a recycled tree, a file or
    /// link in the way is removed (only the entry itself, inside `tmp`).
    fn make_dirs(&self, dir: &str) -> io::Result<()> {
        let mut at = 0;
        loop {
            let end = dir[at..].find('/').map_or(dir.len(), |i| at + i);
            let prefix = &dir[..end];
            if !lock(&self.written).dirs.contains(prefix) {
                let path = self.tmp.join(prefix);
                match std::fs::symlink_metadata(&path) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        remove_any(&path)?;
                        std::fs::create_dir(&path)?;
                    }
                    Err(_) => match std::fs::create_dir(&path) {
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_real_dir(&path) => {}
                        other => other?,
                    },
                }
                lock(&self.written).dirs.insert(prefix.to_string());
            }
            if end == dir.len() {
                return Ok(());
            }
            at = end + 1;
        }
    }

    /// Writes `bytes` as the file at `dest`. Over the spare, a file that
    /// already holds them is left alone, and one that does not is written
    /// over in place: truncating frees its blocks (a discard request each,
    /// on a disk mounted with `discard`) only for them to be allocated again.
    fn write_file(&self, dest: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut file = match platform::open_write(dest, false) {
            Ok(f) => f,
            Err(_) if self.recycled && std::fs::symlink_metadata(dest).is_ok() => {
                // A folder or link where the file goes.
                remove_any(dest)?;
                platform::open_write(dest, false)?
            }
            Err(e) => return Err(e),
        };
        let old_len = file.metadata()?.len();
        let new_len = bytes.len() as u64;
        if old_len == new_len && new_len > 0 {
            let mut old = Vec::with_capacity(bytes.len());
            file.read_to_end(&mut old)?;
            if old == bytes {
                return Ok(());
            }
            file.rewind()?;
        }
        file.write_all(bytes)?;
        if old_len > new_len {
            file.set_len(new_len)?;
        }
        Ok(())
    }

    /// The staging path of a route, checked once more: defence in depth
    /// against a route that would leave the folder.
    fn dest(&self, route: &Route) -> io::Result<PathBuf> {
        let rel = Path::new(route.as_str());
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(io::Error::other(format!("refusing to write `{route}`: it leaves the output folder")));
        }
        Ok(self.tmp.join(rel))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // A failed build's half-written tree is as good a spare as any.
            let _ = self.set_aside();
        }
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

impl Sink for Staging {
    fn put(&self, route: &Route, bytes: Vec<u8>) -> io::Result<()> {
        let dest = self.dest(route)?;
        if let Some((dir, _)) = route.as_str().rsplit_once('/') {
            self.make_dirs(dir)?;
        }
        self.write_file(&dest, &bytes)?;
        lock(&self.written).files.insert(route.as_str().to_string());
        Ok(())
    }

    fn append(&self, route: &Route, bytes: &[u8]) -> io::Result<()> {
        platform::open_write(&self.dest(route)?, true)?.write_all(bytes)
    }
}

fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Removes a folder we own. `remove_dir_all` removes links inside it, never
/// what they point to.
fn remove_real_dir(path: &Path) -> io::Result<()> {
    if is_real_dir(path) { std::fs::remove_dir_all(path) } else { Ok(()) }
}

/// Removes an entry of the staging tree, whatever it is.
fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

/// Staging folders left by builds that died (their lock file is free):
/// the first of ours becomes the spare if there is none, the rest go. A
/// folder without our marker, or anything that is not a real folder, is
/// left alone: it is not ours to delete.
fn claim_leftovers(parent: &Path, name: &str, spare: &Path) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(id) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let path = entry.path();
        if id.ends_with(".lock") || !is_real_dir(&path) || !is_ours(&path) || precious(&path).is_some() {
            continue;
        }
        let lock_path = parent.join(format!("{}.lock", file_name.to_string_lossy()));
        let Ok(Some(_held)) = platform::try_lock(&lock_path) else {
            // Another build is writing it.
            continue;
        };
        let kept = std::fs::symlink_metadata(spare).is_err() && std::fs::rename(&path, spare).is_ok();
        if !kept {
            let _ = remove_real_dir(&path);
        }
        let _ = std::fs::remove_file(&lock_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path) -> OutputDir {
        OutputDir { path: dir.to_path_buf(), shown: dir.to_path_buf() }
    }

    #[test]
    fn a_link_left_in_the_spare_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("keep.txt"), "mine").unwrap();
        for _ in 0..2 {
            let s = Staging::begin(&site(&out)).unwrap();
            s.put(&Route::file("assets/a.css").unwrap(), b"x".to_vec()).unwrap();
            s.commit().unwrap();
        }
        let spare = dir.path().join(".public.spare");
        std::fs::remove_dir_all(spare.join("assets")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, spare.join("assets")).unwrap();
        let s = Staging::begin(&site(&out)).unwrap();
        s.put(&Route::file("assets/keep.txt").unwrap(), b"theirs".to_vec()).unwrap();
        s.put(&Route::file("assets/a.css").unwrap(), b"y".to_vec()).unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(victim.join("keep.txt")).unwrap(), "mine");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 1);
        assert_eq!(std::fs::read_to_string(out.join("assets/keep.txt")).unwrap(), "theirs");
    }

    #[test]
    fn a_live_build_keeps_its_staging_folder_and_a_dead_one_gives_it_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare = dir.path().join(".public.spare");
        let live = Staging::begin(&site(&out)).unwrap();
        let dead = dir.path().join(".public.tmp-4000000000");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(MARKER), "").unwrap();
        std::fs::write(dead.join("page.html"), "old").unwrap();
        let stranger = dir.path().join(".public.tmp-4000000001");
        std::fs::create_dir(&stranger).unwrap();
        claim_leftovers(dir.path(), "public", &spare);
        assert!(live.tmp.join(MARKER).is_file(), "a live build's folder is left alone");
        assert!(spare.join("page.html").is_file(), "a dead build's folder becomes the spare");
        assert!(!dead.exists());
        assert!(stranger.is_dir(), "a folder without our marker is not ours to delete");
    }

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

//! Where rendered files go.
//!
//! `Staging` is the disk writer of `build`: it writes a complete site into a
//! hidden folder beside the target and swaps it in at the end (an atomic
//! exchange of the two folders on Linux), so a failed or killed build leaves
//! the previous site as it was. It also refuses output folders that would
//! destroy the user's work.

use std::collections::HashSet;
use std::io::{self, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Receives rendered files by output-relative path (`/`-separated).
pub(crate) trait Sink: Sync {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;
    /// Adds to the end of a file this sink was given with `put`.
    fn append(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// The site in memory, for the dev server: path -> bytes. Values are shared
/// so that an incremental rebuild copies the map, not the pages.
pub(crate) type Files = std::collections::HashMap<String, std::sync::Arc<[u8]>>;

/// A `Sink` that collects into `Files`.
#[derive(Default)]
pub(crate) struct Memory {
    pub files: std::sync::Mutex<Files>,
}

impl Memory {
    pub(crate) fn from(files: Files) -> Memory {
        Memory { files: std::sync::Mutex::new(files) }
    }

    pub(crate) fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(path.to_string(), bytes.into());
        Ok(())
    }

    fn append(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let file = files.entry(path.to_string()).or_default();
        *file = [&file[..], bytes].concat().into();
        Ok(())
    }
}

/// Discards everything: `check` renders every page to find template errors
/// and writes nothing.
pub(crate) struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }

    fn append(&self, _path: &str, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Written into every output folder so a later build knows it may replace it.
pub(crate) const MARKER: &str = ".playbook-output";

pub(crate) struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    /// Where the previous site is kept for the next build to write over.
    spare: PathBuf,
    /// `tmp` began as the spare: files this build does not write must go.
    recycled: bool,
    committed: bool,
    written: std::sync::Mutex<Written>,
}

#[derive(Default)]
struct Written {
    /// Folders made or found: a `mkdir` that fails with "exists" costs
    /// nearly as much as one that succeeds.
    dirs: HashSet<String>,
    files: HashSet<String>,
}

/// Folders of the root that hold the user's sources.
const SOURCE_DIRS: &[&str] = &["chapters", "teams", "static", "templates"];

/// Refuses an output folder that is the root, holds it, lies inside the
/// content, or holds files a build did not write (unless `force`).
pub(crate) fn check_target(root: &Path, target: &Path, force: bool) -> Result<(), String> {
    let root_abs = absolute(root);
    let target_abs = absolute(target);
    if root_abs.starts_with(&target_abs) {
        return Err(format!(
            "refusing to write the site to `{}`: it is or contains the playbook root",
            target.display()
        ));
    }
    for dir in SOURCE_DIRS {
        if target_abs.starts_with(root_abs.join(dir)) {
            return Err(format!(
                "refusing to write the site to `{}`: it is inside the playbook's `{dir}/` folder",
                target.display()
            ));
        }
    }
    if target.is_file() {
        return Err(format!("refusing to write the site to `{}`: it is a file", target.display()));
    }
    if !force && target.is_dir() && !target.join(MARKER).exists() {
        let mut entries = std::fs::read_dir(target).map_err(|e| format!("cannot read `{}`: {e}", target.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "refusing to replace `{}`: it holds files that playbook did not write (use --force to replace it)",
                target.display()
            ));
        }
    }
    Ok(())
}

/// The absolute, symlink-resolved form of a path that may not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

impl Staging {
    /// Starts a site beside `target`. The previous-but-one site, kept as a
    /// spare, is written over rather than a new tree created: rewriting a
    /// file is far cheaper than creating one and deleting the old one (on
    /// ext4 without a journal, each new file scans every recently deleted
    /// inode), and a stable site then needs no new files at all.
    pub(crate) fn begin(target: &Path) -> io::Result<Staging> {
        let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let spare = parent.join(format!(".{name}.spare"));
        keep_or_remove_stale(&parent, &name, &spare);
        // (A folder of this process's id, left by a build that died, was
        // just taken care of with the others.)
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        // A rename claims the spare: of two builds, only one gets it. A
        // folder of that name without our marker is somebody else's.
        let recycled = spare.join(MARKER).is_file() && std::fs::rename(&spare, &tmp).is_ok();
        if !recycled {
            std::fs::create_dir(&tmp)?;
        }
        std::fs::write(tmp.join(MARKER), b"")?;
        let written = Written { files: HashSet::from([MARKER.to_string()]), ..Default::default() };
        let written = std::sync::Mutex::new(written);
        Ok(Staging { target: target.to_path_buf(), tmp, spare, recycled, committed: false, written })
    }

    /// Swaps the finished site in for the old one, which becomes the spare.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        if self.recycled {
            self.remove_unwritten()?;
        }
        if self.target.is_dir() {
            exchange(&self.tmp, &self.target)?;
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
        let ours = self.tmp.join(MARKER).is_file();
        if !ours || self.spare.exists() || std::fs::rename(&self.tmp, &self.spare).is_err() {
            std::fs::remove_dir_all(&self.tmp)?;
        }
        Ok(())
    }

    /// Removes what the spare held that this build did not write.
    fn remove_unwritten(&self) -> io::Result<()> {
        let written = self.written();
        for entry in walkdir::WalkDir::new(&self.tmp).min_depth(1).contents_first(true) {
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

    /// Writes `bytes` as the file at `dest`. Over the spare, a file that
    /// already holds them is left alone, and one that does not is written
    /// over in place: truncating frees its blocks (a discard request each,
    /// on a disk mounted with `discard`) only for them to be allocated again.
    fn write_file(&self, dest: &Path, bytes: &[u8]) -> io::Result<()> {
        use std::io::Read;
        let mut file = no_follow().read(true).write(true).create(true).open(dest)?;
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

    fn written(&self) -> std::sync::MutexGuard<'_, Written> {
        self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Makes room for `path` in a recycled tree: a file where a folder
    /// must go, or a folder where the file must go.
    fn clear_way(&self, path: &str) {
        let dest = self.tmp.join(path);
        match std::fs::symlink_metadata(&dest) {
            Ok(m) if m.is_dir() => drop(std::fs::remove_dir_all(&dest)),
            Ok(m) if !m.is_file() => drop(std::fs::remove_file(&dest)),
            _ => {}
        }
        for up in dest.ancestors().skip(1).take_while(|up| *up != self.tmp) {
            if std::fs::symlink_metadata(up).is_ok_and(|m| !m.is_dir()) {
                let _ = std::fs::remove_file(up);
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // A failed build's half-written tree is as good a spare as any.
            let _ = self.set_aside();
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let write = || {
            if let Some((dir, _)) = path.rsplit_once('/')
                && !self.written().dirs.contains(dir)
            {
                std::fs::create_dir_all(self.tmp.join(dir))?;
                let mut written = self.written();
                let mut at = dir;
                while written.dirs.insert(at.to_string()) {
                    match at.rsplit_once('/') {
                        Some((up, _)) => at = up,
                        None => break,
                    }
                }
            }
            self.write_file(&self.tmp.join(path), &bytes)
        };
        match write() {
            Err(_) if self.recycled => {
                self.clear_way(path);
                write()?;
            }
            result => result?,
        }
        self.written().files.insert(path.to_string());
        Ok(())
    }

    fn append(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        no_follow().append(true).open(self.tmp.join(path))?.write_all(bytes)
    }
}

/// Options that never open through a symlink: one left in the spare may
/// point at a file of the user's.
fn no_follow() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    options
}

/// Staging folders left by builds that were killed (their process is
/// gone): the first becomes the spare if there is none, the rest go.
fn keep_or_remove_stale(parent: &Path, name: &str, spare: &Path) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid).exists();
        let dead = !alive || pid == std::process::id().to_string();
        let keep = |p: &Path| p.join(MARKER).is_file() && !spare.exists() && std::fs::rename(p, spare).is_ok();
        if dead && !keep(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Without an atomic exchange, the old site is moved aside first; the gap
/// between the two renames is as short as the file system allows.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

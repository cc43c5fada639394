//! Where rendered files go.
//!
//! `Staging` is the disk writer of `build`: it writes a complete site into a
//! hidden folder beside the target and swaps it in at the end (an atomic
//! exchange of the two folders on Linux), so a failed or killed build leaves
//! the previous site as it was. It also refuses output folders that would
//! destroy the user's work.

use std::io;
use std::path::{Path, PathBuf};

/// Receives rendered files by output-relative path (`/`-separated).
pub(crate) trait Sink: Sync {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;
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
}

/// Discards everything: `check` renders every page to find template errors
/// and writes nothing.
pub(crate) struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }
}

/// Written into every output folder so a later build knows it may replace it.
pub(crate) const MARKER: &str = ".playbook-output";

pub(crate) struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
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
    pub(crate) fn begin(target: &Path) -> io::Result<Staging> {
        let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        remove_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        Ok(Staging { target: target.to_path_buf(), tmp, committed: false })
    }

    /// Swaps the finished site in for the old one.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        std::fs::write(self.tmp.join(MARKER), b"")?;
        if self.target.is_dir() {
            exchange(&self.tmp, &self.target)?;
            // `tmp` now holds the previous site.
            std::fs::remove_dir_all(&self.tmp)?;
        } else {
            std::fs::rename(&self.tmp, &self.target)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let dest = self.tmp.join(path);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(dest, bytes)
    }
}

/// Staging folders left by builds that were killed: their process is gone.
fn remove_stale(parent: &Path, name: &str) {
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
        if !alive || pid == std::process::id().to_string() {
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

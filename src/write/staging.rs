//! `Staging` writes a complete site into a hidden folder beside the target
//! and swaps it in at the end (see `platform::exchange`), so a failed or
//! killed build leaves the previous site as it was. Inside the staging
//! folder it never follows a symbolic link, so a link left there cannot
//! send a write or a deletion anywhere else; it deletes nothing outside it.

use std::collections::HashSet;
use std::io::{self, Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

use super::output::{MARKER, OutputDir, is_ours, precious};
use crate::platform;
use crate::route::Route;
use crate::sync::lock;
use crate::write::sink::Sink;

/// A site being written beside the output folder, swapped in by `commit`.
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
                // The portable `exchange` moves the old site to this name.
                if std::fs::symlink_metadata(parent.join(format!(".{name}.tmp-{id}.old"))).is_ok() {
                    return None;
                }
                let held = platform::try_lock(&lock_path).ok().flatten()?;
                // Ours, left by a build that died: we hold its lock now.
                if taken && discard(&tmp).is_err() {
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
            discard(&self.tmp)?;
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
                // In a new staging folder only this build's own writes can
                // be in the way: mkdir first, and look only if it fails.
                let made = !self.recycled && std::fs::create_dir(&path).is_ok();
                if !made {
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

/// Removes a staging folder (ours, or a folder the build was told to
/// replace), its marker last: a build killed half-way through leaves a
/// folder still marked ours, which the next build claims, never an
/// unmarked remnant nobody may delete. Links inside are removed, never what
/// they point to.
fn discard(path: &Path) -> io::Result<()> {
    discard_by(path, remove_any)
}

/// `discard`, removing each entry with `remove` (a test stops it part-way).
fn discard_by(path: &Path, mut remove: impl FnMut(&Path) -> io::Result<()>) -> io::Result<()> {
    if !is_real_dir(path) {
        return Ok(());
    }
    let marker = path.join(MARKER);
    if !is_ours(path) {
        remove_any(&marker)?;
        platform::open_write(&marker, false)?;
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_name() != MARKER {
            remove(&entry.path())?;
        }
    }
    std::fs::remove_file(&marker)?;
    std::fs::remove_dir(path)
}

/// Removes an entry of the staging tree, whatever it is.
fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

/// Staging folders left by builds that died (their lock file is free),
/// and old sites the portable `exchange` had set aside: the first of ours
/// becomes the spare if there is none, the rest go. A folder without our
/// marker is left alone unless empty, and anything that is not a real
/// folder is left alone: it is not ours to delete.
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
        if let Some(dir_id) = id.strip_suffix(".lock") {
            // A build killed between taking its lock and making its folder
            // leaves the (empty) lock file alone: take it and remove it.
            let orphan = std::fs::symlink_metadata(parent.join(format!("{prefix}{dir_id}"))).is_err()
                && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() == 0);
            if orphan && let Ok(Some(_held)) = platform::try_lock(&path) {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        if !is_real_dir(&path) {
            continue;
        }
        // A site set aside by the portable `exchange` has its build's lock.
        let owner = id.strip_suffix(".old").unwrap_or(id);
        let lock_path = parent.join(format!("{prefix}{owner}.lock"));
        let Ok(Some(_held)) = platform::try_lock(&lock_path) else {
            // Another build is writing it.
            continue;
        };
        if !is_ours(&path) {
            // Killed between removing its marker and the folder itself, or
            // between making the folder and marking it: an empty folder
            // holds nothing of anyone's. One with files is left alone.
            let _ = std::fs::remove_dir(&path);
        } else if precious(&path).is_none() {
            let kept = std::fs::symlink_metadata(spare).is_err() && std::fs::rename(&path, spare).is_ok();
            if !kept {
                let _ = discard(&path);
            }
        }
        let _ = std::fs::remove_file(&lock_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path) -> OutputDir {
        OutputDir::unchecked(dir)
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
        std::fs::write(stranger.join("notes.txt"), "someone's").unwrap();
        // Killed between making its folder and marking it (or between
        // removing the marker and the folder): empty.
        let empty = dir.path().join(".public.tmp-4000000004");
        std::fs::create_dir(&empty).unwrap();
        // Killed after taking its lock, before making its folder.
        let orphan_lock = dir.path().join(".public.tmp-4000000002.lock");
        std::fs::write(&orphan_lock, "").unwrap();
        // The portable `exchange`, killed after moving the old site aside.
        let aside = dir.path().join(".public.tmp-4000000005.old");
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join(MARKER), "").unwrap();
        // A live build's lock, its folder not made yet: left alone.
        let live_lock = dir.path().join(".public.tmp-4000000003.lock");
        let held = crate::platform::try_lock(&live_lock).unwrap();
        claim_leftovers(dir.path(), "public", &spare);
        assert!(!orphan_lock.exists(), "a dead build's lone lock file is removed");
        assert!(live_lock.exists(), "a live build's lock stays");
        drop(held);
        assert!(live.tmp.join(MARKER).is_file(), "a live build's folder is left alone");
        assert!(spare.join("page.html").is_file(), "a dead build's folder becomes the spare");
        assert!(!dead.exists());
        assert!(stranger.join("notes.txt").is_file(), "a folder without our marker is not ours to delete");
        assert!(!empty.exists(), "an empty leftover folder is removed");
        assert!(!aside.exists(), "a site set aside by an interrupted exchange is claimed");
        assert!(!dir.path().join(".public.tmp-4000000001.lock").exists(), "no lock file is left beside a stranger");
    }

    #[test]
    fn a_removal_stopped_part_way_leaves_the_folder_marked_ours() {
        // A build killed while removing an old site: the marker goes last,
        // so the remnant is still ours and the next build claims it.
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".public.tmp-1");
        for page in ["a/index.html", "b/index.html", "c.html"] {
            std::fs::create_dir_all(old.join(page).parent().unwrap()).unwrap();
            std::fs::write(old.join(page), "x").unwrap();
        }
        let mut removed = 0;
        let stopped = discard_by(&old, |p| {
            if removed == 2 {
                return Err(io::Error::other("killed"));
            }
            removed += 1;
            remove_any(p)
        });
        assert!(stopped.is_err());
        assert!(is_ours(&old), "an unfinished removal leaves the folder marked ours");
        claim_leftovers(dir.path(), "public", &dir.path().join(".public.spare"));
        assert!(!old.exists(), "the next build claims the remnant");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the spare is left");

        let forced = dir.path().join("someone");
        std::fs::create_dir_all(forced.join("d")).unwrap();
        std::fs::write(forced.join("d/f.txt"), "x").unwrap();
        let _ = discard_by(&forced, |_| Err(io::Error::other("killed")));
        assert!(is_ours(&forced), "a replaced folder is marked before its first entry goes");
        discard(&forced).unwrap();
        assert!(!forced.exists());
    }
}

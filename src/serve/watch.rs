//! File-system events for the dev server, reduced to what a rebuild needs to
//! know: did a source change, and does the theme have to be read again.
//!
//! notify's debouncer folds an editor's burst (temp file, rename, backup) into
//! one batch; paths that are not sources (the output folder, hidden files,
//! swap and backup files) are dropped here, so a save that touches only those
//! costs nothing.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

/// What a batch of events means for the build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ChangeSet {
    /// Source paths that changed, relative to the root where possible.
    pub paths: Vec<String>,
    /// A template, theme asset or `playbook.toml` changed: reload the theme.
    pub theme: bool,
}

impl ChangeSet {
    pub(crate) fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Adds the paths of a later batch.
    pub(crate) fn merge(&mut self, later: &ChangeSet) {
        for path in &later.paths {
            if !self.paths.contains(path) {
                self.paths.push(path.clone());
            }
        }
        self.theme |= later.theme;
    }
}

/// How long a burst of events must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(10);

/// Watches the playbook root (and a theme folder outside it) and hands
/// over debounced batches of changed paths.
pub(crate) struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, NoCache>,
    events: Receiver<DebounceEventResult>,
    root: PathBuf,
    ignore: Vec<PathBuf>,
    theme_dir: Option<PathBuf>,
}

impl Watcher {
    /// Watches the root (and the theme folder when it lies outside it),
    /// ignoring the `ignore` folders (the output).
    pub(crate) fn start(root: &Path, theme_dir: Option<&Path>, ignore: &[PathBuf]) -> Result<Watcher, String> {
        let (tx, rx) = channel();
        // Links are not followed: one to `/sys` or `/` would set a watch on
        // every folder of the machine. (A rebuild reads every source again
        // anyway; no file-id cache is needed to pair renames.)
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut debouncer = new_debouncer_opt::<_, notify::RecommendedWatcher, _>(
            QUIET,
            Some(Duration::from_millis(2)),
            tx,
            NoCache,
            config,
        )
        .map_err(|e| format!("cannot watch files: {e}"))?;
        let root = root.canonicalize().map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        let theme_dir = theme_dir.and_then(|d| d.canonicalize().ok());
        if let Some(dir) = &theme_dir
            && !dir.starts_with(&root)
        {
            debouncer
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch `{}`: {e}", dir.display()))?;
        }
        let ignore = ignore.iter().filter_map(|p| p.canonicalize().ok().or_else(|| Some(p.clone()))).collect();
        Ok(Watcher { debouncer, events: rx, root, ignore, theme_dir })
    }

    /// Watches `dir` as the theme folder from now on (and stops watching the
    /// one before, if it lay outside the root).
    pub(crate) fn watch_theme(&mut self, dir: Option<&Path>) -> Result<(), String> {
        let dir = dir.and_then(|d| d.canonicalize().ok());
        if dir == self.theme_dir {
            return Ok(());
        }
        let outside = |d: &Option<PathBuf>| d.as_ref().filter(|d| !d.starts_with(&self.root)).cloned();
        if let Some(old) = outside(&self.theme_dir) {
            // Gone or moved: nothing left to unwatch is fine.
            let _ = self.debouncer.unwatch(&old);
        }
        if let Some(new) = outside(&dir) {
            self.debouncer
                .watch(&new, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch `{}`: {e}", new.display()))?;
        }
        self.theme_dir = dir;
        Ok(())
    }

    /// Blocks until sources change; `None` when the watcher stopped.
    pub(crate) fn next(&self) -> Option<ChangeSet> {
        loop {
            let batch = self.events.recv().ok()?;
            let Ok(events) = batch else { continue };
            // Reading a file raises access events; the rebuild itself reads
            // every source, so only writes, creations and removals count.
            let paths = events.iter().filter(|e| is_write(&e.event.kind)).flat_map(|e| e.event.paths.iter());
            let set = classify(&self.root, self.theme_dir.as_deref(), &self.ignore, paths);
            if !set.is_empty() {
                return Some(set);
            }
        }
    }
}

fn is_write(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)))
}

/// Turns raw paths into a `ChangeSet`, dropping everything that is not a source.
pub(crate) fn classify<'a>(
    root: &Path,
    theme_dir: Option<&Path>,
    ignore: &[PathBuf],
    paths: impl Iterator<Item = &'a PathBuf>,
) -> ChangeSet {
    let mut set = ChangeSet::default();
    for path in paths {
        if ignore.iter().any(|i| path.starts_with(i)) || is_scratch(path) {
            continue;
        }
        let in_theme = theme_dir.is_some_and(|d| path.starts_with(d));
        let rel = path.strip_prefix(root).ok();
        let first = rel.and_then(|r| r.components().next()).and_then(|c| c.as_os_str().to_str());
        let source = match first {
            Some("chapters" | "teams" | "static" | "onboarding.md") => true,
            Some("templates" | "playbook.toml") => {
                set.theme = true;
                true
            }
            _ => false,
        };
        if in_theme {
            set.theme = true;
        }
        if source || in_theme {
            let shown = rel.unwrap_or(path).to_string_lossy().replace('\\', "/");
            if !set.paths.contains(&shown) {
                set.paths.push(shown);
            }
        }
    }
    set
}

/// Editor temporaries: hidden files, swap and backup files, vim's `4913`.
fn is_scratch(path: &Path) -> bool {
    if path.components().any(|c| matches!(c, Component::Normal(n) if n.to_str().is_some_and(|s| s.starts_with('.')))) {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return true };
    name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".kate-swp", ".crswap"].iter().any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files_and_output_are_ignored() {
        let root = Path::new("/r");
        let ignore = vec![PathBuf::from("/r/public")];
        let paths: Vec<PathBuf> = [
            "/r/chapters/.a.md.swp",
            "/r/chapters/a.md~",
            "/r/chapters/4913",
            "/r/public/index.html",
            "/r/README.md",
            "/r/chapters/01-a.md",
            "/r/templates/base.html",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let set = classify(root, None, &ignore, paths.iter());
        assert_eq!(set.paths, ["chapters/01-a.md", "templates/base.html"]);
        assert!(set.theme);
    }
}

//! The one reader of the user's files.
//!
//! Every file a build reads (config, chapters, examples, part and team
//! files, templates, theme and static assets, linked media) goes through
//! `Sources`, by its path relative to the playbook root. A path is read only
//! if, with every symbolic link resolved, it is a regular file inside the
//! root, no folder on the way is hidden (`.git`, `.env`), and it is no
//! larger than the limit. So a link to `/etc/passwd`, `/proc/self/environ`
//! or `.git/config`, a named pipe or a device is reported, naming the file,
//! and never opened or published.
//!
//! Text is read as UTF-8 without its byte-order mark; invalid UTF-8 is
//! reported at the line and column of the first bad byte.

pub(crate) mod config;
pub(crate) mod embedded;
pub(crate) mod git;
pub(crate) mod toml_fields;
mod tree;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::diagnostics::{Diagnostic, Pos};
use crate::platform;

/// Entries one walk may list: far beyond any playbook (10,000 chapters are
/// about 10,500), and a bound on any trick that multiplies a folder.
const MAX_ENTRIES: usize = 200_000;

/// Files larger than this are refused unless `max_file_mib` says otherwise.
pub(crate) const DEFAULT_MAX_MIB: u64 = 16;

/// The playbook root as a place to read from.
#[derive(Clone, Debug)]
pub(crate) struct Sources {
    /// The root as the user gave it.
    root: PathBuf,
    /// The root with every link resolved: what "inside" means.
    real: PathBuf,
    max_bytes: u64,
    /// Another revision's files, read from git into memory (`check
    /// --base`): when set, every read answers from it, never the disk.
    tree: Option<std::sync::Arc<git::Tree>>,
}

/// A directory entry found by `walk`.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Root-relative, `/`-separated.
    pub rel: String,
    pub is_dir: bool,
    pub depth: usize,
}

impl Sources {
    pub(crate) fn open(root: &Path) -> Result<Sources, String> {
        let real =
            root.canonicalize().map_err(|e| format!("cannot open the playbook root `{}`: {e}", root.display()))?;
        Ok(Sources { root: root.to_path_buf(), real, max_bytes: DEFAULT_MAX_MIB << 20, tree: None })
    }

    /// The playbook at `root` as another revision held it (`tree`, from
    /// `git::tree_at`): the same reader, answering from memory.
    pub(crate) fn of_revision(root: &Path, tree: git::Tree) -> Sources {
        Sources {
            root: root.to_path_buf(),
            real: root.to_path_buf(),
            max_bytes: DEFAULT_MAX_MIB << 20,
            tree: Some(std::sync::Arc::new(tree)),
        }
    }

    /// Sets the size limit (from `max_file_mib`).
    pub(crate) fn with_limit_mib(mut self, mib: u64) -> Sources {
        self.max_bytes = mib.saturating_mul(1 << 20);
        self
    }

    /// Where `rel` really is, if it is a readable regular file of the
    /// playbook; else the reason, as an error at `rel`.
    pub(crate) fn resolve(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        if let Some(tree) = &self.tree {
            return tree::read(tree, rel, self.max_bytes).map(|_| self.root.join(rel));
        }
        let real = self.inside(rel)?;
        let meta = std::fs::metadata(&real).map_err(|e| io_error(rel, &e))?;
        if !meta.is_file() {
            return Err(not_a_file(rel, meta.is_dir()));
        }
        if meta.len() > self.max_bytes {
            return Err(self.too_large(rel, meta.len()));
        }
        Ok(real)
    }

    /// Whether `rel` names something (a file or folder) that exists, without
    /// reading it: "is there a part.toml?".
    pub(crate) fn exists(&self, rel: &str) -> bool {
        if let Some(tree) = &self.tree {
            return tree.contains_key(rel) || tree::is_dir(tree, rel);
        }
        std::fs::symlink_metadata(self.root.join(rel)).is_ok()
    }

    /// Whether `rel` is reached through a name of its own: not a symbolic
    /// link, no other name (hard link) for the same file. An edit saved
    /// under another name changes what `rel` reads without an event for it.
    pub(crate) fn only_name(&self, rel: &str) -> bool {
        if self.tree.is_some() {
            return true;
        }
        std::fs::symlink_metadata(self.root.join(rel))
            .is_ok_and(|m| !m.file_type().is_symlink() && (m.is_dir() || !crate::platform::has_other_names(&m)))
    }

    /// Whether `rel` is a folder inside the root (links resolved).
    pub(crate) fn is_dir(&self, rel: &str) -> bool {
        if let Some(tree) = &self.tree {
            return tree::is_dir(tree, rel);
        }
        self.inside(rel).is_ok_and(|p| p.is_dir())
    }

    /// `rel` with links resolved, if it stays inside the root and out of
    /// hidden folders.
    fn inside(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        if let Some(seg) = rel.split('/').find(|s| s.starts_with('.') || s.is_empty()) {
            return Err(Diagnostic::error("hidden-file", rel, format!("`{seg}` is a hidden or empty name"))
                .with_help("hidden files and folders (.git, .env, ...) are never read or published"));
        }
        let real = self.root.join(rel).canonicalize().map_err(|e| io_error(rel, &e))?;
        let Ok(inner) = real.strip_prefix(&self.real) else {
            // Where it leads is not said: that would tell a pull request
            // which paths exist on the build machine.
            return Err(Diagnostic::error("outside-root", rel, "this leads outside the playbook root")
                .with_help("a symbolic link may point only inside the playbook root; copy the file in instead"));
        };
        if inner.components().any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.'))) {
            return Err(Diagnostic::error(
                "hidden-file",
                rel,
                format!("this leads into a hidden folder (`{}`)", inner.display()),
            )
            .with_help("hidden files and folders (.git, .env, ...) are never read or published"));
        }
        Ok(real)
    }

    fn too_large(&self, rel: &str, len: u64) -> Diagnostic {
        Diagnostic::error(
            "too-large",
            rel,
            format!("the file is {:.1} MiB; the limit is {} MiB", len as f64 / 1048576.0, self.max_bytes >> 20),
        )
        .with_help("split it, or raise `max_file_mib` in playbook.toml")
    }

    /// The bytes of `rel`.
    pub(crate) fn read(&self, rel: &str) -> Result<Vec<u8>, Diagnostic> {
        if let Some(tree) = &self.tree {
            return tree::read(tree, rel, self.max_bytes).map(<[u8]>::to_vec);
        }
        let real = self.resolve(rel)?;
        let file = platform::open_source(&real).map_err(|e| io_error(rel, &e))?;
        if !file.metadata().map_err(|e| io_error(rel, &e))?.is_file() {
            return Err(not_a_file(rel, false));
        }
        let mut bytes = Vec::new();
        // The limit holds even for a file that grows while it is read.
        file.take(self.max_bytes + 1).read_to_end(&mut bytes).map_err(|e| io_error(rel, &e))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(self.too_large(rel, bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// `rel` as UTF-8 text without its byte-order mark.
    pub(crate) fn read_text(&self, rel: &str) -> Result<String, Diagnostic> {
        decode(rel, self.read(rel)?)
    }

    /// Modification time and length, for the dev server's reuse of files.
    pub(crate) fn stamp(&self, rel: &str) -> Option<(SystemTime, u64)> {
        if self.tree.is_some() {
            return None;
        }
        let meta = std::fs::metadata(self.root.join(rel)).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    /// The entries below folder `dir` (root-relative) in name order, to
    /// `max_depth`. Hidden names are skipped; a link that leaves the root or
    /// enters a hidden folder, a loop and an unreadable folder are reported
    /// and skipped; files that are not regular files (pipes, devices) are
    /// reported. Links inside the root are followed.
    pub(crate) fn walk(&self, dir: &str, max_depth: usize, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
        if let Some(tree) = &self.tree {
            return tree::walk(tree, dir, max_depth);
        }
        let top = self.root.join(dir);
        let refused = std::cell::RefCell::new(Vec::new());
        // Real folders already walked: links that reach one folder by many
        // paths (a -> b, c -> b, ...) would multiply the walk without end.
        let seen = std::cell::RefCell::new(std::collections::HashSet::new());
        let walker = walkdir::WalkDir::new(&top)
            .follow_links(true)
            .max_depth(max_depth)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                if is_hidden(e.file_name()) {
                    return false;
                }
                if e.path_is_symlink() {
                    let rel = self.relative(e.path()).unwrap_or_default();
                    if let Err(d) = self.inside(&rel) {
                        refused.borrow_mut().push(d);
                        return false;
                    }
                }
                if e.file_type().is_dir()
                    && let Ok(real) = e.path().canonicalize()
                    && !seen.borrow_mut().insert(real)
                {
                    let rel = self.relative(e.path()).unwrap_or_default();
                    refused.borrow_mut().push(
                        Diagnostic::error(
                            "symlink-loop",
                            rel,
                            "this folder is reached a second time through a symbolic link",
                        )
                        .with_help("link each folder once, or copy it"),
                    );
                    return false;
                }
                true
            });
        let mut out = Vec::new();
        for entry in walker {
            if out.len() >= MAX_ENTRIES {
                diags.push(
                    Diagnostic::error("too-many-files", dir, format!("more than {MAX_ENTRIES} files and folders"))
                        .with_help("a playbook this size is not supported; split it"),
                );
                break;
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(self.walk_error(&e, dir));
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let Some(rel) = self.relative(entry.path()) else {
                let shown = entry.path().strip_prefix(&self.root).unwrap_or(entry.path()).to_string_lossy();
                diags.push(
                    Diagnostic::error("bad-file-name", shown, "the file name is not valid UTF-8")
                        .with_help("rename the file using UTF-8 characters"),
                );
                continue;
            };
            let kind = entry.file_type();
            if !kind.is_dir() && !kind.is_file() {
                diags.push(not_a_file(&rel, false));
                continue;
            }
            out.push(Entry { rel, is_dir: kind.is_dir(), depth: entry.depth() });
        }
        diags.append(&mut refused.into_inner());
        out
    }

    /// The files below folder `dir` (if it is one), each as (path below
    /// `dir`, root-relative path): a theme's templates, a static folder.
    pub(crate) fn files_below(&self, dir: &str, diags: &mut Vec<Diagnostic>) -> Vec<(String, String)> {
        if !self.is_dir(dir) {
            return Vec::new();
        }
        let entries = self.walk(dir, usize::MAX, diags);
        entries.into_iter().filter(|e| !e.is_dir).map(|e| (e.rel[dir.len() + 1..].to_string(), e.rel)).collect()
    }

    /// The root-relative `/`-separated form of a path below the root.
    fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let mut out = String::new();
        for c in rel.components() {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(c.as_os_str().to_str()?);
        }
        Some(out)
    }

    fn walk_error(&self, e: &walkdir::Error, dir: &str) -> Diagnostic {
        let rel = e.path().and_then(|p| self.relative(p)).unwrap_or_else(|| dir.to_string());
        if e.loop_ancestor().is_some() {
            return Diagnostic::error(
                "symlink-loop",
                rel,
                "this symbolic link loops back to a folder that contains it",
            )
            .with_help("remove the link or point it somewhere outside its own parent folders");
        }
        match e.io_error() {
            Some(io)
                if io.kind() == std::io::ErrorKind::NotFound && e.path().is_some_and(std::path::Path::is_symlink) =>
            {
                Diagnostic::error("io", rel, "this symbolic link points to nothing")
                    .with_help("remove the link or make it point to a file inside the playbook")
            }
            Some(io) => io_error(&rel, io),
            None => Diagnostic::error("io", rel, e.to_string()),
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_none_or(|n| n.starts_with('.'))
}

pub(crate) fn not_a_file(rel: &str, is_dir: bool) -> Diagnostic {
    if is_dir {
        return Diagnostic::error("not-a-file", rel, "this is a folder, not a file");
    }
    Diagnostic::error("not-a-file", rel, "this is not a regular file (a pipe, socket or device?)")
        .with_help("replace it with a regular file, or remove it")
}

/// Decodes file bytes, reporting the first invalid sequence at its place.
pub(crate) fn decode(rel: &str, mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..at]);
        let pos = Pos::of(&good, good.len());
        let line_start = good.rfind('\n').map_or(0, |i| i + 1);
        let mut d = Diagnostic::error("invalid-utf8", rel, "the file is not valid UTF-8 text")
            .at(pos)
            .with_help("save the file as UTF-8 in your editor");
        d.source_line = Some(good[line_start..].to_string());
        d
    })
}

pub(crate) fn io_error(rel: &str, e: &std::io::Error) -> Diagnostic {
    let what = match e.kind() {
        // Every path read was listed or checked a moment before.
        std::io::ErrorKind::NotFound => "the file was deleted or moved while the build was reading it".to_string(),
        std::io::ErrorKind::PermissionDenied => "cannot read the file: permission denied".to_string(),
        _ => format!("cannot read the file: {e}"),
    };
    Diagnostic::error("io", rel, what)
}

//! `Sources` answering from another revision's files held in memory (see
//! `git::tree_at`), with the rules of the disk: hidden names are never
//! read, the size limit holds, and a walk lists folders before what they
//! hold, names in order, as `walkdir` does.

use std::collections::BTreeSet;

use super::git::Tree;
use super::{Entry, io_error, not_a_file};
use crate::diagnostics::Diagnostic;

pub(super) fn read<'t>(tree: &'t Tree, rel: &str, max_bytes: u64) -> Result<&'t [u8], Diagnostic> {
    if rel.split('/').any(|s| s.is_empty() || s.starts_with('.')) {
        return Err(Diagnostic::error("hidden-file", rel, "hidden files and folders are never read"));
    }
    match tree.get(rel) {
        Some(Some(bytes)) if bytes.len() as u64 > max_bytes => {
            Err(Diagnostic::error("too-large", rel, "the file is larger than the limit"))
        }
        Some(Some(bytes)) => Ok(bytes),
        Some(None) => {
            Err(Diagnostic::error("io", rel, "this file of the revision was not read (not needed for its URLs)"))
        }
        None if is_dir(tree, rel) => Err(not_a_file(rel, true)),
        None => Err(io_error(rel, &std::io::Error::from(std::io::ErrorKind::NotFound))),
    }
}

pub(super) fn is_dir(tree: &Tree, rel: &str) -> bool {
    let prefix = format!("{}/", rel.trim_end_matches('/'));
    rel.is_empty() || tree.keys().any(|k| k.starts_with(&prefix))
}

pub(super) fn walk(tree: &Tree, dir: &str, max_depth: usize) -> Vec<Entry> {
    let prefix = if dir.is_empty() { String::new() } else { format!("{}/", dir.trim_end_matches('/')) };
    // Path segments sort a folder before what it holds and siblings by name.
    let mut found: BTreeSet<(Vec<&str>, bool)> = BTreeSet::new();
    for path in tree.keys() {
        let Some(below) = path.strip_prefix(&prefix) else { continue };
        let segments: Vec<&str> = below.split('/').collect();
        if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
            continue;
        }
        for depth in 1..=segments.len().min(max_depth) {
            found.insert((segments[..depth].to_vec(), depth < segments.len()));
        }
    }
    found
        .into_iter()
        .map(|(segments, is_dir)| Entry {
            rel: format!("{prefix}{}", segments.join("/")),
            is_dir,
            depth: segments.len(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_lists_folders_first_in_name_order_and_skips_hidden_names() {
        let mut tree = Tree::new();
        for p in
            ["chapters/a-c.md", "chapters/a/b.md", "chapters/a/part.toml", "chapters/.x/y.md", "chapters/a/deep/z.md"]
        {
            tree.insert(p.to_string(), Some(Vec::new()));
        }
        let walked: Vec<(String, bool)> = walk(&tree, "chapters", 2).into_iter().map(|e| (e.rel, e.is_dir)).collect();
        let want = [
            ("chapters/a", true),
            ("chapters/a/b.md", false),
            ("chapters/a/deep", true),
            ("chapters/a/part.toml", false),
            ("chapters/a-c.md", false),
        ];
        assert_eq!(walked, want.map(|(p, d)| (p.to_string(), d)));
        assert!(read(&tree, "chapters/.x/y.md", 1 << 20).is_err());
        assert!(is_dir(&tree, "chapters/a") && !is_dir(&tree, "chapters/a-c.md"));
    }
}

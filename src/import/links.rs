//! Links and images of an imported book, made right for the new layout:
//! a relative link to another imported page becomes a relative `.md` link
//! to where that page now lives (which `check` then verifies, anchors
//! included); a relative image or file is copied beside the page that uses
//! it. Links to the web, and anything that resolves to nothing, stay as
//! they were (the check reports the latter at its line).

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::Book;
use crate::sources::Sources;

/// Rewrites every page's links; returns the files to copy (source, dest)
/// and how many links changed.
pub(super) fn rewrite(sources: &Sources, book: &mut Book, repo_url: Option<&str>) -> (Vec<(String, String)>, usize) {
    let moved: HashMap<String, String> =
        book.pages.iter().filter_map(|p| Some((p.source.clone()?, p.dest.clone()))).collect();
    let mut copies: Vec<(String, String)> = Vec::new();
    let mut taken: HashMap<String, String> = HashMap::new();
    let mut count = 0;
    for page in &mut book.pages {
        let Some(source) = page.source.clone() else { continue };
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for (event, range) in Parser::new_ext(&page.body, Options::all()).into_offset_iter() {
            let url = match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url.to_string(),
                _ => continue,
            };
            let local = match repo_url.and_then(|r| in_repository(&url, r)) {
                Some(path) => path,
                None if is_relative(&url) => url.clone(),
                None => continue,
            };
            let (path, fragment) = match local.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (local.clone(), None),
            };
            let Some(target) = resolve(&source, &path, repo_url.is_some() && local != url) else { continue };
            let new = if let Some(dest) = moved.get(&target) {
                relative(&page.dest, dest)
            } else if copyable(sources, &target) {
                let dest = taken.entry(target.clone()).or_insert_with(|| {
                    let dest = free_name(&page.dest, &target, &copies);
                    copies.push((target.clone(), dest.clone()));
                    dest
                });
                relative(&page.dest, dest)
            } else {
                continue;
            };
            let new = match fragment {
                Some(f) => format!("{new}#{f}"),
                None => new,
            };
            if new == url {
                continue;
            }
            // The destination as written: right after the last `](` that
            // is followed by it (not in the link's text or title). One
            // written another way (`b&#46;md`) is left alone.
            if let Some(at) = page.body[range.clone()].rfind(&format!("]({url}")) {
                let start = range.start + at + 2;
                edits.push((start..start + url.len(), new));
            }
        }
        // Outermost last, and never two edits of one span (an image inside
        // a link can be found by both).
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        edits.dedup_by_key(|(r, _)| r.start);
        let mut end = usize::MAX;
        for (r, new) in edits {
            if r.end > end {
                continue;
            }
            end = r.start;
            page.body.replace_range(r, &new);
            count += 1;
        }
    }
    (copies, count)
}

/// A file that may be copied beside a page: a regular file of SRC with one
/// name (a hard link could be another file's contents), and not a source
/// of pages or settings (markdown the reader did not take as a page stays
/// out: its own front matter would skip the conversion).
fn copyable(sources: &Sources, target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    let source_like = [".md", ".markdown", ".toml", ".yml", ".yaml"].iter().any(|ext| lower.ends_with(ext));
    !source_like && sources.resolve(target).is_ok() && sources.only_name(target)
}

fn is_relative(url: &str) -> bool {
    !url.is_empty()
        && !url.starts_with('#')
        && !url.starts_with('/')
        && crate::html::scheme(url).is_none()
        && !url.starts_with("//")
}

/// A link to the same repository's web pages (`REPO/blob/main/docs/a.md`)
/// as a path from the repository's top (`/docs/a.md`).
fn in_repository(url: &str, repo: &str) -> Option<String> {
    let rest = url.strip_prefix(repo.trim_end_matches('/'))?.strip_prefix('/')?;
    let (kind, rest) = rest.split_once('/')?;
    if kind != "blob" && kind != "tree" {
        return None;
    }
    let (_branch, path) = rest.split_once('/')?;
    Some(format!("/{path}"))
}

/// `link` from `from` (SRC-relative) as an SRC-relative path, if it stays
/// inside SRC. `rooted`: the link is from the repository's top.
pub(super) fn resolve(from: &str, link: &str, rooted: bool) -> Option<String> {
    let link = percent_encoding::percent_decode_str(link).decode_utf8().ok()?;
    let dir = if rooted { "" } else { from.rsplit_once('/').map_or("", |(dir, _)| dir) };
    crate::compile::markdown::join(dir, &link).filter(|path| !path.is_empty())
}

/// The path of `to` relative to the folder of `from` (both root-relative).
pub(super) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// Where a copied file goes: beside the page, under its own name, or a
/// numbered one when another file already took that name.
fn free_name(page: &str, file: &str, copies: &[(String, String)]) -> String {
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    let name = file.rsplit('/').next().unwrap_or(file);
    let name: String =
        name.chars().take(100).map(|c| if c.is_alphanumeric() || "._-".contains(c) { c } else { '-' }).collect();
    let name = name.trim_start_matches('.').trim_end_matches('.');
    // A name no system refuses (`con.png` is a device on Windows).
    let name = if name.is_empty() || crate::route::Route::check(name).is_err() {
        format!("file-{name}")
    } else {
        name.to_string()
    };
    let mut candidate = format!("{dir}/{name}");
    let mut n = 2;
    while copies.iter().any(|(_, d)| *d == candidate) {
        candidate = format!("{dir}/{n}-{name}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_and_resolved() {
        assert_eq!(relative("chapters/01-a/02-b.md", "chapters/03-c/01-d.md"), "../03-c/01-d.md");
        assert_eq!(relative("chapters/01-x.md", "chapters/01-y.md"), "01-y.md");
        assert_eq!(resolve("guide/a.md", "../img/b%20c.png", false).as_deref(), Some("img/b c.png"));
        assert_eq!(resolve("a.md", "../../etc/passwd", false), None);
        assert_eq!(
            in_repository("https://git.example.com/o/r/blob/main/docs/a.md", "https://git.example.com/o/r").as_deref(),
            Some("/docs/a.md")
        );
    }
}

//! A folder of markdown (a repository's docs, a wiki, a Jekyll, Hugo,
//! Docusaurus or MkDocs site): folders become parts, files chapters in
//! name order (or by the weight YAML front matter gives); a folder's
//! `README.md` or `index.md` is its description when it is only a title
//! and a paragraph, else its first chapter. Titles come from the front
//! matter, else a leading `# H1` (then dropped from the body), else the
//! file name.

use std::collections::BTreeMap;

use super::{Book, PageOut, PartOut, front, yaml};
use crate::compile::slug;
use crate::content::split_front_matter;
use crate::diagnostics::Diagnostic;
use crate::sources::Sources;

/// Folders that are a site generator's machinery, not pages.
const SKIP: &[&str] = &["node_modules", "_site", "public", "site", "build", "vendor", "_includes", "_layouts"];

/// One markdown file, read.
struct Source {
    rel: String,
    title: String,
    weight: Option<i64>,
    old_urls: Vec<String>,
    front: toml::Table,
    body: String,
}

pub(super) fn read(sources: &Sources, with_yaml: bool) -> Book {
    let mut book = Book::default();
    let mut walk_notes = Vec::new();
    let entries = sources.walk("", 16, &mut walk_notes);
    book.notes.extend(walk_notes);
    // Folder -> its markdown files.
    let mut folders: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.is_dir && e.rel.ends_with(".md")) {
        if e.rel.split('/').any(|s| SKIP.contains(&s)) {
            continue;
        }
        let text = match sources.read_text(&e.rel) {
            Ok(t) => t,
            Err(d) => {
                book.notes.push(d);
                continue;
            }
        };
        let source = parse(&e.rel, &text, with_yaml, &mut book.notes);
        let dir = e.rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        folders.entry(dir).or_default().push(source);
    }
    // Every folder on the way to one with pages is a part.
    let dirs: Vec<String> = folders.keys().cloned().collect();
    for dir in dirs {
        let mut at = dir.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            folders.entry(parent.to_string()).or_default();
            at = parent;
        }
        if !at.is_empty() {
            folders.entry(String::new()).or_default();
        }
    }
    place(&mut folders, "", "", &mut book);
    book
}

/// Writes folder `dir`'s pages and sub-folders below `chapters/{out}`.
fn place(folders: &mut BTreeMap<String, Vec<Source>>, dir: &str, out: &str, book: &mut Book) {
    let mut files = folders.remove(dir).unwrap_or_default();
    let index = files.iter().position(|s| is_index(&s.rel));
    let index = index.map(|i| files.remove(i));
    let mut items: Vec<(Option<i64>, String, Option<Source>)> =
        files.into_iter().map(|s| (s.weight, s.rel.clone(), Some(s))).collect();
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let subdirs: Vec<String> = folders
        .keys()
        .filter(|k| {
            k.strip_prefix(&prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
                && (!dir.is_empty() || !k.is_empty())
        })
        .cloned()
        .collect();
    items.extend(subdirs.into_iter().map(|d| (None, d, None)));
    items.sort_by(|a, b| crate::content::by_weight(a.0, b.0).then_with(|| a.1.cmp(&b.1)));
    let base = if out.is_empty() { "chapters".to_string() } else { format!("chapters/{out}") };
    let mut n = 1;
    if let Some(index) = index {
        // A title and a short paragraph describe the folder; more is a page.
        let short = !index.body.trim().contains("\n\n")
            && index.body.trim().len() < 400
            && index.body.trim().lines().all(|l| !l.starts_with('#'));
        if dir.is_empty() {
            book.title = index.title.clone();
            if short {
                book.description = index.body.trim().to_string();
            }
        } else if let Some(part) = book.parts.iter_mut().find(|p| p.dir == out) {
            part.title = index.title.clone();
            if short {
                part.description = index.body.trim().replace('\n', " ");
            }
        }
        if !short {
            let p = page(index, &base, 0, n, book);
            book.pages.push(p);
            n += 1;
        }
    }
    for (_, name, source) in items {
        match source {
            Some(s) => {
                let p = page(s, &base, n as i64 * 10, n, book);
                book.pages.push(p);
            }
            None => {
                let folder = name.rsplit('/').next().unwrap_or(&name).to_string();
                let full = book.part_dir(&base, n, &folder);
                let part_dir = full.strip_prefix("chapters/").unwrap_or(&full).to_string();
                book.parts.push(PartOut {
                    dir: part_dir.clone(),
                    title: crate::compile::slug::title_from_slug(&slug::slugify(&folder)),
                    description: String::new(),
                    weight: n as i64 * 10,
                });
                place(folders, &name, &part_dir, book);
            }
        }
        n += 1;
    }
}

fn is_index(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    name == "readme.md" || name == "index.md" || name == "_index.md"
}

fn page(s: Source, base: &str, weight: i64, n: usize, book: &mut Book) -> PageOut {
    let stem = s.rel.rsplit('/').next().unwrap_or(&s.rel).trim_end_matches(".md");
    let name = if is_index(&s.rel) { s.title.clone() } else { slug::from_file_stem(stem) };
    let dest = book.chapter_file(base, n, &name);
    let mut front_matter = front(&s.title, s.weight.unwrap_or(weight));
    front_matter.extend(s.front);
    let new_url = new_url(&dest);
    let aliases: Vec<toml::Value> = s
        .old_urls
        .iter()
        .map(|u| u.trim_matches('/').to_string())
        .filter(|u| !u.is_empty() && !u.contains("://") && *u != new_url.trim_matches('/'))
        .map(toml::Value::from)
        .collect();
    if !aliases.is_empty() {
        front_matter.insert("aliases".into(), aliases.into());
    }
    PageOut { source: Some(s.rel), dest, front: front_matter, body: s.body }
}

/// The URL path a chapter written at `dest` gets (`part/chapter/`).
pub(super) fn new_url(dest: &str) -> String {
    let inner = dest.strip_prefix("chapters/").unwrap_or(dest).trim_end_matches(".md");
    inner.split('/').map(slug::from_file_stem).collect::<Vec<_>>().join("/") + "/"
}

fn parse(rel: &str, text: &str, with_yaml: bool, notes: &mut Vec<Diagnostic>) -> Source {
    let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".md");
    let mut source = Source {
        rel: rel.to_string(),
        title: String::new(),
        weight: None,
        old_urls: Vec::new(),
        front: toml::Table::new(),
        body: String::new(),
    };
    let mut body_start = 0;
    if split_front_matter(rel, text).is_ok() {
        notes.push(
            Diagnostic::warning("import", rel, "this file has TOML front matter already; it is kept as the body")
                .at_offset(text, 0),
        );
    }
    if with_yaml && let Some((yaml_text, body)) = yaml::split(text) {
        body_start = body;
        match yaml::map(yaml_text) {
            Ok(m) => {
                for key in &m.dropped {
                    notes.push(
                        Diagnostic::warning("import", rel, format!("the value of `{key}` could not be kept"))
                            .at_offset(text, 0)
                            .with_help("set it by hand in the new chapter's front matter"),
                    );
                }
                source.title = m.title.unwrap_or_default();
                source.weight = m.weight;
                source.front = m.front;
                source.old_urls = m.old_urls;
            }
            Err((message, line)) => notes.push(
                Diagnostic::error("import", rel, format!("the YAML front matter does not parse: {message}"))
                    .at_offset(text, text.lines().take(line + 1).map(|l| l.len() + 1).sum()),
            ),
        }
    }
    let rest = &text[body_start..];
    // A leading `# H1` is the title when the front matter gave none, and
    // leaves the body either way (the page shows its title already).
    let (h1, after) = crate::content::leading_h1(rest).map_or((None, 0), |(title, at)| (Some(title), at));
    if source.title.is_empty() {
        source.title = h1.unwrap_or_else(|| slug::title_from_slug(&slug::from_file_stem(stem)));
    }
    // The old URL of a site built from this folder: its path, pretty.
    if with_yaml {
        let path = rel.trim_end_matches(".md");
        let path = if is_index(rel) { path.rsplit_once('/').map_or("", |(d, _)| d) } else { path };
        if !path.is_empty() {
            source.old_urls.push(format!("{path}/"));
        }
    }
    source.body = rest[after..].to_string();
    source
}

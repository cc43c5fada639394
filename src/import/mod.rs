//! `playbook import SRC`: a handbook that already exists (an mdBook, a
//! folder of plain markdown, a site with YAML front matter) as a new
//! playbook root. Each kind reads into one plain `Book`; links and images
//! are then rewritten for the new layout (`links`), and the book is
//! written into a folder that did not exist or was empty. SRC is read
//! through `Sources` (so nothing outside it, no hidden file, no link out)
//! and never written.

mod folders;
mod links;
mod mdbook;
mod yaml;

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::sources::Sources;
use crate::write::output::{lexical, resolve};

/// What a source kind is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    /// `book.toml` and `src/SUMMARY.md`
    Mdbook,
    /// Markdown files in folders, titles as `# H1`
    Markdown,
    /// Markdown with `---` YAML front matter (Jekyll, Hugo, Docusaurus, MkDocs)
    Yaml,
}

/// A handbook read from its source, in the playbook's terms.
#[derive(Debug, Default)]
pub(crate) struct Book {
    pub title: String,
    pub description: String,
    pub language: Option<String>,
    pub parts: Vec<PartOut>,
    pub pages: Vec<PageOut>,
    /// What could not be mapped, at its source file and line.
    pub notes: Vec<Diagnostic>,
    /// Chapter slugs taken so far (a playbook's are unique across parts),
    /// and parts' folders, with the next number to try for each name.
    pub taken: std::collections::HashMap<String, usize>,
}

/// Slugs a chapter may not take: the generator's own folders.
const RESERVED: &[&str] = &["teams", "tags", "print", "onboarding", "changes", "assets", "media", "search"];

impl Book {
    /// A chapter file below `base` at place `n`, named after `name`, with a
    /// slug no other chapter has (`overview`, `overview-2`, ...): sources
    /// often repeat a name in every folder (`README.md`, "Overview").
    pub(crate) fn chapter_file(&mut self, base: &str, n: usize, name: &str) -> String {
        // Slugs are unique across the playbook; a top-level chapter's URL
        // is also a top-level part's.
        let scopes: &[&str] = if base == "chapters" { &["", "top:"] } else { &[""] };
        let slug = self.unique(scopes, name);
        format!("{base}/{n:02}-{slug}.md")
    }

    /// A part's folder below `base` at place `n`, its slug unique among
    /// the folder's parts (and clear of the generator's at the top).
    pub(crate) fn part_dir(&mut self, base: &str, n: usize, name: &str) -> String {
        let scope = if base == "chapters" { "top:".to_string() } else { format!("{base}/") };
        let slug = self.unique(&[&scope], name);
        format!("{base}/{n:02}-{slug}")
    }

    /// A slug from `name` that no other in `scope` has, short, and a valid
    /// URL segment on every system (`con` is a device on Windows).
    fn unique(&mut self, scopes: &[&str], name: &str) -> String {
        let mut slug = crate::compile::slug::slugify(name);
        if slug.len() > 60 {
            let cut = (0..=60).rev().find(|&i| slug.is_char_boundary(i)).unwrap_or(0);
            slug.truncate(cut);
            slug = slug.trim_end_matches('-').to_string();
        }
        if slug.is_empty() {
            slug = "page".into();
        }
        // The next number to try for this name is kept: a name repeated
        // in every folder costs one step each, not one per earlier copy.
        let key = format!("next:{}{slug}", scopes[0]);
        let mut k = self.taken.get(&key).copied().unwrap_or(1);
        loop {
            let candidate = if k == 1 { slug.clone() } else { format!("{slug}-{k}") };
            k += 1;
            let free = scopes.iter().all(|s| !self.taken.contains_key(&format!("{s}{candidate}")))
                && !RESERVED.contains(&candidate.as_str())
                && crate::route::Route::check(&format!("{candidate}/index.html")).is_ok();
            if free {
                self.taken.insert(key, k);
                for s in scopes {
                    self.taken.insert(format!("{s}{candidate}"), 0);
                }
                return candidate;
            }
        }
    }
}

/// A folder below `chapters/`.
#[derive(Debug)]
pub(crate) struct PartOut {
    /// Below `chapters/`: `02-user-guide` or `02-user-guide/01-nested`.
    pub dir: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
}

/// One chapter to write.
#[derive(Debug)]
pub(crate) struct PageOut {
    /// SRC-relative file it came from (`None` for a draft entry of a
    /// SUMMARY.md that names no file).
    pub source: Option<String>,
    /// Root-relative path to write: `chapters/02-user-guide/01-install.md`.
    pub dest: String,
    /// Front matter: title, weight, and what the source said.
    pub front: toml::Table,
    pub body: String,
}

/// What the import did, for its summary.
#[derive(Debug)]
pub(crate) struct Report {
    pub kind: Kind,
    pub pages: usize,
    pub parts: usize,
    pub links: usize,
    pub files: usize,
    pub notes: Vec<Diagnostic>,
}

/// Imports `src` into `into` (which must not exist, or be empty).
pub(crate) fn import(src: &Path, into: &Path, kind: Option<Kind>, repo_url: Option<&str>) -> Result<Report, String> {
    let sources = Sources::open(src)?;
    let kind = kind.unwrap_or_else(|| detect(&sources));
    // `a/../b` is `b` before anything is looked at: the checks below and
    // the writes see the same folder.
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let into = &lexical(&cwd.join(into));
    if into.exists() && std::fs::read_dir(into).map_err(|e| format!("`{}`: {e}", into.display()))?.next().is_some() {
        return Err(format!("`{}` is not empty: import writes a new playbook root", into.display()));
    }
    // Never into SRC, nor around it: the handbook being imported is not touched.
    let (s, i) = (resolve(&cwd.join(src)), resolve(into));
    if i.starts_with(&s) || s.starts_with(&i) {
        return Err("the new playbook may not be written inside the handbook it imports (or around it)".into());
    }
    let mut book = match kind {
        Kind::Mdbook => mdbook::read(&sources),
        Kind::Markdown => folders::read(&sources, false),
        Kind::Yaml => folders::read(&sources, true),
    };
    if book.title.trim().is_empty() {
        book.title = s
            .file_name()
            .map_or_else(|| "Handbook".into(), |n| crate::compile::slug::title_from_slug(&n.to_string_lossy()));
    }
    let (files, rewritten) = links::rewrite(&sources, &mut book, repo_url);
    // Written beside DIR and moved into place whole: a failure half-way
    // leaves no half playbook behind.
    let name = into.file_name().ok_or("the new playbook needs a folder name")?.to_string_lossy().into_owned();
    let staging = into.with_file_name(format!(".{name}.import-{}", std::process::id()));
    let written = write(&staging, &sources, &book, &files).and_then(|()| {
        if into.exists() {
            std::fs::remove_dir(into).map_err(|e| format!("`{}`: {e}", into.display()))?;
        }
        std::fs::rename(&staging, into)
            .map_err(|e| format!("cannot move the new playbook into `{}`: {e}", into.display()))
    });
    if let Err(why) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(why);
    }
    Ok(Report {
        kind,
        pages: book.pages.len(),
        parts: book.parts.len(),
        links: rewritten,
        files: files.len(),
        notes: book.notes,
    })
}

/// mdBook when there is a `book.toml`, YAML when a markdown file opens
/// with `---`, else plain markdown.
fn detect(sources: &Sources) -> Kind {
    if sources.exists("book.toml") {
        return Kind::Mdbook;
    }
    let mut ignored = Vec::new();
    let yaml = sources
        .walk("", 8, &mut ignored)
        .iter()
        .filter(|e| !e.is_dir && e.rel.ends_with(".md"))
        .take(200)
        .any(|e| sources.read_text(&e.rel).is_ok_and(|t| yaml::split(&t).is_some()));
    if yaml { Kind::Yaml } else { Kind::Markdown }
}

/// Writes the book: config, parts, chapters, copied files. Every path was
/// made by `links` and the readers from slugs below `chapters/`; each is
/// checked again here, the one place this command writes.
fn write(into: &Path, sources: &Sources, book: &Book, files: &[(String, String)]) -> Result<(), String> {
    // A new file, never one that is there.
    let create = |path: PathBuf, bytes: &[u8]| -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
    };
    // Every path made from content passes the output-path check.
    let put = |rel: &str, bytes: &[u8]| -> Result<(), String> {
        crate::route::Route::check(rel).map_err(|why| format!("cannot write `{rel}`: {why}"))?;
        create(into.join(rel), bytes)
    };
    let mut config = toml::Table::new();
    config.insert("title".into(), book.title.clone().into());
    if !book.description.is_empty() {
        config.insert("description".into(), book.description.clone().into());
    }
    if let Some(language) = &book.language {
        config.insert("language".into(), language.clone().into());
    }
    put("playbook.toml", toml::to_string(&config).map_err(|e| e.to_string())?.as_bytes())?;
    create(into.join(".gitignore"), b"public/\n.public.spare/\n")?;
    for part in &book.parts {
        let mut t = toml::Table::new();
        t.insert("title".into(), part.title.clone().into());
        if !part.description.is_empty() {
            t.insert("description".into(), part.description.clone().into());
        }
        t.insert("weight".into(), part.weight.into());
        put(&format!("chapters/{}/part.toml", part.dir), toml::to_string(&t).map_err(|e| e.to_string())?.as_bytes())?;
    }
    for page in &book.pages {
        // One line per value: a `+++` line inside a multi-line string
        // would close the front matter early.
        let mut front = toml::Value::Table(page.front.clone());
        one_line(&mut front);
        let front = toml::to_string(&front).map_err(|e| e.to_string())?;
        put(&page.dest, format!("+++\n{front}+++\n\n{}", page.body.trim_start_matches('\n')).as_bytes())?;
    }
    for (from, to) in files {
        let bytes = sources.read(from).map_err(|d| format!("{}: {}", d.file, d.message))?;
        put(to, &bytes)?;
    }
    Ok(())
}

fn one_line(value: &mut toml::Value) {
    match value {
        toml::Value::String(s) if s.contains(['\n', '\r']) => *s = s.replace(['\r', '\n'], " "),
        toml::Value::Array(items) => items.iter_mut().for_each(one_line),
        toml::Value::Table(t) => t.iter_mut().for_each(|(_, v)| one_line(v)),
        _ => {}
    }
}

/// Front matter with a title and a weight.
pub(crate) fn front(title: &str, weight: i64) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert("title".into(), title.into());
    t.insert("weight".into(), weight.into());
    t
}

//! Rebuilds for the dev server, doing only the work a change needs.
//!
//! Every rebuild reloads the sources (cheap) and re-renders markdown only for
//! documents whose text changed. If the playbook's structure is unchanged
//! (titles, slugs, cards, tags, order, URLs: everything a page other than the
//! document's own could show), only the pages that show the changed bodies
//! are rendered again, on top of the previous site. Anything else renders
//! the whole site. Either way the result equals a clean build.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::compile::site::Site;
use crate::compile::{self, Options};
use crate::diagnostics::Diagnostic;
use crate::render::theme::{self, Theme};
use crate::render::{self, Changed, Plan, PrintCache, Selection};
use crate::write::sink::{Files, Memory};

/// The last good build.
struct Built {
    site: Site,
    theme: Arc<Theme>,
    structure: u64,
    files: Arc<Files>,
}

pub(crate) struct Rebuilder {
    root: PathBuf,
    opts: Options,
    last: Option<Built>,
    print: PrintCache,
}

pub(crate) struct Outcome {
    pub files: Arc<Files>,
    /// Pages rendered this time.
    pub pages: usize,
    /// True when the whole site was rendered.
    pub full: bool,
    pub warnings: Vec<Diagnostic>,
    pub took: Duration,
    /// The base path the site is served under.
    pub base: String,
}

impl Rebuilder {
    pub(crate) fn new(root: PathBuf, opts: Options) -> Rebuilder {
        Rebuilder { root, opts, last: None, print: PrintCache::kept() }
    }

    /// Rebuilds from the sources on disk. `theme_changed` forces the theme
    /// to be read again (a template or theme asset changed); unless
    /// `bodies_only` (only markdown files changed), every page and copy is
    /// made again. On error the last good build is kept for the next attempt.
    pub(crate) fn rebuild(&mut self, theme_changed: bool, bodies_only: bool) -> Result<Outcome, Vec<Diagnostic>> {
        let start = Instant::now();
        let prev = self.last.as_ref();
        let compiled = compile::compile(&self.root, &self.opts, prev.map(|b| &b.site))?;
        let site = compiled.site;
        let theme = match prev {
            Some(b) if !theme_changed && b.site.book.config.theme == site.book.config.theme => Arc::clone(&b.theme),
            _ => Arc::new(theme::load(&site.book.sources, &site.book.config)?),
        };
        let structure = structure(&site);
        let selection = match prev {
            Some(b) if bodies_only && Arc::ptr_eq(&b.theme, &theme) && b.structure == structure => {
                Selection::Pages(changed(&b.site, &site))
            }
            _ => Selection::All,
        };
        let sink = match (&selection, prev) {
            (Selection::Pages(_), Some(b)) => Memory::from(Files::clone(&b.files)),
            _ => Memory::default(),
        };
        let plan = Plan { selection, print_cache: &self.print, search: false };
        let stats = render::render(&site, &theme, &sink, &plan, &|| {})?;
        let files = Arc::new(sink.into_files());
        let full = matches!(plan.selection, Selection::All);
        let base = site.base.clone();
        self.last = Some(Built { site, theme, structure, files: Arc::clone(&files) });
        Ok(Outcome { files, pages: stats.pages, full, warnings: compiled.warnings, took: start.elapsed(), base })
    }
}

impl Rebuilder {
    /// The search index of the last good build (empty when search is off).
    /// Built after the new pages are served, so a rebuild never waits for it.
    pub(crate) fn search_index(&self) -> Vec<(String, Vec<u8>)> {
        match &self.last {
            Some(b) if b.site.book.config.search => {
                let files = std::sync::Mutex::new(Vec::new());
                render::search_index(&b.site, &|route, bytes| {
                    crate::sync::lock(&files).push((route.as_str().to_string(), bytes));
                });
                let mut files = files.into_inner().unwrap_or_else(|p| p.into_inner());
                files.sort();
                files
            }
            _ => Vec::new(),
        }
    }
}

/// Pages showing a document whose text differs between two builds of the
/// same structure (so indices line up).
fn changed(old: &Site, new: &Site) -> Changed {
    let mut changed = Changed::default();
    for (i, (a, b)) in old.book.chapters.iter().zip(&new.book.chapters).enumerate() {
        if a.doc.text != b.doc.text {
            changed.chapters.push(i);
        }
    }
    let chapter_index = |slug: &str| new.book.chapters.iter().position(|c| c.slug == slug);
    for (ti, (ta, tb)) in old.book.teams.iter().zip(&new.book.teams).enumerate() {
        for (a, b) in ta.examples.iter().zip(&tb.examples) {
            if a.doc.text == b.doc.text {
                continue;
            }
            if !changed.teams.contains(&ti) && new.book.shows_team(&tb.id) {
                changed.teams.push(ti);
            }
            if let Some(ci) = chapter_index(&b.meta.chapter)
                && !changed.chapters.contains(&ci)
                && new.book.shows_team(&tb.id)
            {
                changed.chapters.push(ci);
            }
        }
    }
    changed.onboarding = match (&old.book.onboarding, &new.book.onboarding) {
        (Some(a), Some(b)) => a.text != b.text,
        _ => false,
    };
    changed
}

/// A hash of everything a page other than a document's own could show:
/// all metadata, order and URLs, but no markdown bodies.
fn structure(site: &Site) -> u64 {
    let book = &site.book;
    let mut h = DefaultHasher::new();
    format!("{:?}", book.config).hash(&mut h);
    (&book.edition, &book.drafts, &book.broken, &site.assets, &site.base).hash(&mut h);
    format!("{:?}", site.routes).hash(&mut h);
    let mut updated: Vec<_> = book.updated.iter().map(|(f, d)| (f, d.to_string())).collect();
    updated.sort();
    updated.hash(&mut h);
    for p in &book.parts {
        (&p.dir, &p.route, &p.title, &p.description, p.parent, p.weight).hash(&mut h);
    }
    for c in &book.chapters {
        (&c.doc.file, &c.slug, &c.route, c.part).hash(&mut h);
        format!("{:?}", c.meta).hash(&mut h);
    }
    for t in &book.teams {
        (&t.id, &t.name, &t.description, &t.lead, &t.channel, t.weight, &t.route).hash(&mut h);
        for ex in &t.examples {
            (&ex.doc.file, &ex.slug).hash(&mut h);
            format!("{:?}", ex.meta).hash(&mut h);
        }
    }
    if let Some(d) = &book.onboarding {
        (&d.file, &d.title, &d.summary).hash(&mut h);
    }
    h.finish()
}

//! The pages a playbook publishes, by URL, with the source that serves
//! each: what `check --base` compares between two revisions. Built from
//! the route table of a loaded playbook (the working tree's compiled site,
//! or another revision's files read from git), so both sides are decided
//! by the same `routes::assign`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::routes::{self, Routes};
use crate::content::{self, Chapter, LoadOptions, Part, Team};
use crate::diagnostics::Diagnostic;
use crate::render::theme;
use crate::sources::{Sources, config};

/// What kind of page a URL is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Chapter,
    Onboarding,
    Part,
    Team,
    Tag,
    /// A redirect from a chapter's old URL.
    Alias,
}

/// One published page.
#[derive(Clone, Debug)]
pub(crate) struct Page {
    pub kind: Kind,
    /// The file (or folder) that serves it, root-relative.
    pub file: String,
    pub title: String,
    pub owners: Vec<String>,
    /// The document's text (chapters and onboarding), to tell an edit.
    pub text: Option<Arc<str>>,
}

/// Published pages by URL path below the base (`principles/own-the-roadmap/`).
pub(crate) type Published = BTreeMap<String, Page>;

/// What a route table holds, borrowed from a playbook or a compiled site.
pub(crate) struct Parts<'a> {
    pub chapters: Vec<&'a Chapter>,
    pub parts: &'a [Part],
    /// Teams whose pages this build writes.
    pub teams: Vec<&'a Team>,
    pub onboarding: Option<&'a content::Doc>,
    pub routes: &'a Routes,
}

pub(crate) fn published(p: &Parts<'_>) -> Published {
    let mut out = Published::new();
    let mut put = |url: &str, page: Page| {
        out.entry(url.to_string()).or_insert(page);
    };
    let doc_page = |c: &Chapter, kind| Page {
        kind,
        file: c.doc.file.clone(),
        title: c.meta.title.clone(),
        owners: c.meta.owners.clone(),
        text: Some(Arc::clone(&c.doc.text)),
    };
    for c in &p.chapters {
        put(c.route.url_path(), doc_page(c, Kind::Chapter));
    }
    if let Some(d) = p.onboarding {
        let page = Page {
            kind: Kind::Onboarding,
            file: d.file.clone(),
            title: d.title.clone(),
            owners: Vec::new(),
            text: Some(Arc::clone(&d.text)),
        };
        put(crate::route::onboarding().url_path(), page);
    }
    for part in p.parts {
        let page = Page {
            kind: Kind::Part,
            file: part.dir.clone(),
            title: part.title.clone(),
            owners: Vec::new(),
            text: None,
        };
        put(part.route.url_path(), page);
    }
    for t in &p.teams {
        let page = Page {
            kind: Kind::Team,
            file: format!("teams/{}", t.id),
            title: t.name.clone(),
            owners: Vec::new(),
            text: None,
        };
        put(t.route.url_path(), page);
    }
    for (key, route) in &p.routes.tags {
        // A tag's page is served by the chapters that carry it: name the first.
        let file = p.chapters.iter().find(|c| c.meta.tags.iter().any(|t| &super::slug::slugify(t) == key));
        let page = Page {
            kind: Kind::Tag,
            file: file.map_or_else(|| "chapters".to_string(), |c| c.doc.file.clone()),
            title: format!("Tag: {key}"),
            owners: Vec::new(),
            text: None,
        };
        put(route.url_path(), page);
    }
    for alias in &p.routes.aliases {
        if let Some(c) = p.chapters.get(alias.chapter) {
            put(alias.route.url_path(), Page { text: None, ..doc_page(c, Kind::Alias) });
        }
    }
    out
}

/// The pages a compiled site publishes (the working tree, as `check` has
/// already compiled it: no second load).
pub(crate) fn of_site(site: &super::site::Site) -> Published {
    published(&Parts {
        chapters: site.chapters.iter().map(|c| &c.chapter).collect(),
        parts: &site.parts,
        teams: site.teams.iter().filter(|t| t.shown).map(|t| &t.team).collect(),
        onboarding: site.onboarding.as_ref().map(|d| &d.doc),
        routes: &site.routes,
    })
}

/// The pages the playbook read through `sources` publishes: config,
/// content and routes, as a build decides them (nothing is rendered).
/// Problems of that playbook are returned too: the caller decides what
/// they mean (another revision's errors are not this change's).
pub(crate) fn of_sources(
    sources: &Sources,
    opts: &LoadOptions,
) -> Result<(Published, Vec<Diagnostic>), Vec<Diagnostic>> {
    let cfg = config::load(sources)?;
    let (mut book, mut diags) = content::load(sources, cfg, opts, &content::Parsed::default());
    let statics = theme::static_files(sources, &book.config, &mut diags);
    let (routes, mut more) = routes::assign(&mut book, statics);
    diags.append(&mut more);
    let teams = book.teams.iter().filter(|t| book.shows_team(&t.team.id)).map(|t| &t.team).collect();
    let parts = Parts {
        chapters: book.chapters.iter().collect(),
        parts: &book.parts,
        teams,
        onboarding: book.onboarding.as_ref(),
        routes: &routes,
    };
    Ok((published(&parts), diags))
}

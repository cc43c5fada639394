//! The playbook compiled: every document's markdown rendered once (in
//! parallel), and every link between documents checked against the anchors
//! the rendering produced. Pages, print view and search read from here.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::compile::links;
use crate::compile::markdown::{self, Rendered, Resolve, Target};
use crate::compile::routes::{self, Route, Routes};
use crate::content::{Chapter, Playbook, Team, front_matter_key_offset};
use crate::diagnostics::Diagnostic;

/// A chapter's principle card, as inline HTML.
#[derive(Clone, Debug, Default)]
pub(crate) struct Card {
    pub do_: Option<String>,
    pub dont: Option<String>,
    pub why: Option<String>,
}

impl Card {
    pub(crate) fn is_empty(&self) -> bool {
        self.do_.is_none() && self.dont.is_none() && self.why.is_none()
    }
}

/// The playbook compiled: every document rendered once, every link checked,
/// every output path decided. What render, search and the checks read.
pub(crate) struct Site {
    pub book: Playbook,
    /// Parallel to `book.chapters`.
    pub chapters: Vec<Arc<Rendered>>,
    pub cards: Vec<Card>,
    /// Parallel to `book.teams` and their `examples`.
    pub examples: Vec<Vec<Arc<Rendered>>>,
    pub onboarding: Option<Arc<Rendered>>,
    /// The routes that no chapter, part or team record holds.
    pub routes: Routes,
    /// Root-relative files that pages reference and that exist, with the
    /// route of their copy.
    pub assets: BTreeMap<String, Route>,
    /// Base path every URL starts with (`/` or `/handbook/`).
    pub base: String,
    /// Identifies the source-to-URL map the HTML was rendered against.
    url_map: u64,
}

/// Maps source files to where they land in the output.
pub(crate) struct Urls {
    targets: HashMap<String, TargetSpec>,
    media_base: String,
}

struct TargetSpec {
    url: String,
    anchor_prefix: String,
    anchor: Option<String>,
}

impl Urls {
    pub(crate) fn new(book: &Playbook, base: &str) -> Urls {
        let mut targets = HashMap::new();
        for c in &book.chapters {
            let spec = TargetSpec { url: c.route.url(base), anchor_prefix: String::new(), anchor: None };
            targets.insert(c.doc.file.clone(), spec);
        }
        let chapter_url: HashMap<&str, &Route> = book.chapters.iter().map(|c| (c.slug.as_str(), &c.route)).collect();
        for team in &book.teams {
            let shown = book.shows_team(&team.id);
            for ex in &team.examples {
                let anchor = ex.anchor();
                let spec = if shown {
                    TargetSpec { url: team.route.url(base), anchor_prefix: format!("{anchor}-"), anchor: Some(anchor) }
                } else {
                    // Another team's example in a team edition: its chapter
                    // is the closest page this edition has.
                    let url =
                        chapter_url.get(ex.meta.chapter.as_str()).map_or_else(|| base.to_string(), |r| r.url(base));
                    TargetSpec { url, anchor_prefix: format!("{anchor}-"), anchor: None }
                };
                targets.insert(ex.doc.file.clone(), spec);
            }
        }
        if let Some(doc) = &book.onboarding {
            let spec = TargetSpec { url: routes::onboarding().url(base), anchor_prefix: String::new(), anchor: None };
            targets.insert(doc.file.clone(), spec);
        }
        Urls { targets, media_base: format!("{base}media/") }
    }

    /// A hash of the whole map: rendered links stay valid while it holds.
    fn fingerprint(&self) -> u64 {
        let mut entries: Vec<_> = self.targets.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut h = DefaultHasher::new();
        self.media_base.hash(&mut h);
        for (file, t) in entries {
            (file, &t.url, &t.anchor_prefix, &t.anchor).hash(&mut h);
        }
        h.finish()
    }
}

impl Resolve for Urls {
    fn target(&self, file: &str) -> Option<Target> {
        self.targets.get(file).map(|t| Target {
            url: t.url.clone(),
            anchor_prefix: t.anchor_prefix.clone(),
            anchor: t.anchor.clone(),
        })
    }
    fn media_base(&self) -> &str {
        &self.media_base
    }
}

/// Example headings sit under the page's h2 section and h3 group and h4 title.
const EXAMPLE_HEADING_SHIFT: u8 = 3;

/// Renders every document's markdown and checks links. With `prev` (the
/// dev server's last good site), a document whose text is unchanged reuses
/// its earlier rendering, as long as no URL moved.
pub(crate) fn compile(book: Playbook, routes: Routes, prev: Option<&Site>) -> (Site, Vec<Diagnostic>) {
    let base = book.config.base_path();
    let urls = Urls::new(&book, &base);
    // Earlier renderings are valid while no URL moved and raw HTML is
    // treated the same way.
    let url_map = urls.fingerprint() ^ u64::from(book.config.raw_html);
    let reuse = Reuse::new(prev.filter(|p| p.url_map == url_map));

    let raw_html = book.config.raw_html;
    let compiled: Vec<(Arc<Rendered>, Card, Vec<Diagnostic>)> = book
        .chapters
        .par_iter()
        .map(|c| {
            if let Some((rendered, Some(card))) = reuse.get(&c.doc.file, &c.doc.text) {
                return (rendered, card.clone(), Vec::new());
            }
            let doc = markdown::Doc {
                file: &c.doc.file,
                text: &c.doc.text,
                body_offset: c.doc.body_offset,
                id_prefix: "",
                heading_shift: 0,
                raw_html,
            };
            let (card, diags) = card(c, raw_html);
            (Arc::new(markdown::render(&doc, &urls)), card, diags)
        })
        .collect();
    let mut diags = Vec::new();
    let mut chapters = Vec::with_capacity(compiled.len());
    let mut cards = Vec::with_capacity(compiled.len());
    for (rendered, card, mut more) in compiled {
        chapters.push(rendered);
        cards.push(card);
        diags.append(&mut more);
    }
    let examples: Vec<Vec<Arc<Rendered>>> =
        book.teams.par_iter().map(|t| render_examples(t, &urls, &reuse, book.config.raw_html)).collect();
    let onboarding = book.onboarding.as_ref().map(|d| {
        reuse.get(&d.file, &d.text).map(|(r, _)| r).unwrap_or_else(|| {
            let doc = markdown::Doc {
                file: &d.file,
                text: &d.text,
                body_offset: d.body_offset,
                id_prefix: "",
                heading_shift: 0,
                raw_html: book.config.raw_html,
            };
            Arc::new(markdown::render(&doc, &urls))
        })
    });

    let mut site = Site { book, chapters, cards, examples, onboarding, routes, assets: BTreeMap::new(), base, url_map };
    diags.extend(links::check(&mut site));
    (site, diags)
}

/// A chapter's principle card, each field rendered like its body.
fn card(c: &Chapter, raw_html: bool) -> (Card, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut field = |key: &str, value: &Option<String>| {
        let text = value.as_deref()?;
        match markdown::inline(text, raw_html) {
            Ok(html) => Some(html),
            Err(why) => {
                let at = front_matter_key_offset(&c.doc.text, key);
                diags.push(
                    Diagnostic::error(
                        "unsafe-url",
                        &c.doc.file,
                        format!("`{key}` links to a URL that is refused: {why}"),
                    )
                    .at_offset(&c.doc.text, at)
                    .with_help("link to a page or an http(s) address"),
                );
                None
            }
        }
    };
    let card =
        Card { do_: field("do", &c.meta.do_), dont: field("dont", &c.meta.dont), why: field("why", &c.meta.why) };
    (card, diags)
}

/// Earlier renderings by source file, with the text they came from (and,
/// for chapters, the principle card from the same front matter).
struct Reuse<'a> {
    docs: HashMap<&'a str, (&'a str, &'a Arc<Rendered>, Option<&'a Card>)>,
}

impl<'a> Reuse<'a> {
    fn new(prev: Option<&'a Site>) -> Reuse<'a> {
        let mut docs = HashMap::new();
        if let Some(site) = prev {
            let book = &site.book;
            for ((c, r), card) in book.chapters.iter().zip(&site.chapters).zip(&site.cards) {
                docs.insert(c.doc.file.as_str(), (&c.doc.text[..], r, Some(card)));
            }
            for (t, rs) in book.teams.iter().zip(&site.examples) {
                for (ex, r) in t.examples.iter().zip(rs) {
                    docs.insert(ex.doc.file.as_str(), (&ex.doc.text[..], r, None));
                }
            }
            if let (Some(d), Some(r)) = (&book.onboarding, &site.onboarding) {
                docs.insert(d.file.as_str(), (&d.text[..], r, None));
            }
        }
        Reuse { docs }
    }

    fn get(&self, file: &str, text: &str) -> Option<(Arc<Rendered>, Option<&'a Card>)> {
        self.docs.get(file).filter(|(old, ..)| *old == text).map(|(_, r, card)| (Arc::clone(r), *card))
    }
}

fn render_examples(team: &Team, urls: &Urls, reuse: &Reuse<'_>, raw_html: bool) -> Vec<Arc<Rendered>> {
    team.examples
        .iter()
        .map(|ex| {
            if let Some((r, _)) = reuse.get(&ex.doc.file, &ex.doc.text) {
                return r;
            }
            let prefix = format!("{}-", ex.anchor());
            let doc = markdown::Doc {
                file: &ex.doc.file,
                text: &ex.doc.text,
                body_offset: ex.doc.body_offset,
                id_prefix: &prefix,
                heading_shift: EXAMPLE_HEADING_SHIFT,
                raw_html,
            };
            Arc::new(markdown::render(&doc, urls))
        })
        .collect()
}

//! The playbook compiled: every document's markdown rendered once (in
//! parallel), and every link between documents checked against the anchors
//! the rendering produced. Pages, print view and search read from here.
//!
//! The site is a set of records: each chapter, team example and the
//! onboarding page carries its source and its rendering together, so a
//! reader holds a reference to what it shows, never a pair of indices into
//! parallel lists.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::compile::markdown::{self, Rendered, Resolve, Target};
use crate::compile::routes::Routes;
use crate::content::{Chapter, Doc, Example, Part, Playbook, Team, TeamFolder};
use crate::diagnostics::Diagnostic;
use crate::route::{self, Route};
use crate::sources::Sources;
use crate::sources::config::Config;

/// A chapter's principle card, as inline HTML.
#[derive(Clone, Debug, Default, Hash)]
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

/// A chapter with what compiling it made.
#[derive(Clone)]
pub(crate) struct CompiledChapter {
    /// Its place in reading order (`site.chapters[index]` is this one).
    pub index: usize,
    pub chapter: Chapter,
    pub rendered: Arc<Rendered>,
    pub card: Card,
}

/// A team example with its rendering.
#[derive(Clone)]
pub(crate) struct CompiledExample {
    pub example: Example,
    pub rendered: Arc<Rendered>,
}

/// A team and its examples, compiled.
#[derive(Clone)]
pub(crate) struct CompiledTeam {
    pub team: Team,
    pub examples: Vec<Arc<CompiledExample>>,
    /// This build shows the team (a team edition shows only its own).
    pub shown: bool,
}

/// A page of markdown that is neither chapter nor example (onboarding).
#[derive(Clone)]
pub(crate) struct CompiledDoc {
    pub doc: Doc,
    pub rendered: Arc<Rendered>,
}

/// An example as one of a chapter's: with the team that wrote it.
#[derive(Clone, Copy)]
pub(crate) struct ExampleRef<'a> {
    pub team: &'a CompiledTeam,
    pub example: &'a CompiledExample,
}

/// The playbook compiled: every document rendered once, every link checked,
/// every output path decided. What render, search and the checks read.
/// Cloning it is cheap (records and tables are shared): the dev server's
/// next site after a body edit is this one with a few records replaced.
#[derive(Clone)]
pub(crate) struct Site {
    /// Where the sources were read from; copies read through it too.
    pub sources: Sources,
    pub config: Config,
    /// Folders under `chapters/`; a chapter's `part` indexes this.
    pub parts: Vec<Part>,
    /// Every chapter this build shows, in reading order. Records are
    /// shared so that the dev server's next site, after a body edit, can
    /// take the unchanged ones without copying them (see `serve::quick`).
    pub chapters: Vec<Arc<CompiledChapter>>,
    /// Every team (a team edition marks the others not `shown`).
    pub teams: Vec<CompiledTeam>,
    pub onboarding: Option<CompiledDoc>,
    /// `--team ID`: the team whose edition this is.
    pub edition: Option<String>,
    /// Root-relative path -> date of its last commit (empty outside git).
    pub history: Arc<crate::sources::git::History>,
    /// The routes that no chapter, part or team record holds.
    pub routes: Arc<Routes>,
    /// Root-relative files that pages reference and that exist, with the
    /// route of their copy.
    pub assets: Arc<BTreeMap<String, Route>>,
    /// Base path every URL starts with (`/` or `/handbook/`).
    pub base: String,
    /// Identifies the source-to-URL map the HTML was rendered against.
    pub(crate) url_map: u64,
    /// Where each source file lands (what a link to it resolves to).
    pub(crate) urls: Arc<Urls>,
    /// Every document by its file.
    pub(crate) docs: Arc<HashMap<String, DocRef>>,
    /// Root-relative paths of the drafts this build leaves out (a link to
    /// one gets its own message).
    pub(crate) drafts: Arc<Vec<String>>,
}

/// Where a markdown document's record lies in a `Site`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DocRef {
    Chapter(usize),
    /// Team index, example index.
    Example(usize, usize),
    Onboarding,
}

/// Anything the site holds about one document, as links and the dev
/// server see it.
pub(crate) struct DocView<'a> {
    pub doc: &'a Doc,
    pub rendered: &'a Arc<Rendered>,
    /// Prefix of the ids it defines on its page (examples share a page).
    pub id_prefix: String,
    /// Headings shift down by this on its page.
    pub heading_shift: u8,
    /// This build shows it (a team edition shows one team's examples).
    pub shown: bool,
}

impl Site {
    /// Lets go of the source texts once the site is compiled and checked:
    /// rendering reads only what compiling made of them, and a one-shot
    /// build need not keep a copy of the whole playbook beside its pages
    /// (a quarter of its peak memory at 10,000 chapters). A record shared
    /// with another site (only the dev server shares them) keeps its text.
    pub(crate) fn release_sources(&mut self) {
        let empty: Arc<str> = Arc::from("");
        let docs = self.chapters.iter_mut().filter_map(Arc::get_mut).map(|c| &mut c.chapter.doc);
        let examples = self.teams.iter_mut().flat_map(|t| t.examples.iter_mut().filter_map(Arc::get_mut));
        let docs = docs.chain(examples.map(|e| &mut e.example.doc));
        for doc in docs.chain(self.onboarding.iter_mut().map(|d| &mut d.doc)) {
            doc.text = Arc::clone(&empty);
            doc.body_offset = 0;
        }
    }

    /// Chapter index by slug.
    pub(crate) fn chapter_index(&self) -> HashMap<&str, usize> {
        self.chapters.iter().map(|c| (c.chapter.slug.as_str(), c.index)).collect()
    }

    /// For each chapter (by index), the examples this build shows on it, in
    /// team order.
    pub(crate) fn examples_by_chapter(&self) -> Vec<Vec<ExampleRef<'_>>> {
        let chapter_of = self.chapter_index();
        let mut out = vec![Vec::new(); self.chapters.len()];
        for team in self.teams.iter().filter(|t| t.shown) {
            for example in &team.examples {
                if let Some(&ci) = chapter_of.get(example.example.meta.chapter.as_str()) {
                    out[ci].push(ExampleRef { team, example });
                }
            }
        }
        out
    }

    /// One document's record.
    pub(crate) fn doc(&self, at: DocRef) -> Option<DocView<'_>> {
        Some(match at {
            DocRef::Chapter(i) => {
                let c = self.chapters.get(i)?;
                DocView {
                    doc: &c.chapter.doc,
                    rendered: &c.rendered,
                    id_prefix: String::new(),
                    heading_shift: 0,
                    shown: true,
                }
            }
            DocRef::Example(t, e) => {
                let team = self.teams.get(t)?;
                let ex = team.examples.get(e)?;
                DocView {
                    doc: &ex.example.doc,
                    rendered: &ex.rendered,
                    id_prefix: format!("{}-", ex.example.anchor()),
                    heading_shift: EXAMPLE_HEADING_SHIFT,
                    shown: team.shown,
                }
            }
            DocRef::Onboarding => {
                let d = self.onboarding.as_ref()?;
                DocView { doc: &d.doc, rendered: &d.rendered, id_prefix: String::new(), heading_shift: 0, shown: true }
            }
        })
    }

    /// Every document, in reading order (chapters, examples, onboarding).
    pub(crate) fn doc_refs(&self) -> impl Iterator<Item = DocRef> + '_ {
        let chapters = (0..self.chapters.len()).map(DocRef::Chapter);
        let examples = self
            .teams
            .iter()
            .enumerate()
            .flat_map(|(t, team)| (0..team.examples.len()).map(move |e| DocRef::Example(t, e)));
        chapters.chain(examples).chain(self.onboarding.iter().map(|_| DocRef::Onboarding))
    }

    /// `self` with one document's text and rendering replaced (the dev
    /// server's body edit: everything else is shared, not copied).
    pub(crate) fn with_doc(&mut self, at: DocRef, doc: Doc, rendered: Arc<Rendered>) {
        match at {
            DocRef::Chapter(i) => {
                if let Some(c) = self.chapters.get_mut(i) {
                    let c = Arc::make_mut(c);
                    c.chapter.doc = doc;
                    c.rendered = rendered;
                }
            }
            DocRef::Example(t, e) => {
                if let Some(ex) = self.teams.get_mut(t).and_then(|team| team.examples.get_mut(e)) {
                    let ex = Arc::make_mut(ex);
                    ex.example.doc = doc;
                    ex.rendered = rendered;
                }
            }
            DocRef::Onboarding => {
                if let Some(d) = &mut self.onboarding {
                    d.doc = doc;
                    d.rendered = rendered;
                }
            }
        }
    }

    /// Renders a document's markdown as this site renders it.
    pub(crate) fn render_doc(&self, doc: &Doc, id_prefix: &str, heading_shift: u8) -> Rendered {
        render_doc(&self.urls, self.config.raw_html, doc, id_prefix, heading_shift)
    }

    /// The part a chapter or part belongs to, by index.
    pub(crate) fn part(&self, index: Option<usize>) -> Option<&Part> {
        index.and_then(|i| self.parts.get(i))
    }
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
        for folder in &book.teams {
            let shown = book.shows_team(&folder.team.id);
            for ex in &folder.examples {
                let anchor = ex.anchor();
                let spec = if shown {
                    TargetSpec {
                        url: folder.team.route.url(base),
                        anchor_prefix: format!("{anchor}-"),
                        anchor: Some(anchor),
                    }
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
            let spec = TargetSpec { url: route::onboarding().url(base), anchor_prefix: String::new(), anchor: None };
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

/// Renders every document's markdown. `earlier` holds
/// renderings a previous compile made (the dev server's); a document whose
/// text is unchanged reuses its own, as long as no URL moved.
pub(crate) fn compile(book: Playbook, routes: Routes, earlier: &Renderings) -> (Site, Vec<Diagnostic>) {
    let base = book.config.base_path();
    let urls = Urls::new(&book, &base);
    // Earlier renderings are valid while no URL moved and raw HTML is
    // treated the same way.
    let url_map = urls.fingerprint() ^ u64::from(book.config.raw_html);
    let earlier = if earlier.url_map == url_map { Some(earlier) } else { None };
    let reuse = |file: &str, text: &str| earlier.and_then(|e| e.get(file, text));
    let raw_html = book.config.raw_html;
    let render = |doc: &Doc, id_prefix: &str, heading_shift: u8| {
        Arc::new(render_doc(&urls, raw_html, doc, id_prefix, heading_shift))
    };

    let Playbook { sources, config, parts, chapters, teams, edition, onboarding, history, .. } = book;
    let compiled: Vec<(Arc<CompiledChapter>, Vec<Diagnostic>)> = chapters
        .into_par_iter()
        .enumerate()
        .map(|(index, chapter)| {
            let (rendered, card, diags) = match reuse(&chapter.doc.file, &chapter.doc.text) {
                Some((rendered, Some(card))) => (rendered, card, Vec::new()),
                _ => {
                    let (card, diags) = card(&chapter, raw_html);
                    (render(&chapter.doc, "", 0), card, diags)
                }
            };
            (Arc::new(CompiledChapter { index, chapter, rendered, card }), diags)
        })
        .collect();
    let mut diags = Vec::new();
    let mut chapters = Vec::with_capacity(compiled.len());
    for (chapter, mut more) in compiled {
        chapters.push(chapter);
        diags.append(&mut more);
    }
    let teams: Vec<CompiledTeam> = teams
        .into_par_iter()
        .map(|TeamFolder { team, examples }| {
            let examples = examples
                .into_iter()
                .map(|example| {
                    let rendered = match reuse(&example.doc.file, &example.doc.text) {
                        Some((rendered, _)) => rendered,
                        None => render(&example.doc, &format!("{}-", example.anchor()), EXAMPLE_HEADING_SHIFT),
                    };
                    Arc::new(CompiledExample { example, rendered })
                })
                .collect();
            let shown = edition.as_ref().is_none_or(|e| *e == team.id);
            CompiledTeam { team, examples, shown }
        })
        .collect();
    let onboarding = onboarding.map(|doc| {
        let rendered = reuse(&doc.file, &doc.text).map_or_else(|| render(&doc, "", 0), |(r, _)| r);
        CompiledDoc { doc, rendered }
    });

    let site = Site {
        sources,
        config,
        parts,
        chapters,
        teams,
        onboarding,
        edition,
        history,
        routes: Arc::new(routes),
        assets: Arc::default(),
        base,
        url_map,
        urls: Arc::new(urls),
        docs: Arc::default(),
        drafts: Arc::default(),
    };
    let docs = site.doc_refs().filter_map(|at| Some((site.doc(at)?.doc.file.clone(), at))).collect();
    (Site { docs: Arc::new(docs), ..site }, diags)
}

fn render_doc(urls: &Urls, raw_html: bool, doc: &Doc, id_prefix: &str, heading_shift: u8) -> Rendered {
    let source = markdown::Input {
        file: &doc.file,
        text: &doc.text,
        body_offset: doc.body_offset,
        id_prefix,
        heading_shift,
        raw_html,
    };
    markdown::render(&source, urls)
}

/// A chapter's principle card, each field rendered like its body.
fn card(c: &Chapter, raw_html: bool) -> (Card, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut field = |key: &str, value: &Option<String>| {
        let text = value.as_deref()?;
        match markdown::inline(text, raw_html) {
            Ok(html) => Some(html),
            Err(why) => {
                let at = c.meta.keys.key(key);
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

/// Renderings of an earlier compile, by source file, with the text each
/// came from (and, for chapters, the card made from the same front matter):
/// what the dev server hands the next compile to reuse.
#[derive(Default)]
pub(crate) struct Renderings {
    docs: HashMap<String, Reusable>,
    /// The URL map they were rendered against (0: none).
    url_map: u64,
}

/// One earlier rendering and the text it came from.
struct Reusable {
    text: Arc<str>,
    rendered: Arc<Rendered>,
    card: Option<Card>,
}

impl Renderings {
    /// Everything `site` rendered.
    pub(crate) fn of(site: &Site) -> Renderings {
        let mut docs = HashMap::new();
        for c in &site.chapters {
            let entry = Reusable {
                text: Arc::clone(&c.chapter.doc.text),
                rendered: Arc::clone(&c.rendered),
                card: Some(c.card.clone()),
            };
            docs.insert(c.chapter.doc.file.clone(), entry);
        }
        for ex in site.teams.iter().flat_map(|t| &t.examples) {
            let entry =
                Reusable { text: Arc::clone(&ex.example.doc.text), rendered: Arc::clone(&ex.rendered), card: None };
            docs.insert(ex.example.doc.file.clone(), entry);
        }
        if let Some(d) = &site.onboarding {
            let entry = Reusable { text: Arc::clone(&d.doc.text), rendered: Arc::clone(&d.rendered), card: None };
            docs.insert(d.doc.file.clone(), entry);
        }
        Renderings { docs, url_map: site.url_map }
    }

    fn get(&self, file: &str, text: &str) -> Option<(Arc<Rendered>, Option<Card>)> {
        self.docs.get(file).filter(|e| &*e.text == text).map(|e| (Arc::clone(&e.rendered), e.card.clone()))
    }
}

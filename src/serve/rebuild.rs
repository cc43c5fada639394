//! Rebuilds for the dev server, doing only the work a change needs.
//!
//! A save of documents' bodies (or of files copied as they are) takes the
//! quick path (`quick.rs`): only those files are read. Any other rebuild
//! reads the sources again and compiles them; what an earlier build made is
//! reused where its key says it is still the same. Every cache lives in one
//! value, `Previous`, and this table is the whole contract:
//!
//! | reused                        | keyed by                                              |
//! |-------------------------------|-------------------------------------------------------|
//! | parsed sources (`Parsed`)     | the file's path, modification time and length         |
//! | markdown renderings and cards | the file's path and text, and the URL map (`Renderings`) |
//! | "updated" dates from git      | nothing: read once, when the first build succeeds     |
//! | the compiled theme            | every template's name, origin and text (`Templates::key`) |
//! | the last site's pages         | the structure key and the theme (see `structure`)     |
//! | print-view sections (`late`)  | the chapter's rendering being the very one reused     |
//!
//! When the structure and the theme are unchanged, only the pages that show
//! a changed body are rendered again, on top of the last site's pages; when
//! only the layout is (chapters' titles, summaries or cards changed), also
//! the pages that show those (see `render::changed_jobs`); anything else
//! renders the whole site. Either way the result equals a
//! clean build (the test suite checks it for every kind of edit).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::compile::site::{DocRef, Renderings, Site};
use crate::compile::{self, Earlier, Options};
use crate::content::Parsed;
use crate::diagnostics::Diagnostic;
use crate::render::theme::{self, Theme};
use crate::render::{self, Changed, Plan, PrintCache, Selection};
use crate::write::sink::{Files, Memory};

use super::late;
use super::quick;
use super::watch::ChangeSet;

/// What the last good build lends the next one.
struct Previous {
    site: Arc<Site>,
    theme: Arc<Theme>,
    /// `Templates::key` of the templates `theme` was compiled from.
    templates: u64,
    /// `structure(&site)`.
    structure: u64,
    /// `layout(&site)`.
    layout: u64,
    /// `copied(&site)`.
    copied: HashMap<String, Option<(SystemTime, u64)>>,
    /// Every file of the site, as served.
    files: Arc<Files>,
    print: Arc<PrintCache>,
    /// Its diagnostics (warnings only: it built).
    warnings: Vec<Diagnostic>,
    /// Every document is reached by a name of its own (`named_once`).
    named_once: bool,
}

impl Previous {
    /// The caches `compile` reuses, taken from the last site.
    fn earlier(&self) -> Earlier<'_> {
        let site = &self.site;
        Earlier {
            parsed: Parsed::of(
                site.chapters.iter().map(|c| &c.chapter),
                site.teams.iter().flat_map(|t| &t.examples).map(|e| &e.example),
            ),
            renderings: Renderings::of(site),
            history: Some(Arc::clone(&site.history)),
        }
    }
}

/// A site to render, and what it was made from.
struct Next {
    site: Site,
    theme: Arc<Theme>,
    templates: u64,
    structure: u64,
    layout: u64,
    selection: Selection,
    warnings: Vec<Diagnostic>,
    named_once: bool,
}

/// The dev server's build loop: compiles and renders into memory, reusing
/// what `Previous` holds from the last good build.
pub(crate) struct Rebuilder {
    root: PathBuf,
    opts: Options,
    previous: Option<Previous>,
    /// Every path saved since the last good build (`None`: not known).
    /// The quick path applies them all to that build: a save after a
    /// failed one must not leave the failed one's files behind.
    unbuilt: Option<ChangeSet>,
}

/// What one rebuild made: the site in memory and what it took.
pub(crate) struct Outcome {
    pub files: Arc<Files>,
    /// The files written over the last site's (`None`: a whole new site).
    pub written: Option<Vec<Arc<str>>>,
    /// Pages rendered this time.
    pub pages: usize,
    /// Files copied again (edited static files) on a partial rebuild.
    pub copied: usize,
    /// True when the whole site was rendered.
    pub full: bool,
    pub warnings: Vec<Diagnostic>,
    pub took: Duration,
    /// The base path the site is served under.
    pub base: String,
    /// The theme folder, root-relative (`None` for the built-in theme).
    pub theme_dir: Option<String>,
    /// How long each stage took, in order, for `-v`.
    pub stages: Vec<(&'static str, Duration)>,
}

impl Rebuilder {
    pub(crate) fn new(root: PathBuf, opts: Options) -> Rebuilder {
        Rebuilder { root, opts, previous: None, unbuilt: None }
    }

    /// Rebuilds from the sources on disk after a save of `changes` (`None`:
    /// nobody knows what changed). On error the last good build is kept
    /// for the next attempt.
    pub(crate) fn rebuild(&mut self, changes: Option<&ChangeSet>) -> Result<Outcome, Vec<Diagnostic>> {
        let start = Instant::now();
        self.unbuilt = match (self.unbuilt.take(), changes) {
            (Some(mut unbuilt), Some(changes)) => {
                unbuilt.merge(changes);
                Some(unbuilt)
            }
            _ => None,
        };
        let outcome = self.rebuild_now(start);
        if outcome.is_ok() {
            self.unbuilt = Some(ChangeSet::default());
        }
        outcome
    }

    fn rebuild_now(&mut self, start: Instant) -> Result<Outcome, Vec<Diagnostic>> {
        if let (Some(changes), Some(p)) = (&self.unbuilt, &self.previous)
            && !changes.theme
            && p.named_once
            && let Some(edit) = quick::body_edit(&p.site, &p.warnings, &changes.paths)
        {
            let edit = edit?;
            let stages = vec![("read", start.elapsed())];
            let next = Next {
                site: edit.site,
                theme: Arc::clone(&p.theme),
                templates: p.templates,
                structure: p.structure,
                layout: p.layout,
                selection: Selection::Pages(edit.changed),
                warnings: edit.warnings,
                named_once: true,
            };
            return self.render(next, start, stages);
        }
        let prev = self.previous.as_ref();
        let earlier = prev.map(Previous::earlier).unwrap_or_default();
        let compiled = compile::compile(&self.root, &self.opts, &earlier)?;
        drop(earlier);
        let mut stages = vec![("load", compiled.timings.load), ("compile", compiled.timings.compile)];
        let mut lap = Instant::now();
        let mut stage = |name: &'static str| {
            stages.push((name, lap.elapsed()));
            lap = Instant::now();
        };
        let site = compiled.site;
        let templates = theme::read(&site.sources, &site.config)?;
        let templates_key = templates.key();
        let theme = match prev {
            Some(p) if p.templates == templates_key => Arc::clone(&p.theme),
            _ => Arc::new(theme::build(templates)?),
        };
        stage("theme");
        let (structure, layout) = (structure(&site), layout(&site));
        let selection = match prev {
            Some(p) if p.templates == templates_key && p.structure == structure => {
                Selection::Pages(changed(&p.site, &site))
            }
            Some(p) if p.templates == templates_key && p.layout == layout => {
                Selection::Pages(Changed { shown: shown(&p.site, &site), ..changed(&p.site, &site) })
            }
            _ => Selection::All,
        };
        stage("diff");
        let warnings = compiled.warnings;
        let named_once = named_once(&site);
        let next = Next { site, theme, templates: templates_key, structure, layout, selection, warnings, named_once };
        self.render(next, start, stages)
    }

    /// Renders what `next.selection` names (on top of the last site's
    /// files when that is not everything) and keeps the result as the last
    /// good build.
    fn render(
        &mut self,
        next: Next,
        start: Instant,
        mut stages: Vec<(&'static str, Duration)>,
    ) -> Result<Outcome, Vec<Diagnostic>> {
        let lap = Instant::now();
        let Next { site, theme, templates, structure, layout, selection, warnings, named_once } = next;
        let prev = self.previous.as_ref();
        let sink = match (&selection, prev) {
            (Selection::Pages(_), Some(p)) => Memory::from(Files::clone(&p.files)),
            _ => Memory::default(),
        };
        // The print view and the search index come later (`late`).
        let fresh = PrintCache::kept();
        let plan = Plan { selection, print_cache: &fresh, search: false, print: false };
        // Stamps before the copy: a file saved while it is copied is
        // copied again next time, never kept stale under its new stamp.
        let copied = copied(&site);
        let stats = render::render(&site, &theme, &sink, &plan, &|| {})?;
        let mut recopied = 0;
        if let (Selection::Pages(_), Some(p)) = (&plan.selection, prev) {
            let moved = |route: &crate::route::Route| copied.get(route.as_str()) != p.copied.get(route.as_str());
            let results = crate::write::copy::copy_files(&site, &sink, &moved);
            recopied = results.len();
            let errors: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        let (files, written) = sink.into_parts();
        let files = Arc::new(files);
        stages.push(("render", lap.elapsed()));
        let full = matches!(plan.selection, Selection::All);
        let written = (!full).then_some(written);
        let print = self.previous.take().map_or_else(|| Arc::new(fresh), |p| p.print);
        let outcome = Outcome {
            files: Arc::clone(&files),
            written,
            pages: stats.pages,
            copied: recopied,
            full,
            warnings: warnings.clone(),
            took: start.elapsed(),
            base: site.base.clone(),
            theme_dir: site.config.theme_dir.clone(),
            stages,
        };
        let site = Arc::new(site);
        self.previous =
            Some(Previous { site, theme, templates, structure, layout, copied, files, print, warnings, named_once });
        Ok(outcome)
    }

    /// The work the last good build left for after its pages are served.
    pub(crate) fn late(&self, generation: u64, full: bool) -> Option<late::Job> {
        let p = self.previous.as_ref()?;
        Some(late::Job {
            generation,
            site: Arc::clone(&p.site),
            theme: Arc::clone(&p.theme),
            print: Arc::clone(&p.print),
            full,
        })
    }
}

/// Whether every document is reached by a name of its own: not through a
/// symbolic link (of its own or of its folder) and not a file with other
/// names. Else a save under one name changes a document the watcher names
/// differently, and only a full load sees it.
fn named_once(site: &Site) -> bool {
    let sources = &site.sources;
    let folders = ["chapters", "teams"].into_iter().chain(site.parts.iter().map(|p| p.dir.as_str()));
    let folders: Vec<String> =
        folders.map(str::to_string).chain(site.teams.iter().map(|t| format!("teams/{}", t.team.id))).collect();
    folders.iter().all(|d| sources.only_name(d)) && site.docs.keys().all(|file| sources.only_name(file))
}

/// Pages showing a document whose text differs between two builds of the
/// same structure (so the records line up one to one).
fn changed(old: &Site, new: &Site) -> Changed {
    let text = |site: &Site, at: DocRef| site.doc(at).map(|v| v.doc.text.clone());
    let differs = |&at: &DocRef| text(old, at) != text(new, at);
    let docs: Vec<DocRef> = new.doc_refs().filter(differs).collect();
    showing(new, &docs)
}

/// The pages showing documents `docs` of `site`: a chapter's own; an
/// example's chapter and team (if this build shows the team); onboarding.
pub(super) fn showing(site: &Site, docs: &[DocRef]) -> Changed {
    let mut changed = Changed::default();
    let chapter_of = std::cell::OnceCell::new();
    let mut chapter = |i: usize| {
        if !changed.chapters.contains(&i) {
            changed.chapters.push(i);
        }
    };
    let mut teams = Vec::new();
    let mut onboarding = false;
    for &at in docs {
        match at {
            DocRef::Chapter(i) => chapter(i),
            DocRef::Example(t, e) => {
                let Some(team) = site.teams.get(t).filter(|team| team.shown) else { continue };
                if !teams.contains(&t) {
                    teams.push(t);
                }
                let wanted = team.examples.get(e).map(|ex| ex.example.meta.chapter.as_str());
                let index = chapter_of.get_or_init(|| site.chapter_index());
                if let Some(&i) = wanted.and_then(|slug| index.get(slug)) {
                    chapter(i);
                }
            }
            DocRef::Onboarding => onboarding = true,
        }
    }
    changed.teams = teams;
    changed.onboarding = onboarding;
    changed
}

/// A hash of the bytes that decide anything a page other than a document's
/// own can show: `playbook.toml`, every `part.toml` and `team.toml`, every
/// document's path and front matter, and the name of every file copied as
/// is (its content shows on no page: see `copied`). Hashing the bytes, not
/// the parsed fields, covers a new field without an edit here.
fn structure(site: &Site) -> u64 {
    key(site, &|c, h| front_matter(&c.chapter.doc, h))
}

/// `structure`, but of each chapter only its path and the keys that decide
/// a route, the order, a list or the sitemap (`LAYOUT` in the tests, which check that
/// every chapter key is placed): two builds with the same layout differ,
/// bodies aside, only in what chapters show, on their own page and (the
/// `SHOWN` keys, see `shown`) on others.
fn layout(site: &Site) -> u64 {
    key(site, &|c, h| {
        let meta = &c.chapter.meta;
        (&c.chapter.doc.file, meta.weight, &meta.tags, meta.draft, &meta.aliases, meta.reviewed).hash(h);
    })
}

/// Chapters whose `SHOWN` keys differ between two builds of the same
/// layout (so the records line up one to one).
fn shown(old: &Site, new: &Site) -> Vec<usize> {
    type Fields<'a> = (&'a String, &'a String, &'a Option<String>, &'a Option<String>, &'a Option<String>);
    fn fields(c: &crate::compile::site::CompiledChapter) -> Fields<'_> {
        let m = &c.chapter.meta;
        (&m.title, &m.summary, &m.do_, &m.dont, &m.why)
    }
    let pairs = old.chapters.iter().zip(&new.chapters);
    pairs.filter(|(a, b)| fields(a) != fields(b)).map(|(_, b)| b.index).collect()
}

fn front_matter(doc: &crate::content::Doc, h: &mut DefaultHasher) {
    (&doc.file, doc.text.get(..doc.body_offset)).hash(h);
}

/// The hash `structure` and `layout` share; `chapter` hashes a chapter.
fn key(site: &Site, chapter: &dyn Fn(&crate::compile::site::CompiledChapter, &mut DefaultHasher)) -> u64 {
    let mut h = DefaultHasher::new();
    (&site.config.source, &site.base, &site.edition).hash(&mut h);
    for p in &site.parts {
        (&p.dir, &p.source).hash(&mut h);
    }
    for c in &site.chapters {
        chapter(c, &mut h);
    }
    for t in &site.teams {
        (&t.team.id, &t.team.source).hash(&mut h);
        for ex in &t.examples {
            front_matter(&ex.example.doc, &mut h);
        }
    }
    if let Some(d) = &site.onboarding {
        front_matter(&d.doc, &mut h);
    }
    for (file, route) in site.assets.iter() {
        (file, route.as_str()).hash(&mut h);
    }
    for (route, file) in &site.routes.statics {
        (route.as_str(), file.origin()).hash(&mut h);
    }
    h.finish()
}

/// The modification stamp of every file copied as is, by route: a file
/// whose stamp moved is copied again on a rebuild that renders only some
/// pages (an edited stylesheet costs one copy, not a whole site).
fn copied(site: &Site) -> HashMap<String, Option<(SystemTime, u64)>> {
    let assets = site.assets.iter().map(|(file, route)| (route.as_str().to_string(), site.sources.stamp(file)));
    let statics =
        site.routes.statics.iter().map(|(route, file)| (route.as_str().to_string(), file.stamp(&site.sources)));
    assets.chain(statics).collect()
}

#[cfg(test)]
mod tests {
    use super::{changed, layout, shown, structure};

    /// Chapter front-matter keys by where they show: `LAYOUT` decide a
    /// route, the order or a list, or show in a file only a whole render
    /// writes (`reviewed`: the sitemap's `lastmod`); `layout` hashes them.
    /// `SHOWN` show on other pages too (`shown` compares them); `OWN` only
    /// on the chapter's page.
    const LAYOUT: &[&str] = &["weight", "tags", "draft", "aliases", "reviewed"];
    const SHOWN: &[&str] = &["title", "summary", "do", "dont", "why"];
    const OWN: &[&str] = &["owners", "extra"];
    use crate::compile::fixture;

    const CONFIG: &str = "title = \"T\"\n";
    const ALPHA: &str = "+++\ntitle = \"Alpha\"\nowners = [\"a\"]\n+++\nAlpha body.\n";
    const BETA: &str = "+++\ntitle = \"Beta\"\n+++\nBeta body.\n";
    const EXAMPLE: &str = "+++\ntitle = \"Ex\"\nchapter = \"beta\"\n+++\nExample body.\n";

    fn book() -> tempfile::TempDir {
        fixture::write(&[
            ("playbook.toml", CONFIG),
            ("chapters/alpha.md", ALPHA),
            ("chapters/beta.md", BETA),
            ("teams/core/team.toml", "name = \"Core\"\n"),
            ("teams/core/ex.md", EXAMPLE),
            ("onboarding.md", "+++\ntitle = \"Start\"\n+++\nWelcome.\n"),
        ])
    }

    fn edit(dir: &tempfile::TempDir, file: &str, from: &str, to: &str) {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn a_body_edit_changes_its_page_and_keeps_the_structure() {
        let dir = book();
        let old = fixture::site(dir.path());
        edit(&dir, "chapters/alpha.md", "Alpha body.", "Alpha body, edited.");
        let new = fixture::site(dir.path());
        assert_eq!(structure(&old), structure(&new));
        let c = changed(&old, &new);
        assert_eq!(c.chapters, [0]);
        assert!(c.teams.is_empty() && !c.onboarding);
    }

    #[test]
    fn an_example_edit_changes_its_team_and_its_chapter() {
        let dir = book();
        let old = fixture::site(dir.path());
        edit(&dir, "teams/core/ex.md", "Example body.", "Example body, edited.");
        let new = fixture::site(dir.path());
        assert_eq!(structure(&old), structure(&new));
        let c = changed(&old, &new);
        assert_eq!((c.chapters.as_slice(), c.teams.as_slice()), (&[1][..], &[0][..]));
    }

    #[test]
    fn an_onboarding_edit_changes_only_onboarding() {
        let dir = book();
        let old = fixture::site(dir.path());
        edit(&dir, "onboarding.md", "Welcome.", "Welcome aboard.");
        let new = fixture::site(dir.path());
        let c = changed(&old, &new);
        assert!(c.onboarding && c.chapters.is_empty() && c.teams.is_empty());
    }

    #[test]
    fn every_structural_edit_changes_the_structure_key() {
        for (file, from, to) in [
            ("chapters/alpha.md", "owners = [\"a\"]", "owners = [\"b\"]"),
            ("chapters/beta.md", "title = \"Beta\"", "title = \"Beta\"\nweight = 1"),
            ("teams/core/ex.md", "title = \"Ex\"", "title = \"Ex 2\""),
            ("teams/core/team.toml", "\"Core\"", "\"Core team\""),
            ("onboarding.md", "\"Start\"", "\"Begin\""),
            ("playbook.toml", "\"T\"", "\"T2\""),
        ] {
            let dir = book();
            let old = structure(&fixture::site(dir.path()));
            edit(&dir, file, from, to);
            assert_ne!(old, structure(&fixture::site(dir.path())), "{file}: {from} -> {to}");
        }
    }

    #[test]
    fn every_chapter_key_is_placed_once() {
        let mut placed: Vec<&str> = [LAYOUT, SHOWN, OWN].concat();
        placed.sort_unstable();
        let mut keys = crate::content::CHAPTER_KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(placed, keys);
    }

    #[test]
    fn a_title_keeps_the_layout_and_is_shown_a_weight_moves_it() {
        let dir = book();
        let old = fixture::site(dir.path());
        edit(&dir, "chapters/alpha.md", "title = \"Alpha\"", "title = \"Alpha, renamed\"");
        let new = fixture::site(dir.path());
        assert_ne!(structure(&old), structure(&new));
        assert_eq!(layout(&old), layout(&new));
        assert_eq!(shown(&old, &new), [0]);
        edit(&dir, "chapters/alpha.md", "owners = [\"a\"]", "owners = [\"b\"]");
        let owners = fixture::site(dir.path());
        assert_eq!((layout(&new), shown(&new, &owners)), (layout(&owners), vec![]), "owners show on its page only");
        assert_eq!(changed(&new, &owners).chapters, [0]);
        edit(&dir, "chapters/alpha.md", "title = \"Alpha, renamed\"", "title = \"Alpha\"\nweight = 5");
        assert_ne!(layout(&owners), layout(&fixture::site(dir.path())));
    }
}

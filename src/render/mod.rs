//! Turns the compiled site into output files through the theme.
//!
//! Every page is an independent job rendered in parallel and handed to a
//! `Sink` as soon as it is done (the disk writer for `build`, memory for
//! `serve`), so the whole site is never held twice. What pages share is
//! prepared once (`context`); what each page shows is decided in `pages`.

mod changes;
mod context;
mod nav;
mod pages;
mod print;
pub(crate) mod search;
mod searchable;
pub(crate) mod sitemap;
pub(crate) mod template_guard;
pub(crate) mod theme;
mod views;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::compile::routes::Alias;
use crate::compile::site::{CompiledChapter, CompiledDoc, CompiledTeam, Site};
use crate::compile::slug;
use crate::content::Part;
use crate::diagnostics::Diagnostic;
use crate::render::theme::Theme;
use crate::route::{self, Route};
use crate::write::sink::{Sink, write_error};
use context::Lookups;
use pages::Page;

pub(crate) use context::PrintCache;
pub(crate) use searchable::search_index;

/// What a render wrote, for the summary line.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Stats {
    pub pages: usize,
    pub files: usize,
}

/// One page to render, holding the record it shows.
enum Job<'a> {
    Home,
    Chapter(&'a CompiledChapter),
    Part(usize, &'a Part),
    Teams,
    Team(&'a CompiledTeam),
    Tags,
    Tag(&'a str),
    Print,
    Onboarding(&'a CompiledDoc),
    NotFound,
    /// The recent edits, from git: a page and the Atom feed.
    Changes,
    Feed,
    FullNav,
    /// A redirect from a chapter's old URL.
    Alias(&'a Alias),
}

/// Up to this many pages are rendered without the site-wide lookup tables.
const SPARSE_PAGES: usize = 16;

/// Which pages to render: all of them, the ones a body edit touches, or
/// the print view alone (the dev server renders it after serving the rest;
/// `reuse`: only bodies changed since its sections were cached).
#[derive(Clone, Debug)]
pub(crate) enum Selection {
    All,
    Pages(Changed),
    Print { reuse: bool },
}

/// What one `render` call does.
pub(crate) struct Plan<'a> {
    pub selection: Selection,
    /// Print-view sections kept between dev-server rebuilds.
    pub print_cache: &'a PrintCache,
    /// Build the search index too (the dev server does it in the background).
    pub search: bool,
    /// Render the print view with the rest (the dev server renders it in
    /// the background, with `Selection::Print`).
    pub print: bool,
}

/// Documents whose text changed while the playbook's structure (every
/// slug, tag, order and URL) stayed the same.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Changed {
    /// Chapter indices (a body, or a field only its own page shows).
    pub chapters: Vec<usize>,
    /// Chapters whose title, summary or card changed: what other pages
    /// show of them (see `changed_jobs`).
    pub shown: Vec<usize>,
    /// Team indices (one of the team's examples changed).
    pub teams: Vec<usize>,
    pub onboarding: bool,
}

pub(crate) fn render(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    plan: &Plan<'_>,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, Vec<Diagnostic>> {
    // A template loop that never ends stops the build instead of hanging it.
    std::thread::scope(|scope| {
        let watchdog = crate::limits::Watchdog::start(scope, &theme.rendering);
        let stats = render_watched(site, theme, sink, plan, &|| {
            watchdog.tick();
            tick();
        });
        drop(watchdog);
        stats
    })
}

fn render_watched(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    plan: &Plan<'_>,
    tick: &(dyn Fn() + Sync),
) -> Result<Stats, Vec<Diagnostic>> {
    let Plan { selection, print_cache, search, print } = plan;
    let search = *search && site.config.search;
    let incremental = matches!(selection, Selection::Pages(_) | Selection::Print { reuse: true });
    // A handful of pages: each looks up what it needs instead of the
    // whole site's tables being made first.
    let sparse = matches!(selection,
        Selection::Pages(c) if c.shown.is_empty() && c.chapters.len() + c.teams.len() <= SPARSE_PAGES);
    let lookups = Lookups::new(site, theme, print_cache, incremental, sparse);
    let mut jobs = match selection {
        Selection::All => all_jobs(&lookups),
        Selection::Pages(changed) => changed_jobs(&lookups, changed),
        Selection::Print { .. } => vec![Job::Print],
    };
    if !print && !matches!(selection, Selection::Print { .. }) {
        jobs.retain(|job| !matches!(job, Job::Print));
    }
    let mut diags = Vec::new();
    let pages = jobs.len();
    let render_pages = || -> Vec<Result<(), Diagnostic>> {
        jobs.par_iter()
            .map(|job| {
                match job {
                    // The one page as big as the whole playbook goes out in pieces.
                    Job::Print if !print_cache.keeps() => print::stream(&lookups, sink)?,
                    _ => {
                        let (route, html) = render_job(&lookups, job)?;
                        sink.put(&route, html.into_bytes()).map_err(|e| write_error(&route, &e))?;
                    }
                }
                tick();
                Ok(())
            })
            .collect()
    };
    let failed = std::sync::Mutex::new(Vec::new());
    let build_index = || {
        if search {
            search_index(site, &|route, bytes| {
                if let Err(e) = sink.put(&route, bytes) {
                    crate::sync::lock(&failed).push(write_error(&route, &e));
                }
            });
        }
    };
    // The index has long single-threaded stretches (merging, sharding):
    // pages fill the other core meanwhile.
    let (results, ()) = rayon::join(render_pages, build_index);
    diags.extend(results.into_iter().filter_map(Result::err));
    diags.extend(failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner));
    if !matches!(selection, Selection::All) {
        return if diags.is_empty() { Ok(Stats { pages, files: pages }) } else { Err(diags) };
    }
    let mut files = 0;
    let sitemap_route = route::sitemap();
    if let Some(xml) = sitemap::sitemap(site) {
        match sink.put(&sitemap_route, xml.into_bytes()) {
            Ok(()) => files += 1,
            Err(e) => diags.push(write_error(&sitemap_route, &e)),
        }
    }
    for r in crate::write::copy::copy_files(site, sink, &|_| true) {
        match r {
            Ok(()) => files += 1,
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() { Ok(Stats { pages, files: files + pages }) } else { Err(diags) }
}

fn all_jobs<'a>(l: &'a Lookups<'_>) -> Vec<Job<'a>> {
    let site = l.site;
    let mut jobs = vec![Job::Home, Job::Teams, Job::Tags, Job::Print, Job::NotFound, Job::Changes, Job::Feed];
    jobs.extend(site.chapters.iter().map(|c| Job::Chapter(c)));
    jobs.extend(site.parts.iter().enumerate().map(|(i, p)| Job::Part(i, p)));
    jobs.extend(site.teams.iter().filter(|t| t.shown).map(Job::Team));
    jobs.extend(l.tags().tags.keys().filter(|k| site.routes.tags.contains_key(*k)).map(|k| Job::Tag(k.as_str())));
    jobs.extend(site.onboarding.iter().map(Job::Onboarding));
    jobs.extend(site.routes.aliases.iter().map(Job::Alias));
    if l.nav(None, None).partial {
        jobs.push(Job::FullNav);
    }
    if !l.theme.has("changes.html") {
        jobs.retain(|job| !matches!(job, Job::Changes));
    }
    jobs
}

/// A chapter body shows on its page and in the print view; an example's on
/// its chapter's page and its team's page. A chapter's title, summary and
/// card show on its page, in the sidebars that list it, and on any page
/// that is not a chapter's (home, parts, tags, teams: lists of chapters).
fn changed_jobs<'a>(l: &'a Lookups<'_>, changed: &Changed) -> Vec<Job<'a>> {
    let site = l.site;
    let mut chapters: Vec<usize> = changed.chapters.clone();
    for &i in &changed.shown {
        chapters.extend(nav::listed_by(site.chapters.len(), i));
    }
    chapters.sort_unstable();
    chapters.dedup();
    let mut jobs: Vec<Job> = chapters.iter().filter_map(|&i| site.chapters.get(i)).map(|c| Job::Chapter(c)).collect();
    if changed.shown.is_empty() {
        let teams: Vec<&CompiledTeam> = changed.teams.iter().filter_map(|&i| site.teams.get(i)).collect();
        // A tag's page may show its examples whole (`page.examples`).
        let mut tags: Vec<&str> = teams
            .iter()
            .flat_map(|t| &t.examples)
            .flat_map(|ex| &ex.example.meta.tags)
            .filter_map(|tag| site.routes.tags.get_key_value(&slug::slugify(tag)))
            .map(|(key, _)| key.as_str())
            .collect();
        tags.sort_unstable();
        tags.dedup();
        jobs.extend(teams.into_iter().map(Job::Team));
        jobs.extend(tags.into_iter().map(Job::Tag));
        if changed.onboarding {
            jobs.extend(site.onboarding.iter().map(Job::Onboarding));
        }
    } else {
        // Pages without a current chapter list the first chapters in
        // their sidebar: a title there shows on all of them.
        let first = nav::window_range(site.chapters.len(), None);
        let others = all_jobs(l).into_iter().filter(|job| !matches!(job, Job::Chapter(_)));
        if changed.shown.iter().any(|i| first.contains(i)) {
            jobs.extend(others);
        } else {
            let shows = showing(l, &changed.shown);
            jobs.extend(others.filter(|job| shows(job)));
        }
    }
    // The print view holds every chapter, its examples and onboarding.
    let has_print = jobs.iter().any(|job| matches!(job, Job::Print));
    if !has_print && (!changed.chapters.is_empty() || changed.onboarding) {
        jobs.push(Job::Print);
    }
    jobs
}

/// Whether a page other than a chapter's shows the title, summary or card
/// of a chapter in `shown` (none of them in the sidebar's first window):
/// the one-of-a-kind pages (home, indexes, navigation) always may; a part
/// lists its chapters and its sidebar shows the window around its first;
/// a tag lists its chapters and examples, a team its examples, with their
/// chapter's title; an alias names its chapter.
fn showing<'a>(l: &'a Lookups<'_>, shown: &[usize]) -> impl Fn(&Job<'_>) -> bool + 'a {
    let site = l.site;
    let n = site.chapters.len();
    let mut first_of: HashMap<usize, usize> = HashMap::new();
    for c in &site.chapters {
        for &p in l.chain(c.index).iter() {
            first_of.entry(p).or_insert(c.index);
        }
    }
    let mut parts = HashSet::new();
    let mut tags = HashSet::new();
    let mut teams = HashSet::new();
    for &i in shown {
        parts.extend(l.chain(i).iter().copied());
        parts.extend(first_of.iter().filter(|&(_, &f)| nav::window_range(n, Some(f)).contains(&i)).map(|(&p, _)| p));
        tags.extend(site.chapters[i].chapter.meta.tags.iter().map(|t| slug::slugify(t)));
        for ex in l.examples_on(i).iter() {
            teams.insert(ex.team.team.id.clone());
            tags.extend(ex.example.example.meta.tags.iter().map(|t| slug::slugify(t)));
        }
    }
    let shown: HashSet<usize> = shown.iter().copied().collect();
    move |job| match job {
        Job::Part(p, _) => parts.contains(p),
        Job::Tag(key) => tags.contains(*key),
        Job::Team(t) => teams.contains(&t.team.id),
        Job::Alias(a) => shown.contains(&a.chapter),
        _ => true,
    }
}

/// Renders one job to its route and HTML.
fn render_job(l: &Lookups<'_>, job: &Job<'_>) -> Result<(Route, String), Diagnostic> {
    let page: Page = match *job {
        Job::Print => {
            // Spliced, not templated: see `print`.
            let body = print::body(l, l.incremental)?;
            return Ok((route::print(), print::splice(&print::frame(l)?, &body)));
        }
        Job::Feed => return Ok((route::feed(), changes::feed(l))),
        Job::Home => pages::home(l),
        Job::Chapter(c) => pages::chapter(l, c),
        Job::Part(i, p) => pages::part(l, i, p),
        Job::Teams => pages::teams(l),
        Job::Team(t) => pages::team(l, t),
        Job::Tags => pages::tags(l),
        Job::Tag(key) => pages::tag(l, key)
            .ok_or_else(|| Diagnostic::error("internal", "", format!("no page for the tag `{key}`")))?,
        Job::Onboarding(d) => pages::onboarding(l, d),
        Job::NotFound => pages::not_found(l),
        Job::Changes => pages::changes(l),
        Job::Alias(a) => pages::alias(l, a),
        Job::FullNav => pages::full_nav(l),
    };
    let html = l.theme.render(page.template, &page.ctx)?;
    Ok((page.route, html))
}

//! Turns the compiled site into output files through the theme.
//!
//! Every page is an independent job rendered in parallel and handed to a
//! `Sink` as soon as it is done (the disk writer for `build`, memory for
//! `serve`), so the whole site is never held twice. Shared data (site
//! settings, lookup tables) is prepared once; a page's context holds only
//! what that page shows.

mod nav;
mod print;
pub(crate) mod search;
mod searchable;
pub(crate) mod template_guard;
pub(crate) mod theme;
mod views;

use std::collections::HashMap;

use rayon::prelude::*;
use tera::Context;

use crate::compile::routes::{self, Route};
use crate::compile::site::Site;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::render::theme::Theme;
use crate::write::sink::Sink;
use views::*;

pub(crate) use print::PrintCache;
pub(crate) use searchable::search_index;

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Stats {
    pub pages: usize,
    pub files: usize,
}

#[derive(Clone, Debug)]
enum Job {
    Home,
    Chapter(usize),
    Part(usize),
    Teams,
    Team(usize),
    Tags,
    Tag(String),
    Print,
    Onboarding,
    NotFound,
    FullNav,
    /// A redirect from a chapter's old URL: an index into `routes.aliases`.
    Alias(usize),
}

/// Lookups shared by every page, built once.
struct Shared<'a> {
    site: &'a Site,
    theme: &'a Theme,
    base_ctx: Context,
    chains: Vec<Vec<usize>>,
    chapter_of: HashMap<&'a str, usize>,
    /// Chapter index -> (team index, example index), shown teams only.
    examples_of: Vec<Vec<(usize, usize)>>,
    tags: TagIndex<'a>,
    today: i64,
    print_cache: &'a PrintCache,
    /// Only bodies changed since `print_cache` was filled.
    incremental: bool,
}

/// Which pages to render: all of them, or the ones a body edit touches.
#[derive(Clone, Debug)]
pub(crate) enum Selection {
    All,
    Pages(Changed),
}

/// What one `render` call does.
pub(crate) struct Plan<'a> {
    pub selection: Selection,
    /// Print-view sections kept between dev-server rebuilds.
    pub print_cache: &'a PrintCache,
    /// Build the search index too (the dev server does it in the background).
    pub search: bool,
}

/// Documents whose text changed while the playbook's structure (every
/// title, slug, card, tag, order and URL) stayed the same.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changed {
    pub chapters: Vec<usize>,
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
    let Plan { selection, print_cache, search } = plan;
    let search = *search && site.book.config.search;
    let incremental = matches!(selection, Selection::Pages(_));
    let shared = Shared::new(site, theme, print_cache, incremental);
    let jobs = match selection {
        Selection::All => all_jobs(site, &shared),
        Selection::Pages(changed) => {
            // A chapter body shows on its page and in the print view; an
            // example's on its chapter's page and its team's page.
            let mut jobs: Vec<Job> = changed.chapters.iter().copied().map(Job::Chapter).collect();
            jobs.extend(changed.teams.iter().copied().map(Job::Team));
            if changed.onboarding {
                jobs.push(Job::Onboarding);
            }
            if !changed.chapters.is_empty() {
                jobs.push(Job::Print);
            }
            jobs
        }
    };
    let write = |route: &Route, html: String| {
        sink.put(route, html.into_bytes()).map_err(|e| write_error(route, &e))?;
        tick();
        Ok(())
    };
    let mut diags = Vec::new();
    let pages = jobs.len();
    let render_pages = || -> Vec<Result<(), Diagnostic>> {
        jobs.par_iter()
            .map(|job| match job {
                // The one page as big as the whole playbook goes out in pieces.
                Job::Print if !print_cache.keeps() => print::stream(&shared, sink).map(|()| tick()),
                _ => {
                    let (route, html) = shared.page(job)?;
                    write(&route, html)
                }
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
    if let Selection::Pages(_) = selection {
        return if diags.is_empty() { Ok(Stats { pages, files: pages }) } else { Err(diags) };
    }
    let mut files = 0;
    let sitemap_route = routes::sitemap();
    match sink.put(&sitemap_route, sitemap(site).into_bytes()) {
        Ok(()) => files += 1,
        Err(e) => diags.push(write_error(&sitemap_route, &e)),
    }
    for r in copy_files(site, sink) {
        match r {
            Ok(()) => files += 1,
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() { Ok(Stats { pages, files: files + pages }) } else { Err(diags) }
}

/// Copies the static files and the media pages link to, read through
/// `Sources` like every other input.
fn copy_files(site: &Site, sink: &dyn Sink) -> Vec<Result<(), Diagnostic>> {
    let sources = &site.book.sources;
    let statics = site.routes.statics.par_iter().map(|(route, file)| {
        let bytes = file.bytes(sources)?;
        sink.put(route, bytes).map_err(|e| write_error(route, &e))
    });
    let media = site.assets.par_iter().map(|(file, route)| {
        let bytes = sources.read(file)?;
        sink.put(route, bytes).map_err(|e| write_error(route, &e))
    });
    statics.chain(media).collect()
}

fn all_jobs(site: &Site, shared: &Shared<'_>) -> Vec<Job> {
    let book = &site.book;
    let mut jobs = vec![Job::Home, Job::Teams, Job::Tags, Job::Print, Job::NotFound];
    jobs.extend((0..book.chapters.len()).map(Job::Chapter));
    jobs.extend((0..book.parts.len()).map(Job::Part));
    jobs.extend(book.teams.iter().enumerate().filter(|(_, t)| book.shows_team(&t.id)).map(|(i, _)| Job::Team(i)));
    jobs.extend(shared.tags.tags.keys().filter(|k| site.routes.tags.contains_key(*k)).cloned().map(Job::Tag));
    if site.onboarding.is_some() {
        jobs.push(Job::Onboarding);
    }
    jobs.extend((0..site.routes.aliases.len()).map(Job::Alias));
    if nav::window(book, &shared.chains, &site.base, None, None).partial {
        jobs.push(Job::FullNav);
    }
    jobs
}

fn write_error(route: &Route, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output", "", format!("cannot write `{route}` to the output folder: {e}"))
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, theme: &'a Theme, print_cache: &'a PrintCache, incremental: bool) -> Shared<'a> {
        let book = &site.book;
        let chapter_of = book.chapter_index();
        let examples_of = book.examples_by_chapter(&chapter_of);
        let tags = TagIndex::new(site);
        let config = &book.config;
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            base: &site.base,
            base_url: &config.base_url,
            language: &config.language,
            extra: &config.extra,
            edition: book.edition.as_ref().and_then(|id| {
                book.teams.iter().find(|t| &t.id == id).map(|t| Link { title: &t.name, url: t.route.url(&site.base) })
            }),
            onboarding: book
                .onboarding
                .as_ref()
                .map(|d| Link { title: &d.title, url: routes::onboarding().url(&site.base) }),
            teams: book
                .teams
                .iter()
                .filter(|t| site.book.shows_team(&t.id))
                .map(|t| Link { title: &t.name, url: t.route.url(&site.base) })
                .collect(),
            has_tags: !tags.tags.is_empty(),
            search: config.search,
            print_url: routes::print().url(&site.base),
            generator: concat!("playbook ", env!("CARGO_PKG_VERSION")),
        };
        let mut base_ctx = Context::new();
        base_ctx.insert("site", &site_view);
        Shared {
            site,
            theme,
            base_ctx,
            chains: nav::ancestors(book),
            chapter_of,
            examples_of,
            tags,
            today: Date::today().days(),
            print_cache,
            incremental,
        }
    }

    fn url(&self, route: &Route) -> String {
        route.url(&self.site.base)
    }

    /// Renders one job to its route and HTML.
    fn page(&self, job: &Job) -> Result<(Route, String), Diagnostic> {
        let site = self.site;
        let book = &site.book;
        if let Job::Print = job {
            // Spliced, not templated: see `print`.
            let body = print::body(self, self.incremental)?;
            return Ok((routes::print(), print::splice(&print::frame(self)?, &body)));
        }
        let mut ctx = self.base_ctx.clone();
        let (template, route) = match job {
            Job::Home => {
                let principles: Vec<_> = (0..book.chapters.len())
                    .filter(|&i| !site.cards[i].is_empty())
                    .map(|i| chapter_item(site, i))
                    .collect();
                let chapters: Vec<_> = (0..book.chapters.len()).map(|i| chapter_item(site, i)).collect();
                ctx.insert(
                    "page",
                    &Home { title: &book.config.title, url: self.url(&routes::home()), principles, chapters },
                );
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("index.html", routes::home())
            }
            Job::Chapter(i) => {
                let i = *i;
                let c = &book.chapters[i];
                ctx.insert("page", &self.chapter(i));
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, Some(i), None));
                ("chapter.html", c.route.clone())
            }
            Job::Part(p) => {
                let part = &book.parts[*p];
                let chapters: Vec<_> = (0..book.chapters.len())
                    .filter(|&i| self.chains[i].contains(p))
                    .map(|i| chapter_item(site, i))
                    .collect();
                let first = (0..book.chapters.len()).find(|&i| self.chains[i].contains(p));
                ctx.insert(
                    "page",
                    &PartPage {
                        title: &part.title,
                        description: &part.description,
                        url: self.url(&part.route),
                        breadcrumbs: self.breadcrumbs(part.parent),
                        chapters,
                    },
                );
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, first, Some(*p)));
                ("part.html", part.route.clone())
            }
            Job::Teams => {
                let teams: Vec<_> =
                    book.teams.iter().filter(|t| site.book.shows_team(&t.id)).map(|t| team_view(site, t)).collect();
                ctx.insert("page", &TeamsPage { title: "Teams", url: self.url(&routes::teams_index()), teams });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("teams.html", routes::teams_index())
            }
            Job::Team(ti) => {
                let team = &book.teams[*ti];
                let mut order: Vec<(usize, usize)> = (0..team.examples.len())
                    .map(|ei| (self.chapter_of.get(team.examples[ei].meta.chapter.as_str()).copied().unwrap_or(0), ei))
                    .collect();
                order.sort();
                let mut groups: Vec<ExampleGroup> = Vec::new();
                for (ci, ei) in order {
                    let view = example_view(site, *ti, ei, &|s| self.chapter_of.get(s).copied());
                    let chapter = &book.chapters[ci];
                    match groups.last_mut() {
                        Some(g) if g.id == chapter.slug => g.examples.push(view),
                        _ => groups.push(ExampleGroup {
                            title: &chapter.meta.title,
                            url: self.url(&chapter.route),
                            id: chapter.slug.clone(),
                            examples: vec![view],
                        }),
                    }
                }
                ctx.insert("page", &TeamPage { team: team_view(site, team), title: &team.name, groups });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("team.html", team.route.clone())
            }
            Job::Tags => {
                let tags: Vec<_> = self
                    .tags
                    .tags
                    .iter()
                    .filter_map(|(key, t)| {
                        let route = site.routes.tags.get(key)?;
                        Some(TagLink { name: t.name, url: self.url(route), count: t.chapters.len() + t.examples.len() })
                    })
                    .collect();
                ctx.insert("page", &TagsPage { title: "Tags", url: self.url(&routes::tags_index()), tags });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("tags.html", routes::tags_index())
            }
            Job::Tag(key) => {
                let (Some(t), Some(route)) = (self.tags.tags.get(key), site.routes.tags.get(key)) else {
                    return Err(Diagnostic::error("internal", "", format!("no page for the tag `{key}`")));
                };
                let chapters: Vec<_> = t.chapters.iter().map(|&i| chapter_item(site, i)).collect();
                let examples: Vec<_> = t
                    .examples
                    .iter()
                    .map(|&(ti, ei)| example_view(site, ti, ei, &|s| self.chapter_of.get(s).copied()))
                    .collect();
                ctx.insert("page", &TagPage { title: t.name, name: t.name, url: self.url(route), chapters, examples });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("tag.html", route.clone())
            }
            Job::Print => unreachable!("handled above"),
            Job::Onboarding => {
                let (Some(doc), Some(rendered)) = (&book.onboarding, &site.onboarding) else {
                    return Err(Diagnostic::error("internal", "", "no onboarding page to render"));
                };
                ctx.insert(
                    "page",
                    &DocPage {
                        title: &doc.title,
                        summary: &doc.summary,
                        url: self.url(&routes::onboarding()),
                        content: &rendered.html,
                        toc: toc(&rendered.headings),
                        edit_url: self.edit_url(&doc.file),
                    },
                );
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("onboarding.html", routes::onboarding())
            }
            Job::NotFound => {
                ctx.insert("page", &Titled { title: "Page not found", url: self.url(&routes::not_found()) });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("404.html", routes::not_found())
            }
            Job::Alias(i) => {
                let alias = &site.routes.aliases[*i];
                let c = &book.chapters[alias.chapter];
                ctx.insert("page", &Titled { title: &c.meta.title, url: self.url(&c.route) });
                ("redirect.html", alias.route.clone())
            }
            Job::FullNav => {
                ctx.insert("nav", &nav::full(book, &self.chains, &site.base));
                ("nav.html", routes::full_nav())
            }
        };
        ctx.insert("kind", template.trim_end_matches(".html"));
        let html = self.theme.render(template, &ctx)?;
        Ok((route, html))
    }

    fn chapter(&self, i: usize) -> ChapterView<'_> {
        let site = self.site;
        let book = &site.book;
        let c = &book.chapters[i];
        let rendered = &site.chapters[i];
        let link = |j: usize| Link { title: &book.chapters[j].meta.title, url: self.url(&book.chapters[j].route) };
        let mut groups: Vec<ExampleGroup> = Vec::new();
        for &(ti, ei) in &self.examples_of[i] {
            let team = &book.teams[ti];
            let view = example_view(site, ti, ei, &|s| self.chapter_of.get(s).copied());
            match groups.last_mut() {
                Some(g) if g.id == format!("team-{}", team.id) => g.examples.push(view),
                _ => groups.push(ExampleGroup {
                    title: &team.name,
                    url: self.url(&team.route),
                    id: format!("team-{}", team.id),
                    examples: vec![view],
                }),
            }
        }
        let stale = match (c.meta.reviewed, book.config.review_after_days) {
            (Some(date), Some(days)) => date.days() + days < self.today,
            _ => false,
        };
        ChapterView {
            title: &c.meta.title,
            summary: &c.meta.summary,
            url: self.url(&c.route),
            slug: &c.slug,
            file: &c.doc.file,
            content: &rendered.html,
            toc: toc(&rendered.headings),
            card: CardView::of(&site.cards[i]),
            owners: &c.meta.owners,
            reviewed: c.meta.reviewed,
            stale,
            updated: book.updated.get(&c.doc.file).copied(),
            tags: tag_links(site, &c.meta.tags),
            edit_url: self.edit_url(&c.doc.file),
            prev: i.checked_sub(1).map(link),
            next: (i + 1 < book.chapters.len()).then(|| link(i + 1)),
            breadcrumbs: self.breadcrumbs(c.part),
            part: c.part.map(|p| book.parts[p].title.as_str()),
            examples: groups,
            extra: c.meta.extra.as_ref(),
        }
    }

    /// Home, then the parts from the outermost down to `part`.
    fn breadcrumbs(&self, part: Option<usize>) -> Vec<Link<'_>> {
        let book = &self.site.book;
        let mut chain = Vec::new();
        let mut at = part;
        while let Some(p) = at {
            chain.push(Link { title: &book.parts[p].title, url: self.url(&book.parts[p].route) });
            at = book.parts[p].parent;
        }
        chain.push(Link { title: "Home", url: self.url(&routes::home()) });
        chain.reverse();
        chain
    }

    fn edit_url(&self, file: &str) -> Option<String> {
        self.site.book.config.edit_url.as_ref().map(|u| u.replace("{path}", file))
    }
}

fn sitemap(site: &Site) -> String {
    let book = &site.book;
    let root = if book.config.base_url.contains("://") { book.config.base_url.as_str() } else { site.base.as_str() };
    let home = routes::home();
    let onboarding = routes::onboarding();
    let mut urls: Vec<(&str, Option<Date>)> = vec![(home.url_path(), None)];
    urls.extend(book.chapters.iter().map(|c| (c.route.url_path(), c.meta.reviewed)));
    urls.extend(book.parts.iter().map(|p| (p.route.url_path(), None)));
    urls.extend(book.teams.iter().filter(|t| site.book.shows_team(&t.id)).map(|t| (t.route.url_path(), None)));
    if book.onboarding.is_some() {
        urls.push((onboarding.url_path(), None));
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, date) in urls {
        out.push_str("  <url><loc>");
        crate::html::escape_into(&mut out, &format!("{root}{path}"));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

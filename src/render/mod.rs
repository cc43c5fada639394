//! Turns the compiled site into output files through the theme.
//!
//! Every page is an independent job rendered in parallel and handed to a
//! `Sink` as soon as it is done (the disk writer for `build`, memory for
//! `serve`), so the whole site is never held twice. Shared data (site
//! settings, lookup tables) is prepared once; a page's context holds only
//! what that page shows.

mod nav;
mod print;
mod searchable;
mod views;

use std::collections::HashMap;

use rayon::prelude::*;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::site::Site;
use crate::templates::{Asset, Theme};
use crate::toml_fields::Date;
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
    /// A redirect from a chapter's old URL: (chapter, alias).
    Alias(usize, usize),
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

/// Every page path a build writes, with what claims it; a chapter or part
/// whose URL lands on another page is an error at that chapter or part.
pub(crate) fn check_paths(site: &Site) -> Vec<Diagnostic> {
    let book = &site.book;
    let mut claimed: HashMap<String, String> = HashMap::new();
    for generated in ["index.html", "404.html", "teams/index.html", "tags/index.html", "print/index.html"] {
        claimed.insert(generated.to_string(), "the generator".to_string());
    }
    if book.onboarding.is_some() {
        claimed.insert("onboarding/index.html".into(), "the onboarding page".into());
    }
    for t in &book.teams {
        claimed.insert(format!("teams/{}/index.html", t.id), format!("team `{}`", t.id));
    }
    for key in TagIndex::new(site).tags.keys() {
        claimed.insert(format!("tags/{key}/index.html"), format!("tag `{key}`"));
    }
    let mut diags = Vec::new();
    for p in &book.parts {
        if let Some(other) = claimed.insert(format!("{}index.html", p.url_path), format!("`{}`", p.dir)) {
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    &p.dir,
                    format!("the part's URL `/{}` is already used by {other}", p.url_path),
                )
                .with_help("rename the folder"),
            );
        }
    }
    for c in &book.chapters {
        if let Some(other) = claimed.insert(format!("{}index.html", c.url_path), format!("`{}`", c.doc.file)) {
            diags.push(
                Diagnostic::error(
                    "duplicate-url",
                    &c.doc.file,
                    format!("the chapter's URL `/{}` is already used by {other}", c.url_path),
                )
                .at_offset(&c.doc.text, 0)
                .with_help("rename the file or its part folder"),
            );
        }
    }
    for c in &book.chapters {
        let at = c.doc.text.find("aliases").unwrap_or(0);
        for alias in &c.meta.aliases {
            let Some(path) = alias_path(alias) else {
                diags.push(
                    Diagnostic::error("bad-alias", &c.doc.file, format!("`{alias}` is not a path below the site"))
                        .at_offset(&c.doc.text, at)
                        .with_help("write the old URL's path without the base, e.g. \"old-slug\" or \"part/old-slug\""),
                );
                continue;
            };
            if let Some(other) = claimed.insert(format!("{path}index.html"), format!("`{}`", c.doc.file)) {
                diags.push(
                    Diagnostic::error(
                        "alias-collision",
                        &c.doc.file,
                        format!("the alias `{alias}` is the URL of {other}"),
                    )
                    .at_offset(&c.doc.text, at)
                    .with_help("remove the alias; that URL is a live page"),
                );
            }
        }
    }
    diags
}

/// `old`, `/part/old/` -> `part/old/`; `None` for anything that is not a
/// plain relative path.
fn alias_path(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_matches('/');
    let ok = !trimmed.is_empty()
        && !trimmed.contains("://")
        && trimmed
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.contains(['\\', '#', '?']));
    ok.then(|| format!("{trimmed}/"))
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
    let write = |path: &str, html: String| {
        sink.put(path, html.into_bytes()).map_err(|e| write_error(path, &e))?;
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
                    let (path, html) = shared.page(job)?;
                    write(&path, html)
                }
            })
            .collect()
    };
    let failed = std::sync::Mutex::new(Vec::new());
    let build_index = || {
        if search {
            search_index(site, &|path, bytes| {
                if let Err(e) = sink.put(&path, bytes) {
                    failed.lock().unwrap_or_else(|p| p.into_inner()).push(write_error(&path, &e));
                }
            });
        }
    };
    // The index has long single-threaded stretches (merging, sharding):
    // pages fill the other core meanwhile.
    let (results, ()) = rayon::join(render_pages, build_index);
    diags.extend(results.into_iter().filter_map(Result::err));
    diags.extend(failed.into_inner().unwrap_or_else(|p| p.into_inner()));
    if let Selection::Pages(_) = selection {
        return if diags.is_empty() { Ok(Stats { pages, files: pages }) } else { Err(diags) };
    }
    let mut files = 0;
    match sink.put("sitemap.xml", sitemap(site).into_bytes()) {
        Ok(()) => files += 1,
        Err(e) => diags.push(write_error("sitemap.xml", &e)),
    }
    let copies: Vec<Result<(), Diagnostic>> = theme
        .assets
        .par_iter()
        .map(|(path, asset)| {
            let bytes = match asset {
                Asset::Embedded(b) => b.to_vec(),
                Asset::File(p) => {
                    std::fs::read(p).map_err(|e| crate::source::io_error(&p.display().to_string(), &e))?
                }
            };
            sink.put(path, bytes).map_err(|e| write_error(path, &e))
        })
        .chain(site.assets.par_iter().map(|file| {
            let bytes = std::fs::read(site.book.root.join(file)).map_err(|e| crate::source::io_error(file, &e))?;
            let out = format!("media/{file}");
            sink.put(&out, bytes).map_err(|e| write_error(&out, &e))
        }))
        .collect();
    for r in copies {
        match r {
            Ok(()) => files += 1,
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() { Ok(Stats { pages, files: files + pages }) } else { Err(diags) }
}

fn all_jobs(site: &Site, shared: &Shared<'_>) -> Vec<Job> {
    let book = &site.book;
    let mut jobs = vec![Job::Home, Job::Teams, Job::Tags, Job::Print, Job::NotFound];
    jobs.extend((0..book.chapters.len()).map(Job::Chapter));
    jobs.extend((0..book.parts.len()).map(Job::Part));
    jobs.extend(book.teams.iter().enumerate().filter(|(_, t)| book.shows_team(&t.id)).map(|(i, _)| Job::Team(i)));
    jobs.extend(shared.tags.tags.keys().cloned().map(Job::Tag));
    if site.onboarding.is_some() {
        jobs.push(Job::Onboarding);
    }
    for (ci, c) in book.chapters.iter().enumerate() {
        jobs.extend((0..c.meta.aliases.len()).map(|ai| Job::Alias(ci, ai)));
    }
    if nav::window(book, &shared.chains, &site.base, None, None).partial {
        jobs.push(Job::FullNav);
    }
    jobs
}

fn write_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output", "", format!("cannot write `{path}` to the output folder: {e}"))
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
                book.teams
                    .iter()
                    .find(|t| &t.id == id)
                    .map(|t| Link { title: &t.name, url: format!("{}teams/{}/", site.base, t.id) })
            }),
            onboarding: book
                .onboarding
                .as_ref()
                .map(|d| Link { title: &d.title, url: format!("{}onboarding/", site.base) }),
            teams: book
                .teams
                .iter()
                .filter(|t| site.book.shows_team(&t.id))
                .map(|t| Link { title: &t.name, url: format!("{}teams/{}/", site.base, t.id) })
                .collect(),
            has_tags: !tags.tags.is_empty(),
            search: config.search,
            print_url: format!("{}print/", site.base),
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.site.base)
    }

    /// Renders one job to its output path and HTML.
    fn page(&self, job: &Job) -> Result<(String, String), Diagnostic> {
        let site = self.site;
        let book = &site.book;
        if let Job::Print = job {
            // Spliced, not templated: see `print`.
            let body = print::body(self, self.incremental)?;
            return Ok((print::PATH.to_string(), print::splice(&print::frame(self)?, &body)));
        }
        let mut ctx = self.base_ctx.clone();
        let (template, path) = match job {
            Job::Home => {
                let principles: Vec<_> = (0..book.chapters.len())
                    .filter(|&i| !site.cards[i].is_empty())
                    .map(|i| chapter_item(site, i))
                    .collect();
                let chapters: Vec<_> = (0..book.chapters.len()).map(|i| chapter_item(site, i)).collect();
                ctx.insert("page", &Home { title: &book.config.title, url: self.url(""), principles, chapters });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("index.html", "index.html".to_string())
            }
            Job::Chapter(i) => {
                let i = *i;
                let c = &book.chapters[i];
                ctx.insert("page", &self.chapter(i));
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, Some(i), None));
                ("chapter.html", format!("{}index.html", c.url_path))
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
                        url: self.url(&part.url_path),
                        breadcrumbs: self.breadcrumbs(part.parent),
                        chapters,
                    },
                );
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, first, Some(*p)));
                ("part.html", format!("{}index.html", part.url_path))
            }
            Job::Teams => {
                let teams: Vec<_> =
                    book.teams.iter().filter(|t| site.book.shows_team(&t.id)).map(|t| team_view(site, t)).collect();
                ctx.insert("page", &TeamsPage { title: "Teams", url: self.url("teams/"), teams });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("teams.html", "teams/index.html".to_string())
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
                            url: self.url(&chapter.url_path),
                            id: chapter.slug.clone(),
                            examples: vec![view],
                        }),
                    }
                }
                ctx.insert("page", &TeamPage { team: team_view(site, team), title: &team.name, groups });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("team.html", format!("teams/{}/index.html", team.id))
            }
            Job::Tags => {
                let tags: Vec<_> = self
                    .tags
                    .tags
                    .iter()
                    .map(|(key, t)| TagLink {
                        name: t.name,
                        url: self.url(&format!("tags/{key}/")),
                        count: t.chapters.len() + t.examples.len(),
                    })
                    .collect();
                ctx.insert("page", &TagsPage { title: "Tags", url: self.url("tags/"), tags });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("tags.html", "tags/index.html".to_string())
            }
            Job::Tag(key) => {
                let t = &self.tags.tags[key];
                let chapters: Vec<_> = t.chapters.iter().map(|&i| chapter_item(site, i)).collect();
                let examples: Vec<_> = t
                    .examples
                    .iter()
                    .map(|&(ti, ei)| example_view(site, ti, ei, &|s| self.chapter_of.get(s).copied()))
                    .collect();
                ctx.insert(
                    "page",
                    &TagPage {
                        title: t.name,
                        name: t.name,
                        url: self.url(&format!("tags/{key}/")),
                        chapters,
                        examples,
                    },
                );
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("tag.html", format!("tags/{key}/index.html"))
            }
            Job::Print => unreachable!("handled above"),
            Job::Onboarding => {
                let (doc, rendered) =
                    (book.onboarding.as_ref().unwrap_or_else(|| unreachable!()), site.onboarding.as_ref());
                let rendered = rendered.unwrap_or_else(|| unreachable!());
                ctx.insert(
                    "page",
                    &DocPage {
                        title: &doc.title,
                        summary: &doc.summary,
                        url: self.url("onboarding/"),
                        content: &rendered.html,
                        toc: toc(&rendered.headings),
                        edit_url: self.edit_url(&doc.file),
                    },
                );
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("onboarding.html", "onboarding/index.html".to_string())
            }
            Job::NotFound => {
                ctx.insert("page", &Titled { title: "Page not found", url: self.url("404.html") });
                ctx.insert("nav", &nav::window(book, &self.chains, &site.base, None, None));
                ("404.html", "404.html".to_string())
            }
            Job::Alias(ci, ai) => {
                let c = &book.chapters[*ci];
                let path = alias_path(&c.meta.aliases[*ai]).unwrap_or_default();
                ctx.insert("page", &Titled { title: &c.meta.title, url: self.url(&c.url_path) });
                ("redirect.html", format!("{path}index.html"))
            }
            Job::FullNav => {
                ctx.insert("nav", &nav::full(book, &self.chains, &site.base));
                ("nav.html", "assets/nav.html".to_string())
            }
        };
        ctx.insert("kind", template.trim_end_matches(".html"));
        let html = self.theme.render(template, &ctx)?;
        Ok((path, html))
    }

    fn chapter(&self, i: usize) -> ChapterView<'_> {
        let site = self.site;
        let book = &site.book;
        let c = &book.chapters[i];
        let rendered = &site.chapters[i];
        let link = |j: usize| Link { title: &book.chapters[j].meta.title, url: self.url(&book.chapters[j].url_path) };
        let mut groups: Vec<ExampleGroup> = Vec::new();
        for &(ti, ei) in &self.examples_of[i] {
            let team = &book.teams[ti];
            let view = example_view(site, ti, ei, &|s| self.chapter_of.get(s).copied());
            match groups.last_mut() {
                Some(g) if g.id == format!("team-{}", team.id) => g.examples.push(view),
                _ => groups.push(ExampleGroup {
                    title: &team.name,
                    url: self.url(&format!("teams/{}/", team.id)),
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
            url: self.url(&c.url_path),
            slug: &c.slug,
            file: &c.doc.file,
            content: &rendered.html,
            toc: toc(&rendered.headings),
            card: CardView::of(&site.cards[i]),
            owners: &c.meta.owners,
            reviewed: c.meta.reviewed,
            stale,
            updated: book.updated.get(&c.doc.file).copied(),
            tags: tag_links(&site.base, &c.meta.tags),
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
            chain.push(Link { title: &book.parts[p].title, url: self.url(&book.parts[p].url_path) });
            at = book.parts[p].parent;
        }
        chain.push(Link { title: "Home", url: self.url("") });
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
    let mut urls: Vec<(String, Option<Date>)> = vec![(String::new(), None)];
    urls.extend(book.chapters.iter().map(|c| (c.url_path.clone(), c.meta.reviewed)));
    urls.extend(book.parts.iter().map(|p| (p.url_path.clone(), None)));
    urls.extend(book.teams.iter().filter(|t| site.book.shows_team(&t.id)).map(|t| (format!("teams/{}/", t.id), None)));
    if book.onboarding.is_some() {
        urls.push(("onboarding/".into(), None));
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, date) in urls {
        out.push_str("  <url><loc>");
        crate::markdown::escape_into(&mut out, &format!("{root}{path}"));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

//! One function per page kind: each says which template renders it, where
//! it goes (its route) and what the template sees (`page` and `nav`). Adding
//! a page kind is adding a function here and a job in `mod.rs`.

use tera::Context;

use super::context::Lookups;
use super::views::*;
use crate::compile::routes::Alias;
use crate::compile::site::{CompiledChapter, CompiledDoc, CompiledTeam};
use crate::content::Part;
use crate::route::{self, Route};

/// A page ready to render: its template, its route and its context.
pub(crate) struct Page {
    pub template: &'static str,
    pub route: Route,
    pub ctx: Context,
}

impl Page {
    fn new(
        l: &Lookups<'_>,
        template: &'static str,
        route: Route,
        page: &impl serde::Serialize,
        nav: Option<NavArgs>,
    ) -> Page {
        let mut ctx = l.base_ctx.clone();
        ctx.insert("page", page);
        if let Some((current, part)) = nav {
            ctx.insert("nav", &l.nav(current, part));
        }
        ctx.insert("kind", template.trim_end_matches(".html"));
        Page { template, route, ctx }
    }
}

/// The sidebar a page shows: (current chapter, current part).
type NavArgs = (Option<usize>, Option<usize>);

/// The home page's size stays bounded like every other page's: past this
/// many chapters it lists parts with their counts, not every chapter (at
/// 10,000 chapters it had grown to 8.4 MB); it shows at most this many
/// principle cards and top-level parts.
const HOME_CHAPTERS: usize = 60;
const HOME_PRINCIPLES: usize = 12;
const HOME_PARTS: usize = 100;

/// The principles at a glance, then the chapters by part.
pub(crate) fn home(l: &Lookups<'_>) -> Page {
    let site = l.site;
    let with_card = site.chapters.iter().filter(|c| !c.card.is_empty());
    let principles: Vec<_> = with_card.clone().take(HOME_PRINCIPLES).map(|c| chapter_item(site, c)).collect();
    let more_principles = with_card.count() - principles.len();
    let listed = site.chapters.len() <= HOME_CHAPTERS;
    let mut groups: Vec<HomeGroup> = Vec::new();
    // Reading order keeps a part's chapters together: a new group starts
    // where the top-level part changes.
    let mut current: Option<Option<usize>> = None;
    for c in &site.chapters {
        let top = l.chain(c.index).first().copied();
        if current != Some(top) {
            current = Some(top);
            let part = top.and_then(|i| site.parts.get(i));
            groups.push(HomeGroup {
                title: part.map(|p| p.title.as_str()),
                url: part.map(|p| l.url(&p.route)),
                description: part.map_or("", |p| p.description.as_str()),
                count: 0,
                chapters: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.count += 1;
            if listed {
                group.chapters.push(chapter_item(site, c));
            }
        }
    }
    let more_groups = groups.len().saturating_sub(HOME_PARTS);
    groups.truncate(HOME_PARTS);
    let chapters = if listed { site.chapters.iter().map(|c| chapter_item(site, c)).collect() } else { Vec::new() };
    let page = Home {
        title: &site.config.title,
        url: l.url(&route::home()),
        principles,
        more_principles,
        chapters,
        groups,
        more_groups,
    };
    Page::new(l, "index.html", route::home(), &page, Some((None, None)))
}

pub(crate) fn chapter(l: &Lookups<'_>, c: &CompiledChapter) -> Page {
    let site = l.site;
    let chapter = &c.chapter;
    let i = c.index;
    let link = |j: usize| {
        let other = &site.chapters[j].chapter;
        Link { title: &other.meta.title, url: l.url(&other.route) }
    };
    let mut groups: Vec<ExampleGroup> = Vec::new();
    for &ex in l.examples_on(i).iter() {
        let team = &ex.team.team;
        let view = example_view(site, ex, l);
        let id = format!("team-{}", team.id);
        match groups.last_mut() {
            Some(g) if g.id == id => g.examples.push(view),
            _ => groups.push(ExampleGroup { title: &team.name, url: l.url(&team.route), id, examples: vec![view] }),
        }
    }
    let stale = match (chapter.meta.reviewed, site.config.review_after_days) {
        (Some(date), Some(days)) => date.days() + days < l.today,
        _ => false,
    };
    let page = ChapterView {
        title: &chapter.meta.title,
        summary: &chapter.meta.summary,
        url: l.url(&chapter.route),
        slug: &chapter.slug,
        file: &chapter.doc.file,
        content: &c.rendered.html,
        toc: toc(&c.rendered.headings),
        card: CardView::of(&c.card),
        owners: &chapter.meta.owners,
        reviewed: chapter.meta.reviewed,
        stale,
        draft: chapter.meta.draft,
        updated: site.history.updated(&chapter.doc.file),
        changed: site.history.latest(&chapter.doc.file).map(|c| ChangeNote {
            date: c.date,
            subject: &c.subject,
            time: c.time,
        }),
        tags: tag_links(site, &chapter.meta.tags),
        edit_url: l.edit_url(&chapter.doc.file),
        prev: i.checked_sub(1).map(link),
        next: (i + 1 < site.chapters.len()).then(|| link(i + 1)),
        breadcrumbs: l.breadcrumbs(chapter.part),
        part: site.part(chapter.part).map(|p| p.title.as_str()),
        examples: groups,
        extra: chapter.meta.extra.as_ref(),
    };
    Page::new(l, "chapter.html", chapter.route.clone(), &page, Some((Some(i), None)))
}

/// A part's page: its chapters (nested parts' too).
pub(crate) fn part(l: &Lookups<'_>, index: usize, part: &Part) -> Page {
    let site = l.site;
    let inside = |c: &&std::sync::Arc<CompiledChapter>| l.chain(c.index).contains(&index);
    let chapters: Vec<_> = site.chapters.iter().filter(inside).map(|c| chapter_item(site, c)).collect();
    let first = site.chapters.iter().find(inside).map(|c| c.index);
    let page = PartPage {
        title: &part.title,
        description: &part.description,
        url: l.url(&part.route),
        breadcrumbs: l.breadcrumbs(part.parent),
        chapters,
    };
    Page::new(l, "part.html", part.route.clone(), &page, Some((first, Some(index))))
}

pub(crate) fn teams(l: &Lookups<'_>) -> Page {
    let teams: Vec<_> = l.site.teams.iter().filter(|t| t.shown).map(|t| team_view(l.site, t)).collect();
    let page = TeamsPage { title: "Teams", url: l.url(&route::teams_index()), teams };
    Page::new(l, "teams.html", route::teams_index(), &page, Some((None, None)))
}

/// A team's page: its examples, grouped by the chapter they illustrate.
pub(crate) fn team(l: &Lookups<'_>, t: &CompiledTeam) -> Page {
    let site = l.site;
    let mut order: Vec<(usize, usize)> = t
        .examples
        .iter()
        .enumerate()
        .map(|(ei, ex)| (l.chapter_of(&ex.example.meta.chapter).unwrap_or(0), ei))
        .collect();
    order.sort_unstable();
    let mut groups: Vec<ExampleGroup> = Vec::new();
    for (ci, ei) in order {
        let ex = crate::compile::site::ExampleRef { team: t, example: &t.examples[ei] };
        let view = example_view(site, ex, l);
        let chapter = &site.chapters[ci].chapter;
        match groups.last_mut() {
            Some(g) if g.id == chapter.slug => g.examples.push(view),
            _ => groups.push(ExampleGroup {
                title: &chapter.meta.title,
                url: l.url(&chapter.route),
                id: chapter.slug.clone(),
                examples: vec![view],
            }),
        }
    }
    let page = TeamPage { team: team_view(site, t), title: &t.team.name, groups };
    Page::new(l, "team.html", t.team.route.clone(), &page, Some((None, None)))
}

pub(crate) fn tags(l: &Lookups<'_>) -> Page {
    let tags: Vec<_> = l
        .tags()
        .tags
        .iter()
        .filter_map(|(key, t)| {
            let route = l.site.routes.tags.get(key)?;
            Some(TagLink { name: t.name, url: l.url(route), count: t.chapters.len() + t.examples.len() })
        })
        .collect();
    let page = TagsPage { title: "Tags", url: l.url(&route::tags_index()), tags };
    Page::new(l, "tags.html", route::tags_index(), &page, Some((None, None)))
}

/// A tag's page; `None` for a key without a page (no letters or digits).
pub(crate) fn tag(l: &Lookups<'_>, key: &str) -> Option<Page> {
    let site = l.site;
    let (t, route) = (l.tags().tags.get(key)?, site.routes.tags.get(key)?);
    let chapters: Vec<_> = t.chapters.iter().map(|c| chapter_item(site, c)).collect();
    let examples: Vec<_> = t.examples.iter().map(|&ex| example_view(site, ex, l)).collect();
    let page = TagPage { title: t.name, name: t.name, url: l.url(route), chapters, examples };
    Some(Page::new(l, "tag.html", route.clone(), &page, Some((None, None))))
}

pub(crate) fn onboarding(l: &Lookups<'_>, d: &CompiledDoc) -> Page {
    let page = DocPage {
        title: &d.doc.title,
        summary: &d.doc.summary,
        url: l.url(&route::onboarding()),
        content: &d.rendered.html,
        toc: toc(&d.rendered.headings),
        edit_url: l.edit_url(&d.doc.file),
    };
    Page::new(l, "onboarding.html", route::onboarding(), &page, Some((None, None)))
}

pub(crate) fn not_found(l: &Lookups<'_>) -> Page {
    let page = Titled { title: "Page not found", url: l.url(&route::not_found()) };
    Page::new(l, "404.html", route::not_found(), &page, Some((None, None)))
}

/// The recent edits of the playbook, from git.
pub(crate) fn changes(l: &Lookups<'_>) -> Page {
    Page::new(l, "changes.html", route::changes(), &super::changes::view(l), Some((None, None)))
}

/// A redirect from a chapter's old URL to its page.
pub(crate) fn alias(l: &Lookups<'_>, alias: &Alias) -> Page {
    let chapter = &l.site.chapters[alias.chapter].chapter;
    let page = Titled { title: &chapter.meta.title, url: l.url(&chapter.route) };
    Page::new(l, "redirect.html", alias.route.clone(), &page, None)
}

/// The whole sidebar, loaded by the theme's script on large playbooks.
pub(crate) fn full_nav(l: &Lookups<'_>) -> Page {
    let mut ctx = l.base_ctx.clone();
    ctx.insert("nav", &super::nav::full(l.site, &|i| l.chain(i), &l.site.base));
    ctx.insert("kind", "nav");
    Page { template: "nav.html", route: route::full_nav(), ctx }
}

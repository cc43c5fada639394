//! What templates see: small serialisable views over the compiled site.
//! Field names here are the theme API documented in the README.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::markdown::Heading;
use crate::compile::site::{Card, CompiledChapter, CompiledTeam, ExampleRef, Site};
use crate::compile::slug;
use crate::date::Date;

/// A title and where it goes (previous/next, breadcrumbs).
#[derive(Serialize, Clone)]
pub(crate) struct Link<'a> {
    pub title: &'a str,
    pub url: String,
}

/// The settings every template sees as `site`.
#[derive(Serialize)]
pub(crate) struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Path every URL starts with, ending in `/`.
    pub base: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub extra: &'a tera::Value,
    pub edition: Option<Link<'a>>,
    pub onboarding: Option<Link<'a>>,
    pub teams: Vec<Link<'a>>,
    pub has_tags: bool,
    /// The search index is built: show the search box.
    pub search: bool,
    pub print_url: String,
    /// The root's `static/custom.css`, linked after the theme's stylesheet.
    pub custom_css: Option<String>,
    pub generator: &'static str,
    /// When the newest commit of the history was made (seconds since
    /// 1970): where "new since your last visit" starts for a first visit.
    pub latest_change: Option<i64>,
}

/// A principle card (do this, not that, why it matters), as HTML.
#[derive(Serialize)]
pub(crate) struct CardView<'a> {
    #[serde(rename = "do")]
    pub do_: Option<&'a str>,
    pub dont: Option<&'a str>,
    pub why: Option<&'a str>,
}

impl<'a> CardView<'a> {
    pub(crate) fn of(card: &'a Card) -> Option<CardView<'a>> {
        (!card.is_empty()).then_some(CardView {
            do_: card.do_.as_deref(),
            dont: card.dont.as_deref(),
            why: card.why.as_deref(),
        })
    }
}

/// The last commit that touched a page.
#[derive(Serialize)]
pub(crate) struct ChangeNote<'a> {
    pub date: Date,
    pub subject: &'a str,
    /// Seconds since 1970.
    pub time: i64,
}

/// A chapter as it appears in lists and cards.
#[derive(Serialize)]
pub(crate) struct ChapterItem<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: &'a str,
    pub card: Option<CardView<'a>>,
    pub part: Option<&'a str>,
    /// When its last commit was made (seconds since 1970), for the marks
    /// of pages changed since the reader's last visit.
    pub changed: Option<i64>,
}

/// One heading in a page's table of contents.
#[derive(Serialize)]
pub(crate) struct TocEntry<'a> {
    pub level: u8,
    pub id: &'a str,
    pub title: &'a str,
}

pub(crate) fn toc(headings: &[Heading]) -> Vec<TocEntry<'_>> {
    headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocEntry { level: h.level, id: &h.id, title: &h.text })
        .collect()
}

/// A team example as shown on its chapter and its team's page.
#[derive(Serialize)]
pub(crate) struct ExampleView<'a> {
    pub title: &'a str,
    pub anchor: String,
    pub team: Link<'a>,
    pub chapter: Link<'a>,
    pub author: Option<&'a str>,
    pub date: Option<Date>,
    pub summary: &'a str,
    pub tags: Vec<Link<'a>>,
    pub content: &'a str,
    pub extra: Option<&'a tera::Value>,
}

/// The examples of one team on a chapter page.
#[derive(Serialize)]
pub(crate) struct ExampleGroup<'a> {
    /// The team (on chapter pages) or the chapter (on team pages).
    pub title: &'a str,
    pub url: String,
    pub id: String,
    pub examples: Vec<ExampleView<'a>>,
}

/// A chapter as templates see it (`page` on chapter.html).
#[derive(Serialize)]
pub(crate) struct ChapterView<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub slug: &'a str,
    pub file: &'a str,
    pub content: &'a str,
    pub toc: Vec<TocEntry<'a>>,
    pub card: Option<CardView<'a>>,
    pub owners: &'a [String],
    pub reviewed: Option<Date>,
    pub stale: bool,
    /// Marked `draft = true` (shown only when built with --drafts).
    pub draft: bool,
    /// Date of the last commit to the chapter's file, when in git.
    pub updated: Option<Date>,
    /// Its last commit: "Changed on DATE: SUBJECT".
    pub changed: Option<ChangeNote<'a>>,
    pub tags: Vec<Link<'a>>,
    pub edit_url: Option<String>,
    pub prev: Option<Link<'a>>,
    pub next: Option<Link<'a>>,
    pub breadcrumbs: Vec<Link<'a>>,
    /// Title of the part holding the chapter.
    pub part: Option<&'a str>,
    pub examples: Vec<ExampleGroup<'a>>,
    pub extra: Option<&'a tera::Value>,
}

/// A team in the teams index.
#[derive(Serialize)]
pub(crate) struct TeamView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub lead: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub url: String,
    pub count: usize,
    /// `[extra]` of team.toml.
    pub extra: Option<&'a tera::Value>,
}

/// Tags with the chapters and examples that carry them, by tag slug.
pub(crate) struct TagIndex<'a> {
    pub tags: BTreeMap<String, TagEntry<'a>>,
}

/// A page listed under a tag.
pub(crate) struct TagEntry<'a> {
    pub name: &'a str,
    pub chapters: Vec<&'a CompiledChapter>,
    pub examples: Vec<ExampleRef<'a>>,
}

impl<'a> TagIndex<'a> {
    pub(crate) fn new(site: &'a Site) -> TagIndex<'a> {
        let mut tags: BTreeMap<String, TagEntry<'a>> = BTreeMap::new();
        fn entry<'m, 'a>(tags: &'m mut BTreeMap<String, TagEntry<'a>>, name: &'a str) -> &'m mut TagEntry<'a> {
            tags.entry(slug::slugify(name)).or_insert_with(|| TagEntry {
                name,
                chapters: Vec::new(),
                examples: Vec::new(),
            })
        }
        for c in &site.chapters {
            for t in &c.chapter.meta.tags {
                let e = entry(&mut tags, t);
                if e.chapters.last().is_none_or(|last| last.index != c.index) {
                    e.chapters.push(c);
                }
            }
        }
        for team in site.teams.iter().filter(|t| t.shown) {
            for example in &team.examples {
                for t in &example.example.meta.tags {
                    let e = entry(&mut tags, t);
                    if e.examples.last().is_none_or(|last| !std::ptr::eq(last.example, &**example)) {
                        e.examples.push(ExampleRef { team, example });
                    }
                }
            }
        }
        tags.remove("");
        TagIndex { tags }
    }
}

pub(crate) fn tag_links<'a>(site: &Site, tags: &'a [String]) -> Vec<Link<'a>> {
    tags.iter().filter_map(|t| Some(Link { title: t, url: site.routes.tag(t)?.url(&site.base) })).collect()
}

pub(crate) fn chapter_item<'a>(site: &'a Site, c: &'a CompiledChapter) -> ChapterItem<'a> {
    let chapter = &c.chapter;
    ChapterItem {
        title: &chapter.meta.title,
        url: chapter.route.url(&site.base),
        summary: &chapter.meta.summary,
        card: CardView::of(&c.card),
        part: site.part(chapter.part).map(|p| p.title.as_str()),
        changed: site.history.latest(&chapter.doc.file).map(|c| c.time),
    }
}

pub(crate) fn team_view<'a>(site: &'a Site, t: &'a CompiledTeam) -> TeamView<'a> {
    let team = &t.team;
    TeamView {
        id: &team.id,
        name: &team.name,
        description: &team.description,
        lead: team.lead.as_deref(),
        channel: team.channel.as_deref(),
        url: team.route.url(&site.base),
        count: t.examples.len(),
        extra: team.extra.as_ref(),
    }
}

pub(crate) fn example_view<'a>(site: &'a Site, ex: ExampleRef<'a>, l: &super::context::Lookups<'_>) -> ExampleView<'a> {
    let team = &ex.team.team;
    let example = &ex.example.example;
    let chapter = l.chapter_of(&example.meta.chapter).map(|i| &site.chapters[i].chapter);
    ExampleView {
        title: &example.meta.title,
        anchor: example.anchor(),
        team: Link { title: &team.name, url: team.route.url(&site.base) },
        chapter: Link {
            title: chapter.map_or("", |c| c.meta.title.as_str()),
            url: chapter.map_or_else(String::new, |c| c.route.url(&site.base)),
        },
        author: example.meta.author.as_deref(),
        date: example.meta.date,
        summary: &example.meta.summary,
        tags: tag_links(site, &example.meta.tags),
        content: &ex.example.rendered.html,
        extra: example.meta.extra.as_ref(),
    }
}

// Page contexts, one per page kind.

/// The home page's context: parts and their chapters.
#[derive(Serialize)]
pub(crate) struct Home<'a> {
    pub title: &'a str,
    pub url: String,
    /// The first chapters with a principle card (a bounded number).
    pub principles: Vec<ChapterItem<'a>>,
    /// Principles past those shown.
    pub more_principles: usize,
    /// Every chapter in reading order, or none when there are too many for
    /// one page (then `groups` carry counts instead).
    pub chapters: Vec<ChapterItem<'a>>,
    /// The chapters by top-level part, in reading order (a bounded number).
    pub groups: Vec<HomeGroup<'a>>,
    /// Top-level parts past those shown.
    pub more_groups: usize,
}

/// A top-level part on the home page (no title: chapters outside parts).
#[derive(Serialize)]
pub(crate) struct HomeGroup<'a> {
    pub title: Option<&'a str>,
    pub url: Option<String>,
    pub description: &'a str,
    pub count: usize,
    /// Its chapters, or none when the home page lists only parts.
    pub chapters: Vec<ChapterItem<'a>>,
}

/// A part's page: its chapters in order.
#[derive(Serialize)]
pub(crate) struct PartPage<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub breadcrumbs: Vec<Link<'a>>,
    pub chapters: Vec<ChapterItem<'a>>,
}

/// The teams index page.
#[derive(Serialize)]
pub(crate) struct TeamsPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub teams: Vec<TeamView<'a>>,
}

/// One team's page: its examples by chapter.
#[derive(Serialize)]
pub(crate) struct TeamPage<'a> {
    pub title: &'a str,
    pub team: TeamView<'a>,
    pub groups: Vec<ExampleGroup<'a>>,
}

/// A tag and its page, in lists of tags.
#[derive(Serialize)]
pub(crate) struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

/// The tags index page.
#[derive(Serialize)]
pub(crate) struct TagsPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub tags: Vec<TagLink<'a>>,
}

/// One tag's page: every page that carries it.
#[derive(Serialize)]
pub(crate) struct TagPage<'a> {
    pub title: &'a str,
    pub name: &'a str,
    pub url: String,
    pub chapters: Vec<ChapterItem<'a>>,
    pub examples: Vec<ExampleView<'a>>,
}

/// The print page's frame: the contents, with the chapters spliced in.
#[derive(Serialize)]
pub(crate) struct PrintPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub chapters: Vec<TocItem<'a>>,
    /// Every chapter's section, rendered by `print_chapter.html`.
    pub body: &'static str,
    /// The onboarding page, printed after the chapters.
    pub onboarding: Option<PrintDoc<'a>>,
}

/// A whole document in the print view (the onboarding page).
#[derive(Serialize)]
pub(crate) struct PrintDoc<'a> {
    pub title: &'a str,
    pub id: &'a str,
    pub content: String,
}

/// One chapter in the print page's table of contents.
#[derive(Serialize)]
pub(crate) struct TocItem<'a> {
    pub title: &'a str,
    pub id: &'a str,
}

/// A page made from one markdown document (onboarding).
#[derive(Serialize)]
pub(crate) struct DocPage<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub content: &'a str,
    pub toc: Vec<TocEntry<'a>>,
    pub edit_url: Option<String>,
}

/// A page known only by its title and URL (404, redirects).
#[derive(Serialize)]
pub(crate) struct Titled<'a> {
    pub title: &'a str,
    pub url: String,
}

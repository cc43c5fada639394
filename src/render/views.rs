//! What templates see: small serialisable views over the compiled site.
//! Field names here are the theme API documented in the README.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::markdown::Heading;
use crate::compile::site::{Card, Site};
use crate::compile::slug;
use crate::content::{Chapter, Example, Team};
use crate::date::Date;

#[derive(Serialize, Clone)]
pub(crate) struct Link<'a> {
    pub title: &'a str,
    pub url: String,
}

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
    pub generator: &'static str,
}

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

/// A chapter as it appears in lists and cards.
#[derive(Serialize)]
pub(crate) struct ChapterItem<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: &'a str,
    pub card: Option<CardView<'a>>,
    pub part: Option<&'a str>,
}

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

#[derive(Serialize)]
pub(crate) struct ExampleGroup<'a> {
    /// The team (on chapter pages) or the chapter (on team pages).
    pub title: &'a str,
    pub url: String,
    pub id: String,
    pub examples: Vec<ExampleView<'a>>,
}

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
    /// Date of the last commit to the chapter's file, when in git.
    pub updated: Option<Date>,
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

#[derive(Serialize)]
pub(crate) struct TeamView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub lead: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub url: String,
    pub count: usize,
}

/// Tags with the chapters and examples that carry them, by tag slug.
pub(crate) struct TagIndex<'a> {
    pub tags: BTreeMap<String, TagEntry<'a>>,
}

pub(crate) struct TagEntry<'a> {
    pub name: &'a str,
    pub chapters: Vec<usize>,
    pub examples: Vec<(usize, usize)>,
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
        for (i, c) in site.book.chapters.iter().enumerate() {
            for t in &c.meta.tags {
                let e = entry(&mut tags, t);
                if e.chapters.last() != Some(&i) {
                    e.chapters.push(i);
                }
            }
        }
        for (ti, team) in site.book.teams.iter().enumerate() {
            if !site.book.shows_team(&team.id) {
                continue;
            }
            for (ei, ex) in team.examples.iter().enumerate() {
                for t in &ex.meta.tags {
                    let e = entry(&mut tags, t);
                    if e.examples.last() != Some(&(ti, ei)) {
                        e.examples.push((ti, ei));
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

pub(crate) fn chapter_item<'a>(site: &'a Site, i: usize) -> ChapterItem<'a> {
    let c: &Chapter = &site.book.chapters[i];
    ChapterItem {
        title: &c.meta.title,
        url: c.route.url(&site.base),
        summary: &c.meta.summary,
        card: CardView::of(&site.cards[i]),
        part: c.part.map(|p| site.book.parts[p].title.as_str()),
    }
}

pub(crate) fn team_view<'a>(site: &'a Site, team: &'a Team) -> TeamView<'a> {
    TeamView {
        id: &team.id,
        name: &team.name,
        description: &team.description,
        lead: team.lead.as_deref(),
        channel: team.channel.as_deref(),
        url: team.route.url(&site.base),
        count: team.examples.len(),
    }
}

pub(crate) fn example_view<'a>(
    site: &'a Site,
    team_index: usize,
    example_index: usize,
    chapter_of: &dyn Fn(&str) -> Option<usize>,
) -> ExampleView<'a> {
    let team = &site.book.teams[team_index];
    let ex: &Example = &team.examples[example_index];
    let chapter = chapter_of(&ex.meta.chapter).map(|i| &site.book.chapters[i]);
    ExampleView {
        title: &ex.meta.title,
        anchor: ex.anchor(),
        team: Link { title: &team.name, url: team.route.url(&site.base) },
        chapter: Link {
            title: chapter.map_or("", |c| c.meta.title.as_str()),
            url: chapter.map_or_else(String::new, |c| c.route.url(&site.base)),
        },
        author: ex.meta.author.as_deref(),
        date: ex.meta.date,
        summary: &ex.meta.summary,
        tags: tag_links(site, &ex.meta.tags),
        content: &site.examples[team_index][example_index].html,
        extra: ex.meta.extra.as_ref(),
    }
}

// Page contexts, one per page kind.

#[derive(Serialize)]
pub(crate) struct Home<'a> {
    pub title: &'a str,
    pub url: String,
    pub principles: Vec<ChapterItem<'a>>,
    pub chapters: Vec<ChapterItem<'a>>,
}

#[derive(Serialize)]
pub(crate) struct PartPage<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub breadcrumbs: Vec<Link<'a>>,
    pub chapters: Vec<ChapterItem<'a>>,
}

#[derive(Serialize)]
pub(crate) struct TeamsPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub teams: Vec<TeamView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct TeamPage<'a> {
    pub title: &'a str,
    pub team: TeamView<'a>,
    pub groups: Vec<ExampleGroup<'a>>,
}

#[derive(Serialize)]
pub(crate) struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize)]
pub(crate) struct TagsPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub tags: Vec<TagLink<'a>>,
}

#[derive(Serialize)]
pub(crate) struct TagPage<'a> {
    pub title: &'a str,
    pub name: &'a str,
    pub url: String,
    pub chapters: Vec<ChapterItem<'a>>,
    pub examples: Vec<ExampleView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct PrintPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub chapters: Vec<super::print::TocItem<'a>>,
    /// Every chapter's section, rendered by `print_chapter.html`.
    pub body: &'static str,
}

#[derive(Serialize)]
pub(crate) struct DocPage<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub content: &'a str,
    pub toc: Vec<TocEntry<'a>>,
    pub edit_url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Titled<'a> {
    pub title: &'a str,
    pub url: String,
}

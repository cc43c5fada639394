//! Front-matter schemas of chapters and team examples (SPEC.md's tables).

use crate::date::Date;
use crate::sources::toml_fields::{Fields, KeyOffsets};

pub(crate) const CHAPTER_KEYS: &[&str] =
    &["title", "summary", "do", "dont", "why", "weight", "owners", "reviewed", "tags", "draft", "aliases", "extra"];

pub(crate) const EXAMPLE_KEYS: &[&str] =
    &["title", "chapter", "author", "date", "weight", "draft", "tags", "summary", "extra"];

pub(crate) const TEAM_KEYS: &[&str] = &["name", "description", "lead", "channel", "weight", "extra"];

/// A chapter's front matter, every key typed.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChapterMeta {
    pub title: String,
    pub summary: String,
    pub do_: Option<String>,
    pub dont: Option<String>,
    pub why: Option<String>,
    pub weight: Option<i64>,
    pub owners: Vec<String>,
    pub reviewed: Option<Date>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub extra: Option<tera::Value>,
    /// Where each key sits in the file.
    pub keys: KeyOffsets,
}

/// A team example's front matter, every key typed.
#[derive(Clone, Debug, Default)]
pub(crate) struct ExampleMeta {
    pub title: String,
    pub chapter: String,
    pub summary: String,
    pub author: Option<String>,
    pub date: Option<Date>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub tags: Vec<String>,
    pub extra: Option<tera::Value>,
    /// Where each key sits in the file.
    pub keys: KeyOffsets,
}

/// A team's `team.toml`, every key typed.
pub(crate) struct TeamMeta {
    pub name: String,
    pub description: String,
    pub lead: Option<String>,
    pub channel: Option<String>,
    pub weight: Option<i64>,
    pub extra: Option<tera::Value>,
}

/// `missing_at` is where a missing required key is reported (the opening fence).
pub(crate) fn chapter(f: &mut Fields<'_, '_>, missing_at: usize) -> Option<ChapterMeta> {
    f.deny_unknown(CHAPTER_KEYS, "chapter front matter");
    let title = f.required_string("title", missing_at);
    let meta = ChapterMeta {
        title: String::new(),
        summary: f.string("summary").unwrap_or_default(),
        do_: f.string("do"),
        dont: f.string("dont"),
        why: f.string("why"),
        weight: f.integer("weight"),
        owners: f.strings("owners"),
        reviewed: f.date("reviewed"),
        tags: f.strings("tags"),
        draft: f.boolean("draft").unwrap_or(false),
        aliases: f.strings("aliases"),
        extra: f.table("extra"),
        keys: f.offsets(CHAPTER_KEYS),
    };
    // A missing title is reported; the body is still checked.
    Some(ChapterMeta { title: title.unwrap_or_default(), ..meta })
}

pub(crate) fn example(f: &mut Fields<'_, '_>, missing_at: usize) -> Option<ExampleMeta> {
    f.deny_unknown(EXAMPLE_KEYS, "team example front matter");
    let title = f.required_string("title", missing_at);
    let chapter = f.required_string("chapter", missing_at);
    let meta = ExampleMeta {
        title: String::new(),
        chapter: String::new(),
        summary: f.string("summary").unwrap_or_default(),
        author: f.string("author").filter(|a| !a.trim().is_empty()),
        date: f.date("date"),
        weight: f.integer("weight"),
        draft: f.boolean("draft").unwrap_or(false),
        tags: f.strings("tags"),
        extra: f.table("extra"),
        keys: f.offsets(EXAMPLE_KEYS),
    };
    Some(ExampleMeta { title: title.unwrap_or_default(), chapter: chapter?, ..meta })
}

pub(crate) fn team(f: &mut Fields<'_, '_>) -> Option<TeamMeta> {
    f.deny_unknown(TEAM_KEYS, "team.toml");
    let name = f.required_string("name", 0);
    let meta = TeamMeta {
        name: String::new(),
        description: f.string("description").unwrap_or_default(),
        lead: f.string("lead"),
        channel: f.string("channel"),
        weight: f.integer("weight"),
        extra: f.table("extra"),
    };
    Some(TeamMeta { name: name?, ..meta })
}

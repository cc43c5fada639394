//! The playbook as plain data: what was loaded from the root, before any
//! markdown is rendered. `load` builds it; later stages only read it.

mod front_matter;
mod load;
mod meta;
mod read;
mod teams;

use std::sync::Arc;
use std::time::SystemTime;

pub(crate) use front_matter::leading_h1;
pub(crate) use front_matter::split as split_front_matter;
pub(crate) use load::{Parsed, load};
#[cfg(test)]
pub(crate) use meta::CHAPTER_KEYS;
pub(crate) use meta::{ChapterMeta, ExampleMeta};
pub(crate) use read::by_weight;
pub(crate) use read::reread_body;

/// What a load includes: drafts or not, every team or one edition.
#[derive(Clone, Debug, Default)]
pub(crate) struct LoadOptions {
    pub drafts: bool,
    /// Build one team's edition: only its examples appear.
    pub team: Option<String>,
}
/// Reads chapter front matter (for the fuzz targets).
pub(crate) fn chapter_meta(fields: &mut crate::sources::toml_fields::Fields<'_, '_>) -> Option<ChapterMeta> {
    meta::chapter(fields, 0)
}

use crate::route::Route;
use crate::sources::Sources;
use crate::sources::config::Config;

/// The playbook as loaded: config, parts, chapters, teams and their
/// examples, in reading order. Plain data; later stages only read it
/// (routes are filled in once by `routes::assign`).
pub(crate) struct Playbook {
    /// Where every file was read from, and how later stages read more.
    pub sources: Sources,
    pub config: Config,
    /// Folders under `chapters/`; a chapter's `part` indexes this.
    pub parts: Vec<Part>,
    /// Every chapter that is built, in reading order.
    pub chapters: Vec<Chapter>,
    /// Every team with its examples; in a team edition the others stay
    /// loaded so that links to their examples can fall back to the chapter.
    pub teams: Vec<TeamFolder>,
    /// `--team ID`: the team whose edition this is.
    pub edition: Option<String>,
    pub onboarding: Option<Doc>,
    /// Root-relative paths of the drafts this build leaves out, so a link
    /// to one can be told from a link to nowhere.
    pub drafts: Vec<String>,
    /// Files that exist but failed to load (their error is already reported).
    pub broken: Vec<String>,
    /// Root-relative path -> date of its last commit (empty outside git).
    pub history: Arc<crate::sources::git::History>,
}

/// A folder of chapters (`chapters/01-foundations/`), with its `part.toml`.
#[derive(Clone)]
pub(crate) struct Part {
    /// Folder path relative to the root (`chapters/01-foundations`).
    pub dir: String,
    /// Its page (`foundations/index.html`), set by `routes::assign`.
    pub route: Route,
    pub title: String,
    pub description: String,
    pub parent: Option<usize>,
    pub depth: usize,
    pub weight: Option<i64>,
    /// `part.toml` as read (empty without one): part of the dev server's
    /// structure key.
    pub source: Arc<str>,
}

/// A markdown source: its whole text and where the body starts.
#[derive(Clone)]
pub(crate) struct Doc {
    /// Path relative to the root, `/`-separated.
    pub file: String,
    /// Shared, so that `serve` can keep an unchanged file without copying it.
    pub text: Arc<str>,
    /// Modification time and length when read: an unchanged stamp lets a
    /// rebuild reuse the parsed file.
    pub stamp: Option<(SystemTime, u64)>,
    pub body_offset: usize,
    pub title: String,
    pub summary: String,
}

impl Doc {
    /// A source just read from disk.
    pub(crate) fn read(
        file: &str,
        title: &str,
        summary: &str,
        body_offset: usize,
        text: String,
        stamp: Option<(SystemTime, u64)>,
    ) -> Doc {
        Doc {
            file: file.to_string(),
            title: title.to_string(),
            summary: summary.to_string(),
            body_offset,
            text: text.into(),
            stamp,
        }
    }
}

/// One principle: a markdown file below `chapters/` and its front matter.
#[derive(Clone)]
pub(crate) struct Chapter {
    pub doc: Doc,
    pub slug: String,
    pub part: Option<usize>,
    /// Its page, set by `routes::assign`.
    pub route: Route,
    pub meta: ChapterMeta,
}

/// A team, from `teams/<id>/team.toml`.
#[derive(Clone)]
pub(crate) struct Team {
    /// Its folder's name: URL-safe (checked when loaded).
    pub id: String,
    pub name: String,
    pub description: String,
    pub lead: Option<String>,
    pub channel: Option<String>,
    pub weight: Option<i64>,
    /// `[extra]`: free-form data for templates.
    pub extra: Option<tera::Value>,
    /// Its page, set by `routes::assign`.
    pub route: Route,
    /// `team.toml` as read: part of the dev server's structure key.
    pub source: Arc<str>,
}

/// A team folder: the team and its examples, in order.
pub(crate) struct TeamFolder {
    pub team: Team,
    pub examples: Vec<Example>,
}

/// A team's example of living one principle: `teams/<id>/<name>.md`.
#[derive(Clone)]
pub(crate) struct Example {
    pub doc: Doc,
    pub slug: String,
    pub team: String,
    pub meta: ExampleMeta,
}

impl Playbook {
    /// Whether this build shows team `id` (all do, but in a team edition).
    pub(crate) fn shows_team(&self, id: &str) -> bool {
        self.edition.as_ref().is_none_or(|e| e == id)
    }
}

impl Example {
    /// The element id of the example on chapter and team pages.
    pub(crate) fn anchor(&self) -> String {
        format!("ex-{}-{}", self.team, self.slug)
    }
}

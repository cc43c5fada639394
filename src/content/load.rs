//! Reads a playbook root into a `Playbook`: the folder walk, every file's
//! front matter, the reading order, and the checks that need only metadata
//! (duplicate slugs, example-to-chapter references).
//!
//! Files are read and parsed in parallel; problems are collected, never
//! thrown, so one run reports every broken file.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::front_matter;
use super::meta::{self, value_offset};
use super::{Chapter, Doc, Example, Part, Playbook, Team, TeamFolder};
use crate::compile::slug;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::suggest::did_you_mean_owned;
use crate::route;
use crate::sources::Sources;
use crate::sources::config::Config;
use crate::sources::toml_fields::{self, Fields};

pub(crate) const ONBOARDING: &str = "onboarding.md";

#[derive(Clone, Debug, Default)]
pub(crate) struct LoadOptions {
    pub drafts: bool,
    /// Build one team's edition: only its examples appear.
    pub team: Option<String>,
}

/// Sources parsed by an earlier load (the dev server's), by file: a file
/// whose modification time and length are unchanged is not read or parsed
/// again.
#[derive(Default)]
pub(crate) struct Parsed {
    chapters: HashMap<String, Chapter>,
    examples: HashMap<String, Example>,
}

impl Parsed {
    pub(crate) fn of<'a>(
        chapters: impl Iterator<Item = &'a Chapter>,
        examples: impl Iterator<Item = &'a Example>,
    ) -> Parsed {
        Parsed {
            chapters: chapters.map(|c| (c.doc.file.clone(), c.clone())).collect(),
            examples: examples.map(|e| (e.doc.file.clone(), e.clone())).collect(),
        }
    }
}

/// Loads the playbook at `root`, reusing what `earlier` parsed where the
/// file has not changed.
pub(crate) fn load(
    sources: &Sources,
    config: Config,
    opts: &LoadOptions,
    earlier: &Parsed,
) -> (Playbook, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let tree = walk_chapters(sources, &mut diags);
    let parts = load_parts(sources, &tree.dirs, &mut diags);

    let parsed: Vec<_> =
        tree.files.par_iter().map(|file| parse_chapter(sources, file, earlier.chapters.get(file))).collect();
    let mut chapters = Vec::new();
    // Files that exist but could not be read: their own error is reported,
    // and links or references to them are not reported again.
    let mut broken = Vec::new();
    for (file, result) in tree.files.iter().zip(parsed) {
        match result {
            Ok(c) => chapters.push(c),
            Err(mut ds) => {
                diags.append(&mut ds);
                broken.push(file.clone());
            }
        }
    }
    for c in &mut chapters {
        let dir = parent_dir(&c.doc.file);
        c.part = parts.iter().position(|p| p.dir == dir);
    }
    remove_duplicate_slugs(&mut chapters, &mut broken, &mut diags);

    let (parts, mut chapters) = reading_order(parts, chapters);
    let mut drafts = Vec::new();
    if !opts.drafts {
        chapters.retain(|c| {
            if c.meta.draft {
                drafts.push(c.doc.file.clone());
            }
            !c.meta.draft
        });
    }

    let mut teams = load_teams(sources, &earlier.examples, &mut broken, &mut diags);
    attach_examples(&mut teams, &chapters, &drafts, &mut broken, opts, &mut diags);

    let onboarding = if sources.exists(ONBOARDING) {
        match parse_onboarding(sources) {
            Ok(doc) => Some(doc),
            Err(mut ds) => {
                diags.append(&mut ds);
                None
            }
        }
    } else {
        None
    };

    let edition = opts.team.clone();
    let playbook = Playbook {
        sources: sources.clone(),
        config,
        parts,
        chapters,
        teams,
        onboarding,
        drafts,
        broken,
        edition,
        updated: HashMap::new(),
    };
    (playbook, diags)
}

struct ChapterTree {
    /// Part folders, relative to the root, in walk order.
    dirs: Vec<String>,
    files: Vec<String>,
}

fn walk_chapters(sources: &Sources, diags: &mut Vec<Diagnostic>) -> ChapterTree {
    let mut tree = ChapterTree { dirs: Vec::new(), files: Vec::new() };
    if !sources.is_dir("chapters") {
        diags.push(
            Diagnostic::error("no-chapters", "chapters", "the playbook has no `chapters/` folder")
                .with_help("create chapters/ and put one markdown file per chapter in it"),
        );
        return tree;
    }
    // One level more than allowed is walked, to report it.
    for entry in sources.walk("chapters", MAX_PART_DEPTH + 1, diags) {
        if entry.is_dir && entry.depth > MAX_PART_DEPTH {
            diags.push(
                Diagnostic::error("too-deep", &entry.rel, format!("parts nest more than {MAX_PART_DEPTH} deep"))
                    .with_help("flatten the folders under chapters/; readers get lost past two or three levels"),
            );
        } else if entry.is_dir {
            tree.dirs.push(entry.rel);
        } else if entry.rel.ends_with(".md") && entry.depth <= MAX_PART_DEPTH {
            tree.files.push(entry.rel);
        }
    }
    tree
}

/// How deep parts may nest: every page's sidebar and breadcrumbs carry the
/// chain of parts, so a thousand nested folders would make every page huge.
const MAX_PART_DEPTH: usize = 8;

fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_stem(file: &str) -> &str {
    let name = file.rsplit_once('/').map_or(file, |(_, n)| n);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Parts get their title, description and weight from an optional
/// `part.toml`; without one the title comes from the folder name.
fn load_parts(sources: &Sources, dirs: &[String], diags: &mut Vec<Diagnostic>) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    for dir in dirs {
        let parent = parts.iter().position(|p| p.dir == parent_dir(dir));
        let name = dir.rsplit_once('/').map_or(dir.as_str(), |(_, n)| n);
        let slug = slug::from_file_stem(name);
        let mut part = Part {
            dir: dir.clone(),
            route: route::home(),
            title: slug::title_from_slug(&slug),
            description: String::new(),
            parent,
            depth: parent.map_or(0, |i| parts[i].depth + 1),
            weight: None,
            source: Arc::from(""),
        };
        let toml_file = format!("{dir}/part.toml");
        if sources.exists(&toml_file) {
            match sources.read_text(&toml_file) {
                Ok(text) => {
                    part.source = Arc::from(text.as_str());
                    if let Some(table) = toml_fields::parse(&toml_file, &text, 0..text.len(), diags) {
                        let mut f = Fields { file: &toml_file, text: &text, base: 0, table: &table, diags };
                        f.deny_unknown(&["title", "description", "weight"], "part.toml");
                        if let Some(t) = f.string("title") {
                            part.title = t;
                        }
                        part.description = f.string("description").unwrap_or_default();
                        part.weight = f.integer("weight");
                    }
                }
                Err(d) => diags.push(d),
            }
        }
        parts.push(part);
    }
    parts
}

/// Reads a markdown source and hands its front matter to `schema`; returns
/// the text, where the body starts and what `schema` made of it, or every
/// problem found.
fn parse_source<T>(
    sources: &Sources,
    file: &str,
    schema: impl FnOnce(&mut Fields<'_, '_>) -> Option<T>,
) -> Result<(String, usize, T), Vec<Diagnostic>> {
    let text = sources.read_text(file).map_err(|d| vec![d])?;
    let split = front_matter::split(file, &text).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let value = {
        let Some(table) = toml_fields::parse(file, &text, split.toml.clone(), &mut diags) else { return Err(diags) };
        schema(&mut Fields { file, text: &text, base: split.toml.start, table: &table, diags: &mut diags })
    };
    match value {
        Some(value) if diags.is_empty() => Ok((text, split.body, value)),
        _ => Err(diags),
    }
}

/// Whether a file's modification time and length are those of its earlier
/// parse (the dev server's rebuilds then skip reading it).
fn unchanged(earlier: &Doc, stamp: Option<(std::time::SystemTime, u64)>) -> bool {
    stamp.is_some() && earlier.stamp == stamp
}

fn parse_chapter(sources: &Sources, file: &str, earlier: Option<&Chapter>) -> Result<Chapter, Vec<Diagnostic>> {
    let stamp = sources.stamp(file);
    if let Some(c) = earlier.filter(|c| unchanged(&c.doc, stamp)) {
        return Ok(c.clone());
    }
    let (text, body_offset, meta) = parse_source(sources, file, |f| meta::chapter(f, 0))?;
    Ok(Chapter {
        doc: Doc::read(file, &meta.title, &meta.summary, body_offset, text, stamp),
        slug: slug::from_file_stem(file_stem(file)),
        part: None,
        route: route::home(),
        meta,
    })
}

/// Reports every chapter whose slug an earlier file (by path) already has,
/// and drops it so that nothing downstream reports the clash again.
fn remove_duplicate_slugs(chapters: &mut Vec<Chapter>, broken: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    chapters.sort_by(|a, b| a.doc.file.cmp(&b.doc.file));
    let mut first_of: HashMap<String, String> = HashMap::new();
    chapters.retain(|c| {
        let Some(first) = first_of.get(&c.slug) else {
            first_of.insert(c.slug.clone(), c.doc.file.clone());
            return true;
        };
        diags.push(
            Diagnostic::error(
                "duplicate-slug",
                &c.doc.file,
                format!("duplicate slug `{}`: `{first}` already uses it", c.slug),
            )
            .at_offset(&c.doc.text, 0)
            .with_help("chapter slugs come from file names without their leading digits; rename one of the files"),
        );
        broken.push(c.doc.file.clone());
        false
    });
}

/// Sorts each folder's chapters and sub-parts by weight, then file name, and
/// flattens the tree depth-first: the order of the sidebar and of prev/next.
fn reading_order(parts: Vec<Part>, chapters: Vec<Chapter>) -> (Vec<Part>, Vec<Chapter>) {
    #[derive(Clone, Copy)]
    enum Node {
        Chapter(usize),
        Part(usize),
    }
    let root_dir = "chapters";
    // Folder -> its entries with their weight and path, the sort keys.
    type Entries<'a> = Vec<(Option<i64>, &'a str, Node)>;
    let mut children: HashMap<&str, Entries<'_>> = HashMap::new();
    for (i, c) in chapters.iter().enumerate() {
        let dir = parent_dir(&c.doc.file);
        children.entry(dir).or_default().push((c.meta.weight, &c.doc.file, Node::Chapter(i)));
    }
    for (i, p) in parts.iter().enumerate() {
        children.entry(parent_dir(&p.dir)).or_default().push((p.weight, &p.dir, Node::Part(i)));
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| by_weight(a.0, b.0).then_with(|| a.1.cmp(b.1)));
    }

    let mut part_order = Vec::new();
    let mut chapter_order = Vec::new();
    let mut stack: Vec<Node> = Vec::new();
    let push_children = |dir: &str, stack: &mut Vec<Node>| {
        if let Some(list) = children.get(dir) {
            stack.extend(list.iter().rev().map(|e| e.2));
        }
    };
    push_children(root_dir, &mut stack);
    while let Some(node) = stack.pop() {
        match node {
            Node::Chapter(i) => chapter_order.push(i),
            Node::Part(i) => {
                part_order.push(i);
                push_children(&parts[i].dir, &mut stack);
            }
        }
    }

    let mut new_index = vec![usize::MAX; parts.len()];
    for (new, &old) in part_order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut parts: Vec<Option<Part>> = parts.into_iter().map(Some).collect();
    let parts: Vec<Part> = part_order
        .iter()
        .filter_map(|&i| parts[i].take())
        .map(|mut p| {
            p.parent = p.parent.map(|i| new_index[i]);
            p
        })
        .collect();
    let mut chapters: Vec<Option<Chapter>> = chapters.into_iter().map(Some).collect();
    let chapters = chapter_order
        .iter()
        .filter_map(|&i| chapters[i].take())
        .map(|mut c| {
            c.part = c.part.map(|i| new_index[i]);
            c
        })
        .collect();
    (parts, chapters)
}

/// Weighted entries first, by weight; unweighted ones after, by name.
fn by_weight(a: Option<i64>, b: Option<i64>) -> Ordering {
    a.unwrap_or(i64::MAX).cmp(&b.unwrap_or(i64::MAX))
}

fn load_teams(
    sources: &Sources,
    earlier: &HashMap<String, Example>,
    broken: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<TeamFolder> {
    if !sources.is_dir("teams") {
        return Vec::new();
    }
    let mut team_dirs = Vec::new();
    let mut example_files = Vec::new();
    for entry in sources.walk("teams", 2, diags) {
        match (entry.depth, entry.is_dir) {
            (1, true) => team_dirs.push(entry.rel),
            (2, false) if entry.rel.ends_with(".md") => example_files.push(entry.rel),
            _ => {}
        }
    }

    let mut teams: Vec<TeamFolder> = team_dirs
        .iter()
        .filter_map(|d| parse_team(sources, d, diags))
        .map(|team| TeamFolder { team, examples: Vec::new() })
        .collect();
    let parsed: Vec<_> = example_files.par_iter().map(|f| parse_example(sources, f, earlier.get(f))).collect();
    for (file, result) in example_files.iter().zip(parsed) {
        match result {
            Ok(ex) => {
                if let Some(team) = teams.iter_mut().find(|t| t.team.id == ex.team) {
                    team.examples.push(ex);
                }
            }
            Err(mut ds) => {
                diags.append(&mut ds);
                broken.push(file.clone());
            }
        }
    }
    teams.sort_by(|a, b| by_weight(a.team.weight, b.team.weight).then_with(|| a.team.id.cmp(&b.team.id)));
    for team in &mut teams {
        team.examples.sort_by(|a, b| by_weight(a.meta.weight, b.meta.weight).then_with(|| a.doc.file.cmp(&b.doc.file)));
    }
    teams
}

fn parse_team(sources: &Sources, dir: &str, diags: &mut Vec<Diagnostic>) -> Option<Team> {
    let id = dir.rsplit_once('/').map_or(dir, |(_, n)| n).to_string();
    if let Some(bad) = id.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')) {
        diags.push(
            Diagnostic::error(
                "bad-team-id",
                dir,
                format!("the team folder `{id}` holds {bad:?}; a team id is its URL and an anchor"),
            )
            .with_help(format!(
                "rename the folder with lowercase letters, digits, `-` and `_` only, e.g. `{}`",
                slug::slugify(&id)
            )),
        );
        return None;
    }
    let file = format!("{dir}/team.toml");
    if !sources.exists(&file) {
        diags.push(
            Diagnostic::error("missing-team-toml", dir, "a team folder needs a `team.toml`")
                .with_help("add team.toml with at least: name = \"...\""),
        );
        return None;
    }
    let text = sources.read_text(&file).map_err(|d| diags.push(d)).ok()?;
    let table = toml_fields::parse(&file, &text, 0..text.len(), diags)?;
    let before = diags.len();
    let mut f = Fields { file: &file, text: &text, base: 0, table: &table, diags };
    let meta = meta::team(&mut f)?;
    if diags.len() > before {
        return None;
    }
    Some(Team {
        id,
        weight: meta.weight,
        name: meta.name,
        description: meta.description,
        lead: meta.lead,
        channel: meta.channel,
        extra: meta.extra,
        route: route::home(),
        source: Arc::from(text.as_str()),
    })
}

fn parse_example(sources: &Sources, file: &str, earlier: Option<&Example>) -> Result<Example, Vec<Diagnostic>> {
    let stamp = sources.stamp(file);
    if let Some(ex) = earlier.filter(|ex| unchanged(&ex.doc, stamp)) {
        return Ok(ex.clone());
    }
    let (text, body_offset, (meta, chapter_at)) = parse_source(sources, file, |f| {
        let at = f.base + value_offset(f.table, "chapter").unwrap_or(0);
        meta::example(f, 0).map(|m| (m, at))
    })?;
    Ok(Example {
        doc: Doc::read(file, &meta.title, &meta.summary, body_offset, text, stamp),
        slug: slug::from_file_stem(file_stem(file)),
        team: parent_dir(file).rsplit_once('/').map_or("", |(_, t)| t).to_string(),
        meta,
        chapter_at,
    })
}

/// Checks every example's `chapter` and drops the ones no build would show.
fn attach_examples(
    teams: &mut [TeamFolder],
    chapters: &[Chapter],
    drafts: &[String],
    broken: &mut Vec<String>,
    opts: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) {
    let slugs: HashMap<&str, usize> = chapters.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i)).collect();
    let draft_slugs: HashSet<String> = drafts.iter().map(|f| slug::from_file_stem(file_stem(f))).collect();
    let broken_slugs: HashSet<String> =
        broken.iter().filter(|f| f.starts_with("chapters/")).map(|f| slug::from_file_stem(file_stem(f))).collect();
    let mut newly_broken = Vec::new();
    // Each suggestion compares with every chapter slug; past this many, the
    // help lists the first chapters instead.
    let mut suggestions_left = 200usize;
    for team in teams.iter_mut() {
        team.examples.retain(|ex| {
            if ex.meta.draft && !opts.drafts {
                return false;
            }
            if slugs.contains_key(ex.meta.chapter.as_str()) {
                return true;
            }
            let wanted = &ex.meta.chapter;
            if broken_slugs.contains(wanted) {
                // Its chapter failed to load: that error is reported, and
                // links to this example should not be reported again.
                newly_broken.push(ex.doc.file.clone());
                return false;
            }
            if draft_slugs.contains(wanted) {
                diags.push(
                    Diagnostic::warning(
                        "example-of-draft",
                        &ex.doc.file,
                        format!("chapter `{wanted}` is a draft, so this example is left out of the build"),
                    )
                    .at_offset(&ex.doc.text, ex.chapter_at)
                    .with_help("build with --drafts to include both"),
                );
                return false;
            }
            let mut d =
                Diagnostic::error("unknown-chapter", &ex.doc.file, format!("no chapter has the slug `{wanted}`"))
                    .at_offset(&ex.doc.text, ex.chapter_at);
            let best = suggestions_left.checked_sub(1).and_then(|left| {
                suggestions_left = left;
                did_you_mean_owned(wanted, slugs.keys().copied())
            });
            d = match best {
                Some(best) => d.with_help(format!("did you mean `{best}`?")),
                None => {
                    let mut list: Vec<&str> = chapters.iter().take(12).map(|c| c.slug.as_str()).collect();
                    if chapters.len() > 12 {
                        list.push("...");
                    }
                    d.with_help(format!("chapters are: {}", list.join(", ")))
                }
            };
            diags.push(d);
            false
        });
    }
    broken.append(&mut newly_broken);
    if let Some(id) = &opts.team
        && !teams.iter().any(|t| &t.team.id == id)
    {
        let names: Vec<&str> = teams.iter().map(|t| t.team.id.as_str()).collect();
        diags.push(
            Diagnostic::error("unknown-team", "teams", format!("no team `{id}` (for --team)"))
                .with_help(format!("teams are: {}", names.join(", "))),
        );
    }
}

fn parse_onboarding(sources: &Sources) -> Result<Doc, Vec<Diagnostic>> {
    let (text, body_offset, (title, summary)) = parse_source(sources, ONBOARDING, |f| {
        f.deny_unknown(&["title", "summary"], "onboarding front matter");
        let title = f.required_string("title", 0);
        let summary = f.string("summary").unwrap_or_default();
        title.map(|t| (t, summary))
    })?;
    Ok(Doc { file: ONBOARDING.to_string(), title, summary, body_offset, text: text.into(), stamp: None })
}

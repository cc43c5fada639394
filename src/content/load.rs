//! Reads a playbook root into a `Playbook`: the folder walk, every file's
//! front matter, the reading order, and the checks that need only metadata
//! (duplicate slugs, example-to-chapter references).
//!
//! Files are read and parsed in parallel; problems are collected, never
//! thrown, so one run reports every broken file.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::front_matter;
use super::meta;
use super::read::{by_weight, file_stem, parent_dir, parse_source, parse_text, unchanged};
use super::{Chapter, Doc, Example, LoadOptions, Part, Playbook};
use crate::compile::slug;
use crate::diagnostics::Diagnostic;
use crate::route;
use crate::sources::Sources;
use crate::sources::config::Config;
use crate::sources::toml_fields::{self, Fields};

pub(crate) const ONBOARDING: &str = "onboarding.md";

/// Sources parsed by an earlier load (the dev server's), by file: a file
/// whose modification time and length are unchanged is not read or parsed
/// again.
/// Borrowed from the earlier site: a record is copied only when reused.
#[derive(Default)]
pub(crate) struct Parsed<'a> {
    chapters: HashMap<&'a str, &'a Chapter>,
    pub(super) examples: HashMap<&'a str, &'a Example>,
}

impl<'a> Parsed<'a> {
    pub(crate) fn of(
        chapters: impl Iterator<Item = &'a Chapter>,
        examples: impl Iterator<Item = &'a Example>,
    ) -> Parsed<'a> {
        Parsed {
            chapters: chapters.map(|c| (c.doc.file.as_str(), c)).collect(),
            examples: examples.map(|e| (e.doc.file.as_str(), e)).collect(),
        }
    }
}

/// Loads the playbook at `root`, reusing what `earlier` parsed where the
/// file has not changed.
pub(crate) fn load(
    sources: &Sources,
    config: Config,
    opts: &LoadOptions,
    earlier: &Parsed<'_>,
) -> (Playbook, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let tree = walk_chapters(sources, &mut diags);
    let parts = load_parts(sources, &tree.dirs, &mut diags);

    let parsed: Vec<_> = tree
        .files
        .par_iter()
        .map(|file| parse_chapter(sources, file, earlier.chapters.get(file.as_str()).copied()))
        .collect();
    let mut chapters = Vec::new();
    // Files that exist but could not be read: their own error is reported,
    // and links or references to them are not reported again.
    let mut broken = Vec::new();
    for (file, result) in tree.files.iter().zip(parsed) {
        match result {
            Ok((c, mut problems)) => {
                diags.append(&mut problems);
                chapters.push(c);
            }
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

    let mut teams = super::teams::load_teams(sources, &earlier.examples, &mut broken, &mut diags);
    super::teams::attach_examples(&mut teams, &chapters, &drafts, &mut broken, opts, &mut diags);

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
        history: Default::default(),
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

/// A chapter and the problems its front matter has that still let its
/// body be checked.
fn parse_chapter(
    sources: &Sources,
    file: &str,
    earlier: Option<&Chapter>,
) -> Result<(Chapter, Vec<Diagnostic>), Vec<Diagnostic>> {
    let stamp = sources.stamp(file);
    if let Some(c) = earlier.filter(|c| unchanged(&c.doc, stamp)) {
        return Ok((c.clone(), Vec::new()));
    }
    let text = sources.read_text(file).map_err(|d| vec![d])?;
    let slug = slug::from_file_stem(file_stem(file));
    let (meta, body, text, problems) = if front_matter::has_front_matter(&text) {
        let read = parse_text(file, text, |f| meta::chapter(f, 0))?;
        (read.value, read.body, read.text, read.problems)
    } else {
        // No front matter (markdown brought from elsewhere): the title is
        // the leading `# H1`, else the file's name; every other key takes
        // its default.
        let (title, body) = front_matter::leading_h1(&text).unwrap_or_else(|| (slug::title_from_slug(&slug), 0));
        (meta::ChapterMeta { title, ..Default::default() }, body, text, Vec::new())
    };
    let chapter = Chapter {
        doc: Doc::read(file, &meta.title, &meta.summary, body, text, stamp),
        slug,
        part: None,
        route: route::home(),
        meta,
    };
    Ok((chapter, problems))
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

fn parse_onboarding(sources: &Sources) -> Result<Doc, Vec<Diagnostic>> {
    let read = parse_source(sources, ONBOARDING, |f| {
        f.deny_unknown(&["title", "summary"], "onboarding front matter");
        let title = f.required_string("title", 0);
        let summary = f.string("summary").unwrap_or_default();
        title.map(|t| (t, summary))
    })?;
    if !read.problems.is_empty() {
        return Err(read.problems);
    }
    let (title, summary) = read.value;
    Ok(Doc {
        file: ONBOARDING.to_string(),
        title,
        summary,
        body_offset: read.body,
        text: read.text.into(),
        stamp: None,
    })
}

#[cfg(test)]
mod tests {
    use crate::compile::fixture;

    fn chapter(title: &str, weight: Option<i64>) -> String {
        let weight = weight.map(|w| format!("weight = {w}\n")).unwrap_or_default();
        format!("+++\ntitle = \"{title}\"\n{weight}+++\nBody.\n")
    }

    #[test]
    fn reading_order_is_weight_then_name_depth_first() {
        let dir = fixture::write(&[
            ("playbook.toml", "title = \"T\"\n"),
            ("chapters/b.md", &chapter("B", None)),
            ("chapters/a.md", &chapter("A", None)),
            ("chapters/z.md", &chapter("Z", Some(1))),
            ("chapters/part/part.toml", "title = \"Part\"\nweight = 2\n"),
            ("chapters/part/y.md", &chapter("Y", None)),
            ("chapters/part/x.md", &chapter("X", Some(5))),
            ("chapters/part/inner/w.md", &chapter("W", None)),
        ]);
        let site = fixture::site(dir.path());
        let titles: Vec<&str> = site.chapters.iter().map(|c| c.chapter.meta.title.as_str()).collect();
        // Weighted first (z = 1, part = 2), then by name; inside the part:
        // x is weighted (5), then the sub-part `inner` and `y` by name.
        assert_eq!(titles, ["Z", "X", "W", "Y", "A", "B"]);
        let dirs: Vec<&str> = site.parts.iter().map(|p| p.dir.as_str()).collect();
        assert_eq!(dirs, ["chapters/part", "chapters/part/inner"]);
        let inner = site.chapters.iter().find(|c| c.chapter.meta.title == "W").unwrap();
        assert_eq!(inner.chapter.part, Some(1), "a chapter points at its part's new index");
        assert_eq!(site.parts[1].parent, Some(0));
    }
}

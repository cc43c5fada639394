//! The team folders: each `team.toml`, its examples, and which chapter each
//! example shows on (checked once every chapter is known).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::LoadOptions;
use super::meta;
use super::read::{by_weight, file_stem, parent_dir, parse_source, unchanged};
use super::{Chapter, Doc, Example, Team, TeamFolder};
use crate::compile::slug;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::suggest::did_you_mean_owned;
use crate::route;
use crate::sources::Sources;
use crate::sources::toml_fields::{self, Fields};

pub(super) fn load_teams(
    sources: &Sources,
    earlier: &HashMap<&str, &Example>,
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
    let parsed: Vec<_> =
        example_files.par_iter().map(|f| parse_example(sources, f, earlier.get(f.as_str()).copied())).collect();
    for (file, result) in example_files.iter().zip(parsed) {
        match result {
            Ok((ex, mut problems)) => {
                diags.append(&mut problems);
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

/// An example and the problems its front matter has that still let its
/// body be checked.
fn parse_example(
    sources: &Sources,
    file: &str,
    earlier: Option<&Example>,
) -> Result<(Example, Vec<Diagnostic>), Vec<Diagnostic>> {
    let stamp = sources.stamp(file);
    if let Some(ex) = earlier.filter(|ex| unchanged(&ex.doc, stamp)) {
        return Ok((ex.clone(), Vec::new()));
    }
    let read = parse_source(sources, file, |f| meta::example(f, 0))?;
    let meta = read.value;
    let example = Example {
        doc: Doc::read(file, &meta.title, &meta.summary, read.body, read.text, stamp),
        slug: slug::from_file_stem(file_stem(file)),
        team: parent_dir(file).rsplit_once('/').map_or("", |(_, t)| t).to_string(),
        meta,
    };
    Ok((example, read.problems))
}

/// Checks every example's `chapter` and drops the ones no build would show.
pub(super) fn attach_examples(
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
                    .at_offset(&ex.doc.text, ex.meta.keys.value("chapter"))
                    .with_help("build with --drafts to include both"),
                );
                return false;
            }
            let mut d =
                Diagnostic::error("unknown-chapter", &ex.doc.file, format!("no chapter has the slug `{wanted}`"))
                    .at_offset(&ex.doc.text, ex.meta.keys.value("chapter"));
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
            newly_broken.push(ex.doc.file.clone());
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

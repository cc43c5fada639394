//! Warnings for `playbook check` that never stop a build: reviews that are
//! due, chapters nobody owns or that lack a summary, examples no build shows.
//! Each points at the front-matter line to edit.

use crate::compile::site::Site;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::sources::Sources;

pub(crate) fn warnings(site: &Site, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in site.chapters.iter().map(|c| &c.chapter) {
        let text = &c.doc.text;
        if let (Some(reviewed), Some(days)) = (c.meta.reviewed, site.config.review_after_days) {
            let age = today.days() - reviewed.days();
            if age > days {
                out.push(
                    Diagnostic::warning(
                        "stale-review",
                        &c.doc.file,
                        format!("last reviewed {reviewed}, {age} days ago (review_after_days = {days})"),
                    )
                    .at_offset(text, c.meta.keys.key("reviewed"))
                    .with_help(format!("review the chapter, then set reviewed = {today}")),
                );
            }
        }
        if c.meta.owners.is_empty() {
            let at = c.meta.keys.key("owners");
            out.push(
                Diagnostic::warning("no-owners", &c.doc.file, "the chapter has no owners")
                    .at_offset(text, at)
                    .with_help("name who keeps it true: owners = [\"your.name\"]"),
            );
        }
        if c.meta.summary.trim().is_empty() {
            let at = c.meta.keys.key("summary");
            out.push(
                Diagnostic::warning("no-summary", &c.doc.file, "the chapter has no summary")
                    .at_offset(text, at)
                    .with_help("add one line for cards and search: summary = \"...\""),
            );
        }
    }
    out.extend(unshown_examples(&site.sources));
    // "/" is the default: a playbook not yet given a home. Any other path
    // says where it is published, so the missing sitemap is worth a word.
    if let Some(why) = crate::render::sitemap::left_out(site)
        && site.config.base_url != "/"
    {
        let d = Diagnostic::warning("no-sitemap", crate::sources::config::FILE, why)
            .with_help("set base_url to the full address, such as \"https://handbook.example.com/handbook/\"");
        out.push(site.config.at_key(d, "base_url"));
    }
    out
}

/// Markdown files under `teams/` that are not in a team folder, so no page
/// can show them.
fn unshown_examples(sources: &Sources) -> Vec<Diagnostic> {
    if !sources.is_dir("teams") {
        return Vec::new();
    }
    // Problems of the walk itself were reported when the playbook loaded.
    let mut already = Vec::new();
    sources
        .walk("teams", usize::MAX, &mut already)
        .into_iter()
        .filter(|e| !e.is_dir && e.depth != 2 && e.rel.ends_with(".md"))
        .map(|e| {
            Diagnostic::warning("example-not-shown", e.rel, "no page shows this file")
                .with_help("team examples go directly in teams/<team-id>/, next to team.toml")
        })
        .collect()
}

//! Warnings for `playbook check` that never stop a build: reviews that are
//! due, chapters nobody owns or that lack a summary, examples no build shows.
//! Each points at the front-matter line to edit.

use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::site::Site;
use crate::toml_fields::Date;

pub(crate) fn warnings(site: &Site, today: Date) -> Vec<Diagnostic> {
    let book = &site.book;
    let mut out = Vec::new();
    for c in &book.chapters {
        let text = &c.doc.text;
        if let (Some(reviewed), Some(days)) = (c.meta.reviewed, book.config.review_after_days) {
            let age = today.days() - reviewed.days();
            if age > days {
                out.push(
                    Diagnostic::warning(
                        "stale-review",
                        &c.doc.file,
                        format!("last reviewed {reviewed}, {age} days ago (review_after_days = {days})"),
                    )
                    .at_offset(text, key_offset(text, "reviewed"))
                    .with_help(format!("review the chapter, then set reviewed = {today}")),
                );
            }
        }
        if c.meta.owners.is_empty() {
            let at = key_offset(text, "owners");
            out.push(
                Diagnostic::warning("no-owners", &c.doc.file, "the chapter has no owners")
                    .at_offset(text, at)
                    .with_help("name who keeps it true: owners = [\"your.name\"]"),
            );
        }
        if c.meta.summary.trim().is_empty() {
            let at = key_offset(text, "summary");
            out.push(
                Diagnostic::warning("no-summary", &c.doc.file, "the chapter has no summary")
                    .at_offset(text, at)
                    .with_help("add one line for cards and search: summary = \"...\""),
            );
        }
    }
    out.extend(unshown_examples(&book.root));
    out
}

/// Byte offset of `key = ` in a file's front matter, else of the first line.
fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i > 0 && line.trim_end() == "+++" {
            break;
        }
        let rest = line.trim_start();
        if let Some(after) = rest.strip_prefix(key)
            && after.trim_start().starts_with('=')
        {
            return offset + (line.len() - rest.len());
        }
        offset += line.len();
    }
    0
}

/// Markdown files under `teams/` that are not in a team folder, so no page
/// can show them.
fn unshown_examples(root: &Path) -> Vec<Diagnostic> {
    let teams = root.join("teams");
    let mut out = Vec::new();
    for entry in WalkDir::new(&teams).min_depth(1).into_iter().flatten() {
        let depth = entry.depth();
        let is_md = entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md");
        if is_md && depth != 2 {
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            out.push(
                Diagnostic::warning("example-not-shown", rel, "no page shows this file")
                    .with_help("team examples go directly in teams/<team-id>/, next to team.toml"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_a_front_matter_key() {
        let text = "+++\ntitle = \"A\"\n  owners = []\n+++\nowners = x\n";
        assert_eq!(key_offset(text, "owners"), 18);
        assert_eq!(key_offset(text, "summary"), 0);
    }
}

//! `playbook new chapter|example`: a new source file with its front matter
//! filled in, next in order, never overwriting anything.

use std::path::Path;

use super::{Failure, display_root};
use crate::cli::NewCommand;
use crate::compile;
use crate::compile::slug;
use crate::content::{self, LoadOptions, Playbook};
use crate::date::Date;
use crate::diagnostics::display_path;
use crate::diagnostics::suggest::did_you_mean_owned;
use crate::sources::Sources;
use crate::sources::config;

pub(crate) fn run(cmd: &NewCommand) -> Result<(), Failure> {
    let (root_arg, title) = match cmd {
        NewCommand::Chapter { root, title, .. } | NewCommand::Example { root, title, .. } => (root, title),
    };
    let root = compile::find_root(root_arg.root.as_deref()).map_err(Failure::Usage)?;
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(Failure::Usage(format!("the title `{title}` has no letters or digits to make a slug from")));
    }
    // Problems elsewhere in the playbook do not stop a new file.
    let sources = Sources::open(&root).map_err(Failure::Usage)?;
    let cfg = config::load(&sources)
        .map_err(|_| Failure::Usage(format!("{} does not load; run playbook check", config::FILE)))?;
    let (book, _) =
        content::load(&sources, cfg, &LoadOptions { drafts: true, team: None }, &content::Parsed::default());
    let today = Date::today();
    let (rel, text) = match cmd {
        NewCommand::Chapter { part, .. } => new_chapter(&root, &book, part.as_deref(), title, &slug, today)?,
        NewCommand::Example { team, chapter, .. } => new_example(&book, team, chapter, title, &slug, today)?,
    };
    crate::cmd::scaffold::write(&root, &rel, text.as_bytes(), true)?;
    println!("{}", crate::diagnostics::clean(&display_path(&display_root(&root), &rel)));
    Ok(())
}

fn new_chapter(
    root: &Path,
    book: &Playbook,
    part: Option<&str>,
    title: &str,
    slug: &str,
    today: Date,
) -> Result<(String, String), Failure> {
    let dir = match part {
        None => "chapters".to_string(),
        Some(wanted) => {
            let lower = wanted.to_lowercase();
            let found = book.parts.iter().find(|p| {
                let name = p.dir.rsplit('/').next().unwrap_or("");
                name == wanted || slug::from_file_stem(name) == wanted || p.title.to_lowercase() == lower
            });
            match found {
                Some(p) => p.dir.clone(),
                None => {
                    let names: Vec<String> = book.parts.iter().map(|p| format!("{} ({})", p.title, p.dir)).collect();
                    return Err(Failure::Usage(format!("no part `{wanted}`; parts are: {}", names.join(", "))));
                }
            }
        }
    };
    if let Some(existing) = book.chapters.iter().find(|c| c.slug == slug) {
        return Err(Failure::Usage(format!("a chapter with the slug `{slug}` exists: {}", existing.doc.file)));
    }
    let (number, width) = next_number(&root.join(&dir));
    let weight = book
        .chapters
        .iter()
        .filter(|c| c.doc.file.rsplit_once('/').map(|(d, _)| d) == Some(dir.as_str()))
        .filter_map(|c| c.meta.weight)
        .max()
        .unwrap_or(0)
        + 10;
    let rel = format!("{dir}/{number:0width$}-{slug}.md");
    let text = format!(
        "+++\ntitle = {}\nsummary = \"\"\n# The principle card: what to do, what not to do, why it matters.\n\
         # do = \"\"\n# dont = \"\"\n# why = \"\"\nweight = {weight}\nowners = []\nreviewed = {today}\ntags = []\n+++\n\n\
         Open with the situation this chapter is for, then give the practice.\n",
        toml_string(title)
    );
    Ok((rel, text))
}

fn new_example(
    book: &Playbook,
    team: &str,
    chapter: &str,
    title: &str,
    slug: &str,
    today: Date,
) -> Result<(String, String), Failure> {
    let Some(t) = book.teams.iter().find(|t| t.team.id == team) else {
        let ids: Vec<&str> = book.teams.iter().map(|t| t.team.id.as_str()).collect();
        return Err(Failure::Usage(format!(
            "no team `{team}` (teams/{team}/team.toml); teams are: {}",
            ids.join(", ")
        )));
    };
    if !book.chapters.iter().any(|c| c.slug == chapter) {
        let hint = match did_you_mean_owned(chapter, book.chapters.iter().map(|c| c.slug.as_str())) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "chapters are: {}",
                book.chapters.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>().join(", ")
            ),
        };
        return Err(Failure::Usage(format!("no chapter has the slug `{chapter}`; {hint}")));
    }
    let weight = t.examples.iter().filter_map(|e| e.meta.weight).max().unwrap_or(0) + 10;
    let rel = format!("teams/{team}/{slug}.md");
    let text = format!(
        "+++\ntitle = {}\nchapter = {}\nauthor = \"\"\ndate = {today}\nweight = {weight}\ntags = []\n+++\n\n\
         What was the situation, and what was at stake for the business?\n\n## What we did\n\n\n\
         ## The business result\n\n\n## What we would do differently\n\n",
        toml_string(title),
        toml_string(chapter)
    );
    Ok((rel, text))
}

/// The next order number in a folder, and the digit width it uses.
fn next_number(dir: &Path) -> (u64, usize) {
    let mut max = 0;
    let mut width = 2;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                max = max.max(n);
                width = width.max(digits.len());
            }
        }
    }
    (max + 1, width)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

//! `playbook new chapter|example|team`: a new source file with its front
//! matter filled in, last in its folder's order, never overwriting anything.

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
    let root_arg = match cmd {
        NewCommand::Chapter { root, .. } | NewCommand::Example { root, .. } | NewCommand::Team { root, .. } => root,
    };
    let root = compile::find_root(root_arg.root.as_deref()).map_err(Failure::Usage)?;
    let (rel, text) = match cmd {
        NewCommand::Chapter { part, title, .. } => {
            let (book, slug) = load(&root, title)?;
            new_chapter(&root, &book, part.as_deref(), title, &slug, Date::today())?
        }
        NewCommand::Example { team, chapter, title, .. } => {
            let (book, slug) = load(&root, title)?;
            new_example(&book, team, chapter, title, &slug, Date::today())?
        }
        NewCommand::Team { id, name, .. } => new_team(id, name.as_deref())?,
    };
    crate::cmd::scaffold::write(&root, &rel, text.as_bytes(), true)?;
    println!("{}", crate::diagnostics::clean(&shown_path(&root, &rel)));
    Ok(())
}

/// The new file's path as the author would type it from where they are: a
/// root found above the current folder is absolute, and
/// `/home/me/handbook/chapters/01-x/04-y.md` is noise inside `01-x/`.
fn shown_path(root: &Path, rel: &str) -> String {
    if root.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(below) = root.join(rel).strip_prefix(&cwd)
    {
        return below.display().to_string();
    }
    display_path(&display_root(root), rel)
}

/// The playbook as it is (problems elsewhere do not stop a new file), and
/// the slug `title` makes.
fn load(root: &Path, title: &str) -> Result<(Playbook, String), Failure> {
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(Failure::Usage(format!("the title `{title}` has no letters or digits to make a slug from")));
    }
    let sources = Sources::open(root).map_err(Failure::Usage)?;
    let cfg = config::load(&sources)
        .map_err(|_| Failure::Usage(format!("{} does not load; run playbook check", config::FILE)))?;
    let (book, _) =
        content::load(&sources, cfg, &LoadOptions { drafts: true, team: None }, &content::Parsed::default());
    Ok((book, slug))
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
        None => part_of_cwd(root, book).unwrap_or_else(|| "chapters".to_string()),
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
    let rel = format!("{dir}/{}-{slug}.md", next_number(&root.join(&dir)));
    // Last in its folder: the reading order puts weighted entries first (by
    // weight), then the rest by name. With any unweighted neighbour, the new
    // file goes unweighted and its number sorts it after them; when every
    // neighbour is weighted, it takes the next weight.
    let neighbours = folder_weights(book, &dir);
    let weight = match neighbours.iter().copied().collect::<Option<Vec<i64>>>() {
        Some(weights) if !weights.is_empty() => {
            format!("weight = {}\n", weights.iter().max().copied().unwrap_or(0).saturating_add(10))
        }
        _ => String::new(),
    };
    let text = format!(
        "+++\ntitle = {}\nsummary = \"\"\n# The principle card: what to do, what not to do, why it matters.\n\
         # do = \"\"\n# dont = \"\"\n# why = \"\"\n{weight}owners = []\nreviewed = {today}\ntags = []\n+++\n\n\
         Open with the situation this chapter is for, then give the practice.\n",
        toml_string(title)
    );
    Ok((rel, text))
}

/// The weights of everything the reading order sorts in folder `dir`: its
/// chapters and its sub-parts (`None`: no weight).
fn folder_weights(book: &Playbook, dir: &str) -> Vec<Option<i64>> {
    let parent = |path: &str| path.rsplit_once('/').map(|(d, _)| d.to_string());
    let chapters = book.chapters.iter().filter(|c| parent(&c.doc.file).as_deref() == Some(dir)).map(|c| c.meta.weight);
    let parts = book.parts.iter().filter(|p| parent(&p.dir).as_deref() == Some(dir)).map(|p| p.weight);
    chapters.chain(parts).collect()
}

/// The part folder the command runs in (`chapters/01-the-shift`), when the
/// current folder is one inside `root`.
fn part_of_cwd(root: &Path, book: &Playbook) -> Option<String> {
    let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = cwd.strip_prefix(&root).ok()?;
    let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let rel = rel.join("/");
    book.parts.iter().find(|p| p.dir == rel).map(|p| p.dir.clone())
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
        "+++\ntitle = {}\nchapter = {}\n# author = \"Your Name\"\ndate = {today}\nweight = {weight}\ntags = []\n+++\n\n\
         What was the situation, and what was at stake for the business?\n\n## What we did\n\n\n\
         ## The business result\n\n\n## What we would do differently\n\n",
        toml_string(title),
        toml_string(chapter)
    );
    Ok((rel, text))
}

fn new_team(id: &str, name: Option<&str>) -> Result<(String, String), Failure> {
    if id.is_empty() || slug::slugify(id) != id {
        return Err(Failure::Usage(format!(
            "the team id `{}` must be lowercase letters, digits and hyphens (such as `{}`)",
            crate::diagnostics::clean(id),
            slug::slugify(id)
        )));
    }
    let name = name.map_or_else(|| slug::title_from_slug(id), str::to_string);
    let text =
        format!("name = {}\ndescription = \"\"\n# lead = \"Your Name\"\n# channel = \"#{id}\"\n", toml_string(&name));
    Ok((format!("teams/{id}/team.toml"), text))
}

/// The order number for a new last entry in a folder: one past the largest
/// number its names start with, in the same width (`07` after `06`). Past
/// the width (`99`), the largest number with a digit added (`991`), which
/// still sorts after it by name.
fn next_number(dir: &Path) -> String {
    let mut max = 0u64;
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
    let next = format!("{:0width$}", max.saturating_add(1));
    if next.len() > width { format!("{max:0width$}1") } else { next }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

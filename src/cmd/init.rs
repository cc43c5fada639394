//! `playbook init`: writes the bundled playbook (or, with `--minimal`, a
//! blank start) into a folder. Every chapter starts reviewed today, so a
//! new handbook has no review due.

use std::path::{Path, PathBuf};

use super::{Failure, Verbosity};
use crate::cli::InitArgs;
use crate::cmd::scaffold;
use crate::date::Date;
use crate::sources::embedded;

pub(crate) fn run(args: &InitArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if dir.is_file() {
        return Err(Failure::Usage(format!("`{}` is a file", dir.display())));
    }
    if !args.force && is_non_empty(&dir) {
        return Err(Failure::Usage(format!(
            "`{}` is not empty; playbook init never overwrites files (use --force to write into it anyway)",
            dir.display()
        )));
    }
    let today = Date::today();
    let files: Vec<(&str, Vec<u8>)> = if args.minimal {
        minimal(today)
    } else {
        embedded::PLAYBOOK.iter().map(|(rel, bytes)| (*rel, reviewed_today(rel, bytes, today))).collect()
    };
    let mut replaced = Vec::new();
    for (rel, bytes) in &files {
        if std::fs::symlink_metadata(dir.join(rel)).is_ok() {
            replaced.push(*rel);
        }
        scaffold::write(&dir, rel, bytes, false)?;
    }
    let mut written = files.len();
    if std::fs::symlink_metadata(dir.join(".gitignore")).is_err() {
        scaffold::write(&dir, ".gitignore", b"public/\n.public.spare/\n", false)?;
        written += 1;
    }
    if verbosity != Verbosity::Quiet {
        let shown = crate::diagnostics::clean(&dir.display().to_string()).into_owned();
        eprintln!("Created a playbook in {shown} ({written} files).");
        if !replaced.is_empty() {
            eprintln!(
                "Replaced {} existing file{}: {}",
                replaced.len(),
                super::plural(replaced.len()),
                replaced.join(", ")
            );
        }
        let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
        let cd = crate::diagnostics::clean(&cd);
        eprintln!("Next: {cd}playbook serve   (or `playbook build` to write the site to public/)");
    }
    Ok(())
}

/// A sample chapter with its `reviewed` date set to today.
fn reviewed_today(rel: &str, bytes: &[u8], today: Date) -> Vec<u8> {
    let Some(text) = rel.starts_with("chapters/").then(|| std::str::from_utf8(bytes).ok()).flatten() else {
        return bytes.to_vec();
    };
    let mut out = String::with_capacity(text.len());
    let mut in_front_matter = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "+++" {
            in_front_matter = i == 0;
        }
        if in_front_matter && line.starts_with("reviewed = ") {
            out.push_str(&format!("reviewed = {today}\n"));
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// The blank start: passes `check --strict` as written.
fn minimal(today: Date) -> Vec<(&'static str, Vec<u8>)> {
    let config = "title = \"Engineering Leadership Playbook\"\n\
        description = \"How we lead\"\n\
        base_url = \"/\"\n\
        # Chapters not reviewed for this many days are marked for review.\n\
        review_after_days = 180\n\
        # An \"Edit this page\" link on every page, once the playbook has a home:\n\
        # edit_url = \"https://git.example.com/org/handbook/edit/main/{path}\"\n";
    let chapter = format!(
        "+++\ntitle = \"Our first principle\"\n\
         summary = \"One sentence on what this principle asks of a leader.\"\n\
         do = \"What to do, in one line.\"\n\
         dont = \"What not to do instead.\"\n\
         why = \"Why it matters to the business.\"\n\
         owners = [\"your.name\"]\n\
         reviewed = {today}\n\
         +++\n\n\
         Open with the situation this principle is for, then give the practice.\n\n\
         ## In practice\n\n\
         Describe what a leader does differently on a normal week.\n"
    );
    let onboarding = "+++\ntitle = \"Onboarding path\"\n\
        summary = \"What a new engineering manager reads first, and in what order.\"\n\
        +++\n\n\
        ## First week\n\n\
        - [ ] Read [our first principle](chapters/01-our-first-principle.md). {#read-the-first-principle}\n";
    vec![
        ("playbook.toml", config.as_bytes().to_vec()),
        ("chapters/01-our-first-principle.md", chapter.into_bytes()),
        ("onboarding.md", onboarding.as_bytes().to_vec()),
    ]
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

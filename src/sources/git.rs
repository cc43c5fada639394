//! "Last updated" dates from git history: one `git log` walk for the whole
//! tree, newest commit first, so each file's first appearance is its date.
//! Outside a repository (or without git) the map is simply empty.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::date::Date;

/// Root-relative path -> date of the last commit that touched it.
pub(crate) fn last_updated(root: &Path) -> HashMap<String, Date> {
    let output = safe_git(root)
        .args([
            "log",
            "--no-show-signature",
            "--format=%x00%cs",
            "--name-only",
            "--relative",
            "--no-renames",
            "--",
            ".",
        ])
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => HashMap::new(),
    }
}

/// `git -C root` that cannot be steered by files in the playbook: a pull
/// request can add a bare repository's layout (`HEAD`, `config`, `objects/`)
/// to the root, and git would read that `config` (say `gpg.program` with
/// `log.showSignature`) and run what it names. Bare repositories are only
/// used when named explicitly, signatures are never checked, and no
/// configured helper runs.
fn safe_git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "safe.bareRepository=explicit",
        "-c",
        "log.showSignature=false",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "diff.external=",
        "--no-pager",
    ])
    .arg("-C")
    .arg(root)
    .env_remove("GIT_DIR")
    .env_remove("GIT_WORK_TREE")
    .env("GIT_TERMINAL_PROMPT", "0");
    cmd
}

/// Parses `git log --format=%x00%cs --name-only` output.
fn parse(log: &str) -> HashMap<String, Date> {
    let mut dates = HashMap::new();
    let mut current = None;
    for line in log.lines() {
        if let Some(date) = line.strip_prefix('\0') {
            current = parse_date(date);
        } else if !line.is_empty()
            && let Some(date) = current
        {
            dates.entry(line.to_string()).or_insert(date);
        }
    }
    dates
}

fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_wins() {
        let log = "\x002026-11-02\n\nchapters/a.md\n\n\x002026-10-01\n\nchapters/a.md\nchapters/b.md\n";
        let dates = parse(log);
        assert_eq!(dates["chapters/a.md"].to_string(), "2026-11-02");
        assert_eq!(dates["chapters/b.md"].to_string(), "2026-10-01");
    }
}

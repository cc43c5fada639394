//! "Last updated" dates from git history: one `git log` walk for the whole
//! tree, newest commit first, so each file's first appearance is its date.
//! Outside a repository (or without git) the map is simply empty.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::date::Date;

/// Root-relative path -> date of the last commit that touched it.
pub(crate) fn last_updated(root: &Path) -> HashMap<String, Date> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["log", "--format=%x00%cs", "--name-only", "--relative", "--no-renames", "--", "."])
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => HashMap::new(),
    }
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

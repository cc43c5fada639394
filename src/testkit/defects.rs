//! The defects `generate` can inject, one per playbook, each at a known
//! `path:line` the tests expect in the error.

use std::fmt::Write as _;

use super::{Chapter, Rng, relative, toml_str};

/// One mistake an author makes, injected into an otherwise valid playbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// A link to a chapter file that does not exist.
    BrokenLink,
    /// A link to an existing chapter with a missing `#anchor`.
    BrokenAnchor,
    /// An unterminated string in a chapter's front matter.
    BadToml,
    /// `owners` misspelt as `owner`.
    UnknownKey,
    /// A team example whose `chapter` names no chapter (a near miss).
    UnknownChapterRef,
    /// Bytes that are not UTF-8 inside a paragraph.
    InvalidUtf8,
    /// A second chapter file with an existing chapter's slug.
    DuplicateSlug,
}

impl Defect {
    pub const ALL: [Defect; 7] = [
        Defect::BrokenLink,
        Defect::BrokenAnchor,
        Defect::BadToml,
        Defect::UnknownKey,
        Defect::UnknownChapterRef,
        Defect::InvalidUtf8,
        Defect::DuplicateSlug,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Defect::BrokenLink => "broken-link",
            Defect::BrokenAnchor => "broken-anchor",
            Defect::BadToml => "bad-toml",
            Defect::UnknownKey => "unknown-key",
            Defect::UnknownChapterRef => "unknown-chapter-ref",
            Defect::InvalidUtf8 => "invalid-utf8",
            Defect::DuplicateSlug => "duplicate-slug",
        }
    }

    pub fn parse(name: &str) -> Option<Defect> {
        Defect::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Injects `defect` and returns its `(path, line)`.
pub(super) fn inject(
    defect: Defect,
    files: &mut Vec<(String, Vec<u8>)>,
    chapters: &[Chapter],
    seed: u64,
) -> Result<(String, usize), String> {
    let mut rng = Rng::new(seed, defect.name());
    if chapters.is_empty() {
        return Err("a defect needs at least one chapter".into());
    }
    let ci = rng.range(0, chapters.len() - 1);
    let c = &chapters[ci];
    let index = |files: &[(String, Vec<u8>)], path: &str| files.iter().position(|(p, _)| p == path);
    let at = index(files, &c.path).ok_or("chapter file missing")?;
    let text = String::from_utf8_lossy(&files[at].1).into_owned();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line_of = |lines: &[String], prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
    let body_lines = || -> Vec<usize> {
        let fence = lines.iter().enumerate().filter(|(_, l)| *l == "+++").nth(1).map_or(0, |(i, _)| i);
        (fence + 1..lines.len())
            .filter(|&i| lines[i].len() > 80 && lines[i].chars().next().is_some_and(char::is_alphabetic))
            .collect()
    };
    let line = match defect {
        Defect::BrokenLink | Defect::BrokenAnchor | Defect::InvalidUtf8 => {
            let candidates = body_lines();
            let n = rng.pick(&candidates);
            match defect {
                Defect::BrokenLink => {
                    lines[n].push_str(" It replaced [the retired principle](00-retired-principle.md).");
                }
                Defect::BrokenAnchor => {
                    let dst = if chapters.len() > 1 { &chapters[(ci + 1) % chapters.len()] } else { c };
                    let _ = write!(
                        lines[n],
                        " See [{}]({}#no-such-section).",
                        dst.title.to_lowercase(),
                        relative(&c.path, &dst.path)
                    );
                }
                _ => {}
            }
            if defect == Defect::InvalidUtf8 {
                let mut bytes = Vec::new();
                for (i, l) in lines.iter().enumerate() {
                    if i > 0 {
                        bytes.push(b'\n');
                    }
                    bytes.extend_from_slice(l.as_bytes());
                    if i == n {
                        bytes.extend_from_slice(b" caf\xff\xfe.");
                    }
                }
                files[at].1 = bytes;
                return Ok((c.path.clone(), n + 1));
            }
            n
        }
        Defect::BadToml => {
            let n = line_of(&lines, "summary = ").ok_or("no summary")?;
            lines[n] = lines[n].trim_end_matches('"').to_string();
            n
        }
        Defect::UnknownKey => {
            let n = line_of(&lines, "owners = ").ok_or("no owners")?;
            lines[n] = lines[n].replacen("owners = ", "owner = ", 1);
            n
        }
        Defect::UnknownChapterRef => {
            let examples: Vec<usize> =
                (0..files.len()).filter(|&i| files[i].0.starts_with("teams/") && files[i].0.ends_with(".md")).collect();
            if examples.is_empty() {
                return Err("--break unknown-chapter-ref needs teams with examples".into());
            }
            let e = rng.pick(&examples);
            let text = String::from_utf8_lossy(&files[e].1).into_owned();
            let mut ex_lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            let n = line_of(&ex_lines, "chapter = ").ok_or("no chapter key")?;
            let old = ex_lines[n].trim_start_matches("chapter = ").trim_matches('"').to_string();
            let mut new = old[..old.len() - 1].to_string();
            while chapters.iter().any(|o| o.slug == new) {
                new.push('x');
            }
            ex_lines[n] = format!("chapter = {}", toml_str(&new));
            files[e].1 = ex_lines.join("\n").into_bytes();
            return Ok((files[e].0.clone(), n + 1));
        }
        Defect::DuplicateSlug => {
            let dir = c.path.rsplit_once('/').map_or("chapters", |(d, _)| d);
            let siblings = chapters.iter().filter(|o| o.path.rsplit_once('/').map(|(d, _)| d) == Some(dir)).count();
            let name = c.path.rsplit('/').next().unwrap_or_default();
            let width = name.split('-').next().unwrap_or("01").len();
            let path = format!("{dir}/{:0width$}-{}.md", siblings + 1, c.slug);
            let t = line_of(&lines, "title = ").ok_or("no title")?;
            lines[t] = format!("title = {}", toml_str(&format!("{} (draft copy)", c.title)));
            let w = line_of(&lines, "weight = ").ok_or("no weight")?;
            lines[w] = format!("weight = {}", (siblings + 1) * 10);
            files.push((path.clone(), lines.join("\n").into_bytes()));
            return Ok((path, 1));
        }
    };
    files[at].1 = lines.join("\n").into_bytes();
    Ok((c.path.clone(), line + 1))
}

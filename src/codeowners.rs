//! CODEOWNERS from the chapters' front matter: `playbook owners` writes it,
//! `check` warns where the repository's file says otherwise. Only owners
//! written as GitHub handles (`@handle`, `@org/team`) can request a review;
//! other names are kept as a comment so nobody is silently dropped.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;

/// A chapter as CODEOWNERS sees it.
pub(crate) struct Owned<'a> {
    /// Root-relative source path.
    pub file: &'a str,
    pub owners: &'a [String],
    /// The chapter's text and where its `owners` key is, for warnings.
    pub text: &'a str,
    pub at: usize,
}

/// Whether `owner` is a GitHub user (`@handle`) or team (`@org/team`).
pub(crate) fn is_handle(owner: &str) -> bool {
    let Some(name) = owner.strip_prefix('@') else { return false };
    let (user, team) = match name.split_once('/') {
        Some((org, team)) => (org, Some(team)),
        None => (name, None),
    };
    let user_ok = !user.is_empty()
        && user.len() <= 39
        && user.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !user.starts_with('-');
    let team_ok = team
        .is_none_or(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    user_ok && team_ok
}

/// A path as a CODEOWNERS pattern that matches only that file: anchored at
/// the repository root, spaces and pattern characters escaped. `None` for
/// a name CODEOWNERS cannot hold (a control character).
pub(crate) fn pattern(prefix: &str, file: &str) -> Option<String> {
    let path = format!("{prefix}{file}");
    // What parsers may split a line on, or what reorders it on screen:
    // such a name could read as a rule for another path.
    if path.chars().any(|c| crate::diagnostics::unsafe_char(c) || (c.is_whitespace() && c != ' ')) {
        return None;
    }
    let mut out = String::from("/");
    for c in path.chars() {
        if matches!(c, ' ' | '\\' | '*' | '?' | '[' | ']' | '!' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    Some(out)
}

/// The CODEOWNERS text for `chapters`; `prefix` is the playbook's folder
/// in the repository (`docs/handbook/`, or `""`).
pub(crate) fn generate(chapters: &[Owned<'_>], prefix: &str) -> String {
    let mut out = String::from(
        "# Chapter owners, from the playbook's front matter (written by `playbook owners`).\n\
         # Change a chapter's `owners`, then run it again; `playbook check` warns when this is out of date.\n",
    );
    for c in chapters {
        let Some(pattern) = pattern(prefix, c.file) else {
            out.push_str("# (a chapter whose path holds a control, invisible or space-like character is left out)\n");
            continue;
        };
        let (handles, others): (Vec<&String>, Vec<&String>) = c.owners.iter().partition(|o| is_handle(o));
        if !handles.is_empty() {
            out.push_str(&pattern);
            for h in &handles {
                out.push(' ');
                out.push_str(h);
            }
            out.push('\n');
        }
        if !others.is_empty() {
            let names: Vec<String> = others.iter().map(|o| comment_safe(o)).collect();
            out.push_str(&format!("# {pattern}: also {} (not a GitHub @handle or @org/team)\n", names.join(", ")));
        } else if handles.is_empty() {
            out.push_str(&format!("# {pattern}: no owner\n"));
        }
    }
    out
}

fn comment_safe(s: &str) -> String {
    crate::diagnostics::clean(s).into_owned()
}

/// One rule of a CODEOWNERS file: its pattern (escapes kept) and owners.
struct Rule {
    line: usize,
    pattern: String,
    owners: BTreeSet<String>,
}

fn rules(text: &str) -> Vec<Rule> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The pattern ends at the first space that is not escaped.
        let mut end = line.len();
        let mut escaped = false;
        for (at, c) in line.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c.is_ascii_whitespace() {
                end = at;
                break;
            }
        }
        let owners =
            line[end..].split_ascii_whitespace().take_while(|o| !o.starts_with('#')).map(str::to_string).collect();
        out.push(Rule { line: i + 1, pattern: line[..end].to_string(), owners });
    }
    out
}

/// Warnings where `codeowners` (the repository's file, shown as `shown`)
/// disagrees with the front matter: a chapter with @owners and no rule of
/// its own, or a rule naming others; a rule for a chapter file that no
/// longer exists (`exists` says which files do).
pub(crate) fn stale(
    chapters: &[Owned<'_>],
    prefix: &str,
    codeowners: &str,
    shown: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let rules = rules(codeowners);
    let help = "run `playbook owners` and put its lines in CODEOWNERS";
    let mut out = Vec::new();
    for c in chapters {
        let Some(pattern) = pattern(prefix, c.file) else { continue };
        let want: BTreeSet<String> = c.owners.iter().filter(|o| is_handle(o)).cloned().collect();
        if want.is_empty() {
            continue;
        }
        // GitHub applies the last rule that matches.
        let path = format!("{prefix}{}", c.file);
        let rule = rules.iter().rev().find(|r| matches(&r.pattern, &path));
        let message = match rule {
            None => format!("{shown} has no rule for this chapter: its owners {} get no review requests", list(&want)),
            Some(r) if r.owners != want => {
                // A rule for more than this file is named by its pattern.
                let which =
                    if r.pattern == pattern { String::new() } else { format!(", `{}`", comment_safe(&r.pattern)) };
                format!(
                    "{shown} (line {}{which}) gives this chapter to {}, its front matter to {}",
                    r.line,
                    list(&r.owners),
                    list(&want)
                )
            }
            Some(_) => continue,
        };
        out.push(Diagnostic::warning("codeowners", c.file, message).at_offset(c.text, c.at).with_help(help));
    }
    for r in &rules {
        let path = unescape(r.pattern.trim_start_matches('/'));
        if r.pattern.starts_with('/')
            && path.ends_with(".md")
            && !path.contains(['*', '?'])
            && let Some(file) = path.strip_prefix(prefix)
            && file.starts_with("chapters/")
            && !exists(file)
        {
            out.push(
                Diagnostic::warning(
                    "codeowners",
                    file,
                    format!("{shown} (line {}) names this chapter, which no longer exists", r.line),
                )
                .with_help(help),
            );
        }
    }
    out
}

/// Whether CODEOWNERS pattern `pattern` (escapes kept) covers `path`
/// (repository-relative), as GitHub reads it: gitignore's rules without
/// negation or ranges. A leading or inner `/` anchors at the top; `*` and
/// `?` stay within a name, `**` spans folders; a pattern that names a
/// folder covers all it holds, and one without a `/` matches at any depth.
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    let pattern = unescape(pattern);
    let dir_only = pattern.ends_with('/');
    let trimmed = pattern.trim_end_matches('/');
    let anchored = trimmed.contains('/');
    let globs: Vec<&str> = trimmed.trim_start_matches('/').split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    if globs == [""] {
        return false;
    }
    let starts: Vec<usize> = if anchored { vec![0] } else { (0..segments.len()).collect() };
    // A folder named without wildcards covers all it holds (`/docs/`,
    // `apps`); `docs/*` covers only what is directly in `docs` (GitHub's
    // documented reading).
    let literal = globs.last().is_some_and(|g| !g.contains(['*', '?']));
    starts.into_iter().any(|s| covers(&globs, &segments[s..], dir_only, literal))
}

/// Whether `globs` match all of `segments`, or a folder above them.
fn covers(globs: &[&str], segments: &[&str], dir_only: bool, literal: bool) -> bool {
    match globs.split_first() {
        None if segments.is_empty() => !dir_only,
        None => literal,
        Some((&"**", rest)) => (0..=segments.len()).any(|k| covers(rest, &segments[k..], dir_only, literal)),
        Some((glob, rest)) => segments.split_first().is_some_and(|(seg, more)| {
            name_matches(glob.as_bytes(), seg.as_bytes()) && covers(rest, more, dir_only, literal)
        }),
    }
}

/// `*` and `?` within one name.
fn name_matches(glob: &[u8], name: &[u8]) -> bool {
    match glob.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|k| name_matches(rest, &name[k..])),
        Some((b'?', rest)) => !name.is_empty() && name_matches(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && name_matches(rest, &name[1..]),
    }
}

fn unescape(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next().unwrap_or('\\') } else { c });
    }
    out
}

fn list(owners: &BTreeSet<String>) -> String {
    if owners.is_empty() {
        return "nobody".into();
    }
    owners.iter().map(|o| comment_safe(o)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_users_or_teams() {
        for good in ["@ana", "@org/leads", "@a-b", "@Org/team_x.y"] {
            assert!(is_handle(good), "{good}");
        }
        for bad in ["ana", "@", "@-x", "@a b", "@org/", "Ana Moreau", "@a\n/x @evil"] {
            assert!(!is_handle(bad), "{bad}");
        }
    }

    #[test]
    fn rules_match_as_github_reads_them() {
        let path = "docs/hb/chapters/a b.md";
        for yes in [
            "*",
            "*.md",
            "/docs/",
            "docs/",
            "/docs/hb/chapters/a\\ b.md",
            "/docs/**/a\\ b.md",
            "chapters/",
            "**/chapters/*",
            "hb",
        ] {
            assert!(matches(yes, path), "{yes}");
        }
        for no in ["/chapters/", "docs/*", "/docs/hb/chapters/a", "*.txt", "/hb/", "docs/hb/chapters/a b.md/", ""] {
            assert!(!matches(no, path), "{no}");
        }
    }

    #[test]
    fn patterns_match_one_file_and_cannot_add_a_line() {
        assert_eq!(pattern("docs/", "chapters/a b#[1].md").unwrap(), "/docs/chapters/a\\ b\\#\\[1\\].md");
        assert!(pattern("", "chapters/a\nb.md").is_none());
        assert!(pattern("", "chapters/a\u{a0}@org/x.md").is_none(), "a space-like character");
        assert!(pattern("", "chapters/a\u{202e}dm.md").is_none(), "a reordering mark");
        let owners = ["@ana".to_string(), "Tomas\n/evil @x".to_string()];
        let text = generate(&[Owned { file: "chapters/a.md", owners: &owners, text: "", at: 0 }], "");
        assert!(text.contains("/chapters/a.md @ana\n# /chapters/a.md: also Tomas\\u{a}/evil @x (not"), "{text}");
        assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 1);
    }
}

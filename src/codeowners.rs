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
    if path.chars().any(char::is_control) {
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
            out.push_str("# (a chapter whose file name holds a control character is left out)\n");
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
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
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
            } else if c.is_whitespace() {
                end = at;
                break;
            }
        }
        let owners = line[end..].split_whitespace().take_while(|o| !o.starts_with('#')).map(str::to_string).collect();
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
        let bare = &pattern[1..];
        // GitHub applies the last rule that matches.
        let rule = rules.iter().rev().find(|r| r.pattern == pattern || r.pattern == bare);
        let message = match rule {
            None => format!("{shown} has no rule for this chapter: its owners {} get no review requests", list(&want)),
            Some(r) if r.owners != want => format!(
                "{shown} (line {}) gives this chapter to {}, its front matter to {}",
                r.line,
                list(&r.owners),
                list(&want)
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::warning("codeowners", c.file, message).at_offset(c.text, c.at).with_help(help));
    }
    let chapters_dir = format!("/{prefix}chapters/");
    for r in &rules {
        let path = unescape(r.pattern.trim_start_matches('/'));
        if r.pattern.starts_with(&chapters_dir)
            && path.ends_with(".md")
            && let Some(file) = path.strip_prefix(prefix)
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
    fn patterns_match_one_file_and_cannot_add_a_line() {
        assert_eq!(pattern("docs/", "chapters/a b#[1].md").unwrap(), "/docs/chapters/a\\ b\\#\\[1\\].md");
        assert!(pattern("", "chapters/a\nb.md").is_none());
        let owners = ["@ana".to_string(), "Tomas\n/evil @x".to_string()];
        let text = generate(&[Owned { file: "chapters/a.md", owners: &owners, text: "", at: 0 }], "");
        assert!(text.contains("/chapters/a.md @ana\n# /chapters/a.md: also Tomas /evil @x (not"), "{text}");
        assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 1);
    }
}

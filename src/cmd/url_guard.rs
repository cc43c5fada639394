//! `check --base REV`, the pull request's guard: every page published at
//! REV must still be served now, by a page or by an alias; and the job
//! summary that shows reviewers what the change does to the handbook.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::compile::published::{self, Kind, Page, Published};
use crate::content::LoadOptions;
use crate::diagnostics::Diagnostic;
use crate::sources::{Sources, git};

/// The pages at REV and now.
pub(crate) struct Comparison {
    pub rev: String,
    pub before: Published,
    pub now: Published,
}

/// Reads the playbook at `rev` (from git, in memory) and sets it beside
/// `now`, the working tree's pages (loaded here when the check had no site
/// to take them from). `Err`: why the comparison cannot be made (a usage
/// problem).
pub(crate) fn compare(
    root: &Path,
    rev: &str,
    opts: &LoadOptions,
    now: Option<Published>,
) -> Result<Comparison, String> {
    let wanted = |path: &str| path.ends_with(".md") || path.ends_with(".toml");
    let tree = git::tree_at(root, rev, &wanted)?;
    // A playbook new in this change had no pages to lose.
    let before = if tree.contains_key(crate::sources::config::FILE) {
        match published::of_sources(&Sources::of_revision(root, tree), opts) {
            Ok((pages, _)) => pages,
            Err(_) => return Err(format!("the playbook at `{rev}` does not load (its playbook.toml has errors)")),
        }
    } else {
        Published::new()
    };
    let now = match now {
        Some(pages) => pages,
        // The check itself reports the config's errors.
        None => published::of_sources(&Sources::open(root)?, opts).map(|(pages, _)| pages).unwrap_or_default(),
    };
    Ok(Comparison { rev: rev.to_string(), before, now })
}

/// One error per URL published at REV that nothing serves now, at the
/// file that served it, with the alias that keeps it alive as help.
pub(crate) fn lost_urls(c: &Comparison) -> Vec<Diagnostic> {
    c.before
        .iter()
        .filter(|(url, _)| !c.now.contains_key(*url))
        .map(|(url, page)| {
            let what = match page.kind {
                Kind::Chapter => "the chapter",
                Kind::Onboarding => "the onboarding page",
                Kind::Part => "the part",
                Kind::Team => "the team page",
                Kind::Tag => "the tag page",
                Kind::Alias => "a redirect of",
            };
            let alias = url.trim_end_matches('/');
            let heir = successor(c, page).map_or_else(
                || "the chapter that replaces it".to_string(),
                |(_, p)| format!("`{}` (\"{}\")", p.file, p.title),
            );
            Diagnostic::error(
                "url-removed",
                &page.file,
                format!(
                    "`/{url}` ({what} \"{}\") is published at `{}` and would be gone: links and bookmarks to it break",
                    page.title, c.rev
                ),
            )
            .with_help(format!("add `aliases = [\"{alias}\"]` to the front matter of {heir}"))
        })
        .collect()
}

/// The page that now holds what `old` held: the same file, else a page of
/// the same title.
fn successor<'a>(c: &'a Comparison, old: &Page) -> Option<(&'a String, &'a Page)> {
    let docs = || c.now.iter().filter(|(_, p)| p.kind == Kind::Chapter);
    docs().find(|(_, p)| p.file == old.file).or_else(|| docs().find(|(_, p)| p.title == old.title))
}

/// A document's fate between REV and now.
#[derive(Debug)]
pub(crate) enum Fate<'a> {
    Added(&'a str, &'a Page),
    Changed(&'a str, &'a Page),
    /// Old URL, new URL, the page now.
    Moved(&'a str, &'a str, &'a Page),
    Removed(&'a str, &'a Page),
}

/// Chapters and the onboarding page, added, changed, moved and removed,
/// in URL order. A moved file (renamed, or its slug or part changed) is
/// found by its path, then by identical text, then by title.
pub(crate) fn fates(c: &Comparison) -> Vec<Fate<'_>> {
    let (before, now) = (documents(&c.before), documents(&c.now));
    let mut out = Vec::new();
    let mut paired: HashSet<&str> = HashSet::new();
    for (file, &(old_url, old)) in &before {
        let heir = now.get(file).copied().or_else(|| {
            let fresh = || now.iter().filter(|(f, _)| !before.contains_key(*f) && !paired.contains(*f));
            fresh()
                .find(|(_, (_, p))| p.text == old.text)
                .or_else(|| fresh().find(|(_, (_, p))| p.title == old.title))
                .map(|(_, v)| *v)
        });
        match heir {
            None => out.push(Fate::Removed(old_url, old)),
            Some((url, page)) => {
                paired.insert(page.file.as_str());
                if url != old_url {
                    out.push(Fate::Moved(old_url, url, page));
                } else if page.text != old.text {
                    out.push(Fate::Changed(url, page));
                }
            }
        }
    }
    for (file, &(url, page)) in &now {
        if !before.contains_key(file) && !paired.contains(file) {
            out.push(Fate::Added(url, page));
        }
    }
    out
}

/// Chapters and the onboarding page by file: (URL, page).
fn documents(p: &Published) -> BTreeMap<&str, (&str, &Page)> {
    p.iter()
        .filter(|(_, page)| matches!(page.kind, Kind::Chapter | Kind::Onboarding))
        .map(|(url, page)| (page.file.as_str(), (url.as_str(), page)))
        .collect()
}

/// The job summary: markdown for `$GITHUB_STEP_SUMMARY`. Every text from
/// the content is escaped: a title cannot add a line, a link or markup.
pub(crate) fn summary(c: &Comparison, lost: usize, base: &str) -> String {
    let fates = fates(c);
    let mut out = format!("## Playbook: what this change does to the handbook (against {})\n\n", code(&c.rev));
    let link = |url: &str, page: &Page| {
        let owners = if page.owners.is_empty() {
            "no owner".to_string()
        } else {
            page.owners.iter().map(|o| code(o)).collect::<Vec<_>>().join(", ")
        };
        format!("[{}]({}) in {}, owners: {owners}", md(&page.title), md_url(&format!("{base}{url}")), code(&page.file))
    };
    let mut section = |title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        out.push_str(&format!("### {title} ({})\n\n", lines.len()));
        for line in lines {
            out.push_str(&format!("- {line}\n"));
        }
        out.push('\n');
    };
    let pick = |f: &dyn Fn(&Fate<'_>) -> Option<String>| fates.iter().filter_map(f).collect::<Vec<_>>();
    section("Added", pick(&|f| if let Fate::Added(u, p) = f { Some(link(u, p)) } else { None }));
    section("Changed", pick(&|f| if let Fate::Changed(u, p) = f { Some(link(u, p)) } else { None }));
    section(
        "Moved",
        pick(&|f| {
            if let Fate::Moved(old, u, p) = f {
                Some(format!("{} (was {})", link(u, p), code(&format!("/{old}"))))
            } else {
                None
            }
        }),
    );
    section("Removed", pick(&|f| if let Fate::Removed(u, p) = f { Some(link(u, p)) } else { None }));
    if fates.is_empty() {
        out.push_str("No chapter is added, changed, moved or removed.\n\n");
    }
    if lost == 0 {
        out.push_str("Every URL published before this change is still served.\n");
    } else {
        out.push_str(&format!(
            "**{lost} published URL{} would stop working**: the check's errors name each, with the alias that keeps it.\n",
            if lost == 1 { "" } else { "s" }
        ));
    }
    out
}

/// Content text as a code span: no markup, link, autolink (`www.`,
/// `https://`) or @mention is live inside one. The fence is longer than
/// any run of backticks in the text.
fn code(text: &str) -> String {
    let text = crate::diagnostics::clean(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// Content text as inert markdown inside a link's text (where GitHub makes
/// no autolink): controls and line-breaking marks are written out,
/// markdown and HTML punctuation is escaped.
fn md(text: &str) -> String {
    let text = crate::diagnostics::clean(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// A URL inside `(...)` of a markdown link: nothing may close it early.
fn md_url(url: &str) -> String {
    use percent_encoding::{CONTROLS, utf8_percent_encode};
    const INERT: &percent_encoding::AsciiSet =
        &CONTROLS.add(b' ').add(b'(').add(b')').add(b'<').add(b'>').add(b'"').add(b'`').add(b'\\').add(b'[').add(b']');
    utf8_percent_encode(url, INERT).to_string()
}

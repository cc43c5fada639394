//! An mdBook: `book.toml` gives the title, description and language;
//! `SUMMARY.md` the reading order. `# Part` headings become parts, a
//! chapter with nested chapters a sub-part (the chapter first), prefix
//! and suffix chapters stay before and after the parts, and a draft entry
//! (`[Title]()`) becomes a draft chapter. mdBook's own syntax is resolved:
//! `{{#include}}` and `{{#rustdoc_include}}` (whole file, line ranges,
//! anchors) are replaced by what they name, `{{#title}}` becomes the
//! title; any other `{{#...}}` is reported at its line. Old URLs
//! (`guide/install.html`) are kept as aliases.

use super::{Book, PageOut, PartOut, front};
use crate::diagnostics::Diagnostic;
use crate::sources::Sources;

/// One line of SUMMARY.md that names a chapter.
#[derive(Debug)]
struct Entry {
    title: String,
    /// SRC-relative (`src/guide/install.md`); `None` for a draft.
    path: Option<String>,
    indent: usize,
}

/// SUMMARY.md as sections: prefix chapters, each part's numbered
/// chapters, suffix chapters.
#[derive(Debug, Default)]
struct Summary {
    prefix: Vec<Entry>,
    parts: Vec<(Option<String>, Vec<Entry>)>,
    suffix: Vec<Entry>,
}

pub(super) fn read(sources: &Sources) -> Book {
    let mut book = Book::default();
    let mut src = "src".to_string();
    match sources.read_text("book.toml").map(|t| t.parse::<toml::Table>()) {
        Ok(Ok(config)) => {
            let b = config.get("book").and_then(|b| b.as_table());
            let get = |k: &str| b.and_then(|b| b.get(k)).and_then(|v| v.as_str()).map(str::to_string);
            book.title = get("title").unwrap_or_default();
            book.description = get("description").unwrap_or_default();
            book.language = get("language");
            if let Some(s) = get("src") {
                src = s.trim_matches('/').to_string();
            }
        }
        Ok(Err(e)) => book.notes.push(Diagnostic::error(
            "import",
            "book.toml",
            format!("book.toml does not parse: {}", e.message()),
        )),
        Err(d) => book.notes.push(d),
    }
    let summary_file = format!("{src}/SUMMARY.md");
    let text = match sources.read_text(&summary_file) {
        Ok(t) => t,
        Err(d) => {
            book.notes.push(d);
            return book;
        }
    };
    let summary = parse_summary(&text, &src);
    let mut n = 1;
    for entry in &summary.prefix {
        add(sources, &mut book, entry, &[], "chapters", n, 0);
        n += 1;
    }
    for (title, entries) in &summary.parts {
        match title {
            Some(title) => {
                let dir = book.part_dir("chapters", n, title);
                let dir = dir.strip_prefix("chapters/").unwrap_or(&dir).to_string();
                book.parts.push(PartOut {
                    dir: dir.clone(),
                    title: title.clone(),
                    description: String::new(),
                    weight: n as i64 * 10,
                });
                let refs: Vec<&Entry> = entries.iter().collect();
                tree(sources, &mut book, &refs, &format!("chapters/{dir}"), 1);
            }
            None => {
                // Numbered chapters before any `# Part`: at the top level,
                // after the prefix chapters.
                let refs: Vec<&Entry> = entries.iter().collect();
                let nested = nest(&refs);
                let count = nested.len();
                for (i, (entry, children)) in nested.into_iter().enumerate() {
                    add(sources, &mut book, entry, &children, "chapters", n + i, 0);
                }
                n += count.saturating_sub(1);
            }
        }
        n += 1;
    }
    for entry in &summary.suffix {
        add(sources, &mut book, entry, &[], "chapters", n, 0);
        n += 1;
    }
    book
}

/// Entries with their nested entries (by indentation).
fn nest<'e>(entries: &[&'e Entry]) -> Vec<(&'e Entry, Vec<&'e Entry>)> {
    let mut out: Vec<(&Entry, Vec<&Entry>)> = Vec::new();
    let top = entries.iter().map(|e| e.indent).min().unwrap_or(0);
    for &e in entries {
        match out.last_mut() {
            Some((_, children)) if e.indent > top => children.push(e),
            _ => out.push((e, Vec::new())),
        }
    }
    out
}

/// Nesting deeper than this is flattened into the deepest sub-part (the
/// playbook's own limit on part depth is near).
const MAX_NESTING: usize = 4;

/// Chapters of one part, below `base`.
fn tree(sources: &Sources, book: &mut Book, entries: &[&Entry], base: &str, depth: usize) {
    for (i, (entry, children)) in nest(entries).into_iter().enumerate() {
        add(sources, book, entry, &children, base, i + 1, depth);
    }
}

/// One chapter at position `n` below `base`; with nested chapters it
/// becomes a sub-part that opens with it.
fn add(sources: &Sources, book: &mut Book, entry: &Entry, children: &[&Entry], base: &str, n: usize, depth: usize) {
    if children.is_empty() || depth >= MAX_NESTING {
        for (k, e) in std::iter::once(entry).chain(children.iter().copied()).enumerate() {
            let dest = book.chapter_file(base, n + k, &e.title);
            book.pages.push(page(sources, &mut book.notes, e, &dest, n + k));
        }
        return;
    }
    let dir = book.part_dir(base, n, &entry.title);
    book.parts.push(PartOut {
        dir: dir.strip_prefix("chapters/").unwrap_or(&dir).to_string(),
        title: entry.title.clone(),
        description: String::new(),
        weight: n as i64 * 10,
    });
    let dest = book.chapter_file(&dir, 0, &entry.title);
    book.pages.push(page(sources, &mut book.notes, entry, &dest, 0));
    tree(sources, book, children, &dir, depth + 1);
}

fn page(sources: &Sources, notes: &mut Vec<Diagnostic>, entry: &Entry, dest: &str, n: usize) -> PageOut {
    let mut front = front(&entry.title, n as i64 * 10);
    let Some(path) = &entry.path else {
        front.insert("draft".into(), true.into());
        return PageOut { source: None, dest: dest.to_string(), front, body: String::new() };
    };
    let text = sources.read_text(path).unwrap_or_else(|d| {
        notes.push(d);
        String::new()
    });
    let mut inc =
        Includes { sources, cache: std::collections::HashMap::new(), budget: INCLUDE_BUDGET, count: 0, stopped: false };
    let (body, title) = expand(&mut inc, path, &text, notes, 0);
    if let Some(title) = title {
        front.insert("title".into(), title.into());
    }
    // The page shows its title as its heading: a leading H1 would repeat it.
    let body = match crate::content::leading_h1(&body) {
        Some((_, at)) => body[at..].to_string(),
        None => body,
    };
    // mdBook's URL: the path below src with .html (a README is index.html).
    let below = path.split_once('/').map_or(path.as_str(), |(_, rest)| rest);
    let old = match below.strip_suffix("README.md") {
        Some(dir) => format!("{dir}index.html"),
        None => format!("{}.html", below.trim_end_matches(".md")),
    };
    // The book's front page stays the front page.
    if old != "index.html" {
        front.insert("aliases".into(), vec![toml::Value::from(old)].into());
    }
    PageOut { source: Some(path.clone()), dest: dest.to_string(), front, body }
}

/// `text` with mdBook's `{{#...}}` resolved: the body and a `{{#title}}`.
/// What includes may add to one page in all: a few files including each
/// other many times over must not fill the memory or the afternoon.
const INCLUDE_BUDGET: usize = 8 << 20;

/// Includes one page may resolve.
const MAX_INCLUDES: usize = 1000;

/// Files read by includes (read once) and what the page may still grow by.
struct Includes<'a> {
    sources: &'a Sources,
    cache: std::collections::HashMap<String, String>,
    budget: usize,
    count: usize,
    /// A limit was reached: no more includes are resolved on this page.
    stopped: bool,
}

fn expand(
    inc: &mut Includes<'_>,
    file: &str,
    text: &str,
    notes: &mut Vec<Diagnostic>,
    depth: usize,
) -> (String, Option<String>) {
    let mut out = String::with_capacity(text.len());
    let mut title = None;
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{{#") {
        let Some(len) = rest[start..].find("}}") else { break };
        let inner = rest[start + 3..start + len].trim();
        out.push_str(&rest[..start]);
        let at = offset + start;
        let (name, arg) = inner.split_once(char::is_whitespace).map_or((inner, ""), |(n, a)| (n, a.trim()));
        match name {
            "title" => title = Some(arg.to_string()),
            // Past a failed limit, the rest is left as written, unreported:
            // one note says why.
            "include" | "rustdoc_include" if inc.stopped => out.push_str(&rest[start..start + len + 2]),
            "include" | "rustdoc_include" if depth >= 8 || inc.count >= MAX_INCLUDES => {
                inc.stopped = true;
                notes.push(
                    Diagnostic::error(
                        "import",
                        file,
                        format!("includes nest deeper than 8 levels or number more than {MAX_INCLUDES}: does a file include itself?"),
                    )
                    .at_offset(text, at)
                    .with_help("copy the text in by hand"),
                );
                out.push_str(&rest[start..start + len + 2]);
            }
            "include" | "rustdoc_include" => match include(inc, file, arg) {
                Ok((path, included)) => {
                    let (inner_text, _) = expand(inc, &path, &included, notes, depth + 1);
                    out.push_str(&inner_text);
                }
                Err(why) => {
                    inc.stopped |= inc.budget == 0;
                    notes.push(
                        Diagnostic::error("import", file, why)
                            .at_offset(text, at)
                            .with_help("copy the text in by hand"),
                    );
                    out.push_str(&rest[start..start + len + 2]);
                }
            },
            _ => {
                notes.push(
                    Diagnostic::error("import", file, format!("mdBook's `{{{{#{name}}}}}` has no playbook equivalent"))
                        .at_offset(text, at)
                        .with_help("replace it with plain markdown"),
                );
                out.push_str(&rest[start..start + len + 2]);
            }
        }
        offset += start + len + 2;
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    (out, title)
}

/// `{{#include file[:start[:end]]}}` or `{{#include file:anchor}}`: the
/// file's SRC-relative path and the text it gives.
fn include(inc: &mut Includes<'_>, file: &str, arg: &str) -> Result<(String, String), String> {
    let mut pieces = arg.split(':');
    let path = super::links::resolve(file, pieces.next().unwrap_or(""), false)
        .ok_or_else(|| format!("cannot include `{arg}`: it leads outside the book"))?;
    if !inc.cache.contains_key(&path) {
        let text = inc.sources.read_text(&path).map_err(|d| format!("cannot include `{arg}`: {}", d.message))?;
        inc.cache.insert(path.clone(), text);
    }
    let text = inc.cache.get(&path).map_or("", String::as_str);
    let picked = pick_lines(text, arg, pieces.next(), pieces.next())?;
    inc.count += 1;
    inc.budget = inc.budget.checked_sub(picked.len()).ok_or_else(|| {
        inc.stopped = true;
        format!("cannot include `{arg}`: the page's includes grow past {} MiB", INCLUDE_BUDGET >> 20)
    })?;
    Ok((path, picked))
}

/// The lines of `text` an include names: all, one, a range, or an anchor.
fn pick_lines(text: &str, arg: &str, first: Option<&str>, second: Option<&str>) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let pick = |from: usize, to: usize| -> String {
        lines.get(from.min(lines.len())..to.min(lines.len())).unwrap_or(&[]).join("\n") + "\n"
    };
    Ok(match (first, second) {
        (None, _) => text.to_string(),
        (Some(a), None) if !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()) => {
            let n: usize = a.parse().map_err(|_| format!("`{arg}`: not a line number"))?;
            pick(n.saturating_sub(1), n)
        }
        (Some(anchor), None) => {
            // `ANCHOR: name` as a whole word: `x` is not `xyz`.
            let marks = |l: &str, tag: &str| {
                l.split_once(tag).is_some_and(|(_, rest)| rest.split_whitespace().next() == Some(anchor))
            };
            let begin = lines
                .iter()
                .position(|l| marks(l, "ANCHOR: "))
                .ok_or(format!("cannot include `{arg}`: no anchor `{anchor}`"))?;
            let end =
                lines.iter().skip(begin).position(|l| marks(l, "ANCHOR_END: ")).map_or(lines.len(), |e| begin + e);
            let inside = lines.get(begin + 1..end).unwrap_or(&[]);
            inside.iter().filter(|l| !l.contains("ANCHOR")).copied().collect::<Vec<_>>().join("\n") + "\n"
        }
        (Some(a), Some(b)) => {
            let start: usize =
                if a.is_empty() { 1 } else { a.parse().map_err(|_| format!("`{arg}`: not a line range"))? };
            let end: usize =
                if b.is_empty() { lines.len() } else { b.parse().map_err(|_| format!("`{arg}`: not a line range"))? };
            pick(start.saturating_sub(1), end)
        }
    })
}

fn parse_summary(text: &str, src: &str) -> Summary {
    let mut summary = Summary::default();
    let mut seen_numbered = false;
    let mut first_heading = true;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("---") || trimmed.starts_with("<!--") {
            continue;
        }
        if let Some(h) = trimmed.strip_prefix("# ") {
            // The first heading before any entry is the summary's own title.
            if first_heading && summary.prefix.is_empty() && summary.parts.is_empty() {
                first_heading = false;
                continue;
            }
            summary.parts.push((Some(h.trim().to_string()), Vec::new()));
            seen_numbered = true;
            continue;
        }
        first_heading = false;
        let indent = line.len() - line.trim_start().len();
        let (numbered, item) = match trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            Some(rest) => (true, rest.trim()),
            None => (false, trimmed),
        };
        let Some((title, target)) = link(item) else { continue };
        let entry = Entry {
            title,
            path: (!target.is_empty()).then(|| format!("{src}/{}", target.trim_start_matches("./"))),
            indent,
        };
        if numbered {
            if summary.parts.is_empty() {
                summary.parts.push((None, Vec::new()));
            }
            seen_numbered = true;
            if let Some((_, entries)) = summary.parts.last_mut() {
                entries.push(entry);
            }
        } else if seen_numbered {
            summary.suffix.push(entry);
        } else {
            summary.prefix.push(entry);
        }
    }
    summary
}

/// `[Title](target)` -> (title, target).
fn link(item: &str) -> Option<(String, String)> {
    let rest = item.strip_prefix('[')?;
    let close = rest.rfind("](")?;
    let target = rest[close + 2..].strip_suffix(')')?;
    Some((rest[..close].to_string(), percent_encoding::percent_decode_str(target).decode_utf8_lossy().into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_pick_lines_ranges_and_anchors() {
        let text = "one\n// ANCHOR: body\ntwo\n// ANCHOR: bodyx\nthree\n// ANCHOR_END: body\nfour\n";
        let pick = |a: Option<&str>, b: Option<&str>| pick_lines(text, "f", a, b).unwrap();
        assert_eq!(pick(None, None), text);
        assert_eq!(pick(Some("3"), None), "two\n");
        assert_eq!(pick(Some("5"), Some("")), "three\n// ANCHOR_END: body\nfour\n");
        assert_eq!(pick(Some(""), Some("1")), "one\n");
        assert_eq!(pick(Some("body"), None), "two\nthree\n", "marker lines are left out");
        assert!(pick_lines(text, "f", Some("nope"), None).is_err());
        assert_eq!(pick_lines("// ANCHOR: x ANCHOR_END: x\n", "f", Some("x"), None).unwrap(), "\n");
    }

    #[test]
    fn a_summary_has_prefix_parts_nesting_drafts_and_suffix() {
        let s = parse_summary(
            "# Summary\n\n[Intro](README.md)\n\n# Guide\n\n- [Install](guide/install.md)\n    - [Linux](guide/linux.md)\n- [Later]()\n\n---\n\n[Thanks](thanks.md)\n",
            "src",
        );
        assert_eq!(s.prefix[0].path.as_deref(), Some("src/README.md"));
        assert_eq!(s.parts[0].0.as_deref(), Some("Guide"));
        let titles: Vec<&str> = s.parts[0].1.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Install", "Linux", "Later"]);
        let refs: Vec<&Entry> = s.parts[0].1.iter().collect();
        assert_eq!(nest(&refs).len(), 2);
        assert!(s.parts[0].1[2].path.is_none());
        assert_eq!(s.suffix[0].title, "Thanks");
    }
}

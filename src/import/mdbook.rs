//! An mdBook: `book.toml` gives the title, description and language;
//! `SUMMARY.md` the reading order. `# Part` headings become parts, a
//! chapter with nested chapters a sub-part (the chapter first), prefix
//! and suffix chapters stay before and after the parts, and a draft entry
//! (`[Title]()`) becomes a draft chapter. mdBook's own syntax is resolved:
//! `{{#include}}` and `{{#rustdoc_include}}` (whole file, line ranges,
//! anchors) are replaced by what they name, `{{#title}}` becomes the
//! title; any other `{{#...}}` is reported at its line. Old URLs
//! (`guide/install.html`) are kept as aliases.

use super::{Book, PageOut, PartOut, front, numbered};
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
        add(sources, &mut book, entry, &[], "chapters", n);
        n += 1;
    }
    for (title, entries) in &summary.parts {
        match title {
            Some(title) => {
                let dir = numbered(n, title);
                book.parts.push(PartOut {
                    dir: dir.clone(),
                    title: title.clone(),
                    description: String::new(),
                    weight: n as i64 * 10,
                });
                tree(sources, &mut book, entries, &format!("chapters/{dir}"));
            }
            None => {
                // Numbered chapters before any `# Part`: at the top level,
                // after the prefix chapters.
                for (i, (entry, children)) in nest(entries).into_iter().enumerate() {
                    add(sources, &mut book, entry, &children, "chapters", n + i);
                }
                n += nest(entries).len().saturating_sub(1);
            }
        }
        n += 1;
    }
    for entry in &summary.suffix {
        add(sources, &mut book, entry, &[], "chapters", n);
        n += 1;
    }
    book
}

/// Entries with their nested entries (by indentation).
fn nest(entries: &[Entry]) -> Vec<(&Entry, Vec<&Entry>)> {
    let mut out: Vec<(&Entry, Vec<&Entry>)> = Vec::new();
    let top = entries.iter().map(|e| e.indent).min().unwrap_or(0);
    for e in entries {
        match out.last_mut() {
            Some((_, children)) if e.indent > top => children.push(e),
            _ => out.push((e, Vec::new())),
        }
    }
    out
}

/// Chapters of one part, below `base`.
fn tree(sources: &Sources, book: &mut Book, entries: &[Entry], base: &str) {
    for (i, (entry, children)) in nest(entries).into_iter().enumerate() {
        add(sources, book, entry, &children, base, i + 1);
    }
}

/// One chapter at position `n` below `base`; with nested chapters it
/// becomes a sub-part that opens with it.
fn add(sources: &Sources, book: &mut Book, entry: &Entry, children: &[&Entry], base: &str, n: usize) {
    if children.is_empty() {
        let dest = book.chapter_file(base, n, &entry.title);
        book.pages.push(page(sources, &mut book.notes, entry, &dest, n));
        return;
    }
    let dir = format!("{base}/{}", numbered(n, &entry.title));
    let part = dir.strip_prefix("chapters/").unwrap_or(&dir).to_string();
    book.parts.push(PartOut {
        dir: part,
        title: entry.title.clone(),
        description: String::new(),
        weight: n as i64 * 10,
    });
    let dest = book.chapter_file(&dir, 0, &entry.title);
    book.pages.push(page(sources, &mut book.notes, entry, &dest, 0));
    let owned: Vec<Entry> =
        children.iter().map(|e| Entry { title: e.title.clone(), path: e.path.clone(), indent: e.indent }).collect();
    tree(sources, book, &owned, &dir);
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
    let (body, title) = expand(sources, path, &text, notes, 0);
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
fn expand(
    sources: &Sources,
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
            "include" | "rustdoc_include" if depth < 8 => match include(sources, file, arg) {
                Ok(included) => {
                    let (inner_text, _) = expand(
                        sources,
                        &resolve_in(file, arg.split(':').next().unwrap_or("")),
                        &included,
                        notes,
                        depth + 1,
                    );
                    out.push_str(&inner_text);
                }
                Err(why) => {
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

/// The path `arg` names, from the folder of `file`.
fn resolve_in(file: &str, arg: &str) -> String {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for seg in arg.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// `{{#include file[:start[:end]]}}` or `{{#include file:anchor}}`.
fn include(sources: &Sources, file: &str, arg: &str) -> Result<String, String> {
    let mut pieces = arg.split(':');
    let path = resolve_in(file, pieces.next().unwrap_or(""));
    let text = sources.read_text(&path).map_err(|d| format!("cannot include `{arg}`: {}", d.message))?;
    let lines: Vec<&str> = text.lines().collect();
    let first = pieces.next();
    let second = pieces.next();
    let pick = |from: usize, to: usize| -> String {
        lines.get(from.min(lines.len())..to.min(lines.len())).unwrap_or(&[]).join("\n") + "\n"
    };
    Ok(match (first, second) {
        (None, _) => text.clone(),
        (Some(a), None) if !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()) => {
            let n: usize = a.parse().map_err(|_| format!("`{arg}`: not a line number"))?;
            pick(n.saturating_sub(1), n)
        }
        (Some(anchor), None) => {
            let begin = lines
                .iter()
                .position(|l| l.contains(&format!("ANCHOR: {anchor}")))
                .ok_or(format!("`{arg}`: no anchor `{anchor}`"))?;
            let end = lines[begin..]
                .iter()
                .position(|l| l.contains(&format!("ANCHOR_END: {anchor}")))
                .map_or(lines.len(), |e| begin + e);
            lines[begin + 1..end].iter().filter(|l| !l.contains("ANCHOR")).copied().collect::<Vec<_>>().join("\n")
                + "\n"
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
    fn a_summary_has_prefix_parts_nesting_drafts_and_suffix() {
        let s = parse_summary(
            "# Summary\n\n[Intro](README.md)\n\n# Guide\n\n- [Install](guide/install.md)\n    - [Linux](guide/linux.md)\n- [Later]()\n\n---\n\n[Thanks](thanks.md)\n",
            "src",
        );
        assert_eq!(s.prefix[0].path.as_deref(), Some("src/README.md"));
        assert_eq!(s.parts[0].0.as_deref(), Some("Guide"));
        let titles: Vec<&str> = s.parts[0].1.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Install", "Linux", "Later"]);
        assert_eq!(nest(&s.parts[0].1).len(), 2);
        assert!(s.parts[0].1[2].path.is_none());
        assert_eq!(s.suffix[0].title, "Thanks");
    }
}

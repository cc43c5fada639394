//! Helpers over pulldown-cmark's event stream: what an untrusted author's
//! event may become, where a tag closes, the text under a tag, task-list
//! keys, heading levels, alerts and footnote ids.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, Event, HeadingLevel, Tag, TagEnd};

use crate::compile::slug;

/// What an untrusted author's event may become: without `raw_html`, raw
/// HTML is shown as text and heading attributes (`{onclick=...}`, HTML by
/// another name) are dropped. Bodies and card fields both pass through here.
pub(super) fn untrusted(event: Event<'_>, raw_html: bool) -> Event<'_> {
    if raw_html {
        return event;
    }
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Heading { level, id, classes, attrs: _ }) => {
            Event::Start(Tag::Heading { level, id, classes, attrs: Vec::new() })
        }
        other => other,
    }
}

/// Index of the event that closes the one opened at `start`.
pub(super) fn find_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len()
}

pub(super) fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// A task-list item may end with `{#key}`: a stable name for the reader's
/// tick (kept in their browser), so rewording the item keeps it. The key is
/// taken out of the text; the result maps each marker's event index to it.
pub(super) fn take_task_keys(events: &mut [(Event<'_>, Range<usize>)]) -> HashMap<usize, String> {
    let mut keys = HashMap::new();
    for i in 0..events.len() {
        if !matches!(events[i].0, Event::TaskListMarker(_)) {
            continue;
        }
        // The item's last text before it ends or a nested block starts.
        let mut last_text = None;
        for (j, (e, _)) in events.iter().enumerate().skip(i + 1) {
            match e {
                Event::Text(_) => last_text = Some(j),
                Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Start(Tag::List(_)) => break,
                _ => {}
            }
        }
        let Some(j) = last_text else { continue };
        let Event::Text(text) = &events[j].0 else { continue };
        let trimmed = text.trim_end();
        let Some(open) = trimmed.rfind("{#").filter(|_| trimmed.ends_with('}')) else { continue };
        let key = &trimmed[open + 2..trimmed.len() - 1];
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            continue;
        }
        keys.insert(i, key.to_string());
        let kept = trimmed[..open].trim_end().to_string();
        events[j].0 = Event::Text(kept.into());
    }
    keys
}

/// The text of a task-list item up to its end or its first nested block.
pub(super) fn item_text(events: &[(Event<'_>, Range<usize>)], from: usize) -> String {
    let mut s = String::new();
    for (e, _) in &events[from..] {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak => s.push(' '),
            Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Start(Tag::List(_)) => break,
            _ => {}
        }
    }
    s.trim().to_string()
}

pub(super) fn shift(level: HeadingLevel, by: u8) -> HeadingLevel {
    match (level as u8 + by).min(6) {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

pub(super) fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Footnotes are numbered in order of first mention.
pub(super) fn footnote_number(seen: &mut HashMap<String, usize>, label: &str) -> usize {
    let next = seen.len() + 1;
    *seen.entry(label.to_string()).or_insert(next)
}

pub(super) fn footnote_id(prefix: &str, label: &str) -> String {
    format!("{prefix}fn-{}", slug::slugify(label))
}

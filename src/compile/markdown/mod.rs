//! The one place markdown is parsed. Chapters, examples, the onboarding page
//! and the principle cards all go through `render`, so the page, the print
//! view and the search index see the same HTML.
//!
//! One parse per document produces its HTML (links between `.md` sources
//! already rewritten to output URLs), its headings with unique anchors, and
//! the links and images to validate once every document is known.

use std::ops::Range;

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::compile::slug::{self, Anchors};
use crate::html::{UrlUse, escape, script_risk};

mod events;
mod highlight;
mod targets;

use events::{alert, find_end, footnote_id, footnote_number, item_text, plain_text, shift, take_task_keys, untrusted};
pub(crate) use targets::join;
use targets::{rewrite_asset, rewrite_link};
pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A heading of a rendered document, with its unique anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Heading {
    /// Level as written in the source (before any shift).
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link between sources, kept for validation after every page is known.
#[derive(Clone, Debug)]
pub(crate) struct LinkRef {
    /// Root-relative source file, or `None` for a link within the page.
    pub file: Option<String>,
    pub fragment: Option<String>,
    /// Byte offset in the whole source file.
    pub offset: usize,
}

/// A relative image or file that is copied with the site.
#[derive(Clone, Debug)]
pub(crate) struct AssetRef {
    /// Root-relative path.
    pub file: String,
    pub offset: usize,
}

/// One document rendered: its HTML, headings, plain-text sections, and the
/// links and assets to check once every document is known.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    /// Links to a path on this host (`/principles/x/`): (path, offset),
    /// checked against the site's pages when they are under its base path.
    pub absolute: Vec<(String, usize)>,
    pub assets: Vec<AssetRef>,
    /// The plain text, split at headings: what the search index reads.
    pub sections: Vec<TextSection>,
    /// Links and images whose URL would run script: (offset, why). They are
    /// written as `#` and reported as errors.
    pub unsafe_urls: Vec<(usize, &'static str)>,
    /// Set (to the HTML's size) when the document renders to far more HTML
    /// than its size explains; the HTML is dropped and an error reported.
    pub oversized: Option<usize>,
}

/// The text under one heading (the first has no heading: the intro).
#[derive(Clone, Debug, Default)]
pub(crate) struct TextSection {
    pub id: Option<String>,
    pub heading: String,
    pub text: String,
}

/// Where a source file ends up: its URL, and the prefix its anchors get
/// (examples share a page with others, so their anchors are namespaced).
pub(crate) struct Target {
    pub url: String,
    pub anchor_prefix: String,
    /// Anchor of the whole document when the link has no fragment.
    pub anchor: Option<String>,
}

/// How a document's links find their targets: the site's URL map.
pub(crate) trait Resolve {
    fn target(&self, file: &str) -> Option<Target>;
    /// URL prefix of copied assets (`/media/`).
    fn media_base(&self) -> &str;
}

/// One document to render: its text and how its anchors and raw HTML are
/// treated. (The loaded file itself is `content::Doc`.)
pub(crate) struct Input<'a> {
    /// Root-relative path of the source.
    pub file: &'a str,
    pub text: &'a str,
    pub body_offset: usize,
    /// Prefix of every id the document defines.
    pub id_prefix: &'a str,
    /// Added to heading levels (examples sit below their page's headings).
    pub heading_shift: u8,
    /// Pass raw HTML through; otherwise it is shown as text.
    pub raw_html: bool,
}

pub(crate) fn render(doc: &Input<'_>, resolve: &dyn Resolve) -> Rendered {
    let body = &doc.text[doc.body_offset..];
    // Prose makes an event per 20 to 25 bytes (the bundled playbook, the
    // generated ones): reserving for that spares most doubling copies. An
    // event is ~100 bytes, so the reservation is capped: a huge body that
    // makes few events (one code block) must not reserve six times itself.
    let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::with_capacity((body.len() / 16).min(1 << 14) + 16);
    events.extend(Parser::new_ext(body, parser_options()).into_offset_iter());
    let task_keys = take_task_keys(&mut events);
    let mut out = Rendered::default();
    let mut anchors = Anchors::default();
    let dir = doc.file.rsplit_once('/').map_or("", |(d, _)| d);

    let mut main: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut notes: Vec<Event<'_>> = Vec::new();
    let mut footnote_numbers: HashMap<String, usize> = HashMap::new();
    let mut in_footnote = 0usize;
    let mut in_heading = false;
    // Inside a fenced block already written highlighted: its text still
    // feeds the search sections but is not written again.
    let mut highlighted = false;
    out.sections.push(TextSection::default());
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        let offset = doc.body_offset + range.start;
        let sink = if in_footnote > 0 { &mut notes } else { &mut main };
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let end = find_end(&events, i);
                let text = plain_text(&events[i + 1..end]);
                let wanted = id.as_ref().map_or_else(|| slug::anchor(&text), std::string::ToString::to_string);
                let unique = anchors.unique(wanted);
                let full_id = format!("{}{unique}", doc.id_prefix);
                out.sections.push(TextSection {
                    id: Some(full_id.clone()),
                    heading: text.clone(),
                    text: String::new(),
                });
                out.headings.push(Heading { level: *level as u8, id: full_id.clone(), text });
                in_heading = true;
                let heading = Event::Start(Tag::Heading {
                    level: shift(*level, doc.heading_shift),
                    id: Some(full_id.into()),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                });
                sink.push(untrusted(heading, doc.raw_html));
            }
            Event::End(TagEnd::Heading(level)) => {
                in_heading = false;
                let id = escape(&out.headings.last().map(|h| h.id.clone()).unwrap_or_default());
                sink.push(Event::InlineHtml(
                    format!(r##"<a class="anchor" href="#{id}" aria-hidden="true" tabindex="-1">#</a>"##).into(),
                ));
                sink.push(Event::End(TagEnd::Heading(shift(*level, doc.heading_shift))));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let href = match script_risk(dest_url, UrlUse::Link) {
                    Some(why) => {
                        out.unsafe_urls.push((offset, why));
                        Some("#".to_string())
                    }
                    None => rewrite_link(dest_url, dir, offset, doc, resolve, &mut out),
                };
                sink.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: href.map_or_else(|| dest_url.clone(), CowStr::from),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let src = match script_risk(dest_url, UrlUse::Image) {
                    Some(why) => {
                        out.unsafe_urls.push((offset, why));
                        Some("#".to_string())
                    }
                    None => rewrite_asset(dest_url, dir, offset, resolve, &mut out),
                };
                sink.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: src.map_or_else(|| dest_url.clone(), CowStr::from),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert(*kind);
                sink.push(Event::Html(
                    format!(
                        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => sink.push(Event::Html("</div>\n".into())),
            // A long line makes a code block scroll sideways: it takes focus
            // so a keyboard can scroll it too.
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split([' ', ',']).next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let class =
                    if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(&lang)) };
                sink.push(Event::Html(format!("<pre tabindex=\"0\"><code{class}>").into()));
                let end = find_end(&events, i);
                let code: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) => Some(&**t),
                        _ => None,
                    })
                    .collect();
                if let Some(html) = highlight::highlight(&lang, &code) {
                    sink.push(Event::Html(html.into()));
                    highlighted = true;
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                highlighted = false;
                sink.push(Event::Html("</code></pre>\n".into()));
            }
            Event::Start(Tag::Table(_)) => {
                sink.push(Event::Html("<div class=\"table-wrap\">".into()));
                sink.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                sink.push(event.clone());
                sink.push(Event::Html("</div>\n".into()));
            }
            Event::TaskListMarker(checked) => {
                let label = escape(&item_text(&events, i + 1));
                let checked = if *checked { " checked" } else { "" };
                let key = task_keys.get(&i).map_or_else(String::new, |k| format!(" data-key=\"{k}\""));
                sink.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked}{key} aria-label=\"{label}\"> ").into(),
                ));
            }
            Event::FootnoteReference(label) => {
                let n = footnote_number(&mut footnote_numbers, label);
                let id = footnote_id(doc.id_prefix, label);
                sink.push(Event::InlineHtml(
                    format!("<sup class=\"footnote-ref\"><a href=\"#{id}\" id=\"{id}-ref\">{n}</a></sup>").into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                in_footnote += 1;
                let n = footnote_number(&mut footnote_numbers, label);
                let id = footnote_id(doc.id_prefix, label);
                notes.push(Event::Html(format!("<li id=\"{id}\" value=\"{n}\">").into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                in_footnote -= 1;
                notes.push(Event::Html("</li>\n".into()));
            }
            Event::Html(_) | Event::InlineHtml(_) if !doc.raw_html => sink.push(untrusted(event.clone(), false)),
            other => {
                if let Some(section) = out.sections.last_mut().filter(|_| !in_heading) {
                    match other {
                        Event::Text(t) | Event::Code(t) => section.text.push_str(t),
                        Event::SoftBreak | Event::HardBreak | Event::End(_)
                            if !section.text.ends_with(' ') && !section.text.is_empty() =>
                        {
                            section.text.push(' ');
                        }
                        _ => {}
                    }
                }
                if !(highlighted && matches!(other, Event::Text(_))) {
                    sink.push(other.clone());
                }
            }
        }
        i += 1;
    }
    if !notes.is_empty() {
        main.push(Event::Html("<section class=\"footnotes\" aria-label=\"Footnotes\"><ol>\n".into()));
        main.append(&mut notes);
        main.push(Event::Html("</ol></section>\n".into()));
    }
    out.html.reserve(body.len() + body.len() / 2);
    html::push_html(&mut out.html, main.into_iter());
    // Markdown can ask for far more HTML than it holds (a table row is
    // padded to the header's columns: a thousand of them from a few bytes).
    if out.html.len() > MAX_GROWTH * body.len() + (1 << 20) {
        out.oversized = Some(out.html.len());
        out.html = String::new();
        out.sections.clear();
    }
    // Every rendered document is held until the site is written: what its
    // strings reserved while growing is a third of a 10,000-chapter build's
    // memory.
    out.html.shrink_to_fit();
    for section in &mut out.sections {
        section.text.shrink_to_fit();
    }
    out.sections.shrink_to_fit();
    out.headings.shrink_to_fit();
    out.links.shrink_to_fit();
    out
}

/// How many times its own size a document's HTML may be (real pages are
/// 1.2 to 2 times their markdown).
const MAX_GROWTH: usize = 8;

/// Renders a short front-matter string (`do`, `dont`, `why`) as inline
/// HTML, under the same rules as a body: raw HTML only when trusted, and no
/// link that runs script (the error says why).
pub(crate) fn inline(text: &str, raw_html: bool) -> Result<String, &'static str> {
    let mut events = Vec::new();
    for event in Parser::new_ext(text, parser_options()).map(|e| untrusted(e, raw_html)) {
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(why) = script_risk(dest_url, UrlUse::Link) {
                    return Err(why);
                }
                events.push(event);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(why) = script_risk(dest_url, UrlUse::Image) {
                    return Err(why);
                }
                events.push(event);
            }
            _ => events.push(event),
        }
    }
    let mut html_out = String::with_capacity(text.len() + 16);
    html::push_html(&mut html_out, events.into_iter());
    let trimmed = html_out.trim();
    let single = trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"));
    Ok(match single {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Urls;
    impl Resolve for Urls {
        fn target(&self, file: &str) -> Option<Target> {
            (file == "chapters/b.md").then(|| Target { url: "/b/".into(), anchor_prefix: String::new(), anchor: None })
        }
        fn media_base(&self) -> &str {
            "/media/"
        }
    }

    fn run(body: &str) -> Rendered {
        let text = format!("+++\n+++\n{body}");
        let doc = Input {
            file: "chapters/a.md",
            text: &text,
            body_offset: 8,
            id_prefix: "",
            heading_shift: 0,
            raw_html: true,
        };
        render(&doc, &Urls)
    }

    #[test]
    fn headings_get_unique_anchors() {
        let r = run("## Why\n\n## Why\n\n### Custom {#mine}\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["why", "why-1", "mine"]);
        assert!(r.html.contains("<h2 id=\"why-1\">"), "{}", r.html);
    }

    #[test]
    fn links_to_sources_are_rewritten_and_recorded() {
        let r = run("See [b](b.md#x) and [c](../c.md) and [web](https://x.org).\n\n![d](img/d.png)\n");
        assert!(r.html.contains("href=\"/b/#x\""), "{}", r.html);
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].file.as_deref(), Some("chapters/b.md"));
        assert_eq!(r.links[1].file.as_deref(), Some("c.md"));
        assert_eq!(r.assets[0].file, "chapters/img/d.png");
        assert!(r.html.contains("src=\"/media/chapters/img/d.png\""));
    }

    #[test]
    fn alerts_become_callouts_and_footnotes_move_to_the_end() {
        let r = run("> [!WARNING]\n> Careful.\n\nText[^a].\n\n[^a]: The note.\n\nAfter.\n");
        assert!(r.html.contains("callout-warning"), "{}", r.html);
        let note = r.html.find("The note").unwrap();
        assert!(note > r.html.find("After").unwrap(), "{}", r.html);
    }

    #[test]
    fn without_raw_html_no_author_script_survives() {
        let text = "+++\n+++\n## T {#x\" onclick=\"a onmouseover=b}\n\n<script>x</script>\n\n[a](javascript:alert(1)) [b](JaVa&#x09;Script:x) ![c](data:text/html,x)\n";
        let doc =
            Input { file: "chapters/a.md", text, body_offset: 8, id_prefix: "", heading_shift: 0, raw_html: false };
        let r = render(&doc, &Urls);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onmouseover="), "{}", r.html);
        assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
        assert!(!r.html.contains("data:text"), "{}", r.html);
        assert_eq!(r.unsafe_urls.len(), 3, "{:?}", r.unsafe_urls);
        assert!(inline("[x](javascript:alert(1))", false).is_err());
        assert!(!inline("# x {onclick=alert(1)}", false).unwrap().contains("onclick"));
        assert_eq!(inline("<b>x</b> *y*", false).unwrap(), "&lt;b&gt;x&lt;/b&gt; <em>y</em>");
    }

    #[test]
    fn a_task_item_may_name_its_tick() {
        let r = run("- [ ] Meet your product partner {#meet-pm}\n- [x] Plain item\n");
        assert!(r.html.contains("data-key=\"meet-pm\" aria-label=\"Meet your product partner\""), "{}", r.html);
        assert!(!r.html.contains("{#meet-pm}"), "{}", r.html);
        assert!(r.html.contains("checked aria-label=\"Plain item\""), "{}", r.html);
    }

    #[test]
    fn joins_stay_inside_the_root() {
        assert_eq!(join("chapters/a", "../b.md").as_deref(), Some("chapters/b.md"));
        assert_eq!(join("chapters", "../../x.md"), None);
    }
}

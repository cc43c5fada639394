//! The print view: the whole playbook on one page. Each chapter is a
//! section rendered on its own (in parallel) by `print_chapter.html`; the
//! dev server keeps the sections between rebuilds, because a body edit
//! changes one section of a page that holds them all.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::context::{Lookups, PrintSection};
use super::views::{CardView, PrintDoc, PrintPage, TocItem};
use crate::compile::markdown::Rendered;
use crate::diagnostics::Diagnostic;
use crate::route;
use crate::write::sink::Sink;

/// Stands for the chapters in the rendered frame of the print page.
pub(super) const MARKER: &str = "<!--playbook:print-body-->";

/// The frame with the body in place of the marker (appended if the
/// template does not show `page.body`).
pub(super) fn splice(frame: &str, body: &str) -> String {
    let (head, tail) = frame.split_once(MARKER).unwrap_or((frame, ""));
    let mut out = String::with_capacity(frame.len() + body.len());
    out.push_str(head);
    out.push_str(body);
    out.push_str(tail);
    out
}

/// Sections rendered at a time when nothing is kept, bounding memory.
const BATCH: usize = 256;

/// The page around the chapters, with `MARKER` where they go.
pub(super) fn frame(shared: &Lookups<'_>) -> Result<String, Diagnostic> {
    let site = shared.site;
    let chapters: Vec<TocItem> =
        site.chapters.iter().map(|c| TocItem { title: &c.chapter.meta.title, id: &c.chapter.slug }).collect();
    let onboarding = site.onboarding.as_ref().map(|d| PrintDoc {
        title: &d.doc.title,
        id: "onboarding",
        content: prefix_ids(&d.rendered.html, "onboarding--"),
    });
    let page =
        PrintPage { title: &site.config.title, url: shared.url(&route::print()), chapters, body: MARKER, onboarding };
    let mut ctx = shared.base_ctx.clone();
    ctx.insert("page", &page);
    ctx.insert("kind", "print");
    shared.theme.render("print.html", &ctx)
}

/// Writes the print page a batch of sections at a time, so a build never
/// holds it whole (at 10,000 chapters it is about 100 MB).
pub(super) fn stream(shared: &Lookups<'_>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    let frame = frame(shared)?;
    let (head, tail) = frame.split_once(MARKER).unwrap_or((&frame, ""));
    let route = route::print();
    let failed = |e: std::io::Error| crate::write::sink::write_error(&route, &e);
    sink.put(&route, head.as_bytes().to_vec()).map_err(failed)?;
    let indices: Vec<usize> = (0..shared.site.chapters.len()).collect();
    for batch in indices.chunks(BATCH) {
        let sections: Vec<String> = batch.par_iter().map(|&i| section(shared, i)).collect::<Result<_, _>>()?;
        sink.append(&route, sections.concat().as_bytes()).map_err(failed)?;
    }
    sink.append(&route, tail.as_bytes()).map_err(failed)
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    id: &'a str,
    content: String,
    card: Option<CardView<'a>>,
    /// The part's title when this chapter opens a new part.
    new_part: Option<&'a str>,
    /// The team examples this build shows on the chapter.
    examples: Vec<PrintExample<'a>>,
}

#[derive(Serialize)]
struct PrintExample<'a> {
    title: &'a str,
    team: &'a str,
    author: Option<&'a str>,
    content: String,
}

/// What a chapter's print section is made from: its rendering and its
/// examples' (a section is reused only while every one is the same).
fn inputs(shared: &Lookups<'_>, i: usize) -> Vec<Arc<Rendered>> {
    let mut all = vec![Arc::clone(&shared.site.chapters[i].rendered)];
    all.extend(shared.examples_on(i).iter().map(|ex| Arc::clone(&ex.example.rendered)));
    all
}

/// The chapter sections, concatenated, for the dev server: sections whose
/// chapter rendering is unchanged come from the cache when `reuse` (only
/// valid when nothing but bodies changed since it was filled).
pub(super) fn body(shared: &Lookups<'_>, reuse: bool) -> Result<String, Diagnostic> {
    let site = shared.site;
    let cache = shared.print_cache;
    let cached: Vec<Option<PrintSection>> = if reuse { crate::sync::lock(&cache.sections).clone() } else { Vec::new() };
    let sections: Vec<(Vec<Arc<Rendered>>, Arc<str>)> = (0..site.chapters.len())
        .into_par_iter()
        .map(|i| {
            let now = inputs(shared, i);
            match cached.get(i) {
                Some(Some((was, html)))
                    if was.len() == now.len() && was.iter().zip(&now).all(|(a, b)| Arc::ptr_eq(a, b)) =>
                {
                    Ok((now, Arc::clone(html)))
                }
                _ => section(shared, i).map(|html| (now, Arc::from(html))),
            }
        })
        .collect::<Result<_, Diagnostic>>()?;
    let body: String = sections.iter().map(|(_, html)| &**html).collect();
    *crate::sync::lock(&cache.sections) = sections.into_iter().map(Some).collect();
    Ok(body)
}

fn section(shared: &Lookups<'_>, i: usize) -> Result<String, Diagnostic> {
    let site = shared.site;
    let compiled = &site.chapters[i];
    let c = &compiled.chapter;
    // Every chapter's ids share one page: prefix them with the slug.
    let prefix = format!("{}--", c.slug);
    let content = prefix_ids(&compiled.rendered.html, &prefix);
    let new_part = (i == 0 || site.chapters[i - 1].chapter.part != c.part)
        .then(|| site.part(c.part).map(|p| p.title.as_str()))
        .flatten();
    let examples = shared
        .examples_on(i)
        .iter()
        .map(|ex| {
            let e = &ex.example.example;
            PrintExample {
                title: &e.meta.title,
                team: &ex.team.team.name,
                author: e.meta.author.as_deref(),
                content: prefix_ids(&ex.example.rendered.html, &prefix),
            }
        })
        .collect();
    let mut ctx: Context = shared.base_ctx.clone();
    let card = CardView::of(&compiled.card);
    ctx.insert("chapter", &SectionView { title: &c.meta.title, id: &c.slug, content, card, new_part, examples });
    shared.theme.render("print_chapter.html", &ctx)
}

/// Prefixes every ` id="` value and every `href="#` target in one pass.
fn prefix_ids(html: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut copied = 0;
    for (at, _) in html.match_indices("=\"") {
        let value = at + 2;
        let before = &html[..value];
        let insert = if before.ends_with(" id=\"") {
            Some(value)
        } else if before.ends_with("href=\"") && html[value..].starts_with('#') {
            Some(value + 1)
        } else {
            None
        };
        if let Some(i) = insert {
            out.push_str(&html[copied..i]);
            out.push_str(prefix);
            copied = i;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_and_fragment_links_get_the_prefix() {
        let html = r##"<h2 id="a">A</h2><a href="#a">x</a><a href="/b/#c">y</a><p data-id="z">"##;
        assert_eq!(
            super::prefix_ids(html, "ch--"),
            r##"<h2 id="ch--a">A</h2><a href="#ch--a">x</a><a href="/b/#c">y</a><p data-id="z">"##
        );
    }
}

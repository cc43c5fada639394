//! Checks every link between sources once all documents are rendered: the
//! target must be a page of this build and the `#fragment` one of its
//! anchors. Relative images and files must exist; the ones that do are kept
//! for copying.

use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markdown::Rendered;
use crate::routes;
use crate::site::Site;
use crate::toml_fields::did_you_mean_owned;

struct Source<'a> {
    file: &'a str,
    text: &'a str,
    rendered: &'a Rendered,
    /// Prefix of the ids this document defines on its page.
    prefix: String,
    /// This build shows it (a team edition shows one team's examples):
    /// only then are the files it links to published.
    shown: bool,
}

fn sources(site: &Site) -> Vec<Source<'_>> {
    let book = &site.book;
    let mut out = Vec::with_capacity(book.chapters.len() + 1);
    for (c, r) in book.chapters.iter().zip(&site.chapters) {
        out.push(Source { file: &c.doc.file, text: &c.doc.text, rendered: r, prefix: String::new(), shown: true });
    }
    for (team, rendered) in book.teams.iter().zip(&site.examples) {
        let shown = book.shows_team(&team.id);
        for (ex, r) in team.examples.iter().zip(rendered) {
            out.push(Source {
                file: &ex.doc.file,
                text: &ex.doc.text,
                rendered: r,
                prefix: format!("{}-", ex.anchor()),
                shown,
            });
        }
    }
    if let (Some(d), Some(r)) = (&book.onboarding, &site.onboarding) {
        out.push(Source { file: &d.file, text: &d.text, rendered: r, prefix: String::new(), shown: true });
    }
    out
}

/// Did-you-mean suggestions computed for one source file.
const SUGGESTIONS_PER_FILE: usize = 100;

pub(crate) fn check(site: &mut Site) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut assets = Vec::new();
    {
        let sources = sources(site);
        let by_file: HashMap<&str, &Source<'_>> = sources.iter().map(|s| (s.file, s)).collect();
        let ids: HashMap<&str, HashSet<&str>> =
            sources.iter().map(|s| (s.file, s.rendered.headings.iter().map(|h| h.id.as_str()).collect())).collect();
        let drafts: HashSet<&str> = site.book.drafts.iter().map(String::as_str).collect();
        let broken: HashSet<&str> = site.book.broken.iter().map(String::as_str).collect();

        // A target's anchors without their prefix, made once per target.
        let mut anchors_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for src in &sources {
            // Found once per file: a file may hold thousands of problems.
            let lines = LineIndex::new(src.text);
            // Did-you-mean costs a comparison with every candidate; past this
            // many in one file, the help lists the anchors instead.
            let mut suggestions_left = SUGGESTIONS_PER_FILE;
            for &(offset, why) in &src.rendered.unsafe_urls {
                diags.push(
                    Diagnostic::error("unsafe-url", src.file, format!("this URL is refused: {why}"))
                        .at_index(&lines, src.text, offset)
                        .with_help("link to a page of the playbook or an http(s) address"),
                );
            }
            for link in &src.rendered.links {
                let target = link.file.as_deref().map_or(Some(src), |f| by_file.get(f).copied());
                let Some(target) = target else {
                    let file = link.file.as_deref().unwrap_or_default();
                    if broken.contains(file) {
                        continue;
                    }
                    let suggest = suggestions_left > 0;
                    suggestions_left = suggestions_left.saturating_sub(1);
                    diags.push(missing_file(src, &lines, link.offset, file, &drafts, suggest.then_some(&by_file)));
                    continue;
                };
                let Some(fragment) = &link.fragment else {
                    continue;
                };
                let wanted = format!("{}{fragment}", target.prefix);
                if ids[target.file].contains(wanted.as_str()) {
                    continue;
                }
                let mut d = Diagnostic::error(
                    "broken-anchor",
                    src.file,
                    format!("`{}` has no heading with the anchor `#{fragment}`", target.file),
                )
                .at_index(&lines, src.text, link.offset);
                let plain = anchors_of.entry(target.file).or_insert_with(|| {
                    let prefix = target.prefix.as_str();
                    target.rendered.headings.iter().map(|h| h.id.strip_prefix(prefix).unwrap_or(&h.id)).collect()
                });
                let best = if suggestions_left > 0 {
                    suggestions_left -= 1;
                    did_you_mean_owned(fragment, plain.iter().copied())
                } else {
                    None
                };
                d = match best {
                    Some(best) => d.with_help(format!("did you mean `#{best}`?")),
                    None if plain.is_empty() => d.with_help("that page has no headings"),
                    None => d.with_help(format!("its anchors are: {}", shorten(plain))),
                };
                diags.push(d);
            }
            for asset in &src.rendered.assets {
                let place = |d: Diagnostic| d.at_index(&lines, src.text, asset.offset);
                if !site.book.sources.exists(&asset.file) {
                    diags.push(place(Diagnostic::warning(
                        "missing-file",
                        src.file,
                        format!("`{}` does not exist", asset.file),
                    )));
                    continue;
                }
                // Resolved here, read at the copy: both through `Sources`.
                if let Err(mut d) = site.book.sources.resolve(&asset.file) {
                    d.file = src.file.to_string();
                    d.message = format!("`{}` cannot be published: {}", asset.file, d.message);
                    diags.push(place(d));
                    continue;
                }
                if !site.book.config.raw_html
                    && let Some(why) = scripted_file(&site.book.sources, &asset.file)
                {
                    diags.push(place(
                        Diagnostic::error(
                            "unsafe-url",
                            src.file,
                            format!("`{}` cannot be published with raw_html = false: {why}", asset.file),
                        )
                        .with_help("link to a picture (PNG, JPEG, GIF, WebP, or an SVG without script) or a PDF"),
                    ));
                    continue;
                }
                match routes::media(&asset.file) {
                    Ok(route) if src.shown => assets.push((asset.file.clone(), route)),
                    Ok(_) => {}
                    Err(why) => diags.push(place(Diagnostic::error(
                        "bad-path",
                        src.file,
                        format!("`{}` cannot be published: {why}", asset.file),
                    ))),
                }
            }
        }
    }
    site.assets.extend(assets);
    diags
}

/// Why a linked file would run script when a reader opens it from the
/// site (it is served from the site's own origin), if it would: HTML and
/// script files always, an SVG when it holds script or event handlers.
fn scripted_file(sources: &crate::source::Sources, file: &str) -> Option<&'static str> {
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "xht" | "xml" | "js" | "mjs" | "shtml" => {
            Some("opened from the site, it would run as a page of the site")
        }
        "svg" | "svgz" => {
            let text = String::from_utf8_lossy(&sources.read(file).ok()?).to_ascii_lowercase();
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let handler =
                text.match_indices(" on").chain(text.match_indices("\ton")).chain(text.match_indices("\non")).any(
                    |(i, m)| {
                        text[i + m.len()..].chars().take_while(char::is_ascii_alphabetic).count() > 0
                            && text[i + m.len()..]
                                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                                .trim_start()
                                .starts_with('=')
                    },
                );
            let scripted = [
                "<script",
                "javascript:",
                "<foreignobject",
                "<iframe",
                "<embed",
                "<object",
                "data:text/html",
                "<handler",
            ]
            .iter()
            .any(|m| compact.contains(m));
            (scripted || handler).then_some("the SVG holds script or event handlers")
        }
        _ => None,
    }
}

fn missing_file(
    src: &Source<'_>,
    lines: &LineIndex,
    offset: usize,
    file: &str,
    drafts: &HashSet<&str>,
    pages: Option<&HashMap<&str, &Source<'_>>>,
) -> Diagnostic {
    if drafts.contains(file) {
        return Diagnostic::error(
            "link-to-draft",
            src.file,
            format!("links to `{file}`, a draft left out of this build"),
        )
        .at_index(lines, src.text, offset)
        .with_help("build with --drafts, or remove the link until the chapter is published");
    }
    let d =
        Diagnostic::error("broken-link", src.file, format!("links to `{file}`, which is not a page of this playbook"))
            .at_index(lines, src.text, offset);
    match pages.and_then(|pages| did_you_mean_owned(file, pages.keys().copied())) {
        Some(best) => d.with_help(format!("did you mean `{best}`?")),
        None => d.with_help("link to a chapter, a team example or onboarding.md, relative to this file"),
    }
}

fn shorten(items: &[&str]) -> String {
    let mut s = items.iter().take(10).map(|a| format!("#{a}")).collect::<Vec<_>>().join(", ");
    if items.len() > 10 {
        s.push_str(", ...");
    }
    s
}

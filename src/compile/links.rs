//! Checks every link between sources once all documents are rendered: the
//! target must be a page of this build and the `#fragment` one of its
//! anchors. Relative images and files must exist; the ones that do are kept
//! for copying.

// foldhash (seeded per process): SipHash was an eighth of a dev-server rebuild.
use foldhash::{HashMap, HashMapExt, HashSet};

use crate::compile::markdown::Rendered;
use crate::compile::site::Site;
use crate::diagnostics::suggest::did_you_mean_owned;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::route;

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
    let mut out = Vec::with_capacity(site.chapters.len() + 1);
    for c in &site.chapters {
        let doc = &c.chapter.doc;
        out.push(Source {
            file: &doc.file,
            text: &doc.text,
            rendered: &c.rendered,
            prefix: String::new(),
            shown: true,
        });
    }
    for team in &site.teams {
        for ex in &team.examples {
            let doc = &ex.example.doc;
            out.push(Source {
                file: &doc.file,
                text: &doc.text,
                rendered: &ex.rendered,
                prefix: format!("{}-", ex.example.anchor()),
                shown: team.shown,
            });
        }
    }
    if let Some(d) = &site.onboarding {
        out.push(Source {
            file: &d.doc.file,
            text: &d.doc.text,
            rendered: &d.rendered,
            prefix: String::new(),
            shown: true,
        });
    }
    out
}

/// Did-you-mean suggestions computed for one source file.
const SUGGESTIONS_PER_FILE: usize = 100;

/// Checks every link of `site`. `drafts` are the sources a build leaves out
/// (a link to one gets its own message); `broken` failed to load (their
/// error is reported; links to them are not reported again).
pub(crate) fn check(site: &mut Site, drafts: &[String], broken: &[String]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut assets = Vec::new();
    {
        let sources = sources(site);
        let by_file: HashMap<&str, &Source<'_>> = sources.iter().map(|s| (s.file, s)).collect();
        let ids: HashMap<&str, HashSet<&str>> =
            sources.iter().map(|s| (s.file, s.rendered.headings.iter().map(|h| h.id.as_str()).collect())).collect();
        let drafts: HashSet<&str> = drafts.iter().map(String::as_str).collect();
        let broken: HashSet<&str> = broken.iter().map(String::as_str).collect();

        // Every page and file path, made only if some document links by an
        // absolute path: most playbooks have none, and this runs on every
        // compile (every dev-server rebuild).
        let known = std::cell::OnceCell::new();
        let known = || known.get_or_init(|| known_paths(site));
        // A target's anchors without their prefix, made once per target.
        let mut anchors_of: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut checked: HashMap<&str, Result<(), Option<Diagnostic>>> = HashMap::new();
        for src in &sources {
            // Made once per file, and only for a file with a problem: a
            // file may hold thousands of them, most files none.
            let lines = std::cell::OnceCell::new();
            let lines = || lines.get_or_init(|| LineIndex::new(src.text));
            // Did-you-mean costs a comparison with every candidate; past this
            // many in one file, the help lists the anchors instead.
            let mut suggestions_left = SUGGESTIONS_PER_FILE;
            if let Some(size) = src.rendered.oversized {
                diags.push(
                    Diagnostic::error(
                        "too-large",
                        src.file,
                        format!("the file renders to {} MiB of HTML, far more than its size explains", size >> 20),
                    )
                    .with_help("a table with hundreds of columns in few rows? split it"),
                );
            }
            for &(offset, why) in &src.rendered.unsafe_urls {
                diags.push(
                    Diagnostic::error("unsafe-url", src.file, format!("this URL is refused: {why}"))
                        .at_index(lines(), src.text, offset)
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
                    diags.push(missing_file(src, lines(), link.offset, file, &drafts, suggest.then_some(&by_file)));
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
                .at_index(lines(), src.text, link.offset);
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
            for (path, offset) in &src.rendered.absolute {
                if let Some(mut d) = absolute_link(site, known(), src.file, path) {
                    let best = suggestions_left.checked_sub(1).and_then(|left| {
                        suggestions_left = left;
                        let rel = path.strip_prefix(site.base.as_str()).unwrap_or(path);
                        did_you_mean_owned(rel, known().iter().map(String::as_str))
                    });
                    if let Some(best) = best {
                        d = d.with_help(format!("did you mean `{}{best}`?", site.base));
                    }
                    diags.push(d.at_index(lines(), src.text, *offset));
                }
            }
            for asset in &src.rendered.assets {
                let place = |d: Diagnostic| d.at_index(lines(), src.text, asset.offset);
                // Looked up once per file, however often it is linked.
                let found = checked.entry(asset.file.as_str()).or_insert_with(|| {
                    let sources = &site.sources;
                    if !sources.exists(&asset.file) {
                        return Err(None);
                    }
                    // Resolved here, read at the copy: both through `Sources`.
                    sources.resolve(&asset.file).map(|_| ()).map_err(Some)
                });
                match found {
                    Ok(()) => {}
                    Err(None) => {
                        diags.push(place(Diagnostic::warning(
                            "missing-file",
                            src.file,
                            format!("`{}` does not exist", asset.file),
                        )));
                        continue;
                    }
                    Err(Some(why)) => {
                        let mut d = why.clone();
                        d.file = src.file.to_string();
                        d.message = format!("`{}` cannot be published: {}", asset.file, d.message);
                        diags.push(place(d));
                        continue;
                    }
                }
                if !site.config.raw_html
                    && let Some(why) = scripted_file(&asset.file)
                {
                    diags.push(place(
                        Diagnostic::error(
                            "unsafe-url",
                            src.file,
                            format!("`{}` cannot be published with raw_html = false: {why}", asset.file),
                        )
                        .with_help("link to a picture (PNG, JPEG, GIF, WebP), a PDF or another document"),
                    ));
                    continue;
                }
                match route::media(&asset.file) {
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

/// Every path below the base a link may point at: page URLs (`part/x/`)
/// and files (`404.html`, static files).
fn known_paths(site: &Site) -> HashSet<String> {
    let pages = site.chapters.iter().map(|c| &c.chapter.route);
    let pages = pages.chain(site.parts.iter().map(|p| &p.route));
    let pages = pages.chain(site.teams.iter().filter(|t| t.shown).map(|t| &t.team.route));
    let pages = pages.chain(site.routes.tags.values()).chain(site.routes.aliases.iter().map(|a| &a.route));
    let mut known: HashSet<String> = pages.map(|r| r.url_path().to_string()).collect();
    let fixed = [route::home(), route::teams_index(), route::tags_index(), route::print(), route::not_found()];
    known.extend(fixed.iter().map(|r| r.url_path().to_string()));
    if site.onboarding.is_some() {
        known.insert(route::onboarding().url_path().to_string());
    }
    known.extend(site.routes.statics.iter().map(|(r, _)| r.as_str().to_string()));
    known
}

/// The error for a link to a path on this host that is under the site's
/// base path but is none of its pages or files. Paths outside the base
/// (another site on the same host) and the generator's own folders
/// (`assets/`, `media/`, `search/`) are not judged.
fn absolute_link(site: &Site, known: &HashSet<String>, file: &str, link: &str) -> Option<Diagnostic> {
    let path = link.split(['#', '?']).next().unwrap_or(link);
    let rel = path.strip_prefix(site.base.as_str()).or_else(|| (path.to_string() + "/" == site.base).then_some(""))?;
    let rel = percent_encoding::percent_decode_str(rel).decode_utf8_lossy();
    let first = rel.split('/').next().unwrap_or("");
    let found = known.contains(rel.as_ref())
        || known.contains(&format!("{rel}/"))
        || rel.strip_suffix("index.html").is_some_and(|dir| known.contains(dir))
        || (rel.contains('/') && route::GENERATED_DIRS.contains(&first));
    (!found).then(|| {
        Diagnostic::error(
            "broken-link",
            file,
            format!("links to `{}`, which is not a page of this playbook", crate::diagnostics::clean(path)),
        )
    })
}

/// File types that cannot run script when a reader opens them from the
/// site (which serves them from its own origin): pictures, sound, video,
/// documents and archives. With `raw_html = false` only these are published
/// from links; anything else (HTML, SVG, XML, scripts, unknown types a
/// server might sniff as HTML) could carry an author's script.
const INERT: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "tif", "tiff", "pdf", "txt", "csv", "tsv", "json",
    "mp3", "m4a", "ogg", "oga", "wav", "flac", "mp4", "m4v", "webm", "ogv", "mov", "zip", "gz", "tgz", "docx", "xlsx",
    "pptx", "odt", "ods", "odp", "key", "numbers", "pages",
];

/// Why a linked file may not be published with `raw_html = false`, if not.
fn scripted_file(file: &str) -> Option<&'static str> {
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    if INERT.contains(&ext.as_str()) {
        return None;
    }
    Some(match ext.as_str() {
        "svg" | "svgz" => "an SVG can hold script (use PNG, or trust authors with raw_html = true)",
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "xml" | "js" | "mjs" => {
            "opened from the site, it would run as a page of the site"
        }
        _ => "only pictures, sound, video, documents and archives are published from links",
    })
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

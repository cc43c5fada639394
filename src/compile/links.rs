//! Checks every link between sources once all documents are rendered: the
//! target must be a page of this build and the `#fragment` one of its
//! anchors. Relative images and files must exist; the ones that do are kept
//! for copying.

// foldhash (seeded per process): SipHash was an eighth of a dev-server rebuild.
use foldhash::{HashMap, HashMapExt, HashSet};

use crate::compile::markdown::Rendered;
use crate::compile::site::{DocRef, DocView, Site};
use crate::diagnostics::suggest::did_you_mean_owned;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::route::{self, Route};
use std::sync::Arc;

/// Did-you-mean suggestions computed for one source file.
const SUGGESTIONS_PER_FILE: usize = 100;

/// What checking some documents' links found.
#[derive(Default)]
pub(crate) struct Found {
    pub diags: Vec<Diagnostic>,
    /// Files they link to that exist and are published, with their route.
    pub assets: Vec<(String, Route)>,
}

/// Checks every link of `site`. `drafts` are the sources a build leaves out
/// (a link to one gets its own message); `broken` failed to load (their
/// error is reported; links to them are not reported again).
pub(crate) fn check(site: &mut Site, drafts: &[String], broken: &[String]) -> Vec<Diagnostic> {
    let docs: Vec<DocRef> = site.doc_refs().collect();
    let found = check_docs(site, &docs, drafts, broken);
    Arc::make_mut(&mut site.assets).extend(found.assets);
    found.diags
}

/// Checks the links of `docs` only, against the whole site: what a body
/// edit needs (every diagnostic of a document's links is reported at that
/// document, so the others' stand).
pub(crate) fn check_docs(site: &Site, docs: &[DocRef], drafts: &[String], broken: &[String]) -> Found {
    let mut checker = Checker {
        site,
        drafts: drafts.iter().map(String::as_str).collect(),
        broken: broken.iter().map(String::as_str).collect(),
        ids: HashMap::new(),
        anchors_of: HashMap::new(),
        checked: HashMap::new(),
        known: std::cell::OnceCell::new(),
        found: Found::default(),
    };
    for view in docs.iter().filter_map(|&at| site.doc(at)) {
        checker.check(&view);
    }
    checker.found
}

/// What checking links needs and what it learns on the way, shared by
/// every document checked in one go.
struct Checker<'a> {
    site: &'a Site,
    drafts: HashSet<&'a str>,
    broken: HashSet<&'a str>,
    /// A target's ids, made once per target when a link names a fragment.
    ids: HashMap<&'a str, HashSet<&'a str>>,
    /// A target's anchors without their prefix, made once per target.
    anchors_of: HashMap<&'a str, Vec<&'a str>>,
    /// Linked files, looked up once however often they are linked.
    checked: HashMap<&'a str, Result<(), Option<Diagnostic>>>,
    /// Every page and file path, made only if some document links by an
    /// absolute path: most playbooks have none, and this runs on every
    /// dev-server rebuild.
    known: std::cell::OnceCell<HashSet<String>>,
    found: Found,
}

impl<'a> Checker<'a> {
    fn check(&mut self, src: &DocView<'a>) {
        let site = self.site;
        let file = src.doc.file.as_str();
        let text: &'a str = &src.doc.text;
        let rendered: &'a Rendered = src.rendered;
        let diags = &mut self.found.diags;
        // Made once per file, and only for a file with a problem: a
        // file may hold thousands of them, most files none.
        let lines = std::cell::OnceCell::new();
        let lines = || lines.get_or_init(|| LineIndex::new(text));
        // Did-you-mean costs a comparison with every candidate; past this
        // many in one file, the help lists the anchors instead.
        let mut suggestions_left = SUGGESTIONS_PER_FILE;
        if let Some(size) = rendered.oversized {
            diags.push(
                Diagnostic::error(
                    "too-large",
                    file,
                    format!("the file renders to {} MiB of HTML, far more than its size explains", size >> 20),
                )
                .with_help("a table with hundreds of columns in few rows? split it"),
            );
        }
        for &(offset, why) in &rendered.unsafe_urls {
            diags.push(
                Diagnostic::error("unsafe-url", file, format!("this URL is refused: {why}"))
                    .at_index(lines(), text, offset)
                    .with_help("link to a page of the playbook or an http(s) address"),
            );
        }
        for link in &rendered.links {
            let target = match link.file.as_deref() {
                None => Some((file, src.id_prefix.clone(), rendered)),
                Some(f) => site
                    .docs
                    .get_key_value(f)
                    .and_then(|(f, &at)| site.doc(at).map(|v| (f.as_str(), v.id_prefix, &**v.rendered))),
            };
            let Some((target, prefix, target_rendered)) = target else {
                let missing = link.file.as_deref().unwrap_or_default();
                if self.broken.contains(missing) {
                    continue;
                }
                let suggest = suggestions_left > 0;
                suggestions_left = suggestions_left.saturating_sub(1);
                let d = missing_file(file, text, lines(), link.offset, missing, &self.drafts, suggest.then_some(site));
                diags.push(d);
                continue;
            };
            let Some(fragment) = &link.fragment else {
                continue;
            };
            let wanted = format!("{prefix}{fragment}");
            let ids = self
                .ids
                .entry(target)
                .or_insert_with(|| target_rendered.headings.iter().map(|h| h.id.as_str()).collect());
            if ids.contains(wanted.as_str()) {
                continue;
            }
            let mut d = Diagnostic::error(
                "broken-anchor",
                file,
                format!("`{target}` has no heading with the anchor `#{fragment}`"),
            )
            .at_index(lines(), text, link.offset);
            let plain = self.anchors_of.entry(target).or_insert_with(|| {
                let headings = target_rendered.headings.iter();
                headings.map(|h| h.id.strip_prefix(prefix.as_str()).unwrap_or(&h.id)).collect()
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
        for (path, offset) in &rendered.absolute {
            let known = self.known.get_or_init(|| known_paths(site));
            if let Some(mut d) = absolute_link(site, known, file, path) {
                let best = suggestions_left.checked_sub(1).and_then(|left| {
                    suggestions_left = left;
                    let rel = path.strip_prefix(site.base.as_str()).unwrap_or(path);
                    did_you_mean_owned(rel, known.iter().map(String::as_str))
                });
                if let Some(best) = best {
                    d = d.with_help(format!("did you mean `{}{best}`?", site.base));
                }
                diags.push(d.at_index(lines(), text, *offset));
            }
        }
        for asset in &rendered.assets {
            let place = |d: Diagnostic| d.at_index(lines(), text, asset.offset);
            let found = self.checked.entry(asset.file.as_str()).or_insert_with(|| {
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
                        file,
                        format!("`{}` does not exist", asset.file),
                    )));
                    continue;
                }
                Err(Some(why)) => {
                    let mut d = why.clone();
                    d.file = file.to_string();
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
                        file,
                        format!("`{}` cannot be published with raw_html = false: {why}", asset.file),
                    )
                    .with_help("link to a picture (PNG, JPEG, GIF, WebP), a PDF or another document"),
                ));
                continue;
            }
            match route::media(&asset.file) {
                Ok(route) if src.shown => self.found.assets.push((asset.file.clone(), route)),
                Ok(_) => {}
                Err(why) => diags.push(place(Diagnostic::error(
                    "bad-path",
                    file,
                    format!("`{}` cannot be published: {why}", asset.file),
                ))),
            }
        }
    }
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
    src: &str,
    text: &str,
    lines: &LineIndex,
    offset: usize,
    file: &str,
    drafts: &HashSet<&str>,
    pages: Option<&Site>,
) -> Diagnostic {
    if drafts.contains(file) {
        return Diagnostic::error("link-to-draft", src, format!("links to `{file}`, a draft left out of this build"))
            .at_index(lines, text, offset)
            .with_help("build with --drafts, or remove the link until the chapter is published");
    }
    let d = Diagnostic::error("broken-link", src, format!("links to `{file}`, which is not a page of this playbook"))
        .at_index(lines, text, offset);
    match pages.and_then(|site| did_you_mean_owned(file, site.docs.keys().map(String::as_str))) {
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

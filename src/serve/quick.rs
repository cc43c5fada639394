//! The dev server's quickest rebuild, for the commonest saves: an author
//! edits the body of a chapter (or an example, or onboarding), or a file
//! the site copies as it is (a stylesheet in `static/`, a picture), and
//! nothing else. Only the saved documents are read, rendered and
//! link-checked; the next site is the last one with their records swapped
//! (every other record is shared, not copied).
//!
//! It applies only when it cannot differ from a full rebuild; otherwise it
//! declines (`None`) and `rebuild.rs` loads the whole playbook, which finds
//! out for itself what changed. It declines when a path is neither a
//! document nor a copied file the last site holds (a new, removed or other
//! file), when the front
//! matter changed by a byte, when a document's headings changed (links
//! elsewhere may point at them), and when the files it links to changed
//! (those are copied, and counted in the structure key).

use crate::compile::links;
use crate::compile::site::{DocRef, Site};
use crate::content;
use crate::diagnostics::{self, Diagnostic};
use crate::render::Changed;

/// The site after a body edit, and what the edit changed.
pub(crate) struct BodyEdit {
    pub site: Site,
    pub changed: Changed,
    /// Every diagnostic of the new site (the last one's, with the edited
    /// documents' link checks made again).
    pub warnings: Vec<Diagnostic>,
}

/// Applies a save of `paths` (root-relative) to `site`, whose diagnostics
/// were `warnings`. `None`: not a body edit; do a full rebuild.
pub(crate) fn body_edit(
    site: &Site,
    warnings: &[Diagnostic],
    paths: &[String],
) -> Option<Result<BodyEdit, Vec<Diagnostic>>> {
    if paths.is_empty() {
        return None;
    }
    let mut edits = Vec::new();
    for path in paths {
        let Some(&at) = site.docs.get(path) else {
            // Copied again by the caller, which compares every copied
            // file's stamp; the site itself does not change.
            if copied_as_is(site, path) && site.sources.exists(path) {
                continue;
            }
            return None;
        };
        let old = site.doc(at)?;
        let doc = content::reread_body(&site.sources, old.doc)?;
        if doc.text == old.doc.text {
            continue;
        }
        let rendered = site.render_doc(&doc, &old.id_prefix, old.heading_shift);
        let ids = |r: &crate::compile::markdown::Rendered| r.headings.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        if ids(&rendered) != ids(old.rendered) {
            return None;
        }
        edits.push((at, doc, std::sync::Arc::new(rendered)));
    }
    let docs: Vec<DocRef> = edits.iter().map(|(at, ..)| *at).collect();
    // The files the edited documents linked to that the site publishes,
    // as it publishes them (not as the disk has them now: one may have
    // gone or come without an event).
    let mut published: Vec<(&str, &str)> = Vec::new();
    for view in docs.iter().filter_map(|&at| site.doc(at)) {
        let linked = view.rendered.assets.iter().filter(|_| view.shown);
        published
            .extend(linked.filter_map(|a| site.assets.get_key_value(&a.file)).map(|(f, r)| (f.as_str(), r.as_str())));
    }
    let before = links::check_docs(site, &docs, &site.drafts, &[]);
    let mut next = site.clone();
    for (at, doc, rendered) in edits {
        next.with_doc(at, doc, rendered);
    }
    let after = links::check_docs(&next, &docs, &site.drafts, &[]);
    let mut now: Vec<(&str, &str)> = after.assets.iter().map(|(f, r)| (f.as_str(), r.as_str())).collect();
    for files in [&mut published, &mut now] {
        files.sort_unstable();
        files.dedup();
    }
    if published != now {
        return None;
    }
    // A body's diagnostics all come from checking its links (the front
    // matter's stand, unchanged): swap the edited documents' for new ones.
    let mut warnings = warnings.to_vec();
    for gone in &before.diags {
        if let Some(i) = warnings.iter().position(|d| d == gone) {
            warnings.remove(i);
        }
    }
    warnings.extend(after.diags);
    diagnostics::sort(&mut warnings);
    if diagnostics::count_errors(&warnings) > 0 {
        return Some(Err(warnings));
    }
    let changed = super::rebuild::showing(&next, &docs);
    Some(Ok(BodyEdit { site: next, changed, warnings }))
}

/// A file the site copies as it is: one of the root's `static/` files, or
/// a file a page links to. Never a file the load reads too (a page may
/// link to a `team.toml`): its edit shows on pages.
fn copied_as_is(site: &Site, path: &str) -> bool {
    if path.ends_with(".toml") || path.ends_with(".md") {
        return false;
    }
    site.assets.contains_key(path) || site.routes.statics.iter().any(|(_, f)| !f.is_theme() && f.origin() == path)
}

//! The sidebar. A page carries a bounded window of the table of contents
//! around itself (so output grows linearly with chapters, not with their
//! square); when the playbook is larger than the window, the theme's script
//! swaps in the full tree from one shared file.

use std::borrow::Cow;

use serde::Serialize;

use crate::compile::site::Site;

/// Chapters shown on each side of the current one.
const HALF_WINDOW: usize = 15;

/// One line of the side navigation: a part or a chapter.
#[derive(Serialize)]
pub(crate) struct NavEntry<'a> {
    /// `part` or `chapter`.
    pub kind: &'static str,
    pub depth: usize,
    pub title: &'a str,
    pub url: String,
    pub current: bool,
    /// A chapter's last commit (seconds since 1970).
    pub changed: Option<i64>,
}

/// The side navigation as templates see it (`nav`).
#[derive(Serialize)]
pub(crate) struct NavView<'a> {
    pub entries: Vec<NavEntry<'a>>,
    /// `entries` as the default theme's `<ul>`, built here: a template loop
    /// over them, on every page, was a tenth of a whole build's work.
    pub list: String,
    /// True when some chapters are left out of `entries`.
    pub partial: bool,
    pub hidden_before: usize,
    pub hidden_after: usize,
}

/// The parts above each chapter, outermost first.
pub(crate) fn ancestors(site: &Site) -> Vec<Vec<usize>> {
    (0..site.chapters.len()).map(|i| chain(site, i)).collect()
}

/// The parts above chapter `i`, outermost first.
pub(crate) fn chain(site: &Site, i: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut at = site.chapters.get(i).and_then(|c| c.chapter.part);
    while let Some(p) = at {
        chain.push(p);
        at = site.parts[p].parent;
    }
    chain.reverse();
    chain
}

/// The parts above a chapter, by its index.
pub(crate) type Chains<'c> = dyn Fn(usize) -> Cow<'c, [usize]> + 'c;

/// The window of the sidebar around chapter `current` (or the start).
pub(crate) fn window<'a>(
    site: &'a Site,
    chains: &Chains<'_>,
    base: &str,
    current: Option<usize>,
    current_part: Option<usize>,
) -> NavView<'a> {
    let n = site.chapters.len();
    let std::ops::Range { start, end } = window_range(n, current);
    let entries = entries(site, chains, base, start..end, current, current_part);
    NavView {
        list: list_html(&entries),
        entries,
        partial: start > 0 || end < n,
        hidden_before: start,
        hidden_after: n - end,
    }
}

/// The chapters (by index) the sidebar of chapter `current` lists, of `n`.
pub(crate) fn window_range(n: usize, current: Option<usize>) -> std::ops::Range<usize> {
    if n <= 2 * HALF_WINDOW + 1 {
        return 0..n;
    }
    let centre = current.unwrap_or(0);
    let start = centre.saturating_sub(HALF_WINDOW).min(n - (2 * HALF_WINDOW + 1));
    start..start + 2 * HALF_WINDOW + 1
}

/// The chapters whose page's sidebar lists chapter `i`, of `n`.
pub(crate) fn listed_by(n: usize, i: usize) -> impl Iterator<Item = usize> {
    let around = i.saturating_sub(2 * HALF_WINDOW + 1)..(i + 2 * HALF_WINDOW + 2).min(n);
    let all = if n <= 2 * HALF_WINDOW + 1 { 0..n } else { around };
    all.filter(move |&j| window_range(n, Some(j)).contains(&i))
}

/// Every chapter: the tree the script loads on large playbooks.
pub(crate) fn full<'a>(site: &'a Site, chains: &Chains<'_>, base: &str) -> NavView<'a> {
    let entries = entries(site, chains, base, 0..site.chapters.len(), None, None);
    NavView { list: list_html(&entries), entries, partial: false, hidden_before: 0, hidden_after: 0 }
}

fn entries<'a>(
    site: &'a Site,
    chains: &Chains<'_>,
    base: &str,
    range: std::ops::Range<usize>,
    current: Option<usize>,
    current_part: Option<usize>,
) -> Vec<NavEntry<'a>> {
    let mut out = Vec::new();
    let mut open: Cow<'_, [usize]> = Cow::Borrowed(&[]);
    for i in range {
        let chain = chains(i);
        let shared = open.iter().zip(chain.iter()).take_while(|(a, b)| a == b).count();
        for &p in &chain[shared..] {
            let part = &site.parts[p];
            out.push(NavEntry {
                kind: "part",
                depth: part.depth,
                title: &part.title,
                url: part.route.url(base),
                current: current_part == Some(p),
                changed: None,
            });
        }
        let depth = chain.len();
        open = chain;
        let c = &site.chapters[i].chapter;
        out.push(NavEntry {
            kind: "chapter",
            depth,
            title: &c.meta.title,
            url: c.route.url(base),
            current: current == Some(i),
            changed: site.history.latest(&c.doc.file).map(|c| c.time),
        });
    }
    out
}

fn list_html(entries: &[NavEntry<'_>]) -> String {
    use crate::html::escape_into;
    let mut out = String::with_capacity(entries.len() * 96 + 32);
    out.push_str("<ul class=\"nav-list\">\n");
    for e in entries {
        out.push_str("<li class=\"nav-");
        out.push_str(e.kind);
        out.push_str(" depth-");
        out.push_str(&e.depth.to_string());
        out.push_str("\"><a href=\"");
        escape_into(&mut out, &e.url);
        out.push('"');
        if e.current {
            out.push_str(" aria-current=\"page\"");
        }
        if let Some(time) = e.changed {
            out.push_str(" data-changed=\"");
            out.push_str(&time.to_string());
            out.push('"');
        }
        out.push('>');
        escape_into(&mut out, e.title);
        out.push_str("</a></li>\n");
    }
    out.push_str("</ul>");
    out
}

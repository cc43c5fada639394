//! What changed between two published sites, told to open tabs so each
//! does the least it can: a page that changed only inside `<main>` is
//! patched in place (the tab keeps its scroll, focus and form state), a
//! page that changed around it reloads, a changed stylesheet is swapped,
//! and a change to anything else (a script, an image) reloads every tab.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::render::search;
use crate::write::sink::Files;

/// Past this many changed pages (a title edit renders every page) tabs are
/// told "everything": a list of 10,000 pages is no help to any of them.
const MAX_LISTED: usize = 500;

/// How much of a page changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Scope {
    /// Only what lies inside `<main>`.
    Main,
    /// Inside `<main>`, the sidebar (`<nav id="pb-nav">`) and `<title>`:
    /// what a chapter's title edit changes on the pages that show it.
    Nav,
    /// Something around it too (or the page is new, or gone).
    Page,
}

/// The `change` event's data.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Changes {
    /// Changed pages by file (`principles/a/index.html`); `None` when too
    /// many changed to list.
    pub pages: Option<BTreeMap<String, Scope>>,
    /// Changed stylesheets, by file.
    pub css: Vec<String>,
    /// Some other file changed: every tab reloads.
    pub other: bool,
}

/// Compares two sites file by file (the search index aside: it follows
/// later and only search reads it). Files the render reused are the same
/// allocation and cost nothing; others are compared by their bytes, in
/// parallel. `written`: the only files that can differ (`new` is `old`
/// with these written over it), when that is known.
pub(crate) fn between(old: &Files, new: &Files, written: Option<&[Arc<str>]>) -> Changes {
    let names: Vec<&str> = match written {
        Some(written) => written.iter().map(|k| &**k).collect(),
        None => old.keys().filter(|k| !new.contains_key(*k)).chain(new.keys()).map(|k| &**k).collect(),
    };
    let mut names: Vec<&str> = names.into_iter().filter(|k| !k.starts_with(search::DIR)).collect();
    names.sort_unstable();
    names.dedup();
    let mut changed: Vec<(&str, Option<Scope>)> = names
        .into_par_iter()
        .filter_map(|name| match (old.get(name), new.get(name)) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) || a == b => None,
            (Some(a), Some(b)) if name.ends_with(".html") => Some((name, Some(scope(a, b)))),
            _ if name.ends_with(".html") => Some((name, Some(Scope::Page))),
            _ => Some((name, None)),
        })
        .collect();
    changed.sort_by(|a, b| a.0.cmp(b.0));
    let mut changes = Changes::default();
    let mut pages = BTreeMap::new();
    for (name, scope) in changed {
        match scope {
            Some(scope) => {
                pages.insert(name.to_string(), scope);
            }
            None if name.ends_with(".css") => changes.css.push(name.to_string()),
            None => changes.other = true,
        }
    }
    changes.pages = (pages.len() <= MAX_LISTED).then_some(pages);
    changes
}

/// `Main` when the two pages differ only inside their one `<main>`
/// element. A page with more than one (raw HTML in a body can close the
/// template's early, so what follows shows outside it) is a `Page` change.
fn scope(old: &[u8], new: &[u8]) -> Scope {
    let (Some(a), Some(b)) = (element(old, b"main"), element(new, b"main")) else { return Scope::Page };
    if same_outside(old, &[a], new, &[b]) {
        return Scope::Main;
    }
    let spans = |page: &[u8], main| Some([element(page, b"title")?, nav_span(page)?, main]);
    match (spans(old, a), spans(new, b)) {
        (Some(a), Some(b)) if same_outside(old, &a, new, &b) => Scope::Nav,
        _ => Scope::Page,
    }
}

/// Whether two pages are the same outside their spans (in order, apart).
fn same_outside(old: &[u8], a: &[(usize, usize)], new: &[u8], b: &[(usize, usize)]) -> bool {
    let ordered = |spans: &[(usize, usize)]| spans.windows(2).all(|w| w[0].1 <= w[1].0);
    if a.len() != b.len() || !ordered(a) || !ordered(b) {
        return false;
    }
    let (mut from_a, mut from_b) = (0, 0);
    for (&(a0, a1), &(b0, b1)) in a.iter().zip(b) {
        if old[from_a..a0] != new[from_b..b0] {
            return false;
        }
        (from_a, from_b) = (a1, b1);
    }
    old[from_a..] == new[from_b..]
}

/// The sidebar: the `<nav>` holding the one `id="pb-nav"`, to the first
/// `</nav>` after it (the theme writes it; a body's raw HTML lies in
/// `<main>`, after it, which `same_outside` checks).
fn nav_span(page: &[u8]) -> Option<(usize, usize)> {
    let ids: Vec<usize> = tags(page, b"id=\"pb-nav\"").collect();
    let &[at] = ids.as_slice() else { return None };
    let start = tags(&page[..at], b"<nav").last()?;
    let end = at + tags(&page[at..], b"</nav>").next()? + b"</nav>".len();
    Some((start, end))
}

/// Where the page's one `<NAME …>` element starts and its `</NAME>` ends
/// (`name` lowercase; tags in any case), if it has exactly one.
fn element(page: &[u8], name: &[u8]) -> Option<(usize, usize)> {
    let (open, close) = ([b"<", name].concat(), [b"</", name].concat());
    let ends_name =
        |i: usize| page.get(i + open.len()).is_some_and(|c| matches!(c, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/'));
    let opens: Vec<usize> = tags(page, &open).filter(|&i| ends_name(i)).collect();
    let closes: Vec<usize> = tags(page, &close).collect();
    match (opens.as_slice(), closes.as_slice()) {
        ([start], [end]) if start < end => Some((*start, end + close.len() + 1)),
        _ => None,
    }
}

/// Where `needle` (lowercase ASCII) starts, in any case. (Byte by byte,
/// this was most of the time a title edit took to publish.)
fn tags<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let first = needle.first().copied().unwrap_or(b'<');
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), hay)
        .filter(move |&i| hay.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

/// The server-sent event `name` for `generation`.
pub(crate) fn event(name: &str, generation: u64, changes: &Changes) -> String {
    #[derive(Serialize)]
    struct Data<'a> {
        generation: u64,
        #[serde(flatten)]
        changes: &'a Changes,
    }
    let data = serde_json::to_string(&Data { generation, changes }).unwrap_or_else(|_| "{}".into());
    format!("event: {name}\ndata: {data}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Files {
        files.iter().map(|(k, v)| (Arc::from(*k), Arc::from(v.as_bytes()))).collect()
    }

    const NAV: &str = "<html><nav>A B</nav>";

    #[test]
    fn a_body_edit_is_a_main_change_and_a_nav_edit_a_page_change() {
        let old = site(&[
            ("a/index.html", &format!("{NAV}<main id=m><p>one</p></main></html>")),
            ("b/index.html", &format!("{NAV}<main><p>two</p></main></html>")),
            ("assets/playbook.css", "p{}"),
        ]);
        let new = site(&[
            ("a/index.html", &format!("{NAV}<main id=m><p>one, edited</p></main></html>")),
            ("b/index.html", "<html><nav>A C</nav><main><p>two</p></main></html>"),
            ("c/index.html", "<main></main>"),
            ("assets/playbook.css", "p{color:red}"),
        ]);
        let changes = between(&old, &new, None);
        let pages = changes.pages.unwrap();
        assert_eq!(pages["a/index.html"], Scope::Main);
        assert_eq!(pages["b/index.html"], Scope::Page);
        assert_eq!(pages["c/index.html"], Scope::Page, "a new page");
        assert_eq!(changes.css, ["assets/playbook.css"]);
        assert!(!changes.other);
    }

    #[test]
    fn a_title_edit_is_a_nav_change_when_nothing_else_around_main_moved() {
        let page = |title: &str, nav: &str, main: &str, foot: &str| {
            format!(
                "<html><head><title>{title}</title></head><nav class=s id=\"pb-nav\"><ul>{nav}</ul></nav><main>{main}</main>{foot}</html>"
            )
        };
        let old = site(&[("a/index.html", &page("A", "<li>A</li>", "<h1>A</h1>", ""))]);
        let new = site(&[("a/index.html", &page("A2", "<li>A2</li>", "<h1>A2</h1>", ""))]);
        assert_eq!(between(&old, &new, None).pages.unwrap()["a/index.html"], Scope::Nav);
        let new = site(&[("a/index.html", &page("A2", "<li>A2</li>", "<h1>A2</h1>", "<footer>new</footer>"))]);
        assert_eq!(between(&old, &new, None).pages.unwrap()["a/index.html"], Scope::Page, "the footer changed too");
        // Two sidebars (raw HTML in a body naming the id): no telling which.
        let twice = page("A2", "<li>A2</li>", "<nav id=\"pb-nav\"></nav>", "");
        let new = site(&[("a/index.html", &twice)]);
        assert_eq!(between(&old, &new, None).pages.unwrap()["a/index.html"], Scope::Page);
    }

    #[test]
    fn unchanged_bytes_are_no_change_and_other_files_reload_everything() {
        let old = site(&[("a/index.html", "<main>x</main>"), ("assets/app.js", "1"), ("search/0.json", "a")]);
        let new = site(&[("a/index.html", "<main>x</main>"), ("assets/app.js", "2"), ("search/0.json", "b")]);
        let changes = between(&old, &new, None);
        assert!(changes.pages.as_ref().unwrap().is_empty() && changes.other);
        assert_eq!(between(&old, &old, None), Changes { pages: Some(BTreeMap::new()), ..Changes::default() });
    }

    #[test]
    fn raw_html_that_closes_main_early_makes_a_page_change() {
        let old = site(&[("a/index.html", "<main><p>x</p></MAIN><p id=y>1</p></main>")]);
        let new = site(&[("a/index.html", "<main><p>x</p></MAIN><p id=y>2</p></main>")]);
        assert_eq!(between(&old, &new, None).pages.unwrap()["a/index.html"], Scope::Page);
        let old = site(&[("a/index.html", "<main-nav>a</main-nav><main id=m>x</main>")]);
        let new = site(&[("a/index.html", "<main-nav>b</main-nav><main id=m>x</main>")]);
        assert_eq!(between(&old, &new, None).pages.unwrap()["a/index.html"], Scope::Page, "<main-nav> is not <main>");
    }

    #[test]
    fn a_page_without_main_or_gone_is_a_page_change() {
        let old = site(&[("a/index.html", "<p>x</p>"), ("b/index.html", "<main></main>")]);
        let new = site(&[("a/index.html", "<p>y</p>")]);
        let pages = between(&old, &new, None).pages.unwrap();
        assert_eq!((pages["a/index.html"], pages["b/index.html"]), (Scope::Page, Scope::Page));
    }
}

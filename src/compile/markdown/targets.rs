//! Where a document's links and images point: external links are kept,
//! links to `.md` sources become output URLs, other relative files are
//! recorded as assets to copy.

use super::{AssetRef, Input, LinkRef, Rendered, Resolve};

/// True for links that leave the site or are absolute paths, which are kept.
fn is_external(dest: &str) -> bool {
    dest.starts_with('/')
        || dest.starts_with("//")
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Rewrites a link to a `.md` source (or a fragment of this page) and
/// records it for checking. Other relative files are copied like images.
pub(super) fn rewrite_link(
    dest: &str,
    dir: &str,
    offset: usize,
    doc: &Input<'_>,
    resolve: &dyn Resolve,
    out: &mut Rendered,
) -> Option<String> {
    if dest.starts_with('/') && !dest.starts_with("//") {
        out.absolute.push((dest.to_string(), offset));
        return None;
    }
    if dest.is_empty() || is_external(dest) {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    if path.is_empty() {
        let fragment = fragment?;
        let href = format!("#{}{fragment}", doc.id_prefix);
        out.links.push(LinkRef { file: None, fragment: Some(fragment), offset });
        return Some(href);
    }
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    if !path.ends_with(".md") {
        return rewrite_asset(dest, dir, offset, resolve, out);
    }
    let file = join(dir, &percent_decode(path));
    let href = match (&file, &fragment) {
        (Some(f), _) => resolve.target(f).map(|t| match &fragment {
            Some(frag) => format!("{}#{}{frag}", t.url, t.anchor_prefix),
            None => match t.anchor {
                Some(a) => format!("{}#{a}", t.url),
                None => t.url,
            },
        }),
        (None, _) => None,
    };
    out.links.push(LinkRef { file: Some(file.unwrap_or_else(|| path.to_string())), fragment, offset });
    href
}

pub(super) fn rewrite_asset(
    dest: &str,
    dir: &str,
    offset: usize,
    resolve: &dyn Resolve,
    out: &mut Rendered,
) -> Option<String> {
    if dest.is_empty() || is_external(dest) || dest.starts_with('#') {
        return None;
    }
    let (path, rest) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let file = join(dir, &percent_decode(path))?;
    let src = format!("{}{}{rest}", resolve.media_base(), file);
    out.assets.push(AssetRef { file, offset });
    Some(src)
}

/// Joins a relative path onto a root-relative folder; `None` if it climbs
/// out of the root.
pub(crate) fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().map_or_else(|_| s.to_string(), std::borrow::Cow::into_owned)
}

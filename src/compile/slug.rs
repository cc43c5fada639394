//! Slugs for URLs and anchors for headings.
//!
//! URL slugs come from file and folder names with their ordering digits
//! removed. Heading anchors follow GitHub's scheme, so a link written against
//! the rendered repository view keeps working on the site.

use std::collections::{HashMap, HashSet};

/// `02-own-the-roadmap` -> `own-the-roadmap`. Digits that are the whole name
/// are kept, so `2024.md` still has a slug.
pub(crate) fn from_file_stem(stem: &str) -> String {
    let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = if rest.len() != stem.len() { rest.trim_start_matches(['-', '_', '.', ' ']) } else { rest };
    let slug = slugify(rest);
    if slug.is_empty() { slugify(stem) } else { slug }
}

/// Lowercase words joined by `-`; anything but letters and digits separates.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// GitHub's heading anchor: lowercase, punctuation dropped, spaces to `-`.
pub(crate) fn anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    if out.is_empty() { "section".to_string() } else { out }
}

/// Hands out anchors unique within one page: a repeat gets `-1`, `-2`, ...
#[derive(Default)]
pub(crate) struct Anchors {
    used: HashSet<String>,
    /// The next suffix to try per wanted anchor, so many repeats stay linear.
    next: HashMap<String, usize>,
}

impl Anchors {
    pub(crate) fn unique(&mut self, wanted: String) -> String {
        if self.used.insert(wanted.clone()) {
            return wanted;
        }
        let n = self.next.entry(wanted.clone()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Title-cases a folder slug for a part without a `part.toml` title.
pub(crate) fn title_from_slug(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_lose_their_order_digits() {
        assert_eq!(from_file_stem("02-own-the-roadmap"), "own-the-roadmap");
        assert_eq!(from_file_stem("2024"), "2024");
        assert_eq!(from_file_stem("10_Ship Small"), "ship-small");
    }

    #[test]
    fn anchors_follow_github_and_stay_unique() {
        assert_eq!(anchor("Why it matters?"), "why-it-matters");
        assert_eq!(anchor("C++ & Rust"), "c--rust");
        let mut a = Anchors::default();
        assert_eq!(a.unique("x".into()), "x");
        assert_eq!(a.unique("x".into()), "x-1");
        assert_eq!(a.unique("x-1".into()), "x-1-1");
        assert_eq!(a.unique("x".into()), "x-2");
    }
}

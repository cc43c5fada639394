//! The full-text search index: an inverted index split into small shards by
//! term prefix, plus one small document file per page, so a query downloads
//! only the shards of its terms and the documents of its top results (the
//! browser side is the theme's `assets/search.js`). Built from the text the
//! markdown stage already extracted, never by re-parsing HTML.
//!
//! Layout under `search/`:
//! - `meta.json`: `{v, pages, avg, shards: {prefix: file}}`
//! - `s/<prefix>.json`: `{term: [page, section, weight, page, section, weight, ...]}`
//! - `p/<page>.json`: `{u: url, t: title, f: {part, team}, s: [[anchor, heading, text], ...]}`
//!
//! Weights are BM25 term weights (x100) with a boost for titles and
//! headings; the browser multiplies them by the term's rarity.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::markdown::TextSection;

/// Where the index goes in the output.
pub(crate) const DIR: &str = "search/";

/// A searchable page: a chapter with its examples, or the onboarding page.
pub(crate) struct Page<'a> {
    /// URL below the base, starting with `/`.
    pub url: String,
    pub title: &'a str,
    pub part: Option<&'a str>,
    pub teams: Vec<&'a str>,
    /// Plain-text sections; the first is the page's lead (summary, card).
    pub sections: Vec<Section<'a>>,
}

pub(crate) struct Section<'a> {
    pub anchor: Option<std::borrow::Cow<'a, str>>,
    pub heading: &'a str,
    pub text: std::borrow::Cow<'a, str>,
}

impl<'a> Section<'a> {
    pub(crate) fn of(s: &'a TextSection) -> Section<'a> {
        Section { anchor: s.id.as_deref().map(Into::into), heading: &s.heading, text: s.text.as_str().into() }
    }
}

/// A term with its postings: (page, section, weight) triples.
type Postings = (String, Vec<(u32, u32, u32)>);

/// A shard is split by a longer prefix when it grows past this.
const SHARD_BYTES: usize = 40_000;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Common words that would make every shard huge and rank nothing.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "its", "of", "on",
    "or", "so", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

/// Lowercase words of letters and digits (apostrophes dropped), no stop words.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
            w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>()
        })
        .filter(|w| !w.is_empty() && !STOP.contains(&w.as_str()))
}

#[derive(Serialize)]
struct Meta {
    v: u32,
    pages: usize,
    sections: usize,
    avg: u32,
    shards: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct DocFile<'a> {
    u: &'a str,
    t: &'a str,
    f: Filters<'a>,
    s: Vec<(Option<&'a str>, &'a str, &'a str)>,
}

#[derive(Serialize)]
struct Filters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    team: &'a Vec<&'a str>,
}

/// Builds every index file: output-relative path and bytes. The same pages
/// in the same order give the same bytes.
pub(crate) fn build(pages: &[Page<'_>]) -> Vec<(String, Vec<u8>)> {
    // term -> postings (page, section, weight)
    let mut postings: BTreeMap<String, Vec<(u32, u32, u32)>> = BTreeMap::new();
    let lengths: Vec<Vec<usize>> =
        pages.iter().map(|p| p.sections.iter().map(|s| tokens(&s.text).count() + 1).collect()).collect();
    let total: usize = lengths.iter().flatten().sum();
    let count: usize = lengths.iter().map(Vec::len).sum();
    let avg = (total as f64 / count.max(1) as f64).max(1.0);

    for (pi, page) in pages.iter().enumerate() {
        let title: Vec<String> = tokens(page.title).collect();
        for (si, section) in page.sections.iter().enumerate() {
            let mut tf: BTreeMap<String, f64> = BTreeMap::new();
            for t in tokens(&section.text) {
                *tf.entry(t).or_default() += 1.0;
            }
            for t in tokens(section.heading) {
                *tf.entry(t).or_default() += 3.0;
            }
            if si == 0 {
                for t in &title {
                    *tf.entry(t.clone()).or_default() += 5.0;
                }
            }
            let norm = K1 * (1.0 - B + B * lengths[pi][si] as f64 / avg);
            for (term, f) in tf {
                let weight = (f * (K1 + 1.0) / (f + norm) * 100.0).round() as u32;
                postings.entry(term).or_default().push((pi as u32, si as u32, weight.max(1)));
            }
        }
    }

    let mut files = Vec::new();
    let mut shards = BTreeMap::new();
    let terms: Vec<Postings> = postings.into_iter().collect();
    shard(&terms, 1, &mut shards, &mut files);
    let meta = Meta { v: 1, pages: pages.len(), sections: count, avg: avg.round() as u32, shards };
    files.push((format!("{DIR}meta.json"), json(&meta)));
    for (pi, page) in pages.iter().enumerate() {
        let doc = DocFile {
            u: &page.url,
            t: page.title,
            f: Filters { part: page.part, team: &page.teams },
            s: page.sections.iter().map(|s| (s.anchor.as_deref(), s.heading, s.text.as_ref())).collect(),
        };
        files.push((format!("{DIR}p/{pi}.json"), json(&doc)));
    }
    files
}

/// Groups terms by their first `len` characters; a group that is too big is
/// split by one more character (a term shorter than that stays behind).
fn shard(terms: &[Postings], len: usize, shards: &mut BTreeMap<String, String>, files: &mut Vec<(String, Vec<u8>)>) {
    let mut groups: BTreeMap<String, Vec<&Postings>> = BTreeMap::new();
    for entry in terms {
        groups.entry(entry.0.chars().take(len).collect()).or_default().push(entry);
    }
    for (prefix, group) in groups {
        let body = shard_json(&group);
        let splittable = group.iter().any(|(t, _)| t.chars().count() > len);
        if body.len() > SHARD_BYTES && splittable && len < 6 {
            let (short, long): (Vec<_>, Vec<_>) = group.into_iter().partition(|(t, _)| t.chars().count() <= len);
            if !short.is_empty() {
                add_shard(&prefix, shard_json(&short), shards, files);
            }
            let long: Vec<Postings> = long.into_iter().cloned().collect();
            shard(&long, len + 1, shards, files);
        } else {
            add_shard(&prefix, body, shards, files);
        }
    }
}

fn add_shard(prefix: &str, body: Vec<u8>, shards: &mut BTreeMap<String, String>, files: &mut Vec<(String, Vec<u8>)>) {
    // A file name safe anywhere: the prefix's bytes in hex.
    let name: String = prefix.bytes().map(|b| format!("{b:02x}")).collect();
    let file = format!("s/{name}.json");
    shards.insert(prefix.to_string(), file.clone());
    files.push((format!("{DIR}{file}"), body));
}

fn shard_json(group: &[&Postings]) -> Vec<u8> {
    let map: BTreeMap<&str, Vec<u32>> =
        group.iter().map(|(t, p)| (t.as_str(), p.iter().flat_map(|&(a, b, c)| [a, b, c]).collect())).collect();
    json(&map)
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lowercase_words_without_stop_words() {
        let t: Vec<String> = tokens("The team's ROADMAP, re-planned in Q3: don\u{2019}t panic!").collect();
        assert_eq!(t, ["team", "roadmap", "re", "planned", "q3", "dont", "panic"]);
    }

    #[test]
    fn big_shards_split_by_longer_prefixes() {
        let text = (0..4000).map(|i| format!("hello{i} help{i}")).collect::<Vec<_>>().join(" ");
        let pages = [Page {
            url: "/a/".into(),
            title: "A",
            part: None,
            teams: vec![],
            sections: vec![Section { anchor: None, heading: "", text: text.into() }],
        }];
        let files = build(&pages);
        let meta: serde_json::Value =
            serde_json::from_slice(&files.iter().find(|(n, _)| n.ends_with("meta.json")).unwrap().1).unwrap();
        let keys: Vec<&String> = meta["shards"].as_object().unwrap().keys().collect();
        assert!(keys.len() > 2 && keys.iter().all(|k| k.starts_with("he") || k.starts_with('a')), "{keys:?}");
        assert!(files.iter().filter(|(n, _)| n.contains("/s/")).all(|(_, b)| b.len() < 2 * SHARD_BYTES));
    }
}

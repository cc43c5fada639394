//! The full-text search index: an inverted index split into small shards by
//! term prefix, plus one small document file per page, so a query downloads
//! only the shards of its terms and the documents of its top results (the
//! browser side is the theme's `assets/search.js`). Built from the text the
//! markdown stage already extracted, never by re-parsing HTML.
//!
//! Layout under `search/`:
//! - `meta.json`: `{v, pages, avg, stem, shards: {prefix: file}}` (`stem`:
//!   `"en"` when terms are English stems, absent when words are as written)
//! - `s/<prefix hex>.json`: `{term: [page gap, weight, page gap, weight, ...]}`
//!   (weight x2, plus 1 when the page's title holds the term)
//! - `p/<page>.json`: `{u: url, t: title, f: {part, team}, s: [[anchor, heading, text, team], ...]}`
//!   (`team`: the team of an example's section, else null)
//! - `filters.json`: `{part: {title: [page, ...]}, team: {name: [page, ...]}}`
//!
//! Postings are per page (a section-level index grows too big for common
//! words); weights are BM25 (x100) with title and heading boosts, and the
//! browser multiplies them by each term's rarity. The browser then picks the
//! best section of each top page from its document for the excerpt and the
//! `#anchor` to open.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::compile::markdown::TextSection;

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
    pub sections: Vec<SearchSection<'a>>,
}

/// A heading's worth of plain text, the unit the index points into.
pub(crate) struct SearchSection<'a> {
    pub anchor: Option<Cow<'a, str>>,
    pub heading: &'a str,
    pub text: Cow<'a, str>,
    /// The team whose example this section belongs to.
    pub team: Option<&'a str>,
}

impl<'a> SearchSection<'a> {
    pub(crate) fn of(s: &'a TextSection) -> SearchSection<'a> {
        SearchSection {
            anchor: s.id.as_deref().map(Into::into),
            heading: &s.heading,
            text: s.text.as_str().into(),
            team: None,
        }
    }
}

/// A term with its postings: (page, weight) pairs, pages ascending.
type Postings = (String, Vec<(u32, u32)>);

/// A shard is split by a longer prefix when it grows past this.
const SHARD_BYTES: usize = 40_000;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Common words that would make every shard huge and rank nothing.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "its", "of", "on",
    "or", "so", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

/// A word of up to 8 bytes as one integer (words hold no zero bytes, so
/// words of different lengths never collide).
const fn pack(word: &[u8]) -> u64 {
    let mut v = 0;
    let mut i = 0;
    while i < word.len() {
        v = v << 8 | word[i] as u64;
        i += 1;
    }
    v
}

const STOP_PACKED: [u64; STOP.len()] = {
    let mut out = [0; STOP.len()];
    let mut i = 0;
    while i < STOP.len() {
        out[i] = pack(STOP[i].as_bytes());
        i += 1;
    }
    out
};

/// Runs for every word of every page: integer compares, not string ones.
fn is_stop(word: &str) -> bool {
    word.len() <= 5 && STOP_PACKED.contains(&pack(word.as_bytes()))
}

/// The stemmer for a playbook's `language` (`en`, `en-GB`, ...), the one
/// the theme's `stem.js` repeats in the browser; other languages index
/// words as written.
fn stemmer_for(language: &str) -> Option<Stemmer> {
    let primary = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    (primary == "en").then(|| Stemmer::create(Algorithm::English))
}

/// `word`'s stem, borrowed when the stemmer leaves the word as it is.
fn stemmed<'a>(stemmer: Option<&Stemmer>, word: Cow<'a, str>) -> Cow<'a, str> {
    match (stemmer, word) {
        (None, word) => word,
        (Some(s), Cow::Borrowed(w)) => s.stem(w),
        (Some(s), Cow::Owned(w)) => Cow::Owned(s.stem(&w).into_owned()),
    }
}

/// Where a term occurs in a page, in four bytes (there are millions at
/// 10,000 chapters): body count (low 16 bits, saturating), heading count
/// (next 8), and whether the title holds it (bit 24).
#[derive(Clone, Copy, Default)]
struct Tf(u32);

impl Tf {
    const TITLE: u32 = 1 << 24;

    fn body(self) -> u32 {
        self.0 & 0xffff
    }

    fn headings(self) -> u32 {
        (self.0 >> 16) & 0xff
    }

    fn in_title(self) -> bool {
        self.0 & Tf::TITLE != 0
    }

    fn add_body(&mut self) {
        if self.body() < 0xffff {
            self.0 += 1;
        }
    }

    fn add_heading(&mut self) {
        if self.headings() < 0xff {
            self.0 += 1 << 16;
        }
    }

    /// Both counts, as when two words of a page share a stem.
    fn merge(self, other: Tf) -> Tf {
        let body = (self.body() + other.body()).min(0xffff);
        let headings = (self.headings() + other.headings()).min(0xff);
        Tf(body | headings << 16 | (self.0 | other.0) & Tf::TITLE)
    }
}

/// A page's length in words and its term counts.
type Counted<'a> = (usize, Vec<(Cow<'a, str>, Tf)>);

/// A term and where it occurs, by page number, in page order.
type Occurrences<'a> = (Cow<'a, str>, Vec<(u32, Tf)>);

/// A word as `each_token` hands it over.
enum Token<'a, 'b> {
    /// A slice of the text: the word was already as the index keeps it.
    Text(&'a str),
    /// A lowercased copy, in a buffer reused for the next word.
    Made(&'b str),
}

/// At byte `i` of `text` (a char boundary): the char's length, and whether
/// it belongs to a word (a letter, a digit or an apostrophe).
#[inline]
fn char_at(text: &str, i: usize) -> (usize, bool) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (1, b.is_ascii_alphanumeric() || b == b'\'');
    }
    text[i..].chars().next().map_or((1, false), |c| (c.len_utf8(), c.is_alphanumeric() || c == '\u{2019}'))
}

/// Lowercase words of letters and digits (apostrophes and a final `'s`
/// dropped), no stop words, each handed to `f`. It runs on every word of
/// every page: the plain statement of these rules (`tests::tokens`, an
/// iterator splitting by char, a new string per capitalised word) took a
/// fifth of the index's time; a property test holds the two to the same
/// words.
fn each_token<'a>(text: &'a str, mut f: impl FnMut(Token<'a, '_>)) {
    let mut scratch = String::new();
    let mut i = 0;
    while i < text.len() {
        let (len, in_word) = char_at(text, i);
        if !in_word {
            i += len;
            continue;
        }
        let start = i;
        while i < text.len() {
            let (len, in_word) = char_at(text, i);
            if !in_word {
                break;
            }
            i += len;
        }
        let w = text[start..i].trim_matches(|c| c == '\'' || c == '\u{2019}');
        let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
        if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            if !w.is_empty() && !is_stop(w) {
                f(Token::Text(w));
            }
            continue;
        }
        scratch.clear();
        // Judged after trimming: curly quotes around a word (`team\u{2019}s`)
        // leave it ASCII.
        if w.is_ascii() {
            scratch.extend(w.bytes().filter(|&b| b != b'\'').map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            scratch.extend(w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase));
        }
        if !scratch.is_empty() && !is_stop(&scratch) {
            f(Token::Made(&scratch));
        }
    }
}

/// A page's length in words and where each word occurs, as written (the
/// merge stems each distinct word once), in no particular order.
fn count_words<'a>(page: &'a Page<'a>) -> Counted<'a> {
    let mut tf: HashMap<Cow<'a, str>, Tf, WordHash> = HashMap::with_capacity_and_hasher(512, WordHash::default());
    // Looked up by `&str` first: a word seen before costs no string.
    let mut count = |token: Token<'a, '_>, add: &dyn Fn(&mut Tf)| {
        let word = match token {
            Token::Text(w) | Token::Made(w) => w,
        };
        if let Some(entry) = tf.get_mut(word) {
            add(entry);
            return;
        }
        let mut entry = Tf::default();
        add(&mut entry);
        let key = match token {
            Token::Text(w) => Cow::Borrowed(w),
            Token::Made(w) => Cow::Owned(w.to_string()),
        };
        tf.insert(key, entry);
    };
    let mut len = 1;
    for section in &page.sections {
        each_token(&section.text, |t| {
            count(t, &Tf::add_body);
            len += 1;
        });
        each_token(section.heading, |t| count(t, &Tf::add_heading));
    }
    each_token(page.title, |t| count(t, &|tf: &mut Tf| tf.0 |= Tf::TITLE));
    (len, tf.into_iter().collect())
}

/// A page's weight for a term (x100): BM25 over the body, plus fixed
/// amounts for the title and headings. Folding the title into the count
/// (as five more mentions) let BM25's saturation erase it: a chapter
/// titled with the word ranked below one that used it often.
fn weight(tf: Tf, len: usize, avg: f64) -> u32 {
    const TITLE: f64 = 2.0;
    const HEADING: f64 = 0.6;
    let norm = K1 * (1.0 - B + B * len as f64 / avg);
    let body = f64::from(tf.body());
    let bm25 = body * (K1 + 1.0) / (body + norm);
    let fields = if tf.in_title() { TITLE } else { 0.0 } + HEADING * f64::from(tf.headings().min(2));
    (((bm25 + fields) * 100.0).round() as u32).max(1)
}

#[derive(Serialize)]
struct Meta {
    v: u32,
    pages: usize,
    avg: u32,
    /// The stemmer terms went through (the browser stems queries alike).
    #[serde(skip_serializing_if = "Option::is_none")]
    stem: Option<&'static str>,
    shards: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct DocFile<'a> {
    u: &'a str,
    t: &'a str,
    f: Filters<'a>,
    s: Vec<(Option<&'a str>, &'a str, &'a str, Option<&'a str>)>,
}

#[derive(Serialize)]
struct Filters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    team: &'a Vec<&'a str>,
}

/// Builds every index file and hands each to `emit` (output-relative path
/// and bytes) as soon as it is made, from several threads. The same pages in
/// the same order give the same bytes.
pub(crate) fn build(pages: &[Page<'_>], language: &str, emit: &(dyn Fn(String, Vec<u8>) + Sync)) {
    let stemmer = stemmer_for(language);
    // Tokenise a chunk of pages in parallel, then merge its term counts in
    // page order (so postings come sorted and the bytes repeat). Chunks keep
    // only one chunk's per-page counts alive, not every page's.
    const CHUNK: usize = 64;
    // Stemming is most of the work when done per occurrence: each distinct
    // word is stemmed once, here, and known by its term's number after.
    let mut word_term: HashMap<Cow<'_, str>, usize, WordHash> = HashMap::default();
    let mut term_ids: HashMap<Cow<'_, str>, usize, WordHash> = HashMap::default();
    let mut counts: Vec<Occurrences<'_>> = Vec::new();
    let mut lens = Vec::with_capacity(pages.len());
    for chunk in pages.chunks(CHUNK) {
        let counted: Vec<Counted<'_>> = chunk.par_iter().map(count_words).collect();
        for (len, tf) in counted {
            let pi = lens.len() as u32;
            lens.push(len);
            for (word, f) in tf {
                let id = match word_term.get(&word) {
                    Some(&id) => id,
                    None => {
                        let term = stemmed(stemmer.as_ref(), word.clone());
                        let id = *term_ids.entry(term.clone()).or_insert_with(|| {
                            counts.push((term, Vec::new()));
                            counts.len() - 1
                        });
                        word_term.insert(word, id);
                        id
                    }
                };
                let postings = &mut counts[id].1;
                match postings.last_mut() {
                    Some((last, tf)) if *last == pi => *tf = tf.merge(f),
                    _ => postings.push((pi, f)),
                }
            }
        }
    }
    drop((word_term, term_ids));
    let avg = (lens.iter().sum::<usize>() as f64 / lens.len().max(1) as f64).max(1.0);
    // The lowest bit says the title holds the term: the browser ranks a page
    // whose title holds every word of a query above the rest.
    let weigh = |(pi, tf): (u32, Tf)| (pi, weight(tf, lens[pi as usize], avg) * 2 + u32::from(tf.in_title()));
    let mut terms: Vec<Postings> =
        counts.into_iter().map(|(t, p)| (t.into_owned(), p.into_iter().map(weigh).collect())).collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));

    // Each shard goes out as soon as it is made: all of them together are a
    // fifth of the index.
    let mut shards = BTreeMap::new();
    shard(&terms.iter().collect::<Vec<_>>(), 1, &mut shards, emit);
    drop(terms);
    let stem = stemmer.is_some().then_some("en");
    let meta = Meta { v: 3, pages: pages.len(), avg: avg.round() as u32, stem, shards };
    emit(format!("{DIR}meta.json"), json(&meta));
    emit(format!("{DIR}filters.json"), json(&filters(pages)));
    pages.par_iter().enumerate().for_each(|(pi, page)| {
        let doc = DocFile {
            u: &page.url,
            t: page.title,
            f: Filters { part: page.part, team: &page.teams },
            s: page.sections.iter().map(|s| (s.anchor.as_deref(), s.heading, s.text.as_ref(), s.team)).collect(),
        };
        emit(format!("{DIR}p/{pi}.json"), json(&doc));
    });
}

/// `{part: {title: [pages]}, team: {name: [pages]}}`, loaded only by a
/// filtered search.
fn filters<'a>(pages: &[Page<'a>]) -> BTreeMap<&'static str, BTreeMap<&'a str, Vec<usize>>> {
    let mut out: BTreeMap<&'static str, BTreeMap<&'a str, Vec<usize>>> = BTreeMap::new();
    for (pi, page) in pages.iter().enumerate() {
        if let Some(part) = page.part {
            out.entry("part").or_default().entry(part).or_default().push(pi);
        }
        for team in &page.teams {
            out.entry("team").or_default().entry(team).or_default().push(pi);
        }
    }
    out
}

/// Terms are hashed with a key chosen at random per process: they come from
/// authors, and a fixed hash (FNV, Fx) lets a pull request pick thousands of
/// words that land in one bucket, turning a build of seconds into hours.
/// foldhash is as fast as Fx here; SipHash cost a tenth of a build.
type WordHash = foldhash::fast::RandomState;

/// Groups terms by their first `len` characters; a group that is too big is
/// split by one more character (a term shorter than that stays behind).
fn shard(
    terms: &[&Postings],
    len: usize,
    shards: &mut BTreeMap<String, String>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) {
    let mut groups: BTreeMap<String, Vec<&Postings>> = BTreeMap::new();
    for &entry in terms {
        groups.entry(entry.0.chars().take(len).collect()).or_default().push(entry);
    }
    for (prefix, group) in groups {
        let splittable = group.iter().any(|(t, _)| t.chars().count() > len);
        if estimate(&group) > SHARD_BYTES && splittable && len < 6 {
            let (short, long): (Vec<&Postings>, Vec<&Postings>) =
                group.into_iter().partition(|(t, _)| t.chars().count() <= len);
            if !short.is_empty() {
                add_shard(&prefix, shard_json(&short), shards, emit);
            }
            shard(&long, len + 1, shards, emit);
        } else {
            add_shard(&prefix, shard_json(&group), shards, emit);
        }
    }
}

/// The serialised size of a group, near enough to decide on a split.
fn estimate(group: &[&Postings]) -> usize {
    group.iter().map(|(t, p)| t.len() + 6 + p.len() * 6).sum()
}

fn add_shard(
    prefix: &str,
    body: Vec<u8>,
    shards: &mut BTreeMap<String, String>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) {
    // A file name safe anywhere: the prefix's bytes in hex.
    let name: String = prefix.bytes().map(|b| format!("{b:02x}")).collect();
    let file = format!("s/{name}.json");
    emit(format!("{DIR}{file}"), body);
    shards.insert(prefix.to_string(), file);
}

/// `{term: [page gap, weight, page gap, weight, ...]}`: pages are stored as
/// the gap from the previous one, which keeps the numbers short.
fn shard_json(group: &[&Postings]) -> Vec<u8> {
    let map: BTreeMap<&str, Vec<u32>> = group
        .iter()
        .map(|(t, p)| {
            let mut prev = 0;
            let flat = p
                .iter()
                .flat_map(|&(page, weight)| {
                    let gap = page - prev;
                    prev = page;
                    [gap, weight]
                })
                .collect();
            (t.as_str(), flat)
        })
        .collect();
    json(&map)
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_short_and_every_one_is_recognised() {
        assert!(STOP.iter().all(|w| w.len() <= 5 && is_stop(w)));
        assert!(!is_stop("then1") && !is_stop("th") && !is_stop("roadmap") && !is_stop("ofa"));
    }

    /// The tokenising rules stated plainly: `each_token` must give the same
    /// words.
    fn tokens(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
            .map(|w| w.trim_matches(|c| c == '\'' || c == '\u{2019}'))
            .filter(|w| !w.is_empty())
            .map(|w| {
                let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
                if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                    Cow::Borrowed(w)
                } else {
                    Cow::Owned(w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect())
                }
            })
            .filter(|w| !w.is_empty() && !is_stop(w))
    }

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        each_token(text, |t| match t {
            Token::Text(w) | Token::Made(w) => out.push(w.to_string()),
        });
        out
    }

    #[test]
    fn tokens_are_lowercase_words_without_stop_words() {
        let text = "The team's ROADMAP, re-planned in Q3: don\u{2019}t panic! \u{c9}t\u{c9} \u{2014} 'quoted'";
        assert_eq!(words(text), ["team", "roadmap", "re", "planned", "q3", "dont", "panic", "\u{e9}t\u{e9}", "quoted"]);
        assert_eq!(words(text), tokens(text).map(Cow::into_owned).collect::<Vec<_>>());
    }

    proptest::proptest! {
        /// Words, capitals, apostrophes (straight and curly), possessives,
        /// stop words, accents, dashes and digits, in any order.
        #[test]
        fn each_token_gives_the_words_tokens_states(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "The", "the", "a", "Team", "team's", "TEAM\u{2019}S", "don't", "'", "\u{2019}", "'s", "s", "x",
                "Q3", "42", " ", "  ", "\n", "-", "\u{2014}", ",", ".", "\u{c9}t\u{c9}", "na\u{ef}ve",
                "Stra\u{df}e", "\u{130}", "\u{3a3}\u{391}", "\u{65e5}\u{672c}", "\u{1f600}", "it's", "O'Neil",
            ]), 0..24)
        ) {
            let text = parts.concat();
            let expected: Vec<String> = tokens(&text).map(Cow::into_owned).collect();
            proptest::prop_assert_eq!(words(&text), expected);
        }

        /// Any text at all: combining marks, other quotes, spaces and digits
        /// of every script.
        #[test]
        fn each_token_gives_the_words_tokens_states_for_any_text(text in "\\PC*") {
            let expected: Vec<String> = tokens(&text).map(Cow::into_owned).collect();
            proptest::prop_assert_eq!(words(&text), expected);
        }
    }

    fn index(pages: &[Page<'_>], language: &str) -> Vec<(String, Vec<u8>)> {
        let files = std::sync::Mutex::new(Vec::new());
        build(pages, language, &|path, bytes| files.lock().unwrap().push((path, bytes)));
        files.into_inner().unwrap()
    }

    fn page<'a>(title: &'a str, text: &str) -> Page<'a> {
        Page {
            url: format!("/{title}/"),
            title,
            part: None,
            teams: vec![],
            sections: vec![SearchSection { anchor: None, heading: "", text: text.to_string().into(), team: None }],
        }
    }

    /// `term`'s postings as (page, weight x2 + title bit), from the shards.
    fn postings(files: &[(String, Vec<u8>)], term: &str) -> Vec<(u64, u64)> {
        let shard = files.iter().filter(|(n, _)| n.contains("/s/")).find_map(|(_, b)| {
            let shard: serde_json::Value = serde_json::from_slice(b).unwrap();
            shard.get(term).cloned()
        });
        let flat: Vec<u64> = shard.unwrap().as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        let mut page = 0;
        flat.chunks(2)
            .map(|p| {
                page += p[0];
                (page, p[1])
            })
            .collect()
    }

    #[test]
    fn words_sharing_a_stem_count_as_one_term_per_page() {
        let pages =
            [page("a", "roadmaps roadmap planning"), page("b", "roadmap planning the plans"), page("c", "other")];
        let files = index(&pages, "en");
        let roadmap = postings(&files, "roadmap");
        assert_eq!(roadmap.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1], "one posting per page");
        assert!(roadmap[0].1 > roadmap[1].1, "two mentions weigh more than one: {roadmap:?}");
        assert_eq!(postings(&files, "plan").len(), 2, "planning and plans share the stem plan");
        // Another language: words as written.
        let files = index(&pages, "fr");
        assert_eq!(postings(&files, "roadmaps").len(), 1);
    }

    #[test]
    fn big_shards_split_by_longer_prefixes() {
        let text = (0..4000).map(|i| format!("hello{i} help{i}")).collect::<Vec<_>>().join(" ");
        let pages = [Page {
            url: "/a/".into(),
            title: "A",
            part: None,
            teams: vec![],
            sections: vec![SearchSection { anchor: None, heading: "", text: text.into(), team: None }],
        }];
        let files = index(&pages, "en");
        let meta: serde_json::Value =
            serde_json::from_slice(&files.iter().find(|(n, _)| n.ends_with("meta.json")).unwrap().1).unwrap();
        let keys: Vec<&String> = meta["shards"].as_object().unwrap().keys().collect();
        assert!(keys.len() > 2 && keys.iter().all(|k| k.starts_with("he") || k.starts_with('a')), "{keys:?}");
        assert!(files.iter().filter(|(n, _)| n.contains("/s/")).all(|(_, b)| b.len() < 2 * SHARD_BYTES));
    }
}

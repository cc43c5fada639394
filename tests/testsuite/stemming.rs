//! The index is built from word stems (rust-stemmers) and the browser stems
//! each query word with the theme's `stem.js`: a word the two stem apart
//! could never be found. Both run over the same list here: every word of the
//! bundled playbook and the README, each also with the endings the
//! algorithm strips, and the words its description singles out.

use std::collections::BTreeSet;
use std::process::Command;

use rust_stemmers::{Algorithm, Stemmer};

use crate::harness::*;

const ENDINGS: &[&str] = &[
    "s", "es", "ed", "ing", "ly", "ness", "ful", "fully", "ation", "ational", "izer", "ization", "ive", "ively",
    "iveness", "ity", "ities", "iviti", "ment", "ments", "ence", "ance", "enci", "anci", "able", "ably", "abli",
    "ible", "ism", "ist", "ize", "izing", "ized", "ous", "ously", "ousli", "al", "ally", "alli", "ic", "ical",
    "ically", "er", "ers", "est", "y", "ies", "ied", "li", "logi", "ogi", "ement", "ion", "sion", "tion", "e", "l",
    "ll", "eed", "eedly", "ingly", "edly", "'s", "'",
];

/// Words with rules of their own: exceptions, regions, short syllables.
const SPECIAL: &[&str] = &[
    "skis",
    "skies",
    "dying",
    "lying",
    "tying",
    "idly",
    "gently",
    "ugly",
    "early",
    "only",
    "singly",
    "sky",
    "news",
    "howe",
    "atlas",
    "cosmos",
    "bias",
    "andes",
    "inning",
    "innings",
    "outing",
    "canning",
    "herring",
    "earring",
    "proceed",
    "exceed",
    "succeeded",
    "generous",
    "communism",
    "arsenal",
    "cried",
    "ties",
    "gas",
    "gaps",
    "kiwis",
    "agreed",
    "feed",
    "bed",
    "hoping",
    "hopping",
    "sayyid",
    "yes",
    "crying",
    "by",
    "say",
    "cry",
    "eyed",
    "flying",
    "'hello",
    "a's",
    "abc's'",
    "aed",
    "ied",
    "ed",
    "ing",
];

fn words() -> BTreeSet<String> {
    let mut text = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for entry in walkdir::WalkDir::new(repo().join("playbook")).into_iter().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    let base: BTreeSet<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_ascii_lowercase() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut all = base.clone();
    for w in base.iter().filter(|w| w.bytes().all(|b| b.is_ascii_lowercase())) {
        all.extend(ENDINGS.iter().map(|e| format!("{w}{e}")));
    }
    all.extend(SPECIAL.iter().map(|w| (*w).to_string()));
    all
}

#[test]
fn the_browser_stems_every_word_as_the_index_does() {
    if Command::new("node").arg("--version").output().is_err() {
        let required = std::env::var("PLAYBOOK_BROWSER_TESTS").is_ok_and(|v| v == "required");
        assert!(!required, "PLAYBOOK_BROWSER_TESTS=required, but this machine lacks Node.js");
        eprintln!("note: the stemmer comparison was SKIPPED: this machine lacks Node.js");
        return;
    }
    let stemmer = Stemmer::create(Algorithm::English);
    let words = words();
    assert!(words.len() > 50_000, "a word list worth the name: {}", words.len());
    let tsv: String = words.iter().map(|w| format!("{w}\t{}\n", stemmer.stem(w))).collect();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("words.tsv");
    std::fs::write(&list, tsv).unwrap();
    let out = Command::new("node")
        .arg(repo().join("tests/browser/stem_check.mjs"))
        .arg(repo().join("themes/default/static/assets/stem.js"))
        .arg(&list)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the browser's stems differ from the index's:\n{text}");
    assert!(text.contains(&format!("{} words, 0 differ", words.len())), "{text}");
}

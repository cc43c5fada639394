//! "Did you mean ...?": the nearest of a list of names, for help lines.

/// The closest of `candidates` to `word`, if it is a plausible typo.
pub(crate) fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    did_you_mean_owned(word, candidates.iter().copied())
}

/// The candidate nearest to `word` by edit distance, if it is near enough
/// to be a typo. Bounded, because a file may hold thousands of broken
/// names and a page thousands of anchors: long words get no suggestion, and
/// only candidates of a similar length (at most `MAX_CANDIDATES`) are
/// compared.
pub(crate) fn did_you_mean_owned<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    const MAX_WORD: usize = 64;
    const MAX_CANDIDATES: usize = 500;
    if word.len() > MAX_WORD {
        return None;
    }
    let near = |c: &str| 2.max(c.len() / 3);
    candidates
        .filter(|c| c.len().abs_diff(word.len()) <= near(c))
        .take(MAX_CANDIDATES)
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|&(d, c)| d <= near(c))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_nearest_key() {
        assert_eq!(did_you_mean("owner", &["title", "owners", "weight"]), Some("owners"));
        assert_eq!(did_you_mean("colour", &["title", "owners"]), None);
    }
}

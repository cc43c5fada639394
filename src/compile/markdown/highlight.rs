//! Build-time highlighting of fenced code: the code's tokens wrapped in
//! `<span class="hl-…">` by syntect's Sublime syntaxes, coloured by the
//! theme's CSS (light and dark) with no script in the page. The syntaxes are
//! loaded once, on the first fenced block that names a language, so a
//! playbook without code pays nothing.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Blocks past these sizes are shown plain: the regexes of a syntax can take
/// time that grows faster than the text on hostile input, and real code
/// samples in a handbook are short.
const MAX_BLOCK: usize = 64 * 1024;
const MAX_LINE: usize = 2_000;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// `code` as highlighted HTML (text escaped), or `None` when `lang` names
/// no known syntax or the block is too large: the caller writes it plain.
pub(super) fn highlight(lang: &str, code: &str) -> Option<String> {
    if lang.is_empty() || code.len() > MAX_BLOCK || code.lines().any(|l| l.len() > MAX_LINE) {
        return None;
    }
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut html =
        ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::SpacedPrefixed { prefix: "hl-" });
    for line in LinesWithEndings::from(code) {
        html.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(html.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_and_text_stays_escaped() {
        let html = highlight("rust", "fn main() { let s = \"<b>\"; }\n").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;") && !html.contains("<b>"), "{html}");
        assert!(highlight("no-such-language", "x").is_none());
        assert!(highlight("", "x").is_none());
        assert!(highlight("rust", &"x".repeat(MAX_LINE + 1)).is_none());
    }
}

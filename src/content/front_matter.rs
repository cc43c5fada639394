//! Splits a markdown file into its `+++` TOML front matter and its body.
//!
//! Offsets are into the whole file so that every later error can be placed at
//! the file's own line numbers.

use std::ops::Range;

use crate::diagnostics::Diagnostic;

/// Where a source's front matter and body lie in its text.
pub(crate) struct Split {
    /// The TOML between the fences.
    pub toml: Range<usize>,
    /// Where the markdown body starts.
    pub body: usize,
}

pub(crate) fn split(file: &str, text: &str) -> Result<Split, Diagnostic> {
    let mut lines = LineIter { text, pos: 0 };
    match lines.next() {
        Some((_, line)) if is_fence(line) => {}
        _ => {
            return Err(Diagnostic::error("no-front-matter", file, "the file does not start with `+++` front matter")
                .at_offset(text, 0)
                .with_help("start the file with a `+++` line, then `title = \"...\"`, then another `+++` line"));
        }
    }
    let toml_start = lines.pos;
    while let Some((start, line)) = lines.next() {
        if is_fence(line) {
            return Ok(Split { toml: toml_start..start, body: lines.pos });
        }
    }
    Err(Diagnostic::error("unclosed-front-matter", file, "the front matter is not closed")
        .at_offset(text, 0)
        .with_help("add a line with `+++` after the last front-matter key"))
}

/// Whether `text` opens with a `+++` fence (a chapter may have none).
pub(crate) fn has_front_matter(text: &str) -> bool {
    LineIter { text, pos: 0 }.next().is_some_and(|(_, line)| is_fence(line))
}

/// A chapter without front matter: its title from a `# H1` that is its
/// first non-blank line (the body then starts after it, so the title is
/// not shown twice), else none. Returns (title, where the body starts).
pub(crate) fn leading_h1(text: &str) -> Option<(String, usize)> {
    let mut lines = LineIter { text, pos: 0 };
    let (_, line) = lines.by_ref().find(|(_, l)| !l.trim().is_empty())?;
    let heading = line.trim_end().strip_prefix("# ").or_else(|| (line.trim_end() == "#").then_some(""))?;
    // A closing run of `#` is not part of the title (`# Title #`).
    let title = heading.trim().trim_end_matches('#').trim_end();
    (!title.is_empty()).then(|| (title.to_string(), lines.pos))
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "+++"
}

/// Lines with their start offsets; the line excludes its `\n`.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf_files() {
        let text = "+++\r\ntitle = \"A\"\r\n+++\r\nbody\r\n";
        let s = split("a.md", text).unwrap();
        assert_eq!(&text[s.toml.clone()], "title = \"A\"\r\n");
        assert_eq!(&text[s.body..], "body\r\n");
        let s = split("a.md", "+++\n+++").unwrap();
        assert_eq!(s.toml, 4..4);
    }

    #[test]
    fn a_leading_h1_is_a_title() {
        assert_eq!(leading_h1("\n# Own the roadmap #\nBody\n"), Some(("Own the roadmap".into(), 21)));
        assert_eq!(leading_h1("Intro\n# Later\n"), None);
        assert_eq!(leading_h1("## Two\n"), None);
        assert_eq!(leading_h1("#Tight\n"), None);
        assert!(!has_front_matter("# T\n+++\n") && has_front_matter("+++\r\n+++\n"));
    }

    #[test]
    fn missing_and_unclosed_fences_are_errors() {
        assert_eq!(split("a.md", "# hi\n").err().unwrap().code, "no-front-matter");
        assert_eq!(split("a.md", "+++\ntitle = 1\n").err().unwrap().code, "unclosed-front-matter");
        assert_eq!(split("a.md", "").err().unwrap().code, "no-front-matter");
    }
}

//! Problems found in the user's content, each with where it is.
//!
//! Every stage reports into a `Vec<Diagnostic>` instead of stopping at the
//! first problem, so one run shows an author everything to fix. A diagnostic
//! names the file relative to the playbook root; printers add the root as the
//! user typed it so the path can be opened from the shell.

pub(crate) mod lint;
pub(crate) mod suggest;

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

/// Whether a problem stops the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Error,
    Warning,
}

/// One problem, located at its file, line and column, with help.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the playbook root, with `/` separators.
    pub file: String,
    /// 1-based; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based, counted in characters; 0 when unknown.
    pub column: usize,
    /// Stable identifier of the problem kind (listed in the README).
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// The text of the offending line, for the caret display.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            code,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub(crate) fn warning(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, file, message) }
    }

    pub(crate) fn at(mut self, pos: Pos) -> Self {
        self.line = pos.line;
        self.column = pos.column;
        self
    }

    /// Places the diagnostic at byte `offset` of `text` (the whole file).
    pub(crate) fn at_offset(self, text: &str, offset: usize) -> Self {
        let pos = Pos::of(text, offset);
        let line = text.lines().nth(pos.line - 1).unwrap_or("").to_string();
        let mut d = self.at(pos);
        d.source_line = Some(line);
        d
    }

    /// Like `at_offset`, through an index of the file's lines: constant
    /// time where a file may carry thousands of problems.
    pub(crate) fn at_index(self, index: &LineIndex, text: &str, offset: usize) -> Self {
        let (pos, line) = index.locate(text, offset);
        let mut d = self.at(pos);
        d.source_line = Some(line.to_string());
        d
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity) {
        (&self.file, self.line, self.column, self.severity)
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// Line and column of byte `offset` in `text`. Lines end at `\n`, so CRLF
    /// files count like LF ones; columns count characters, as editors do.
    pub(crate) fn of(text: &str, offset: usize) -> Pos {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = memchr_count(before) + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Pos { line, column }
    }
}

/// Where each line of a text starts.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` and the text of its line.
    fn locate<'t>(&self, text: &'t str, offset: usize) -> (Pos, &'t str) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(text.len(), |&e| e - 1);
        let column = text[start..offset].chars().count() + 1;
        (Pos { line: line + 1, column }, text[start..end].trim_end_matches('\r'))
    }
}

fn memchr_count(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// Sorts by file and position and drops exact repeats.
pub(crate) fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.message.cmp(&b.message)));
    diags.dedup();
}

pub(crate) fn count_errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// `path:line:col: error: message`, then the source line with a caret and a
/// help line where there is one.
pub(crate) fn format_human(d: &Diagnostic, root: &Path, color: bool) -> String {
    let (bold, red, yellow, blue, reset) =
        if color { ("\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;34m", "\x1b[0m") } else { ("", "", "", "", "") };
    let mut out = String::new();
    let path = display_path(root, &d.file);
    let path = clean(&path);
    let _ = write!(out, "{bold}{path}");
    if d.line > 0 {
        let _ = write!(out, ":{}", d.line);
        if d.column > 0 {
            let _ = write!(out, ":{}", d.column);
        }
    }
    let (label, tint) = match d.severity {
        Severity::Error => ("error", red),
        Severity::Warning => ("warning", yellow),
    };
    let _ = write!(out, ":{reset} {tint}{label}{reset}{bold}:{reset} {}", clean(&d.message));
    if let Some(src) = &d.source_line {
        let gutter = d.line.to_string();
        let pad = " ".repeat(gutter.len());
        let (shown, caret_column) = excerpt(src, d.column);
        let shown = clean(&shown);
        let _ = write!(out, "\n{blue}{pad} |{reset}\n{blue}{gutter} |{reset} {shown}");
        if d.column > 0 {
            let caret_pad = " ".repeat(caret_column - 1);
            let _ = write!(out, "\n{blue}{pad} |{reset} {caret_pad}{tint}^{reset}");
        }
    }
    if let Some(help) = &d.help {
        let _ = write!(out, "\n{blue}  = help:{reset} {}", clean(help));
    }
    out
}

/// Text from the user's files, made safe to print: control characters
/// (escape codes, carriage returns, newlines that could start a line with a
/// CI workflow command such as `::error`) and bidirectional overrides are
/// shown as `\u{..}` escapes instead of acting on the terminal.
pub(crate) fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A character `clean` writes out: a control (but tab), a direction
/// override or isolate, a mark that reorders or breaks a line.
pub(crate) fn unsafe_char(c: char) -> bool {
    c.is_control() && c != '\t'
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}')
}

/// At most about 100 characters of a source line, around the column, and
/// the column's place in that excerpt.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = line.trim_end_matches('\r').chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
    if chars.len() <= WIDTH {
        return (chars.into_iter().collect(), column.max(1));
    }
    let col = column.max(1) - 1;
    let start = col.saturating_sub(WIDTH / 2).min(chars.len() - WIDTH);
    let end = start + WIDTH;
    let mut s = String::new();
    let mut caret = col - start + 1;
    if start > 0 {
        s.push_str("...");
        caret += 3;
    }
    s.extend(&chars[start..end]);
    if end < chars.len() {
        s.push_str("...");
    }
    (s, caret)
}

/// A GitHub Actions workflow command, so the problem shows on the PR diff.
pub(crate) fn format_github(d: &Diagnostic, root: &Path) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = format!("file={}", escape_property(&display_path(root, &d.file)));
    if d.line > 0 {
        props.push_str(&format!(",line={}", d.line));
        if d.column > 0 {
            props.push_str(&format!(",col={}", d.column));
        }
    }
    props.push_str(&format!(",title={}", escape_property(&format!("playbook {}", d.code))));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\n{help}"));
    }
    format!("::{kind} {props}::{}", escape_data(&message))
}

/// GitHub's escaping for workflow commands, after any other control
/// character is written out (`\u{1b}`), so nothing reaches the log raw.
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c != '\t' && (c.is_control() || is_bidi(c)) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that reorder text on a terminal (Trojan Source).
pub(crate) fn is_bidi(c: char) -> bool {
    ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One JSON array of every problem, with paths as the user can open them.
pub(crate) fn format_json(diags: &[Diagnostic], root: &Path) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity,
                "file": display_path(root, &d.file),
                "line": d.line,
                "column": d.column,
                "code": d.code,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    let json = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    // JSON leaves C1 controls and reordering marks raw; a terminal acts on them.
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if (c.is_control() && c != '\n') || is_bidi(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// The file as the user can open it from the current folder.
pub(crate) fn display_path(root: &Path, file: &str) -> String {
    if file.is_empty() {
        return root.display().to_string();
    }
    if root.as_os_str().is_empty() || root == Path::new(".") {
        return file.to_string();
    }
    let mut s = root.display().to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    s.push_str(file);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_text_cannot_drive_the_terminal_or_ci() {
        let d = Diagnostic::error("x", "chapters/\u{1b}[31mred.md", "bad\n::error file=x::forged")
            .with_help("\r\u{202e}evil");
        let out = format_human(&d, Path::new("."), false);
        assert!(!out.contains('\u{1b}') && !out.contains('\r') && !out.contains('\u{202e}'), "{out}");
        assert!(out.lines().all(|l| !l.starts_with("::")), "{out}");
    }

    #[test]
    fn github_annotations_hold_no_raw_control_characters() {
        let d = Diagnostic::error("x", "chapters/a\u{1b}[2Jb\u{7}.md", "m\n::error::x");
        let out = format_github(&d, Path::new("."));
        assert!(!out.chars().any(char::is_control), "{out:?}");
        assert_eq!(out.lines().count(), 1, "one annotation, one line: {out}");
    }

    #[test]
    fn the_line_index_agrees_with_pos() {
        let text = "ab\r\ncé d\nx";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 3 {
            let (pos, _) = index.locate(text, offset);
            assert_eq!(pos, Pos::of(text, offset), "{offset}");
        }
        assert_eq!(index.locate(text, 5).1, "cé d");
        assert_eq!(index.locate(text, 0).1, "ab");
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\r\ncé d\nx";
        assert_eq!(Pos::of(text, 0), Pos { line: 1, column: 1 });
        assert_eq!(Pos::of(text, 4), Pos { line: 2, column: 1 });
        // 'd' comes after the two-byte 'é' and a space
        assert_eq!(Pos::of(text, 8), Pos { line: 2, column: 4 });
        assert_eq!(Pos::of(text, 100), Pos { line: 3, column: 2 });
    }
}

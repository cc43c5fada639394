//! Reading one source file: its front matter handed to a schema, its
//! modification stamp, its names, and the weight order shared by chapters,
//! parts and teams.

use std::cmp::Ordering;

use super::Doc;
use super::front_matter;
use crate::diagnostics::Diagnostic;
use crate::sources::Sources;
use crate::sources::toml_fields::{self, Fields};

pub(super) fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(super) fn file_stem(file: &str) -> &str {
    let name = file.rsplit_once('/').map_or(file, |(_, n)| n);
    name.strip_suffix(".md").unwrap_or(name)
}

/// A source read and its front matter made into `T`, with the problems
/// found on the way that did not stop it (an unknown key, a value of the
/// wrong type): the body is still checked, the build still fails.
pub(super) struct ReadSource<T> {
    pub text: String,
    pub body: usize,
    pub value: T,
    pub problems: Vec<Diagnostic>,
}

/// Reads a markdown source and hands its front matter to `schema`. `Err`
/// only when nothing usable came out: the file is unreadable, the front
/// matter is not closed or not TOML, or `schema` found it unusable.
pub(super) fn parse_source<T>(
    sources: &Sources,
    file: &str,
    schema: impl FnOnce(&mut Fields<'_, '_>) -> Option<T>,
) -> Result<ReadSource<T>, Vec<Diagnostic>> {
    let text = sources.read_text(file).map_err(|d| vec![d])?;
    parse_text(file, text, schema)
}

/// `parse_source` for text already read.
pub(super) fn parse_text<T>(
    file: &str,
    text: String,
    schema: impl FnOnce(&mut Fields<'_, '_>) -> Option<T>,
) -> Result<ReadSource<T>, Vec<Diagnostic>> {
    let split = front_matter::split(file, &text).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let value = {
        let Some(table) = toml_fields::parse(file, &text, split.toml.clone(), &mut problems) else {
            return Err(problems);
        };
        schema(&mut Fields { file, text: &text, base: split.toml.start, table: &table, diags: &mut problems })
    };
    match value {
        Some(value) => Ok(ReadSource { text, body: split.body, value, problems }),
        None => Err(problems),
    }
}

/// Whether a file's modification time and length are those of its earlier
/// parse (the dev server's rebuilds then skip reading it).
pub(super) fn unchanged(earlier: &Doc, stamp: Option<(std::time::SystemTime, u64)>) -> bool {
    stamp.is_some() && earlier.stamp == stamp
}

/// Weighted entries first, by weight; unweighted ones after, by name.
pub(crate) fn by_weight(a: Option<i64>, b: Option<i64>) -> Ordering {
    a.unwrap_or(i64::MAX).cmp(&b.unwrap_or(i64::MAX))
}

/// `earlier` read again, when only its body changed: the new text keeps
/// every byte of the front matter (so every field parsed from it holds).
/// `None` when that is not so, or the file cannot be read now: the caller
/// then loads the whole playbook, which reports what is wrong.
pub(crate) fn reread_body(sources: &Sources, earlier: &Doc) -> Option<Doc> {
    let file = earlier.file.as_str();
    let stamp = sources.stamp(file);
    let text = sources.read_text(file).ok()?;
    let split = front_matter::split(file, &text).ok()?;
    if text.get(..split.body)? != earlier.text.get(..earlier.body_offset)? {
        return None;
    }
    Some(Doc { text: text.into(), stamp, body_offset: split.body, ..earlier.clone() })
}

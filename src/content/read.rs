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

/// Reads a markdown source and hands its front matter to `schema`; returns
/// the text, where the body starts and what `schema` made of it, or every
/// problem found.
pub(super) fn parse_source<T>(
    sources: &Sources,
    file: &str,
    schema: impl FnOnce(&mut Fields<'_, '_>) -> Option<T>,
) -> Result<(String, usize, T), Vec<Diagnostic>> {
    let text = sources.read_text(file).map_err(|d| vec![d])?;
    let split = front_matter::split(file, &text).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let value = {
        let Some(table) = toml_fields::parse(file, &text, split.toml.clone(), &mut diags) else { return Err(diags) };
        schema(&mut Fields { file, text: &text, base: split.toml.start, table: &table, diags: &mut diags })
    };
    match value {
        Some(value) if diags.is_empty() => Ok((text, split.body, value)),
        _ => Err(diags),
    }
}

/// Whether a file's modification time and length are those of its earlier
/// parse (the dev server's rebuilds then skip reading it).
pub(super) fn unchanged(earlier: &Doc, stamp: Option<(std::time::SystemTime, u64)>) -> bool {
    stamp.is_some() && earlier.stamp == stamp
}

/// Weighted entries first, by weight; unweighted ones after, by name.
pub(super) fn by_weight(a: Option<i64>, b: Option<i64>) -> Ordering {
    a.unwrap_or(i64::MAX).cmp(&b.unwrap_or(i64::MAX))
}

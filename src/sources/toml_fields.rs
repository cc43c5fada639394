//! Typed values out of a TOML table, with every problem at its place.
//!
//! serde stops at the first bad field and loses the line once a value is
//! converted, so config, team and front-matter files are parsed into the
//! span-carrying `DeTable` and read field by field here. One file can then
//! report a wrong type, an unknown key and a missing key in the same run, each
//! at its line in the file (not in the front-matter block).

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::suggest::did_you_mean;

/// Parses `text[range]` as a TOML document. Syntax errors are reported (all
/// of them the parser can recover from) and give `None`.
pub(crate) fn parse<'i>(
    file: &str,
    text: &'i str,
    range: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<DeTable<'i>> {
    let base = range.start;
    let (table, errors) = DeTable::parse_recoverable(&text[range]);
    if errors.is_empty() {
        return Some(table.into_inner());
    }
    for e in errors {
        let offset = base + e.span().map_or(0, |s| s.start);
        let message = e.message().trim().trim_end_matches('.').to_string();
        let mut d = Diagnostic::error("toml-syntax", file, format!("invalid TOML: {message}")).at_offset(text, offset);
        if let Some(help) = date_help(text, offset) {
            d = d.with_help(help);
        }
        diags.push(d);
    }
    None
}

/// Where each key of a table, and its value, start in the file: kept with
/// the parsed metadata so that a later stage (a stale review, a bad tag, an
/// unknown chapter) points at the field without reading the text again.
/// A key that is absent points at the start of the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyOffsets(Vec<(&'static str, usize, usize)>);

impl KeyOffsets {
    fn find(&self, key: &str) -> Option<&(&'static str, usize, usize)> {
        self.0.iter().find(|(k, ..)| *k == key)
    }

    /// Byte offset of `key` itself.
    pub(crate) fn key(&self, key: &str) -> usize {
        self.find(key).map_or(0, |&(_, at, _)| at)
    }

    /// Byte offset of `key`'s value.
    pub(crate) fn value(&self, key: &str) -> usize {
        self.find(key).map_or(0, |&(.., at)| at)
    }
}

/// A value TOML cannot read that looks like a date (`reviewed =
/// 25/11/2026`): the TOML date to write instead, from the author's value.
fn date_help(text: &str, offset: usize) -> Option<String> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(start..)?.lines().next()?;
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let value = value.split('#').next()?.trim();
    let date = crate::date::suggest(value)?;
    Some(format!("write {key} = {date} (a TOML date: year-month-day, no quotes)"))
}

/// Reads keys out of one parsed table. Problems go to `diags`.
pub(crate) struct Fields<'a, 'i> {
    pub file: &'a str,
    pub text: &'i str,
    /// Offset of the TOML text inside `text`.
    pub base: usize,
    pub table: &'a DeTable<'i>,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a, 'i> Fields<'a, 'i> {
    fn get(&self, key: &str) -> Option<(&'a DeValue<'i>, usize)> {
        self.table.get(key).map(|v| (v.get_ref(), self.base + v.span().start))
    }

    /// Where each of the `known` keys the table holds sits in the file
    /// (unknown keys are reported, not located later). Names are the
    /// schema's own strings: one small allocation per file.
    pub(crate) fn offsets(&self, known: &[&'static str]) -> KeyOffsets {
        KeyOffsets(
            self.table
                .iter()
                .filter_map(|(k, v)| {
                    let name = known.iter().find(|n| **n == k.get_ref().as_ref())?;
                    Some((*name, self.base + k.span().start, self.base + v.span().start))
                })
                .collect(),
        )
    }

    fn wrong_type(&mut self, key: &str, offset: usize, expected: &str, found: &DeValue<'_>) {
        let mut d = Diagnostic::error(
            "wrong-type",
            self.file,
            format!("`{key}` must be {expected}, found {}", describe(found)),
        )
        .at_offset(self.text, offset);
        if expected.starts_with("a list") && matches!(found, DeValue::String(_)) {
            d = d.with_help(format!("write a list: {key} = [\"...\"]"));
        } else if expected.starts_with("a date") {
            let written = match found {
                DeValue::String(s) => s.to_string(),
                _ => self.text.get(offset..).and_then(|t| t.lines().next()).unwrap_or("").to_string(),
            };
            d = d.with_help(match crate::date::suggest(&written) {
                Some(date) => format!("write {key} = {date} (year-month-day, no quotes)"),
                None => format!("write {key} = YYYY-MM-DD, such as {key} = 2026-10-01 (no quotes)"),
            });
        }
        self.diags.push(d);
    }

    /// Reports every key not in `known`, with the nearest known key as help.
    pub(crate) fn deny_unknown(&mut self, known: &[&str], what: &str) {
        for (key, _) in self.table {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let mut d = Diagnostic::error("unknown-key", self.file, format!("unknown key `{name}` in {what}"))
                .at_offset(self.text, self.base + key.span().start);
            d = match did_you_mean(name, known) {
                Some(best) => d.with_help(format!("did you mean `{best}`?")),
                None => d.with_help(format!("known keys are: {}", known.join(", "))),
            };
            self.diags.push(d);
        }
    }

    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        let (value, at) = self.get(key)?;
        match value {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.wrong_type(key, at, "a string", other);
                None
            }
        }
    }

    /// Like `string`, and reports a missing key at `missing_at`.
    pub(crate) fn required_string(&mut self, key: &str, missing_at: usize) -> Option<String> {
        if self.table.get(key).is_none() {
            self.diags.push(
                Diagnostic::error("missing-key", self.file, format!("missing required key `{key}`"))
                    .at_offset(self.text, missing_at)
                    .with_help(format!("add a line: {key} = \"...\"")),
            );
            return None;
        }
        self.string(key)
    }

    pub(crate) fn integer(&mut self, key: &str) -> Option<i64> {
        let (value, at) = self.get(key)?;
        let parsed = match value {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(key, at, "an integer", value);
        }
        parsed
    }

    pub(crate) fn boolean(&mut self, key: &str) -> Option<bool> {
        let (value, at) = self.get(key)?;
        match value {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.wrong_type(key, at, "true or false", other);
                None
            }
        }
    }

    pub(crate) fn strings(&mut self, key: &str) -> Vec<String> {
        let Some((value, at)) = self.get(key) else {
            return Vec::new();
        };
        let items = match value {
            DeValue::Array(items) => items
                .iter()
                .map(|v| match v.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        items.unwrap_or_else(|| {
            self.wrong_type(key, at, "a list of strings", value);
            Vec::new()
        })
    }

    pub(crate) fn date(&mut self, key: &str) -> Option<Date> {
        let (value, at) = self.get(key)?;
        let date = match value {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                dt.date.map(|d| Date { year: d.year as i32, month: d.month, day: d.day })
            }
            _ => None,
        };
        if date.is_none() {
            self.wrong_type(key, at, "a date like 2026-10-01", value);
        }
        date
    }

    /// A free-form table (`[extra]`), as template data.
    pub(crate) fn table(&mut self, key: &str) -> Option<tera::Value> {
        let (value, at) = self.get(key)?;
        match value {
            DeValue::Table(_) => Some(to_template_value(value)),
            other => {
                self.wrong_type(key, at, "a table", other);
                None
            }
        }
    }
}

fn describe(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn to_template_value(v: &DeValue<'_>) -> tera::Value {
    use tera::Value;
    match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).map_or(Value::Null, Value::from)
        }
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().map_or(Value::Null, Value::from),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|i| to_template_value(i.get_ref())).collect()),
        DeValue::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.get_ref().to_string(), to_template_value(v.get_ref()))).collect())
        }
    }
}

//! `playbook.toml`: the site's settings, read once and validated.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::source;
use crate::toml_fields::{self, Fields};

pub(crate) const FILE: &str = "playbook.toml";

const KNOWN: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "edit_url",
    "review_after_days",
    "language",
    "search",
    "raw_html",
    "extra",
];

#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub title: String,
    pub description: String,
    /// As configured; ends with `/`. May be a path or a full URL.
    pub base_url: String,
    pub theme: String,
    pub edit_url: Option<String>,
    pub review_after_days: Option<i64>,
    pub language: String,
    /// Build the full-text search index (and show the search box).
    pub search: bool,
    /// Pass HTML written in markdown through (trusted authors), or escape it.
    pub raw_html: bool,
    pub extra: tera::Value,
}

impl Config {
    /// The path part of `base_url` (`/`, `/handbook/`): what links start with.
    pub(crate) fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

pub(crate) fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let text = source::read_text(root, FILE).map_err(|d| vec![d])?;
    parse(&text)
}

pub(crate) fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let Some(table) = toml_fields::parse(FILE, text, 0..text.len(), &mut diags) else {
        return Err(diags);
    };
    let mut f = Fields { file: FILE, text, base: 0, table: &table, diags: &mut diags };
    f.deny_unknown(KNOWN, FILE);
    let title = f.required_string("title", 0);
    let description = f.string("description").unwrap_or_default();
    let base_url = normalize_base(&f.string("base_url").unwrap_or_else(|| "/".into()));
    let theme = f.string("theme").unwrap_or_else(|| "default".into());
    let edit_url = f.string("edit_url");
    let review_after_days = f.integer("review_after_days");
    let language = f.string("language").unwrap_or_else(|| "en".into());
    let search = f.boolean("search").unwrap_or(true);
    let raw_html = f.boolean("raw_html").unwrap_or(true);
    let extra = f.table("extra").unwrap_or(tera::Value::Object(Default::default()));
    if let Some(days) = review_after_days
        && days <= 0
    {
        let at = table.get("review_after_days").map_or(0, |v| v.span().start);
        diags.push(
            Diagnostic::error("bad-value", FILE, "`review_after_days` must be a positive number of days")
                .at_offset(text, at),
        );
    }
    match title {
        Some(title) if diags.is_empty() => Ok(Config {
            title,
            description,
            base_url,
            theme,
            edit_url,
            review_after_days,
            language,
            search,
            raw_html,
            extra,
        }),
        _ => Err(diags),
    }
}

/// Makes sure the base ends with a slash, and a bare path starts with one.
pub(crate) fn normalize_base(url: &str) -> String {
    let mut s = url.trim().to_string();
    if !s.contains("://") && !s.starts_with('/') {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

fn base_path_of(base_url: &str) -> String {
    match base_url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => "/".to_string(),
        },
        None => base_url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_comes_from_a_path_or_a_url() {
        assert_eq!(base_path_of(&normalize_base("handbook")), "/handbook/");
        assert_eq!(base_path_of(&normalize_base("https://x.org/docs")), "/docs/");
        assert_eq!(base_path_of(&normalize_base("https://x.org")), "/");
    }

    #[test]
    fn every_problem_is_reported_at_its_line() {
        let errs = parse("title = 3\ntheme = \"default\"\nbase_ulr = \"/\"\n").unwrap_err();
        let lines: Vec<_> = errs.iter().map(|d| (d.line, d.code)).collect();
        assert!(lines.contains(&(1, "wrong-type")), "{errs:?}");
        assert!(lines.contains(&(3, "unknown-key")), "{errs:?}");
        assert_eq!(
            errs.iter().find(|d| d.code == "unknown-key").unwrap().help.as_deref(),
            Some("did you mean `base_url`?")
        );
    }
}

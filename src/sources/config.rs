//! `playbook.toml`: the site's settings, read once and validated.

use crate::diagnostics::Diagnostic;
use crate::sources::toml_fields::{self, Fields, KeyOffsets};
use crate::sources::{self, Sources};

pub(crate) const FILE: &str = "playbook.toml";

const KNOWN: &[&str] = &[
    "title",
    "output_dir",
    "description",
    "base_url",
    "theme",
    "edit_url",
    "review_after_days",
    "language",
    "search",
    "raw_html",
    "max_file_mib",
    "extra",
];

/// `playbook.toml`, every key typed and checked.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub title: String,
    pub description: String,
    /// As configured; ends with `/`. May be a path or a full URL.
    pub base_url: String,
    /// As configured: `default` or a folder.
    pub theme: String,
    /// The theme's folder, root-relative and normalised; `None` for the
    /// built-in theme.
    pub theme_dir: Option<String>,
    /// Where `build` writes, root-relative (`public` unless set).
    pub output_dir: String,
    pub edit_url: Option<String>,
    pub review_after_days: Option<i64>,
    pub language: String,
    /// Build the full-text search index (and show the search box).
    pub search: bool,
    /// Pass HTML written in markdown through (trusted authors), or escape it.
    pub raw_html: bool,
    /// Largest source file read, in MiB.
    pub max_file_mib: u64,
    pub extra: tera::Value,
    /// Where each top-level key sits in playbook.toml.
    keys: KeyOffsets,
    /// The file as read: part of the dev server's structure key.
    pub source: std::sync::Arc<str>,
}

impl Config {
    /// The path part of `base_url` (`/`, `/handbook/`): what links start with.
    pub(crate) fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// `d` placed where `key` is set in playbook.toml, with its line shown
    /// (the start of the file if it is not set).
    pub(crate) fn at_key(&self, d: Diagnostic, key: &str) -> Diagnostic {
        d.at_offset(&self.source, self.keys.value(key))
    }
}

pub(crate) fn load(sources: &Sources) -> Result<Config, Vec<Diagnostic>> {
    let text = sources.read_text(FILE).map_err(|d| vec![d])?;
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
    let max_file_mib = f.integer("max_file_mib");
    let extra = f.table("extra").unwrap_or(tera::Value::Object(Default::default()));
    let output_dir = f.string("output_dir");
    let keys = f.offsets(KNOWN);
    let at = |key: &str| keys.value(key);
    let mut bad = |key: &str, message: String, help: &str| {
        diags.push(Diagnostic::error("bad-value", FILE, message).at_offset(text, at(key)).with_help(help));
    };
    if review_after_days.is_some_and(|days| days <= 0) {
        bad("review_after_days", "`review_after_days` must be a positive number of days".into(), "e.g. 180");
    }
    if max_file_mib.is_some_and(|mib| mib <= 0) {
        bad("max_file_mib", "`max_file_mib` must be a positive number of MiB".into(), "e.g. 16");
    }
    if let Err(why) = check_base_url(&base_url) {
        bad(
            "base_url",
            format!("`base_url` {why}"),
            "write a path such as \"/handbook/\" or a URL such as \"https://handbook.example.com/\"",
        );
    }
    if let Some(url) = &edit_url
        && let Err(why) = check_web_url(url)
    {
        bad("edit_url", format!("`edit_url` {why}"), "write an http(s) URL with {path} where the file's path goes");
    }
    let output_dir = match output_dir.map(|dir| folder_inside_root(&dir)) {
        None => "public".to_string(),
        Some(Ok(dir)) => dir,
        Some(Err(why)) => {
            bad("output_dir", format!("`output_dir` {why}"), "use a folder such as \"public\" or \"site/handbook\"");
            String::new()
        }
    };
    let theme_dir = match theme_folder(&theme) {
        Ok(dir) => dir,
        Err(why) => {
            bad(
                "theme",
                format!("`theme` {why}"),
                "use \"default\", or a folder inside the playbook root such as \"themes/ours\"",
            );
            None
        }
    };
    match title {
        Some(title) if diags.is_empty() => Ok(Config {
            title,
            description,
            base_url,
            theme,
            theme_dir,
            output_dir,
            edit_url,
            review_after_days,
            language,
            search,
            raw_html,
            max_file_mib: max_file_mib.map_or(sources::DEFAULT_MAX_MIB, i64::unsigned_abs),
            extra,
            keys,
            source: text.into(),
        }),
        _ => Err(diags),
    }
}

/// A base URL is a path (`/`, `/handbook/`) or an http(s) URL, with no
/// character that could end the attribute it is written into.
pub(crate) fn check_base_url(url: &str) -> Result<(), String> {
    if url.starts_with("//") {
        return Err("must not start with `//` (that is another host)".into());
    }
    if !url.starts_with('/') {
        check_web_url(url)?;
    }
    // Every link starts with the path: `//` in it would name another host.
    if base_path_of(url).contains("//") {
        return Err("must not hold `//` in its path (a link starting with it goes to another host)".into());
    }
    plain_chars(url)
}

/// An absolute http(s) URL of plain characters.
fn check_web_url(url: &str) -> Result<(), String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => plain_chars(url),
        _ => Err("must be an http:// or https:// URL".into()),
    }
}

fn plain_chars(url: &str) -> Result<(), String> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || crate::diagnostics::is_bidi(c) || "\"'<>`\\".contains(c);
    match url.chars().find(|c| bad(*c)) {
        Some(c) => Err(format!("must not contain {c:?}")),
        None => Ok(()),
    }
}

/// The theme's folder, normalised, if `theme` names one: a relative path
/// that stays inside the root and out of hidden folders.
fn theme_folder(theme: &str) -> Result<Option<String>, String> {
    if theme == "default" {
        return Ok(None);
    }
    folder_inside_root(theme).map(Some)
}

/// A folder named in playbook.toml, which must lie inside the root: the
/// file comes from a pull request like everything else.
fn folder_inside_root(path: &str) -> Result<String, String> {
    let normal = path.replace('\\', "/");
    if normal.starts_with('/') || normal.contains(':') {
        return Err("must be a folder inside the playbook root, not an absolute path".into());
    }
    let parts: Vec<&str> = normal.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    if parts.is_empty() {
        return Err("names no folder".into());
    }
    if parts.iter().any(|s| *s == ".." || s.starts_with('.')) {
        return Err("must be a folder inside the playbook root (no `..`, no hidden folders)".into());
    }
    Ok(parts.join("/"))
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
    fn urls_and_theme_folders_are_checked() {
        for bad in [
            "javascript:alert(1)//",
            "//evil.example/",
            "/a\"b/",
            "data:text/html,x",
            "/a b/",
            "https://h.example//evil.example/",
            "/a//b/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        for good in ["/", "/handbook/", "https://x.org/docs/", "http://localhost:8000/"] {
            assert!(check_base_url(good).is_ok(), "{good}");
        }
        assert!(check_web_url("javascript:alert(1)").is_err());
        assert_eq!(theme_folder("themes/ours/").unwrap().as_deref(), Some("themes/ours"));
        for bad in ["../x", "/etc", ".git", "a/../../b", "C:/x"] {
            assert!(theme_folder(bad).is_err(), "{bad}");
        }
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

//! The theme: Tera templates and static assets.
//!
//! The default theme is embedded; `theme = "path"` in playbook.toml loads one
//! from disk; the root's `templates/` overrides either by file name. Template
//! errors name the file they came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::embedded;

pub(crate) enum Asset {
    Embedded(&'static [u8]),
    File(PathBuf),
}

pub(crate) struct Theme {
    pub tera: Tera,
    /// Output-relative path -> bytes, theme assets first, then the root's
    /// `static/` (which wins on a clash).
    pub assets: BTreeMap<String, Asset>,
    /// Template name -> the file it came from, for messages.
    origins: BTreeMap<String, String>,
}

pub(crate) fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new(); // name -> (origin, text)
    let mut assets = BTreeMap::new();
    let mut diags = Vec::new();
    if config.theme == "default" {
        for (name, bytes) in embedded::theme_files("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            sources.insert(name.to_string(), (format!("(default theme) templates/{name}"), text));
        }
        for (name, bytes) in embedded::theme_files("static/") {
            assets.insert(name.to_string(), Asset::Embedded(bytes));
        }
    } else {
        let dir = root.join(&config.theme);
        if !dir.join("templates").is_dir() {
            return Err(vec![
                Diagnostic::error("unknown-theme", crate::config::FILE, format!("theme `{}` not found", config.theme))
                    .with_help(
                        "use \"default\", or a path (relative to the playbook root) to a folder with templates/",
                    ),
            ]);
        }
        read_templates(root, &dir.join("templates"), &mut sources, &mut diags);
        read_assets(&dir.join("static"), &mut assets);
    }
    read_templates(root, &root.join("templates"), &mut sources, &mut diags);
    read_assets(&root.join("static"), &mut assets);
    if !diags.is_empty() {
        return Err(diags);
    }

    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which bloats every URL; in quoted
    // attributes and text these five characters are the ones that matter.
    tera.set_escape_fn(escape_html);
    let all = sources.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()));
    if let Err(e) = tera.add_raw_templates(all) {
        return Err(template_errors(&sources, &e));
    }
    let origins = sources.into_iter().map(|(name, (origin, _))| (name, origin)).collect();
    Ok(Theme { tera, assets, origins })
}

fn read_templates(
    root: &Path,
    dir: &Path,
    sources: &mut BTreeMap<String, (String, String)>,
    diags: &mut Vec<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error("io", dir.display().to_string(), e.to_string()));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        let origin = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        match std::fs::read(entry.path()).map_err(|e| crate::source::io_error(&origin, &e)) {
            Ok(bytes) => match crate::source::decode(&origin, bytes) {
                Ok(text) => {
                    sources.insert(name, (origin, text));
                }
                Err(d) => diags.push(d),
            },
            Err(d) => diags.push(d),
        }
    }
}

fn read_assets(dir: &Path, assets: &mut BTreeMap<String, Asset>) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).follow_links(true).into_iter().flatten() {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            assets.insert(rel, Asset::File(entry.path().to_path_buf()));
        }
    }
}

/// Tera stops at the first broken template; parse each one alone to report
/// every syntax error with its file, line and column.
fn template_errors(sources: &BTreeMap<String, (String, String)>, first: &tera::Error) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (name, (origin, text)) in sources {
        let mut alone = Tera::default();
        if let Err(e) = alone.add_raw_template(name, text) {
            let chain = error_chain(&e);
            let needs_others = chain.contains("which doesn't exist") || chain.contains("isn't present in Tera");
            if matches!(e.kind, tera::ErrorKind::MissingParent { .. }) || needs_others {
                continue;
            }
            diags.push(located(origin, &chain));
        }
    }
    if diags.is_empty() {
        diags.push(Diagnostic::error("template", "templates", error_chain(first)));
    }
    diags
}

/// Builds a diagnostic from Tera's message, which carries ` --> line:col`.
fn located(origin: &str, chain: &str) -> Diagnostic {
    let mut d = Diagnostic::error("template", origin, format!("template error: {}", chain.trim()));
    if let Some(at) = chain.find("--> ") {
        let rest = &chain[at + 4..];
        let mut nums = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
        if let (Some(l), Some(c)) = (nums.next(), nums.next()) {
            d.line = l.parse().unwrap_or(0);
            d.column = c.parse().unwrap_or(0);
        }
    }
    d
}

fn escape_html(s: &str) -> String {
    crate::markdown::escape_attr(s)
}

pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

impl Theme {
    pub(crate) fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            let origin = self.origins.get(name).map_or(name, String::as_str);
            Diagnostic::error("template", origin, format!("template error: {}", error_chain(&e)))
        })
    }
}

//! The theme: Tera templates and static files.
//!
//! The default theme is embedded; `theme = "path"` in playbook.toml loads one
//! from a folder inside the root; the root's `templates/` overrides either by
//! file name, and its `static/` adds to (or replaces) the theme's files.
//! Everything is read through `Sources`. Template errors name the file they
//! came from; `template_guard` decides what a template may do.

use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;
use crate::render::template_guard;
use crate::sources::Sources;
use crate::sources::config::Config;
use crate::sources::embedded;

/// A file copied into the site as is.
#[derive(Clone, Debug)]
pub(crate) struct StaticFile {
    origin: String,
    data: Data,
    theme: bool,
}

#[derive(Clone, Debug)]
enum Data {
    Embedded(&'static [u8]),
    /// Root-relative path, read through `Sources` when copied.
    Source(String),
}

impl StaticFile {
    /// Where it comes from, for messages: a root-relative path.
    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }

    /// From the theme (which the root's `static/` may override).
    pub(crate) fn is_theme(&self) -> bool {
        self.theme
    }

    /// The source file's modification time and length (`None` for the
    /// built-in theme's files, which never change while running).
    pub(crate) fn stamp(&self, sources: &Sources) -> Option<(std::time::SystemTime, u64)> {
        match &self.data {
            Data::Embedded(_) => None,
            Data::Source(rel) => sources.stamp(rel),
        }
    }

    pub(crate) fn bytes(&self, sources: &Sources) -> Result<Vec<u8>, Diagnostic> {
        match &self.data {
            Data::Embedded(b) => Ok(b.to_vec()),
            Data::Source(rel) => sources.read(rel),
        }
    }
}

/// The loaded theme: Tera templates (the theme's, overridden by the
/// playbook's `templates/`) and its static files.
pub(crate) struct Theme {
    pub tera: Tera,
    /// What each thread is rendering, for the render watchdog.
    pub rendering: crate::limits::Rendering,
    /// Template name -> the file it came from, for messages.
    origins: std::collections::BTreeMap<String, String>,
}

/// The files to copy: the theme's, then the root's `static/`, by output
/// path (a later one of the same path replaces an earlier one).
pub(crate) fn static_files(
    sources: &Sources,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, StaticFile)> {
    let mut out = Vec::new();
    match &config.theme_dir {
        None => {
            for (name, bytes) in embedded::theme_files("static/") {
                let file = StaticFile {
                    origin: format!("(default theme) static/{name}"),
                    data: Data::Embedded(bytes),
                    theme: true,
                };
                out.push((name.to_string(), file));
            }
        }
        Some(dir) => list(sources, &format!("{dir}/static"), true, &mut out, diags),
    }
    list(sources, "static", false, &mut out, diags);
    out
}

fn list(sources: &Sources, dir: &str, theme: bool, out: &mut Vec<(String, StaticFile)>, diags: &mut Vec<Diagnostic>) {
    for (path, rel) in sources.files_below(dir, diags) {
        out.push((path, StaticFile { origin: rel.clone(), data: Data::Source(rel), theme }));
    }
}

/// Reads and compiles the theme's templates.
pub(crate) fn load(sources: &Sources, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    build(read(sources, config)?)
}

/// The templates as read, before compiling: the dev server compares their
/// `key` to decide whether the compiled theme it holds is still the one.
pub(crate) struct Templates {
    texts: template_guard::Sources,
}

impl Templates {
    /// A hash of every template's name, origin and text.
    pub(crate) fn key(&self) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&self.texts, &mut h);
        std::hash::Hasher::finish(&h)
    }
}

/// Reads the templates: the theme's (built-in or a folder), then the
/// playbook's own `templates/` over them.
pub(crate) fn read(sources: &Sources, config: &Config) -> Result<Templates, Vec<Diagnostic>> {
    let mut texts = template_guard::Sources::new();
    let mut diags = Vec::new();
    match &config.theme_dir {
        None => {
            for (name, bytes) in embedded::theme_files("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                texts.insert(name.to_string(), (format!("(default theme) templates/{name}"), text));
            }
        }
        Some(dir) => {
            let templates = format!("{dir}/templates");
            if !sources.is_dir(&templates) {
                return Err(vec![
                    config.at_key(
                        Diagnostic::error(
                            "unknown-theme",
                            crate::sources::config::FILE,
                            format!(
                                "theme `{}` not found: `{templates}` is not a folder inside the playbook",
                                config.theme
                            ),
                        )
                        .with_help(
                            "use \"default\", or a path (relative to the playbook root) to a folder with templates/",
                        ),
                        "theme",
                    ),
                ]);
            }
            read_templates(sources, &templates, &mut texts, &mut diags);
        }
    }
    read_templates(sources, "templates", &mut texts, &mut diags);
    diags.extend(texts.values().filter_map(|(origin, text)| template_guard::nesting(origin, text)));
    if diags.is_empty() { Ok(Templates { texts }) } else { Err(diags) }
}

/// Compiles templates read by `read` into a theme.
pub(crate) fn build(templates: Templates) -> Result<Theme, Vec<Diagnostic>> {
    let texts = templates.texts;
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which bloats every URL; in quoted
    // attributes and text these five characters are the ones that matter.
    tera.set_escape_fn(crate::html::escape);
    template_guard::install(&mut tera);
    let all = texts.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()));
    match crate::limits::contain(|| tera.add_raw_templates(all)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(template_errors(&texts, &e)),
        Err(panic) => {
            return Err(vec![Diagnostic::error(
                "template",
                "templates",
                format!("the templates do not parse: {panic}"),
            )]);
        }
    }
    let circles = template_guard::recursion(&tera, &texts);
    if !circles.is_empty() {
        return Err(circles);
    }
    let origins = texts.into_iter().map(|(name, (origin, _))| (name, origin)).collect();
    Ok(Theme { tera, rendering: Default::default(), origins })
}

fn read_templates(sources: &Sources, dir: &str, texts: &mut template_guard::Sources, diags: &mut Vec<Diagnostic>) {
    for (name, rel) in sources.files_below(dir, diags) {
        match sources.read_text(&rel) {
            Ok(text) => {
                texts.insert(name, (rel, text));
            }
            Err(d) => diags.push(d),
        }
    }
}

/// Tera stops at the first broken template; parse each one alone to report
/// every syntax error with its file, line and column.
fn template_errors(texts: &template_guard::Sources, first: &tera::Error) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (name, (origin, text)) in texts {
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

/// Tera's error and its causes on one line: its messages quote the
/// template, which is user text, so they must not span lines.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

impl Theme {
    /// Whether the theme has template `name` (a theme written before the
    /// changes page simply has none).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    pub(crate) fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        template_guard::reset_budget();
        let origin = self.origins.get(name).map_or(name, String::as_str);
        self.rendering.enter(origin.to_string());
        let html = crate::limits::contain(|| self.tera.render(name, ctx));
        self.rendering.leave();
        let html = html.map_err(|panic| {
            Diagnostic::error("template", origin, format!("template error: {panic} (an overflow in an expression?)"))
        })?;
        html.map_err(|e| {
            let origin = self.origins.get(name).map_or(name, String::as_str);
            Diagnostic::error("template", origin, format!("template error: {}", error_chain(&e)))
        })
    }
}

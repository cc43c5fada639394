//! The build as one pipeline shared by every command:
//! config -> content (plain data) -> compiled site (markdown, links) -> checks.
//! `build` and `serve` render the result; `check` stops here.

pub(crate) mod links;
pub(crate) mod markdown;
pub(crate) mod published;
pub(crate) mod routes;
pub(crate) mod site;
pub(crate) mod slug;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content::{self, LoadOptions, Parsed};
use crate::diagnostics::{self, Diagnostic};
use crate::render::theme;
use crate::sources::Sources;
use crate::sources::config;
use crate::sources::git;
use site::{Renderings, Site};

/// What a build was asked for on the command line.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    pub load: LoadOptions,
    pub base_url: Option<String>,
}

/// How long each stage took, for `-v`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timings {
    pub load: Duration,
    pub compile: Duration,
}

/// What an earlier build lends this one: the dev server keeps it between
/// rebuilds (see `serve::rebuild::Previous`); a one-off build has none.
#[derive(Default)]
pub(crate) struct Earlier<'a> {
    /// Sources parsed, by file and modification stamp.
    pub parsed: Parsed<'a>,
    /// Markdown rendered, by file and text.
    pub renderings: Renderings,
    /// The git history (read once, when the server starts).
    pub history: Option<std::sync::Arc<git::History>>,
}

/// A compiled site and its warnings.
pub(crate) struct Compiled {
    pub site: Site,
    /// Warnings only from `compile` (errors make it fail); every problem,
    /// sorted, from `compile_all`.
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
}

/// Loads and compiles the playbook at `root`. Every problem is returned,
/// sorted; the `Err` side holds at least one error.
pub(crate) fn compile(root: &Path, opts: &Options, earlier: &Earlier<'_>) -> Result<Compiled, Vec<Diagnostic>> {
    let compiled = compile_all(root, opts, earlier)?;
    if diagnostics::count_errors(&compiled.warnings) > 0 {
        return Err(compiled.warnings);
    }
    Ok(compiled)
}

/// Like `compile`, but a site with errors is still returned (for `check`,
/// which reports what only a site shows, such as reviews due, beside the
/// errors). `Err` only when there is no site to speak of: the config did
/// not load.
pub(crate) fn compile_all(root: &Path, opts: &Options, earlier: &Earlier<'_>) -> Result<Compiled, Vec<Diagnostic>> {
    let start = Instant::now();
    let sources = Sources::open(root).map_err(|e| vec![Diagnostic::error("io", "", e)])?;
    let mut cfg = config::load(&sources)?;
    if let Some(url) = &opts.base_url {
        cfg.base_url = config::normalize_base(url);
    }
    let sources = sources.with_limit_mib(cfg.max_file_mib);
    // The git walk is a separate process that only pages need: it runs
    // beside loading and compiling. The dev server keeps what it read at start.
    std::thread::scope(|scope| {
        let history =
            scope.spawn(|| earlier.history.clone().unwrap_or_else(|| std::sync::Arc::new(git::history(root))));
        let (mut site, warnings, load) = compile_sources(&sources, cfg, opts, earlier, start);
        site.history = history.join().unwrap_or_default();
        Ok(Compiled { site, warnings, timings: Timings { load, compile: start.elapsed() - load } })
    })
}

/// Load -> routes -> markdown -> links, for `compile_all`: the site, every
/// problem (sorted), and when loading ended.
fn compile_sources(
    sources: &Sources,
    cfg: config::Config,
    opts: &Options,
    earlier: &Earlier<'_>,
    start: Instant,
) -> (Site, Vec<Diagnostic>, Duration) {
    let (mut book, mut diags) = content::load(sources, cfg, &opts.load, &earlier.parsed);
    let statics = theme::static_files(sources, &book.config, &mut diags);
    let (routes, mut more) = routes::assign(&mut book, statics);
    diags.append(&mut more);
    let load = start.elapsed();
    let drafts = std::sync::Arc::new(std::mem::take(&mut book.drafts));
    let broken = std::mem::take(&mut book.broken);
    let (mut site, mut more) = site::compile(book, routes, &earlier.renderings);
    diags.append(&mut more);
    diags.append(&mut links::check(&mut site, &drafts, &broken));
    site.drafts = drafts;
    diagnostics::sort(&mut diags);
    (site, diags, load)
}

/// The playbook root: `--root`, else the current folder, `./playbook`, or
/// the nearest parent holding `playbook.toml`.
pub(crate) fn find_root(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(root) = given {
        if root.join(config::FILE).is_file() {
            return Ok(root.to_path_buf());
        }
        return Err(format!("`{}` has no {}", root.display(), config::FILE));
    }
    for candidate in [Path::new("."), Path::new("playbook")] {
        if candidate.join(config::FILE).is_file() {
            return Ok(candidate.to_path_buf());
        }
    }
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    for dir in cwd.ancestors().skip(1) {
        if dir.join(config::FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(format!(
        "no {} in this folder, in ./playbook or in a parent folder (use --root DIR, or `playbook init` to start one)",
        config::FILE
    ))
}

/// Small playbooks on disk for the unit tests of later stages.
#[cfg(test)]
pub(crate) mod fixture {
    use super::{Earlier, Options, Site, compile};

    /// Writes `files` (path, text) below a new temporary root.
    pub(crate) fn write(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// Compiles the playbook at `root`, which must have no error.
    pub(crate) fn site(root: &std::path::Path) -> Site {
        match compile(root, &Options::default(), &Earlier::default()) {
            Ok(c) => c.site,
            Err(diags) => panic!("{diags:?}"),
        }
    }
}

//! `playbook build`: compile, render through the theme, swap the output in.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Failure, Verbosity, display_root, print_diagnostics};
use crate::cli::BuildArgs;
use crate::compile::{self, Options};
use crate::diagnostics;
use crate::render;
use crate::render::theme;
use crate::sources::config;
use crate::write::output::OutputDir;
use crate::write::staging::Staging;

pub(crate) fn run(args: &BuildArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let start = Instant::now();
    let root = compile::find_root(args.root.root.as_deref()).map_err(Failure::Usage)?;
    if let Some(url) = &args.base_url {
        config::check_base_url(&config::normalize_base(url)).map_err(|e| Failure::Usage(format!("--base-url {e}")))?;
    }
    let shown_root = display_root(&root);

    let opts = Options { load: args.edition.load_options(), base_url: args.base_url.clone() };
    let mut compiled = compile::compile(&root, &opts, &compile::Earlier::default())
        .map_err(|diags| Failure::content(shown_root.clone(), diags))?;
    print_diagnostics(&shown_root, &compiled.warnings, verbosity);
    compiled.site.release_sources();
    let site = &compiled.site;
    let out = args.out.clone().unwrap_or_else(|| root.join(&site.config.output_dir));
    let theme_dir = site.config.theme_dir.as_ref().map(|d| root.join(d));
    let out = OutputDir::check(&root, theme_dir.as_deref(), &out, args.force).map_err(Failure::Usage)?;
    let theme_start = Instant::now();
    let theme = theme::load(&site.sources, &site.config)
        .map_err(|diags| Failure::Content { root: shown_root.clone(), diags })?;
    let theme_time = theme_start.elapsed();

    let render_start = Instant::now();
    let staging = Staging::begin(&out).map_err(|e| {
        Failure::Io(format!("cannot create the output folder next to `{}`: {e}", out.shown().display()))
    })?;
    let total = (site.chapters.len() + site.parts.len() + site.teams.len() + 8) as u64;
    let bar = if verbosity == Verbosity::Quiet || total < 500 {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} pages") {
            bar.set_style(style);
        }
        bar
    };
    let cache = render::PrintCache::default();
    let plan = render::Plan { selection: render::Selection::All, print_cache: &cache, search: true, print: true };
    let stats = render::render(&compiled.site, &theme, &staging, &plan, &|| bar.inc(1));
    bar.finish_and_clear();
    let stats = stats.map_err(|mut diags| {
        diagnostics::sort(&mut diags);
        Failure::Content { root: shown_root.clone(), diags }
    })?;
    staging
        .commit()
        .map_err(|e| Failure::Io(format!("cannot move the new site into `{}`: {e}", out.shown().display())))?;
    let render_time = render_start.elapsed();

    if verbosity == Verbosity::Verbose {
        let clean = |p: &std::path::Path| crate::diagnostics::clean(&p.display().to_string()).into_owned();
        let theme_used = theme_dir.as_deref().map_or_else(|| "default (built in)".to_string(), clean);
        let root_used = if shown_root.as_os_str().is_empty() { ".".to_string() } else { clean(&shown_root) };
        eprintln!("root: {root_used}, theme: {theme_used}, output: {}", clean(out.shown()));
        if let Some(why) = render::sitemap::left_out(site) {
            eprintln!("note: {why} (set it to the full address to get one)");
        }
        let history = &site.history;
        if history.shallow {
            eprintln!(
                "note: the git repository is a shallow clone: \"Changed on\" dates, the changes page and the feed \
                 go back only to its oldest commit (fetch the full history for all of them)"
            );
        } else if history.commits.is_empty() {
            eprintln!("note: no git history: the changes page and feed are empty, pages show no \"Changed on\" date");
        }
        let t = &compiled.timings;
        eprintln!(
            "loaded {} chapters in {} parts, {} teams, {} examples",
            site.chapters.len(),
            site.parts.len(),
            site.teams.len(),
            site.teams.iter().map(|t| t.examples.len()).sum::<usize>()
        );
        eprintln!(
            "time: load {:.1} ms, markdown and links {:.1} ms, theme {:.1} ms, render and write {:.1} ms",
            ms(t.load),
            ms(t.compile),
            ms(theme_time),
            ms(render_time)
        );
    }
    if verbosity != Verbosity::Quiet {
        eprintln!(
            "Built {} pages ({} files) in {:.0} ms -> {}",
            stats.pages,
            stats.files,
            ms(start.elapsed()),
            crate::diagnostics::clean(&out.shown().display().to_string())
        );
    }
    Ok(())
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

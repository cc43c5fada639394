//! `playbook serve`: build into memory, serve, watch, rebuild, reload tabs.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Failure, Verbosity, display_root};
use crate::cli::ServeArgs;
use crate::compile::{self, Options};
use crate::diagnostics::{self, Diagnostic};
use crate::serve::late::Later;
use crate::serve::rebuild::{Outcome, Rebuilder};
use crate::serve::watch::Watcher;
use crate::serve::{self, ServedSite};
use crate::sources::Sources;
use crate::sources::config;

const DEFAULT_PORT: u16 = 3000;

pub(crate) fn run(args: &ServeArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let root = compile::find_root(args.root.root.as_deref()).map_err(Failure::Usage)?;
    let shown_root = display_root(&root);
    let opts = Options { load: args.edition.load_options(), base_url: None };
    // The base path and theme folder come from the config; a broken config
    // still gets a server that shows the error.
    let cfg = Sources::open(&root).ok().and_then(|s| config::load(&s).ok());
    let base = cfg.as_ref().map_or_else(|| "/".to_string(), super::super::sources::config::Config::base_path);
    let theme_dir = cfg.as_ref().and_then(|c| c.theme_dir.as_ref()).map(|d| root.join(d));

    let ip = bind_address(args.bind.as_deref())?;
    let (listener, addr) = bind(args, ip)?;
    if !serve::is_loopback(ip) {
        eprintln!("warning: serving on {ip} makes the site reachable from other machines");
    }
    // Watch before the first build, so no save is missed while it runs.
    // The build's output folder is not watched (a build there is no edit).
    let output = root.join(cfg.as_ref().map_or("public", |c| c.output_dir.as_str()));
    let output = std::path::absolute(&output).unwrap_or(output);
    let mut watcher = Watcher::start(&root, theme_dir.as_deref(), &[output]).map_err(Failure::Io)?;
    let shared = ServedSite::new(base.clone());
    let later = Later::start(Arc::clone(&shared), shown_root.clone());
    let mut rebuilder = Rebuilder::new(root.clone(), opts);
    match rebuilder.rebuild(None) {
        Ok(outcome) => {
            follow_theme(&mut watcher, &root, &outcome);
            if verbosity != Verbosity::Quiet {
                super::print_diagnostics(&shown_root, &outcome.warnings, verbosity);
                eprintln!(
                    "Built {} page{} in {} ms",
                    outcome.pages,
                    super::plural(outcome.pages),
                    outcome.took.as_millis()
                );
            }
            publish(&shared, &rebuilder, &later, &outcome, Late::Wait);
        }
        Err(diags) => match super::usage_error(&diags) {
            Some(usage) => return Err(usage),
            None => report(&shared, &shown_root, &diags, verbosity),
        },
    }
    let bound = serve::Bind { addr, explicit: args.bind.is_some() };
    serve::run(listener, bound, Arc::clone(&shared))
        .map_err(|e| Failure::Io(format!("cannot start the server: {e}")))?;
    let url = format!("http://{addr}{base}");
    eprintln!(
        "Serving {} at {} (Ctrl-C to stop)",
        diagnostics::clean(&root.display().to_string()),
        diagnostics::clean(&url)
    );
    if args.open {
        open_browser(&url);
    }

    while let Some(changes) = watcher.next() {
        let what = describe(&changes.paths);
        let was_failing = shared.failing();
        match rebuilder.rebuild(Some(&changes)) {
            Ok(outcome) => {
                follow_theme(&mut watcher, &root, &outcome);
                if verbosity != Verbosity::Quiet {
                    super::print_diagnostics(&shown_root, &outcome.warnings, verbosity);
                    let scope = if outcome.full {
                        "rebuilt the site".to_string()
                    } else if outcome.pages == 0 && outcome.copied > 0 {
                        format!("copied {} file{}", outcome.copied, super::plural(outcome.copied))
                    } else if outcome.pages == 0 {
                        // A save that undoes a broken one: the site served
                        // all along is right again.
                        if was_failing { "fixed; no page changed" } else { "no page changed" }.to_string()
                    } else {
                        format!("re-rendered {} page{}", outcome.pages, super::plural(outcome.pages))
                    };
                    eprintln!("{what}: {scope} in {:.1} ms", outcome.took.as_secs_f64() * 1000.0);
                }
                let mut stages = outcome.stages.clone();
                if outcome.full || outcome.pages + outcome.copied > 0 {
                    stages.push(publish(&shared, &rebuilder, &later, &outcome, Late::Background));
                } else {
                    shared.clear_error();
                }
                if verbosity == Verbosity::Verbose {
                    eprintln!("  {}", describe_stages(&stages));
                }
            }
            Err(diags) => {
                eprintln!("{what}: the build failed; still serving the last good site");
                report(&shared, &shown_root, &diags, verbosity);
            }
        }
    }
    Ok(())
}

/// `load 1.2 ms · compile 0.4 ms · ...`: where a rebuild's time went.
fn describe_stages(stages: &[(&str, Duration)]) -> String {
    let parts: Vec<String> =
        stages.iter().map(|(name, d)| format!("{name} {:.1} ms", d.as_secs_f64() * 1000.0)).collect();
    parts.join(" · ")
}

/// When the print view and the search index of a published build are made.
#[derive(Clone, Copy)]
enum Late {
    /// Now, before going on: the first build, so a fresh server is whole.
    Wait,
    /// On `later`'s thread: tabs update without waiting for them.
    Background,
}

/// Serves a new build at once, then has its late work done as `late` says.
/// Returns how long serving took.
fn publish(
    shared: &ServedSite,
    rebuilder: &Rebuilder,
    later: &Later,
    outcome: &Outcome,
    late: Late,
) -> (&'static str, Duration) {
    let start = Instant::now();
    // `base_url` may have been edited while serving.
    shared.set_base(outcome.base.clone());
    let generation = shared.publish(&outcome.files, outcome.written.as_deref());
    let published = start.elapsed();
    if let Some(job) = rebuilder.late(generation, outcome.full) {
        match late {
            Late::Wait => later.run_here(&job),
            Late::Background => later.submit(job),
        }
    }
    ("publish", published)
}

/// Watches the theme folder the config names now (`theme` may have been
/// edited while serving).
fn follow_theme(watcher: &mut Watcher, root: &std::path::Path, outcome: &Outcome) {
    let dir = outcome.theme_dir.as_ref().map(|d| root.join(d));
    if let Err(e) = watcher.watch_theme(dir.as_deref()) {
        eprintln!("warning: {e}; edits to the theme will not rebuild the site");
    }
}

/// `--bind`: an IP address or `localhost`; loopback when not given.
fn bind_address(given: Option<&str>) -> Result<IpAddr, Failure> {
    match given {
        None => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Some(name) if name.eq_ignore_ascii_case("localhost") => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Some(text) => text.parse().map_err(|_| {
            Failure::Usage(format!(
                "--bind takes an IP address such as 127.0.0.1 or 0.0.0.0, or localhost; not `{text}`"
            ))
        }),
    }
}

fn bind(args: &ServeArgs, ip: IpAddr) -> Result<(std::net::TcpListener, SocketAddr), Failure> {
    let wanted = args.port.unwrap_or(DEFAULT_PORT);
    // An explicit --port is a promise to the user; the default may move on.
    let tries = if args.port.is_some() { 1 } else { 20 };
    let mut last_error = None;
    for offset in 0..tries {
        let port = wanted.saturating_add(offset);
        match serve::bind(SocketAddr::new(ip, port)) {
            Ok(bound) => {
                if offset > 0 {
                    eprintln!("Port {wanted} is in use; using {port} instead");
                }
                return Ok(bound);
            }
            Err(e) => last_error = Some((port, e)),
        }
    }
    let (port, e) = last_error.unwrap_or((wanted, std::io::Error::other("no port tried")));
    let reason = if e.kind() == std::io::ErrorKind::AddrInUse {
        "the port is already in use".to_string()
    } else {
        e.to_string()
    };
    Err(Failure::Usage(format!("cannot listen on {ip}:{port}: {reason} (choose another with --port)")))
}

fn report(shared: &ServedSite, root: &std::path::Path, diags: &[Diagnostic], verbosity: Verbosity) {
    super::print_diagnostics(root, diags, verbosity);
    let text: Vec<String> = diags.iter().map(|d| diagnostics::format_human(d, root, false)).collect();
    shared.fail(text.join("\n"));
}

/// The changed files, for one line of output (file names are the user's:
/// cleaned of control characters).
fn describe(paths: &[String]) -> String {
    let text = match paths {
        [one] => format!("{one} changed"),
        [first, rest @ ..] => format!("{first} and {} more changed", rest.len()),
        [] => "changes".to_string(),
    };
    diagnostics::clean(&text).into_owned()
}

fn open_browser(url: &str) {
    let opener = crate::platform::URL_OPENER;
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("warning: could not open a browser ({opener}: {e}); open {url} yourself");
    }
}

//! One module per command, each a few calls into the pipeline. They return
//! a `Failure` instead of exiting; `main` prints it and picks the exit code.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod docs;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod owners;
pub(crate) mod scaffold;
pub(crate) mod serve;
pub(crate) mod url_guard;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::diagnostics::{self, Diagnostic};

/// Why a command did not succeed.
pub(crate) enum Failure {
    /// Problems in the user's content (exit 1), printed against `root`.
    Content { root: PathBuf, diags: Vec<Diagnostic> },
    /// The command was asked for something it will not do (exit 2).
    Usage(String),
    /// The machine got in the way: a write failed (exit 1).
    Io(String),
}

impl Failure {
    /// Problems in the content; an unknown `--team` is a usage error: the
    /// command line, not the content, is wrong.
    pub(crate) fn content(root: PathBuf, diags: Vec<Diagnostic>) -> Failure {
        usage_error(&diags).unwrap_or(Failure::Content { root, diags })
    }
}

/// The usage error among a run's problems, if any: an unknown `--team`,
/// which loading finds but the command line caused (exit 2 for every
/// command, before anything is served or printed as content).
pub(crate) fn usage_error(diags: &[Diagnostic]) -> Option<Failure> {
    let d = diags.iter().find(|d| d.code == "unknown-team")?;
    Some(Failure::Usage(match &d.help {
        Some(help) => format!("{}; {help}", d.message),
        None => d.message.clone(),
    }))
}

/// How much to say, from `-q` / `-v`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Prints diagnostics for a person: colour only on a terminal; under `-q`,
/// errors only.
pub(crate) fn print_diagnostics(root: &std::path::Path, diags: &[Diagnostic], verbosity: Verbosity) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags.iter().filter(|d| verbosity != Verbosity::Quiet || d.is_error()) {
        eprintln!("{}", diagnostics::format_human(d, root, color));
    }
}

/// The root as it should prefix paths in messages.
pub(crate) fn display_root(root: &std::path::Path) -> PathBuf {
    match root.strip_prefix(".") {
        Ok(rest) => rest.to_path_buf(),
        Err(_) => root.to_path_buf(),
    }
}

/// The `s` of a count's noun: "1 page", "2 pages".
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

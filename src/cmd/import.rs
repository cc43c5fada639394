//! `playbook import SRC`: writes the new playbook, then checks it as
//! `playbook check` would and says what needs a person, file by file.

use std::path::PathBuf;

use super::{Failure, Verbosity};
use crate::cli::ImportArgs;
use crate::compile::{self, Options};
use crate::diagnostics::{self, Diagnostic};
use crate::import;

/// Whether the new playbook passes the check (exit 0) or not (exit 1: it is
/// written, and what needs a person is printed).
pub(crate) fn run(args: &ImportArgs, verbosity: Verbosity) -> Result<bool, Failure> {
    let into = args.into.clone().unwrap_or_else(|| PathBuf::from("playbook"));
    let report = import::import(&args.src, &into, args.from, args.repo_url.as_deref()).map_err(Failure::Usage)?;
    // What the reader could not map, against SRC; then the new playbook's
    // own problems, against it.
    super::print_diagnostics(&args.src, &report.notes, verbosity);
    let problems: Vec<Diagnostic> = match compile::compile_all(&into, &Options::default(), &compile::Earlier::default())
    {
        Ok(c) => c.warnings.into_iter().filter(Diagnostic::is_error).collect(),
        Err(diags) => diags,
    };
    super::print_diagnostics(&into, &problems, verbosity);
    let errors = diagnostics::count_errors(&problems);
    if verbosity != Verbosity::Quiet {
        let kind = match report.kind {
            import::Kind::Mdbook => "an mdBook",
            import::Kind::Yaml => "markdown with YAML front matter",
            import::Kind::Markdown => "plain markdown",
        };
        eprintln!(
            "Imported {kind}: {} page{}, {} part{}, {} link{} rewritten, {} file{} copied -> {}",
            report.pages,
            super::plural(report.pages),
            report.parts,
            super::plural(report.parts),
            report.links,
            super::plural(report.links),
            report.files,
            super::plural(report.files),
            diagnostics::clean(&into.display().to_string())
        );
        let unmapped = report.notes.len();
        if unmapped + errors == 0 {
            eprintln!(
                "It passes `playbook check`. Next: `playbook serve --root {}`",
                diagnostics::clean(&into.display().to_string())
            );
        } else {
            eprintln!(
                "{unmapped} thing{} could not be mapped and {errors} error{} remain: each is named above at its file and line",
                super::plural(unmapped),
                super::plural(errors)
            );
        }
    }
    Ok(errors == 0)
}

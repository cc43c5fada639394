//! playbook: a static-site generator for an engineering leadership playbook.
//!
//! The binary's `main` calls `run`, which parses the command line, runs one
//! command, prints its failure once and returns the exit code: 0 success,
//! 1 content errors, 2 usage errors. Nothing below it exits the process.
//! The library exists for the binary and the fuzz targets (`fuzz/`); its
//! only public items are `run`, the `fuzz` entry points and the `testkit`
//! playbook generator the tests and benchmarks use.

// Diagnostics are values on the cold path; boxing them buys nothing.
#![allow(clippy::result_large_err)]

mod cli;
mod cmd;
mod codeowners;
mod compile;
mod content;
mod date;
mod diagnostics;
mod html;
mod import;
mod limits;
mod platform;
mod render;
mod route;
mod serve;
mod sources;
mod sync;
mod write;

#[cfg(test)]
mod properties;

#[doc(hidden)]
pub mod fuzz;

/// Synthetic playbooks for the tests and benchmarks (not part of the tool).
#[doc(hidden)]
pub mod testkit;

use std::process::ExitCode;

/// Every allocation of the process goes through `limits`: none may grow
/// past what any playbook needs (see `limits::Limited`).
#[global_allocator]
static ALLOCATOR: limits::Limited = limits::Limited;

use clap::Parser;

use cli::{Cli, Command};
use cmd::{Failure, Verbosity};

/// Runs the command line; the binary's `main` only calls this.
pub fn run() -> ExitCode {
    // Arguments are echoed in messages (clap's too): one holding a control
    // character could forge a line of CI output, and none is ever meant.
    if let Some((i, arg)) = std::env::args_os()
        .enumerate()
        .skip(1)
        .find(|(_, a)| a.to_str().is_some_and(|s| s.chars().any(char::is_control)) || a.to_str().is_none())
    {
        let shown = diagnostics::clean(&arg.to_string_lossy()).into_owned();
        eprintln!("error: argument {i} (`{shown}`) holds control characters or is not UTF-8");
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    limits::install_panic_hook();
    // Deep but legitimate template recursion needs room; the stack is only
    // reserved, not used, until it is needed.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build_global();
    if let Err(e) = date::source_date_epoch() {
        eprintln!("error: {}", diagnostics::clean(&e));
        return ExitCode::from(2);
    }
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let result = match &cli.command {
        Command::Init(args) => cmd::init::run(args, verbosity),
        Command::Build(args) => cmd::build::run(args, verbosity),
        Command::Serve(args) => cmd::serve::run(args, verbosity),
        Command::New(what) => cmd::new::run(what),
        Command::Completions { shell } => cmd::docs::completions(*shell),
        Command::Man => cmd::docs::man(),
        Command::Owners(args) => cmd::owners::run(args, verbosity),
        // These two say whether what they checked passed (exit 1 if not).
        Command::Import(args) => return passed(cmd::import::run(args, verbosity), verbosity),
        Command::Check(args) => return passed(cmd::check::run(args, verbosity), verbosity),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure, verbosity),
    }
}

/// Exit 0 when it passed, 1 when it did not, the failure's code otherwise.
fn passed(result: Result<bool, Failure>, verbosity: Verbosity) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(failure) => report(failure, verbosity),
    }
}

/// Prints a failure once and maps it to the exit code.
fn report(failure: Failure, verbosity: Verbosity) -> ExitCode {
    match failure {
        Failure::Content { root, diags } => {
            cmd::print_diagnostics(&root, &diags, verbosity);
            let errors = diagnostics::count_errors(&diags);
            eprintln!("error: {errors} error{} found; nothing was written", if errors == 1 { "" } else { "s" });
            ExitCode::from(1)
        }
        Failure::Usage(msg) => {
            eprintln!("error: {}", diagnostics::clean(&msg));
            ExitCode::from(2)
        }
        Failure::Io(msg) => {
            eprintln!("error: {}", diagnostics::clean(&msg));
            ExitCode::from(1)
        }
    }
}

//! `playbook completions SHELL` and `playbook man`: generated from the
//! clap definition, so they never drift from the real command line.

use clap::CommandFactory;

use super::Failure;
use crate::cli::Cli;

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "playbook", &mut std::io::stdout());
    Ok(())
}

pub(crate) fn man() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Failure::Io(format!("cannot write the man page: {e}")))?;
    use std::io::Write;
    std::io::stdout().write_all(&page).map_err(|e| Failure::Io(format!("cannot write the man page: {e}")))
}

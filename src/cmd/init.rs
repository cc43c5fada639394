//! `playbook init`: writes the bundled playbook into a folder.

use std::path::{Path, PathBuf};

use super::{Failure, Verbosity};
use crate::cli::InitArgs;
use crate::cmd::scaffold;
use crate::sources::embedded;

pub(crate) fn run(args: &InitArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if dir.is_file() {
        return Err(Failure::Usage(format!("`{}` is a file", dir.display())));
    }
    if !args.force && is_non_empty(&dir) {
        return Err(Failure::Usage(format!(
            "`{}` is not empty; playbook init never overwrites files (use --force to write into it anyway)",
            dir.display()
        )));
    }
    let mut written = 0;
    for (rel, bytes) in embedded::PLAYBOOK {
        scaffold::write(&dir, rel, bytes, false)?;
        written += 1;
    }
    if std::fs::symlink_metadata(dir.join(".gitignore")).is_err() {
        scaffold::write(&dir, ".gitignore", b"public/\n.public.spare/\n", false)?;
    }
    if verbosity != Verbosity::Quiet {
        eprintln!("Created a playbook in {} ({written} files).", crate::diagnostics::clean(&dir.display().to_string()));
        let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
        let cd = crate::diagnostics::clean(&cd);
        eprintln!("Next: {cd}playbook serve   (or `playbook build` to write the site to public/)");
    }
    Ok(())
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

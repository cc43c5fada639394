//! `playbook init`: writes the bundled playbook into a folder.

use std::path::{Path, PathBuf};

use super::{Failure, Verbosity};
use crate::cli::InitArgs;
use crate::embedded;

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
        write(&dir.join(rel), bytes)?;
        written += 1;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        write(&ignore, b"public/\n.public.spare/\n")?;
    }
    if verbosity != Verbosity::Quiet {
        eprintln!("Created a playbook in {} ({written} files).", dir.display());
        let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
        eprintln!("Next: {cd}playbook serve   (or `playbook build` to write the site to public/)");
    }
    Ok(())
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Io(format!("cannot create `{}`: {e}", parent.display())))?;
    }
    std::fs::write(path, bytes).map_err(|e| Failure::Io(format!("cannot write `{}`: {e}", path.display())))
}

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
        write(&dir, rel, bytes)?;
        written += 1;
    }
    if std::fs::symlink_metadata(dir.join(".gitignore")).is_err() {
        write(&dir, ".gitignore", b"public/\n.public.spare/\n")?;
    }
    if verbosity != Verbosity::Quiet {
        eprintln!("Created a playbook in {} ({written} files).", crate::diagnostics::clean(&dir.display().to_string()));
        let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
        eprintln!("Next: {cd}playbook serve   (or `playbook build` to write the site to public/)");
    }
    Ok(())
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// Writes `dir/rel`, never through a symbolic link: with `--force` the
/// folder may hold links (to anywhere) where the sample files go.
fn write(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let path = dir.join(rel);
    let fail = |e: std::io::Error| Failure::Io(format!("cannot write `{}`: {e}", path.display()));
    let mut at = dir.to_path_buf();
    for part in rel.split('/') {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Failure::Usage(format!(
                "`{}` is a symbolic link; playbook init never writes through one",
                at.display()
            )));
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Io(format!("cannot create `{}`: {e}", parent.display())))?;
    }
    let mut file = crate::platform::open_write(&path, false).map_err(fail)?;
    file.set_len(0).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

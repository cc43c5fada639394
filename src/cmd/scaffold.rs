//! Writing the user's own source files (`init`, `new`): never through a
//! symbolic link, which a folder being written into may hold in place of
//! `chapters/` or of a file, pointing anywhere on the machine.

use std::io::Write;
use std::path::Path;

use crate::cmd::Failure;

/// Writes `dir/rel`. With `new_only`, a file that exists is not replaced.
pub(crate) fn write(dir: &Path, rel: &str, bytes: &[u8], new_only: bool) -> Result<(), Failure> {
    let path = dir.join(rel);
    let fail = |e: std::io::Error| Failure::Io(format!("cannot write `{}`: {e}", path.display()));
    let mut at = dir.to_path_buf();
    for part in rel.split('/') {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Failure::Usage(format!(
                "`{}` is a symbolic link; playbook never writes a source through one",
                crate::diagnostics::clean(&at.display().to_string())
            )));
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Io(format!("cannot create `{}`: {e}", parent.display())))?;
    }
    if new_only && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Failure::Usage(format!("`{rel}` already exists; playbook new never overwrites")));
    }
    let mut file = crate::platform::open_write(&path, false).map_err(fail)?;
    file.set_len(0).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

//! Embeds the default theme and the bundled playbook in the binary, so an
//! installed `playbook` works in an empty folder. Written out by hand rather
//! than with include_dir so the bundled playbook's own build output
//! (`playbook/public/`) is never embedded and never triggers a rebuild.
// A build script reports failure by panicking.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut code = String::new();
    for (name, dir) in [("THEME", "themes/default"), ("PLAYBOOK", "playbook")] {
        let base = manifest.join(dir);
        let mut files = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&base) {
            for entry in entries.flatten() {
                let file_name = entry.file_name();
                let top = file_name.to_string_lossy();
                if top == "public" || top.starts_with('.') {
                    continue;
                }
                println!("cargo:rerun-if-changed={}", entry.path().display());
                collect(&entry.path(), &mut files);
            }
        }
        files.sort();
        writeln!(code, "pub(crate) static {name}: &[(&str, &[u8])] = &[").unwrap();
        for path in files {
            let rel = path.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
            writeln!(code, "    ({rel:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            if !entry.file_name().to_string_lossy().starts_with('.') {
                collect(&entry.path(), files);
            }
        }
    } else {
        files.push(path.to_path_buf());
    }
}

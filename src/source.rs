//! Reading a user's file as text, with the problems an editor can leave in it.
//!
//! A BOM is dropped (Windows editors add one), invalid UTF-8 is reported at
//! the line and column of the first bad byte, and I/O failures name the file.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Pos};

/// Reads `root/rel` as UTF-8 text without its byte-order mark.
pub(crate) fn read_text(root: &Path, rel: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(rel)).map_err(|e| io_error(rel, &e))?;
    decode(rel, bytes)
}

/// Decodes file bytes, reporting the first invalid sequence at its place.
pub(crate) fn decode(rel: &str, mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..at]);
        let pos = Pos::of(&good, good.len());
        let line_start = good.rfind('\n').map_or(0, |i| i + 1);
        let mut d = Diagnostic::error("invalid-utf8", rel, "the file is not valid UTF-8 text")
            .at(pos)
            .with_help("save the file as UTF-8 in your editor");
        d.source_line = Some(good[line_start..].to_string());
        d
    })
}

pub(crate) fn io_error(rel: &str, e: &std::io::Error) -> Diagnostic {
    let what = match e.kind() {
        // Every path read was listed or checked a moment before.
        std::io::ErrorKind::NotFound => "the file was deleted or moved while the build was reading it".to_string(),
        std::io::ErrorKind::PermissionDenied => "cannot read the file: permission denied".to_string(),
        _ => format!("cannot read the file: {e}"),
    };
    Diagnostic::error("io", rel, what)
}

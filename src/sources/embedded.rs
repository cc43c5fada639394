//! The default theme and the bundled playbook, compiled into the binary
//! (see build.rs). Paths are relative to `themes/default/` and `playbook/`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The files of the embedded default theme below `prefix` (`templates/`).
pub(crate) fn theme_files(prefix: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    THEME.iter().filter_map(move |(path, bytes)| path.strip_prefix(prefix).map(|rel| (rel, *bytes)))
}

//! Entry points for the fuzz targets in `fuzz/`: each takes raw input and
//! runs one stage the way the build does. None may panic or hang.

use crate::compile::markdown::{self, Resolve, Target};
use crate::content::split_front_matter;

/// Resolves every `.md` link, so that link handling runs on any input.
pub(crate) struct AnyTarget;

impl Resolve for AnyTarget {
    fn target(&self, file: &str) -> Option<Target> {
        file.ends_with(".md").then(|| Target { url: format!("/{file}/"), anchor_prefix: String::new(), anchor: None })
    }
    fn media_base(&self) -> &str {
        "/media/"
    }
}

/// Splits front matter and reads it as a chapter's.
pub fn front_matter(bytes: &[u8]) {
    let Ok(text) = crate::sources::decode("a.md", bytes.to_vec()) else { return };
    let Ok(split) = split_front_matter("a.md", &text) else { return };
    let mut diags = Vec::new();
    if let Some(table) = crate::sources::toml_fields::parse("a.md", &text, split.toml.clone(), &mut diags) {
        let mut fields = crate::sources::toml_fields::Fields {
            file: "a.md",
            text: &text,
            base: split.toml.start,
            table: &table,
            diags: &mut diags,
        };
        let _ = crate::content::chapter_meta(&mut fields);
    }
}

/// Renders markdown, links and all.
pub fn markdown(bytes: &[u8]) {
    let text = format!("+++\n+++\n{}", String::from_utf8_lossy(bytes));
    let doc = markdown::Input {
        file: "chapters/a.md",
        text: &text,
        body_offset: 8,
        id_prefix: "",
        heading_shift: 0,
        raw_html: false,
    };
    let _ = markdown::render(&doc, &AnyTarget);
}

/// Joins a link onto a folder (input split at the first newline).
pub fn link(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (dir, rel) = text.split_once('\n').unwrap_or(("chapters", &text));
    let _ = markdown::join(dir, rel);
}

/// Judges the input as an output path and as a link URL: an accepted route
/// stays below the output folder, and a URL flagged as script is never one
/// a browser would treat as a plain link.
pub fn route_and_url(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if crate::route::Route::file(&text).is_ok() {
        let path = std::path::Path::new(text.as_ref());
        assert!(path.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{text:?}");
        assert!(!text.split('/').any(|s| s.starts_with('.') || s.is_empty()), "{text:?}");
    }
    let compact: String = text.trim_matches(|c: char| c <= ' ').chars().filter(|c| !"\t\n\r".contains(*c)).collect();
    if compact.to_ascii_lowercase().starts_with("javascript:") {
        assert!(crate::html::script_risk(&text, crate::html::UrlUse::Link).is_some(), "{text:?}");
    }
}

/// Loads and compiles a whole playbook whose files come from the input:
/// `playbook.toml`, a chapter and a team example, separated by NUL bytes.
pub fn playbook(bytes: &[u8]) {
    let mut parts = bytes.splitn(3, |&b| b == 0);
    let (config, chapter, example) =
        (parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]));
    let Ok(dir) = tempfile_dir() else { return };
    let root = dir.as_path();
    let write = |rel: &str, data: &[u8]| {
        let path = root.join(rel);
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(root));
        let _ = std::fs::write(path, data);
    };
    write("playbook.toml", config);
    write("chapters/01-a.md", chapter);
    write("teams/t/team.toml", b"name = \"T\"\n");
    write("teams/t/e.md", example);
    let _ = crate::compile::compile(root, &crate::compile::Options::default(), &crate::compile::Earlier::default());
    let _ = std::fs::remove_dir_all(root);
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "playbook-fuzz-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

//! Property tests: the functions that see raw user input never panic, and
//! the guarantees they give (unique anchors, joins that stay inside the root,
//! positions inside the text) hold for arbitrary input.

use proptest::prelude::*;

use crate::compile::markdown;
use crate::compile::slug::{self, Anchors};
use crate::content::split_front_matter;
use crate::diagnostics::Pos;
use crate::fuzz::AnyTarget;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_front_matter_splitter_never_panics_and_stays_in_bounds(text in "(\\+\\+\\+\r?\n|[a-z =\"\\[\\]]{0,12}\r?\n){0,12}") {
        if let Ok(split) = split_front_matter("a.md", &text) {
            prop_assert!(split.toml.end <= split.body && split.body <= text.len());
            prop_assert!(text.is_char_boundary(split.toml.start) && text.is_char_boundary(split.body));
        }
    }

    #[test]
    fn front_matter_parsing_reports_instead_of_panicking(text in any::<String>()) {
        let doc = format!("+++\n{text}\n+++\nbody\n");
        let mut diags = Vec::new();
        let _ = crate::sources::toml_fields::parse("a.md", &doc, 4..4 + text.len(), &mut diags);
        for d in &diags {
            prop_assert!(d.line >= 1 && d.line <= doc.lines().count() + 1);
        }
    }

    #[test]
    fn anchors_are_unique_whatever_the_headings(headings in proptest::collection::vec("[ -~]{0,12}", 0..40)) {
        let mut anchors = Anchors::default();
        let mut seen = std::collections::HashSet::new();
        for h in &headings {
            let id = anchors.unique(slug::anchor(h));
            prop_assert!(!id.is_empty());
            prop_assert!(seen.insert(id));
        }
    }

    #[test]
    fn slugs_are_url_safe(name in any::<String>()) {
        let s = slug::from_file_stem(&name);
        prop_assert!(!s.contains('/') && !s.contains(' ') && !s.starts_with('-') && !s.ends_with('-'));
    }

    #[test]
    fn joined_links_never_climb_out_of_the_root(dir in "[a-z]{1,3}(/[a-z]{1,3}){0,3}", rel in "((\\.\\.|\\.|[a-z]{1,3})/){0,6}[a-z]{0,3}(\\.md)?") {
        if let Some(joined) = markdown::join(&dir, &rel) {
            prop_assert!(!joined.split('/').any(|s| s == ".." || s == "."));
        }
    }

    #[test]
    fn accepted_routes_stay_below_the_output_folder(path in "(\\.{1,2}|[a-z]{1,3}|/|\\\\|:|%2e|\0| ){0,12}") {
        if crate::route::Route::file(&path).is_ok() {
            let p = std::path::Path::new(&path);
            prop_assert!(p.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{:?}", path);
            prop_assert!(!path.split('/').any(|s| s.starts_with('.') || s.is_empty()), "{:?}", path);
        }
    }

    #[test]
    fn script_urls_are_refused_however_they_are_spelt(
        case in proptest::collection::vec(any::<bool>(), 10),
        noise in proptest::collection::vec(prop_oneof![Just(""), Just("\t"), Just("\n"), Just("\r")], 11),
        lead in "[\x00- ]{0,3}",
    ) {
        let mut url = lead;
        for (i, c) in "javascript".chars().enumerate() {
            url.push_str(noise[i]);
            url.push(if case[i] { c.to_ascii_uppercase() } else { c });
        }
        url.push_str(noise[10]);
        url.push_str(":alert(1)");
        prop_assert!(crate::html::script_risk(&url, crate::html::UrlUse::Link).is_some(), "{:?}", url);
        prop_assert!(crate::html::script_risk(&url, crate::html::UrlUse::Image).is_some(), "{:?}", url);
    }

    #[test]
    fn rendered_markdown_never_holds_a_script_url(body in "(\\[x\\]\\((java|JAVA|&#x6A;ava)(\t|\n)?script:[a-z()]{0,5}\\) |!\\[i\\]\\(data:text/html,x\\) |<[a-z]{1,5}:x> |[a-z ]{0,4}){0,12}") {
        let text = format!("+++\n+++\n{body}");
        let doc = markdown::Input { file: "chapters/a.md", text: &text, body_offset: 8, id_prefix: "", heading_shift: 0, raw_html: false };
        let out = markdown::render(&doc, &AnyTarget);
        let lower = out.html.to_ascii_lowercase();
        prop_assert!(!lower.contains("href=\"javascript") && !lower.contains("src=\"data:text"), "{}", out.html);
    }

    #[test]
    fn markdown_rendering_never_panics(body in "([-#>*`\\[\\]()!|: a-z0-9\n]|\\[\\^1\\]|> \\[!NOTE\\]|- \\[ \\] ){0,200}") {
        let text = format!("+++\n+++\n{body}");
        let doc = markdown::Input { file: "chapters/a.md", text: &text, body_offset: 8, id_prefix: "", heading_shift: 0, raw_html: false };
        let out = markdown::render(&doc, &AnyTarget);
        let ids: std::collections::HashSet<_> = out.headings.iter().map(|h| &h.id).collect();
        prop_assert_eq!(ids.len(), out.headings.len());
        for link in &out.links {
            let pos = Pos::of(&text, link.offset);
            prop_assert!(pos.line >= 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A whole load and compile of a playbook whose chapter, example and
    /// config are arbitrary bytes: problems are reported, nothing panics.
    #[test]
    fn a_playbook_of_arbitrary_bytes_loads_without_panicking(
        chapter in proptest::collection::vec(any::<u8>(), 0..400),
        example in proptest::collection::vec(any::<u8>(), 0..200),
        config in proptest::collection::vec(any::<u8>(), 0..80),
        prefix in prop_oneof![Just(b"+++\ntitle = \"A\"\n".to_vec()), Just(Vec::new())],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("chapters")).unwrap();
        std::fs::create_dir_all(root.join("teams/t")).unwrap();
        std::fs::write(root.join("playbook.toml"), [b"title = \"T\"\n".as_slice(), &config].concat()).unwrap();
        std::fs::write(root.join("chapters/01-a.md"), [prefix.as_slice(), &chapter].concat()).unwrap();
        std::fs::write(root.join("chapters/02-b.md"), b"+++\ntitle = \"B\"\n+++\n[a](01-a.md#x)\n").unwrap();
        std::fs::write(root.join("teams/t/team.toml"), b"name = \"T\"\n").unwrap();
        std::fs::write(root.join("teams/t/e.md"), [b"+++\ntitle = \"E\"\nchapter = \"b\"\n".as_slice(), &example].concat()).unwrap();
        let opts = crate::compile::Options::default();
        match crate::compile::compile(root, &opts, &crate::compile::Earlier::default()) {
            Ok(compiled) => prop_assert!(compiled.warnings.iter().all(|d| !d.is_error())),
            Err(diags) => prop_assert!(diags.iter().any(super::diagnostics::Diagnostic::is_error)),
        }
    }
}

//! `playbook import`: each kind of existing handbook (fixtures under
//! tests/fixtures/import/) becomes a playbook that passes `check`, builds,
//! keeps its titles, reading order, links, images and old URLs, and leaves
//! the source untouched.

use crate::harness::*;

/// Imports fixture `kind` into a fresh folder; returns (fixture, root).
fn import(kind: &str, extra: &[&str]) -> (Fixture, std::path::PathBuf, Run) {
    let f = Fixture::empty();
    let src = repo().join("tests/fixtures/import").join(kind);
    let before = snapshot(&src);
    let into = f.root().join("imported");
    let run = Run::from(playbook().arg("import").arg(&src).arg("--into").arg(&into).args(extra).output().unwrap()).ok();
    assert_eq!(snapshot(&src), before, "the source is not changed");
    assert!(run.stderr.contains("It passes `playbook check`"), "{}", run.stderr);
    Run::from(playbook().args(["check", "--root"]).arg(&into).output().unwrap()).ok();
    Run::from(playbook().args(["build", "-q", "--root"]).arg(&into).output().unwrap()).ok();
    (f, into, run)
}

/// Chapter titles in sidebar order, from a built page.
fn reading_order(root: &std::path::Path) -> Vec<String> {
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    home.split("<li class=\"nav-chapter")
        .skip(1)
        .filter_map(|li| li.split_once("\">").and_then(|(_, rest)| rest.split_once('>')).map(|(_, t)| t))
        .map(|t| t.split('<').next().unwrap_or("").to_string())
        .collect()
}

fn page(root: &std::path::Path, url: &str) -> String {
    std::fs::read_to_string(root.join("public").join(url).join("index.html")).unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn an_mdbook_keeps_its_summary_order_includes_links_images_and_old_urls() {
    let (_f, root, run) = import("mdbook", &[]);
    assert!(run.stderr.contains("Imported an mdBook: 9 pages, 3 parts"), "{}", run.stderr);
    assert_eq!(
        reading_order(&root),
        [
            "Introduction",
            "Joining the team",
            "Your first week on Platform", // {{#title}}
            "Access and tools",
            "Meeting our partners",
            "Planning",
            "Incidents",
            "Glossary",
        ]
    );
    let config = std::fs::read_to_string(root.join("playbook.toml")).unwrap();
    assert!(config.contains("title = \"Platform Team Guide\"") && config.contains("language = \"en\""), "{config}");
    let draft = std::fs::read_to_string(root.join("chapters/02-getting-started/03-on-call-rotations.md")).unwrap();
    assert!(draft.contains("draft = true") && draft.contains("title = \"On-call rotations\""), "{draft}");

    let intro = page(&root, "introduction");
    assert!(intro.contains("href=\"/getting-started/joining-the-team/\""), "links become links between pages");
    assert!(intro.contains("href=\"/ways-of-working/planning/#quarterly-bets\""));
    let joining = page(&root, "getting-started/joining-the-team");
    assert!(joining.contains("your onboarding buddy answers within the day"), "{{#include}} resolved");
    let img = attr_values(&joining, "src").into_iter().find(|s| s.ends_with("team.svg")).expect("the image");
    assert!(root.join("public").join(img.trim_start_matches('/')).is_file(), "the image is published: {img}");
    let planning = page(&root, "ways-of-working/planning");
    assert!(planning.contains("February: the build pair") && !planning.contains("March: nobody"), "line range 2:3");
    assert!(!planning.contains("{{#"), "no mdBook syntax is left");
    // mdBook's URLs still lead to the pages.
    let old = std::fs::read_to_string(root.join("public/start/joining.html")).unwrap();
    assert!(old.contains("/getting-started/joining-the-team/"), "{old}");
}

#[test]
fn plain_markdown_folders_become_parts_and_h1s_titles() {
    let (_f, root, run) = import("markdown", &["--repo-url", "https://git.example.com/acme/handbook"]);
    assert!(
        run.stderr.contains("Imported plain markdown: 7 pages, 3 parts, 3 links rewritten, 1 file copied"),
        "{}",
        run.stderr
    );
    assert_eq!(
        reading_order(&root),
        [
            "Practices",
            "Demo days",
            "Notes",
            "The weekly review",
            "Own the roadmap",
            "Define success by impact",
            "Notes"
        ]
    );
    // A link to the repository's web page of another file is a link between pages.
    assert!(page(&root, "practices/demo-days").contains("href=\"/principles/impact/#what-we-count\""));
    // One name in two folders: two pages, two URLs (slugs are unique across parts).
    assert!(page(&root, "practices/notes").contains("about our practices"));
    assert!(page(&root, "principles/notes-2").contains("about our principles"));
    let config = std::fs::read_to_string(root.join("playbook.toml")).unwrap();
    assert!(config.contains("title = \"Engineering handbook\""), "the top README's H1: {config}");
    assert!(config.contains("description = \"How our engineering organisation decides"), "and its paragraph");
    // A short README describes its folder; a longer one is its first chapter.
    assert!(page(&root, "principles").contains("What we hold ourselves to."));
    let own = page(&root, "principles/own-the-roadmap");
    assert!(own.contains("href=\"/principles/impact/#what-we-count\""), "{own}");
    assert_eq!(own.matches(">Own the roadmap</h1>").count(), 1, "the H1 is the title, not repeated");
    let impact = page(&root, "principles/impact");
    let img = attr_values(&impact, "src").into_iter().find(|s| s.ends_with("chart.svg")).expect("the image");
    assert!(root.join("public").join(img.trim_start_matches('/')).is_file());
}

#[test]
fn yaml_front_matter_maps_every_key_and_keeps_the_rest_as_extra() {
    let (_f, root, _) = import("yaml", &[]);
    assert_eq!(
        reading_order(&root),
        ["Getting started", "Roadmaps we co-own", "Metrics that matter"],
        "weights; the draft left out"
    );
    let start = std::fs::read_to_string(root.join("chapters/01-docs/01-getting-started.md")).unwrap();
    for line in [
        "summary = \"The first steps for a new engineering manager\"",
        "tags = [\"onboarding\", \"basics\"]",
        "reviewed = 2026-03-04",
        "aliases = [\"start\"]",
        "[extra]\nhero_image = \"banner.png\"",
    ] {
        assert!(start.contains(line), "{line}:\n{start}");
    }
    let roadmap = std::fs::read_to_string(root.join("chapters/01-docs/02-roadmap.md")).unwrap();
    assert!(
        roadmap.contains("tags = [\"roadmap\", \"planning\"]") && roadmap.contains("reviewed = 2026-05-01"),
        "{roadmap}"
    );
    assert!(std::fs::read_to_string(root.join("chapters/01-docs/03-unfinished.md")).unwrap().contains("draft = true"));
    // Old URLs redirect.
    assert!(page(&root, "old/roadmaps").contains("/docs/roadmap/"));
    assert!(page(&root, "start").contains("/docs/getting-started/"));
    assert!(page(&root, "docs/getting-started").contains("href=\"/docs/roadmap/\""));
}

#[test]
fn what_cannot_be_mapped_is_named_at_its_line_and_nothing_is_overwritten() {
    let f = Fixture::with_files(&[
        ("book/book.toml", "[book]\ntitle = \"T\"\n"),
        ("book/src/SUMMARY.md", "# Summary\n\n- [A](a.md)\n"),
        ("book/src/a.md", "# A\n\nText.\n\n{{#include missing.md}}\n\n{{#playground x.rs}}\n"),
        ("full/x.md", "x"),
    ]);
    let run = f.run(&["import", "book", "--into", "out"]).ok();
    assert!(run.stderr.contains("src/a.md:5:1: error: cannot include `missing.md`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("src/a.md:7:1: error: mdBook's `{{#playground}}` has no playbook equivalent"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 things could not be mapped"), "{}", run.stderr);
    // A folder with files in it is never written into, nor SRC itself.
    let run = f.run(&["import", "book", "--into", "full"]).fails(2);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    let run = f.run(&["import", "book", "--into", "book/inside"]).fails(2);
    assert!(run.stderr.contains("inside the handbook it imports"), "{}", run.stderr);
    assert_eq!(f.read("full/x.md"), "x");
}

#[test]
fn hostile_sources_neither_crash_nor_escape_nor_break_the_front_matter() {
    let f = Fixture::with_files(&[
        ("book/book.toml", "[book]\ntitle = \"T\"\n"),
        ("book/src/SUMMARY.md", "# Summary\n\n- [A](a.md)\n- [B](b.md)\n"),
        // An anchor that opens and closes on one line; a link around an image
        // whose target is written another way; a title with a fence in it.
        (
            "book/src/a.md",
            "{{#title Evil\n+++\ndraft = true\n+++\n}}\n# A\n\n{{#include s.rs:x}}\n\n[![i](b.md)](b&#46;md)\n\n[gone](missing.md)\n",
        ),
        ("book/src/s.rs", "x\n// ANCHOR: x ANCHOR_END: x\ny\n"),
        // Includes that multiply: each level four times the last.
        ("book/src/b.md", "{{#include b.md}}{{#include b.md}}{{#include b.md}}{{#include b.md}}\n"),
        ("yaml/a.md", "---\ntitle: Bomb\nx: &a [1, 2, 3]\ny: [*a, *a, *a]\n---\nText.\n"),
        ("yaml/b.md", "---\ntitle: \"Two\\n+++\\ndraft = true\"\ntags: {not: a list}\ndraft: \"yes\"\n---\nText.\n"),
        ("yaml/c.md", "---\ntitle: C\n---\n[notes](build/notes.md)\n"),
        ("yaml/build/notes.md", "+++\ntitle = \"Hidden\"\nowners = [\"@attacker\"]\n+++\nx\n"),
    ]);
    // A link to nowhere remains: written, named, exit 1.
    let run = f.run(&["import", "book", "--into", "out"]).fails(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stderr.contains("missing.md"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("includes nest deeper than 8 levels").count(), 1, "{}", run.stderr);
    let a = f.read("out/chapters/01-a.md");
    let (front, _) = a.trim_start_matches("+++\n").split_once("\n+++\n").unwrap();
    assert!(!front.contains("\ndraft"), "the title stays one value: {front}");

    let run = f.run(&["import", "yaml", "--into", "out2"]).fails(1);
    assert!(run.stderr.contains("links to `chapters/build/notes.md`, which is not a page"), "{}", run.stderr);
    assert!(run.stderr.contains("the value of `tags` could not be kept"), "{}", run.stderr);
    assert!(
        run.stderr.contains("a.md:3:1: error: the YAML front matter does not parse: YAML anchors"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("the value of `draft` could not be kept"), "{}", run.stderr);
    let b = f.read("out2/chapters/02-b.md");
    assert!(b.contains("title = \"Two +++ draft = true\""), "{b}");
    // Markdown the reader did not take as a page is not copied in.
    assert!(!snapshot(&f.root().join("out2")).keys().any(|k| k.contains("notes")));

    // `..` in --into is resolved before the checks: SRC stays untouched.
    let run = f.run(&["import", "yaml", "--into", "nowhere/../yaml"]).fails(2);
    assert!(run.stderr.contains("is not empty") || run.stderr.contains("inside the handbook"), "{}", run.stderr);
    let run = f.run(&["import", "yaml", "--into", "nowhere/../yaml/sub"]).fails(2);
    assert!(run.stderr.contains("inside the handbook it imports"), "{}", run.stderr);
    assert!(!f.root().join("yaml/sub").exists());
}

#[test]
fn a_name_repeated_thousands_of_times_gets_a_slug_each() {
    let mut summary = String::from("# Summary\n\n");
    for _ in 0..3000 {
        summary.push_str("- [Overview]()\n");
    }
    let f = Fixture::with_files(&[("book/book.toml", "[book]\ntitle = \"T\"\n"), ("book/src/SUMMARY.md", &summary)]);
    f.run(&["import", "book", "--into", "out"]).ok();
    assert!(f.root().join("out/chapters/3000-overview-3000.md").is_file());
}

//! Bad input and hostile content: escaping everywhere, odd files, deep
//! nesting, huge chapters, and a build killed at any moment.

use std::time::Duration;

use crate::harness::*;

fn tiny(chapter: &str) -> Fixture {
    Fixture::with_files(&[("playbook.toml", "title = \"T\"\n"), ("chapters/01-a.md", chapter)])
}

#[test]
fn front_matter_values_are_escaped_everywhere() {
    let evil = r#"Ship <script>alert(1)</script> & \"quote\""#;
    let f = Fixture::with_files(&[
        ("playbook.toml", "title = \"T & <b>\"\n"),
        (
            "chapters/01-a.md",
            &format!(
                "+++\ntitle = \"{evil}\"\nsummary = \"{evil}\"\nowners = [\"{evil}\"]\ntags = [\"<i>x</i> & y\"]\n+++\nBody.\n"
            ),
        ),
    ]);
    f.build(&[]).ok();
    for page in ["a/index.html", "index.html", "print/index.html", "tags/i-x-i-y/index.html"] {
        let html = f.page(page);
        assert!(!html.contains("<script>alert"), "{page}: unescaped script");
        assert!(!html.contains("<i>x</i>"), "{page}: unescaped tag");
    }
    let chapter = f.page("a/index.html");
    assert!(chapter.contains("<h1>Ship &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quote&quot;</h1>"), "title");
    assert!(
        chapter.contains("content=\"Ship &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quote&quot;\""),
        "meta attribute"
    );
    assert!(f.page("sitemap.xml").contains("<loc>/a/</loc>"));
    let doc: serde_json::Value = serde_json::from_str(&f.page("search/p/0.json")).unwrap();
    assert_eq!(doc["t"], "Ship <script>alert(1)</script> & \"quote\"", "the index holds text, shown as text");
    let check = f.run(&["check", "--format", "json"]).ok();
    serde_json::from_str::<serde_json::Value>(&check.stdout).expect("check json stays valid");
}

#[test]
fn raw_html_in_markdown_is_a_switch() {
    let body = "+++\ntitle = \"A\"\n+++\n\nSome <b class=\"x\">bold</b> words.\n\n<div class=\"note\">block</div>\n";
    let on = tiny(body);
    on.build(&[]).ok();
    assert!(on.page("a/index.html").contains("<b class=\"x\">bold</b>"), "trusted by default");
    let off = tiny(body);
    off.write("playbook.toml", "title = \"T\"\nraw_html = false\n");
    off.build(&[]).ok();
    let html = off.page("a/index.html");
    assert!(html.contains("&lt;b class=\"x\"&gt;bold&lt;/b&gt;") && !html.contains("<div class=\"note\">"), "escaped");
}

#[test]
fn odd_files_get_clear_answers() {
    let run = tiny("").build(&[]).fails(1);
    assert!(run.stderr.contains("chapters/01-a.md:1:1: error: the file does not start with `+++` front matter"));
    let only_front = tiny("+++\ntitle = \"Only front matter\"\n+++\n");
    only_front.build(&[]).ok();
    assert!(only_front.page("a/index.html").contains("Only front matter"));
    let unclosed_toml = tiny("+++\ntitle = \"A\"\ntags = [\"x\",\n+++\n");
    let run = unclosed_toml.build(&[]).fails(1);
    assert!(run.stderr.contains("chapters/01-a.md:3:13: error: invalid TOML: unclosed array"), "{}", run.stderr);
}

#[test]
fn deep_nesting_and_a_huge_chapter_build_without_crashing() {
    let quotes = format!("+++\ntitle = \"Deep\"\n+++\n\n{}deep\n", "> ".repeat(10_000));
    tiny(&quotes).build(&[]).ok();
    let mut list = String::from("+++\ntitle = \"List\"\n+++\n\n");
    for depth in 0..10_000 {
        list.push_str(&"  ".repeat(depth));
        list.push_str("- item\n");
    }
    tiny(&list).build(&[]).ok();
    let paragraph = "A sentence about owning the roadmap, repeated to make a very large chapter. ";
    let huge = format!(
        "+++\ntitle = \"Huge\"\n+++\n\n{}\n",
        (paragraph.repeat(12) + "\n\n").repeat(20_000_000 / (paragraph.len() * 12))
    );
    assert!(huge.len() > 20_000_000);
    let f = tiny(&huge);
    f.build(&[]).ok();
    assert!(std::fs::metadata(f.out().join("a/index.html")).unwrap().len() > 20_000_000);
}

#[test]
fn an_output_folder_that_cannot_be_written_is_an_error() {
    let f = Fixture::bundled();
    f.write("not-a-folder", "x");
    let run = f.build(&["--out", "not-a-folder/site"]).fails(1);
    assert!(run.stderr.contains("not-a-folder"), "{}", run.stderr);
    assert_eq!(f.read("not-a-folder"), "x");
}

#[test]
fn killing_a_build_at_any_moment_leaves_the_previous_site_whole() {
    let f = Fixture::generated(&["--chapters", "400", "--parts", "8", "--teams", "3", "--seed", "9"]);
    f.build(&[]).ok();
    let before = snapshot(&f.out());
    // Change every page's content, so a half-swapped site would show.
    f.write("playbook.toml", f.read("playbook.toml").replace("Engineering Leadership Playbook", "Renamed Playbook"));
    for delay_ms in [1, 10, 30, 60, 100, 150, 250] {
        let mut child = std::process::Command::new(bin()).args(["build", "-q"]).current_dir(f.root()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let after = snapshot(&f.out());
        if status.success() {
            // Finished before the kill: the new site is whole.
            assert!(after["index.html"].windows(16).any(|w| w == b"Renamed Playbook"));
            return;
        }
        assert_eq!(after, before, "killed after {delay_ms} ms: the previous output changed");
    }
    // A later build still works and cleans up the interrupted one.
    f.build(&[]).ok();
    assert_eq!(staging_leftovers(f.root()), 0);
}

#[test]
fn a_named_pipe_is_reported_not_read() {
    let f = Fixture::bundled();
    let fifo = f.root().join("chapters/02-principles/09-pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let run = f.build(&[]).fails(1);
    assert!(
        run.stderr.contains("chapters/02-principles/09-pipe.md: error: this is not a regular file"),
        "{}",
        run.stderr
    );
}

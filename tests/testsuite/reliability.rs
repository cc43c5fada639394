//! Hostile content and interrupted builds: escaping everywhere, the raw-HTML
//! switch, and a build killed at any moment.

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
fn killing_a_build_at_any_moment_leaves_the_previous_site_whole() {
    let f = Fixture::generated(&["--chapters", "400", "--parts", "8", "--teams", "3", "--seed", "9"]);
    f.build(&[]).ok();
    let before = snapshot(&f.out());
    // Change every page's content, so a half-swapped site would show.
    f.write("playbook.toml", f.read("playbook.toml").replace("Engineering Leadership Playbook", "Renamed Playbook"));
    for delay_ms in [1, 10, 30, 60, 100, 150, 250] {
        let mut child = playbook().args(["build", "-q"]).current_dir(f.root()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let after = snapshot(&f.out());
        if status.success() {
            // Finished before the kill: the new site is whole.
            assert!(after["index.html"].windows(16).any(|w| w == b"Renamed Playbook"));
            break;
        }
        assert_eq!(after, before, "killed after {delay_ms} ms: the previous output changed");
    }
    // A later build still works, cleans up the interrupted ones, and the
    // half-written tree it takes over as its spare leaves no trace.
    f.build(&[]).ok();
    assert_eq!(staging_leftovers(f.root()), Vec::<String>::new());
    let clean = tempfile::tempdir().unwrap();
    f.build(&["--out", clean.path().join("site").to_str().unwrap()]).ok();
    assert_eq!(snapshot(&f.out()), snapshot(&clean.path().join("site")), "differs from a clean build");
}

/// Sends once, the first time the build does `what` (seen through inotify)
/// to a path below `dir` that `wanted` accepts.
fn first_event(
    dir: &std::path::Path,
    what: fn(&notify::EventKind) -> bool,
    wanted: fn(&std::path::Path) -> bool,
) -> (notify::RecommendedWatcher, std::sync::mpsc::Receiver<()>) {
    use notify::Watcher;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && what(&event.kind)
            && event.paths.iter().any(|p| wanted(p))
        {
            let _ = tx.send(());
        }
    })
    .unwrap();
    watcher.watch(dir, notify::RecursiveMode::Recursive).unwrap();
    (watcher, rx)
}

fn spawn_build(f: &Fixture) -> std::process::Child {
    playbook()
        .args(["build", "-q"])
        .current_dir(f.root())
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_file_deleted_during_the_build_is_reported_and_the_old_site_kept() {
    use notify::EventKind;
    use notify::event::{AccessKind, CreateKind, ModifyKind};
    let f = Fixture::generated(&["--chapters", "600", "--parts", "6", "--teams", "2", "--seed", "5"]);
    let first = snapshot(&f.root().join("chapters")).into_keys().find(|k| k.ends_with(".md")).unwrap();
    let first = format!("chapters/{first}");
    let image = format!("{}/diagram.svg", first.rsplit_once('/').unwrap().0);
    f.write(&image, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    f.write(&first, f.read(&first) + "\n![Diagram](diagram.svg)\n");
    f.build(&[]).ok();
    let before = snapshot(&f.out());
    let sources = snapshot(&f.root().join("chapters"));
    let mut chapters: Vec<String> =
        sources.keys().filter(|k| k.ends_with(".md")).map(|k| format!("chapters/{k}")).collect();
    chapters.retain(|c| *c != first);

    // 1. Chapters vanish after the walk listed them, as the build starts
    // reading. On a busy machine the build may read them all before the
    // deletions land; that attempt proves nothing, so it is made again.
    let victims: Vec<&String> = chapters.iter().step_by(5).collect();
    let mut attempts = 0;
    let run = loop {
        attempts += 1;
        let (_watch, opened) = first_event(
            &f.root().join("chapters"),
            |k| matches!(k, EventKind::Access(AccessKind::Open(_))),
            |p| p.extension().is_some_and(|e| e == "md"),
        );
        let child = spawn_build(&f);
        opened.recv_timeout(Duration::from_secs(30)).expect("the build opened a chapter");
        for v in &victims {
            std::fs::remove_file(f.root().join(v)).unwrap();
        }
        let run = Run::from(child.wait_with_output().unwrap());
        for v in &victims {
            f.write(v, &sources[v.strip_prefix("chapters/").unwrap()]);
        }
        if run.code != 0 || attempts == 5 {
            break run;
        }
    };
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let reported = victims
        .iter()
        .filter(|v| {
            run.stderr.contains(&format!("{v}: error: the file was deleted or moved while the build was reading it"))
        })
        .count();
    assert!(reported > 0, "no deleted chapter was reported:\n{}", run.stderr);
    assert_eq!(snapshot(&f.out()), before, "the previous site changed");

    // 2. An image vanishes after the pages are checked, before it is copied.
    let (_watch, staging) = first_event(
        f.root(),
        // Made new, or renamed from the spare.
        |k| matches!(k, EventKind::Create(CreateKind::Folder) | EventKind::Modify(ModifyKind::Name(_))),
        |p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(".tmp-")),
    );
    let child = spawn_build(&f);
    staging.recv_timeout(Duration::from_secs(30)).expect("the build began its staging folder");
    std::fs::remove_file(f.root().join(&image)).unwrap();
    let run = Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("{image}: error: the file was deleted or moved while the build was reading it")),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&f.out()), before, "the previous site changed");
    assert_eq!(staging_leftovers(f.root()), Vec::<String>::new(), "the failed build removed its staging folder");
}

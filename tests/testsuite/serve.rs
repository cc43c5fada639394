//! `playbook serve` over real HTTP on loopback: pages, live reload, errors
//! while serving, incremental rebuilds that equal a clean build, path safety.

use std::time::Duration;

use crate::harness::*;

const GEN: &[&str] = &["--chapters", "24", "--parts", "2", "--teams", "2", "--examples-per-team", "3", "--seed", "5"];

/// The first chapter of the generated playbook: its file, text and URL.
fn first_chapter(f: &Fixture) -> (String, String, String) {
    let c = chapter_file(f, 0, 0);
    let text = f.read(&c.file);
    (c.file, text, c.url)
}

#[test]
fn an_edit_reaches_open_tabs_and_the_served_page() {
    let f = Fixture::generated(GEN);
    let (file, text, url) = first_chapter(&f);
    let s = f.serve(&[]);
    let page = s.get(&url);
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.text().contains("__playbook/live.js"), "reload script injected when serving");
    assert!(!page.text().contains("A sentence written by the test."));

    let events = s.events();
    wait_for(&events, "hello");
    f.write(&file, text.replacen("\n\n", "\n\nA sentence written by the test.\n\n", 1));
    // Tabs learn which pages changed, and that this one changed only
    // inside <main> (so an open tab patches it in place).
    let change = wait_for(&events, "change");
    let page_file = format!("{}index.html", url.trim_start_matches('/'));
    assert!(change.contains(&format!("\"{page_file}\":\"main\"")), "{change}");
    assert!(change.contains("\"other\":false") && change.contains("\"css\":[]"), "{change}");
    assert_eq!(change.matches("index.html").count(), 1, "only the chapter's page: {change}");
    assert!(s.get(&url).text().contains("A sentence written by the test."));
    assert!(s.log_shows(&format!("{file} changed: re-rendered 1 page")), "{}", s.log());
    // The print view follows once the page is served.
    let late = wait_for(&events, "late-change");
    assert!(late.contains("\"print/index.html\":\"main\""), "{late}");
    assert!(s.get("/print/").text().contains("A sentence written by the test."));

    // a no-op save (same bytes) renders nothing and reloads nothing
    f.write(&file, f.read(&file));
    assert!(events.recv_timeout(Duration::from_millis(800)).is_err(), "a no-op save must not reload");
}

#[test]
fn a_body_edit_reads_only_its_file_and_is_checked_like_a_build() {
    let f = Fixture::generated(GEN);
    let a = chapter_file(&f, 0, 0);
    let b = chapter_file(&f, 0, 1);
    let a_name = a.file.rsplit('/').next().unwrap().to_string();
    let b_page = format!("{}index.html", b.url.trim_start_matches('/'));
    let s = f.serve(&["-v"]);
    let events = s.events();
    wait_for(&events, "hello");

    // A new heading may be what other pages link to: the whole playbook
    // is loaded again.
    save(&f, &a.file, &(f.read(&a.file) + "\n## Where we meet\n\nEvery Tuesday.\n"));
    assert_eq!(next_outcome(&events).0, "change");
    assert!(s.log_shows("  load "), "a heading edit loads the playbook: {}", s.log());

    // A body edit reads, renders and checks its own file only, and its
    // links are checked against the rest (here: that heading).
    let linked = f.read(&b.file) + &format!("\nSee [where we meet]({a_name}#where-we-meet).\n");
    save(&f, &b.file, &linked);
    let (event, change) = next_outcome(&events);
    assert_eq!(event, "change", "{change}");
    assert!(change.contains(&format!("\"{b_page}\":\"main\"")), "{change}");
    assert!(s.log_shows(&format!("{} changed: re-rendered 1 page", b.file)), "{}", s.log());
    assert!(s.log_shows("  read "), "only the saved file is read: {}", s.log());
    assert!(s.get(&b.url).text().contains("#where-we-meet"));

    // A broken link in a body is the build's error, at its line.
    let broken = linked.clone() + "\nAnd [nowhere](no-such-chapter.md).\n";
    save(&f, &b.file, &broken);
    let (event, error) = next_outcome(&events);
    assert_eq!(event, "build-error", "{error}");
    let line = broken.lines().position(|l| l.contains("no-such-chapter")).unwrap() + 1;
    assert!(error.contains(&format!("{}:{line}:", b.file)) && error.contains("no-such-chapter.md"), "{error}");
    save(&f, &b.file, &linked);
    assert_eq!(next_outcome(&events).0, "ok", "back to the site served all along");

    // Renaming the heading breaks the link to it from the other chapter.
    save(&f, &a.file, &f.read(&a.file).replace("## Where we meet", "## Where we gather"));
    let (event, error) = next_outcome(&events);
    assert_eq!(event, "build-error", "{error}");
    assert!(error.contains(&b.file) && error.contains("#where-we-meet"), "{error}");
    save(&f, &a.file, &f.read(&a.file).replace("## Where we gather", "## Where we meet"));
    assert_eq!(next_outcome(&events).0, "ok");
    s.assert_equals_clean_build(f.root());
}

#[test]
fn a_title_edit_renders_only_the_pages_that_show_it_and_equals_a_clean_build() {
    // More chapters than one sidebar lists: a title shows in the sidebars
    // of its neighbours, not of every chapter.
    let args = ["--chapters", "90", "--parts", "3", "--teams", "2", "--examples-per-team", "3", "--seed", "7"];
    let f = Fixture::generated(&args);
    let edited = chapter_file(&f, 1, 5);
    let (near, far) = (chapter_file(&f, 1, 6), chapter_file(&f, 0, 0));
    let s = f.serve(&["-v"]);
    let events = s.events();
    wait_for(&events, "hello");
    let title = &edited.title_line;
    save(
        &f,
        &edited.file,
        &f.read(&edited.file).replacen(title, &title.replacen("title = \"", "title = \"Renamed ", 1), 1),
    );
    let (event, change) = next_outcome(&events);
    assert_eq!(event, "change", "{change}");
    let listed = |c: &ChapterFile| change.contains(&format!("\"{}index.html\"", c.url.trim_start_matches('/')));
    assert!(listed(&edited) && listed(&near), "the page and its neighbour's sidebar: {change}");
    assert!(!listed(&far), "a chapter far away does not list it: {change}");
    let part = edited.url.trim_start_matches('/').split('/').next().unwrap().to_string();
    // Its part's page lists it in <main> and in the sidebar: patched too.
    assert!(change.contains(&format!("\"{part}/index.html\":\"nav\"")), "its part's page lists it: {change}");
    assert!(s.log_shows(&format!("{} changed: re-rendered", edited.file)), "{}", s.log());
    assert!(!s.log().contains("rebuilt the site"), "not every page: {}", s.log());
    s.assert_equals_clean_build(f.root());
}

#[test]
fn tabs_are_told_how_much_changed_a_title_the_page_a_stylesheet_only_itself() {
    let f = Fixture::generated(GEN);
    f.write("static/custom.css", "p { color: black; }\n");
    let (file, text, url) = first_chapter(&f);
    let title = chapter_file(&f, 0, 0).title_line;
    let s = f.serve(&[]);
    let events = s.events();
    wait_for(&events, "hello");
    let page_file = format!("{}index.html", url.trim_start_matches('/'));

    // A title shows in the page's <title>, its sidebar and its <main>:
    // tabs patch those (a "nav" change), and the home page lists it.
    f.write(&file, text.replacen(&title, &title.replacen("title = \"", "title = \"Renamed: ", 1), 1));
    let change = wait_for(&events, "change");
    assert!(change.contains(&format!("\"{page_file}\":\"nav\"")), "{change}");
    assert!(change.contains("\"index.html\":\"nav\""), "the home page lists it: {change}");

    // A stylesheet edit changes no page: tabs swap the sheet.
    f.write("static/custom.css", "p { color: navy; }\n");
    let change = wait_for(&events, "change");
    assert!(change.contains("\"pages\":{}") && change.contains("\"css\":[\"custom.css\"]"), "{change}");
    assert!(change.contains("\"other\":false"), "{change}");
    assert!(s.get("/custom.css").text().contains("navy"));
    assert!(s.log_shows("static/custom.css changed: copied 1 file"), "no page rendered again: {}", s.log());
}

#[test]
fn chapters_created_renamed_and_deleted_follow_the_files() {
    let f = Fixture::generated(GEN);
    let s = f.serve(&[]);
    let events = s.events();
    wait_for(&events, "hello");

    f.write("chapters/02-delivery/90-brand-new.md", "+++\ntitle = \"A brand new chapter\"\n+++\n\nFresh.\n");
    wait_for(&events, "change");
    assert_eq!(s.get("/delivery/brand-new/").status, 200);
    assert!(s.get("/").text().contains("A brand new chapter"), "new chapter in the navigation");

    std::fs::rename(
        f.root().join("chapters/02-delivery/90-brand-new.md"),
        f.root().join("chapters/02-delivery/91-renamed.md"),
    )
    .unwrap();
    wait_for(&events, "change");
    assert_eq!(s.get("/delivery/brand-new/").status, 404);
    assert_eq!(s.get("/delivery/renamed/").status, 200);

    std::fs::remove_file(f.root().join("chapters/02-delivery/91-renamed.md")).unwrap();
    wait_for(&events, "change");
    assert_eq!(s.get("/delivery/renamed/").status, 404);
    assert!(!s.get("/").text().contains("A brand new chapter"));
    let not_found = s.get("/delivery/renamed/");
    assert!(not_found.text().contains("Page not found"), "the site's 404 page");
}

#[test]
fn a_broken_save_keeps_the_old_site_and_shows_the_error_until_fixed() {
    let f = Fixture::generated(GEN);
    let (file, text, url) = first_chapter(&f);
    let s = f.serve(&[]);
    let events = s.events();
    wait_for(&events, "hello");

    f.write(&file, text.replacen("title = \"", "title = \"Broken", 1).replacen("summary = ", "summary = \"", 1));
    let error = wait_for(&events, "build-error");
    assert!(error.contains(&format!("{file}:3:")), "error names file and line: {error}");
    let page = s.get(&url);
    assert_eq!(page.status, 200, "the last good site stays served");
    assert!(!page.text().contains("Broken"));
    // a tab opened now learns about the error at once
    let late = s.events();
    assert!(wait_for(&late, "build-error").contains(&file));

    f.write(&file, &text);
    // (a save can land as two writes: more build-error events may come first)
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let fixed_by = loop {
        let (event, _) = events.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())).unwrap();
        if event == "ok" || event == "change" {
            break event;
        }
        assert_eq!(event, "build-error");
    };
    assert!(s.log_shows("the build failed; still serving the last good site"), "{}", s.log());
    if fixed_by == "ok" {
        // The saved file is the last good one again: nothing to render.
        assert!(s.log_shows("fixed; no page changed"), "{}", s.log());
    }
}

#[test]
fn serve_starts_even_when_the_first_build_fails_and_recovers() {
    let f = Fixture::generated(GEN);
    let (file, text, url) = first_chapter(&f);
    f.write(&file, text.replacen("+++\ntitle", "+++\ntitel", 1));
    let s = f.serve(&[]);
    let page = s.get(&url);
    assert_eq!(page.status, 503);
    assert!(
        page.text().contains("unknown key `titel`") && page.text().contains("__playbook/live.js"),
        "{}",
        page.text()
    );
    let events = s.events();
    wait_for(&events, "build-error");
    f.write(&file, &text);
    wait_for(&events, "change");
    assert_eq!(s.get(&url).status, 200);
}

#[test]
fn after_a_series_of_edits_the_served_site_equals_a_clean_build() {
    let f = Fixture::generated(GEN);
    let s = f.serve(&[]);
    let events = s.events();
    wait_for(&events, "hello");
    let edit = |path: &str, from: &str, to: &str| {
        let text = f.read(path);
        assert!(text.contains(from), "{path} lacks {from:?}");
        f.write(path, text.replacen(from, to, 1));
        wait_for(&events, "change");
    };
    let (file, _, _) = first_chapter(&f);
    let title = chapter_file(&f, 0, 0).title_line;
    edit(&file, "\n\n", "\n\nA body edit.\n\n");
    edit(&file, &title, &title.replacen("title = \"", "title = \"Renamed: ", 1));
    let example = std::fs::read_dir(f.root().join("teams/payments"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let example = example.strip_prefix(f.root()).unwrap().to_string_lossy().into_owned();
    edit(&example, "## What we did", "## What we did first");
    let first = file.trim_start_matches("chapters/");
    f.write(
        "chapters/02-delivery/99-late-addition.md",
        format!("+++\ntitle = \"Late addition\"\ntags = [\"new\"]\n+++\n\n## Hello\n\nSee [the first](../{first}).\n"),
    );
    wait_for(&events, "change");
    edit("playbook.toml", "review_after_days = 180", "review_after_days = 90");
    edit(&file, "A body edit.", "A second body edit.");

    s.assert_equals_clean_build(f.root());
}

#[test]
fn nothing_outside_the_site_is_served() {
    let f = Fixture::handbook();
    f.write("secret.txt", "do not serve");
    let s = f.serve(&[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/assets/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/secret.txt",
        "/playbook.toml",
        "/chapters/01-the-shift/01-breakthrough.md",
        "/assets/",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("do not serve") && !r.text().contains("root:x:0"), "{path}");
    }
    let css = s.get("/assets/playbook.css");
    assert_eq!((css.status, css.header("content-type").unwrap().as_str()), (200, "text/css; charset=utf-8"));
    assert_eq!(s.get("/assets/favicon.svg").header("content-type").unwrap(), "image/svg+xml");
    assert_eq!(s.get("/search/meta.json").header("content-type").unwrap(), "application/json");
    let moved = s.get("/principles");
    assert_eq!((moved.status, moved.header("location").unwrap().as_str()), (301, "/principles/"));
    assert!(s.addr.starts_with("127.0.0.1:"), "binds loopback by default");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let f = Fixture::handbook();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = f.run(&["serve", "--port", &port]).fails(2);
    assert!(run.stderr.contains(&format!("127.0.0.1:{port}: the port is already in use")), "{}", run.stderr);
}

#[test]
fn head_says_what_get_would_send_without_sending_it() {
    let f = Fixture::generated(GEN);
    let (_, _, url) = first_chapter(&f);
    let s = f.serve(&[]);
    let get = s.get(&url);
    let head = s.request(&format!("HEAD {url} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "no body");
    assert_eq!(head.header("content-length"), Some(get.body.len().to_string()), "{}", head.headers);
}

#[test]
fn an_editors_burst_of_files_on_save_is_one_rebuild() {
    let f = Fixture::generated(GEN);
    let (file, text, _) = first_chapter(&f);
    let s = f.serve(&["-v"]);
    let events = s.events();
    wait_for(&events, "hello");
    // What vim writes on a save, in order: a probe file, a backup, the
    // swap file touched, then the new text renamed over the old.
    let dir = file.rsplit_once('/').unwrap().0.to_string();
    let name = file.rsplit('/').next().unwrap().to_string();
    f.write(&format!("{dir}/4913"), "");
    std::fs::remove_file(f.root().join(format!("{dir}/4913"))).unwrap();
    f.write(&format!("{dir}/{name}~"), &text);
    f.write(&format!("{dir}/.{name}.swp"), "swap");
    save(&f, &file, &text.replacen("\n\n", "\n\nOne save.\n\n", 1));
    assert_eq!(next_outcome(&events).0, "change");
    // Anything the burst rebuilt would have been logged by now.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.log().matches(" changed: ").count(), 1, "one rebuild: {}", s.log());
}

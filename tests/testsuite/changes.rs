//! What changed, from git: the changes page, the Atom feed and a chapter's
//! "Changed on" line, built from a real repository with fixed dates; and
//! the same build with no repository and in a shallow clone.

use crate::harness::*;

const ROADMAP: &str = "chapters/02-principles/01-own-the-roadmap.md";
const EXAMPLE: &str = "teams/payments/roadmap-we-inherited.md";

/// The handbook in a repository: everything on 2026-01-05, then an edit of
/// the roadmap chapter (2026-02-10) and of a Payments example (2026-02-11).
fn with_history() -> Fixture {
    let f = Fixture::handbook();
    git_init(&f, "2026-01-05T09:00:00Z", "Start the handbook");
    let text = f.read(ROADMAP) + "\nA line added in February.\n";
    f.write(ROADMAP, text);
    commit_all(&f, "2026-02-10T09:00:00Z", "Say why roadmaps <matter> & who owns them");
    let text = f.read(EXAMPLE) + "\nWhat happened next.\n";
    f.write(EXAMPLE, text);
    commit_all(&f, "2026-02-11T15:30:00Z", "Payments: the sequel");
    f
}

struct Entry {
    title: String,
    link: String,
    updated: String,
    summary: String,
}

/// Parses `feed.xml` as XML and reads its Atom entries.
fn feed(f: &Fixture) -> (roxmltree::Document<'static>, Vec<Entry>) {
    let xml: &'static str = Box::leak(f.read("public/feed.xml").into_boxed_str());
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("feed.xml is not XML: {e}\n{xml}"));
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    assert!(root.has_tag_name((atom, "feed")), "not an Atom feed");
    for required in ["title", "id", "updated", "author"] {
        assert!(root.children().any(|n| n.has_tag_name((atom, required))), "the feed has no <{required}>");
    }
    let text = |n: roxmltree::Node, name: &str| {
        n.children().find(|c| c.has_tag_name((atom, name))).and_then(|c| c.text()).unwrap_or("").to_string()
    };
    let entries = root
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .map(|n| {
            assert!(!text(n, "id").is_empty(), "an entry has no id");
            Entry {
                title: text(n, "title"),
                link: n
                    .children()
                    .find(|c| c.has_tag_name((atom, "link")))
                    .and_then(|l| l.attribute("href"))
                    .unwrap_or("")
                    .to_string(),
                updated: text(n, "updated"),
                summary: text(n, "summary"),
            }
        })
        .collect();
    (doc, entries)
}

#[test]
fn the_feed_and_the_changes_page_list_edits_newest_first() {
    let f = with_history();
    f.build(&["--base-url", "https://handbook.example.com/lead/"]).ok();
    let (_, entries) = feed(&f);
    // Every published document (each .md file) was touched by the first commit.
    let docs = snapshot(f.root()).keys().filter(|p| p.ends_with(".md") && !p.starts_with("public/")).count();
    assert_eq!(entries.len(), docs + 2, "one entry per edit of a page");
    assert_eq!(entries[0].title, "The roadmap we inherited (Payments)");
    assert_eq!(entries[0].summary, "Payments: the sequel");
    assert_eq!(
        entries[0].link,
        "https://handbook.example.com/lead/principles/own-the-roadmap/#ex-payments-roadmap-we-inherited"
    );
    assert_eq!(entries[1].title, "Own the roadmap");
    assert_eq!(entries[1].summary, "Say why roadmaps <matter> & who owns them");
    assert_eq!(entries[1].updated, "2026-02-10T09:00:00Z");
    assert!(entries.windows(2).all(|w| w[0].updated >= w[1].updated), "entries are newest first");
    assert!(entries[2..].iter().all(|e| e.summary == "Start the handbook"));
    assert!(entries.iter().all(|e| e.link.starts_with("https://handbook.example.com/lead/")), "absolute links");

    let page = f.page("changes/index.html");
    let feb = page.find("Week of <time datetime=\"2026-02-09\">").expect("the February week");
    let jan = page.find("Week of <time datetime=\"2026-01-05\">").expect("the January week");
    assert!(feb < jan, "newest week first");
    let sequel = page.find("Payments: the sequel").unwrap();
    let roadmap = page.find("Say why roadmaps &lt;matter&gt; &amp; who owns them").expect("subject, escaped");
    assert!(feb < sequel && sequel < roadmap && roadmap < jan, "newest edit first");
    assert!(page.contains("href=\"/lead/principles/own-the-roadmap/\">Own the roadmap</a>"));

    let chapter = f.page("principles/own-the-roadmap/index.html");
    assert!(chapter.contains(
        "Changed on <time datetime=\"2026-02-10\">2026-02-10</time>: \
         <span class=\"change-subject\">Say why roadmaps &lt;matter&gt; &amp; who owns them</span>"
    ));
    // Every page links the feed and marks changed chapters for the script.
    assert!(chapter.contains("type=\"application/atom+xml\""));
    // 2026-02-10T09:00:00Z in seconds since 1970.
    assert!(
        chapter
            .contains("href=\"/lead/principles/own-the-roadmap/\" aria-current=\"page\" data-changed=\"1770714000\"")
    );
}

#[test]
fn without_a_repository_the_page_and_feed_are_empty_and_the_build_says_why() {
    let f = Fixture::handbook();
    let run = f.build(&["-v"]).ok();
    assert!(run.stderr.contains("no git history"), "{}", run.stderr);
    let (_, entries) = feed(&f);
    assert!(entries.is_empty());
    // Links are paths from the site's root when base_url is a path.
    assert!(f.read("public/feed.xml").contains("<link rel=\"self\" href=\"/feed.xml\"/>"));
    assert!(f.page("changes/index.html").contains("No edits are recorded yet"));
    assert!(!f.page("principles/own-the-roadmap/index.html").contains("Changed on"));
}

#[test]
fn a_shallow_clone_builds_with_the_history_it_has_and_says_so() {
    let f = with_history();
    let clone = Fixture::empty();
    let url = format!("file://{}", f.root().display());
    let dest = clone.root().join("c");
    git(clone.root(), &["clone", "-q", "--depth", "1", &url, &dest.to_string_lossy()], None);
    let out = clone.root().join("site");
    let run =
        Run::from(playbook().args(["build", "-v", "--root"]).arg(&dest).arg("--out").arg(&out).output().unwrap()).ok();
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("changes/index.html")).unwrap();
    // The one commit the clone has touched only the example.
    assert!(page.contains("Payments: the sequel"));
    assert!(!page.contains("Start the handbook"));
    assert!(page.contains("shallow clone"));
}

#[test]
fn a_theme_without_a_changes_template_still_builds() {
    let f = Fixture::handbook();
    // The default theme as a folder, from before the changes page.
    copy_tree(&repo().join("themes/default"), &f.root().join("mytheme"), &[]);
    std::fs::remove_file(f.root().join("mytheme/templates/changes.html")).unwrap();
    let config = f.read("playbook.toml").replace("theme = \"default\"", "theme = \"mytheme\"");
    f.write("playbook.toml", config);
    f.build(&[]).ok();
    assert!(!f.out().join("changes/index.html").exists());
    assert!(f.out().join("feed.xml").exists());
    assert!(f.out().join("principles/own-the-roadmap/index.html").exists());
}

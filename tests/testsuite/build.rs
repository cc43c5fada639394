//! `playbook build` on the bundled playbook and on generated ones.

use std::collections::BTreeMap;

use crate::harness::*;

#[test]
fn bundled_playbook_builds_every_page_of_the_spec() {
    let f = Fixture::handbook();
    let run = f.build(&[]).ok();
    assert!(run.stderr.contains("Built "), "one summary line: {}", run.stderr);
    for page in [
        "index.html",
        "the-shift/breakthrough/index.html",
        "principles/own-the-roadmap/index.html",
        "principles/index.html",
        "teams/index.html",
        "teams/payments/index.html",
        "tags/roadmap/index.html",
        "tags/index.html",
        "print/index.html",
        "onboarding/index.html",
        "404.html",
        "assets/playbook.css",
    ] {
        assert!(f.out().join(page).is_file(), "{page} was not written");
    }
    let chapter = f.page("principles/own-the-roadmap/index.html");
    // the chapter's body, rendered from markdown
    assert!(chapter.contains("A roadmap is a list of bets."), "body missing");
    assert!(chapter.contains("<h2 id=\"questions-to-ask-in-a-roadmap-review\">"), "heading anchor missing");
    assert!(chapter.contains("class=\"callout callout-tip\""), "GitHub alert not rendered as a callout");
    // the principle card from front matter
    assert!(chapter.contains("Bring options, costs and risks"), "card missing");
    // team examples grouped by team
    assert!(chapter.contains("id=\"ex-payments-roadmap-we-inherited\""), "team example missing");
    assert!(chapter.contains("id=\"ex-platform-the-migration-nobody-asked-for\""), "second team's example missing");
    // owners, reviewed date, edit link, prev/next, sidebar with the current page marked
    assert!(chapter.contains("tomas.eriksen") && chapter.contains("2026-10-02"));
    assert!(chapter.contains(
        "href=\"https://git.example.com/org/handbook/edit/main/playbook/chapters/02-principles/01-own-the-roadmap.md\""
    ));
    assert!(chapter.contains("rel=\"prev\" href=\"/the-shift/why-leaders-stall/\""));
    assert!(chapter.contains("rel=\"next\" href=\"/principles/define-success-by-impact/\""));
    assert!(chapter.contains("<a href=\"/principles/own-the-roadmap/\" aria-current=\"page\">"));
    // a link between sources, rewritten to the output URL
    assert!(chapter.contains("href=\"/principles/ship-small-ship-fast/\""));
    // no live-reload script in build output
    assert!(!chapter.contains("livereload") && !chapter.contains("/__playbook"));

    let home = f.page("index.html");
    assert!(home.contains("The principles at a glance") && home.contains("Own the roadmap"));
    let team = f.page("teams/payments/index.html");
    assert!(team.contains("Chargebacks, counted in euros"));
    let print = f.page("print/index.html");
    assert!(print.contains("A roadmap is a list of bets.") && print.contains("The cost of opting out"));
    // base_url is a path: the sitemap protocol needs absolute URLs.
    assert!(!f.out().join("sitemap.xml").exists(), "no sitemap with relative URLs");

    let problems = broken_links(&f.out(), "/");
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn generated_playbook_of_300_chapters_has_no_broken_link() {
    let f = Fixture::generated(&[
        "--chapters",
        "300",
        "--parts",
        "6",
        "--teams",
        "3",
        "--examples-per-team",
        "4",
        "--seed",
        "7",
    ]);
    f.build(&[]).ok();
    let pages = snapshot(&f.out()).keys().filter(|k| k.ends_with("index.html")).count();
    assert!(pages >= 300 + 6 + 3, "only {pages} pages");
    let problems = broken_links(&f.out(), "/");
    assert!(
        problems.is_empty(),
        "{} broken links, first:\n{}",
        problems.len(),
        problems[..problems.len().min(10)].join("\n")
    );
    // a large playbook ships a window of the sidebar and the full tree once
    assert!(f.out().join("assets/nav.html").is_file());
    let nav = f.page("assets/nav.html");
    assert_eq!(nav.matches("class=\"nav-chapter").count(), 300);
}

#[test]
fn sidebar_size_does_not_grow_with_the_playbook() {
    let small = Fixture::generated(&["--chapters", "40", "--parts", "2", "--teams", "0", "--seed", "3"]);
    let large = Fixture::generated(&["--chapters", "400", "--parts", "8", "--teams", "0", "--seed", "3"]);
    small.build(&[]).ok();
    large.build(&[]).ok();
    let count = |f: &Fixture| {
        let files = snapshot(&f.out());
        let chapter_pages: Vec<_> = files
            .iter()
            .filter(|(k, v)| k.ends_with("/index.html") && String::from_utf8_lossy(v).contains("kind-chapter"))
            .collect();
        let links: usize =
            chapter_pages.iter().map(|(_, v)| String::from_utf8_lossy(v).matches("nav-chapter").count()).sum();
        links / chapter_pages.len()
    };
    assert_eq!(count(&small), count(&large), "sidebar entries per page must be bounded");
}

#[test]
fn the_home_page_groups_chapters_by_part_and_stays_bounded() {
    // Small: every chapter, under its part's heading, in reading order.
    let small = Fixture::generated(&["--chapters", "40", "--parts", "4", "--teams", "0", "--seed", "3"]);
    small.build(&[]).ok();
    let home = small.page("index.html");
    assert_eq!(home.matches("class=\"group-title\"").count(), 4, "one heading per part");
    let contents = home.split("id=\"contents\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert_eq!(contents.matches("<li><a href=").count(), 40, "every chapter listed once");
    assert!(home.contains("All chapters") && !home.contains("All parts"));
    assert_eq!(home.matches("class=\"principle\"").count(), 12, "at most 12 principle cards");
    assert!(home.contains("And 28 more principles, in the chapters below."), "the rest are counted");

    // Large: parts with counts instead of chapters; the page does not grow
    // with the playbook.
    let large = Fixture::generated(&["--chapters", "400", "--parts", "4", "--teams", "0", "--seed", "3"]);
    let larger = Fixture::generated(&["--chapters", "1200", "--parts", "4", "--teams", "0", "--seed", "3"]);
    large.build(&[]).ok();
    larger.build(&[]).ok();
    let home = large.page("index.html");
    assert!(home.contains("All parts") && !home.contains("<ul class=\"chapter-list\">"), "parts, not chapters");
    let counts: usize = home
        .split("<span class=\"count\">")
        .skip(1)
        .map(|s| s.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(counts, 400, "the parts' counts add up to every chapter");
    let bigger = larger.page("index.html");
    assert!(bigger.len() < home.len() + 200, "home page size bounded: {} vs {}", bigger.len(), home.len());
    let problems = broken_links(&large.out(), "/");
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn team_edition_shows_only_that_team() {
    let f = Fixture::handbook();
    f.build(&["--team", "growth"]).ok();
    let chapter = f.page("principles/ship-small-ship-fast/index.html");
    assert!(chapter.contains("A pricing page in five slices"), "growth example missing");
    assert!(!chapter.contains("A partial rollout that saved a launch"), "payments example leaked");
    assert!(f.out().join("teams/growth/index.html").is_file());
    assert!(!f.out().join("teams/payments").exists(), "other team pages must not be built");
    assert!(chapter.contains("Growth edition"));
    let team = f.page("teams/growth/index.html");
    for page in [&chapter, &team] {
        assert!(!page.contains("<p class=\"meta\"> ·"), "an example's byline starts with a stray separator");
    }
    assert!(team.contains("<p class=\"meta\">by "), "the byline starts with its author");
    let problems = broken_links(&f.out(), "/");
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));

    let unknown = f.build(&["--team", "nope"]).fails(2);
    assert!(unknown.stderr.contains("no team `nope`") && unknown.stderr.contains("growth"), "{}", unknown.stderr);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let f = Fixture::handbook();
    f.write(
        "chapters/03-practice/02-draft-notes.md",
        "+++\ntitle = \"Work in progress\"\ndraft = true\n+++\n\nNot ready yet.\n",
    );
    f.build(&[]).ok();
    assert!(!f.out().join("practice/draft-notes").exists());
    assert!(!f.page("index.html").contains("Work in progress"));
    f.build(&["--drafts"]).ok();
    assert!(f.page("practice/draft-notes/index.html").contains("Not ready yet."));
}

#[test]
fn a_sub_path_base_url_prefixes_every_link_and_asset() {
    let f = Fixture::handbook();
    f.build(&["--base-url", "/handbook/"]).ok();
    let chapter = f.page("principles/own-the-roadmap/index.html");
    assert!(chapter.contains("href=\"/handbook/assets/playbook.css\""));
    assert!(chapter.contains("href=\"/handbook/principles/ship-small-ship-fast/\""));
    let problems = broken_links(&f.out(), "/handbook/");
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));

    f.write(
        "playbook.toml",
        f.read("playbook.toml").replace("base_url = \"/\"", "base_url = \"https://docs.example.com/lead/\""),
    );
    f.build(&[]).ok();
    assert!(f.page("sitemap.xml").contains("<loc>https://docs.example.com/lead/principles/own-the-roadmap/</loc>"));
    assert!(broken_links(&f.out(), "/lead/").is_empty());
}

#[test]
fn templates_in_the_root_override_the_theme_by_name() {
    let f = Fixture::handbook();
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost? Ask in {{ site.title }}</h1>{% endblock main %}",
    );
    f.build(&[]).ok();
    assert!(f.page("404.html").contains("<h1>Lost? Ask in Engineering Leadership Playbook</h1>"));
    // the rest of the theme is untouched
    assert!(f.page("index.html").contains("The principles at a glance"));
}

#[test]
fn a_theme_can_be_a_folder_in_the_root() {
    let f = Fixture::handbook();
    copy_tree(&repo().join("themes/default"), &f.root().join("mytheme"), &[]);
    f.write(
        "mytheme/templates/part.html",
        "{% extends \"base.html\" %}{% block main %}<p>PART {{ page.title }}</p>{% endblock main %}",
    );
    f.write("playbook.toml", f.read("playbook.toml").replace("theme = \"default\"", "theme = \"mytheme\""));
    f.build(&[]).ok();
    assert!(f.page("principles/index.html").contains("<p>PART Principles</p>"));
}

#[test]
fn parts_take_title_and_order_from_part_toml() {
    let f = Fixture::with_files(&[
        ("playbook.toml", "title = \"T\"\n"),
        ("chapters/01-first/part.toml", "title = \"Shown second\"\nweight = 2\n"),
        ("chapters/01-first/x.md", "+++\ntitle = \"X\"\n+++\nx\n"),
        ("chapters/02-second/part.toml", "title = \"Shown first\"\nweight = 1\n"),
        ("chapters/02-second/y.md", "+++\ntitle = \"Y\"\n+++\ny\n"),
        ("chapters/03-plain-name/z.md", "+++\ntitle = \"Z\"\n+++\nz\n"),
    ]);
    f.build(&[]).ok();
    let home = f.page("index.html");
    let at = |s: &str| home.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at(">Shown first<") < at(">Shown second<"));
    assert!(home.contains(">Plain name<"), "title from folder name");
    assert!(f.out().join("second/y/index.html").is_file(), "URL from folder name without order prefix");
}

#[test]
fn aliases_write_redirects_that_keep_the_fragment() {
    let f = Fixture::handbook();
    let path = "chapters/02-principles/01-own-the-roadmap.md";
    f.write(path, f.read(path).replacen("weight = 10", "weight = 10\naliases = [\"roadmaps\", \"/old/own-it/\"]", 1));
    f.build(&[]).ok();
    for old in ["roadmaps/index.html", "old/own-it/index.html"] {
        let page = f.page(old);
        assert!(
            page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/principles/own-the-roadmap/\">"),
            "{page}"
        );
        assert!(page.contains("location.replace(\"/principles/own-the-roadmap/\" + location.hash)"), "{page}");
    }
    f.write(path, f.read(path).replace("\"roadmaps\"", "\"principles/ship-small-ship-fast\""));
    let run = f.build(&[]).fails(1);
    assert!(
        run.stderr.contains(&format!("{path}:8:1: error: the alias `principles/ship-small-ship-fast` would take the URL `/principles/ship-small-ship-fast/`, already used by the chapter in `chapters/02-principles/05-ship-small-ship-fast.md`")),
        "{}",
        run.stderr
    );
}

#[test]
fn chapters_past_their_review_date_are_marked() {
    let f = Fixture::handbook();
    let path = "chapters/03-practice/01-the-cost-of-opting-out.md";
    f.write(path, f.read(path).replace("reviewed = 2026-04-03", "reviewed = 2020-01-01"));
    f.build(&[]).ok();
    let stale = f.page("practice/the-cost-of-opting-out/index.html");
    assert!(stale.contains("class=\"reviewed stale\"") && stale.contains("(due for review)"), "stale mark missing");
    let fresh = f.page("principles/own-the-roadmap/index.html");
    assert!(fresh.contains("class=\"reviewed\"") && !fresh.contains("due for review"));
}

#[test]
fn the_same_sources_and_date_give_the_same_bytes_anywhere() {
    let f = Fixture::handbook();
    let build = |out: &std::path::Path, epoch: &str| {
        let run = playbook()
            .args(["build", "-q", "--out"])
            .arg(out)
            .current_dir(f.root())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let mut files = snapshot(out);
        files.remove(".playbook-output");
        files
    };
    let first = build(&f.root().join("public"), TEST_EPOCH);
    let elsewhere = Fixture::empty();
    let second = build(&elsewhere.root().join("deep/er/site"), TEST_EPOCH);
    assert!(first == second, "two builds with the same SOURCE_DATE_EPOCH differ");
    // Years later every chapter is due for review: the date is really read.
    let later = build(&elsewhere.root().join("later"), "2240000000");
    let page = String::from_utf8_lossy(&later["principles/own-the-roadmap/index.html"]).into_owned();
    assert!(page.contains("(due for review)"), "SOURCE_DATE_EPOCH decides today");
    let bad =
        playbook().args(["build"]).current_dir(f.root()).env("SOURCE_DATE_EPOCH", "next tuesday").output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "a malformed SOURCE_DATE_EPOCH is a usage error");
}

#[test]
fn the_bundled_playbook_is_clean_and_builds() {
    // Only what holds for any good content: the content itself changes.
    let f = Fixture::bundled();
    let run = f.run(&["check", "--strict"]);
    assert_eq!(run.code, 0, "check --strict on the bundled playbook:\n{}{}", run.stdout, run.stderr);
    f.build(&[]).ok();
    assert!(broken_links(&f.out(), "/").is_empty(), "{:?}", broken_links(&f.out(), "/"));
    let init = Fixture::empty();
    init.run(&["init", "x"]).ok();
    // `init` sets every chapter's review date to today; the rest is as bundled.
    let undated = |files: BTreeMap<String, Vec<u8>>| -> Vec<(String, String)> {
        files
            .into_iter()
            .filter(|(p, _)| p != ".gitignore" && !p.starts_with("public/") && !p.starts_with(".public"))
            .map(|(p, bytes)| {
                let text = String::from_utf8_lossy(&bytes)
                    .lines()
                    .map(|l| if l.starts_with("reviewed = ") { "reviewed = (date)" } else { l })
                    .collect::<Vec<_>>()
                    .join("\n");
                (p, text)
            })
            .collect()
    };
    assert_eq!(
        undated(snapshot(&init.root().join("x"))),
        undated(snapshot(f.root())),
        "init writes the bundled playbook"
    );
}

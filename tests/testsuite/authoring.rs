//! The author's day: `new` puts files where an author expects them, and the
//! scaffolds it writes pass `check` and render cleanly.

use crate::harness::{Fixture, Run, playbook};

fn chapter(title: &str, weight: Option<i64>) -> String {
    let weight = weight.map(|w| format!("weight = {w}\n")).unwrap_or_default();
    format!("+++\ntitle = \"{title}\"\nsummary = \"s\"\nowners = [\"o\"]\n{weight}+++\nBody of {title}.\n")
}

/// Chapter slugs in reading order, as the print page (one section per
/// chapter, like the sidebar and prev/next) lists them.
fn reading_order(f: &Fixture) -> Vec<String> {
    f.build(&[]).ok();
    let print = f.page("print/index.html");
    crate::harness::attr_values(&print, "id").into_iter().map(str::to_string).collect()
}

fn position(order: &[String], url: &str) -> usize {
    order.iter().position(|u| u == url).unwrap_or_else(|| panic!("{url} not in {order:?}"))
}

#[test]
fn a_new_chapter_goes_last_in_its_part_and_at_the_top_level_after_everything() {
    let f = Fixture::with_files(&[
        ("playbook.toml", "title = \"T\"\n"),
        ("chapters/01-first/part.toml", "title = \"First\"\n"),
        ("chapters/01-first/01-alpha.md", &chapter("Alpha", None)),
        ("chapters/01-first/02-beta.md", &chapter("Beta", None)),
        ("chapters/02-second/part.toml", "title = \"Second\"\n"),
        ("chapters/02-second/01-gamma.md", &chapter("Gamma", Some(10))),
        ("chapters/02-second/02-delta.md", &chapter("Delta", Some(20))),
        ("chapters/99-about.md", &chapter("About", None)),
    ]);
    // Unweighted neighbours: no weight, and a number after theirs.
    let run = f.run(&["new", "chapter", "Omega", "--part", "first"]).ok();
    assert_eq!(run.stdout.trim(), "chapters/01-first/03-omega.md");
    assert!(!f.read("chapters/01-first/03-omega.md").contains("weight"));
    // Weighted neighbours: the next weight.
    let run = f.run(&["new", "chapter", "Epsilon", "--part", "second"]).ok();
    assert_eq!(run.stdout.trim(), "chapters/02-second/03-epsilon.md");
    assert!(f.read("chapters/02-second/03-epsilon.md").contains("weight = 30"));
    // Top level: after the parts and after `99-about`.
    let run = f.run(&["new", "chapter", "Appendix"]).ok();
    assert_eq!(run.stdout.trim(), "chapters/991-appendix.md");
    // Run from inside a part folder, without --part: into that part.
    let inside = Run::from(
        playbook().args(["new", "chapter", "Inside"]).current_dir(f.root().join("chapters/01-first")).output().unwrap(),
    )
    .ok();
    assert_eq!(inside.stdout.trim(), "04-inside.md", "named from where the author is");
    assert!(f.root().join("chapters/01-first/04-inside.md").is_file());

    let check = f.run(&["check"]).ok();
    assert!(!check.stdout.contains("error"), "{}", check.stdout);
    let order = reading_order(&f);
    let at = |url: &str| position(&order, url);
    assert!(at("beta") < at("omega") && at("omega") < at("inside"), "{order:?}");
    assert!(at("inside") < at("gamma"), "{order:?}");
    assert!(at("delta") < at("epsilon"), "{order:?}");
    assert!(at("about") < at("appendix"), "{order:?}");
    // Prev/next follow the same order.
    let omega = f.page("first/omega/index.html");
    assert!(omega.contains("href=\"/first/beta/\"") && omega.contains("href=\"/first/inside/\""));
}

#[test]
fn new_team_scaffolds_a_team_and_its_examples_render_without_a_stray_author() {
    let f = Fixture::handbook();
    let run = f.run(&["new", "team", "data-platform", "--name", "Data Platform"]).ok();
    assert_eq!(run.stdout.trim(), "teams/data-platform/team.toml");
    assert!(f.read("teams/data-platform/team.toml").contains("name = \"Data Platform\""));
    let again = f.run(&["new", "team", "data-platform"]).fails(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let bad = f.run(&["new", "team", "Data Platform"]).fails(2);
    assert!(bad.stderr.contains("`data-platform`"), "{}", bad.stderr);

    let run =
        f.run(&["new", "example", "--team", "data-platform", "--chapter", "own-the-roadmap", "Our pipeline"]).ok();
    assert_eq!(run.stdout.trim(), "teams/data-platform/our-pipeline.md");
    assert!(!f.read("teams/data-platform/our-pipeline.md").contains("author = \"\""));
    f.run(&["check"]).ok();
    f.build(&[]).ok();
    let team = f.page("teams/data-platform/index.html");
    assert!(team.contains("Data Platform") && team.contains("Our pipeline"), "{team}");
    assert!(!team.contains(" · by"), "no byline without an author");
    // An empty author written by hand is no author either.
    f.write(
        "teams/data-platform/our-pipeline.md",
        f.read("teams/data-platform/our-pipeline.md").replace("# author = \"Your Name\"", "author = \"\""),
    );
    f.build(&[]).ok();
    assert_eq!(f.page("teams/data-platform/index.html"), team);
}

/// `path` with `from` replaced by `to` (which must be there).
fn edit(f: &Fixture, path: &str, from: &str, to: &str) {
    let text = f.read(path);
    assert!(text.contains(from), "{path} has no {from:?}");
    f.write(path, text.replacen(from, to, 1));
}

#[test]
fn one_check_run_reports_every_problem_and_no_cascade() {
    let f = Fixture::handbook();
    let roadmap = "chapters/02-principles/01-own-the-roadmap.md";
    // A recoverable front-matter error and, in the same file, a broken link
    // and a review long overdue (a warning).
    edit(&f, roadmap, "owners = [", "ownerz = [");
    edit(&f, roadmap, "reviewed = 2026-10-02", "reviewed = 2020-01-02");
    edit(&f, roadmap, "A roadmap is a list of bets.", "A roadmap is a [list](no-such-chapter.md) of bets.");
    // A wrong chapter slug in an example another chapter links to.
    let example = "teams/growth/pricing-page-in-five-slices.md";
    edit(&f, example, "chapter = \"ship-small-ship-fast\"", "chapter = \"ship-small-ship-fst\"");

    let run = f.run(&["check"]).fails(1);
    let out = &run.stdout;
    assert!(out.contains(&format!("{roadmap}:8:1: error: unknown key `ownerz`")), "{out}");
    assert!(
        out.contains(&format!("{roadmap}:")) && out.contains("no-such-chapter.md`, which is not a page"),
        "the body is checked: {out}"
    );
    assert!(out.contains("warning: last reviewed 2020-01-02"), "warnings beside errors: {out}");
    assert!(out.contains(&format!("{example}:3:11: error: no chapter has the slug `ship-small-ship-fst`")), "{out}");
    assert!(!out.contains("pricing-page-in-five-slices.md`, which is not a page"), "no cascade: {out}");
    let errors = out.matches(": error: ").count();
    let warnings = out.matches(": warning: ").count();
    assert_eq!(errors, 3, "{out}");
    assert!(warnings >= 1);
    assert!(run.stderr.contains(&format!("{errors} errors, {warnings} warning")), "{}", run.stderr);

    // -q: errors only, no summary.
    let quiet = f.run(&["check", "-q"]).fails(1);
    assert_eq!(quiet.stdout.matches(": error: ").count(), 3, "{}", quiet.stdout);
    assert!(!quiet.stdout.contains(": warning: ") && quiet.stderr.is_empty(), "{}{}", quiet.stdout, quiet.stderr);
    // A failed build under -q prints only its errors.
    let build = f.build(&["-q"]).fails(1);
    assert!(!build.stderr.contains("warning:") && build.stderr.contains("error: unknown key"), "{}", build.stderr);
}

#[test]
fn a_date_written_another_way_gets_help_with_the_authors_own_value() {
    let f = Fixture::handbook();
    let roadmap = "chapters/02-principles/01-own-the-roadmap.md";
    edit(&f, roadmap, "reviewed = 2026-10-02", "reviewed = 25/11/2026");
    let run = f.run(&["check"]).fails(1);
    assert!(run.stdout.contains("help: write reviewed = 2026-11-25"), "{}", run.stdout);
    edit(&f, roadmap, "reviewed = 25/11/2026", "reviewed = \"25/11/2026\"");
    let run = f.run(&["check"]).fails(1);
    assert!(run.stdout.contains("`reviewed` must be a date"), "{}", run.stdout);
    assert!(run.stdout.contains("help: write reviewed = 2026-11-25"), "{}", run.stdout);
}

#[test]
fn an_unknown_team_edition_is_a_usage_error() {
    let f = Fixture::handbook();
    for args in
        [&["build", "--team", "nope"][..], &["check", "--team", "nope"], &["serve", "--team", "nope", "--port", "0"]]
    {
        let run = f.run(args).fails(2);
        assert!(run.stderr.contains("no team `nope`") && run.stderr.contains("growth"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn absolute_links_under_the_base_are_checked_like_relative_ones() {
    let f = Fixture::handbook();
    let roadmap = "chapters/02-principles/01-own-the-roadmap.md";
    edit(
        &f,
        roadmap,
        "A roadmap is a list of bets.",
        "A roadmap is a list of bets ([a](/principles/define-success-by-impact/), [b](/teams/), \
         [c](/principles/own-the-roadmap), [d](/print/#top), [e](/assets/playbook.css), \
         [f](/principles/nope/)).",
    );
    let run = f.run(&["check"]).fails(1);
    let errors: Vec<&str> = run.stdout.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(errors[0].starts_with(roadmap) && errors[0].contains("`/principles/nope/`"), "{}", run.stdout);
    // Under a base path, only links below it are the playbook's.
    f.write("playbook.toml", f.read("playbook.toml").replace("base_url = \"/\"", "base_url = \"/handbook/\""));
    assert!(f.read("playbook.toml").contains("/handbook/"), "the fixture sets base_url");
    edit(&f, roadmap, "[f](/principles/nope/)", "[f](/handbook/principles/nope/)");
    let run = f.run(&["check"]).fails(1);
    let errors: Vec<&str> = run.stdout.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(errors[0].contains("`/handbook/principles/nope/`"), "{}", run.stdout);
}

#[test]
fn a_sitemap_only_with_absolute_urls_and_a_word_when_it_is_left_out() {
    let f = Fixture::handbook();
    // The default "/" is a playbook not yet given a home: no sitemap, no warning.
    let run = f.run(&["check"]).ok();
    assert!(!run.stdout.contains("sitemap"), "{}", run.stdout);
    let built = f.build(&["-v"]).ok();
    assert!(built.stderr.contains("note: no sitemap.xml"), "{}", built.stderr);
    assert!(!f.out().join("sitemap.xml").exists());
    // A path says where it is published: the missing sitemap is a warning.
    f.write("playbook.toml", f.read("playbook.toml").replace("base_url = \"/\"", "base_url = \"/handbook/\""));
    let run = f.run(&["check"]).ok();
    assert!(run.stdout.contains("playbook.toml:3:12: warning: no sitemap.xml"), "{}", run.stdout);
    f.write("playbook.toml", f.read("playbook.toml").replace("\"/handbook/\"", "\"https://lead.example.org/\""));
    let run = f.run(&["check"]).ok();
    assert!(!run.stdout.contains("sitemap"), "{}", run.stdout);
    f.build(&[]).ok();
    let xml = f.page("sitemap.xml");
    assert!(xml.contains("<loc>https://lead.example.org/principles/own-the-roadmap/</loc>"), "{xml}");
    assert!(!xml.contains("<loc>/"), "every URL is absolute");
}

#[test]
fn an_unknown_theme_points_at_its_line_and_json_stays_json_without_a_playbook() {
    let f = Fixture::handbook();
    f.write("playbook.toml", f.read("playbook.toml").replace("theme = \"default\"", "theme = \"dark\""));
    let run = f.run(&["check"]).fails(1);
    assert!(run.stdout.contains("playbook.toml:4:9: error: theme `dark` not found"), "{}", run.stdout);
    assert!(run.stdout.contains("4 | theme = \"dark\""), "the line is shown: {}", run.stdout);

    let empty = Fixture::empty();
    let json = empty.run(&["check", "--format", "json"]).fails(2);
    let items: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON on stdout");
    assert_eq!(items[0]["code"], "no-playbook", "{}", json.stdout);
    assert!(json.stderr.contains("no playbook.toml"), "{}", json.stderr);
}

#[test]
fn strict_says_why_it_fails_on_warnings_alone() {
    let f = Fixture::handbook();
    let run = f.run(&["check", "--strict"]).fails(1);
    assert!(run.stdout.contains(": warning: ") && !run.stdout.contains(": error: "), "{}", run.stdout);
    assert!(run.stderr.contains("0 errors") && run.stderr.contains("--strict fails on warnings"), "{}", run.stderr);
    let plain = f.run(&["check"]).ok();
    assert!(!plain.stderr.contains("--strict"), "{}", plain.stderr);
}

#[test]
fn a_chapter_without_front_matter_takes_its_title_from_its_h1_or_its_name() {
    let f = Fixture::handbook();
    f.write(
        "chapters/03-practice/08-plain.md",
        "\n# Plain markdown, brought along\n\nA page from an old wiki.\n\n## Its one section\n\nText.\n",
    );
    f.write("chapters/03-practice/09-no_heading-at-all.md", "Just text, [a link](08-plain.md#its-one-section).\n");
    // An example still needs its front matter: it must name its chapter.
    f.write("teams/payments/bare.md", "# A bare example\n");
    let run = f.run(&["check"]).fails(1);
    assert!(
        run.stdout.contains("teams/payments/bare.md:1:1: error: the file does not start with `+++`"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("08-plain.md:") || !run.stdout.contains("08-plain.md:1:1: error"), "{}", run.stdout);
    std::fs::remove_file(f.root().join("teams/payments/bare.md")).unwrap();

    let run = f.run(&["check"]).ok();
    // Defaults, and the warnings any chapter without owners or summary gets.
    assert!(
        run.stdout.contains("chapters/03-practice/08-plain.md:1:1: warning: the chapter has no owners"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("chapters/03-practice/08-plain.md:1:1: warning: the chapter has no summary"),
        "{}",
        run.stdout
    );
    f.build(&[]).ok();
    let page = f.page("practice/plain/index.html");
    assert!(page.contains("<title>Plain markdown, brought along · "), "the H1 is the title");
    assert_eq!(page.matches("Plain markdown, brought along</h1>").count(), 1, "and it is not repeated in the body");
    assert!(page.contains("<h2 id=\"its-one-section\">"));
    let named = f.page("practice/no-heading-at-all/index.html");
    assert!(named.contains("<h1>No heading at all</h1>"), "without an H1, the title comes from the file name");
    assert!(named.contains("href=\"/practice/plain/#its-one-section\""));
}

//! `playbook check` (three formats, exit codes, writes nothing), `playbook
//! new`, and last-updated dates from git.

use crate::harness::*;

const GEN: &[&str] = &["--chapters", "30", "--parts", "3", "--teams", "2", "--examples-per-team", "3", "--seed", "21"];

#[test]
fn every_defect_is_reported_at_its_line_in_all_three_formats() {
    in_parallel(defect_kinds(), |kind| {
        let f = Fixture::empty();
        let mut args = GEN.to_vec();
        args.extend(["--break", kind]);
        let location = f.gen_into(&args, false);
        let (file, line) = location.rsplit_once(':').unwrap();
        let before = snapshot(f.root());

        let human = f.run(&["check"]).fails(1);
        // Warnings are printed beside errors; the one error is the defect.
        let first = human.stdout.lines().find(|l| l.contains(": error: ")).unwrap_or("");
        assert!(first.starts_with(&format!("{file}:{line}:")), "{kind}:\n{}", human.stdout);
        assert!(human.stdout.contains(&format!("{line} |")), "{kind}: the source line is shown:\n{}", human.stdout);

        let github = f.run(&["check", "--format", "github"]).fails(1);
        let expected = format!("::error file={file},line={line},");
        assert!(github.stdout.lines().any(|l| l.starts_with(&expected)), "{kind}:\n{}", github.stdout);

        let json = f.run(&["check", "--format", "json"]).fails(1);
        let items: serde_json::Value = serde_json::from_str(&json.stdout).expect("check --format json is JSON");
        let errors: Vec<&serde_json::Value> =
            items.as_array().unwrap().iter().filter(|i| i["severity"] == "error").collect();
        assert_eq!(errors.len(), 1, "{kind}: {}", json.stdout);
        assert_eq!(errors[0]["file"], file, "{kind}");
        assert_eq!(errors[0]["line"].as_u64().unwrap().to_string(), line, "{kind}");
        for key in ["column", "code", "message", "help"] {
            assert!(errors[0].get(key).is_some(), "{kind}: no `{key}`");
        }
        assert_eq!(snapshot(f.root()), before, "{kind}: check wrote something");
    });
}

#[test]
fn review_warnings_point_at_the_line_and_fail_only_with_strict() {
    let f = Fixture::with_files(&[
        ("playbook.toml", "title = \"T\"\nreview_after_days = 30\n"),
        (
            "chapters/01-a.md",
            "+++\ntitle = \"A\"\nsummary = \"s\"\nowners = [\"x\"]\nreviewed = 2020-01-01\n+++\nbody\n",
        ),
        ("chapters/02-b.md", "+++\ntitle = \"B\"\nsummary = \"s\"\nreviewed = 2099-01-01\n+++\nbody\n"),
        ("chapters/03-c.md", "+++\ntitle = \"C\"\nowners = [\"x\"]\n+++\nbody\n"),
        ("teams/loose.md", "+++\ntitle = \"Lost\"\nchapter = \"a\"\n+++\n"),
    ]);
    let run = f.run(&["check"]).ok();
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(lines[0].starts_with("chapters/01-a.md:5:1: warning: last reviewed 2020-01-01"), "{}", lines[0]);
    assert!(lines[1].starts_with("chapters/02-b.md:1:1: warning: the chapter has no owners"), "{}", lines[1]);
    assert!(lines[2].starts_with("chapters/03-c.md:1:1: warning: the chapter has no summary"), "{}", lines[2]);
    assert!(lines[3].starts_with("teams/loose.md: warning: no page shows this file"), "{}", lines[3]);
    let strict = f.run(&["check", "--strict", "--format", "json"]).fails(1);
    let items: serde_json::Value = serde_json::from_str(&strict.stdout).unwrap();
    let codes: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["stale-review", "no-owners", "no-summary", "example-not-shown"]);
    assert!(!f.out().exists(), "check writes nothing");
}

#[test]
fn check_renders_templates_and_reports_their_errors() {
    let f = Fixture::handbook();
    f.write(
        "templates/team.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.nothing_here }}{% endblock main %}",
    );
    let run = f.run(&["check"]).fails(1);
    assert!(
        run.stdout.contains("templates/team.html: error: template error") && run.stdout.contains("nothing_here"),
        "{}",
        run.stdout
    );
}

#[test]
fn new_files_pass_check_and_appear_in_the_build() {
    let f = Fixture::handbook();
    let run = f.run(&["new", "chapter", "Hire for curiosity", "--part", "Principles"]).ok();
    assert_eq!(run.stdout.trim(), "chapters/02-principles/06-hire-for-curiosity.md");
    let text = f.read("chapters/02-principles/06-hire-for-curiosity.md");
    assert!(
        text.contains("title = \"Hire for curiosity\"") && text.contains("weight = 60") && text.contains("owners = []")
    );
    assert!(text.contains("reviewed = 2026-11-25"), "reviewed today (SOURCE_DATE_EPOCH)");

    let run =
        f.run(&["new", "example", "--team", "growth", "--chapter", "hire-for-curiosity", "How \"Growth\" hires"]).ok();
    assert_eq!(run.stdout.trim(), "teams/growth/how-growth-hires.md");
    assert!(f.read("teams/growth/how-growth-hires.md").contains("title = 'How \"Growth\" hires'"));

    let check = f.run(&["check"]).ok();
    assert!(!check.stdout.contains(": error: "), "{}", check.stdout);
    f.build(&[]).ok();
    let page = f.page("principles/hire-for-curiosity/index.html");
    assert!(page.contains("How &quot;Growth&quot; hires"), "the new example shows on the new chapter");

    let again = f.run(&["new", "chapter", "Hire for curiosity", "--part", "principles"]).fails(2);
    assert!(again.stderr.contains("exists"), "{}", again.stderr);
    let same_file =
        f.run(&["new", "example", "--team", "growth", "--chapter", "own-the-roadmap", "How Growth hires"]).fails(2);
    assert!(same_file.stderr.contains("already exists"), "{}", same_file.stderr);
    let team = f.run(&["new", "example", "--team", "sales", "--chapter", "own-the-roadmap", "X"]).fails(2);
    assert!(team.stderr.contains("no team `sales`") && team.stderr.contains("growth"), "{}", team.stderr);
    let chapter = f.run(&["new", "example", "--team", "growth", "--chapter", "own-the-roadmp", "X"]).fails(2);
    assert!(chapter.stderr.contains("did you mean `own-the-roadmap`?"), "{}", chapter.stderr);
    let part = f.run(&["new", "chapter", "X", "--part", "nowhere"]).fails(2);
    assert!(part.stderr.contains("parts are: The shift"), "{}", part.stderr);
}

#[test]
fn chapters_in_git_show_their_last_commit_date() {
    let f = Fixture::handbook();
    git_init(&f, "2025-03-04T10:00:00Z", "first");
    f.build(&[]).ok();
    assert!(f.page("principles/own-the-roadmap/index.html").contains("Changed on <time datetime=\"2025-03-04\">"));

    let plain = Fixture::handbook();
    plain.build(&[]).ok();
    assert!(!plain.page("principles/own-the-roadmap/index.html").contains("Changed on"));
}

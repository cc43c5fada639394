//! Bad input: every defect is reported at its file, line and column, all of
//! them in one run, with exit code 1, and the previous site is left intact.

use crate::harness::*;

const GEN: &[&str] = &["--chapters", "40", "--parts", "3", "--teams", "2", "--examples-per-team", "3", "--seed", "11"];

#[test]
fn every_generated_defect_is_reported_at_its_line_and_keeps_the_old_site() {
    for kind in DEFECT_KINDS {
        let f = Fixture::generated(GEN);
        f.build(&[]).ok();
        let before = snapshot(&f.out());
        assert!(before.len() > 40);

        let mut args = GEN.to_vec();
        args.extend(["--break", kind]);
        let location = f.gen_into(&args, true);
        let (file, line) = location.rsplit_once(':').unwrap();
        let run = f.build(&[]).fails(1);
        let first = run.stderr.lines().next().unwrap_or("");
        assert!(
            first.starts_with(&format!("{file}:{line}:")) && first.contains(": error: "),
            "{kind}: expected the first line to name {location}, got:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("1 error found"), "{kind}: one defect, one error:\n{}", run.stderr);
        assert_eq!(snapshot(&f.out()), before, "{kind}: the previous output changed");
    }
}

#[test]
fn all_errors_of_a_run_are_reported_sorted_by_file() {
    let f = Fixture::bundled();
    f.write(
        "chapters/01-the-shift/01-breakthrough.md",
        f.read("chapters/01-the-shift/01-breakthrough.md").replace("owners =", "owner ="),
    );
    f.write("teams/growth/pricing-page-in-five-slices.md", "+++\ntitle = \"No chapter\"\n+++\nbody\n");
    f.write(
        "chapters/03-practice/01-the-cost-of-opting-out.md",
        f.read("chapters/03-practice/01-the-cost-of-opting-out.md")
            .replace("../02-principles/01-own-the-roadmap.md", "nowhere.md"),
    );
    let run = f.build(&[]).fails(1);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert!(
        errors[0].starts_with("chapters/01-the-shift/01-breakthrough.md:4:1: error: unknown key `owner`"),
        "{}",
        errors[0]
    );
    assert!(run.stderr.contains("did you mean `owners`?"));
    assert!(errors[1].starts_with("chapters/03-practice/01-the-cost-of-opting-out.md:"), "{}", errors[1]);
    assert!(errors[1].contains("links to `chapters/03-practice/nowhere.md`"));
    assert!(
        errors[2].starts_with("teams/growth/pricing-page-in-five-slices.md:1:1: error: missing required key `chapter`")
    );
    assert!(run.stderr.contains("3 errors found"));
}

fn tiny(chapter: &str) -> Fixture {
    Fixture::with_files(&[("playbook.toml", "title = \"T\"\n"), ("chapters/01-a.md", chapter)])
}

#[test]
fn front_matter_errors_count_lines_from_the_top_of_the_file() {
    let run =
        tiny("+++\ntitle = \"A\"\n\nowners = \"ana\"\nreviewed = \"2026-01-02\"\n+++\nbody\n").build(&[]).fails(1);
    assert!(
        run.stderr.contains("chapters/01-a.md:4:10: error: `owners` must be a list of strings, found a string"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("chapters/01-a.md:5:12: error: `reviewed` must be a date like 2026-10-01, found a string"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: write the date without quotes"));
}

#[test]
fn crlf_and_bom_files_work_with_the_right_line_numbers() {
    let good = tiny("\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\n\r\n## Hello\r\n\r\nSee [x](#hello).\r\n");
    good.build(&[]).ok();
    assert!(good.page("a/index.html").contains("<h2 id=\"hello\">"));
    let bad = tiny("+++\r\ntitle = \"A\"\r\n+++\r\n\r\nText.\r\n\r\nSee [x](#nowhere).\r\n");
    let run = bad.build(&[]).fails(1);
    assert!(
        run.stderr
            .contains("chapters/01-a.md:7:5: error: `chapters/01-a.md` has no heading with the anchor `#nowhere`"),
        "{}",
        run.stderr
    );
}

#[test]
fn unclosed_and_missing_front_matter_are_errors() {
    let run = tiny("+++\ntitle = \"A\"\nbody\n").build(&[]).fails(1);
    assert!(run.stderr.contains("chapters/01-a.md:1:1: error: the front matter is not closed"), "{}", run.stderr);
    let run = tiny("# Just markdown\n").build(&[]).fails(1);
    assert!(
        run.stderr.contains("chapters/01-a.md:1:1: error: the file does not start with `+++` front matter"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_template_override_names_its_file_and_line() {
    let f = Fixture::bundled();
    f.write(
        "templates/chapter.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock main %}\n",
    );
    let run = f.build(&[]).fails(1);
    let first = run.stderr.lines().next().unwrap();
    assert!(first.starts_with("templates/chapter.html:4:1: error: template error: Failed to parse"), "{}", run.stderr);
    assert!(run.stderr.contains("1 error found"), "only the broken template is reported:\n{}", run.stderr);
    f.write(
        "templates/chapter.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_thing }}{% endblock main %}",
    );
    let run = f.build(&[]).fails(1);
    assert!(
        run.stderr.contains("templates/chapter.html: error: template error") && run.stderr.contains("no_such_thing"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches(": error: ").count(), 1, "one error per template, not per page:\n{}", run.stderr);
}

#[test]
fn a_symlink_loop_is_an_error_not_a_hang() {
    let f = Fixture::bundled();
    std::os::unix::fs::symlink("..", f.root().join("chapters/02-principles/loop")).unwrap();
    let run = f.build(&[]).fails(1);
    assert!(run.stderr.contains("chapters/02-principles/loop") && run.stderr.contains("loops back"), "{}", run.stderr);
}

#[test]
fn a_missing_config_is_a_usage_error() {
    let f = Fixture::empty();
    let run = f.build(&[]).fails(2);
    assert!(run.stderr.contains("no playbook.toml"), "{}", run.stderr);
    let run = f.run(&["build", "--no-such-flag"]).fails(2);
    assert!(run.stderr.contains("--no-such-flag"));
}

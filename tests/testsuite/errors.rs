//! Generated defects and several at once: each is reported at its file, line
//! and column, all of them in one run, and the previous site is left intact.
//! (Single hand-made bad inputs are in matrix.rs.)

use crate::harness::*;

const GEN: &[&str] = &["--chapters", "40", "--parts", "3", "--teams", "2", "--examples-per-team", "3", "--seed", "11"];

#[test]
fn every_generated_defect_is_reported_at_its_line_and_keeps_the_old_site() {
    in_parallel(defect_kinds(), |kind| {
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
    });
}

#[test]
fn all_errors_of_a_run_are_reported_sorted_by_file() {
    let f = Fixture::handbook();
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

#[test]
fn a_missing_config_is_a_usage_error() {
    let f = Fixture::empty();
    let run = f.build(&[]).fails(2);
    assert!(run.stderr.contains("no playbook.toml"), "{}", run.stderr);
    let run = f.run(&["build", "--no-such-flag"]).fails(2);
    assert!(run.stderr.contains("--no-such-flag"));
}

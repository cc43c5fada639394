//! `check --base REV`: a pull request may not make a published URL die.
//! Each test builds a real repository (fixed dates), changes the working
//! tree as a pull request would, and runs the real binary against HEAD.

use crate::harness::*;

/// The handbook in a repository, committed with two more chapters that the
/// tests retire, move or keep.
fn repository() -> (Fixture, std::path::PathBuf) {
    handbook_in_repository(&[
        (
            "chapters/03-practice/08-retired.md",
            "+++\ntitle = \"A chapter we retire\"\nowners = [\"@ana\", \"@org/leads\"]\n+++\n\nText.\n",
        ),
        (
            "chapters/03-practice/09-wandering.md",
            "+++\ntitle = \"A chapter that moves\"\nowners = [\"@jon\"]\n+++\n\nText.\n",
        ),
    ])
}

fn check(root: &std::path::Path, args: &[&str], summary: Option<&std::path::Path>) -> Run {
    let mut cmd = playbook();
    cmd.arg("check").arg("--root").arg(root).args(args).env_remove("GITHUB_STEP_SUMMARY");
    if let Some(path) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", path);
    }
    Run::from(cmd.output().unwrap())
}

#[test]
fn a_removed_chapter_fails_the_check_until_an_alias_serves_its_url() {
    let (f, root) = repository();
    check(&root, &["--base", "HEAD"], None).ok();
    std::fs::remove_file(root.join("chapters/03-practice/08-retired.md")).unwrap();
    // Without the guard the change is fine: nothing links to the chapter.
    check(&root, &[], None).ok();
    let run = check(&root, &["--base", "HEAD"], None).fails(1);
    let err = "chapters/03-practice/08-retired.md: error: `/practice/retired/` (the chapter \"A chapter we retire\") \
               is published at `HEAD` and would be gone";
    assert!(run.stdout.contains(err), "{}", run.stdout);
    assert!(run.stdout.contains("add `aliases = [\"practice/retired\"]` to the front matter"), "{}", run.stdout);
    assert!(run.stderr.contains("0 added, 0 changed, 0 moved, 1 removed; 1 published URL lost"), "{}", run.stderr);

    // The alias the help names, on the chapter that takes over.
    let heir = root.join("chapters/03-practice/01-the-cost-of-opting-out.md");
    let text = std::fs::read_to_string(&heir).unwrap().replacen("+++\n", "+++\naliases = [\"practice/retired\"]\n", 1);
    std::fs::write(&heir, text).unwrap();
    check(&root, &["--base", "HEAD"], None).ok();
    // The redirect is built where the old page was.
    let out = f.root().join("site");
    Run::from(playbook().arg("build").arg("--root").arg(&root).arg("--out").arg(&out).output().unwrap()).ok();
    assert!(
        std::fs::read_to_string(out.join("practice/retired/index.html")).unwrap().contains("the-cost-of-opting-out")
    );
}

#[test]
fn the_job_summary_lists_pages_added_changed_moved_and_removed_with_owners() {
    let (f, root) = repository();
    let ch = |rel: &str| root.join("chapters").join(rel);
    // Changed: a line added to a chapter.
    let text = std::fs::read_to_string(ch("02-principles/01-own-the-roadmap.md")).unwrap() + "\nOne more line.\n";
    std::fs::write(ch("02-principles/01-own-the-roadmap.md"), text).unwrap();
    // Moved: a new file name, so a new URL, the old one kept by an alias.
    let moved = std::fs::read_to_string(ch("03-practice/09-wandering.md")).unwrap().replacen(
        "+++\n",
        "+++\naliases = [\"practice/wandering\"]\n",
        1,
    );
    std::fs::remove_file(ch("03-practice/09-wandering.md")).unwrap();
    std::fs::write(ch("03-practice/09-settled.md"), moved).unwrap();
    // Removed, without an alias: the one URL lost.
    std::fs::remove_file(ch("03-practice/08-retired.md")).unwrap();
    // Added, with a title that tries to write markdown, HTML and a workflow command.
    std::fs::write(
        ch("03-practice/10-new.md"),
        "+++\ntitle = \"New | [x](javascript:alert(1)) <script>\\n::error::forged\"\n\
         owners = [\"@mei\", \"https://owner.evil.example/x\", \"www.phish.example `a`\"]\n+++\n\nText.\n",
    )
    .unwrap();

    let summary = f.root().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = check(&root, &["--base", "HEAD", "--format", "github"], Some(&summary)).fails(1);
    assert!(
        run.stdout.lines().any(|l| l.starts_with("::error file=") && l.contains("practice/retired")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("## Playbook"), "the summary goes to the file, not the log");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("earlier step\n"), "the summary is appended: {md}");
    let section = |title: &str| -> String {
        let start = md.find(&format!("### {title}")).unwrap_or_else(|| panic!("no {title} section:\n{md}"));
        md[start..].split("\n\n").take(2).collect::<Vec<_>>().join("\n")
    };
    assert!(section("Added (1)").contains("New \\| \\[x\\]\\(javascript:alert\\(1\\)\\) &lt;script&gt;"), "{md}");
    // Owners and paths are code spans: no mention, link or autolink is live.
    assert!(
        section("Added (1)").contains("` @mei `, ` https://owner.evil.example/x `, `` www.phish.example `a` ``"),
        "{md}"
    );
    assert!(section("Changed (1)").contains("[Own the roadmap](/principles/own-the-roadmap/)"), "{md}");
    assert!(section("Changed (1)").contains("tomas.eriksen"), "{md}");
    assert!(section("Moved (1)").contains("[A chapter that moves](/practice/settled/)"), "{md}");
    assert!(section("Moved (1)").contains("(was ` /practice/wandering/ `)"), "{md}");
    assert!(section("Removed (1)").contains("A chapter we retire"), "{md}");
    assert!(section("Removed (1)").contains("` @ana `, ` @org/leads `"), "{md}");
    assert!(md.contains("**1 published URL would stop working**"), "{md}");
    assert!(!md.contains("<script>"), "{md}");
    assert!(
        md.lines().all(|l| !l.trim_start().starts_with("::")),
        "no line of the summary is a workflow command: {md}"
    );

    // Without $GITHUB_STEP_SUMMARY the summary is printed after the annotations.
    let run = check(&root, &["--base", "HEAD", "--format", "github"], None).fails(1);
    assert!(run.stdout.contains("### Removed (1)"), "{}", run.stdout);
}

#[test]
fn a_revision_that_is_not_a_commit_is_a_usage_error_and_never_an_option() {
    let (_f, root) = repository();
    let run = check(&root, &["--base", "no-such-branch"], None).fails(2);
    assert!(run.stderr.contains("`no-such-branch` is not a commit"), "{}", run.stderr);
    let run = check(&root, &["--base=--output=/tmp/x"], None).fails(2);
    assert!(run.stderr.contains("is not a revision name"), "{}", run.stderr);
    // Outside a repository there is no revision to compare with.
    let plain = Fixture::handbook();
    let run = plain.run(&["check", "--base", "HEAD", "--format", "json"]).fails(2);
    assert!(
        run.stdout.contains("\"code\": \"no-base\"") || run.stdout.contains("\"code\":\"no-base\""),
        "{}",
        run.stdout
    );
}

#[test]
fn a_playbook_new_in_the_change_loses_nothing() {
    let f = Fixture::empty();
    f.write("README.md", "a repository before the handbook\n");
    git_init(&f, "2026-01-05T09:00:00Z", "Before");
    copy_tree(&repo().join("tests/fixtures/handbook"), &f.root().join("hb"), &["public"]);
    let run = check(&f.root().join("hb"), &["--base", "HEAD", "--format", "github"], None).ok();
    assert!(run.stdout.contains("### Added ("), "{}", run.stdout);
    assert!(run.stdout.contains("Every URL published before this change is still served."), "{}", run.stdout);
}

//! `playbook owners` writes CODEOWNERS from the front matter; `check` warns
//! where the repository's CODEOWNERS says otherwise.

use crate::harness::*;

/// The handbook in a repository, with a chapter owned by GitHub handles
/// and a draft owned by a team.
fn repository() -> (Fixture, std::path::PathBuf) {
    handbook_in_repository(&[
        (
            "chapters/03-practice/08-handles.md",
            "+++\ntitle = \"Owned by handles\"\nowners = [\"@ana\", \"Ana Moreau\", \"@org/leads\"]\n+++\n\nText.\n",
        ),
        (
            "chapters/03-practice/09-my draft.md",
            "+++\ntitle = \"A draft\"\ndraft = true\nowners = [\"@org/leads\"]\n+++\n\nText.\n",
        ),
    ])
}

fn run_in(root: &std::path::Path, args: &[&str]) -> Run {
    Run::from(playbook().args(args).arg("--root").arg(root).output().unwrap())
}

#[test]
fn owners_prints_codeowners_rules_from_the_repository_top() {
    let (_f, root) = repository();
    let out = run_in(&root, &["owners"]).ok().stdout;
    let rules: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rules,
        [
            "/docs/handbook/chapters/03-practice/08-handles.md @ana @org/leads",
            "/docs/handbook/chapters/03-practice/09-my\\ draft.md @org/leads",
        ],
        "{out}"
    );
    assert!(
        out.contains("# /docs/handbook/chapters/03-practice/08-handles.md: also Ana Moreau (not a GitHub"),
        "{out}"
    );
    // The fixture's other owners are plain names: listed, not dropped.
    assert!(out.contains("/docs/handbook/chapters/02-principles/01-own-the-roadmap.md: also tomas.eriksen"), "{out}");
}

#[test]
fn check_warns_where_codeowners_disagrees_with_the_front_matter() {
    let (f, root) = repository();
    let generated = run_in(&root, &["owners"]).ok().stdout;
    let codeowners = format!("* @org/everyone\n{generated}");
    f.write(".github/CODEOWNERS", &codeowners);
    let line_of = |start: &str| 1 + codeowners.lines().position(|l| l.starts_with(start)).unwrap();
    let handles = line_of("/docs/handbook/chapters/03-practice/08-handles.md ");
    let draft = line_of("/docs/handbook/chapters/03-practice/09-my\\ draft.md ");
    let quiet = run_in(&root, &["check", "--drafts"]).ok();
    assert!(!quiet.stdout.contains("CODEOWNERS"), "in step, no warning: {}", quiet.stdout);

    // New owners in the front matter; a chapter removed.
    let chapter = root.join("chapters/03-practice/08-handles.md");
    let text = std::fs::read_to_string(&chapter).unwrap().replace("\"@ana\", ", "\"@bo\", ");
    std::fs::write(&chapter, text).unwrap();
    std::fs::remove_file(root.join("chapters/03-practice/09-my draft.md")).unwrap();
    let run = run_in(&root, &["check"]).ok();
    let changed = format!(
        "chapters/03-practice/08-handles.md:3:1: warning: ../../.github/CODEOWNERS (line {handles}) gives this \
         chapter to @ana @org/leads, its front matter to @bo @org/leads"
    );
    assert!(run.stdout.contains(&changed), "{}", run.stdout);
    let gone = format!(
        "chapters/03-practice/09-my draft.md: warning: ../../.github/CODEOWNERS (line {draft}) names this chapter, \
         which no longer exists"
    );
    assert!(run.stdout.contains(&gone), "{}", run.stdout);

    // A broader rule further down takes every chapter: GitHub applies the
    // last rule that matches, and so does the check.
    f.write(".github/CODEOWNERS", format!("{codeowners}/docs/handbook/chapters/** @mallory\n"));
    let run = run_in(&root, &["check"]).ok();
    let taken = "chapters/03-practice/08-handles.md:3:1: warning: ../../.github/CODEOWNERS (line";
    assert!(run.stdout.contains(taken), "{}", run.stdout);
    assert!(run.stdout.contains("`/docs/handbook/chapters/**`) gives this chapter to @mallory"), "{}", run.stdout);
    assert!(run.stdout.contains("run `playbook owners`"));

    // Rules only for other paths (a folder rule must not reach past its
    // folder): the chapter's owners get no review requests.
    f.write(".github/CODEOWNERS", "/docs/handbook/chapters/01-x/ @x\n/docs/handbook/chapter @y\n");
    let run = run_in(&root, &["check"]).ok();
    let none = "chapters/03-practice/08-handles.md:3:1: warning: ../../.github/CODEOWNERS has no rule for this \
                chapter: its owners @bo @org/leads get no review requests";
    assert!(run.stdout.contains(none), "{}", run.stdout);
}

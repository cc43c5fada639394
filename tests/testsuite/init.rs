//! `playbook init`: the bundled playbook, embedded in the binary.

use crate::harness::*;

#[test]
fn init_then_build_works_in_an_empty_folder_without_a_theme_folder() {
    let f = Fixture::empty();
    let run = f.run(&["init", "handbook"]).ok();
    assert!(run.stderr.contains("Created a playbook in handbook"));
    let root = f.root().join("handbook");
    assert!(root.join("playbook.toml").is_file());
    assert!(root.join("chapters").is_dir() && root.join("onboarding.md").is_file());
    assert!(!root.join("public").exists(), "the bundled output is not part of the scaffold");
    assert!(!f.root().join("themes").exists());

    let built = playbook().arg("build").current_dir(&root).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert!(root.join("public/index.html").is_file() && root.join("public/onboarding/index.html").is_file());
    assert!(root.join("public/assets/playbook.css").is_file(), "theme assets come from the binary");
}

#[test]
fn init_refuses_a_non_empty_folder_without_force_and_never_deletes() {
    let f = Fixture::empty();
    f.write("notes.txt", "mine");
    f.write("playbook.toml", "title = \"Mine\"\n");
    let run = f.run(&["init", "."]).fails(2);
    assert!(run.stderr.contains("not empty") && run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(f.read("playbook.toml"), "title = \"Mine\"\n");

    let forced = f.run(&["init", ".", "--force"]).ok();
    assert!(forced.stderr.contains("Replaced 1 existing file: playbook.toml"), "{}", forced.stderr);
    assert_eq!(f.read("notes.txt"), "mine", "unrelated files stay");
    assert!(f.read("playbook.toml").contains("Engineering Leadership Playbook"));
}

#[test]
fn every_command_has_help() {
    let f = Fixture::empty();
    for cmd in ["init", "build"] {
        let run = f.run(&[cmd, "--help"]).ok();
        assert!(run.stdout.contains("Usage: playbook"), "{cmd}: {}", run.stdout);
    }
}

#[test]
#[cfg(unix)]
fn init_force_never_writes_through_a_link() {
    let f = Fixture::empty();
    let dir = f.root().join("book");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(f.canary().join("dir"), dir.join("chapters")).unwrap();
    let before = std::fs::read_dir(f.canary().join("dir")).unwrap().count();
    let run = f.run(&["init", "book", "--force"]).fails(2);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(f.canary().join("dir")).unwrap().count(), before, "nothing written through the link");
}

#[test]
#[cfg(unix)]
fn new_never_writes_through_a_link() {
    let f = Fixture::handbook();
    std::fs::rename(f.root().join("chapters"), f.canary().join("chapters")).unwrap();
    std::os::unix::fs::symlink(f.canary().join("chapters"), f.root().join("chapters")).unwrap();
    let before = std::fs::read_dir(f.canary().join("chapters")).unwrap().count();
    let run = f.run(&["new", "chapter", "Planted"]).fails(2);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(f.canary().join("chapters")).unwrap().count(), before);
}

#[test]
fn a_new_handbook_has_no_review_due_and_no_placeholder_edit_link() {
    // Ten years on, the sample still starts reviewed "today".
    let f = Fixture::empty();
    let later = playbook().args(["init", "book"]).env("SOURCE_DATE_EPOCH", "2111111111").current_dir(f.root()).output();
    assert!(later.unwrap().status.success());
    let root = f.root().join("book");
    let mut strict = playbook();
    strict.args(["check", "--strict"]).env("SOURCE_DATE_EPOCH", "2111111111").current_dir(&root);
    let run = Run::from(strict.output().unwrap()).ok();
    assert!(!run.stdout.contains("warning"), "{}", run.stdout);
    let built = Run::from(playbook().args(["build"]).current_dir(&root).output().unwrap()).ok();
    assert!(built.stderr.is_empty() || !built.stderr.contains("warning"), "{}", built.stderr);
    let page = std::fs::read_to_string(root.join("public/principles/own-the-roadmap/index.html")).unwrap();
    assert!(!page.contains("example.com"), "no edit link to a placeholder host");
}

#[test]
fn init_minimal_is_a_blank_start_that_passes_strict_check() {
    let f = Fixture::empty();
    let run = f.run(&["init", "--minimal", "blank"]).ok();
    assert!(run.stderr.contains("(4 files)"), "{}", run.stderr);
    let root = f.root().join("blank");
    let mut files: Vec<String> = walk_files(&root);
    files.sort();
    assert_eq!(files, [".gitignore", "chapters/01-our-first-principle.md", "onboarding.md", "playbook.toml"]);
    let check = Run::from(playbook().args(["check", "--strict"]).current_dir(&root).output().unwrap()).ok();
    assert!(check.stderr.contains("No problems found."), "{}{}", check.stdout, check.stderr);
    Run::from(playbook().args(["build"]).current_dir(&root).output().unwrap()).ok();
    let onboarding = std::fs::read_to_string(root.join("public/onboarding/index.html")).unwrap();
    assert!(onboarding.contains("/our-first-principle/"), "the onboarding page links the chapter");
    assert!(!std::fs::read_to_string(root.join("playbook.toml")).unwrap().lines().any(|l| l.starts_with("edit_url")));
}

/// Files below `root`, relative, with `/`.
fn walk_files(root: &std::path::Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

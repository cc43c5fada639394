//! The output folder: written atomically, never somewhere that would destroy
//! the user's work.

use crate::harness::*;

#[test]
fn refuses_to_replace_a_folder_of_someone_elses_files_unless_forced() {
    let f = Fixture::handbook();
    f.write("site/keep.txt", "not ours");
    let run = f.build(&["--out", "site"]).fails(2);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(f.read("site/keep.txt"), "not ours");
    f.build(&["--out", "site", "--force"]).ok();
    assert!(f.root().join("site/index.html").is_file());
    // once it is ours, later builds replace it without --force
    f.build(&["--out", "site"]).ok();
}

#[test]
fn a_rebuild_replaces_the_site_and_leaves_no_staging_folder() {
    let f = Fixture::handbook();
    f.build(&[]).ok();
    f.write("public/stale.html", "old");
    f.build(&[]).ok();
    assert!(!f.out().join("stale.html").exists(), "the new site replaces the old one whole");
    assert_eq!(staging_leftovers(f.root()), Vec::<String>::new());
}

#[test]
fn static_files_and_relative_images_are_copied() {
    let f = Fixture::handbook();
    f.write("static/robots.txt", "User-agent: *\n");
    f.write("chapters/02-principles/img/slices.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let path = "chapters/02-principles/05-ship-small-ship-fast.md";
    f.write(path, f.read(path) + "\n![Five slices](img/slices.svg)\n\n![Gone](img/missing.png)\n");
    let run = f.build(&[]).ok();
    assert!(run.stderr.contains("warning: `chapters/02-principles/img/missing.png` does not exist"), "{}", run.stderr);
    assert_eq!(f.page("robots.txt"), "User-agent: *\n");
    assert!(f.out().join("media/chapters/02-principles/img/slices.svg").is_file());
    assert!(
        f.page("principles/ship-small-ship-fast/index.html")
            .contains("src=\"/media/chapters/02-principles/img/slices.svg\"")
    );
}

#[test]
fn a_build_over_the_kept_spare_site_equals_a_clean_build() {
    let f = Fixture::handbook();
    f.write("chapters/04-later/01-going.md", "+++\ntitle = \"Going\"\n+++\n\nSoon gone.\n");
    f.build(&[]).ok();
    f.build(&[]).ok();
    let spare = f.root().join(".public.spare");
    assert!(spare.join("index.html").is_file(), "the previous site is kept for the next build to write over");

    // Pages come and go, and the spare holds things in the way: a file
    // where a folder must go, a folder where a file must go, a symlink to a
    // file of the user's, strays.
    std::fs::remove_file(f.root().join("chapters/04-later/01-going.md")).unwrap();
    f.write("chapters/05-new/01-new-habit.md", "+++\ntitle = \"A new habit\"\n+++\n\nFresh.\n");
    std::fs::remove_dir_all(spare.join("principles/own-the-roadmap")).unwrap();
    std::fs::write(spare.join("principles/own-the-roadmap"), "a file in the way").unwrap();
    std::fs::remove_file(spare.join("404.html")).unwrap();
    std::fs::create_dir_all(spare.join("404.html/inner")).unwrap();
    std::fs::create_dir_all(spare.join("stray/deep")).unwrap();
    std::fs::write(spare.join("stray/deep/old.html"), "old").unwrap();
    f.write("notes.txt", "the user's own file");
    std::fs::remove_file(spare.join("tags/index.html")).unwrap();
    std::os::unix::fs::symlink(f.root().join("notes.txt"), spare.join("tags/index.html")).unwrap();
    f.build(&[]).ok();
    assert_eq!(f.read("notes.txt"), "the user's own file", "a page was written through a symlink");

    let clean = tempfile::tempdir().unwrap();
    let clean_out = clean.path().join("site");
    f.build(&["--out", clean_out.to_str().unwrap()]).ok();
    let built = snapshot(&f.out());
    assert!(built.contains_key("new/new-habit/index.html") && !built.contains_key("later/going/index.html"));
    assert_eq!(built, snapshot(&clean_out), "the recycled site differs from a clean build");
    assert_eq!(staging_leftovers(f.root()), Vec::<String>::new());
}

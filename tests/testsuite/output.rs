//! The output folder: written atomically, never somewhere that would destroy
//! the user's work.

use crate::harness::*;

#[test]
fn refuses_to_replace_a_folder_of_someone_elses_files_unless_forced() {
    let f = Fixture::bundled();
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
    let f = Fixture::bundled();
    f.build(&[]).ok();
    f.write("public/stale.html", "old");
    f.build(&[]).ok();
    assert!(!f.out().join("stale.html").exists(), "the new site replaces the old one whole");
    assert_eq!(staging_leftovers(f.root()), 0);
}

#[test]
fn static_files_and_relative_images_are_copied() {
    let f = Fixture::bundled();
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

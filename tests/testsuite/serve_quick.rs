//! The dev server's quick path (a save of documents' bodies reads only
//! those files) against the cases where reading only the saved files
//! would be wrong: each must serve what a clean build writes, or fail as
//! a clean build fails. (Found by a review that tried to break it.)

use crate::harness::*;

const GEN: &[&str] = &["--chapters", "12", "--parts", "2", "--teams", "2", "--examples-per-team", "2", "--seed", "3"];

fn started(f: &Fixture) -> (Served, std::sync::mpsc::Receiver<(String, String)>) {
    let s = f.serve(&["-v"]);
    let events = s.events();
    wait_for(&events, "hello");
    (s, events)
}

#[test]
fn a_save_after_a_failed_one_still_fails_and_a_fix_elsewhere_still_fixes() {
    let f = Fixture::generated(GEN);
    let (a, b, c) = (chapter_file(&f, 0, 0), chapter_file(&f, 0, 1), chapter_file(&f, 0, 2));
    let (s, events) = started(&f);

    // A broken link in b fails; a body edit to c must not bring back a
    // site that builds: b is still broken.
    let b_text = f.read(&b.file);
    save(&f, &b.file, &(b_text.clone() + "\nSee [nowhere](no-such-chapter.md).\n"));
    assert_eq!(next_outcome(&events).0, "build-error");
    save(&f, &c.file, &(f.read(&c.file) + "\nOne more line.\n"));
    let (event, error) = next_outcome(&events);
    assert_eq!(event, "build-error", "b is still broken: {error}");
    assert!(error.contains("no-such-chapter.md"), "{error}");
    save(&f, &b.file, &b_text);
    assert_eq!(next_outcome(&events).0, "change");
    s.assert_equals_clean_build(f.root());

    // A heading renamed in a breaks b's link to it; fixing the link in b
    // (not a) must build.
    let a_name = a.file.rsplit('/').next().unwrap();
    save(&f, &a.file, &(f.read(&a.file) + "\n## Where we meet\n\nTuesdays.\n"));
    assert_eq!(next_outcome(&events).0, "change");
    save(&f, &b.file, &(b_text.clone() + &format!("\nSee [us]({a_name}#where-we-meet).\n")));
    assert_eq!(next_outcome(&events).0, "change");
    save(&f, &a.file, &f.read(&a.file).replace("## Where we meet", "## Where we gather"));
    assert_eq!(next_outcome(&events).0, "build-error");
    save(&f, &b.file, &(b_text + &format!("\nSee [us]({a_name}#where-we-gather).\n")));
    let (event, data) = next_outcome(&events);
    assert_eq!(event, "change", "the link is fixed: {data}");
    s.assert_equals_clean_build(f.root());
}

#[cfg(unix)]
#[test]
fn a_document_with_two_names_follows_an_edit_under_either() {
    let f = Fixture::generated(GEN);
    let a = chapter_file(&f, 0, 0);
    let dir = a.file.rsplit_once('/').unwrap().0.to_string();
    let target = a.file.rsplit('/').next().unwrap().to_string();
    std::os::unix::fs::symlink(&target, f.root().join(format!("{dir}/99-mirror.md"))).unwrap();
    let (s, events) = started(&f);
    save_in_place(&f, &a.file, &(f.read(&a.file) + "\nSeen through the mirror too.\n"));
    assert_eq!(next_outcome(&events).0, "change");
    s.assert_equals_clean_build(f.root());
}

/// Writes over the file itself (a rename would replace the link's target
/// with a new file and leave the other name on the old one).
fn save_in_place(f: &Fixture, rel: &str, text: &str) {
    std::fs::write(f.root().join(rel), text).unwrap();
}

#[test]
fn a_linked_team_toml_is_loaded_not_copied() {
    let f = Fixture::generated(GEN);
    let example = first_example(&f, "payments");
    save(&f, &example, &(f.read(&example) + "\nOur [team file](team.toml).\n"));
    let (s, events) = started(&f);
    let team = "teams/payments/team.toml";
    let text = f.read(team);
    let line = text.lines().find(|l| l.starts_with("name =")).unwrap().to_string();
    save(&f, team, &text.replace(&line, "name = \"Payments, renamed\""));
    assert_eq!(next_outcome(&events).0, "change");
    assert!(!s.log().contains("copied 1 file"), "{}", s.log());
    s.assert_equals_clean_build(f.root());
}

#[test]
fn a_reviewed_date_reaches_the_sitemap() {
    let f = Fixture::generated(GEN);
    let config = f.read("playbook.toml");
    let config: Vec<&str> = config.lines().filter(|l| !l.starts_with("base_url =")).collect();
    f.write("playbook.toml", format!("base_url = \"https://handbook.example.com/\"\n{}\n", config.join("\n")));
    let a = chapter_file(&f, 0, 0);
    let (s, events) = started(&f);
    let text = f.read(&a.file);
    let text = text.lines().filter(|l| !l.starts_with("reviewed =")).collect::<Vec<_>>().join("\n");
    save(&f, &a.file, &text.replacen("+++\n", "+++\nreviewed = 2026-03-03\n", 1));
    assert_eq!(next_outcome(&events).0, "change");
    assert!(s.get("/sitemap.xml").text().contains("2026-03-03"));
    s.assert_equals_clean_build(f.root());
}

#[test]
fn a_linked_file_gone_without_an_event_is_seen_by_the_next_body_edit() {
    let f = Fixture::generated(GEN);
    let a = chapter_file(&f, 0, 0);
    // `img/` is no folder the server watches.
    f.write("img/x.png", "not really a picture");
    save(&f, &a.file, &(f.read(&a.file) + "\n![x](../../img/x.png)\n"));
    let (s, events) = started(&f);
    std::fs::remove_file(f.root().join("img/x.png")).unwrap();
    save(&f, &a.file, &(f.read(&a.file) + "\nOne more line.\n"));
    let (event, data) = next_outcome(&events);
    assert_eq!(event, "change", "a missing picture is a warning, as in a build: {data}");
    s.assert_equals_clean_build(f.root());
}

#[test]
fn a_tag_page_that_shows_examples_whole_follows_an_example_body_edit() {
    let f = Fixture::generated(GEN);
    let tag = std::fs::read_to_string(repo().join("themes/default/templates/tag.html")).unwrap();
    let whole =
        "{% for ex in page.examples %}<div class=whole>{{ ex.content | safe }}</div>{% endfor %}\n{% endblock main %}";
    f.write("templates/tag.html", tag.replace("{% endblock main %}", whole));
    let example = "teams/payments/tagged.md";
    let chapter = chapter_file(&f, 0, 0);
    let slug = chapter.url.trim_end_matches('/').rsplit('/').next().unwrap().to_string();
    let text =
        format!("+++\ntitle = \"Tagged\"\nchapter = \"{slug}\"\ntags = [\"whole-story\"]\n+++\n\nFirst version.\n");
    f.write(example, &text);
    let (s, events) = started(&f);
    save(&f, example, &text.replace("First version.", "Second version."));
    assert_eq!(next_outcome(&events).0, "change");
    assert!(s.get("/tags/whole-story/").text().contains("Second version."));
    s.assert_equals_clean_build(f.root());
}

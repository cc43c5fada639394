//! The dev server's incremental rebuilds against clean builds: after every
//! kind of edit an author makes (each front-matter field of a chapter and
//! of a team example, `part.toml`, `team.toml`, each `playbook.toml` key,
//! a template, a theme asset, a `static/` file, an image, a body), every
//! file the server holds equals a clean `playbook build`, byte for byte.

use std::collections::BTreeSet;

use crate::harness::*;

const GEN: &[&str] = &["--chapters", "6", "--parts", "2", "--teams", "2", "--examples-per-team", "2", "--seed", "9"];

/// `text` with `key = value` set in its `+++` front matter (replaced if
/// present, else added last).
fn with_key(text: &str, key: &str, value: &str) -> String {
    let body_at = text[3..].find("\n+++").map(|i| i + 3).expect("front matter");
    let (front, rest) = text.split_at(body_at);
    let mut lines: Vec<String> =
        front.lines().filter(|l| !l.starts_with(&format!("{key} ="))).map(str::to_string).collect();
    lines.push(format!("{key} = {value}"));
    format!("{}{rest}", lines.join("\n"))
}

/// `text` (a TOML file) with `key = value` set.
fn with_toml_key(text: &str, key: &str, value: &str) -> String {
    let mut lines: Vec<String> =
        text.lines().filter(|l| !l.starts_with(&format!("{key} ="))).map(str::to_string).collect();
    lines.push(format!("{key} = {value}"));
    lines.join("\n") + "\n"
}

/// The keys a file kind accepts, as the binary lists them when it meets an
/// unknown one: the test's coverage is checked against the product's.
fn known_keys(file: &str, text: &str) -> BTreeSet<String> {
    let f = Fixture::generated(GEN);
    f.write(file, text);
    let run = f.run(&["check"]);
    let help = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .find_map(|l| l.split("help: known keys are: ").nth(1))
        .unwrap_or_else(|| {
            panic!("no list of known keys for {file}:\n{}{}", run.stdout, run.stderr);
        });
    help.split(", ").map(|k| k.trim().to_string()).collect()
}

#[test]
fn every_kind_of_edit_serves_what_a_clean_build_writes() {
    let f = Fixture::generated(GEN);
    copy_tree(&repo().join("themes/default"), &f.root().join("themes/ours"), &[]);
    let a = chapter_file(&f, 0, 0);
    let b = chapter_file(&f, 1, 0);
    let b_slug = b.url.trim_end_matches('/').rsplit('/').next().unwrap().to_string();
    let example = first_example(&f, "payments");
    let part = a.file.rsplit_once('/').unwrap().0.to_string() + "/part.toml";

    let mut s = f.serve(&[]);
    let events = s.events();
    wait_for(&events, "hello");
    let mut covered: Vec<(&str, &str)> = Vec::new();
    let step = |s: &Served, what: &str, edit: &dyn Fn()| {
        edit();
        wait_for(&events, "change");
        // A failure names the edit that left the served site stale.
        eprintln!("checking after: {what}");
        s.assert_equals_clean_build(f.root());
    };

    // Bodies: the incremental path.
    step(&s, "chapter body", &|| save(&f, &a.file, &f.read(&a.file).replacen("\n\n", "\n\nA new sentence.\n\n", 1)));
    step(&s, "example body", &|| save(&f, &example, &(f.read(&example) + "\nOne more line.\n")));
    step(&s, "onboarding created", &|| {
        save(&f, "onboarding.md", "+++\ntitle = \"Your first week\"\n+++\n\n## Day one\n\nRead the principles.\n");
    });
    step(&s, "onboarding body", &|| save(&f, "onboarding.md", &(f.read("onboarding.md") + "\nThen meet the team.\n")));
    step(&s, "image added", &|| {
        let dir = a.file.rsplit_once('/').unwrap().0;
        f.write(&format!("{dir}/diagram.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        save(&f, &a.file, &(f.read(&a.file) + "\n![A diagram](diagram.svg)\n"));
    });
    step(&s, "image edited", &|| {
        let dir = a.file.rsplit_once('/').unwrap().0;
        save(&f, &format!("{dir}/diagram.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>v2</title></svg>");
    });

    // Every chapter front-matter field.
    let chapter_edits: &[(&str, &str)] = &[
        ("title", "\"A retitled chapter\""),
        ("summary", "\"A summary written while serving.\""),
        ("do", "\"Do *this* instead.\""),
        ("dont", "\"Not that.\""),
        ("why", "\"Because of **this**.\""),
        ("weight", "99"),
        ("owners", "[\"new.owner\"]"),
        ("reviewed", "2020-01-01"),
        ("tags", "[\"fresh-tag\", \"hiring\"]"),
        ("draft", "true"),
        ("draft", "false"),
        ("aliases", "[\"old/place/\"]"),
        ("extra", "{ mood = \"calm\" }"),
    ];
    // Other chapters link to `a`: a draft of it would fail the build, so a
    // chapter nobody links to takes the `draft` edits.
    let fresh = "chapters/fresh.md";
    step(&s, "chapter created", &|| save(&f, fresh, "+++\ntitle = \"Fresh\"\n+++\n\nNew.\n"));
    for &(key, value) in chapter_edits {
        let file = if key == "draft" { fresh } else { a.file.as_str() };
        step(&s, &format!("chapter {key}"), &|| save(&f, file, &with_key(&f.read(file), key, value)));
        covered.push(("chapter", key));
    }

    // Every team-example front-matter field.
    let b_chapter = format!("\"{b_slug}\"");
    let example_edits: &[(&str, &str)] = &[
        ("title", "\"How we did it again\""),
        ("chapter", &b_chapter),
        ("author", "\"someone.else\""),
        ("date", "2026-01-02"),
        ("weight", "1"),
        ("draft", "true"),
        ("draft", "false"),
        ("tags", "[\"fresh-tag\"]"),
        ("summary", "\"What happened, in one line.\""),
        ("extra", "{ quarter = \"Q3\" }"),
    ];
    for &(key, value) in example_edits {
        step(&s, &format!("example {key}"), &|| save(&f, &example, &with_key(&f.read(&example), key, value)));
        covered.push(("example", key));
    }

    // team.toml and part.toml.
    let team = "teams/payments/team.toml";
    let team_edits: &[(&str, &str)] = &[
        ("name", "\"Payments and Billing\""),
        ("description", "\"Money in, money out.\""),
        ("lead", "\"new.lead\""),
        ("channel", "\"#payments-and-billing\""),
        ("weight", "-5"),
        ("extra", "{ floor = 3 }"),
    ];
    for &(key, value) in team_edits {
        step(&s, &format!("team.toml {key}"), &|| save(&f, team, &with_toml_key(&f.read(team), key, value)));
        covered.push(("team", key));
    }
    step(&s, "part.toml created", &|| save(&f, &part, "title = \"The groundwork\"\n"));
    for &(key, value) in &[("title", "\"Groundwork\""), ("description", "\"Where it starts.\""), ("weight", "50")] {
        step(&s, &format!("part.toml {key}"), &|| save(&f, &part, &with_toml_key(&f.read(&part), key, value)));
        covered.push(("part", key));
    }

    // Templates, theme assets and static files.
    step(&s, "a template overridden", &|| {
        let page = std::fs::read_to_string(repo().join("themes/default/templates/404.html")).unwrap();
        save(&f, "templates/404.html", &page.replace("does not exist", "is not here"));
    });
    step(&s, "a static file added", &|| save(&f, "static/robots.txt", "User-agent: *\n"));
    step(&s, "a static file edited", &|| save(&f, "static/robots.txt", "User-agent: *\nDisallow: /print/\n"));

    // Every playbook.toml key (the theme last: its own edits follow).
    let config = "playbook.toml";
    let config_edits: &[(&str, &str)] = &[
        ("title", "\"Our handbook\""),
        ("description", "\"Edited while serving\""),
        ("edit_url", "\"https://git.example.com/edit/{path}\""),
        ("review_after_days", "30"),
        ("language", "\"fr\""),
        ("search", "false"),
        ("search", "true"),
        ("raw_html", "true"),
        ("max_file_mib", "8"),
        ("output_dir", "\"site\""),
        ("extra", "{ motto = \"Ship small\" }"),
        ("base_url", "\"/handbook/\""),
        ("theme", "\"themes/ours\""),
    ];
    for &(key, value) in config_edits {
        let edit = || save(&f, config, &with_toml_key(&f.read(config), key, value));
        if key == "base_url" {
            // The site moves: from now on it is served (and fetched) under
            // the new base.
            edit();
            wait_for(&events, "change");
            s.base = "/handbook/".to_string();
            s.assert_equals_clean_build(f.root());
        } else {
            step(&s, &format!("playbook.toml {key}"), &edit);
        }
        covered.push(("config", key));
    }
    step(&s, "a theme template edited", &|| {
        let file = "themes/ours/templates/chapter.html";
        save(&f, file, &(f.read(file) + "\n{# edited while serving #}\n<!-- ours -->\n"));
    });
    step(&s, "a theme asset edited", &|| {
        let file = "themes/ours/static/assets/playbook.css";
        save(&f, file, &(f.read(file) + "\n.edited { color: teal; }\n"));
    });
    assert_eq!(s.get("/handbook/__playbook/files").status, 200, "served under the new base");

    // Every key the product accepts was edited above.
    let ours = |kind: &str| covered.iter().filter(|(k, _)| *k == kind).map(|(_, key)| key.to_string()).collect();
    let unknown = "zzqqxx = 1";
    let chapter = format!("+++\ntitle = \"T\"\n{unknown}\n+++\n\nBody.\n");
    assert_eq!(known_keys("chapters/09-t.md", &chapter), ours("chapter"), "chapter keys the test does not edit");
    let example = format!("+++\ntitle = \"T\"\nchapter = \"{b_slug}\"\n{unknown}\n+++\n\nBody.\n");
    assert_eq!(known_keys("teams/payments/zz.md", &example), ours("example"), "example keys the test does not edit");
    assert_eq!(known_keys(team, &format!("name = \"T\"\n{unknown}\n")), ours("team"), "team.toml keys");
    assert_eq!(known_keys(&part, &format!("{unknown}\n")), ours("part"), "part keys");
    let config_text = format!("title = \"T\"\n{unknown}\n");
    assert_eq!(known_keys(config, &config_text), ours("config"), "playbook.toml keys the test does not edit");
}

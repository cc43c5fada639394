//! What users of mdBook, Zola and Hugo expect: custom CSS, a draft badge,
//! `output_dir`, shell completions and a man page, a print view of
//! everything, and `-v` saying what it used.

use crate::harness::*;

#[test]
fn custom_css_is_linked_after_the_theme_on_every_page() {
    let f = Fixture::handbook();
    f.build(&[]).ok();
    assert!(!f.page("index.html").contains("custom.css"), "no link without the file");
    f.write("static/custom.css", ".lead { color: rebeccapurple; }\n");
    f.build(&[]).ok();
    for page in
        ["index.html", "principles/own-the-roadmap/index.html", "print/index.html", "404.html", "teams/index.html"]
    {
        let html = f.page(page);
        let theme = html.find("assets/playbook.css").unwrap_or_else(|| panic!("{page}: no theme stylesheet"));
        let custom = html.find("href=\"/custom.css\"").unwrap_or_else(|| panic!("{page}: no custom.css"));
        assert!(theme < custom, "{page}: custom.css must come after the theme");
    }
    assert_eq!(f.page("custom.css"), ".lead { color: rebeccapurple; }\n");
}

#[test]
fn drafts_built_with_drafts_carry_a_visible_badge() {
    let f = Fixture::handbook();
    let draft = "+++\ntitle = \"Half an idea\"\nsummary = \"s\"\nowners = [\"o\"]\ndraft = true\n+++\nNot yet.\n";
    f.write("chapters/02-principles/09-half-an-idea.md", draft);
    f.build(&[]).ok();
    assert!(!f.out().join("principles/half-an-idea").exists(), "a draft is left out by default");
    f.build(&["--drafts"]).ok();
    let page = f.page("principles/half-an-idea/index.html");
    assert!(page.contains("class=\"draft-badge\""), "draft badge missing");
    let other = f.page("principles/define-success-by-impact/index.html");
    assert!(!other.contains("draft-badge"), "only drafts carry the badge");
}

#[test]
fn output_dir_in_playbook_toml_is_where_build_writes_and_stays_inside_the_root() {
    let f = Fixture::handbook();
    f.write("playbook.toml", format!("{}output_dir = \"site/handbook\"\n", f.read("playbook.toml")));
    let run = f.build(&["-v"]).ok();
    assert!(f.root().join("site/handbook/index.html").is_file());
    assert!(!f.root().join("public").exists());
    assert!(run.stderr.contains("theme: default (built in)") && run.stderr.contains("site/handbook"), "{}", run.stderr);
    // --out still wins.
    let out = f.root().join("elsewhere");
    f.build(&["--out", out.to_str().unwrap()]).ok();
    assert!(out.join("index.html").is_file());
    for bad in ["../outside", "/tmp/x", ".hidden"] {
        let text =
            f.read("playbook.toml").lines().filter(|l| !l.starts_with("output_dir")).collect::<Vec<_>>().join("\n");
        f.write("playbook.toml", format!("{text}\noutput_dir = \"{bad}\"\n"));
        let run = f.run(&["check"]).fails(1);
        assert!(run.stdout.contains("playbook.toml:") && run.stdout.contains("`output_dir`"), "{bad}: {}", run.stdout);
    }
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = Run::from(playbook().args(["completions", shell]).output().unwrap()).ok();
        for word in ["build", "serve", "check", "init", "drafts"] {
            assert!(run.stdout.contains(word), "{shell}: no `{word}`");
        }
    }
    let bad = Run::from(playbook().args(["completions", "tcsh"]).output().unwrap()).fails(2);
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);
    let man = Run::from(playbook().args(["man"]).output().unwrap()).ok();
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH playbook"), "{}", &man.stdout[..200]);
    assert!(man.stdout.contains("serve") && man.stdout.contains("completions"));
}

#[test]
fn the_print_view_holds_every_chapter_its_examples_and_onboarding() {
    let f = Fixture::handbook();
    f.build(&[]).ok();
    let print = f.page("print/index.html");
    let chapter = print.find("id=\"ship-small-ship-fast\"").expect("the chapter");
    let example = print.find("A pricing page in five slices").expect("its example");
    let next = print[chapter..].find("class=\"chapter print-chapter\" id=\"").map(|i| i + chapter + 10);
    assert!(
        example > chapter && next.is_none_or(|n| example < print[..n].len() + 60),
        "the example sits in its chapter"
    );
    let onboarding = print.find("id=\"onboarding\"").expect("onboarding");
    assert!(onboarding > chapter, "onboarding comes after the chapters");
    assert!(print.contains("href=\"#onboarding\""), "onboarding is in the contents");
    // A team edition prints only its own team's examples.
    f.build(&["--team", "payments"]).ok();
    let print = f.page("print/index.html");
    assert!(!print.contains("A pricing page in five slices") && print.contains("Chargebacks, counted in euros"));
    let problems = broken_links(&f.out(), "/");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn fenced_code_is_highlighted_at_build_time_with_classes_and_stays_escaped() {
    let f = Fixture::handbook();
    let roadmap = "chapters/02-principles/01-own-the-roadmap.md";
    let code = "\n```rust\nfn weeks(cost: u32) -> &'static str { \"</code></pre><script>alert(1)</script>\" }\n```\n\n\
                ```klingon\nqapla' <b>\n```\n\n```\nplain <i>\n```\n";
    f.write(roadmap, format!("{}{code}", f.read(roadmap)));
    f.build(&[]).ok();
    let page = f.page("principles/own-the-roadmap/index.html");
    let rust = page.find("<code class=\"language-rust\">").expect("the rust block");
    let block = &page[rust..rust + page[rust..].find("</code></pre>").unwrap()];
    assert!(block.contains("<span class=\"hl-"), "highlighted: {block}");
    assert!(block.contains("&lt;script&gt;") && !block.contains("<script"), "escaped: {block}");
    assert!(
        page.contains("<code class=\"language-klingon\">qapla&#39; &lt;b&gt;\n</code>")
            || page.contains("<code class=\"language-klingon\">qapla' &lt;b&gt;\n</code>"),
        "an unknown language stays plain"
    );
    assert!(page.contains("<pre tabindex=\"0\"><code>plain &lt;i&gt;\n</code></pre>"));
    // The theme colours the classes in light and dark.
    let css = f.page("assets/playbook.css");
    assert!(css.contains(".hl-keyword") && css.contains(".hl-string") && css.contains(".hl-comment"));
    // The code's words are still searchable.
    let found = (0..40)
        .filter_map(|n| std::fs::read_to_string(f.out().join(format!("search/p/{n}.json"))).ok())
        .any(|d| d.contains("fn weeks"));
    assert!(found, "the code is in the search documents");
}

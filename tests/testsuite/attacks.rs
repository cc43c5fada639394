//! The trust model as rows of the bad-input matrix (`matrix.rs` runs them
//! and holds every row to the canary, payload and terminal checks). One
//! group per class of issue #12: where output goes, the output folder,
//! what may be read, script in pages built with `raw_html = false`, inputs
//! that would crash or stall a build, and output that could forge a CI
//! command. Attacks aim at the fixture's canary folder beside the root,
//! never at system paths. Dev-server abuse is in `serve.rs`.

use std::os::unix::fs::symlink;

use crate::harness::*;
use crate::matrix::{Case, EXAMPLE, Expect, ROADMAP, edit};

const CHAPTER_PAGE: &str = "principles/own-the-roadmap/index.html";

/// Turns raw HTML off for the rest of the case.
fn untrusted(f: &Fixture) {
    f.write("playbook.toml", f.read("playbook.toml") + "raw_html = false\n");
}

/// Appends markdown to the roadmap chapter.
fn append(f: &Fixture, markdown: &str) {
    f.write(ROADMAP, f.read(ROADMAP) + "\n" + markdown + "\n");
}

pub(crate) fn cases() -> Vec<Case> {
    use Expect::*;
    let case = |name, setup, expect| Case { name, setup, args: &[], expect };
    let with = |name, setup, args, expect| Case { name, setup, args, expect };
    vec![
        // --- 1. one place decides every output path
        case(
            "route: a chapter whose name has no letters or digits",
            |f| f.write("chapters/02-principles/!!!.md", "+++\ntitle = \"X\"\n+++\nx\n"),
            Fails(1, &["chapters/02-principles/!!!.md: error: the chapter", "gets no usable URL"]),
        ),
        case(
            "route: a part folder whose name has no letters or digits",
            |f| f.write("chapters/~~~/01-x.md", "+++\ntitle = \"X\"\n+++\nx\n"),
            Fails(1, &["chapters/~~~: error: the part `~~~` gets no usable URL"]),
        ),
        case(
            "route: a tag with no letters or digits",
            |f| edit(f, ROADMAP, "tags = [", "tags = [\"???\", "),
            Fails(1, &["01-own-the-roadmap.md:10:1: error: the tag `???` has no letters or digits"]),
        ),
        case(
            "route: an alias onto the search index",
            |f| edit(f, ROADMAP, "weight = 10", "weight = 10\naliases = [\"search\"]"),
            Fails(
                1,
                &[
                    "error: the alias `search` would take the URL `/search/`, already used by a page the generator writes",
                ],
            ),
        ),
        case(
            "route: an alias onto the sitemap",
            |f| edit(f, ROADMAP, "weight = 10", "weight = 10\naliases = [\"sitemap.xml\"]"),
            Fails(1, &["error: the alias `sitemap.xml` would take the URL `/sitemap.xml/`"]),
        ),
        case(
            "route: an alias that climbs out of the site",
            |f| edit(f, ROADMAP, "weight = 10", "weight = 10\naliases = [\"../../canary/dir\"]"),
            Fails(1, &["01-own-the-roadmap.md:8:1: error: `../../canary/dir` is not a path below the site"]),
        ),
        case(
            "route: an alias with a backslash path",
            |f| edit(f, ROADMAP, "weight = 10", "weight = 10\naliases = [\"..\\\\..\\\\canary\"]"),
            Fails(1, &["error: `..\\..\\canary` is not a path below the site"]),
        ),
        case(
            "route: a static file onto a chapter's page",
            |f| f.write("static/principles/own-the-roadmap/index.html", "<p>mine</p>"),
            Fails(1, &["static/principles/own-the-roadmap/index.html: error: the static file would take the URL"]),
        ),
        case(
            "route: a static file onto the search index",
            |f| f.write("static/search/meta.json", "{}"),
            Fails(1, &["static/search/meta.json: error: the static file would take the URL `/search/meta.json`"]),
        ),
        case(
            "route: a team folder with markup in its name",
            |f| {
                let dir = "teams/x\" onmouseover=\"alert('PWNED')";
                f.write(&format!("{dir}/team.toml"), "name = \"X\"\n");
            },
            Fails(1, &["error: the team folder `x\" onmouseover=\"alert('PWNED')` holds '\"'"]),
        ),
        // --- 2. the output folder, judged after normalisation
        with(
            "out: the home folder, spelt ~",
            |_| {},
            &["--out", "~", "--force"],
            Fails(2, &["refusing", "home folder"]),
        ),
        with(
            "out: the root, spelt through a source folder",
            |_| {},
            &["--out", "chapters/../../book", "--force"],
            Fails(2, &["refusing", "playbook root"]),
        ),
        with(
            "out: a folder that does not exist yet, then ..",
            |_| {},
            &["--out", "new/../..", "--force"],
            Fails(2, &["refusing", "playbook root"]),
        ),
        with(
            "out: a symbolic link to someone else's folder",
            |f| symlink(f.canary().join("dir"), f.root().join("site")).unwrap(),
            &["--out", "site", "--force"],
            Fails(2, &["refusing", "symbolic link"]),
        ),
        with(
            "out: --force on a folder holding a git repository",
            |f| f.write("../canary/repo/.git/HEAD", "ref: refs/heads/main\n"),
            &["--out", "../canary/repo", "--force"],
            Fails(2, &["refusing", ".git", "--force never replaces"]),
        ),
        with(
            "out: --force on another playbook",
            |f| f.write("../canary/other/playbook.toml", "title = \"Other\"\n"),
            &["--out", "../canary/other", "--force"],
            Fails(2, &["refusing", "playbook.toml"]),
        ),
        with("out: inside the root's .git", |_| {}, &["--out", ".git/site"], Fails(2, &["refusing", "hidden folder"])),
        case(
            "out: the default output folder is a committed link",
            |f| {
                std::fs::remove_dir_all(f.out()).unwrap();
                std::fs::write(f.canary().join("dir/.playbook-output"), "").unwrap();
                symlink(f.canary().join("dir"), f.out()).unwrap();
            },
            Fails(2, &["refusing", "symbolic link"]),
        ),
        case(
            "out: the kept spare is a committed link to someone else's site",
            |f| {
                let spare = f.root().join(".public.spare");
                let _ = std::fs::remove_dir_all(&spare);
                std::fs::write(f.canary().join("dir/.playbook-output"), "").unwrap();
                symlink(f.canary().join("dir"), &spare).unwrap();
            },
            Builds { page: CHAPTER_PAGE, holds: "Own the roadmap", lacks: &[], stderr: &[] },
        ),
        case(
            "out: a committed staging leftover links to someone else's folder",
            |f| symlink(f.canary().join("dir"), f.root().join(".public.tmp-1")).unwrap(),
            Builds { page: CHAPTER_PAGE, holds: "Own the roadmap", lacks: &[], stderr: &[] },
        ),
        case(
            "out: a lock file beside the output links to a file elsewhere",
            |f| {
                f.write(".public.tmp-999/.playbook-output", "");
                symlink(f.canary().join("CREATED"), f.root().join(".public.tmp-999.lock")).unwrap();
            },
            Builds { page: CHAPTER_PAGE, holds: "Own the roadmap", lacks: &[], stderr: &[] },
        ),
        with(
            "out: a link to someone else's folder, spelt with a trailing slash",
            |f| symlink(f.canary().join("dir"), f.root().join("site")).unwrap(),
            &["--out", "site/", "--force"],
            Fails(2, &["refusing", "symbolic link"]),
        ),
        case(
            "out: our own output folder was made a git checkout since",
            |f| f.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n"),
            Fails(2, &["refusing", "holds `.git`"]),
        ),
        // --- 3. nothing from outside the root is read or published
        case(
            "read: a chapter that links to a file outside the root",
            |f| symlink(f.canary().join("secret.txt"), f.root().join("chapters/02-principles/09-leak.md")).unwrap(),
            Fails(1, &["chapters/02-principles/09-leak.md: error: this leads outside the playbook root"]),
        ),
        case(
            "read: a chapter that links to /proc/self/environ",
            |f| symlink("/proc/self/environ", f.root().join("chapters/02-principles/09-env.md")).unwrap(),
            Fails(1, &["chapters/02-principles/09-env.md: error: this leads outside the playbook root"]),
        ),
        case(
            "read: static/ holds a link to a folder outside the root",
            |f| {
                std::fs::create_dir_all(f.root().join("static")).unwrap();
                symlink(f.canary().join("dir"), f.root().join("static/leak")).unwrap();
            },
            Fails(1, &["static/leak: error: this leads outside the playbook root"]),
        ),
        case(
            "read: a template override that links outside the root",
            |f| {
                std::fs::create_dir_all(f.root().join("templates")).unwrap();
                symlink(f.canary().join("secret.txt"), f.root().join("templates/chapter.html")).unwrap();
            },
            Fails(1, &["templates/chapter.html: error: this leads outside the playbook root"]),
        ),
        case(
            "read: an image through a linked folder outside the root",
            |f| {
                symlink(f.canary().join("dir"), f.root().join("chapters/02-principles/img")).unwrap();
                append(f, "![leak](img/secret.png)");
            },
            Fails(1, &["01-own-the-roadmap.md:", "error: `chapters/02-principles/img/secret.png` cannot be published"]),
        ),
        case(
            "read: an image inside the root's .git",
            |f| {
                f.write(".git/config", CANARY_SECRET);
                append(f, "![leak](../../.git/config)");
            },
            Fails(1, &["error: `.git/config` cannot be published: `.git` is a hidden or empty name"]),
        ),
        case(
            "read: a template that reads the environment",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{{ get_env(name=\"PLAYBOOK_TEST_SECRET\") }}{% endblock main %}",
                );
            },
            Fails(1, &["templates/chapter.html: error: template error", "templates cannot read the environment"]),
        ),
        case(
            "read: a theme folder outside the root",
            |f| {
                f.write("../canary/theme/templates/index.html", "x");
                edit(f, "playbook.toml", "theme = \"default\"", "theme = \"../canary/theme\"");
            },
            Fails(1, &["playbook.toml:4:9: error: `theme` must be a folder inside the playbook root"]),
        ),
        // --- 4. raw_html = false: no author-controlled script anywhere
        case(
            "script: raw HTML in a chapter",
            |f| {
                untrusted(f);
                append(f, "<script>alert('PWNED')</script>\n\n<img src=x onerror=\"alert('PWNED')\">");
            },
            Builds { page: CHAPTER_PAGE, holds: "&lt;script&gt;alert", lacks: &[], stderr: &[] },
        ),
        case(
            "script: heading attributes",
            |f| {
                untrusted(f);
                append(f, "## Hello {#hi onmouseover=alert('PWNED')}");
            },
            Builds { page: CHAPTER_PAGE, holds: "id=\"hi\"", lacks: &[], stderr: &[] },
        ),
        case(
            "script: a custom heading id with quotes",
            |f| {
                untrusted(f);
                append(f, "## Hello {#a\"onfocus=\"alert('PWNED')}");
            },
            Builds { page: CHAPTER_PAGE, holds: "Hello", lacks: &[], stderr: &[] },
        ),
        case(
            "script: a javascript: link",
            |f| {
                untrusted(f);
                append(f, "[click](javascript:alert('PWNED'))");
            },
            Fails(1, &["01-own-the-roadmap.md:", "error: this URL is refused: a script URL runs code when clicked"]),
        ),
        case(
            "script: a javascript: link spelt with an entity and mixed case",
            |f| append(f, "[click](JaVa&#x53;cript:alert('PWNED'))"),
            Fails(1, &["error: this URL is refused: a script URL"]),
        ),
        case(
            "script: a reference link to vbscript:",
            |f| append(f, "[click][x]\n\n[x]: vbscript:msgbox(\"PWNED\")"),
            Fails(1, &["error: this URL is refused: a script URL"]),
        ),
        case(
            "script: an autolink to javascript:",
            |f| append(f, "<javascript:alert('PWNED')>"),
            Fails(1, &["error: this URL is refused: a script URL"]),
        ),
        case(
            "script: an image that is an HTML page",
            |f| append(f, "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgnUFdORUQnKTwvc2NyaXB0Pg==)"),
            Fails(1, &["error: this URL is refused: a `data:` URL that is not an image"]),
        ),
        case(
            "script: raw HTML in a principle card",
            |f| {
                untrusted(f);
                edit(f, ROADMAP, "do = \"", "do = \"<img src=x onerror=alert('PWNED')> ");
            },
            Builds { page: "index.html", holds: "&lt;img src=x onerror=alert", lacks: &[], stderr: &[] },
        ),
        case(
            "script: a javascript: link in a principle card",
            |f| edit(f, ROADMAP, "dont = \"", "dont = \"[x](javascript:alert('PWNED')) "),
            Fails(1, &["01-own-the-roadmap.md:5:1: error: `dont` links to a URL that is refused"]),
        ),
        case(
            "script: a footnote label with markup",
            |f| {
                untrusted(f);
                append(f, "Note[^\"><script>alert('PWNED')</script>].\n\n[^\"><script>alert('PWNED')</script>]: x");
            },
            Builds { page: CHAPTER_PAGE, holds: "footnote-ref", lacks: &[], stderr: &[] },
        ),
        case(
            "script: an edit_url that runs script",
            |f| {
                f.write(
                    "playbook.toml",
                    f.read("playbook.toml").replace(
                        "edit_url = \"https://git.example.com/org/handbook/edit/main/playbook/{path}\"",
                        "edit_url = \"javascript:alert('PWNED')//{path}\"",
                    ),
                );
            },
            Fails(1, &["playbook.toml:5:12: error: `edit_url` must be an http:// or https:// URL"]),
        ),
        case(
            "script: a base_url that runs script",
            |f| edit(f, "playbook.toml", "base_url = \"/\"", "base_url = \"javascript:alert('PWNED')//\""),
            Fails(1, &["playbook.toml:3:12: error: `base_url` must not hold `//` in its path"]),
        ),
        case(
            "script: a base_url whose path names another host",
            |f| edit(f, "playbook.toml", "base_url = \"/\"", "base_url = \"https://h.example//evil.example/\""),
            Fails(1, &["error: `base_url` must not hold `//` in its path"]),
        ),
        case(
            "script: an HTML page linked as a file",
            |f| {
                untrusted(f);
                f.write("chapters/02-principles/page.html", "<script>alert('PWNED')</script>");
                append(f, "[open](page.html)");
            },
            Fails(1, &["error: `chapters/02-principles/page.html` cannot be published with raw_html = false"]),
        ),
        case(
            "script: an SVG with a script inside, linked as an image",
            |f| {
                untrusted(f);
                f.write(
                    "chapters/02-principles/x.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert('PWNED')\"/>",
                );
                append(f, "![x](x.svg)");
            },
            Fails(
                1,
                &[
                    "error: `chapters/02-principles/x.svg` cannot be published with raw_html = false: an SVG can hold script",
                ],
            ),
        ),
        case(
            "script: a principle card with heading attributes",
            |f| {
                untrusted(f);
                edit(f, ROADMAP, "do = \"", "do = \"# x {onclick=alert('PWNED')}\\n\\n");
            },
            Builds { page: "index.html", holds: "Own the roadmap", lacks: &["onclick"], stderr: &[] },
        ),
        case(
            "route: a static file in place of the generated sidebar",
            |f| f.write("static/assets/nav.html", "<img src=x onerror=alert('PWNED')>"),
            Fails(1, &["static/assets/nav.html: error: the static file would take the URL `/assets/nav.html`"]),
        ),
        case(
            "route: a static file named like the search index's folder",
            |f| f.write("static/search", "x"),
            Fails(1, &["static/search: error: the static file would take the URL `/search`"]),
        ),
        case(
            "script: a base_url that is another host",
            |f| edit(f, "playbook.toml", "base_url = \"/\"", "base_url = \"//evil.example/\""),
            Fails(1, &["error: `base_url` must not start with `//`"]),
        ),
        with(
            "script: --base-url that breaks out of the attribute",
            |_| {},
            &["--base-url", "/x\"><script>alert('PWNED')</script>"],
            Fails(2, &["--base-url must not contain '\"'"]),
        ),
        case(
            "script: a chapter title in a redirect page",
            |f| {
                edit(f, ROADMAP, "title = \"Own the roadmap\"", "title = \"</script><script>alert('PWNED')</script>\"");
                edit(f, ROADMAP, "weight = 10", "weight = 10\naliases = [\"old-roadmap\"]");
            },
            Builds { page: "old-roadmap/index.html", holds: "location.replace", lacks: &[], stderr: &[] },
        ),
        case(
            "script: a team example's markup in its team's name",
            |f| {
                edit(
                    f,
                    "teams/payments/team.toml",
                    "name = \"Payments\"",
                    "name = \"<script>alert('PWNED')</script>\"",
                );
            },
            Builds { page: "teams/index.html", holds: "&lt;script&gt;", lacks: &[], stderr: &[] },
        ),
        // --- 5. no input can crash or stall a build
        case(
            "stall: a template that includes itself",
            |f| {
                f.write("templates/loop.html", "{% include \"loop.html\" %}");
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{% include \"loop.html\" %}{% endblock main %}",
                );
            },
            Fails(1, &["templates/loop.html:1:1: error: template `loop.html` includes itself"]),
        ),
        case(
            "stall: templates that include each other",
            |f| {
                f.write("templates/a.html", "{% include \"b.html\" %}");
                f.write("templates/b.html", "\n{% include \"a.html\" %}");
            },
            Fails(1, &["error: templates include each other in a circle"]),
        ),
        case(
            "stall: a recursive macro",
            |f| {
                f.write("templates/rec.html", "{% macro down(n) %}{{ self::down(n=n+1) }}{% endmacro down %}");
            },
            Fails(1, &["templates/rec.html:1:1: error: macro `down` calls itself"]),
        ),
        case(
            "stall: a range of ten billion numbers",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{% for i in range(end=10000000000) %}{{ i }}{% endfor %}{% endblock main %}",
                );
            },
            Fails(1, &["templates/chapter.html: error: template error", "a page may use at most 100000"]),
        ),
        case(
            "stall: a template that doubles a value in a loop",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{% set_global s = \"xxxxxxxxxxxxxxxx\" %}{% for i in range(end=60) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}{% endblock main %}",
                );
            },
            Fails(1, &["error: stopped: "]),
        ),
        case(
            "stall: a template include inside a macro that calls it back",
            |f| {
                f.write("templates/a.html", "{% macro m() %}{% include \"b.html\" %}{% endmacro m %}");
                f.write("templates/b.html", "{% import \"a.html\" as a %}{{ a::m() }}");
                f.write("templates/404.html", "{% include \"b.html\" %}");
            },
            Fails(1, &["error: macros and includes call each other in a circle"]),
        ),
        case(
            "stall: 3,000 nested if blocks",
            |f| f.write("templates/x.html", "{% if true %}".repeat(3000) + &"{% endif %}".repeat(3000)),
            Fails(1, &["templates/x.html:1:", "error: blocks nest more than 100 deep"]),
        ),
        case(
            "stall: 10,000 broken anchors in one file",
            |f| append(f, &"See [x](#no-such-anchor).\n".repeat(10_000)),
            Fails(1, &["has no heading with the anchor `#no-such-anchor`", "10000 errors found"]),
        ),
        case(
            "stall: 10,000 footnotes in one file",
            |f| {
                let refs: String = (0..10_000).map(|i| format!("x[^n{i}] ")).collect();
                let defs: String = (0..10_000).map(|i| format!("[^n{i}]: note {i}\n\n")).collect();
                append(f, &format!("{refs}\n\n{defs}"));
            },
            Builds { page: CHAPTER_PAGE, holds: "note 9999", lacks: &[], stderr: &[] },
        ),
        case(
            "stall: part folders nested 200 deep",
            |f| f.write(&format!("chapters/{}x.md", "p/".repeat(200)), "+++\ntitle = \"Deep\"\n+++\nx\n"),
            Fails(1, &["error: parts nest more than 8 deep"]),
        ),
        case(
            "stall: an arithmetic overflow in a template",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{{ (-9223372036854775807 - 1) % -1 }}{% endblock main %}",
                );
            },
            Fails(1, &["templates/chapter.html: error: template error"]),
        ),
        case(
            "stall: 5,000 nested brackets in an expression",
            |f| f.write("templates/x.html", format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000))),
            Fails(1, &["templates/x.html:1:", "error: brackets nest more than 100 deep"]),
        ),
        case(
            "stall: a chain of 200 macros",
            |f| {
                let macros: String = (0..200)
                    .map(|i| format!("{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro m{i} %}}", i + 1))
                    .collect();
                f.write("templates/chain.html", macros + "{% macro m200() %}x{% endmacro m200 %}");
            },
            Fails(1, &["templates/chain.html: error: includes and macro calls chain"]),
        ),
        case(
            "stall: a value put inside itself in a loop",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{% set_global x = 1 %}{% for i in range(end=20000) %}{% set_global x = [x] %}{% endfor %}{% endblock main %}",
                );
            },
            Fails(1, &["templates/chapter.html:1:", "puts a value inside itself"]),
        ),
        case(
            "stall: links that reach one folder by many paths",
            |f| {
                for level in 0..24 {
                    std::fs::create_dir_all(f.root().join(format!("static/bomb/l{level}"))).unwrap();
                    for side in ["a", "b"] {
                        symlink(format!("../l{}", level + 1), f.root().join(format!("static/bomb/l{level}/{side}")))
                            .unwrap();
                    }
                }
                f.write("static/bomb/l24/file.txt", "x");
            },
            Fails(1, &["error: this folder is reached a second time through a symbolic link"]),
        ),
        case(
            "stall: tables of a thousand empty columns",
            |f| {
                let header = format!("|{}\n|{}\n", "a|".repeat(1000), "-|".repeat(1000));
                append(f, &(header + &"|x\n".repeat(300)).repeat(10));
            },
            Fails(1, &["01-own-the-roadmap.md: error: the file renders to", "far more than its size explains"]),
        ),
        case(
            "route: names that macOS and Windows see as one",
            |f| {
                f.write("chapters/02-principles/07-secret.md", "+++\ntitle = \"A\"\n+++\na\n");
                f.write("chapters/02-principles/08-\u{17f}ecret.md", "+++\ntitle = \"B\"\n+++\nb\n");
            },
            Fails(
                1,
                &["error: the chapter would take the URL `/principles/\u{17f}ecret/`, already used by the chapter"],
            ),
        ),
        with(
            "out: --force on a bare git repository",
            |f| {
                f.write("../canary/bare.git/HEAD", "ref: refs/heads/main\n");
                f.write("../canary/bare.git/objects/info/packs", "");
            },
            &["--out", "../canary/bare.git", "--force"],
            Fails(2, &["refusing", "a git repository"]),
        ),
        // --- 6. terminal and CI output cannot be forged
        case(
            "terminal: an escape sequence and a workflow command in a key",
            |f| edit(f, EXAMPLE, "weight = 30", "weight = 30\n\"\\u001b[2J\\n::error file=x::forged\" = 1"),
            Fails(1, &["teams/payments/chargebacks-in-euros.md:", "unknown key", "\\u{1b}[2J\\u{a}::error"]),
        ),
        case(
            "terminal: a file name with a newline and a workflow command",
            |f| f.write("chapters/02-principles/x\n::error::forged.md", "+++\ntitle = \"A\"\nownr = 1\n+++\n"),
            Fails(1, &["chapters/02-principles/x\\u{a}::error::forged.md:3:1: error: unknown key `ownr`"]),
        ),
    ]
}

#[test]
fn the_payload_scanner_sees_what_a_browser_would_run() {
    let f = Fixture::empty();
    let page = |html: &str| {
        f.write("public/index.html", html);
        live_payloads(&f.out(), &[CANARY_SECRET])
    };
    assert!(page("<p>plain <a href=\"/x/\">x</a></p><script>document.title</script>").is_empty());
    for live in [
        "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<img src=x onerror=alert(1)>",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
        "<script>alert('PWNED')</script>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<meta http-equiv=refresh content=\"0; url=javascript:alert(1)\">",
        "<p>CANARY-SECRET-7f3a9c</p>",
    ] {
        assert!(!page(live).is_empty(), "{live}");
    }
}

#[test]
fn a_template_loop_that_never_ends_stops_the_build() {
    let f = Fixture::handbook();
    f.write(
        "templates/chapter.html",
        "{% extends \"base.html\" %}{% block main %}{% set l = range(end=1000) %}{% for a in l %}{% for b in l %}{% for c in l %}{% for d in l %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endblock main %}",
    );
    let run = playbook().args(["build"]).current_dir(f.root()).env("PLAYBOOK_RENDER_STALL_SECS", "2").output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: stopped: rendering templates/chapter.html has run for 2 s"), "{stderr}");
}

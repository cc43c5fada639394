//! The bad-input matrix. Each case breaks one thing in a copy of the test
//! handbook that was built once before, runs `playbook build`, and checks:
//! the exit code, the message (file:line:column where there is one), that no
//! file the user wrote changed, and, when the build fails, that the previous
//! site is byte for byte what it was. Cases that must work (a BOM, CRLF, a
//! 20 MB chapter) check the page they produce instead.
//!
//! Every case, these and the attacks of `attacks.rs`, is also held to the
//! trust model: nothing in the canary folder beside the root changed, no
//! built page carries a live payload or a secret (`live_payloads`), and
//! nothing printed can drive a terminal or forge a CI annotation.
//!
//! Every case runs even when an earlier one fails (several at a time), and
//! the test prints how many pass, so one run shows the whole picture.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use crate::harness::*;

pub(crate) const ROADMAP: &str = "chapters/02-principles/01-own-the-roadmap.md";
pub(crate) const EXAMPLE: &str = "teams/payments/chargebacks-in-euros.md";

/// Set in every run's environment: no output may ever hold it.
pub(crate) const ENV_SECRET: &str = "ENV-SECRET-41d2e8";

pub(crate) enum Expect {
    /// Exit code, and fragments that must all appear in stderr.
    Fails(i32, &'static [&'static str]),
    /// Exit 0; the page (below the output folder) holds the text and lacks
    /// every `lacks` text, and stderr holds every fragment (warnings).
    Builds { page: &'static str, holds: &'static str, lacks: &'static [&'static str], stderr: &'static [&'static str] },
}

pub(crate) struct Case {
    pub name: &'static str,
    pub setup: fn(&Fixture),
    pub args: &'static [&'static str],
    pub expect: Expect,
}

pub(crate) fn edit(f: &Fixture, rel: &str, from: &str, to: &str) {
    let text = f.read(rel);
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    f.write(rel, text.replacen(from, to, 1));
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let case = |name, setup, expect| Case { name, setup, args: &[], expect };
    vec![
        // --- playbook.toml
        case(
            "config: malformed TOML",
            |f| f.write("playbook.toml", f.read("playbook.toml") + "language = [\"en\"\n"),
            Fails(1, &["playbook.toml:7:17: error: invalid TOML: unclosed array"]),
        ),
        case(
            "config: unknown key",
            |f| f.write("playbook.toml", f.read("playbook.toml") + "serach = true\n"),
            Fails(1, &["playbook.toml:7:1: error: unknown key `serach`", "did you mean `search`?"]),
        ),
        case(
            "config: wrong type",
            |f| f.write("playbook.toml", f.read("playbook.toml") + "search = \"yes\"\n"),
            Fails(1, &["playbook.toml:7:10: error: `search` must be true or false, found a string"]),
        ),
        case(
            "config: missing required key",
            |f| edit(f, "playbook.toml", "title = \"Engineering Leadership Playbook\"\n", ""),
            Fails(1, &["playbook.toml:1:1: error: missing required key `title`"]),
        ),
        // --- front matter
        case(
            "front matter: malformed TOML",
            |f| edit(f, ROADMAP, "weight = 10", "weight = = 10"),
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md:7:10: error: invalid TOML"]),
        ),
        case(
            "front matter: not closed",
            |f| f.write(ROADMAP, "+++\ntitle = \"A\"\n\nBody without a closing line.\n"),
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md:1:1: error: the front matter is not closed"]),
        ),
        case(
            "front matter: a string for a list",
            |f| edit(f, ROADMAP, "owners = [\"tomas.eriksen\"]", "owners = \"tomas.eriksen\""),
            Fails(
                1,
                &[
                    "chapters/02-principles/01-own-the-roadmap.md:8:10: error: `owners` must be a list of strings, found a string",
                ],
            ),
        ),
        case(
            "front matter: a quoted date",
            |f| edit(f, ROADMAP, "reviewed = 2026-10-02", "reviewed = \"2026-10-02\""),
            Fails(
                1,
                &[
                    "chapters/02-principles/01-own-the-roadmap.md:9:12: error: `reviewed` must be a date like 2026-10-01, found a string",
                    "help: write reviewed = 2026-10-02 (year-month-day, no quotes)",
                ],
            ),
        ),
        case(
            "front matter: an impossible date",
            |f| edit(f, ROADMAP, "reviewed = 2026-10-02", "reviewed = 2026-13-45"),
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md:9:12: error: invalid TOML: invalid date"]),
        ),
        case(
            "front matter: unknown key",
            |f| edit(f, ROADMAP, "owners =", "owner ="),
            Fails(
                1,
                &[
                    "chapters/02-principles/01-own-the-roadmap.md:8:1: error: unknown key `owner`",
                    "did you mean `owners`?",
                ],
            ),
        ),
        case(
            "front matter: missing title",
            |f| edit(f, ROADMAP, "title = \"Own the roadmap\"\n", ""),
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md:1:1: error: missing required key `title`"]),
        ),
        case(
            "example: missing chapter key",
            |f| edit(f, EXAMPLE, "chapter = \"define-success-by-impact\"\n", ""),
            Fails(1, &["teams/payments/chargebacks-in-euros.md:1:1: error: missing required key `chapter`"]),
        ),
        case(
            "part.toml: wrong type",
            |f| f.write("chapters/02-principles/part.toml", "title = 5\n"),
            Fails(1, &["chapters/02-principles/part.toml:1:9: error: `title` must be"]),
        ),
        case(
            "team.toml: unknown key",
            |f| f.write("teams/payments/team.toml", f.read("teams/payments/team.toml") + "leed = \"x\"\n"),
            Fails(1, &["teams/payments/team.toml:5:1: error: unknown key `leed`", "did you mean `lead`?"]),
        ),
        // --- odd files
        case(
            // A chapter may go without front matter; an example may not.
            "an empty example file",
            |f| f.write("teams/payments/roadmap-we-inherited.md", ""),
            Fails(1, &["teams/payments/roadmap-we-inherited.md:1:1: error: the file does not start with `+++`"]),
        ),
        case(
            "a chapter with only front matter",
            |f| f.write(ROADMAP, "+++\ntitle = \"Only front matter\"\n+++\n"),
            Builds {
                page: "principles/own-the-roadmap/index.html",
                holds: "Only front matter",
                lacks: &[],
                stderr: &[],
            },
        ),
        case(
            "invalid UTF-8",
            |f| f.write(ROADMAP, [&b"+++\ntitle = \"A\"\n+++\n\nCaf"[..], b"\xE9 au lait\n"].concat()),
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md:5:4: error: the file is not valid UTF-8 text"]),
        ),
        case(
            "a byte-order mark",
            |f| f.write(ROADMAP, "\u{feff}".to_string() + &f.read(ROADMAP)),
            Builds {
                page: "principles/own-the-roadmap/index.html",
                holds: "<h1>Own the roadmap</h1>",
                lacks: &[],
                stderr: &[],
            },
        ),
        case(
            "CRLF line endings",
            |f| f.write(ROADMAP, f.read(ROADMAP).replace('\n', "\r\n")),
            Builds {
                page: "principles/own-the-roadmap/index.html",
                holds: "<h1>Own the roadmap</h1>",
                lacks: &[],
                stderr: &[],
            },
        ),
        case(
            "CRLF line endings with an error on line 14",
            |f| {
                let text = f.read(ROADMAP).replace('\n', "\r\n");
                let mut lines: Vec<&str> = text.split("\r\n").collect();
                lines.insert(13, "See [nothing](#no-such-heading).");
                f.write(ROADMAP, lines.join("\r\n"));
            },
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md:14:5: error: "]),
        ),
        case(
            "a 20 MB chapter, over the default limit of 16 MiB",
            |f| f.write(ROADMAP, format!("+++\ntitle = \"Huge\"\n+++\n\n{}", "words ".repeat(20_000_000 / 6))),
            Fails(
                1,
                &[
                    "chapters/02-principles/01-own-the-roadmap.md: error: the file is 19.1 MiB; the limit is 16 MiB",
                    "raise `max_file_mib`",
                ],
            ),
        ),
        case(
            "a 20 MB chapter with max_file_mib = 32",
            |f| {
                let paragraph = "A sentence about owning the roadmap, repeated to make a very large chapter. ";
                let block = paragraph.repeat(12) + "\n\n";
                let body = block.repeat(20_000_000 / block.len() + 1);
                f.write(ROADMAP, format!("+++\ntitle = \"Huge\"\n+++\n\n{body}"));
                f.write("playbook.toml", f.read("playbook.toml") + "max_file_mib = 32\n");
            },
            Builds { page: "principles/own-the-roadmap/index.html", holds: "<h1>Huge</h1>", lacks: &[], stderr: &[] },
        ),
        case(
            "10,000-deep block quotes",
            |f| f.write(ROADMAP, format!("+++\ntitle = \"Deep\"\n+++\n\n{}deep\n", "> ".repeat(10_000))),
            Builds { page: "principles/own-the-roadmap/index.html", holds: "deep", lacks: &[], stderr: &[] },
        ),
        case(
            "3,000-deep nested lists",
            |f| {
                let list: String = (0..3_000).map(|depth| "  ".repeat(depth) + "- item\n").collect();
                f.write(ROADMAP, format!("+++\ntitle = \"List\"\n+++\n\n{list}"));
            },
            Builds { page: "principles/own-the-roadmap/index.html", holds: "<li>item", lacks: &[], stderr: &[] },
        ),
        case(
            "a symlink loop",
            |f| std::os::unix::fs::symlink("..", f.root().join("chapters/02-principles/loop")).unwrap(),
            Fails(1, &["chapters/02-principles/loop", "loops back"]),
        ),
        case(
            "an unreadable file",
            |f| std::fs::set_permissions(f.root().join(ROADMAP), PermissionsExt::from_mode(0o000)).unwrap(),
            Fails(1, &["chapters/02-principles/01-own-the-roadmap.md: error: cannot read the file: permission denied"]),
        ),
        case(
            "a named pipe where a chapter should be",
            |f| {
                let fifo = f.root().join("chapters/02-principles/09-pipe.md");
                assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
            },
            Fails(1, &["chapters/02-principles/09-pipe.md: error: this is not a regular file"]),
        ),
        // --- references
        case(
            "duplicate slugs across parts",
            |f| f.write("chapters/03-practice/05-own-the-roadmap.md", "+++\ntitle = \"Again\"\n+++\nbody\n"),
            Fails(1, &["chapters/03-practice/05-own-the-roadmap.md", "own-the-roadmap", "1 error found"]),
        ),
        case(
            "a team example pointing at a missing chapter",
            |f| edit(f, EXAMPLE, "chapter = \"define-success-by-impact\"", "chapter = \"define-success-by-impakt\""),
            Fails(
                1,
                &[
                    "teams/payments/chargebacks-in-euros.md:3:11: error: no chapter has the slug `define-success-by-impakt`",
                    "did you mean `define-success-by-impact`?",
                ],
            ),
        ),
        case(
            "a team example pointing at a draft chapter",
            |f| {
                f.write("chapters/03-practice/02-next-steps.md", "+++\ntitle = \"Next\"\ndraft = true\n+++\nSoon.\n");
                edit(f, EXAMPLE, "chapter = \"define-success-by-impact\"", "chapter = \"next-steps\"");
            },
            Builds {
                page: "teams/payments/index.html",
                holds: "Payments",
                lacks: &["Chargebacks, counted in euros"],
                stderr: &["teams/payments/chargebacks-in-euros.md:3:11: warning: chapter `next-steps` is a draft"],
            },
        ),
        // --- theme overrides
        case(
            "a template syntax error",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock main %}\n",
                );
            },
            Fails(1, &["templates/chapter.html:4:1: error: template error: Failed to parse", "1 error found"]),
        ),
        case(
            "an undefined variable in a template override",
            |f| {
                f.write(
                    "templates/chapter.html",
                    "{% extends \"base.html\" %}{% block main %}{{ page.no_such_thing }}{% endblock main %}",
                );
            },
            // One error for the template, not one per page that uses it.
            Fails(1, &["templates/chapter.html: error: template error", "no_such_thing", "1 error found"]),
        ),
        // --- the output folder
        Case {
            name: "an output folder that cannot be written",
            setup: |f| f.write("not-a-folder", "x"),
            args: &["--out", "not-a-folder/site"],
            expect: Fails(1, &["not-a-folder/site"]),
        },
        Case { name: "--out at the root", setup: |_| {}, args: &["--out", "."], expect: Fails(2, &["refusing"]) },
        Case {
            name: "--out at the folder above the root",
            setup: |_| {},
            args: &["--out", ".."],
            expect: Fails(2, &["refusing"]),
        },
        Case {
            name: "--out inside static/",
            setup: |_| {},
            args: &["--out", "static/site"],
            expect: Fails(2, &["refusing"]),
        },
        Case {
            name: "--out inside chapters/",
            setup: |_| {},
            args: &["--out", "chapters/site"],
            expect: Fails(2, &["refusing"]),
        },
        Case {
            name: "--out at a folder of someone else's files",
            setup: |f| f.write("site/keep.txt", "not ours"),
            args: &["--out", "site"],
            expect: Fails(2, &["--force"]),
        },
    ]
}

#[test]
fn every_bad_input_gets_a_clear_answer_and_loses_nothing() {
    let mut cases = cases();
    cases.extend(crate::attacks::cases());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(case)));
                    let why = match outcome {
                        Ok(Ok(())) => continue,
                        Ok(Err(why)) => why,
                        Err(_) => "the case's own setup panicked".to_string(),
                    };
                    failures.lock().unwrap().push((i, format!("--- {}: {why}", case.name)));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    eprintln!("bad-input matrix: {} of {} cases pass", cases.len() - failures.len(), cases.len());
    let text: Vec<String> = failures.into_iter().map(|(_, why)| why).collect();
    assert!(text.is_empty(), "{}", text.join("\n"));
}

fn run_case(case: &Case) -> Result<(), String> {
    let f = Fixture::handbook();
    f.build(&[]).ok();
    (case.setup)(&f);
    // After the setup, which may itself touch the site (a `.git` in it).
    let site_before = snapshot(&f.out());
    let unprivileged = needs_another_user(&f);
    if unprivileged {
        open_up(&f);
    }
    let sources_before = sources(f.root());
    let canary_before = sources(&f.canary());

    let mut args = vec!["build"];
    args.extend_from_slice(case.args);
    let run = if unprivileged { run_as_nobody(&f, &args) } else { run_build(&f, &args) };

    let said = format!("exit {}\nstderr:\n{}", run.code, run.stderr);
    if run.stderr.contains("panicked") {
        return Err(format!("the binary panicked\n{said}"));
    }
    if sources(f.root()) != sources_before {
        return Err(format!("a source file changed\n{said}"));
    }
    if sources(&f.canary()) != canary_before {
        return Err(format!("a file outside the root changed\n{said}"));
    }
    if run.stderr.contains('\u{1b}') || run.stderr.lines().any(|l| l.trim_start().starts_with("::")) {
        return Err(format!("the output could drive a terminal or forge a CI command\n{said}"));
    }
    let mut published = vec![f.out(), f.root().join(".public.spare")];
    // Output folders the case names inside the root (one outside it is
    // refused, and the canary check covers it).
    let inside = |a: &&&str| !a.starts_with('-') && !a.contains("..") && !a.starts_with('~');
    published.extend(case.args.iter().filter(inside).map(|a| f.root().join(a.trim_end_matches('/'))));
    for dir in published {
        let live = live_payloads(&dir, &[CANARY_SECRET, ENV_SECRET]);
        if !live.is_empty() {
            return Err(format!("a payload is live or a secret published:\n{}\n{said}", live.join("\n")));
        }
    }
    match &case.expect {
        Expect::Fails(code, fragments) => {
            if run.code != *code {
                return Err(format!("expected exit {code}\n{said}"));
            }
            if let Some(missing) = fragments.iter().find(|m| !run.stderr.contains(*m)) {
                return Err(format!("stderr lacks {missing:?}\n{said}"));
            }
            let out_is_link = std::fs::symlink_metadata(f.out()).is_ok_and(|m| m.file_type().is_symlink());
            if !out_is_link && snapshot(&f.out()) != site_before {
                return Err(format!("the previous site changed\n{said}"));
            }
        }
        Expect::Builds { page, holds, lacks, stderr } => {
            if run.code != 0 {
                return Err(format!("expected success\n{said}"));
            }
            if let Some(missing) = stderr.iter().find(|m| !run.stderr.contains(*m)) {
                return Err(format!("stderr lacks {missing:?}\n{said}"));
            }
            let html = std::fs::read_to_string(f.out().join(page)).map_err(|e| format!("{page}: {e}"))?;
            if !html.contains(holds) {
                return Err(format!("{page} lacks {holds:?}"));
            }
            if let Some(found) = lacks.iter().find(|t| html.contains(*t)) {
                return Err(format!("{page} should not hold {found:?}"));
            }
        }
    }
    Ok(())
}

/// Every file the user wrote: the root without the output folder (and its
/// spare and staging copies beside it), symlinks
/// and special files recorded as what they are, never followed or opened.
pub(crate) fn sources(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let kind = entry.file_type().unwrap();
            if rel == "public" || rel.starts_with(".public.") {
                continue;
            } else if kind.is_dir() {
                stack.push(path);
            } else if kind.is_symlink() {
                out.insert(rel, std::fs::read_link(&path).unwrap().into_os_string().into_encoded_bytes());
            } else if kind.is_file() {
                let meta = entry.metadata().unwrap();
                let mut bytes = std::fs::read(&path).unwrap_or_default();
                bytes.extend(format!("\0mode {:o}", meta.mode()).bytes());
                out.insert(rel, bytes);
            } else {
                out.insert(rel, b"special".to_vec());
            }
        }
    }
    out
}

/// Runs the build with a home folder and a secret in its environment that
/// no output may touch or hold.
fn run_build(f: &Fixture, args: &[&str]) -> Run {
    let out = playbook()
        .args(args)
        .current_dir(f.root())
        .env("NO_COLOR", "1")
        .env("HOME", f.canary())
        .env("PLAYBOOK_TEST_SECRET", ENV_SECRET)
        .output()
        .unwrap();
    Run::from(out)
}

/// An unreadable file is only unreadable to someone who is not root.
fn needs_another_user(f: &Fixture) -> bool {
    let owner_is_root = std::fs::metadata(f.root()).unwrap().uid() == 0;
    owner_is_root && std::fs::metadata(f.root().join(ROADMAP)).is_ok_and(|m| m.mode() & 0o777 == 0)
}

/// Opens the tree up to `nobody`, except for the file meant to be unreadable.
fn open_up(f: &Fixture) {
    let status = Command::new("chmod").args(["-R", "a+rwX"]).arg(f.root()).status().unwrap();
    assert!(status.success());
    std::fs::set_permissions(f.root().join(ROADMAP), PermissionsExt::from_mode(0o000)).unwrap();
}

/// Runs a copy of the binary as `nobody` (the original may sit in a folder
/// only root can enter).
fn run_as_nobody(f: &Fixture, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), PermissionsExt::from_mode(0o755)).unwrap();
    let copy = dir.path().join("playbook");
    std::fs::copy(bin(), &copy).unwrap();
    let run = || {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&copy)
            .args(args)
            .current_dir(f.root())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", TEST_EPOCH)
            .output()
            .expect("run setpriv (util-linux)")
    };
    // A child another test thread forks while the copy is open for writing
    // holds it open until it execs: running the copy then fails with
    // "Text file busy" (ETXTBSY), a race of the test, not of playbook.
    let mut out = run();
    for _ in 0..20 {
        if !String::from_utf8_lossy(&out.stderr).contains("Text file busy") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        out = run();
    }
    Run::from(out)
}

//! The checks only a browser can make (validity, accessibility, theme
//! behaviour, live reload, search) live in `tests/browser/` as node tests
//! driving Debian's Chromium. This runs them as part of `cargo test`, against
//! the binary cargo just built. `.ci/run` installs their dependencies and
//! sets `PLAYBOOK_BROWSER_TESTS=required`; without that, a machine that lacks
//! Chromium, Java or the npm packages skips them and says so once.

use std::path::Path;
use std::process::Command;

use crate::harness::*;

/// What the browser suite needs that this machine lacks.
fn missing(dir: &Path) -> Vec<&'static str> {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| Path::new("/usr/bin/chromium").is_file(), |p| Path::new(&p).is_file());
    let runs = |cmd: &str, arg: &str| Command::new(cmd).arg(arg).output().is_ok_and(|o| o.status.success());
    let mut out = Vec::new();
    if !chromium {
        out.push("Chromium (apt-get install chromium)");
    }
    if !runs("java", "-version") {
        out.push("Java (apt-get install default-jre-headless)");
    }
    if !runs("node", "--version") {
        out.push("Node.js");
    }
    if !dir.join("node_modules/playwright-core").is_dir() {
        out.push("the npm packages (npm ci --ignore-scripts in tests/browser)");
    }
    out
}

#[test]
fn browser_suite_passes() {
    let dir = repo().join("tests/browser");
    let lacking = missing(&dir);
    if !lacking.is_empty() {
        let required = std::env::var("PLAYBOOK_BROWSER_TESTS").is_ok_and(|v| v == "required");
        assert!(!required, "PLAYBOOK_BROWSER_TESTS=required, but this machine lacks {}", lacking.join(", "));
        eprintln!(
            "note: the browser tests were SKIPPED: this machine lacks {}. `bash .ci/run` installs them.",
            lacking.join(", ")
        );
        return;
    }
    let out = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .current_dir(&dir)
        .env("PLAYBOOK_BIN", bin())
        .output()
        .expect("run node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success(), "browser tests failed:\n{text}");
    assert!(text.contains("ℹ fail 0") && !text.contains("ℹ pass 0"), "no browser test ran:\n{text}");
}

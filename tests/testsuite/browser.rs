//! The checks only a browser can make (validity, accessibility, theme
//! behaviour, live reload, search) live in `tests/browser/` as node tests
//! driving Debian's Chromium. This runs them as part of `cargo test`, against
//! the binary cargo just built. `.ci/run` installs their dependencies.

use std::process::Command;

use crate::harness::*;

#[test]
fn browser_suite_passes() {
    let dir = repo().join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "browser test dependencies are missing: run `bash .ci/run` once (or `npm ci --ignore-scripts` in tests/browser, and `apt-get install chromium default-jre-headless`)"
    );
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

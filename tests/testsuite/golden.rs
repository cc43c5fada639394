//! The output, byte for byte, of two builds recorded in `tests/golden/`:
//! the test handbook and a generated 1,000-chapter playbook. A refactoring
//! must leave them as they are; a change that is meant to change the
//! output updates them (`PLAYBOOK_BLESS=1 cargo test golden`) in a commit
//! that says why.

use std::path::Path;

use crate::harness::*;

/// FNV-1a over every file's path and bytes, in path order.
fn tree_hash(dir: &Path) -> (String, usize) {
    let mut files = snapshot(dir);
    files.remove(".playbook-output");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, bytes) in &files {
        for b in path.bytes().chain([0]).chain(bytes.iter().copied()).chain([0]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (format!("{hash:016x}"), files.len())
}

fn compare(name: &str, f: &Fixture) {
    let out = f.root().join("site");
    let run = playbook().args(["build", "-q", "--out"]).arg(&out).current_dir(f.root()).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (hash, count) = tree_hash(&out);
    let recorded = repo().join(format!("tests/golden/{name}.hash"));
    let line = format!("{hash} {count} files\n");
    if std::env::var_os("PLAYBOOK_BLESS").is_some() {
        std::fs::write(&recorded, &line).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&recorded).unwrap_or_default();
    assert_eq!(
        line, expected,
        "the output of the {name} build changed; if that is intended, run PLAYBOOK_BLESS=1 cargo test golden and say why in the commit"
    );
}

#[test]
fn the_output_is_what_was_recorded() {
    compare("handbook", &Fixture::handbook());
    let big = Fixture::generated(&[
        "--chapters",
        "1000",
        "--parts",
        "20",
        "--teams",
        "5",
        "--examples-per-team",
        "4",
        "--seed",
        "1",
    ]);
    compare("generated-1000", &big);
}

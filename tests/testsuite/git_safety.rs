//! The one external program a build runs is `git log` (for "Updated"
//! dates). A pull request can make the playbook root itself look like a
//! bare repository whose `config` names a program to run; the build must
//! never run it.

use std::process::Command;

use crate::harness::*;

#[test]
fn a_repository_planted_in_the_root_cannot_make_the_build_run_a_program() {
    let f = Fixture::handbook();
    let root = f.root();
    let ran = f.canary().join("ran");
    let evil = f.canary().join("evil.sh");
    std::fs::write(&evil, format!("#!/bin/sh\necho \"$PLAYBOOK_TEST_SECRET\" > {}\n", ran.display())).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&evil, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The root becomes a bare repository holding one "signed" commit.
    git(root, &["init", "-q", "--bare", "."], None);
    git(root, &["config", "log.showSignature", "true"], None);
    git(root, &["config", "gpg.program", &evil.to_string_lossy()], None);
    let blob = git(root, &["hash-object", "-w", "playbook.toml"], None);
    let tree = git(root, &["mktree"], Some(&format!("100644 blob {blob}\tplaybook.toml\n")));
    let commit = format!(
        "tree {tree}\nauthor t <t@example.com> 1700000000 +0000\ncommitter t <t@example.com> 1700000000 +0000\n\
         gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\nsigned\n"
    );
    let id = git(root, &["hash-object", "-t", "commit", "-w", "--stdin"], Some(&commit));
    git(root, &["update-ref", "HEAD", &id], None);
    // Sanity: plain git would run the program.
    let _ = Command::new("git").args(["log", "-1"]).current_dir(root).output();
    assert!(ran.exists(), "the planted repository is not live; the test proves nothing");
    std::fs::remove_file(&ran).unwrap();

    for cmd in [&["build"][..], &["check"][..]] {
        let run = playbook().args(cmd).current_dir(root).env("PLAYBOOK_TEST_SECRET", "s3cr3t").output().unwrap();
        assert!(run.status.code().is_some(), "{cmd:?} crashed");
        assert!(!ran.exists(), "`playbook {}` ran a program named by the playbook's files", cmd[0]);
    }
}

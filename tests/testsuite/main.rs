//! Integration tests: each runs the real binary on a real playbook folder.

mod harness;

mod build;
mod errors;
mod init;
mod output;

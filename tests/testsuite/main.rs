//! Integration tests: each runs the real binary on a real playbook folder.

// Helpers panic on a broken fixture: that is the failure report.
#![allow(clippy::unwrap_used)]

mod harness;

mod attacks;
mod authoring;
mod browser;
mod build;
mod changes;
mod check;
mod errors;
mod features;
mod git_safety;
mod golden;
mod import;
mod init;
mod load;
mod matrix;
mod output;
mod owners;
mod reliability;
mod serve;
mod serve_abuse;
mod serve_edits;
mod serve_quick;
mod stemming;
mod url_guard;

//! Integration tests: each runs the real binary on a real playbook folder.

mod harness;

mod attacks;
mod browser;
mod build;
mod check;
mod errors;
mod git_safety;
mod golden;
mod init;
mod load;
mod matrix;
mod output;
mod reliability;
mod serve;
mod serve_abuse;
mod serve_edits;

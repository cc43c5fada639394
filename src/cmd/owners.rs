//! `playbook owners`: the CODEOWNERS lines for every chapter, drafts
//! included (a draft is reviewed too), with paths from the repository's
//! top when the playbook is in one.

use super::{Failure, Verbosity, display_root};
use crate::cli::OwnersArgs;
use crate::codeowners::{self, Owned};
use crate::compile;
use crate::content::{self, LoadOptions};
use crate::sources::{Sources, config, git};

pub(crate) fn run(args: &OwnersArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let root = compile::find_root(args.root.root.as_deref()).map_err(Failure::Usage)?;
    let sources = Sources::open(&root).map_err(Failure::Usage)?;
    let cfg = config::load(&sources).map_err(|diags| Failure::content(display_root(&root), diags))?;
    let opts = LoadOptions { drafts: true, team: None };
    let (book, diags) =
        content::load(&sources.with_limit_mib(cfg.max_file_mib), cfg, &opts, &content::Parsed::default());
    if crate::diagnostics::count_errors(&diags) > 0 {
        return Err(Failure::content(display_root(&root), diags));
    }
    let prefix = match git::repository(&root) {
        Some((_, prefix)) => prefix,
        None => {
            if verbosity != Verbosity::Quiet {
                eprintln!("note: not in a git repository: paths are relative to the playbook root");
            }
            String::new()
        }
    };
    print!("{}", codeowners::generate(&owned(book.chapters.iter()), &prefix));
    Ok(())
}

/// The chapters as CODEOWNERS sees them.
pub(crate) fn owned<'a>(chapters: impl Iterator<Item = &'a content::Chapter>) -> Vec<Owned<'a>> {
    chapters
        .map(|c| Owned { file: &c.doc.file, owners: &c.meta.owners, text: &c.doc.text, at: c.meta.keys.key("owners") })
        .collect()
}

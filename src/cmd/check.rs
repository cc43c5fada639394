//! `playbook check`: every validation of a build (templates rendered too,
//! into nothing) plus the review warnings; prints in the requested format.

use std::io::IsTerminal;

use super::{Failure, Verbosity, display_root, url_guard};
use crate::cli::{CheckArgs, Format};
use crate::compile::published::{self, Published};
use crate::compile::{self, Options};
use crate::date::Date;
use crate::diagnostics::lint;
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::render::theme;
use crate::render::{self, Plan, PrintCache, Selection};
use crate::write::sink::Discard;

/// Returns whether the check passed (exit 0) or not (exit 1).
pub(crate) fn run(args: &CheckArgs, verbosity: Verbosity) -> Result<bool, Failure> {
    let root = match compile::find_root(args.root.root.as_deref()) {
        Ok(root) => root,
        Err(why) => {
            // Machine formats stay parseable: the problem is an item too.
            // (In human form the usage error itself is the message.)
            if args.format != Format::Human {
                let d = Diagnostic::error("no-playbook", "", why.clone());
                print(&[d], std::path::Path::new(""), args.format, verbosity);
            }
            return Err(Failure::Usage(why));
        }
    };
    let shown_root = display_root(&root);
    let opts = Options { load: args.edition.load_options(), base_url: None };
    // Every problem in one run: a site with errors is still linted and its
    // templates still rendered, so an author needs one push, not two.
    // What `--base` needs of the working tree's site: its pages and address.
    let mut now: Option<(Published, String)> = None;
    let mut diags = match compile::compile_all(&root, &opts, &compile::Earlier::default()) {
        Err(diags) => diags,
        Ok(compiled) => {
            if args.base.is_some() {
                now = Some((published::of_site(&compiled.site), compiled.site.config.base_url.clone()));
            }
            let mut diags = compiled.warnings;
            diags.extend(lint::warnings(&compiled.site, Date::today()));
            diags.extend(codeowners_warnings(&root, &compiled.site));
            match theme::load(&compiled.site.sources, &compiled.site.config) {
                Ok(theme) => {
                    let cache = PrintCache::default();
                    let plan = Plan { selection: Selection::All, print_cache: &cache, search: false, print: true };
                    let rendered = render::render(&compiled.site, &theme, &Discard, &plan, &|| {});
                    if let Err(mut more) = rendered {
                        diags.append(&mut more);
                    }
                }
                Err(mut more) => diags.append(&mut more),
            }
            diags
        }
    };
    if let Some(usage) = super::usage_error(&diags) {
        return Err(usage);
    }
    let (now, base_url) = now.unzip();
    let guard = match &args.base {
        None => None,
        Some(rev) => {
            let c = url_guard::compare(&root, rev, &opts.load, now).map_err(|why| {
                let why = format!("--base {rev}: {why}");
                if args.format != Format::Human {
                    print(&[Diagnostic::error("no-base", "", why.clone())], &shown_root, args.format, verbosity);
                }
                Failure::Usage(why)
            })?;
            let lost = url_guard::lost_urls(&c);
            let count = lost.len();
            diags.extend(lost);
            Some((c, count))
        }
    };
    diagnostics::sort(&mut diags);
    let errors = diagnostics::count_errors(&diags);
    let warnings = diags.len() - errors;
    // `-q`: errors only (warnings too under --strict, where they fail).
    if verbosity == Verbosity::Quiet && !args.strict {
        diags.retain(Diagnostic::is_error);
    }
    print(&diags, &shown_root, args.format, verbosity);
    if let Some((c, lost)) = &guard {
        report_change(c, *lost, base_url.as_deref().unwrap_or("/"), args.format, verbosity);
    }
    if args.strict && errors == 0 && warnings > 0 && verbosity != Verbosity::Quiet && args.format == Format::Human {
        eprintln!("check failed: --strict fails on warnings");
    }
    Ok(errors == 0 && (!args.strict || warnings == 0))
}

/// Where the repository's CODEOWNERS disagrees with the front matter.
fn codeowners_warnings(root: &std::path::Path, site: &crate::compile::site::Site) -> Vec<Diagnostic> {
    let Some((top, prefix)) = crate::sources::git::repository(root) else { return Vec::new() };
    let Some((shown, text)) = crate::sources::git::codeowners(&top, &prefix) else { return Vec::new() };
    let chapters = super::owners::owned(site.chapters.iter().map(|c| &c.chapter));
    let exists = |file: &str| site.docs.contains_key(file) || site.drafts.iter().any(|f| f == file);
    crate::codeowners::stale(&chapters, &prefix, &text, &shown, &exists)
}

/// What the change does to the handbook: the job summary under `--format
/// github` (to `$GITHUB_STEP_SUMMARY` when set, else printed), a count
/// line for a person.
fn report_change(c: &url_guard::Comparison, lost: usize, base: &str, format: Format, verbosity: Verbosity) {
    match format {
        Format::Github => {
            let text = url_guard::summary(c, lost, base);
            let written = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()).map(|path| {
                std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(path)
                    .and_then(|mut f| std::io::Write::write_all(&mut f, format!("{text}\n").as_bytes()))
            });
            match written {
                Some(Ok(())) => {}
                Some(Err(e)) => eprintln!("cannot write the job summary to $GITHUB_STEP_SUMMARY: {e}"),
                None => println!("{text}"),
            }
        }
        Format::Human if verbosity != Verbosity::Quiet => {
            let fates = url_guard::fates(c);
            let count = |f: fn(&url_guard::Fate<'_>) -> bool| fates.iter().filter(|x| f(x)).count();
            eprintln!(
                "against {}: {} added, {} changed, {} moved, {} removed; {lost} published URL{} lost",
                crate::diagnostics::clean(&c.rev),
                count(|f| matches!(f, url_guard::Fate::Added(..))),
                count(|f| matches!(f, url_guard::Fate::Changed(..))),
                count(|f| matches!(f, url_guard::Fate::Moved(..))),
                count(|f| matches!(f, url_guard::Fate::Removed(..))),
                super::plural(lost)
            );
        }
        _ => {}
    }
}

fn print(diags: &[Diagnostic], root: &std::path::Path, format: Format, verbosity: Verbosity) {
    match format {
        Format::Json => println!("{}", diagnostics::format_json(diags, root)),
        Format::Github => {
            for d in diags {
                println!("{}", diagnostics::format_github(d, root));
            }
        }
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for d in diags {
                println!("{}", diagnostics::format_human(d, root, color));
            }
            let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
            let warnings = diags.len() - errors;
            if verbosity == Verbosity::Quiet {
                return;
            }
            if diags.is_empty() {
                eprintln!("No problems found.");
            } else {
                eprintln!("{errors} error{}, {warnings} warning{}", super::plural(errors), super::plural(warnings));
            }
        }
    }
}

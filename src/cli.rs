//! The command line, as clap derive types. Validation of what the flags
//! mean happens in the commands; this file only says what can be typed.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "playbook", version, about = "Publish an engineering leadership playbook as a static site")]
pub(crate) struct Cli {
    /// Print nothing but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Explain what was loaded and where the time went
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Create a new playbook in DIR: the sample handbook, or a blank start with --minimal
    Init(InitArgs),
    /// Build the site into the output folder
    Build(BuildArgs),
    /// Serve the site, rebuild on every save and reload open browser tabs
    Serve(ServeArgs),
    /// Validate everything a build would, plus review warnings; writes nothing
    Check(CheckArgs),
    /// Create a chapter, a team example or a team with its front matter filled in
    #[command(subcommand)]
    New(NewCommand),
    /// Turn an existing handbook (an mdBook, plain markdown, YAML front matter) into a new playbook
    Import(ImportArgs),
    /// Print a CODEOWNERS file from the chapters' `owners` (@handles and @org/teams)
    Owners(OwnersArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `playbook man > playbook.1`
    Man,
}

#[derive(Args, Debug)]
pub(crate) struct InitArgs {
    /// Folder to create the playbook in [default: the current folder]
    pub dir: Option<PathBuf>,
    /// Write into a folder that is not empty, replacing files of the same name
    #[arg(long)]
    pub force: bool,
    /// A blank start: playbook.toml, one chapter and an onboarding page, instead of the sample handbook
    #[arg(long)]
    pub minimal: bool,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct RootArg {
    /// Playbook root [default: the nearest folder with playbook.toml: ., else ./playbook, else a parent]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Which content a build shows: shared by build, serve and check.
#[derive(Args, Debug, Clone)]
pub(crate) struct EditionArgs {
    /// One team's edition: only that team's examples appear
    #[arg(long, value_name = "ID")]
    pub team: Option<String>,
    /// Include chapters and examples marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
}

impl EditionArgs {
    pub(crate) fn load_options(&self) -> crate::content::LoadOptions {
        crate::content::LoadOptions { drafts: self.drafts, team: self.team.clone() }
    }
}

#[derive(Args, Debug)]
pub(crate) struct ImportArgs {
    /// The handbook to import (read, never changed)
    pub src: PathBuf,
    /// Folder for the new playbook: must not exist, or be empty [default: ./playbook]
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// What SRC is [default: detected: book.toml means mdbook, `---` front matter yaml, else markdown]
    #[arg(long, value_enum, value_name = "KIND")]
    pub from: Option<crate::import::Kind>,
    /// The repository's web address: links to its files there (URL/blob/BRANCH/PATH) become links between pages
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct OwnersArgs {
    #[command(flatten)]
    pub root: RootArg,
}

#[derive(Args, Debug)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output folder [default: public/ inside the root]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub edition: EditionArgs,
    /// Override `base_url` from playbook.toml (e.g. /handbook/)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Replace an output folder that holds files playbook did not write: its
    /// contents are DELETED and the site put in their place. Never a home
    /// folder, a file-system root, the playbook or a folder holding `.git`
    /// or `playbook.toml`
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Address to listen on (an IP address or `localhost`) [default: 127.0.0.1]. Anything but loopback
    /// exposes the site to your network; when given, requests for any host name are answered
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Port to listen on [default: 3000, or the next free one]
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub edition: EditionArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// `path:line:col: error: message`, with the source line
    Human,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// One JSON array of {severity, file, line, column, code, message, help}
    Json,
}

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,
    /// Also fail on every page published at git revision REV (a branch, tag or commit) that would be
    /// gone, unless an alias now serves it; `--format github` adds a job summary of the change
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    #[command(flatten)]
    pub edition: EditionArgs,
}

#[derive(Subcommand, Debug)]
pub(crate) enum NewCommand {
    /// Create chapters/[PART/]NN-slug.md
    Chapter {
        #[command(flatten)]
        root: RootArg,
        /// Part folder to put it in: its folder name, slug or title
        #[arg(long)]
        part: Option<String>,
        /// The chapter's title
        title: String,
    },
    /// Create teams/ID/slug.md, attached to a chapter
    Example {
        #[command(flatten)]
        root: RootArg,
        /// Team id (its folder under teams/)
        #[arg(long)]
        team: String,
        /// Slug of the chapter the example illustrates
        #[arg(long)]
        chapter: String,
        /// The example's title
        title: String,
    },
    /// Create teams/ID/team.toml
    Team {
        #[command(flatten)]
        root: RootArg,
        /// The team's display name (default: from the id)
        #[arg(long)]
        name: Option<String>,
        /// Team id: lowercase letters, digits and hyphens (its folder under teams/)
        id: String,
    },
}

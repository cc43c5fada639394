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
    /// Create a new playbook (the bundled example content) in DIR
    Init(InitArgs),
    /// Build the site into the output folder
    Build(BuildArgs),
    /// Serve the site, rebuild on every save and reload open browser tabs
    Serve(ServeArgs),
}

#[derive(Args, Debug)]
pub(crate) struct InitArgs {
    /// Folder to create the playbook in [default: the current folder]
    pub dir: Option<PathBuf>,
    /// Write into a folder that is not empty, replacing files of the same name
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct RootArg {
    /// Playbook root [default: the nearest folder with playbook.toml: ., else ./playbook, else a parent]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output folder [default: public/ inside the root]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Build one team's edition: only that team's examples appear
    #[arg(long, value_name = "ID")]
    pub team: Option<String>,
    /// Include chapters and examples marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// Override `base_url` from playbook.toml (e.g. /handbook/)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Replace an output folder even if it holds files playbook did not write
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Address to listen on; anything but loopback exposes the site to your network
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on [default: 3000, or the next free one]
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// Serve one team's edition
    #[arg(long, value_name = "ID")]
    pub team: Option<String>,
    /// Include drafts
    #[arg(long)]
    pub drafts: bool,
}

//! `charthouse completion SHELL`: shell completion scripts generated from the flag definitions.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

/// Arguments of `charthouse completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to generate the script for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script for the chosen shell to stdout.
pub fn run(args: &CompletionArgs) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "charthouse", &mut script);
    crate::output::print(&String::from_utf8_lossy(&script))
}

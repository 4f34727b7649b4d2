//! One module per subcommand: translate arguments, call the library, print.

pub mod completion;
pub mod demo;
pub mod dependency;
pub mod env;
pub mod lint;
pub mod package;
pub mod pull;
pub mod push;
pub mod registry;
pub mod release;
pub mod repo;
pub mod sandbox;
pub mod search;
pub mod show;
pub mod stack;
pub mod stack_cluster;
pub mod template;
pub mod version;

use crate::cli::{Cli, Command};
use crate::settings::Settings;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Version(args) => version::run(&args),
        Command::Demo(args) => demo::run(&args, &cli.global, &Settings::from_process(&cli.global)),
        Command::Install(args) => {
            release::install::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Upgrade(args) => {
            release::upgrade::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Rollback(args) => {
            release::rollback::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Uninstall(args) => {
            release::uninstall::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::History(args) => {
            release::history::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Status(args) => {
            release::status::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::List(args) => {
            release::list::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Get(args) => {
            release::get::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Test(args) => {
            release::test::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Env(args) => env::run(&args, &Settings::from_process(&cli.global)),
        Command::Completion(args) => completion::run(&args),
        Command::Sandbox(args) => sandbox::run(&args, &Settings::from_process(&cli.global)),
        Command::Template(args) => template::run(&args, &Settings::from_process(&cli.global)),
        Command::Lint(args) => lint::run(&args, &Settings::from_process(&cli.global)),
        Command::Show(args) => show::run(&args, &Settings::from_process(&cli.global)),
        Command::Stack(args) => {
            stack::run(&args, &cli.global, &Settings::from_process(&cli.global))
        }
        Command::Repo(args) => repo::run(&args, &Settings::from_process(&cli.global)),
        Command::Search(args) => search::run(&args, &Settings::from_process(&cli.global)),
        Command::Pull(args) => pull::run(&args, &Settings::from_process(&cli.global)),
        Command::Push(args) => push::run(&args, &Settings::from_process(&cli.global)),
        Command::Registry(args) => registry::run(&args, &Settings::from_process(&cli.global)),
        Command::Package(args) => package::run(&args, &Settings::from_process(&cli.global)),
        Command::Dependency(args) => dependency::run(&args, &Settings::from_process(&cli.global)),
    }
}

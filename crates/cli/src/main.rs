//! `charthouse`: manage Helm releases on Kubernetes, compatible with helm v4.3.1.
//!
//! This binary is glue: it parses flags ([`cli`]), resolves helm's settings from flags and
//! environment ([`settings`]), calls one action and prints its result. Release logic lives in
//! the library crates.
//!
//! Exit codes: 0 on success, 1 when a command fails, 2 when the command line is invalid,
//! 101 on an internal error (a bug).

mod cli;
mod commands;
mod logging;
mod output;
mod release_output;
mod settings;

use std::process::ExitCode;

use clap::Parser as _;

/// Exit code for a command that ran and failed (helm uses 1 as well).
const EXIT_FAILURE: u8 = 1;
/// Exit code for a command line that could not be parsed.
const EXIT_USAGE: u8 = 2;
/// Exit code for a bug: a panic that reached `main` (Rust's own code for a panic).
const EXIT_INTERNAL: u8 = 101;

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match parse_template_fast().map_or_else(cli::Cli::try_parse, Ok) {
        Ok(cli) => cli,
        Err(err) => return report_usage_error(&err),
    };
    if let Err(err) = logging::init(&cli.global) {
        eprintln!("Error: {err:#}");
        return ExitCode::from(EXIT_USAGE);
    }
    // A panic that a library contains (catch_unwind) must not print anything; one that
    // reaches here is our bug, reported once, in one paragraph.
    let outcome = std::panic::catch_unwind(|| commands::run(cli));
    let result = match outcome {
        Ok(result) => result,
        Err(_) => {
            report_internal_error();
            return ExitCode::from(EXIT_INTERNAL);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::debug!(error = ?err, "command failed");
            eprintln!("Error: {err:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// `charthouse template ...` parsed with a command that knows only `template` and the
/// global flags, from the same definitions as [`cli::Cli`].
///
/// Building clap's full command (every subcommand, global flags copied into each) costs
/// about a fifth of a millisecond and a hundred page faults, a few percent of a small
/// render. Anything this parser does not accept as-is (help, version, a mistake, flags
/// before the subcommand) goes to the full parser, so messages stay the same.
fn parse_template_fast() -> Option<cli::Cli> {
    use clap::{Args as _, FromArgMatches as _};
    if std::env::args_os().nth(1)? != "template" {
        return None;
    }
    let template = commands::template::TemplateArgs::augment_args(clap::Command::new("template"));
    let command =
        cli::GlobalArgs::augment_args(clap::Command::new("charthouse")).subcommand(template);
    let matches = command.try_get_matches_from(std::env::args_os()).ok()?;
    let global = cli::GlobalArgs::from_arg_matches(&matches).ok()?;
    let args =
        commands::template::TemplateArgs::from_arg_matches(matches.subcommand_matches("template")?)
            .ok()?;
    Some(cli::Cli {
        global,
        command: cli::Command::Template(args),
    })
}

/// Prints clap's verdict on the command line.
///
/// `--help` and `--version` go to stdout with exit 0. Real mistakes become one line on
/// stderr (plus clap's "similar command" tip when it has one) and exit 2: clap's own
/// multi-line usage block buries the one fact the user needs.
fn report_usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Printing help can only fail on a closed stdout, where there is nobody to tell.
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(EXIT_USAGE)
        }
        _ => {
            eprintln!("Error: {}", one_line_usage_error(&err.render().to_string()));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Condenses clap's rendered error to one line: the `error:` line, a similarity tip if any,
/// and where to look for usage.
fn one_line_usage_error(rendered: &str) -> String {
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .unwrap_or("invalid command line")
        .trim_start_matches("error: ");
    let tip = lines
        .filter_map(|l| l.strip_prefix("tip: "))
        .find(|t| t.contains("similar"));
    match tip {
        Some(tip) => format!("{first} ({tip}; run 'charthouse --help' for usage)"),
        None => format!("{first} (run 'charthouse --help' for usage)"),
    }
}

/// Where the panic hook leaves the last panic's description for [`report_internal_error`].
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// A panic is always our bug, never the user's. The hook only records it: libraries may
/// contain panics of their dependencies (goyaml does, for its YAML scanner), and those must
/// stay silent. Unless `RUST_BACKTRACE` asks for Rust's own report.
fn install_panic_hook() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// Says, in one paragraph, that a panic escaped: it is a bug, here is what to report.
fn report_internal_error() {
    let what = LAST_PANIC
        .lock()
        .ok()
        .and_then(|mut last| last.take())
        .unwrap_or_else(|| "no details".to_owned());
    eprintln!(
        "Error: internal error in charthouse {} ({what}).\n\
         This is a bug; please report it with the command you ran. \
         Set RUST_BACKTRACE=1 for a backtrace.",
        env!("CARGO_PKG_VERSION")
    );
}

#[cfg(test)]
mod tests {
    use super::one_line_usage_error;

    #[test]
    fn condenses_unknown_subcommand_with_tip() {
        let rendered = "error: unrecognized subcommand 'verison'\n\n  tip: a similar subcommand exists: 'version'\n\nUsage: charthouse [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line_usage_error(rendered),
            "unrecognized subcommand 'verison' (a similar subcommand exists: 'version'; run 'charthouse --help' for usage)"
        );
    }

    #[test]
    fn drops_unrelated_tips() {
        let rendered = "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n\nUsage: charthouse env\n";
        assert_eq!(
            one_line_usage_error(rendered),
            "unexpected argument '--bogus' found (run 'charthouse --help' for usage)"
        );
    }
}

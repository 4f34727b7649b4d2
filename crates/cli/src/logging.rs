//! Logging to stderr with `tracing`.
//!
//! `RUST_LOG` (an `EnvFilter` directive) wins when set, so a developer can turn on one
//! module; otherwise `--debug` means debug and `--log-level` picks the level.

use anyhow::Context as _;
use tracing_subscriber::EnvFilter;

use crate::cli::{GlobalArgs, LogLevel};

/// Installs the global subscriber. Fails only on an invalid `RUST_LOG` directive.
pub fn init(global: &GlobalArgs) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::try_new(&directives)
            .with_context(|| format!("invalid RUST_LOG value {directives:?}"))?,
        _ => EnvFilter::new(level_directive(global)),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .compact()
        .init();
    Ok(())
}

fn level_directive(global: &GlobalArgs) -> &'static str {
    if global.debug && matches!(global.log_level, LogLevel::Error | LogLevel::Warn) {
        return "debug";
    }
    match global.log_level {
        LogLevel::Error => "error",
        LogLevel::Warn => "warn",
        LogLevel::Info => "info",
        LogLevel::Debug => "debug",
        LogLevel::Trace => "trace",
    }
}

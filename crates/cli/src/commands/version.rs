//! `charthouse version`.

use clap::Args;

use crate::cli::HELM_COMPAT_VERSION;
use crate::output;

/// Arguments of `charthouse version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print only the version number
    #[arg(long)]
    pub short: bool,
}

/// Prints the version, and unless `--short`, the helm version we are compatible with.
pub fn run(args: &VersionArgs) -> anyhow::Result<()> {
    output::print(&render(args.short))
}

fn render(short: bool) -> String {
    let version = env!("CARGO_PKG_VERSION");
    if short {
        format!("v{version}\n")
    } else {
        format!("charthouse v{version} (compatible with helm {HELM_COMPAT_VERSION})\n")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_the_helm_version() {
        assert!(super::render(false).ends_with("(compatible with helm v4.3.1)\n"));
        assert_eq!(
            super::render(true),
            format!("v{}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

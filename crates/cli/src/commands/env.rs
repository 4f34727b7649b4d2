//! `charthouse env`: the resolved settings, in `helm env`'s format.

use clap::Args;

use crate::output;
use crate::settings::Settings;

/// Arguments of `charthouse env`.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// Print only this variable's value (e.g. HELM_NAMESPACE)
    pub name: Option<String>,
}

/// Prints every setting as `NAME="value"`, or one value when a name is given.
pub fn run(args: &EnvArgs, settings: &Settings) -> anyhow::Result<()> {
    let vars = settings.env_vars();
    let text = match &args.name {
        // Like helm, an unknown name prints nothing rather than failing a script.
        Some(name) => vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| format!("{v}\n"))
            .unwrap_or_default(),
        None => vars.iter().map(|(k, v)| format!("{k}={v:?}\n")).collect(),
    };
    output::print(&text)
}

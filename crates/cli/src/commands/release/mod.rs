//! The release commands (`install`, `upgrade`, `rollback`, `uninstall`, `history`,
//! `status`, `list`, `get`, `test`): each translates its flags into one call of the
//! `action` crate and prints helm's output for the result.

pub mod get;
pub mod history;
pub mod install;
pub mod list;
pub mod rollback;
pub mod status;
pub mod test;
pub mod uninstall;
pub mod upgrade;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context as _;
use charthouse_action::Context;
use charthouse_kube::{Cluster, ClusterOptions};
use charthouse_release::storage::DriverKind;

use crate::cli::GlobalArgs;
use crate::settings::Settings;

/// Runs `work` on a tokio runtime with a context for the release namespace.
pub fn with_context<T>(
    global: &GlobalArgs,
    settings: &Settings,
    work: impl AsyncFnOnce(&Context) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let ctx = connect(global, settings).await?;
        work(&ctx).await
    })
}

/// Connects with helm's cluster flags and settings.
pub async fn connect(global: &GlobalArgs, settings: &Settings) -> anyhow::Result<Context> {
    let opts = ClusterOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: settings.kube_context.clone(),
        impersonate_user: global.kube_as_user.clone(),
        impersonate_groups: global.kube_as_group.clone(),
        api_server: global.kube_apiserver.clone(),
        token: global.kube_token.clone(),
        insecure_skip_tls_verify: global.kube_insecure_skip_tls_verify,
        cache_dir: Some(settings.cache_home.clone()),
    };
    let cluster = Cluster::connect(&opts)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let driver =
        DriverKind::from_env_value(&settings.driver).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Context::new(cluster, settings.namespace.clone(), driver))
}

/// helm's `--timeout` spelling: Go durations (`300s`, `5m`, `1h30m`, `1.5s`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let mut total = 0f64;
    let mut rest = text.trim();
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(format!("invalid duration {text:?}"));
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_end);
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("invalid duration {text:?}"))?;
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(format!("invalid duration {text:?}: unknown unit {unit:?}")),
        };
        total += value * scale;
        rest = tail;
    }
    Ok(Duration::from_secs_f64(total))
}

/// `--labels key=value,key2=value2` (helm's `StringToString` flag).
pub fn parse_labels(items: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for item in items
        .iter()
        .flat_map(|i| i.split(','))
        .filter(|i| !i.is_empty())
    {
        let (k, v) = item
            .split_once('=')
            .with_context(|| format!("invalid label {item:?}: must be formatted as key=value"))?;
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// An action error as the CLI prints it.
pub fn action_error(e: charthouse_action::Error) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("300s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("5 minutes").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn labels() {
        let l = parse_labels(&["a=1,b=2".into(), "c=3".into()]).unwrap();
        assert_eq!(l.len(), 3);
        assert!(parse_labels(&["nope".into()]).is_err());
    }
}

//! Reading releases: `history`, `status`, `get`, `list` (helm's `pkg/action/history.go`,
//! `status.go`, `get.go`, `list.go`).

use charthouse_release::{Release, Status, history};

use crate::context::Context;
use crate::{Error, Result};

/// Every revision of `name`, oldest first.
///
/// # Errors
///
/// [`Error::NotFound`] when there is none; storage failures.
pub async fn release_history(ctx: &Context, name: &str) -> Result<Vec<Release>> {
    charthouse_release::validate_release_name(name)
        .map_err(|_| Error::InvalidName(format!("release name is invalid: {name}")))?;
    let h = ctx.storage.history(&ctx.namespace, name).await?;
    if h.is_empty() {
        return Err(Error::NotFound);
    }
    Ok(h)
}

/// One revision of `name`: `revision` 0 means the newest (helm's `status`/`get`).
///
/// # Errors
///
/// [`Error::NotFound`] when the release or revision does not exist.
pub async fn get(ctx: &Context, name: &str, revision: i64) -> Result<Release> {
    let h = release_history(ctx, name).await?;
    let found = if revision <= 0 {
        history::latest(&h).cloned()
    } else {
        h.into_iter().find(|r| r.version == revision)
    };
    found.ok_or(Error::NotFound)
}

/// The live objects of a revision's manifest, as helm's `status` shows them
/// (`pkg/kube/client.go` `Get`): grouped by `version/Kind`, in manifest order, as Tables
/// when `table` (for the RESOURCES section) or as objects (for `-o json|yaml`). Objects
/// that cannot be read are left out, as helm does.
///
/// # Errors
///
/// A manifest whose kinds cannot be resolved.
pub async fn live_resources(
    ctx: &Context,
    release: &Release,
    table: bool,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    use futures::stream::{self, StreamExt};
    let objects = crate::resources::build(ctx, &release.manifest, &release.namespace).await?;
    let client = ctx.client();
    let fetched: Vec<Option<serde_json::Value>> = stream::iter(objects.iter())
        .map(|o| async move {
            let got = if table {
                charthouse_kube::apply::get_table(client, &o.reference).await
            } else {
                charthouse_kube::apply::get(client, &o.reference).await
            };
            got.ok().flatten()
        })
        .buffered(16)
        .collect()
        .await;
    let mut out = serde_json::Map::new();
    let mut push = |key: String, value: serde_json::Value| {
        if let serde_json::Value::Array(list) = out
            .entry(key)
            .or_insert_with(|| serde_json::Value::Array(Vec::new()))
        {
            list.push(value);
        }
    };
    let mut selectors_seen: Vec<Vec<(String, String)>> = Vec::new();
    for (o, live) in objects.iter().zip(fetched) {
        let Some(live) = live else { continue };
        let api = &o.reference.resource.api;
        push(format!("{}/{}", api.version, api.kind), live);
        // helm's getSelectRelationPod: the Pods of each distinct workload selector.
        let Some(selector) = pod_selector(&o.body) else {
            continue;
        };
        if selectors_seen.contains(&selector) {
            continue;
        }
        selectors_seen.push(selector.clone());
        let namespace = o
            .reference
            .namespace
            .as_deref()
            .unwrap_or(&release.namespace);
        match charthouse_kube::apply::list_pods(client, namespace, &selector, table).await {
            Ok(pods) => push("v1/Pod(related)".into(), pods),
            Err(e) => tracing::warn!(error = %e, "get the relation pod is failed"),
        }
    }
    Ok(out)
}

/// helm's `getSelectorFromObject`: `spec.selector.matchLabels` of workloads,
/// `spec.selector` of ReplicationControllers, sorted by key as `labels.Set` prints them.
fn pod_selector(body: &serde_json::Value) -> Option<Vec<(String, String)>> {
    let pointer = match body.get("kind").and_then(serde_json::Value::as_str)? {
        "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            "/spec/selector/matchLabels"
        }
        "ReplicationController" => "/spec/selector",
        _ => return None,
    };
    let map = body.pointer(pointer)?.as_object()?;
    let mut pairs: Vec<(String, String)> = map
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect::<Option<_>>()?;
    pairs.sort();
    Some(pairs)
}

/// Which releases `list` shows (helm's state flags).
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// `-A`.
    pub all_namespaces: bool,
    /// `--deployed`.
    pub deployed: bool,
    /// `--failed`.
    pub failed: bool,
    /// `--pending`.
    pub pending: bool,
    /// `--superseded`.
    pub superseded: bool,
    /// `--uninstalled`.
    pub uninstalled: bool,
    /// `--uninstalling`.
    pub uninstalling: bool,
    /// `-f/--filter`: a regular expression on names.
    pub filter: Option<String>,
    /// `-l/--selector`: `key=value`/`key!=value` pairs on release labels.
    pub selector: Option<String>,
}

impl ListOptions {
    fn shows(&self, status: &Status) -> bool {
        let any = self.deployed
            || self.failed
            || self.pending
            || self.superseded
            || self.uninstalled
            || self.uninstalling;
        // helm v4 shows every state unless some are asked for.
        if !any {
            return true;
        }
        match status {
            Status::Deployed => self.deployed,
            Status::Failed => self.failed,
            Status::Superseded => self.superseded,
            Status::Uninstalled => self.uninstalled,
            Status::Uninstalling => self.uninstalling,
            s if s.is_pending() => self.pending,
            _ => false,
        }
    }
}

/// The newest revision of each release that passes the filters, sorted by name.
///
/// # Errors
///
/// An invalid `--filter` or selector; storage failures.
pub async fn list(ctx: &Context, opts: &ListOptions) -> Result<Vec<Release>> {
    let filter = match &opts.filter {
        Some(f) => Some(regex_lite(f)?),
        None => None,
    };
    let selector = parse_selector(opts.selector.as_deref().unwrap_or(""))?;
    let namespace = (!opts.all_namespaces).then_some(ctx.namespace.as_str());
    // Only superseded asked for: helm lists every superseded revision, not just the
    // newest of each release (which is never superseded).
    let only_superseded = opts.superseded
        && !(opts.deployed || opts.failed || opts.pending || opts.uninstalled || opts.uninstalling);
    let candidates = if only_superseded {
        ctx.storage.all_revisions(namespace).await?
    } else {
        // Superseded revisions are never the newest, so unless they are asked for the
        // server need not send them.
        ctx.storage
            .latest_of_each(namespace, !opts.superseded)
            .await?
    };
    let mut out: Vec<Release> = candidates
        .into_iter()
        .filter(|r| filter.as_ref().is_none_or(|re| re.is_match(&r.name)))
        .filter(|r| opts.shows(&r.status()))
        .filter(|r| {
            selector
                .iter()
                .all(|(k, v, eq)| (r.labels.get(k) == Some(v)) == *eq)
        })
        .collect();
    out.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| a.namespace.cmp(&b.namespace))
    });
    Ok(out)
}

fn regex_lite(pattern: &str) -> Result<regex::Regex> {
    regex::Regex::new(pattern)
        .map_err(|e| Error::Invalid(format!("invalid --filter {pattern:?}: {e}")))
}

fn parse_selector(text: &str) -> Result<Vec<(String, String, bool)>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((k, v)) = part.split_once("!=") {
            out.push((k.trim().to_string(), v.trim().to_string(), false));
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            out.push((k.trim().to_string(), v.trim().to_string(), true));
        } else {
            return Err(Error::Invalid(format!(
                "invalid selector {part:?}: expected key=value or key!=value"
            )));
        }
    }
    Ok(out)
}

//! The stack on a cluster: `sync` (install or upgrade, leaving unchanged releases
//! alone), `diff`, `delete`, `get` and `status` for one release, through the `action`
//! crate the CLI uses too.
//!
//! A release is unchanged when the manifest, hooks, values and chart version it would
//! record equal its deployed revision: sync then writes nothing, so a no-change sync of
//! a whole stack creates no revision (helmfile makes one per release per sync).

use charthouse_action::{Context, Preview, UninstallOptions, UpgradeOptions};
use charthouse_chart::Chart;
use charthouse_kube::Cluster;
use charthouse_release::Release;
use charthouse_release::storage::DriverKind;

use crate::error::{Error, Result};
use crate::model::ResolvedRelease;
use crate::progress::{Action, Outcome};

/// Where the stack's releases go.
#[derive(Debug, Clone)]
pub struct Target {
    /// The connected cluster.
    pub cluster: Cluster,
    /// Release storage (`HELM_DRIVER`).
    pub driver: DriverKind,
    /// helm's repository configuration and caches, for `REPO/CHART` and `oci://` charts.
    pub repo_paths: charthouse_repo::Paths,
}

impl Target {
    fn context(&self, namespace: &str) -> Context {
        Context::new(self.cluster.clone(), namespace, self.driver)
    }
}

fn cluster_error(r: &ResolvedRelease, e: impl std::fmt::Display) -> Error {
    Error::Cluster {
        release: r.id(),
        message: e.to_string(),
    }
}

/// Loads the release's chart: from disk, or fetched from its repository or registry.
async fn load_chart(target: &Target, r: &ResolvedRelease) -> Result<Chart> {
    let paths = target.repo_paths.clone();
    let release = r.clone();
    let path =
        tokio::task::spawn_blocking(move || crate::render::chart_dir(&release, Some(&paths)))
            .await
            .map_err(|e| cluster_error(r, e))??;
    charthouse_render::template::load_for_install(&path).map_err(|source| Error::Render {
        release: r.id(),
        source: Box::new(source),
    })
}

/// The upgrade `sync` runs for a release: `upgrade --install` with its flags.
fn upgrade_options(r: &ResolvedRelease, chart: Chart) -> UpgradeOptions {
    UpgradeOptions {
        values: r.values.clone(),
        install: true,
        force_replace: r.flags.force,
        wait: r.flags.wait,
        timeout: r.flags.timeout,
        rollback_on_failure: r.flags.rollback_on_failure,
        create_namespace: r.flags.create_namespace,
        history_max: usize::try_from(r.flags.history_max).unwrap_or(usize::MAX),
        ..UpgradeOptions::new(r.name.clone(), chart)
    }
}

async fn preview(
    target: &Target,
    r: &ResolvedRelease,
) -> Result<(Context, UpgradeOptions, Preview)> {
    let chart = load_chart(target, r).await?;
    let ctx = target.context(&r.namespace);
    let opts = upgrade_options(r, chart);
    let preview = charthouse_action::preview_upgrade(&ctx, &opts)
        .await
        .map_err(|e| cluster_error(r, e))?;
    Ok((ctx, opts, preview))
}

fn revision(release: &Release) -> Option<u64> {
    u64::try_from(release.version).ok()
}

/// Installs or upgrades the release, unless nothing would change.
///
/// # Errors
///
/// Chart loading, rendering and the action's failures, naming the release.
pub async fn sync_release(target: &Target, r: &ResolvedRelease) -> Result<Outcome> {
    let (ctx, opts, preview) = preview(target, r).await?;
    let chart_version = Some(preview.chart.1.clone());
    if preview.unchanged() {
        return Ok(Outcome {
            action: Action::Unchanged,
            revision: preview.current.as_ref().and_then(revision),
            chart_version,
        });
    }
    let done = charthouse_action::upgrade(&ctx, opts)
        .await
        .map_err(|e| cluster_error(r, e))?;
    // helmfile's recreatePods: roll the pods of an upgraded release.
    if r.flags.recreate_pods && !done.installed {
        charthouse_action::restart_workloads(&ctx, &done.release)
            .await
            .map_err(|e| cluster_error(r, e))?;
    }
    Ok(Outcome {
        action: if done.installed {
            Action::Installed
        } else {
            Action::Upgraded
        },
        revision: revision(&done.release),
        chart_version,
    })
}

/// The diff of the release's rendered manifests against the live revision, Secrets'
/// values masked; `None` when unchanged.
///
/// # Errors
///
/// Chart loading, rendering and storage failures, naming the release.
pub async fn diff_release(
    target: &Target,
    r: &ResolvedRelease,
    color: bool,
) -> Result<(Outcome, Option<String>)> {
    let (_, _, preview) = preview(target, r).await?;
    let outcome = Outcome {
        action: if preview.unchanged() {
            Action::Unchanged
        } else {
            Action::Changed
        },
        revision: preview.current.as_ref().and_then(revision),
        chart_version: Some(preview.chart.1.clone()),
    };
    if preview.unchanged() {
        return Ok((outcome, None));
    }
    let text = crate::diff::manifest_diff(
        &r.id(),
        &preview.live_text(),
        &preview.proposed_text(),
        color,
    );
    Ok((outcome, Some(text)))
}

/// Uninstalls the release; `Absent` when it is not installed.
///
/// # Errors
///
/// The action's failures, naming the release.
pub async fn delete_release(target: &Target, r: &ResolvedRelease) -> Result<Outcome> {
    let ctx = target.context(&r.namespace);
    let opts = UninstallOptions {
        ignore_not_found: true,
        timeout: r.flags.timeout,
        ..UninstallOptions::new(r.name.clone())
    };
    let done = charthouse_action::uninstall(&ctx, opts)
        .await
        .map_err(|e| cluster_error(r, e))?;
    Ok(Outcome {
        action: if done.release.is_some() {
            Action::Deleted
        } else {
            Action::Absent
        },
        revision: done.release.as_ref().and_then(revision),
        chart_version: None,
    })
}

/// The release's newest revision, `None` when it is not installed.
///
/// # Errors
///
/// Storage failures, naming the release.
pub async fn get_release(target: &Target, r: &ResolvedRelease) -> Result<Option<Release>> {
    let ctx = target.context(&r.namespace);
    match charthouse_action::get(&ctx, &r.name, 0).await {
        Ok(rel) => Ok(Some(rel)),
        Err(charthouse_action::Error::NotFound) => Ok(None),
        Err(e) => Err(cluster_error(r, e)),
    }
}

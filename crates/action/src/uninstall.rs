//! `uninstall`: delete a release's objects and (unless `--keep-history`) its records
//! (helm's `pkg/action/uninstall.go`).

use std::time::Duration;

use charthouse_kube::apply::Cascade;
use charthouse_kube::wait::{self, WaitOptions};
use charthouse_release::{GoTime, HookEvent, Release, Status, history};

use crate::context::Context;
use crate::install::set_status;
use crate::resources::{self, RESOURCE_POLICY_ANNOTATION};
use crate::{Error, Result, lock};

/// What `uninstall` does.
#[derive(Debug, Clone)]
pub struct UninstallOptions {
    /// The release.
    pub name: String,
    /// `--keep-history`.
    pub keep_history: bool,
    /// `--cascade`.
    pub cascade: Cascade,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--wait`: until the objects are gone.
    pub wait: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--description`.
    pub description: Option<String>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--ignore-not-found`.
    pub ignore_not_found: bool,
}

impl UninstallOptions {
    /// helm's defaults for uninstalling `name`.
    pub fn new(name: impl Into<String>) -> UninstallOptions {
        UninstallOptions {
            name: name.into(),
            keep_history: false,
            cascade: Cascade::Background,
            disable_hooks: false,
            wait: false,
            timeout: Duration::from_secs(300),
            description: None,
            dry_run: false,
            ignore_not_found: false,
        }
    }
}

/// What an uninstall did.
#[derive(Debug, Clone)]
pub struct UninstallOutcome {
    /// The last revision as it ended (status `uninstalled`).
    pub release: Option<Release>,
    /// Objects kept by `helm.sh/resource-policy: keep`, as `Kind/name`.
    pub kept: Vec<String>,
}

/// Uninstalls a release.
///
/// # Errors
///
/// Not found (unless `ignore_not_found`), an operation in progress, API failures.
pub async fn uninstall(ctx: &Context, opts: UninstallOptions) -> Result<UninstallOutcome> {
    charthouse_release::validate_release_name(&opts.name)
        .map_err(|_| Error::InvalidName(format!("invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53: {}", opts.name)))?;
    let locked = lock::lock(ctx, &opts.name, opts.dry_run).await?;
    let history_now = locked.history.clone();
    let result = if history_now.is_empty() {
        if opts.ignore_not_found {
            Ok(UninstallOutcome {
                release: None,
                kept: Vec::new(),
            })
        } else {
            Err(Error::Failed(format!(
                "uninstall: Release not loaded: {}: release: not found",
                opts.name
            )))
        }
    } else if opts.dry_run {
        Ok(UninstallOutcome {
            release: history::latest(&history_now).cloned(),
            kept: Vec::new(),
        })
    } else {
        uninstall_locked(ctx, history_now, &opts).await
    };
    locked.release().await;
    result
}

/// Uninstall while the caller holds the release.
pub(crate) async fn uninstall_locked(
    ctx: &Context,
    history_now: Vec<Release>,
    opts: &UninstallOptions,
) -> Result<UninstallOutcome> {
    let Some(mut rel) = history::latest(&history_now).cloned() else {
        return Err(Error::NotFound);
    };
    if rel.status() == Status::Uninstalled {
        if !opts.keep_history {
            purge(ctx, &history_now).await?;
            return Ok(UninstallOutcome {
                release: Some(rel),
                kept: Vec::new(),
            });
        }
        return Err(Error::Failed(format!(
            "the release named {:?} is already deleted",
            rel.name
        )));
    }
    set_status(
        &mut rel,
        Status::Uninstalling,
        "Deletion in progress (or silently failed)",
    );
    if let Some(info) = rel.info.as_mut() {
        info.deleted = Some(GoTime::now());
    }
    ctx.storage.update(&rel).await?;
    if !opts.disable_hooks {
        crate::hooks::run(ctx, &mut rel, HookEvent::PreDelete, opts.timeout).await?;
    }
    let objects = resources::build(ctx, &rel.manifest, &rel.namespace).await?;
    let (keep, delete): (Vec<_>, Vec<_>) = objects
        .into_iter()
        .partition(|o| o.annotation(RESOURCE_POLICY_ANNOTATION) == Some("keep"));
    // Reverse install order, as helm's uninstall order.
    let delete: Vec<_> = delete.into_iter().rev().collect();
    let (_, errors) = resources::delete_all(ctx, &delete, opts.cascade).await;
    if opts.wait {
        let refs: Vec<_> = delete.iter().map(|o| o.reference.clone()).collect();
        wait::wait_deleted(
            ctx.client(),
            &refs,
            &WaitOptions {
                timeout: opts.timeout,
                ..WaitOptions::default()
            },
        )
        .await?;
    }
    if !opts.disable_hooks {
        crate::hooks::run(ctx, &mut rel, HookEvent::PostDelete, opts.timeout).await?;
    }
    let description = opts
        .description
        .clone()
        .unwrap_or_else(|| "Uninstallation complete".into());
    set_status(&mut rel, Status::Uninstalled, &description);
    if opts.keep_history {
        ctx.storage.update(&rel).await?;
    } else {
        purge(ctx, &history_now).await?;
    }
    if !errors.is_empty() {
        return Err(Error::Failed(format!(
            "failed to delete release: {}: uninstallation completed with {} error(s): {}",
            rel.name,
            errors.len(),
            errors.join("; ")
        )));
    }
    let kept = keep
        .iter()
        .map(|o| format!("{}/{}", o.reference.resource.api.kind, o.reference.name))
        .collect();
    Ok(UninstallOutcome {
        release: Some(rel),
        kept,
    })
}

async fn purge(ctx: &Context, history_now: &[Release]) -> Result<()> {
    for r in history_now {
        ctx.storage.delete(&r.namespace, &r.name, r.version).await?;
    }
    Ok(())
}

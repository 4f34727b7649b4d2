//! Running a release's hooks for one event, as helm's `execHook` does: by weight then
//! name, each created and waited for (Jobs until complete, Pods until succeeded), with
//! delete policies applied before creation, on success and on failure.

use std::time::Duration;

use charthouse_kube::Object;
use charthouse_kube::apply::{self, ApplyOptions, Cascade};
use charthouse_kube::wait::{self, WaitOptions};
use charthouse_release::{GoTime, HookDeletePolicy, HookEvent, HookPhase, Release};

use crate::context::Context;
use crate::resources;
use crate::{Error, Result};

/// Runs every hook of `release` for `event`, recording each run in the release (and
/// writing the record when a hook starts, as helm does).
///
/// # Errors
///
/// A hook that cannot be created or that fails, with helm's wording.
pub(crate) async fn run(
    ctx: &Context,
    release: &mut Release,
    event: HookEvent,
    timeout: Duration,
) -> Result<()> {
    let mut order: Vec<usize> = (0..release.hooks.len())
        .filter(|&i| release.hooks[i].events.contains(&event))
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&release.hooks[a], &release.hooks[b]);
        x.weight.cmp(&y.weight).then_with(|| x.name.cmp(&y.name))
    });
    let namespace = release.namespace.clone();
    for (n, &i) in order.iter().enumerate() {
        if release.hooks[i].delete_policies.is_empty() {
            release.hooks[i].delete_policies = vec![HookDeletePolicy::BeforeHookCreation];
        }
        delete_by_policy(
            ctx,
            release,
            i,
            &HookDeletePolicy::BeforeHookCreation,
            timeout,
        )
        .await?;
        let hook = &release.hooks[i];
        let objects = resources::build(ctx, &hook.manifest, &namespace)
            .await
            .map_err(|e| {
                Error::Failed(format!(
                    "unable to build kubernetes object for {event} hook {}: {e}",
                    hook.path
                ))
            })?;
        release.hooks[i].last_run.started_at = Some(GoTime::now());
        release.hooks[i].last_run.phase = HookPhase::Running;
        ctx.storage.update(release).await?;
        release.hooks[i].last_run.phase = HookPhase::Unknown;

        let created = create(ctx, &objects).await;
        if let Err(e) = created {
            release.hooks[i].last_run.completed_at = Some(GoTime::now());
            release.hooks[i].last_run.phase = HookPhase::Failed;
            return Err(Error::Failed(format!(
                "warning: Hook {event} {} failed: {e}",
                release.hooks[i].path
            )));
        }
        let mut outcome = Ok(());
        for o in &objects {
            if let Err(e) = wait::wait_hook(ctx.client(), &o.reference, timeout).await {
                outcome = Err(e);
                break;
            }
        }
        release.hooks[i].last_run.completed_at = Some(GoTime::now());
        if let Err(e) = outcome {
            release.hooks[i].last_run.phase = HookPhase::Failed;
            if let Err(del) =
                delete_by_policy(ctx, release, i, &HookDeletePolicy::HookFailed, timeout).await
            {
                tracing::warn!(error = %del, "deleting the failed hook's resources failed");
            }
            for &j in &order[..n] {
                delete_by_policy(ctx, release, j, &HookDeletePolicy::HookSucceeded, timeout)
                    .await?;
            }
            return Err(Error::Kube(e));
        }
        release.hooks[i].last_run.phase = HookPhase::Succeeded;
    }
    for &i in order.iter().rev() {
        delete_by_policy(ctx, release, i, &HookDeletePolicy::HookSucceeded, timeout).await?;
    }
    Ok(())
}

/// Creates hook objects as helm v4 does (server-side apply, no force).
async fn create(ctx: &Context, objects: &[Object]) -> Result<()> {
    for o in objects {
        apply::apply_server_side(ctx.client(), o, ApplyOptions::default()).await?;
    }
    Ok(())
}

/// Deletes hook `i`'s objects when it has `policy`, and waits until they are gone.
async fn delete_by_policy(
    ctx: &Context,
    release: &Release,
    i: usize,
    policy: &HookDeletePolicy,
    timeout: Duration,
) -> Result<()> {
    let hook = &release.hooks[i];
    if hook.kind == "CustomResourceDefinition" || !hook.delete_policies.contains(policy) {
        return Ok(());
    }
    let objects = resources::build(ctx, &hook.manifest, &release.namespace)
        .await
        .map_err(|e| {
            Error::Failed(format!(
                "unable to build kubernetes object for deleting hook {}: {e}",
                hook.path
            ))
        })?;
    let (_, errors) = resources::delete_all(ctx, &objects, Cascade::Background).await;
    if !errors.is_empty() {
        return Err(Error::Failed(errors.join("; ")));
    }
    let refs: Vec<_> = objects.iter().map(|o| o.reference.clone()).collect();
    wait::wait_deleted(
        ctx.client(),
        &refs,
        &WaitOptions {
            timeout,
            ..WaitOptions::default()
        },
    )
    .await?;
    Ok(())
}

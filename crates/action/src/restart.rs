//! Restarting a release's workloads (helmfile's `recreatePods`): the pod template of each
//! Deployment, StatefulSet and DaemonSet gets the `kubectl.kubernetes.io/restartedAt`
//! annotation `kubectl rollout restart` sets, so the controllers roll the pods.
//! helm v2 deleted the pods instead; a rollout keeps the workload available.

use kube::api::{Patch, PatchParams};
use serde_json::json;

use crate::context::Context;
use crate::resources;
use crate::{Error, Result};

/// The field manager of the restart patch, distinct from `helm` so the annotation does not
/// become part of what the release's applies own.
const RESTART_MANAGER: &str = "charthouse-restart";

/// Rolls the pods of every workload in `release`'s manifest; returns how many were
/// restarted.
///
/// # Errors
///
/// Manifest and API failures.
pub async fn restart_workloads(
    ctx: &Context,
    release: &charthouse_release::Release,
) -> Result<usize> {
    let objects = resources::build(ctx, &release.manifest, &release.namespace).await?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}});
    let params = PatchParams {
        field_manager: Some(RESTART_MANAGER.to_string()),
        ..Default::default()
    };
    let mut restarted = 0;
    for o in objects.iter().filter(|o| {
        o.reference.resource.api.group == "apps"
            && matches!(
                o.reference.resource.api.kind.as_str(),
                "Deployment" | "StatefulSet" | "DaemonSet"
            )
    }) {
        o.reference
            .api(ctx.client())
            .patch(&o.reference.name, &params, &Patch::Merge(&patch))
            .await
            .map_err(|e| {
                Error::Failed(format!(
                    "restarting {}: {}",
                    o.reference,
                    charthouse_kube::apply::api_message(&e)
                ))
            })?;
        restarted += 1;
    }
    Ok(restarted)
}

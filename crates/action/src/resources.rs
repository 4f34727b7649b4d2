//! Sending a release's objects to the cluster: ownership metadata and checks, applying
//! (server-side, or helm's client-side three-way merge), deleting what the chart no
//! longer renders. Independent objects go concurrently; Namespaces and CRDs go first
//! because other objects may live in or be instances of them.

use std::collections::{HashMap, HashSet};

use charthouse_kube::apply::{self, ApplyOptions, Cascade};
use charthouse_kube::{Object, ObjectRef};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::context::Context;
use crate::{Error, Result};

/// How many requests go to the API server at once.
const CONCURRENCY: usize = 16;

/// helm's ownership metadata (`pkg/action/validate.go`).
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The release name annotation.
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
/// The release namespace annotation.
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";
/// `helm.sh/resource-policy: keep` keeps an object when the release drops it.
pub const RESOURCE_POLICY_ANNOTATION: &str = "helm.sh/resource-policy";

/// How objects are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Server-side apply, field manager `helm`.
    ServerSide {
        /// `--force-conflicts`.
        force_conflicts: bool,
    },
    /// Client-side: create, or a three-way patch against the previous revision's object.
    ClientSide,
    /// `--force-replace`: PUT the whole object.
    Replace,
}

impl Method {
    /// The method for an upgrade or rollback: `--force-replace` wins, else server-side
    /// apply (with `--force-conflicts`) or helm's client-side merge.
    pub fn choose(force_replace: bool, server_side: bool, force_conflicts: bool) -> Method {
        if force_replace {
            Method::Replace
        } else if server_side {
            Method::ServerSide { force_conflicts }
        } else {
            Method::ClientSide
        }
    }

    /// What the release record says about this method (`apply_method`).
    pub fn record(server_side: bool) -> charthouse_release::ApplyMethod {
        if server_side {
            charthouse_release::ApplyMethod::ServerSideApply
        } else {
            charthouse_release::ApplyMethod::ClientSideApply
        }
    }
}

/// The objects of the current revision and of the next one (with ownership metadata
/// set), for an upgrade or rollback, with helm's messages when a manifest does not build.
pub(crate) async fn revision_objects(
    ctx: &Context,
    current: &charthouse_release::Release,
    next: &charthouse_release::Release,
) -> Result<(Vec<Object>, Vec<Object>)> {
    let namespace = &next.namespace;
    let old = build(ctx, &current.manifest, namespace)
        .await
        .map_err(|e| {
            Error::Failed(format!(
                "unable to build kubernetes objects from current release manifest: {e}"
            ))
        })?;
    let mut targets = build(ctx, &next.manifest, namespace).await.map_err(|e| {
        Error::Failed(format!(
            "unable to build kubernetes objects from new release manifest: {e}"
        ))
    })?;
    set_ownership(&mut targets, &next.name, namespace);
    Ok((old, targets))
}

/// Parses a manifest and resolves its objects on the cluster.
pub(crate) async fn build(ctx: &Context, manifest: &str, namespace: &str) -> Result<Vec<Object>> {
    Ok(charthouse_kube::manifest::build(ctx.cluster.discovery(), manifest, namespace).await?)
}

/// helm's `setMetadataVisitor(.., force=true)`: the managed-by label and the release
/// annotations, merged over what the chart wrote.
pub(crate) fn set_ownership(objects: &mut [Object], release: &str, namespace: &str) {
    for o in objects {
        let Some(meta) = o.body.get_mut("metadata").and_then(Value::as_object_mut) else {
            continue;
        };
        let labels = meta
            .entry("labels")
            .or_insert_with(|| Value::Object(Default::default()));
        if !labels.is_object() {
            *labels = Value::Object(Default::default());
        }
        if let Some(l) = labels.as_object_mut() {
            l.insert(MANAGED_BY_LABEL.into(), "Helm".into());
        }
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if !annotations.is_object() {
            *annotations = Value::Object(Default::default());
        }
        if let Some(a) = annotations.as_object_mut() {
            a.insert(RELEASE_NAME_ANNOTATION.into(), release.into());
            a.insert(RELEASE_NAMESPACE_ANNOTATION.into(), namespace.into());
        }
    }
}

/// helm's `existingResourceConflict` (or `requireAdoption` with `take_ownership`): for
/// objects new to the release, fails when one exists and belongs to someone else.
/// Returns the keys of those that already existed (adopted).
pub(crate) async fn check_new_objects(
    ctx: &Context,
    objects: &[&Object],
    release: &str,
    namespace: &str,
    take_ownership: bool,
) -> Result<HashSet<String>> {
    let client = ctx.client().clone();
    let found: Vec<(String, Option<Value>, &Object)> = stream::iter(objects.iter().copied())
        .map(|o| {
            let client = client.clone();
            async move {
                let live = apply::get(&client, &o.reference).await.map_err(|e| {
                    Error::Failed(format!(
                        "could not get information about the resource {}: {e}",
                        resource_string(&o.reference)
                    ))
                })?;
                Ok::<_, Error>((o.key(), live, o))
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut existing = HashSet::new();
    // Report in manifest order, as helm visits them.
    let order: HashMap<String, usize> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.key(), i))
        .collect();
    let mut found = found;
    found.sort_by_key(|(k, _, _)| order.get(k).copied().unwrap_or(usize::MAX));
    for (key, live, o) in found {
        let Some(live) = live else { continue };
        if !take_ownership && let Err(why) = check_ownership(&live, release, namespace) {
            return Err(Error::Ownership(format!(
                "{} exists and cannot be imported into the current release: {why}",
                resource_string(&o.reference)
            )));
        }
        existing.insert(key);
    }
    Ok(existing)
}

/// helm's `checkOwnership` message.
fn check_ownership(obj: &Value, release: &str, namespace: &str) -> std::result::Result<(), String> {
    let get = |section: &str, key: &str| {
        obj.pointer(&format!("/metadata/{section}"))
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let require = |actual: Option<String>, k: &str, v: &str| match actual {
        None => Some(format!("missing key {k:?}: must be set to {v:?}")),
        Some(a) if a != v => Some(format!(
            "key {k:?} must equal {v:?}: current value is {a:?}"
        )),
        Some(_) => None,
    };
    let mut errs = Vec::new();
    if let Some(e) = require(get("labels", MANAGED_BY_LABEL), MANAGED_BY_LABEL, "Helm") {
        errs.push(format!("label validation error: {e}"));
    }
    if let Some(e) = require(
        get("annotations", RELEASE_NAME_ANNOTATION),
        RELEASE_NAME_ANNOTATION,
        release,
    ) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if let Some(e) = require(
        get("annotations", RELEASE_NAMESPACE_ANNOTATION),
        RELEASE_NAMESPACE_ANNOTATION,
        namespace,
    ) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid ownership metadata; {}", errs.join("; ")))
    }
}

/// helm's `resourceString`: `Kind "name" in namespace "ns"`.
pub(crate) fn resource_string(r: &ObjectRef) -> String {
    format!(
        "{} {:?} in namespace {:?}",
        r.resource.api.kind,
        r.name,
        r.namespace.as_deref().unwrap_or("")
    )
}

/// Whether an object must go before the others.
fn goes_first(o: &Object) -> bool {
    matches!(
        o.reference.resource.api.kind.as_str(),
        "Namespace" | "CustomResourceDefinition"
    )
}

/// Applies `targets`. `originals` holds the previous revision's objects by key (for the
/// client-side three-way merge). Errors of individual objects are collected and joined
/// with ` && ` as helm does; every object is attempted.
pub(crate) async fn apply_all(
    ctx: &Context,
    targets: &[Object],
    originals: &HashMap<String, Value>,
    method: Method,
    dry_run: bool,
) -> Result<()> {
    let mut errors = Vec::new();
    let (first, rest): (Vec<&Object>, Vec<&Object>) = targets.iter().partition(|o| goes_first(o));
    for phase in [first, rest] {
        let results: Vec<Result<()>> = stream::iter(phase)
            .map(|o| apply_one(ctx, o, originals.get(&o.key()), method, dry_run))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        errors.extend(
            results
                .into_iter()
                .filter_map(|r| r.err().map(|e| e.to_string())),
        );
        if !errors.is_empty() {
            break;
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(errors.join(" && ")))
    }
}

async fn apply_one(
    ctx: &Context,
    o: &Object,
    original: Option<&Value>,
    method: Method,
    dry_run: bool,
) -> Result<()> {
    let client = ctx.client();
    match method {
        Method::ServerSide { force_conflicts } => {
            apply::apply_server_side(
                client,
                o,
                ApplyOptions {
                    force_conflicts,
                    dry_run,
                },
            )
            .await?;
        }
        Method::ClientSide => match apply::get(client, &o.reference).await? {
            None => {
                apply::create(client, o, dry_run).await?;
            }
            Some(live) => {
                // A missing original (object adopted or added outside the release): the
                // live object is the baseline, as helm does.
                let original = original.cloned().unwrap_or_else(|| live.clone());
                apply::patch_client_side(client, Some(&original), o, &live, false).await?;
            }
        },
        Method::Replace => match apply::get(client, &o.reference).await? {
            None => {
                apply::create(client, o, dry_run).await?;
            }
            Some(live) => {
                apply::replace(client, o, &live).await?;
            }
        },
    }
    Ok(())
}

/// Deletes objects the new revision no longer has, except those annotated
/// `helm.sh/resource-policy: keep` (read from the previous manifest: no request needed).
pub(crate) async fn delete_removed(ctx: &Context, removed: &[Object]) -> Result<()> {
    let client = ctx.client().clone();
    let results: Vec<Result<()>> = stream::iter(
        removed
            .iter()
            .filter(|o| o.annotation(RESOURCE_POLICY_ANNOTATION) != Some("keep")),
    )
    .map(|o| {
        let client = client.clone();
        async move {
            apply::delete(&client, &o.reference, Cascade::Background)
                .await
                .map(drop)
                .map_err(|e| {
                    Error::Failed(format!(
                        "failed to delete resource namespace={}, name={}, kind={}: {e}",
                        o.reference.namespace.as_deref().unwrap_or(""),
                        o.reference.name,
                        o.reference.resource.api.kind
                    ))
                })
        }
    })
    .buffer_unordered(CONCURRENCY)
    .collect()
    .await;
    let errors: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.err().map(|e| e.to_string()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(errors.join(" && ")))
    }
}

/// Deletes objects (uninstall, cleanup): all of them, errors collected.
pub(crate) async fn delete_all(
    ctx: &Context,
    objects: &[Object],
    cascade: Cascade,
) -> (Vec<ObjectRef>, Vec<String>) {
    let client = ctx.client().clone();
    let results: Vec<(ObjectRef, std::result::Result<bool, String>)> = stream::iter(objects.iter())
        .map(|o| {
            let client = client.clone();
            async move {
                let r = apply::delete(&client, &o.reference, cascade)
                    .await
                    .map_err(|e| e.to_string());
                (o.reference.clone(), r)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut deleted = Vec::new();
    let mut errors = Vec::new();
    for (r, outcome) in results {
        match outcome {
            Ok(_) => deleted.push(r),
            Err(e) => errors.push(e),
        }
    }
    (deleted, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ownership_messages_match_helm() {
        let obj = json!({"metadata": {"labels": {}, "annotations": {"meta.helm.sh/release-name": "other"}}});
        assert_eq!(
            check_ownership(&obj, "web", "apps").unwrap_err(),
            "invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"web\": current value is \"other\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"apps\""
        );
        let owned = json!({"metadata": {"labels": {"app.kubernetes.io/managed-by": "Helm"}, "annotations": {"meta.helm.sh/release-name": "web", "meta.helm.sh/release-namespace": "apps"}}});
        assert!(check_ownership(&owned, "web", "apps").is_ok());
    }
}

//! Writing objects the ways helm does: server-side apply with field manager `helm`,
//! create, client-side three-way patches (for releases installed with `apply_method:
//! csa`), replace, and delete.

use kube::api::{
    DeleteParams, Patch, PatchParams, PostParams, PropagationPolicy, ValidationDirective,
};
use serde_json::Value;

use crate::manifest::Object;
use crate::{Error, ObjectRef, Result};

/// The field manager helm v4 writes with (`kube.ManagedFieldsManager`), so helm and
/// charthouse never conflict with each other.
pub const FIELD_MANAGER: &str = "helm";

/// How to apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// Take over fields other managers own (`--force-conflicts`).
    pub force_conflicts: bool,
    /// Let the server validate and answer without persisting (`--dry-run=server`).
    pub dry_run: bool,
}

/// Reads an object; `None` when it does not exist.
///
/// # Errors
///
/// API failures other than 404.
pub async fn get(client: &kube::Client, object: &ObjectRef) -> Result<Option<Value>> {
    let api = object.api(client);
    match api.get_opt(&object.name).await {
        Ok(found) => Ok(found.map(to_json).transpose()?),
        Err(source) => Err(Error::Api {
            step: "get",
            object: object.to_string(),
            source,
        }),
    }
}

/// Tables preferred, as kubectl and helm ask (`transformRequests`).
const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// Reads an object as the API server's Table (helm's `status` RESOURCES, with the
/// object included as helm's `transformRequests` asks); `None` when it does not exist.
///
/// # Errors
///
/// API failures other than 404.
pub async fn get_table(client: &kube::Client, object: &ObjectRef) -> Result<Option<Value>> {
    let api = object.api(client);
    let url = format!(
        "{}/{}?includeObject=Object",
        api.resource_url(),
        object.name
    );
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, TABLE_ACCEPT)
        .body(Vec::new())
        .map_err(|e| Error::InvalidObject {
            message: format!("{object}: {e}"),
        })?;
    match client.request::<Value>(request).await {
        Ok(table) => Ok(Some(table)),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
        Err(source) => Err(Error::Api {
            step: "get",
            object: object.to_string(),
            source,
        }),
    }
}

/// Lists the Pods of `namespace` matching `selector` (`key=value` pairs), as a Table when
/// `table`: the list object exactly as the server sent it (helm's related Pods).
///
/// # Errors
///
/// API failures.
pub async fn list_pods(
    client: &kube::Client,
    namespace: &str,
    selector: &[(String, String)],
    table: bool,
) -> Result<Value> {
    let encoded: Vec<String> = selector.iter().map(|(k, v)| format!("{k}%3D{v}")).collect();
    let mut url = format!(
        "/api/v1/namespaces/{namespace}/pods?labelSelector={}",
        encoded.join("%2C")
    );
    let mut request = http::Request::get(&url);
    if table {
        url.push_str("&includeObject=Object");
        request = http::Request::get(&url).header(http::header::ACCEPT, TABLE_ACCEPT);
    }
    let request = request.body(Vec::new()).map_err(|e| Error::InvalidObject {
        message: format!("pods in {namespace}: {e}"),
    })?;
    client
        .request::<Value>(request)
        .await
        .map_err(|source| Error::Api {
            step: "list",
            object: format!("pods in namespace {namespace}"),
            source,
        })
}

/// Server-side apply of the whole object with field manager `helm` and strict field
/// validation; creates the object when missing. Returns the object the server stored.
///
/// # Errors
///
/// Conflicts (409, naming the other managers), validation failures, other API errors —
/// with helm's wording around the server's message.
pub async fn apply_server_side(
    client: &kube::Client,
    object: &Object,
    opts: ApplyOptions,
) -> Result<Value> {
    let api = object.reference.api(client);
    let mut params = PatchParams::apply(FIELD_MANAGER);
    params.force = opts.force_conflicts;
    params.dry_run = opts.dry_run;
    params.field_validation = Some(ValidationDirective::Strict);
    api.patch(&object.reference.name, &params, &Patch::Apply(&object.body))
        .await
        .map_err(|source| Error::Api {
            step: if is_conflict(&source) {
                "conflict occurred while applying object"
            } else {
                "server-side apply failed for object"
            },
            object: apply_name(&object.reference),
            source,
        })
        .and_then(to_json)
}

/// Creates the object (client-side apply's first write).
///
/// # Errors
///
/// API failures, 409 when it already exists.
pub async fn create(client: &kube::Client, object: &Object, dry_run: bool) -> Result<Value> {
    let api = object.reference.api(client);
    let params = PostParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.to_string()),
    };
    let body: kube::api::DynamicObject =
        serde_json::from_value(object.body.clone()).map_err(|e| Error::InvalidObject {
            message: format!("{}: {e}", object.reference),
        })?;
    api.create(&params, &body)
        .await
        .map_err(|source| Error::Api {
            step: "failed to create resource",
            object: object.reference.to_string(),
            source,
        })
        .and_then(to_json)
}

/// helm's client-side update (`patchResourceClientSide`): a three-way strategic merge
/// patch from the previous release's object, the new one and the live one for built-in
/// kinds; a JSON merge patch for custom resources (two-way from the previous object, or
/// three-way when `three_way_unstructured`). Sends nothing when the patch is empty.
///
/// # Errors
///
/// A patch that cannot be computed, API failures.
pub async fn patch_client_side(
    client: &kube::Client,
    original: Option<&Value>,
    target: &Object,
    live: &Value,
    three_way_unstructured: bool,
) -> Result<Option<Value>> {
    let api_version = &target.reference.resource.api.api_version;
    let kind = &target.reference.resource.api.kind;
    let schema = charthouse_patch::Schema::builtin();
    let patch_error = |e: charthouse_patch::Error| Error::InvalidObject {
        message: format!("failed to create patch: {e}"),
    };
    let (patch, strategic) = match schema.type_for(api_version, kind) {
        Some(ty) if !is_crd(kind, api_version) => (
            charthouse_patch::strategic::three_way(original, &target.body, live, ty, true)
                .map_err(patch_error)?,
            true,
        ),
        _ if three_way_unstructured => (
            charthouse_patch::merge_patch::three_way(original, &target.body, live)
                .map_err(patch_error)?,
            false,
        ),
        _ => {
            let empty = serde_json::Map::new();
            let old = original.and_then(Value::as_object).unwrap_or(&empty);
            let new = target.body.as_object().unwrap_or(&empty);
            (
                Value::Object(charthouse_patch::merge_patch::diff(old, new)),
                false,
            )
        }
    };
    if patch.as_object().is_some_and(serde_json::Map::is_empty) || patch.is_null() {
        return Ok(None);
    }
    let api = target.reference.api(client);
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_string()),
        ..Default::default()
    };
    let sent = if strategic {
        api.patch(&target.reference.name, &params, &Patch::Strategic(&patch))
            .await
    } else {
        api.patch(&target.reference.name, &params, &Patch::Merge(&patch))
            .await
    };
    sent.map_err(|source| Error::Api {
        step: "cannot patch",
        object: format!("{:?} with kind {}", target.reference.name, kind),
        source,
    })
    .and_then(to_json)
    .map(Some)
}

/// Replaces the object with `PUT` (`--force-replace`), at the live resourceVersion.
///
/// # Errors
///
/// API failures.
pub async fn replace(client: &kube::Client, object: &Object, live: &Value) -> Result<Value> {
    let api = object.reference.api(client);
    let mut body = object.body.clone();
    if let (Some(meta), Some(rv)) = (
        body.get_mut("metadata").and_then(Value::as_object_mut),
        live.pointer("/metadata/resourceVersion"),
    ) {
        meta.insert("resourceVersion".into(), rv.clone());
    }
    let body: kube::api::DynamicObject =
        serde_json::from_value(body).map_err(|e| Error::InvalidObject {
            message: format!("{}: {e}", object.reference),
        })?;
    let params = PostParams {
        dry_run: false,
        field_manager: Some(FIELD_MANAGER.to_string()),
    };
    api.replace(&object.reference.name, &params, &body)
        .await
        .map_err(|source| Error::Api {
            step: "failed to replace object",
            object: object.reference.to_string(),
            source,
        })
        .and_then(to_json)
}

/// How dependents of a deleted object go (`--cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cascade {
    /// Dependents are deleted in the background (helm's default).
    #[default]
    Background,
    /// The object waits for its dependents.
    Foreground,
    /// Dependents are left (orphaned).
    Orphan,
}

/// Deletes an object; `Ok(false)` when it was already gone.
///
/// # Errors
///
/// API failures other than 404.
pub async fn delete(client: &kube::Client, object: &ObjectRef, cascade: Cascade) -> Result<bool> {
    let api = object.api(client);
    let params = DeleteParams {
        propagation_policy: Some(match cascade {
            Cascade::Background => PropagationPolicy::Background,
            Cascade::Foreground => PropagationPolicy::Foreground,
            Cascade::Orphan => PropagationPolicy::Orphan,
        }),
        ..Default::default()
    };
    match api.delete(&object.name, &params).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(false),
        Err(source) => Err(Error::Api {
            step: "delete",
            object: object.to_string(),
            source,
        }),
    }
}

fn is_conflict(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == 409)
}

fn is_crd(kind: &str, api_version: &str) -> bool {
    kind == "CustomResourceDefinition" && api_version.starts_with("apiextensions.k8s.io/")
}

/// helm names applied objects `namespace/name group/version, Kind=Kind`.
fn apply_name(r: &ObjectRef) -> String {
    let api = &r.resource.api;
    let gvk = if api.group.is_empty() {
        format!("/{}, Kind={}", api.version, api.kind)
    } else {
        format!("{}/{}, Kind={}", api.group, api.version, api.kind)
    };
    format!(
        "{}/{} {}",
        r.namespace.as_deref().unwrap_or(""),
        r.name,
        gvk
    )
}

fn to_json(obj: kube::api::DynamicObject) -> Result<Value> {
    serde_json::to_value(obj).map_err(|e| Error::InvalidObject {
        message: format!("server answered with an object that does not serialize: {e}"),
    })
}

/// The text client-go shows for a failed request: the API server's `Status` message
/// alone (kube-rs' own display adds the reason and a debug dump of the `Status`).
pub fn api_message(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) if !status.message.is_empty() => status.message.clone(),
        other => other.to_string(),
    }
}

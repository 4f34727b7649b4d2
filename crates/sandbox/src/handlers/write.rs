//! `create` (POST) and `update` (PUT), including the `status` and `scale` subresources.
//! The admission steps are shared with `patch`, which ends in [`commit_update`].

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Request, Target};
use crate::gc;
use crate::objects::{
    as_served, canonical, defaults_on_create, spec_changed, uses_generation, validate_name,
};
use crate::server::{Reply, State};
use crate::status::{ApiError, Cause};
use crate::store::{Key, StoreGuard};
use crate::util::{meta_str, metadata_mut, new_uid, now_rfc3339, random_suffix};

/// Checks `apiVersion`/`kind` of a request body against the URL's type.
pub(crate) fn check_type(body: &Value, t: &Target) -> Result<(), ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request was not a JSON object".to_string(),
        ));
    }
    if let Some(av) = body.get("apiVersion").and_then(Value::as_str) {
        // Writes in another served version of the same group are accepted (no conversion).
        let group = av.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        if group != t.rt.group {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                t.rt.api_version()
            )));
        }
    }
    if let Some(kind) = body.get("kind").and_then(Value::as_str)
        && kind != t.rt.kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            t.rt.kind
        )));
    }
    Ok(())
}

/// `namespaces "x" not found` unless the namespace exists; 403 while it terminates.
pub(crate) fn check_namespace(g: &StoreGuard<'_>, t: &Target, name: &str) -> Result<(), ApiError> {
    let Some(ns) = t.namespace.as_deref() else {
        return Ok(());
    };
    match g.get(&Key::new("", "namespaces", "", ns)) {
        None => Err(ApiError::not_found("namespaces", "", ns)),
        Some(o) if meta_str(&o, "deletionTimestamp").is_some() => Err(
            ApiError::namespace_terminating(&t.rt.resource, &t.rt.group, name, ns),
        ),
        Some(_) => Ok(()),
    }
}

/// The key of `name` under the request's namespace.
pub(crate) fn key_for(t: &Target, name: &str) -> Key {
    Key::new(&t.rt.group, &t.rt.resource, t.ns(), name)
}

/// Admission of a new object: namespace, name (or `generateName`), server-set metadata and
/// defaults. Returns the object ready to store.
pub(crate) fn admit_create(
    state: &State,
    g: &StoreGuard<'_>,
    t: &Target,
    mut obj: Value,
) -> Result<(Key, Value), ApiError> {
    check_type(&obj, t)?;
    let meta = metadata_mut(&mut obj);
    if t.rt.namespaced {
        let ns = t.ns();
        match meta.get("namespace").and_then(Value::as_str) {
            Some(given) if !given.is_empty() && given != ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {
                meta.insert("namespace".into(), json!(ns));
            }
        }
    } else {
        meta.remove("namespace");
    }
    let mut name = meta
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.is_empty() {
        if let Some(prefix) = meta
            .get("generateName")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
        {
            name = format!("{prefix}{}", random_suffix());
            meta.insert("name".into(), json!(name));
        } else {
            return Err(ApiError::invalid(
                &t.rt.kind,
                &t.rt.group,
                "",
                vec![Cause::required(
                    "metadata.name",
                    "name or generateName is required",
                )],
            ));
        }
    }
    validate_name(&t.rt, &name)?;
    if let Some(path_name) = &t.name
        && *path_name != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({name}) does not match the name on the URL ({path_name})"
        )));
    }
    for server_set in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "selfLink",
        "generation",
    ] {
        meta.remove(server_set);
    }
    meta.insert("uid".into(), json!(new_uid()));
    meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
    if uses_generation(&t.rt) {
        meta.insert("generation".into(), json!(1));
    }
    check_namespace(g, t, &name)?;
    let key = key_for(t, &name);
    if g.get(&key).is_some() {
        return Err(ApiError::already_exists(&t.rt.resource, &t.rt.group, &name));
    }
    // Types with a status subresource ignore status on create (their strategies reset it).
    if t.rt.subresource("status").is_some()
        && let Value::Object(m) = &mut obj
    {
        m.remove("status");
    }
    defaults_on_create(&t.rt, &mut obj, || state.next_cluster_ip());
    crate::defaults::apply(&t.rt, &mut obj, crate::defaults::next_node_port);
    Ok((key, canonical(obj, &t.rt)))
}

/// Stores a new object and runs what follows a write (CRD registration, namespace
/// contents, garbage collection).
pub(crate) fn commit_create(
    state: &State,
    g: &mut StoreGuard<'_>,
    key: Key,
    obj: Value,
) -> Result<Arc<Value>, ApiError> {
    let stored = g.put(key.clone(), obj)?;
    after_write(state, g, &key, &stored)?;
    Ok(stored)
}

/// Side effects of a stored write.
pub(crate) fn after_write(
    state: &State,
    g: &mut StoreGuard<'_>,
    key: &Key,
    obj: &Value,
) -> Result<(), ApiError> {
    if key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions" {
        state.registry.register_crd(obj);
        crate::handlers::patch::register_crd_schema(state, obj);
    }
    if key.group.is_empty()
        && key.resource == "namespaces"
        && meta_str(obj, "deletionTimestamp").is_none()
    {
        namespace_contents(state, g, &key.name)?;
    }
    let has_owners = obj
        .get("metadata")
        .and_then(|m| m.get("ownerReferences"))
        .is_some();
    if has_owners || meta_str(obj, "deletionTimestamp").is_some() {
        gc::settle(state, g)?;
    }
    Ok(())
}

/// What kube-controller-manager puts in every namespace: the `default` ServiceAccount and
/// the `kube-root-ca.crt` ConfigMap.
fn namespace_contents(state: &State, g: &mut StoreGuard<'_>, ns: &str) -> Result<(), ApiError> {
    let sa = Key::new("", "serviceaccounts", ns, "default");
    if g.get(&sa).is_none() {
        g.put(
            sa,
            json!({"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {
                "name": "default", "namespace": ns, "uid": new_uid(), "creationTimestamp": now_rfc3339()}}),
        )?;
    }
    let cm = Key::new("", "configmaps", ns, "kube-root-ca.crt");
    if g.get(&cm).is_none() {
        g.put(
            cm,
            json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {
                "name": "kube-root-ca.crt", "namespace": ns, "uid": new_uid(), "creationTimestamp": now_rfc3339()},
                "data": {"ca.crt": state.ca_pem}}),
        )?;
    }
    Ok(())
}

/// POST: create.
pub(crate) fn create(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let mut body = req.json_body()?;
    let dry = req.dry_run()?;
    let mut g = state.store.lock();
    let warnings = crate::handlers::patch::validate_fields(state, req, t, &mut body)?;
    let (key, mut obj) = admit_create(state, &g, t, body)?;
    crate::handlers::patch::track_create(state, req, t, &mut obj)?;
    if dry {
        return Ok(Reply::json(201, &as_served(&obj, &t.rt), req).with_warnings(&warnings));
    }
    let stored = commit_create(state, &mut g, key, obj)?;
    Ok(Reply::json(201, &as_served(&stored, &t.rt), req).with_warnings(&warnings))
}

/// What part of the object a write may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The resource itself: everything but `status` (for types with a status subresource).
    Main,
    /// The `status` subresource: only `status`.
    Status,
    /// The namespace `finalize` subresource: only `spec.finalizers`.
    Finalize,
}

impl Part {
    pub(crate) fn of(t: &Target) -> Part {
        match t.subresource.as_deref() {
            Some("status") => Part::Status,
            Some("finalize") => Part::Finalize,
            _ => Part::Main,
        }
    }
}

/// Builds the object an update stores from the old one and the client's new one: keeps
/// server-owned metadata, applies the subresource rules and bumps `generation`.
pub(crate) fn merge_update(t: &Target, old: &Value, mut new: Value, part: Part) -> Value {
    match part {
        Part::Status => {
            let mut merged = old.clone();
            merged["status"] = new.get("status").cloned().unwrap_or(Value::Null);
            if merged["status"].is_null()
                && let Value::Object(m) = &mut merged
            {
                m.remove("status");
            }
            return merged;
        }
        Part::Finalize => {
            let mut merged = old.clone();
            merged["spec"]["finalizers"] = new
                .get("spec")
                .and_then(|s| s.get("finalizers"))
                .cloned()
                .unwrap_or_else(|| json!([]));
            return merged;
        }
        Part::Main => {}
    }
    crate::defaults::apply(&t.rt, &mut new, crate::defaults::next_node_port);
    if t.rt.subresource("status").is_some()
        && let Value::Object(m) = &mut new
    {
        match old.get("status") {
            Some(s) => {
                m.insert("status".into(), s.clone());
            }
            None => {
                m.remove("status");
            }
        }
    }
    let old_meta = old.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let meta = metadata_mut(&mut new);
    for keep in [
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "generateName",
    ] {
        match old_meta.get(keep) {
            Some(v) => {
                meta.insert(keep.into(), v.clone());
            }
            None => {
                meta.remove(keep);
            }
        }
    }
    if meta_str(old, "deletionTimestamp").is_some() {
        // Finalizers may only be removed once deletion started; new ones are refused by
        // the API server, so keep the client's list only if it shrank.
        let old_f = old_meta
            .get("finalizers")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let new_f = meta
            .get("finalizers")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        if new_f > old_f
            && let Some(f) = old_meta.get("finalizers")
        {
            meta.insert("finalizers".into(), f.clone());
        }
    }
    if uses_generation(&t.rt) && spec_changed(old, &new) {
        let g = old_meta
            .get("generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        metadata_mut(&mut new).insert("generation".into(), json!(g + 1));
    }
    if let Value::Object(m) = &mut new
        && t.rt.group.is_empty()
        && t.rt.resource == "namespaces"
    {
        // A namespace's spec and status belong to the namespace controller.
        for k in ["spec", "status"] {
            if let Some(v) = old.get(k) {
                m.insert(k.into(), v.clone());
            }
        }
    }
    new
}

/// Stores an updated object unless nothing changed; removes it if it was terminating and
/// lost its last finalizer. Returns what the client should see.
pub(crate) fn commit_update(
    state: &State,
    g: &mut StoreGuard<'_>,
    t: &Target,
    key: &Key,
    old: &Arc<Value>,
    new: Value,
    dry: bool,
) -> Result<Value, ApiError> {
    let mut new = canonical(new, &t.rt);
    let rv = old
        .get("metadata")
        .and_then(|m| m.get("resourceVersion"))
        .cloned();
    if let Some(rv) = rv.clone() {
        metadata_mut(&mut new).insert("resourceVersion".into(), rv);
    }
    // The API server skips writes that change nothing (no new resourceVersion, no event).
    if crate::handlers::patch::same_ignoring_time(&new, old) {
        return Ok((**old).clone());
    }
    if dry {
        return Ok(new);
    }
    let terminating = meta_str(&new, "deletionTimestamp").is_some();
    let no_finalizers = new
        .get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    let is_ns = key.group.is_empty() && key.resource == "namespaces";
    if terminating && no_finalizers && !is_ns {
        gc::remove(state, g, key)?;
        gc::settle(state, g)?;
        return Ok(new);
    }
    let stored = g.put(key.clone(), new)?;
    after_write(state, g, key, &stored)?;
    Ok((*stored).clone())
}

/// PUT: update (also `status` and `finalize`).
pub(crate) fn update(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let mut body = req.json_body()?;
    check_type(&body, t)?;
    let warnings = crate::handlers::patch::validate_fields(state, req, t, &mut body)?;
    let dry = req.dry_run()?;
    let name = t.name.clone().unwrap_or_default();
    if let Some(n) = meta_str(&body, "name")
        && n != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        )));
    }
    let key = key_for(t, &name);
    let mut g = state.store.lock();
    let Some(old) = g.get(&key) else {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    };
    if let Some(rv) = meta_str(&body, "resourceVersion").filter(|s| !s.is_empty())
        && Some(rv) != meta_str(&old, "resourceVersion")
    {
        return Err(ApiError::modified(&t.rt.resource, &t.rt.group, &name));
    }
    let mut new = merge_update(t, &old, body, Part::of(t));
    crate::handlers::patch::track_update(state, req, t, &old, &mut new)?;
    let out = commit_update(state, &mut g, t, &key, &old, new, dry)?;
    Ok(Reply::json(200, &as_served(&out, &t.rt), req).with_warnings(&warnings))
}

/// The `autoscaling/v1` `Scale` view of an object with `spec.replicas`.
pub(crate) fn scale_of(obj: &Value) -> Value {
    let meta = obj.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let mut m = serde_json::Map::new();
    for k in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = meta.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    let selector = obj
        .get("spec")
        .and_then(|s| s.get("selector"))
        .and_then(crate::selectors::LabelSelector::from_object)
        .map(|_| {
            crate::util::get_path(obj, "spec.selector.matchLabels")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default()
        });
    let mut status = json!({"replicas": obj.get("status").and_then(|s| s.get("replicas")).cloned().unwrap_or(json!(0))});
    if let Some(s) = selector {
        status["selector"] = json!(s);
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": Value::Object(m),
        "spec": {"replicas": obj.get("spec").and_then(|s| s.get("replicas")).cloned().unwrap_or(json!(1))},
        "status": status,
    })
}

/// Applies a new `Scale` to the object at `t` and stores it.
pub(crate) fn apply_scale(
    state: &State,
    req: &Request,
    t: &Target,
    scale: &Value,
) -> Result<Reply, ApiError> {
    let dry = req.dry_run()?;
    let name = t.name.clone().unwrap_or_default();
    let key = key_for(t, &name);
    let mut g = state.store.lock();
    let Some(old) = g.get(&key) else {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    };
    if let Some(rv) = meta_str(scale, "resourceVersion").filter(|s| !s.is_empty())
        && Some(rv) != meta_str(&old, "resourceVersion")
    {
        return Err(ApiError::modified(&t.rt.resource, &t.rt.group, &name));
    }
    let Some(replicas) = scale
        .get("spec")
        .and_then(|s| s.get("replicas"))
        .and_then(Value::as_i64)
    else {
        return Err(ApiError::invalid(
            "Scale",
            "autoscaling",
            &name,
            vec![Cause::required("spec.replicas", "")],
        ));
    };
    if replicas < 0 {
        return Err(ApiError::invalid(
            "Scale",
            "autoscaling",
            &name,
            vec![Cause::invalid_value(
                "spec.replicas",
                &replicas.to_string(),
                "must be greater than or equal to 0",
            )],
        ));
    }
    let mut new = (*old).clone();
    new["spec"]["replicas"] = json!(replicas);
    let new = merge_update(
        &Target {
            subresource: None,
            ..t.clone()
        },
        &old,
        new,
        Part::Main,
    );
    let out = commit_update(state, &mut g, t, &key, &old, new, dry)?;
    Ok(Reply::json(200, &scale_of(&out), req))
}

/// PUT on `scale`.
pub(crate) fn update_scale(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let body = req.json_body()?;
    apply_scale(state, req, t, &body)
}

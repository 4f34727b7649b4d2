//! PATCH: JSON patch, JSON merge patch, strategic merge patch (built-in types only, as on
//! a real server) and server-side apply, computed by the `charthouse-patch` crate. This is
//! the only module that talks to it.

use serde_json::Value;

use super::write::{Part, apply_scale, check_type, commit_update, key_for, merge_update, scale_of};
use super::{Request, Target};
use crate::objects::as_served;
use crate::server::{Reply, State};
use crate::status::ApiError;
use crate::util::meta_str;

/// The patch types the API server accepts, by `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

fn patch_type(req: &Request, t: &Target) -> Result<PatchType, ApiError> {
    let ct = req.content_type.split(';').next().unwrap_or("").trim();
    let ty = match ct {
        "application/json-patch+json" => PatchType::Json,
        "application/merge-patch+json" => PatchType::Merge,
        "application/strategic-merge-patch+json" => PatchType::Strategic,
        "application/apply-patch+yaml" => PatchType::Apply,
        _ => {
            return Err(ApiError {
                code: 415,
                reason: "UnsupportedMediaType",
                message: format!(
                    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{}",
                    if t.rt.custom.is_none() {
                        ", application/strategic-merge-patch+json"
                    } else {
                        ""
                    }
                ),
                details: None,
            });
        }
    };
    // Custom resources have no patch strategy metadata, so the API server refuses SMP.
    if ty == PatchType::Strategic && t.rt.custom.is_some() {
        return Err(ApiError {
            code: 415,
            reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".into(),
            details: None,
        });
    }
    Ok(ty)
}

/// Maps the patch crate's errors to the codes the API server uses: undecodable patches are
/// 400, patches that cannot be applied to this object are 422.
fn patch_error(e: charthouse_patch::Error, t: &Target, name: &str) -> ApiError {
    use charthouse_patch::Error as E;
    match e {
        E::DecodeJsonPatch { message, .. } => ApiError::bad_request(message),
        E::MergePatch { .. } | E::StrategicPatch { .. } => ApiError::bad_request(e.to_string()),
        other => ApiError {
            code: 422,
            reason: "Invalid",
            message: other.to_string(),
            details: Some(
                serde_json::json!({"name": name, "group": t.rt.group, "kind": t.rt.kind}),
            ),
        },
    }
}

/// Applies a JSON, merge or strategic patch to `current`.
fn apply_patch(
    state: &State,
    ty: PatchType,
    t: &Target,
    name: &str,
    current: &Value,
    patch: &Value,
) -> Result<Value, ApiError> {
    match ty {
        PatchType::Json => charthouse_patch::json_patch::apply(current, patch),
        PatchType::Merge => charthouse_patch::merge_patch::apply(current, patch),
        PatchType::Strategic => {
            let schema = state.patch_schema.read().unwrap_or_else(|e| e.into_inner());
            let tref = schema.type_or_deduced(&t.rt.api_version(), &t.rt.kind);
            charthouse_patch::strategic::apply(current, patch, tref)
        }
        PatchType::Apply => unreachable_apply(),
    }
    .map_err(|e| patch_error(e, t, name))
}

/// Server-side apply is not a patch of `current` but a merge of ownership; callers route
/// it to [`apply`] before reaching [`apply_patch`].
fn unreachable_apply() -> charthouse_patch::Result<Value> {
    Err(charthouse_patch::Error::MergePatch {
        path: String::new(),
        message: "apply patches are handled by server-side apply".into(),
    })
}

/// The now-timestamp managedFields entries record.
fn now() -> String {
    crate::util::now_rfc3339()
}

fn update_options(req: &Request, t: &Target) -> charthouse_patch::ssa::UpdateOptions {
    charthouse_patch::ssa::UpdateOptions {
        manager: req.field_manager(),
        time: now(),
        subresource: t.subresource.clone(),
        api_version: t.rt.api_version(),
    }
}

/// Records a create in `metadata.managedFields` (operation `Update`).
pub(crate) fn track_create(
    state: &State,
    req: &Request,
    t: &Target,
    obj: &mut Value,
) -> Result<(), ApiError> {
    let schema = state.patch_schema.read().unwrap_or_else(|e| e.into_inner());
    let ty = schema.type_or_deduced(&t.rt.api_version(), &t.rt.kind);
    let name = meta_str(obj, "name").unwrap_or("").to_string();
    *obj = charthouse_patch::ssa::track_update(None, obj, &update_options(req, t), ty)
        .map_err(|e| patch_error(e, t, &name))?;
    Ok(())
}

/// Records an update or patch in `metadata.managedFields`.
pub(crate) fn track_update(
    state: &State,
    req: &Request,
    t: &Target,
    old: &Value,
    new: &mut Value,
) -> Result<(), ApiError> {
    let schema = state.patch_schema.read().unwrap_or_else(|e| e.into_inner());
    let ty = schema.type_or_deduced(&t.rt.api_version(), &t.rt.kind);
    let name = meta_str(new, "name").unwrap_or("").to_string();
    *new = charthouse_patch::ssa::track_update(Some(old), new, &update_options(req, t), ty)
        .map_err(|e| patch_error(e, t, &name))?;
    Ok(())
}

/// Removes the field at a validation path (`spec.containers[0].bogus`).
fn prune(obj: &mut Value, path: &str) {
    let mut steps: Vec<Result<&str, usize>> = Vec::new();
    for seg in path.split('.') {
        let (name, rest) = seg.split_once('[').map_or((seg, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            steps.push(Ok(name));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse::<usize>() {
                steps.push(Err(i));
            }
        }
    }
    let Some((last, parents)) = steps.split_last() else {
        return;
    };
    let mut cur = obj;
    for step in parents {
        let next = match step {
            Ok(k) => cur.get_mut(*k),
            Err(i) => cur.get_mut(*i),
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let (Ok(k), Value::Object(m)) = (last, cur) {
        m.remove(*k);
    }
}

/// Field validation: fields the type does not declare (or given twice) are a 400 with
/// `fieldValidation=Strict` (worded as the API server's strict decoder), `Warning` headers
/// with `Warn` (the default), and ignored with `Ignore`.
pub(crate) fn validate_fields(
    state: &State,
    req: &Request,
    t: &Target,
    obj: &mut Value,
) -> Result<Vec<String>, ApiError> {
    let mode = req.q("fieldValidation").unwrap_or("Warn");
    if mode == "Ignore" {
        return Ok(Vec::new());
    }
    let schema = state.patch_schema.read().unwrap_or_else(|e| e.into_inner());
    let Some(ty) = schema.type_for(&t.rt.api_version(), &t.rt.kind) else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    if let Ok(raw) = std::str::from_utf8(&req.body) {
        problems.extend(charthouse_patch::validate::duplicate_fields(raw));
    }
    problems.extend(charthouse_patch::validate::unknown_fields(obj, ty));
    if problems.is_empty() {
        return Ok(Vec::new());
    }
    if mode == "Strict" {
        return Err(ApiError::bad_request(
            charthouse_patch::validate::strict_error_message(&t.rt.kind, &t.rt.version, &problems),
        ));
    }
    // Decoding into the API types drops what they do not declare; so does the sandbox.
    for p in &problems {
        if let charthouse_patch::validate::FieldProblem::Unknown(path) = p {
            prune(obj, path);
        }
    }
    // `Warn`, the API server's default: the request succeeds with one warning per problem.
    Ok(problems.iter().map(ToString::to_string).collect())
}

/// PATCH with `application/apply-patch+yaml`: server-side apply, creating the object if
/// it does not exist.
fn apply(state: &State, req: &Request, t: &Target, config: Value) -> Result<Reply, ApiError> {
    let dry = req.dry_run()?;
    let name = t.name.clone().unwrap_or_default();
    let manager = match req.q("fieldManager") {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => {
            return Err(ApiError::bad_request(
                "PATCH request with apply type requires fieldManager",
            ));
        }
    };
    check_type(&config, t)?;
    if let Some(n) = meta_str(&config, "name")
        && n != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        )));
    }
    let mut config = config;
    let warnings = validate_fields(state, req, t, &mut config)?;
    let opts = charthouse_patch::ssa::ApplyOptions {
        manager,
        force: req.flag("force"),
        time: now(),
        subresource: t.subresource.clone(),
        api_version: t.rt.api_version(),
    };
    let key = key_for(t, &name);
    let mut g = state.store.lock();
    let old = g.get(&key);
    if let Some(rv) = meta_str(&config, "resourceVersion").filter(|s| !s.is_empty())
        && old
            .as_ref()
            .and_then(|o| meta_str(o, "resourceVersion").map(str::to_string))
            .as_deref()
            != Some(rv)
    {
        return Err(ApiError::modified(&t.rt.resource, &t.rt.group, &name));
    }
    let current = old.as_ref().map(|o| as_served(o, &t.rt));
    let applied = {
        let schema = state.patch_schema.read().unwrap_or_else(|e| e.into_inner());
        let ty = schema.type_or_deduced(&t.rt.api_version(), &t.rt.kind);
        charthouse_patch::ssa::apply(current.as_ref(), &config, &opts, ty)
    };
    let applied = match applied {
        Ok(v) => v,
        Err(e) => {
            if let Some(status) = e.status() {
                return Err(ApiError {
                    code: 409,
                    reason: "Conflict",
                    message: status
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    details: status.get("details").cloned(),
                });
            }
            return Err(match e {
                charthouse_patch::ssa::ApplyError::Invalid(inner) => patch_error(inner, t, &name),
                other => ApiError::bad_request(other.to_string()),
            });
        }
    };
    match old {
        None => {
            if t.subresource.is_some() {
                return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
            }
            let (key, obj) = super::write::admit_create(state, &g, t, applied)?;
            if dry {
                return Ok(Reply::json(201, &as_served(&obj, &t.rt), req).with_warnings(&warnings));
            }
            let stored = super::write::commit_create(state, &mut g, key, obj)?;
            Ok(Reply::json(201, &as_served(&stored, &t.rt), req).with_warnings(&warnings))
        }
        Some(old) => {
            let new = merge_update(t, &old, applied, Part::of(t));
            let out = commit_update(state, &mut g, t, &key, &old, new, dry)?;
            Ok(Reply::json(200, &as_served(&out, &t.rt), req).with_warnings(&warnings))
        }
    }
}

/// PATCH on an object or its `status`.
pub(crate) fn patch(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let ty = patch_type(req, t)?;
    let body = req.json_body()?;
    if ty == PatchType::Apply {
        return apply(state, req, t, body);
    }
    let dry = req.dry_run()?;
    let name = t.name.clone().unwrap_or_default();
    let key = key_for(t, &name);
    let mut g = state.store.lock();
    let Some(old) = g.get(&key) else {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    };
    let current = as_served(&old, &t.rt);
    let patched = apply_patch(state, ty, t, &name, &current, &body)?;
    check_type(&patched, t)?;
    // A patch that names a resourceVersion is a precondition, like an update's; one that
    // removes it (a three-way patch computed against the live object) is unconditional,
    // as the API server's storage treats an empty resourceVersion.
    let patched_rv = meta_str(&patched, "resourceVersion").filter(|rv| !rv.is_empty());
    if patched_rv.is_some() && patched_rv != meta_str(&old, "resourceVersion") {
        return Err(ApiError::modified(&t.rt.resource, &t.rt.group, &name));
    }
    if meta_str(&patched, "name") != Some(name.as_str()) {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            meta_str(&patched, "name").unwrap_or("")
        )));
    }
    let mut patched = patched;
    let warnings = validate_fields(state, req, t, &mut patched)?;
    let mut new = merge_update(t, &old, patched, Part::of(t));
    track_update(state, req, t, &old, &mut new)?;
    let out = commit_update(state, &mut g, t, &key, &old, new, dry)?;
    Ok(Reply::json(200, &as_served(&out, &t.rt), req).with_warnings(&warnings))
}

/// PATCH on `scale` (what `kubectl scale` sends): patch the `Scale` view, then store it.
pub(crate) fn patch_scale(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let ty = patch_type(req, t)?;
    let body = req.json_body()?;
    let name = t.name.clone().unwrap_or_default();
    let current = {
        let g = state.store.lock();
        let Some(old) = g.get(&key_for(t, &name)) else {
            return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
        };
        scale_of(&old)
    };
    let scale = match ty {
        PatchType::Strategic => charthouse_patch::merge_patch::apply(&current, &body)
            .map_err(|e| patch_error(e, t, &name))?,
        other => apply_patch(state, other, t, &name, &current, &body)?,
    };
    apply_scale(state, req, t, &scale)
}

/// Adds a CRD's types to the schema strategic merge patch and apply use.
pub(crate) fn register_crd_schema(state: &State, crd: &Value) {
    let mut schema = state
        .patch_schema
        .write()
        .unwrap_or_else(|e| e.into_inner());
    // A CRD whose schema the patch crate cannot read still works with merge patches.
    let _ = schema.add_crd(crd);
}

/// Whether an update changes nothing but timestamps inside managedFields.
pub(crate) fn same_ignoring_time(new: &Value, old: &Value) -> bool {
    fn strip(v: &Value) -> Value {
        let mut v = v.clone();
        if let Some(Value::Array(mf)) = v
            .get_mut("metadata")
            .and_then(|m| m.get_mut("managedFields"))
        {
            for e in mf.iter_mut() {
                if let Value::Object(m) = e {
                    m.remove("time");
                }
            }
        }
        v
    }
    strip(new) == strip(old)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prune_removes_nested_unknown_fields() {
        let mut v = json!({"bogus": 1, "spec": {"containers": [{"name": "a"}, {"name": "b", "extra": true}]}});
        prune(&mut v, "bogus");
        prune(&mut v, "spec.containers[1].extra");
        prune(&mut v, "spec.missing[3].x");
        assert_eq!(
            v,
            json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}})
        );
    }
}

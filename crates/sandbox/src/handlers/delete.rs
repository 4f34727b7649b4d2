//! `delete` and `deletecollection`, with `DeleteOptions` (propagation policy,
//! preconditions, dry run) from the body or the query.

use serde_json::{Value, json};

use super::read::Selection;
use super::write::key_for;
use super::{Request, Target};
use crate::gc::{self, Propagation};
use crate::objects::as_served;
use crate::server::{Reply, State};
use crate::status::ApiError;
use crate::util::meta_str;

struct Options {
    policy: Propagation,
    uid: Option<String>,
    rv: Option<String>,
    dry: bool,
}

fn options(req: &Request) -> Result<Options, ApiError> {
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        req.json_body()?
    };
    let policy = match body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .or(req.q("propagationPolicy"))
    {
        Some(p) => Propagation::parse(p)?,
        None => match body.get("orphanDependents").and_then(Value::as_bool).or(
            match req.q("orphanDependents") {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
        ) {
            Some(true) => Propagation::Orphan,
            _ => Propagation::Background,
        },
    };
    let pre = body.get("preconditions");
    let dry = match body.get("dryRun").and_then(Value::as_array) {
        Some(a) => a.iter().any(|v| v == "All"),
        None => req.dry_run()?,
    };
    Ok(Options {
        policy,
        uid: pre
            .and_then(|p| p.get("uid"))
            .and_then(Value::as_str)
            .map(str::to_string),
        rv: pre
            .and_then(|p| p.get("resourceVersion"))
            .and_then(Value::as_str)
            .map(str::to_string),
        dry,
    })
}

/// The `Status` the API server answers an immediate deletion with.
fn success(t: &Target, name: &str, uid: &str) -> Value {
    let mut details = serde_json::Map::new();
    details.insert("name".into(), json!(name));
    if !t.rt.group.is_empty() {
        details.insert("group".into(), json!(t.rt.group));
    }
    details.insert("kind".into(), json!(t.rt.resource));
    details.insert("uid".into(), json!(uid));
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details})
}

/// DELETE of one object.
pub(crate) fn delete(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let opts = options(req)?;
    let name = t.name.clone().unwrap_or_default();
    let key = key_for(t, &name);
    let mut g = state.store.lock();
    let Some(obj) = g.get(&key) else {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    };
    let uid = meta_str(&obj, "uid").unwrap_or("").to_string();
    // The API server's NamespaceLifecycle admission protects the system namespaces.
    if t.rt.group.is_empty()
        && t.rt.resource == "namespaces"
        && matches!(name.as_str(), "default" | "kube-system" | "kube-public")
    {
        return Err(ApiError {
            code: 403,
            reason: "Forbidden",
            message: format!(
                "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
            ),
            details: Some(serde_json::json!({"name": name, "kind": "namespaces"})),
        });
    }
    if let Some(want) = &opts.uid
        && *want != uid
    {
        return Err(ApiError::conflict(
            &t.rt.resource,
            &t.rt.group,
            &name,
            &format!("Precondition failed: UID in precondition: {want}, UID in object meta: {uid}"),
        ));
    }
    if let Some(want) = &opts.rv {
        let have = meta_str(&obj, "resourceVersion").unwrap_or("");
        if want != have {
            return Err(ApiError::conflict(
                &t.rt.resource,
                &t.rt.group,
                &name,
                &format!(
                    "Precondition failed: ResourceVersion in precondition: {want}, ResourceVersion in object meta: {have}"
                ),
            ));
        }
    }
    if opts.dry {
        return Ok(Reply::json(200, &as_served(&obj, &t.rt), req));
    }
    match gc::delete(state, &mut g, &key, opts.policy)? {
        Some(still) => Ok(Reply::json(200, &as_served(&still, &t.rt), req)),
        None => {
            gc::settle(state, &mut g)?;
            Ok(Reply::json(200, &success(t, &name, &uid), req))
        }
    }
}

/// DELETE of a collection: deletes what a list with the same selectors returns, and
/// answers with the list of deleted objects.
pub(crate) fn delete_collection(
    state: &State,
    req: &Request,
    t: &Target,
) -> Result<Reply, ApiError> {
    let opts = options(req)?;
    let sel = Selection::from_request(req, t)?;
    let mut g = state.store.lock();
    let rv = g.rv();
    let keys: Vec<(crate::store::Key, std::sync::Arc<Value>)> = g
        .list(&t.rt.group, &t.rt.resource, t.namespace.as_deref())
        .filter(|(_, o)| sel.matches(o))
        .map(|(k, o)| (k.clone(), o.clone()))
        .collect();
    let mut items = Vec::new();
    for (k, o) in keys {
        if !opts.dry {
            gc::delete(state, &mut g, &k, opts.policy)?;
        }
        let mut item = as_served(&o, &t.rt);
        if t.rt.custom.is_none()
            && let Value::Object(m) = &mut item
        {
            m.remove("kind");
            m.remove("apiVersion");
        }
        items.push(item);
    }
    if !opts.dry {
        gc::settle(state, &mut g)?;
    }
    Ok(Reply::json(
        200,
        &json!({"kind": format!("{}List", t.rt.kind), "apiVersion": t.rt.api_version(), "metadata": {"resourceVersion": rv.to_string()}, "items": items}),
        req,
    ))
}

//! Deletion semantics and garbage collection, done synchronously inside the writing
//! request: finalizers and `deletionTimestamp`, propagation policies (`Background`,
//! `Foreground`, `Orphan`), owner references, namespace and CRD cleanup.
//!
//! # Caveats
//! The real API server does this asynchronously in kube-controller-manager's garbage
//! collector and namespace controller; here it has finished by the time the request that
//! triggered it returns, which only makes clients' waits shorter.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::server::State;
use crate::status::ApiError;
use crate::store::{Key, StoreGuard};
use crate::util::{meta_str, metadata_mut, now_rfc3339};

/// How dependents of a deleted object are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Propagation {
    Background,
    Foreground,
    Orphan,
}

impl Propagation {
    /// Parses `propagationPolicy`.
    pub(crate) fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "Background" => Ok(Propagation::Background),
            "Foreground" => Ok(Propagation::Foreground),
            "Orphan" => Ok(Propagation::Orphan),
            other => Err(ApiError::bad_request(format!(
                "propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            ))),
        }
    }
}

const FOREGROUND: &str = "foregroundDeletion";
const ORPHAN: &str = "orphan";
const CRD_CLEANUP: &str = "customresourcecleanup.apiextensions.k8s.io";

fn finalizers(obj: &Value) -> Vec<String> {
    obj.get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn set_finalizers(obj: &mut Value, f: Vec<String>) {
    let meta = metadata_mut(obj);
    if f.is_empty() {
        meta.remove("finalizers");
    } else {
        meta.insert("finalizers".into(), json!(f));
    }
}

fn owner_uids(obj: &Value) -> Vec<String> {
    obj.get("metadata")
        .and_then(|m| m.get("ownerReferences"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| o.get("uid")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn is_terminating(obj: &Value) -> bool {
    meta_str(obj, "deletionTimestamp").is_some()
}

fn is_namespace(key: &Key) -> bool {
    key.group.is_empty() && key.resource == "namespaces"
}

fn is_crd(key: &Key) -> bool {
    key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions"
}

/// Removes an object for good, keeping the registry in step when it is a CRD.
pub(crate) fn remove(
    state: &State,
    g: &mut StoreGuard<'_>,
    key: &Key,
) -> Result<Option<Arc<Value>>, ApiError> {
    let gone = g.remove(key)?;
    if gone.is_some() && is_crd(key) {
        state.registry.unregister_crd(&key.name);
    }
    Ok(gone)
}

/// Starts deleting the object at `key`. Returns the object if it still exists afterwards
/// (finalizers pending), `None` if it is gone.
pub(crate) fn delete(
    state: &State,
    g: &mut StoreGuard<'_>,
    key: &Key,
    policy: Propagation,
) -> Result<Option<Arc<Value>>, ApiError> {
    let Some(obj) = g.get(key) else {
        return Ok(None);
    };
    let mut fins = finalizers(&obj);
    let wanted = match policy {
        Propagation::Foreground => Some(FOREGROUND),
        Propagation::Orphan => Some(ORPHAN),
        Propagation::Background => None,
    };
    if let Some(f) = wanted
        && !fins.iter().any(|x| x == f)
    {
        fins.push(f.to_string());
    }
    if is_crd(key) && !fins.iter().any(|x| x == CRD_CLEANUP) {
        fins.push(CRD_CLEANUP.to_string());
    }
    let namespace = is_namespace(key);
    if fins.is_empty() && !namespace {
        return Ok(remove(state, g, key)?.and(None));
    }
    let mut updated = (*obj).clone();
    if !is_terminating(&updated) {
        let meta = metadata_mut(&mut updated);
        meta.insert("deletionTimestamp".into(), json!(now_rfc3339()));
        meta.insert("deletionGracePeriodSeconds".into(), json!(0));
    }
    set_finalizers(&mut updated, fins);
    if namespace {
        updated["status"]["phase"] = json!("Terminating");
    }
    let updated = crate::objects::order_metadata(updated);
    if *obj == updated {
        return Ok(Some(obj));
    }
    g.put(key.clone(), updated)?;
    settle(state, g)?;
    Ok(g.get(key))
}

enum Action {
    Remove(Key),
    Delete(Key, Propagation),
    DropFinalizer(Key, &'static str),
    DropNamespaceFinalizer(Key),
    DropOwner(Key, String),
}

/// Runs the garbage collector and the namespace/CRD cleanup until nothing changes.
pub(crate) fn settle(state: &State, g: &mut StoreGuard<'_>) -> Result<(), ApiError> {
    // Each round makes progress (removes objects or finalizers), so this bound is only a
    // guard against a bug turning into a hung request.
    for _ in 0..1000 {
        let actions = plan(g);
        if actions.is_empty() {
            return Ok(());
        }
        for a in actions {
            match a {
                Action::Remove(k) => {
                    remove(state, g, &k)?;
                }
                Action::Delete(k, p) => {
                    if g.get(&k).is_some_and(|o| !is_terminating(&o)) {
                        delete(state, g, &k, p)?;
                    }
                }
                Action::DropFinalizer(k, f) => edit(g, &k, |o| {
                    let fs = finalizers(o).into_iter().filter(|x| x != f).collect();
                    set_finalizers(o, fs);
                })?,
                Action::DropNamespaceFinalizer(k) => edit(g, &k, |o| {
                    if let Some(spec) = o.get_mut("spec").and_then(Value::as_object_mut) {
                        spec.remove("finalizers");
                    }
                })?,
                Action::DropOwner(k, uid) => edit(g, &k, |o| {
                    let meta = metadata_mut(o);
                    if let Some(Value::Array(refs)) = meta.get_mut("ownerReferences") {
                        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(&uid));
                        if refs.is_empty() {
                            meta.remove("ownerReferences");
                        }
                    }
                })?,
            }
        }
    }
    Ok(())
}

fn edit(g: &mut StoreGuard<'_>, key: &Key, f: impl FnOnce(&mut Value)) -> Result<(), ApiError> {
    if let Some(o) = g.get(key) {
        let mut v = (*o).clone();
        f(&mut v);
        if v != *o {
            g.put(key.clone(), v)?;
        }
    }
    Ok(())
}

fn plan(g: &StoreGuard<'_>) -> Vec<Action> {
    let mut uids: HashMap<String, Key> = HashMap::new();
    let mut dependents: HashMap<String, Vec<Key>> = HashMap::new();
    for (k, o) in g.all() {
        if let Some(uid) = meta_str(o, "uid") {
            uids.insert(uid.to_string(), k.clone());
        }
        for owner in owner_uids(o) {
            dependents.entry(owner).or_default().push(k.clone());
        }
    }
    let terminating_ns: HashSet<&str> = g
        .all()
        .filter(|(k, o)| is_namespace(k) && is_terminating(o))
        .map(|(k, _)| k.name.as_str())
        .collect();
    let mut crd_cleanup: Vec<(String, String, Key)> = Vec::new();
    let mut ns_content: HashMap<&str, usize> = HashMap::new();
    let mut actions = Vec::new();
    for (k, o) in g.all() {
        if !k.namespace.is_empty() && terminating_ns.contains(k.namespace.as_str()) {
            *ns_content.entry(k.namespace.as_str()).or_default() += 1;
            if !is_terminating(o) {
                actions.push(Action::Delete(k.clone(), Propagation::Background));
            }
        }
        let fins = finalizers(o);
        let uid = meta_str(o, "uid").unwrap_or("").to_string();
        if is_terminating(o) {
            if fins.is_empty() && !is_namespace(k) {
                actions.push(Action::Remove(k.clone()));
                continue;
            }
            if fins.iter().any(|f| f == ORPHAN) {
                for d in dependents.get(&uid).into_iter().flatten() {
                    actions.push(Action::DropOwner(d.clone(), uid.clone()));
                }
                actions.push(Action::DropFinalizer(k.clone(), ORPHAN));
            }
            if fins.iter().any(|f| f == FOREGROUND) {
                let deps = dependents.get(&uid).map(Vec::as_slice).unwrap_or(&[]);
                if deps.is_empty() {
                    actions.push(Action::DropFinalizer(k.clone(), FOREGROUND));
                } else {
                    for d in deps {
                        actions.push(Action::Delete(d.clone(), Propagation::Foreground));
                    }
                }
            }
            if is_crd(k)
                && fins.iter().any(|f| f == CRD_CLEANUP)
                && let (Some(group), Some(plural)) = (
                    o.get("spec")
                        .and_then(|s| s.get("group"))
                        .and_then(Value::as_str),
                    o.get("spec")
                        .and_then(|s| s.get("names"))
                        .and_then(|n| n.get("plural"))
                        .and_then(Value::as_str),
                )
            {
                crd_cleanup.push((group.to_string(), plural.to_string(), k.clone()));
            }
        }
        let owners = owner_uids(o);
        if !owners.is_empty() && !is_terminating(o) && owners.iter().all(|u| !uids.contains_key(u))
        {
            actions.push(Action::Delete(k.clone(), Propagation::Background));
        }
    }
    for ns in terminating_ns {
        if ns_content.get(ns).copied().unwrap_or(0) == 0 {
            let key = Key::new("", "namespaces", "", ns);
            if let Some(o) = g.get(&key) {
                let spec_fins = o
                    .get("spec")
                    .and_then(|s| s.get("finalizers"))
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                if spec_fins {
                    actions.push(Action::DropNamespaceFinalizer(key));
                } else if finalizers(&o).is_empty() {
                    actions.push(Action::Remove(key));
                }
            }
        }
    }
    for (group, plural, crd_key) in crd_cleanup {
        let crs: Vec<Key> = g
            .all()
            .filter(|(k, _)| k.group == group && k.resource == plural)
            .map(|(k, _)| k.clone())
            .collect();
        if crs.is_empty() {
            actions.push(Action::DropFinalizer(crd_key, CRD_CLEANUP));
        } else {
            actions.extend(
                crs.into_iter()
                    .map(|k| Action::Delete(k, Propagation::Background)),
            );
        }
    }
    actions
}

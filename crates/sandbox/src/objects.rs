//! What the API server does to every object on its way into storage: canonical key order,
//! name validation, server-set metadata, `generation`, and the few defaults clients read
//! back (namespace phase, service cluster IP, CRD conditions).

use serde_json::{Map, Value, json};

use crate::registry::ResourceType;
use crate::status::{ApiError, Cause};
use crate::util::{metadata_mut, now_rfc3339};

/// ObjectMeta's fields in Go struct order, which is the order the API server writes them.
const META_ORDER: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// Puts `kind`, `apiVersion`, `metadata` first and the metadata fields in struct order,
/// and stamps the served version's `apiVersion`/`kind`.
pub(crate) fn canonical(mut obj: Value, rt: &ResourceType) -> Value {
    let Value::Object(map) = &mut obj else {
        return obj;
    };
    let mut out = Map::new();
    out.insert("kind".into(), json!(rt.kind));
    out.insert("apiVersion".into(), json!(rt.api_version()));
    if let Some(Value::Object(mut meta)) = map.remove("metadata") {
        let mut m = Map::new();
        for k in META_ORDER {
            if let Some(v) = meta.remove(*k) {
                m.insert((*k).to_string(), v);
            }
        }
        m.extend(meta);
        out.insert("metadata".into(), Value::Object(m));
    } else {
        out.insert("metadata".into(), json!({}));
    }
    for (k, v) in std::mem::take(map) {
        if k != "kind" && k != "apiVersion" {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

/// Re-sorts `metadata` into struct order after a field was added, keeping the rest as is.
pub(crate) fn order_metadata(mut obj: Value) -> Value {
    if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
        let mut old = std::mem::take(meta);
        for k in META_ORDER {
            if let Some(v) = old.remove(*k) {
                meta.insert((*k).to_string(), v);
            }
        }
        meta.extend(old);
    }
    obj
}

/// The object as served in `version`: only `apiVersion` changes (the sandbox does not
/// convert between versions of a type).
pub(crate) fn as_served(obj: &Value, rt: &ResourceType) -> Value {
    let mut o = obj.clone();
    if let Value::Object(m) = &mut o {
        m.insert("apiVersion".into(), json!(rt.api_version()));
        m.insert("kind".into(), json!(rt.kind));
    }
    o
}

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// The name rules of a type: which check the API server's validation applies.
fn name_causes(rt: &ResourceType, name: &str) -> Vec<Cause> {
    let field = "metadata.name";
    let mut causes = Vec::new();
    match (rt.group.as_str(), rt.resource.as_str()) {
        // RBAC objects (and a few others) only need to be valid path segments.
        ("rbac.authorization.k8s.io", _) => {
            if name == "." || name == ".." {
                causes.push(Cause::invalid_value(
                    field,
                    name,
                    &format!("may not be '{name}'"),
                ));
            }
            for bad in ["/", "%"] {
                if name.contains(bad) {
                    causes.push(Cause::invalid_value(
                        field,
                        name,
                        &format!("may not contain '{bad}'"),
                    ));
                }
            }
        }
        ("", "namespaces") => {
            if name.len() > 63 {
                causes.push(Cause::invalid_value(
                    field,
                    name,
                    "must be no more than 63 characters",
                ));
            }
            if !is_label(name) {
                causes.push(Cause::invalid_value(field, name, LABEL_MSG));
            }
        }
        ("", "services") => {
            if name.len() > 63 {
                causes.push(Cause::invalid_value(
                    field,
                    name,
                    "must be no more than 63 characters",
                ));
            }
            if !is_label(name) || !name.as_bytes()[0].is_ascii_lowercase() {
                causes.push(Cause::invalid_value(field, name, DNS1035_MSG));
            }
        }
        _ => {
            if name.len() > 253 {
                causes.push(Cause::invalid_value(
                    field,
                    name,
                    "must be no more than 253 characters",
                ));
            }
            if !name.split('.').all(is_label) {
                causes.push(Cause::invalid_value(field, name, SUBDOMAIN_MSG));
            }
        }
    }
    causes
}

/// 422 if `name` is not a valid name for this type.
pub(crate) fn validate_name(rt: &ResourceType, name: &str) -> Result<(), ApiError> {
    let causes = name_causes(rt, name);
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(&rt.kind, &rt.group, name, causes))
    }
}

/// Types whose objects carry `metadata.generation` (their strategies set it on create).
pub(crate) fn uses_generation(rt: &ResourceType) -> bool {
    rt.custom.is_some()
        || matches!(
            rt.group.as_str(),
            "apps"
                | "batch"
                | "policy"
                | "autoscaling"
                | "apiextensions.k8s.io"
                | "admissionregistration.k8s.io"
        )
        || matches!(
            (rt.group.as_str(), rt.resource.as_str()),
            ("", "pods")
                | (
                    "networking.k8s.io",
                    "ingresses" | "networkpolicies" | "ingressclasses"
                )
        )
}

/// Whether anything outside `metadata` and `status` differs (what bumps `generation`).
pub(crate) fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Map<String, Value> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "metadata" | "status" | "kind" | "apiVersion")
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    strip(old) != strip(new)
}

/// Server-side defaults the sandbox fills in on create, limited to what clients read back.
pub(crate) fn defaults_on_create(
    rt: &ResourceType,
    obj: &mut Value,
    next_ip: impl FnOnce() -> String,
) {
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "namespaces") => {
            let name = crate::util::meta_str(obj, "name").unwrap_or("").to_string();
            let meta = metadata_mut(obj);
            let labels = meta.entry("labels").or_insert_with(|| json!({}));
            if let Value::Object(l) = labels {
                l.insert("kubernetes.io/metadata.name".into(), json!(name));
            }
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        ("", "services") => {
            let ty = obj
                .get("spec")
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("ClusterIP")
                .to_string();
            if !obj.get("spec").is_some_and(Value::is_object) {
                obj["spec"] = json!({});
            }
            obj["spec"]["type"] = json!(ty);
            if ty != "ExternalName" && obj["spec"].get("clusterIP").is_none() {
                let ip = next_ip();
                obj["spec"]["clusterIP"] = json!(ip);
                obj["spec"]["clusterIPs"] = json!([ip]);
            }
            if obj.get("status").is_none() {
                obj["status"] = json!({"loadBalancer": {}});
            }
        }
        ("apiextensions.k8s.io", "customresourcedefinitions") => crd_status(obj),
        _ => {}
    }
}

/// A CustomResourceDefinition's status as the apiextensions controllers leave it once the
/// names are accepted: `NamesAccepted` and `Established` true, `acceptedNames` filled.
pub(crate) fn crd_status(obj: &mut Value) {
    let now = now_rfc3339();
    let names = obj
        .get("spec")
        .and_then(|s| s.get("names"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut accepted = names.clone();
    if accepted.get("singular").is_none()
        && let Some(k) = names.get("kind").and_then(Value::as_str)
    {
        accepted["singular"] = json!(k.to_lowercase());
    }
    if accepted.get("listKind").is_none()
        && let Some(k) = names.get("kind").and_then(Value::as_str)
    {
        accepted["listKind"] = json!(format!("{k}List"));
    }
    let stored: Vec<Value> = obj
        .get("spec")
        .and_then(|s| s.get("versions"))
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name").cloned())
                .collect()
        })
        .unwrap_or_default();
    obj["status"] = json!({
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts", "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": now, "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
        ],
        "acceptedNames": accepted,
        "storedVersions": stored,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn canonical_orders_keys_like_the_api_server() {
        let reg = Registry::builtin().unwrap();
        let cm = reg.find("", "v1", "configmaps").unwrap();
        let o = canonical(
            json!({"data": {}, "metadata": {"labels": {}, "name": "a", "uid": "u"}}),
            &cm,
        );
        let keys: Vec<&String> = o.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "apiVersion", "metadata", "data"]);
        let mkeys: Vec<&String> = o["metadata"].as_object().unwrap().keys().collect();
        assert_eq!(mkeys, ["name", "uid", "labels"]);
    }

    #[test]
    fn names_are_validated_per_type() {
        let reg = Registry::builtin().unwrap();
        let cm = reg.find("", "v1", "configmaps").unwrap();
        assert!(validate_name(&cm, "a.b-c").is_ok());
        let e = validate_name(&cm, "Bad_Name").unwrap_err();
        assert_eq!(e.code, 422);
        let svc = reg.find("", "v1", "services").unwrap();
        assert!(validate_name(&svc, "1abc").is_err());
        let role = reg
            .find("rbac.authorization.k8s.io", "v1", "clusterroles")
            .unwrap();
        assert!(validate_name(&role, "system:controller:x").is_ok());
    }

    #[test]
    fn generation_ignores_metadata_and_status() {
        let a = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"x": 1}, "status": {"y": 1}});
        let b = json!({"metadata": {"labels": {"a": "2"}}, "spec": {"x": 1}, "status": {"y": 2}});
        assert!(!spec_changed(&a, &b));
        assert!(spec_changed(&a, &json!({"spec": {"x": 2}})));
    }
}

//! Authorization: RBAC over the Roles, ClusterRoles and bindings stored in the sandbox,
//! evaluated like the API server's RBAC authorizer (`system:masters` bypasses it, as the
//! real server's superuser group does).
//!
//! # Caveats
//! Aggregated ClusterRoles (`aggregationRule`) are not expanded, and of the bootstrap roles
//! only `cluster-admin` exists; bind users to roles you create.

use serde_json::Value;

use crate::auth::User;
use crate::store::{Key, StoreGuard};

/// What a request wants to do.
pub(crate) struct Attributes<'a> {
    pub(crate) verb: &'a str,
    pub(crate) group: &'a str,
    pub(crate) resource: &'a str,
    pub(crate) subresource: Option<&'a str>,
    pub(crate) namespace: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn has(list: &[String], want: &str) -> bool {
    list.iter().any(|x| x == "*" || x == want)
}

fn rule_allows(rule: &Value, a: &Attributes<'_>) -> bool {
    let resource = match a.subresource {
        Some(s) => format!("{}/{s}", a.resource),
        None => a.resource.to_string(),
    };
    let resources = strings(rule, "resources");
    let names = strings(rule, "resourceNames");
    has(&strings(rule, "verbs"), a.verb)
        && has(&strings(rule, "apiGroups"), a.group)
        && (has(&resources, &resource)
            || a.subresource
                .is_some_and(|s| resources.iter().any(|r| *r == format!("*/{s}"))))
        && (names.is_empty() || a.name.is_some_and(|n| names.iter().any(|x| x == n)))
}

fn subject_matches(subject: &Value, user: &User, binding_ns: &str) -> bool {
    let name = subject.get("name").and_then(Value::as_str).unwrap_or("");
    match subject.get("kind").and_then(Value::as_str) {
        Some("User") => name == user.name,
        Some("Group") => user.groups.iter().any(|g| g == name),
        Some("ServiceAccount") => {
            let ns = subject
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or(binding_ns);
            user.name == format!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

fn role_rules(g: &StoreGuard<'_>, role_ref: &Value, binding_ns: &str) -> Vec<Value> {
    let name = role_ref.get("name").and_then(Value::as_str).unwrap_or("");
    let key = match role_ref.get("kind").and_then(Value::as_str) {
        Some("ClusterRole") => Key::new("rbac.authorization.k8s.io", "clusterroles", "", name),
        Some("Role") => Key::new("rbac.authorization.k8s.io", "roles", binding_ns, name),
        _ => return Vec::new(),
    };
    g.get(&key)
        .and_then(|r| r.get("rules").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// Whether `user` may do `a`.
pub(crate) fn allowed(g: &StoreGuard<'_>, user: &User, a: &Attributes<'_>) -> bool {
    if user.is_admin() {
        return true;
    }
    if crate::auth::basic_user_allows(a.group, a.resource, a.verb) {
        return true;
    }
    let mut bindings: Vec<(String, std::sync::Arc<Value>)> = g
        .list("rbac.authorization.k8s.io", "clusterrolebindings", None)
        .map(|(_, b)| (String::new(), b.clone()))
        .collect();
    if let Some(ns) = a.namespace {
        bindings.extend(
            g.list("rbac.authorization.k8s.io", "rolebindings", Some(ns))
                .map(|(k, b)| (k.namespace.clone(), b.clone())),
        );
    }
    bindings.iter().any(|(ns, b)| {
        b.get("subjects")
            .and_then(Value::as_array)
            .is_some_and(|subs| subs.iter().any(|s| subject_matches(s, user, ns)))
            && b.get("roleRef")
                .is_some_and(|r| role_rules(g, r, ns).iter().any(|rule| rule_allows(rule, a)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use serde_json::json;

    fn user() -> User {
        User {
            name: "dev".into(),
            uid: String::new(),
            groups: vec!["team".into(), "system:authenticated".into()],
        }
    }

    fn attrs<'a>(verb: &'a str, resource: &'a str, ns: Option<&'a str>) -> Attributes<'a> {
        Attributes {
            verb,
            group: "",
            resource,
            subresource: None,
            namespace: ns,
            name: None,
        }
    }

    #[test]
    fn role_bindings_grant_within_their_namespace() {
        let store = Store::new(10, Vec::new(), 0, None);
        let mut g = store.lock();
        g.put(Key::new("rbac.authorization.k8s.io", "roles", "a", "reader"),
            json!({"rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}]})).unwrap();
        g.put(Key::new("rbac.authorization.k8s.io", "rolebindings", "a", "rb"),
            json!({"subjects": [{"kind": "Group", "name": "team"}], "roleRef": {"kind": "Role", "name": "reader"}})).unwrap();
        assert!(allowed(
            &g,
            &user(),
            &attrs("list", "configmaps", Some("a"))
        ));
        assert!(!allowed(
            &g,
            &user(),
            &attrs("list", "configmaps", Some("b"))
        ));
        assert!(!allowed(
            &g,
            &user(),
            &attrs("delete", "configmaps", Some("a"))
        ));
        assert!(!allowed(&g, &user(), &attrs("list", "secrets", Some("a"))));
        assert!(!allowed(&g, &user(), &attrs("list", "configmaps", None)));
    }

    #[test]
    fn cluster_role_bindings_grant_everywhere() {
        let store = Store::new(10, Vec::new(), 0, None);
        let mut g = store.lock();
        g.put(
            Key::new("rbac.authorization.k8s.io", "clusterroles", "", "all"),
            json!({"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}),
        )
        .unwrap();
        g.put(Key::new("rbac.authorization.k8s.io", "clusterrolebindings", "", "crb"),
            json!({"subjects": [{"kind": "User", "name": "dev"}], "roleRef": {"kind": "ClusterRole", "name": "all"}})).unwrap();
        assert!(allowed(&g, &user(), &attrs("delete", "secrets", Some("x"))));
        assert!(allowed(&g, &user(), &attrs("list", "nodes", None)));
    }
}

//! Resources that are answered, never stored: `TokenReview`, `SelfSubjectReview` and the
//! access reviews, plus the read-only `componentstatuses`.

use serde_json::{Value, json};

use super::{Request, Target};
use crate::auth::User;
use crate::server::{Reply, State};
use crate::status::ApiError;

fn user_info(u: &User) -> Value {
    json!({"username": u.name, "uid": u.uid, "groups": u.groups})
}

/// Whether a user described by name and groups may do anything (the sandbox's authorizer).
fn allowed(groups: &[String]) -> bool {
    groups.iter().any(|g| g == "system:masters")
}

/// Handles a request to a non-stored resource.
pub(crate) fn create(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let verb = super::verb_of(req, t);
    if verb == "list" && t.rt.resource == "componentstatuses" {
        let items: Vec<Value> = ["scheduler", "controller-manager", "etcd-0"]
            .iter()
            .map(|n| json!({"metadata": {"name": n}, "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}))
            .collect();
        return Ok(Reply::json(
            200,
            &json!({"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}),
            req,
        ));
    }
    if verb != "create" {
        return Err(ApiError::method_not_supported(
            &t.rt.resource,
            &t.rt.group,
            verb,
        ));
    }
    let mut body = req.json_body()?;
    super::write::check_type(&body, t)?;
    let status = match (t.rt.group.as_str(), t.rt.resource.as_str()) {
        ("authentication.k8s.io", "tokenreviews") => {
            let token = body
                .get("spec")
                .and_then(|s| s.get("token"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let audiences = body
                .get("spec")
                .and_then(|s| s.get("audiences"))
                .cloned()
                .unwrap_or_else(|| json!([]));
            match state.auth.lookup(token) {
                Some(u) => {
                    json!({"authenticated": true, "user": user_info(u), "audiences": audiences})
                }
                None => json!({"user": {}, "error": "invalid bearer token"}),
            }
        }
        ("authentication.k8s.io", "selfsubjectreviews") => {
            json!({"userInfo": user_info(&req.user)})
        }
        ("authorization.k8s.io", "selfsubjectaccessreviews") => {
            let ok = allowed(&req.user.groups)
                || body
                    .get("spec")
                    .and_then(|s| s.get("resourceAttributes"))
                    .is_some_and(|a| {
                        crate::auth::basic_user_allows(
                            a.get("group").and_then(Value::as_str).unwrap_or(""),
                            a.get("resource").and_then(Value::as_str).unwrap_or(""),
                            a.get("verb").and_then(Value::as_str).unwrap_or(""),
                        )
                    });
            decision(ok)
        }
        ("authorization.k8s.io", "subjectaccessreviews" | "localsubjectaccessreviews") => {
            let spec = body.get("spec").cloned().unwrap_or_default();
            let groups: Vec<String> = spec
                .get("groups")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|g| g.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            decision(allowed(&groups))
        }
        ("authorization.k8s.io", "selfsubjectrulesreviews") => {
            if allowed(&req.user.groups) {
                json!({
                    "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                    "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                    "incomplete": false,
                })
            } else {
                json!({
                    "resourceRules": [{"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]}],
                    "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]}],
                    "incomplete": false,
                })
            }
        }
        _ => {
            return Err(ApiError::method_not_supported(
                &t.rt.resource,
                &t.rt.group,
                verb,
            ));
        }
    };
    if let Value::Object(m) = &mut body {
        m.insert("kind".into(), json!(t.rt.kind));
        m.insert("apiVersion".into(), json!(t.rt.api_version()));
        m.insert("metadata".into(), json!({"creationTimestamp": null}));
        m.insert("status".into(), status);
    }
    let body = crate::objects::canonical(body, &t.rt);
    Ok(Reply::json(201, &body, req))
}

fn decision(ok: bool) -> Value {
    if ok {
        json!({"allowed": true, "reason": "sandbox: system:masters may do anything"})
    } else {
        json!({"allowed": false})
    }
}

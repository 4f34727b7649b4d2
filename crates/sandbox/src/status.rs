//! Kubernetes `Status` errors: every failed API request is answered with one of these.
//!
//! Codes, reasons, messages and `details` follow apimachinery's `k8s.io/apimachinery/pkg/api/errors`
//! constructors, so clients that branch on `reason` (kubectl, helm, kube-rs) behave as against
//! a real API server. The recorded bodies in `tests/data/recorded/` pin the exact bytes.

use serde_json::{Map, Value, json};

use crate::registry::ResourceType;

/// A failed request, ready to be rendered as a `Status` body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) code: u16,
    pub(crate) reason: &'static str,
    pub(crate) message: String,
    pub(crate) details: Option<Value>,
}

/// `resource.group`, or just `resource` for the core group: how messages name a resource.
pub(crate) fn qualified(resource: &str, group: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

fn details(name: Option<&str>, group: &str, kind: &str) -> Value {
    let mut d = Map::new();
    if let Some(n) = name {
        d.insert("name".into(), json!(n));
    }
    if !group.is_empty() {
        d.insert("group".into(), json!(group));
    }
    d.insert("kind".into(), json!(kind));
    Value::Object(d)
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    /// 404 for a missing object of a known resource.
    pub(crate) fn not_found(resource: &str, group: &str, name: &str) -> Self {
        ApiError {
            details: Some(details(Some(name), group, resource)),
            ..Self::new(
                404,
                "NotFound",
                format!("{} \"{name}\" not found", qualified(resource, group)),
            )
        }
    }

    /// 404 for a URL that names no resource at all.
    pub(crate) fn path_not_found() -> Self {
        ApiError {
            details: Some(json!({})),
            ..Self::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
    }

    /// 409 when creating an object whose name is taken.
    pub(crate) fn already_exists(resource: &str, group: &str, name: &str) -> Self {
        ApiError {
            details: Some(details(Some(name), group, resource)),
            ..Self::new(
                409,
                "AlreadyExists",
                format!("{} \"{name}\" already exists", qualified(resource, group)),
            )
        }
    }

    /// 409 for a stale `resourceVersion` (optimistic concurrency).
    pub(crate) fn conflict(resource: &str, group: &str, name: &str, why: &str) -> Self {
        ApiError {
            details: Some(details(Some(name), group, resource)),
            ..Self::new(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{name}\": {why}",
                    qualified(resource, group)
                ),
            )
        }
    }

    /// The stale-`resourceVersion` conflict with the API server's exact wording.
    pub(crate) fn modified(resource: &str, group: &str, name: &str) -> Self {
        Self::conflict(
            resource,
            group,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 422 with field causes: `Kind "name" is invalid: field: msg`.
    pub(crate) fn invalid(kind: &str, group: &str, name: &str, causes: Vec<Cause>) -> Self {
        let texts: Vec<String> = causes
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        let summary = if texts.len() == 1 {
            texts[0].clone()
        } else {
            format!("[{}]", texts.join(", "))
        };
        let qualified_kind = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let mut d = Map::new();
        d.insert("name".into(), json!(name));
        if !group.is_empty() {
            d.insert("group".into(), json!(group));
        }
        d.insert("kind".into(), json!(kind));
        d.insert(
            "causes".into(),
            Value::Array(
                causes
                    .iter()
                    .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
                    .collect(),
            ),
        );
        ApiError {
            details: Some(Value::Object(d)),
            ..Self::new(
                422,
                "Invalid",
                format!("{qualified_kind} \"{name}\" is invalid: {summary}"),
            )
        }
    }

    /// 400 Bad Request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 401: no or an unknown bearer token.
    pub(crate) fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    /// 403 for a resource request the user may not make.
    pub(crate) fn forbidden(
        user: &str,
        verb: &str,
        rt: &ResourceType,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Self {
        let what = qualified(&rt.resource, &rt.group);
        let scope = match namespace {
            Some(ns) => format!(" in the namespace \"{ns}\""),
            None => " at the cluster scope".to_string(),
        };
        let target = match name {
            Some(n) => format!("{what} \"{n}\""),
            None => what,
        };
        ApiError {
            details: Some(details(name, &rt.group, &rt.resource)),
            ..Self::new(
                403,
                "Forbidden",
                format!(
                    "{target} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group \"{}\"{scope}",
                    rt.resource, rt.group
                ),
            )
        }
    }

    /// 403 for impersonation by a user who may not impersonate.
    pub(crate) fn forbidden_impersonation(user: &str, target: &str) -> Self {
        ApiError {
            details: Some(json!({"name": target, "kind": "users"})),
            ..Self::new(
                403,
                "Forbidden",
                format!(
                    "users \"{target}\" is forbidden: User \"{user}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"
                ),
            )
        }
    }

    /// 403 for a non-resource URL the user may not read.
    pub(crate) fn forbidden_path(user: &str, verb: &str, path: &str) -> Self {
        ApiError {
            details: Some(json!({})),
            ..Self::new(
                403,
                "Forbidden",
                format!("forbidden: User \"{user}\" cannot {verb} path \"{path}\""),
            )
        }
    }

    /// 403 for creating content in a namespace that is being deleted.
    pub(crate) fn namespace_terminating(resource: &str, group: &str, name: &str, ns: &str) -> Self {
        ApiError {
            details: Some(details(Some(name), group, resource)),
            ..Self::new(
                403,
                "Forbidden",
                format!(
                    "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                    qualified(resource, group)
                ),
            )
        }
    }

    /// 405 for a verb the resource does not support.
    pub(crate) fn method_not_supported(resource: &str, group: &str, verb: &str) -> Self {
        ApiError {
            details: Some(details(None, group, resource)),
            ..Self::new(
                405,
                "MethodNotAllowed",
                format!(
                    "{verb} is not supported on resources of kind \"{}\"",
                    qualified(resource, group)
                ),
            )
        }
    }

    /// 415 for request bodies we cannot decode.
    pub(crate) fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {content_type})"
            ),
        )
    }

    /// 410 for a watch or list that asks for history we no longer keep.
    pub(crate) fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    /// 504 `Timeout`, which the API server answers for versions it has not reached yet.
    pub(crate) fn timeout(message: impl Into<String>) -> Self {
        ApiError {
            details: Some(
                json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
            ),
            ..Self::new(504, "Timeout", message)
        }
    }

    /// 500 for failures inside the sandbox (e.g. the persistence log could not be written).
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The `Status` object for this error, with apimachinery's key order.
    pub(crate) fn to_status(&self) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), json!("Status"));
        m.insert("apiVersion".into(), json!("v1"));
        m.insert("metadata".into(), json!({}));
        m.insert("status".into(), json!("Failure"));
        m.insert("message".into(), json!(self.message));
        m.insert("reason".into(), json!(self.reason));
        if let Some(d) = &self.details {
            m.insert("details".into(), d.clone());
        }
        m.insert("code".into(), json!(self.code));
        Value::Object(m)
    }
}

/// One entry of `details.causes`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cause {
    pub(crate) reason: String,
    pub(crate) message: String,
    pub(crate) field: String,
}

impl Cause {
    /// `FieldValueInvalid`: `Invalid value: "<value>": <why>`.
    pub(crate) fn invalid_value(field: &str, value: &str, why: &str) -> Self {
        Cause {
            reason: "FieldValueInvalid".into(),
            message: format!("Invalid value: {}: {why}", go_quote(value)),
            field: field.into(),
        }
    }

    /// `FieldValueRequired`: `Required value: <why>`.
    pub(crate) fn required(field: &str, why: &str) -> Self {
        Cause {
            reason: "FieldValueRequired".into(),
            message: if why.is_empty() {
                "Required value".into()
            } else {
                format!("Required value: {why}")
            },
            field: field.into(),
        }
    }
}

/// Go's `%q` for the simple strings names are made of: quotes, with `"` and `\` escaped.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_names_group_for_non_core_resources() {
        let e = ApiError::not_found("deployments", "apps", "d1");
        assert_eq!(e.message, "deployments.apps \"d1\" not found");
        assert_eq!(
            e.to_status()["details"],
            json!({"name": "d1", "group": "apps", "kind": "deployments"})
        );
    }

    #[test]
    fn invalid_joins_several_causes_in_brackets() {
        let e = ApiError::invalid(
            "ConfigMap",
            "",
            "x",
            vec![Cause::required("a", ""), Cause::required("b", "")],
        );
        assert_eq!(
            e.message,
            "ConfigMap \"x\" is invalid: [a: Required value, b: Required value]"
        );
        assert_eq!(e.code, 422);
    }
}

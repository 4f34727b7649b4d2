//! Resource requests: parse the URL into a resource type, namespace, name and subresource,
//! pick the verb, and hand over to the module that implements it.

pub(crate) mod delete;
pub(crate) mod patch;
pub(crate) mod read;
pub(crate) mod review;
pub(crate) mod watch;
pub(crate) mod write;

use std::collections::HashMap;
use std::sync::Arc;

use hyper::Method;
use serde_json::Value;

use crate::auth::User;
use crate::registry::ResourceType;
use crate::server::{Reply, State};
use crate::status::ApiError;

/// A request, read completely, with what every handler needs.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: HashMap<String, String>,
    pub(crate) accept: String,
    pub(crate) content_type: String,
    pub(crate) user_agent: String,
    pub(crate) user: User,
    pub(crate) body: hyper::body::Bytes,
}

impl Request {
    /// A query parameter.
    pub(crate) fn q(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// A boolean query parameter (`true`/`1`).
    pub(crate) fn flag(&self, name: &str) -> bool {
        matches!(self.q(name), Some("true" | "1" | "True" | "TRUE"))
    }

    /// `dryRun=All`: validate and answer, but store nothing.
    pub(crate) fn dry_run(&self) -> Result<bool, ApiError> {
        match self.q("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "dryRun: Unsupported value: \"{other}\": supported values: \"All\""
            ))),
        }
    }

    /// Pretty-printed JSON, as the API server gives `?pretty=true`, curl, wget and browsers.
    pub(crate) fn pretty(&self) -> bool {
        match self.q("pretty") {
            Some(p) => matches!(p, "true" | "1"),
            None => {
                self.user_agent.starts_with("curl")
                    || self.user_agent.starts_with("Wget")
                    || self.user_agent.starts_with("Mozilla/5.0")
            }
        }
    }

    /// The `fieldManager`, defaulted from the user agent as the API server does.
    pub(crate) fn field_manager(&self) -> String {
        match self.q("fieldManager") {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => charthouse_patch::ssa::manager_from_user_agent(&self.user_agent),
        }
    }

    /// The body as a JSON object.
    pub(crate) fn json_body(&self) -> Result<Value, ApiError> {
        let ct = self.content_type.split(';').next().unwrap_or("").trim();
        if ct == "application/vnd.kubernetes.protobuf" {
            return crate::proto::decode(&self.body, &self.content_type);
        }
        if ct.contains("protobuf") || ct.contains("cbor") {
            return Err(ApiError::unsupported_media_type(&self.content_type));
        }
        // YAML bodies are accepted only in their JSON form (which is valid YAML); kubectl,
        // helm and kube-rs all send JSON, even with `application/apply-patch+yaml`.
        serde_json::from_slice::<Value>(&self.body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request could not be decoded as JSON: {e}"
            ))
        })
    }
}

/// What a resource URL names.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) rt: Arc<ResourceType>,
    pub(crate) namespace: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) subresource: Option<String>,
    /// The deprecated `/watch/` path form.
    pub(crate) watch_path: bool,
}

impl Target {
    /// The namespace, or `""` for cluster-scoped objects.
    pub(crate) fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }
}

/// Parses `/api/v1/...` or `/apis/<group>/<version>/...` beyond the group version.
pub(crate) fn parse_target(
    state: &State,
    group: &str,
    version: &str,
    rest: &[&str],
) -> Result<Target, ApiError> {
    let (watch_path, rest) = match rest.first() {
        Some(&"watch") => (true, &rest[1..]),
        _ => (false, rest),
    };
    let find = |r: &str| state.registry.find(group, version, r);
    if rest.len() >= 3
        && rest[0] == "namespaces"
        && let Some(rt) = find(rest[2]).filter(|rt| rt.namespaced)
    {
        if rest.len() > 5 {
            return Err(ApiError::path_not_found());
        }
        return Ok(Target {
            rt,
            namespace: Some(rest[1].to_string()),
            name: rest.get(3).map(|s| s.to_string()),
            subresource: rest.get(4).map(|s| s.to_string()),
            watch_path,
        });
    }
    let Some(first) = rest.first() else {
        return Err(ApiError::path_not_found());
    };
    let rt = find(first).ok_or_else(ApiError::path_not_found)?;
    if rest.len() > 3 {
        return Err(ApiError::path_not_found());
    }
    Ok(Target {
        rt,
        namespace: None,
        name: rest.get(1).map(|s| s.to_string()),
        subresource: rest.get(2).map(|s| s.to_string()),
        watch_path,
    })
}

/// The API verb of a resource request (as RBAC and audit logs name it).
pub(crate) fn verb_of(req: &Request, t: &Target) -> &'static str {
    let watching = t.watch_path || req.flag("watch");
    match (&req.method, t.name.is_some()) {
        (&Method::GET, _) if watching => "watch",
        (&Method::GET, true) => "get",
        (&Method::GET, false) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => "unknown",
    }
}

/// Runs a resource request.
pub(crate) async fn dispatch(state: &Arc<State>, req: &Request, t: Target) -> Reply {
    let verb = verb_of(req, &t);
    let permitted = req.user.is_admin() || {
        let g = state.store.lock();
        crate::authz::allowed(
            &g,
            &req.user,
            &crate::authz::Attributes {
                verb,
                group: &t.rt.group,
                resource: &t.rt.resource,
                subresource: t.subresource.as_deref(),
                namespace: t.namespace.as_deref(),
                name: t.name.as_deref(),
            },
        )
    };
    if !permitted {
        return Reply::error(
            ApiError::forbidden(
                &req.user.name,
                verb,
                &t.rt,
                t.namespace.as_deref(),
                t.name.as_deref(),
            ),
            req,
        );
    }
    if t.rt.namespaced && t.namespace.is_none() && !matches!(verb, "list" | "watch") {
        return Reply::error(ApiError::path_not_found(), req);
    }
    let result = match &t.subresource {
        Some(sub) => {
            let Some(s) = t.rt.subresource(sub) else {
                return Reply::error(ApiError::path_not_found(), req);
            };
            if !s.verbs.iter().any(|v| v == verb) {
                return Reply::error(
                    ApiError::method_not_supported(
                        &format!("{}/{sub}", t.rt.resource),
                        &t.rt.group,
                        verb,
                    ),
                    req,
                );
            }
            match (verb, sub.as_str()) {
                ("get", "status") => read::get(state, req, &t),
                ("update", "status") => write::update(state, req, &t),
                ("patch", "status") => patch::patch(state, req, &t),
                ("get", "scale") => read::get_scale(state, req, &t),
                ("get", "log") => read::get_log(state, req, &t),
                ("update", "scale") => write::update_scale(state, req, &t),
                ("patch", "scale") => patch::patch_scale(state, req, &t),
                ("update", "finalize") => write::update(state, req, &t),
                _ => Err(ApiError::method_not_supported(
                    &format!("{}/{sub}", t.rt.resource),
                    &t.rt.group,
                    verb,
                )),
            }
        }
        None => {
            if !t.rt.has_verb(verb) {
                return Reply::error(
                    ApiError::method_not_supported(&t.rt.resource, &t.rt.group, verb),
                    req,
                );
            }
            if !t.rt.is_stored() {
                return review::create(state, req, &t).unwrap_or_else(|e| Reply::error(e, req));
            }
            match verb {
                "get" => read::get(state, req, &t),
                "list" => read::list(state, req, &t),
                "watch" => return watch::watch(state.clone(), req, &t),
                "create" => write::create(state, req, &t),
                "update" => write::update(state, req, &t),
                "patch" => patch::patch(state, req, &t),
                "delete" => delete::delete(state, req, &t),
                "deletecollection" => delete::delete_collection(state, req, &t),
                _ => Err(ApiError::method_not_supported(
                    &t.rt.resource,
                    &t.rt.group,
                    verb,
                )),
            }
        }
    };
    result.unwrap_or_else(|e| Reply::error(e, req))
}

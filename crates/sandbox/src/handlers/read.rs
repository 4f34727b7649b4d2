//! `get` and `list`, with the `Table` and `PartialObjectMetadata` forms clients negotiate
//! through `Accept`, and `limit`/`continue` paging.

use base64::Engine as _;
use serde_json::{Value, json};

use super::write::{key_for, scale_of};
use super::{Request, Target};
use crate::objects::as_served;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::server::{Reply, State};
use crate::status::ApiError;
use crate::table::{partial_metadata, table};

/// The response form the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Plain,
    Table,
    Partial,
}

/// Reads the first media range of `Accept` that we can produce (client-go lists protobuf
/// alternatives first; those are skipped because the sandbox speaks JSON only).
pub(crate) fn negotiate(accept: &str) -> Form {
    for range in accept.split(',') {
        let parts: Vec<&str> = range.split(';').map(str::trim).collect();
        let media = parts.first().copied().unwrap_or("");
        if media.contains("protobuf") || media.contains("cbor") {
            continue;
        }
        let as_ = parts.iter().find_map(|p| p.strip_prefix("as="));
        return match as_ {
            Some("Table") => Form::Table,
            Some("PartialObjectMetadata" | "PartialObjectMetadataList") => Form::Partial,
            Some(_) => continue,
            None => Form::Plain,
        };
    }
    Form::Plain
}

/// GET of one object (also `status`).
pub(crate) fn get(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let name = t.name.clone().unwrap_or_default();
    let g = state.store.lock();
    let Some(obj) = g.get(&key_for(t, &name)) else {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    };
    let obj = as_served(&obj, &t.rt);
    let rv = g.rv().to_string();
    drop(g);
    let body = match negotiate(&req.accept) {
        Form::Plain => obj,
        Form::Partial => partial_metadata(&obj),
        Form::Table => table(
            &t.rt,
            &[obj],
            &rv,
            req.q("includeObject").unwrap_or("Metadata"),
            None,
        ),
    };
    Ok(Reply::json(200, &body, req))
}

/// GET of `pods/<name>/log`: simulated containers print nothing, so the log is empty
/// (but the pod must exist, as on a real server).
pub(crate) fn get_log(state: &State, _req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let name = t.name.clone().unwrap_or_default();
    if state.store.lock().get(&key_for(t, &name)).is_none() {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    }
    Ok(Reply::raw(200, "text/plain", Vec::new()))
}

/// GET of `scale`.
pub(crate) fn get_scale(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let name = t.name.clone().unwrap_or_default();
    let g = state.store.lock();
    let Some(obj) = g.get(&key_for(t, &name)) else {
        return Err(ApiError::not_found(&t.rt.resource, &t.rt.group, &name));
    };
    Ok(Reply::json(200, &scale_of(&obj), req))
}

/// The continue token, in the API server's format: base64 of
/// `{"v":"meta.k8s.io/v1","rv":<list version>,"start":"<key after the last item>\u0000"}`.
fn encode_continue(rv: u64, start: &str) -> String {
    let doc = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": format!("{start}\u{0}")});
    base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&doc).unwrap_or_default())
}

fn decode_continue(token: &str) -> Result<(u64, String), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(token))
        .map_err(|_| bad())?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let rv = doc.get("rv").and_then(Value::as_u64).ok_or_else(bad)?;
    let start = doc.get("start").and_then(Value::as_str).ok_or_else(bad)?;
    Ok((rv, start.trim_end_matches('\u{0}').to_string()))
}

/// An object's position in a list, as the part of its storage key below the list's prefix.
fn position(t: &Target, ns: &str, name: &str) -> String {
    if t.rt.namespaced && t.namespace.is_none() {
        format!("/{ns}/{name}")
    } else {
        format!("/{name}")
    }
}

/// The objects a list or watch selects, for reuse by watch's initial events.
pub(crate) struct Selection {
    pub(crate) labels: LabelSelector,
    pub(crate) fields: FieldSelector,
}

impl Selection {
    pub(crate) fn from_request(req: &Request, t: &Target) -> Result<Self, ApiError> {
        let mut fields = req.q("fieldSelector").unwrap_or("").to_string();
        // Watching one object by URL selects it by name.
        if let Some(name) = &t.name {
            if !fields.is_empty() {
                fields.push(',');
            }
            fields.push_str(&format!("metadata.name={name}"));
        }
        Ok(Selection {
            labels: LabelSelector::parse(req.q("labelSelector").unwrap_or(""))?,
            fields: FieldSelector::parse(&fields, &t.rt)?,
        })
    }

    pub(crate) fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }
}

/// GET of a collection.
pub(crate) fn list(state: &State, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let sel = Selection::from_request(req, t)?;
    let limit = match req.q("limit") {
        Some(l) if !l.is_empty() => l
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request(format!("limit: invalid value {l:?}")))?,
        _ => 0,
    };
    let (snapshot, start) = match req.q("continue").filter(|c| !c.is_empty()) {
        Some(c) => {
            let (rv, s) = decode_continue(c)?;
            (Some(rv), Some(s))
        }
        None => (None, None),
    };
    // `resourceVersionMatch=Exact` reads at the given version, like a continue token.
    let exact = match (req.q("resourceVersionMatch"), req.q("resourceVersion")) {
        (Some("Exact"), Some(v)) => Some(v.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!(
                "resourceVersion: Invalid value: {v:?}: must be a valid resource version"
            ))
        })?),
        _ => None,
    };
    let g = state.store.lock();
    let rv = snapshot.or(exact).unwrap_or_else(|| g.rv());
    if rv > g.rv() {
        return Err(ApiError::timeout(format!(
            "Too large resource version: {rv}, current resource version: {}",
            g.rv()
        )));
    }
    // Later pages show the collection as it was when the first page was served, as the
    // API server's etcd snapshot reads do: the store's history undoes newer changes.
    let objects = g
        .list_at(&t.rt.group, &t.rt.resource, t.namespace.as_deref(), rv)
        .map_err(|_| {
            ApiError::expired(
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
            )
        })?;
    drop(g);
    let mut items = Vec::new();
    let mut next = None;
    let mut remaining = 0i64;
    for (k, obj) in &objects {
        let pos = position(t, &k.namespace, &k.name);
        if start.as_ref().is_some_and(|s| pos.as_str() <= s.as_str()) {
            continue;
        }
        if !sel.matches(obj) {
            continue;
        }
        if limit > 0 && items.len() as i64 >= limit {
            if next.is_none() {
                next = items.last().and_then(|o: &Value| {
                    let m = o.get("metadata")?;
                    Some(position(
                        t,
                        m.get("namespace").and_then(Value::as_str).unwrap_or(""),
                        m.get("name").and_then(Value::as_str).unwrap_or(""),
                    ))
                });
            }
            remaining += 1;
            continue;
        }
        items.push(as_served(obj, &t.rt));
    }
    let cont = next.map(|s| encode_continue(rv, &s));
    let body = match negotiate(&req.accept) {
        Form::Table => table(
            &t.rt,
            &items,
            &rv.to_string(),
            req.q("includeObject").unwrap_or("Metadata"),
            cont.as_deref(),
        ),
        form => {
            let partial = form == Form::Partial;
            let items: Vec<Value> = items
                .into_iter()
                .map(|mut o| {
                    if partial {
                        return partial_metadata(&o);
                    }
                    // Built-in lists carry no per-item type; custom resources keep theirs.
                    if t.rt.custom.is_none()
                        && let Value::Object(m) = &mut o
                    {
                        m.remove("kind");
                        m.remove("apiVersion");
                    }
                    o
                })
                .collect();
            let mut meta = serde_json::Map::new();
            meta.insert("resourceVersion".into(), json!(rv.to_string()));
            if let Some(c) = &cont {
                meta.insert("continue".into(), json!(c));
                let no_selector = req.q("labelSelector").is_none_or(str::is_empty)
                    && req.q("fieldSelector").is_none_or(str::is_empty);
                if no_selector {
                    meta.insert("remainingItemCount".into(), json!(remaining));
                }
            }
            let (kind, api_version) = if partial {
                (
                    "PartialObjectMetadataList".to_string(),
                    "meta.k8s.io/v1".to_string(),
                )
            } else {
                (format!("{}List", t.rt.kind), t.rt.api_version())
            };
            json!({"kind": kind, "apiVersion": api_version, "metadata": meta, "items": items})
        }
    };
    Ok(Reply::json(200, &body, req))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_match_the_api_server() {
        assert_eq!(
            encode_continue(952, "/c1"),
            "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6OTUyLCJzdGFydCI6Ii9jMVx1MDAwMCJ9"
        );
        assert_eq!(
            decode_continue(&encode_continue(7, "/a/b")).unwrap(),
            (7, "/a/b".to_string())
        );
        assert!(decode_continue("!!").is_err());
    }

    #[test]
    fn accept_negotiation() {
        assert_eq!(
            negotiate(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
            ),
            Form::Table
        );
        assert_eq!(
            negotiate(
                "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
            ),
            Form::Partial
        );
        assert_eq!(negotiate("application/json, */*"), Form::Plain);
        assert_eq!(negotiate(""), Form::Plain);
    }
}

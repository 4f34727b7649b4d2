//! `/openapi/v2`, `/openapi/v3` and `/openapi/v3/<path>`: the recorded server's documents
//! (descriptions stripped, see `scripts/gen-data.py`) plus generated documents for the
//! group versions of CustomResourceDefinitions.
//!
//! kubectl reads the v3 documents to decide whether the server validates fields itself
//! (`fieldValidation` on PATCH) and whether a type takes strategic merge patches, so the
//! generated CRD documents carry exactly those parts.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::handlers::Request;
use crate::registry::{Registry, ResourceType};
use crate::server::Reply;
use crate::status::ApiError;

const V2_GZ: &[u8] = include_bytes!("../data/openapi-v2.json.gz");
const V3_GZ: &[u8] = include_bytes!("../data/openapi-v3.json.gz");

/// A served document: its bytes and the hash clients cache it by.
#[derive(Debug)]
struct Doc {
    bytes: Vec<u8>,
    hash: String,
}

impl Doc {
    fn new(bytes: Vec<u8>) -> Self {
        let hash = Sha512::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        Doc { bytes, hash }
    }
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // The data is embedded at build time and checked by tests; a failure leaves it empty.
    let _ = flate2::read::GzDecoder::new(data).read_to_end(&mut out);
    out
}

fn v2() -> &'static Doc {
    static V2: OnceLock<Doc> = OnceLock::new();
    V2.get_or_init(|| Doc::new(gunzip(V2_GZ)))
}

fn v3() -> &'static BTreeMap<String, Doc> {
    static V3: OnceLock<BTreeMap<String, Doc>> = OnceLock::new();
    V3.get_or_init(|| {
        let all: BTreeMap<String, Value> =
            serde_json::from_slice(&gunzip(V3_GZ)).unwrap_or_default();
        all.into_iter()
            .map(|(path, doc)| {
                let bytes = serde_json::to_vec(&doc).unwrap_or_default();
                (path, Doc::new(bytes))
            })
            .collect()
    })
}

/// The OpenAPI endpoints.
#[derive(Debug, Default)]
pub(crate) struct OpenApi;

impl OpenApi {
    /// Answers `/openapi/<rest>`.
    pub(crate) fn reply(&self, registry: &Registry, req: &Request, rest: &[&str]) -> Reply {
        match rest {
            ["v2"] => Reply::raw(200, "application/json", v2().bytes.clone()),
            ["v3"] => {
                let mut paths = serde_json::Map::new();
                for (path, doc) in v3() {
                    paths.insert(
                        path.clone(),
                        json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={}", doc.hash)}),
                    );
                }
                for (path, doc) in crd_docs(registry) {
                    paths.insert(
                        path.clone(),
                        json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={}", doc.hash)}),
                    );
                }
                Reply::json_pretty(200, &json!({"paths": paths}), false)
            }
            ["v3", path @ ..] => {
                let path = path.join("/");
                if let Some(doc) = v3().get(&path) {
                    return Reply::raw(200, "application/json", doc.bytes.clone());
                }
                match crd_docs(registry).remove(&path) {
                    Some(doc) => Reply::raw(200, "application/json", doc.bytes),
                    None => Reply::error(ApiError::path_not_found(), req),
                }
            }
            _ => Reply::error(ApiError::path_not_found(), req),
        }
    }
}

/// Documents for the group versions served only by CRDs.
fn crd_docs(registry: &Registry) -> BTreeMap<String, Doc> {
    let mut by_gv: BTreeMap<String, Vec<std::sync::Arc<ResourceType>>> = BTreeMap::new();
    for rt in registry.all() {
        if rt.custom.is_some() {
            by_gv
                .entry(format!("apis/{}/{}", rt.group, rt.version))
                .or_default()
                .push(rt);
        }
    }
    by_gv
        .into_iter()
        .filter(|(path, _)| !v3().contains_key(path))
        .map(|(path, rts)| {
            let doc = crd_document(&rts);
            (path, Doc::new(serde_json::to_vec(&doc).unwrap_or_default()))
        })
        .collect()
}

/// The reverse-domain schema name the API server gives a custom kind (`com.example.v1.Widget`).
fn schema_name(rt: &ResourceType) -> String {
    let mut parts: Vec<&str> = rt.group.split('.').collect();
    parts.reverse();
    format!("{}.{}.{}", parts.join("."), rt.version, rt.kind)
}

fn crd_document(rts: &[std::sync::Arc<ResourceType>]) -> Value {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for rt in rts {
        let gvk = json!({"group": rt.group, "version": rt.version, "kind": rt.kind});
        let name = schema_name(rt);
        let mut schema = rt
            .custom
            .as_ref()
            .and_then(|c| c.schema.clone())
            .unwrap_or_else(
                || json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
            );
        schema["x-kubernetes-group-version-kind"] = json!([gvk]);
        schemas.insert(name.clone(), schema);
        let reference = json!({"$ref": format!("#/components/schemas/{name}")});
        let body_types = [
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml",
        ];
        let content: serde_json::Map<String, Value> = body_types
            .iter()
            .map(|t| (t.to_string(), json!({"schema": {"type": "object"}})))
            .collect();
        let query = |n: &str| json!({"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
        let base = if rt.namespaced {
            format!(
                "/apis/{}/{}/namespaces/{{namespace}}/{}",
                rt.group, rt.version, rt.resource
            )
        } else {
            format!("/apis/{}/{}/{}", rt.group, rt.version, rt.resource)
        };
        let ok = json!({"200": {"content": {"application/json": {"schema": reference}}}});
        paths.insert(
            format!("{base}/{{name}}"),
            json!({
                "get": {"operationId": format!("read{}", rt.kind), "responses": ok, "x-kubernetes-action": "get", "x-kubernetes-group-version-kind": gvk},
                "put": {"operationId": format!("replace{}", rt.kind), "responses": ok, "parameters": [query("dryRun"), query("fieldManager"), query("fieldValidation")], "x-kubernetes-action": "put", "x-kubernetes-group-version-kind": gvk},
                "patch": {
                    "operationId": format!("patch{}", rt.kind),
                    "parameters": [query("dryRun"), query("fieldManager"), query("fieldValidation"), query("force")],
                    "requestBody": {"content": content},
                    "responses": ok,
                    "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk,
                },
                "delete": {"operationId": format!("delete{}", rt.kind), "responses": ok, "x-kubernetes-action": "delete", "x-kubernetes-group-version-kind": gvk},
            }),
        );
        paths.insert(
            base,
            json!({
                "get": {"operationId": format!("list{}", rt.kind), "responses": ok, "x-kubernetes-action": "list", "x-kubernetes-group-version-kind": gvk},
                "post": {"operationId": format!("create{}", rt.kind), "responses": ok, "parameters": [query("dryRun"), query("fieldManager"), query("fieldValidation")], "x-kubernetes-action": "post", "x-kubernetes-group-version-kind": gvk},
            }),
        );
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_documents_decode() {
        let v2: Value = serde_json::from_slice(&v2().bytes).unwrap();
        assert!(v2["definitions"]["io.k8s.api.apps.v1.Deployment"].is_object());
        let apps: Value = serde_json::from_slice(&v3()["apis/apps/v1"].bytes).unwrap();
        assert!(apps["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"].is_object());
        assert_eq!(v3()["api/v1"].hash.len(), 128);
    }

    #[test]
    fn crd_documents_declare_field_validation_and_no_strategic_merge() {
        let reg = Registry::builtin().unwrap();
        reg.register_crd(&json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget"},
                "versions": [{"name": "v1", "served": true, "storage": true}]}
        }))
        .unwrap();
        let docs = crd_docs(&reg);
        let doc: Value = serde_json::from_slice(&docs["apis/example.com/v1"].bytes).unwrap();
        let patch =
            &doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
        assert!(
            patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation")
        );
        assert!(
            patch["requestBody"]["content"]
                .get("application/strategic-merge-patch+json")
                .is_none()
        );
        assert!(doc["components"]["schemas"]["com.example.v1.Widget"].is_object());
    }
}

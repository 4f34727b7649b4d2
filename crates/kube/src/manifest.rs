//! Turning a release manifest (a YAML stream) into objects addressed on the cluster,
//! as helm's `KubeClient.Build` does: `List` kinds flattened, the release namespace set
//! on namespaced objects that name none.

use serde_json::Value;

use crate::discovery::Discovery;
use crate::{Error, ObjectRef, Result};

/// One object of a manifest, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Where it lives.
    pub reference: ObjectRef,
    /// Its body, as JSON.
    pub body: Value,
}

impl Object {
    /// `apiVersion/Kind/namespace/name`: helm's key for matching objects between
    /// revisions (`objectKey`).
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.reference.resource.api.api_version,
            self.reference.resource.api.kind,
            self.reference.namespace.as_deref().unwrap_or(""),
            self.reference.name
        )
    }

    /// The object's annotation `key`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.body
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
    }
}

/// Parses the YAML documents of `manifest` into JSON objects (empty documents skipped,
/// `kind: *List` flattened), without contacting the cluster.
///
/// # Errors
///
/// A document that is not YAML or not a mapping.
pub fn parse_documents(manifest: &str) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for doc in split_documents(manifest) {
        let value =
            charthouse_goyaml::unmarshal(doc.as_bytes()).map_err(|e| Error::InvalidObject {
                message: format!("error parsing manifest: {e}"),
            })?;
        let json = charthouse_goyaml::json_marshal(&value).map_err(|e| Error::InvalidObject {
            message: format!("error converting manifest to JSON: {e}"),
        })?;
        let json: Value = serde_json::from_str(&json).map_err(|e| Error::InvalidObject {
            message: format!("error converting manifest to JSON: {e}"),
        })?;
        match json {
            Value::Null => {}
            Value::Object(_) => flatten_list(json, &mut out),
            other => {
                return Err(Error::InvalidObject {
                    message: format!("a manifest document must be a mapping, found {other}"),
                });
            }
        }
    }
    Ok(out)
}

fn flatten_list(obj: Value, out: &mut Vec<Value>) {
    let is_list = obj
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && obj.get("items").is_some_and(Value::is_array);
    if !is_list {
        out.push(obj);
        return;
    }
    if let Some(Value::Array(items)) = obj.get("items") {
        for item in items {
            flatten_list(item.clone(), out);
        }
    }
}

/// Splits on `---` lines as helm's manifest splitter does.
fn split_documents(manifest: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") {
            docs.push(&manifest[start..pos]);
            start = pos + line.len();
        }
        pos += line.len();
    }
    docs.push(&manifest[start..]);
    docs.into_iter().filter(|d| !d.trim().is_empty()).collect()
}

/// Parses `manifest` and resolves each object's kind through discovery, setting
/// `namespace` on namespaced objects without one (and clearing it on cluster-scoped ones).
///
/// # Errors
///
/// Unparsable documents, objects without apiVersion/kind/name, kinds the cluster does not
/// serve (helm's "resource mapping not found" text), discovery failures.
pub async fn build(discovery: &Discovery, manifest: &str, namespace: &str) -> Result<Vec<Object>> {
    let mut out = Vec::new();
    for mut body in parse_documents(manifest)? {
        let api_version = str_at(&body, "/apiVersion");
        let kind = str_at(&body, "/kind");
        let name = str_at(&body, "/metadata/name");
        if api_version.is_empty() || kind.is_empty() {
            return Err(Error::InvalidObject {
                message: format!(
                    "object {name:?} is missing apiVersion or kind (apiVersion {api_version:?}, kind {kind:?})"
                ),
            });
        }
        let Some(resource) = discovery.resolve(&api_version, &kind).await? else {
            return Err(Error::UnknownKind {
                name,
                namespace: str_at(&body, "/metadata/namespace"),
                kind,
                api_version,
            });
        };
        if name.is_empty() {
            return Err(Error::InvalidObject {
                message: format!("a {kind} object has no metadata.name"),
            });
        }
        let object_namespace = if resource.namespaced {
            let ns = str_at(&body, "/metadata/namespace");
            let ns = if ns.is_empty() {
                namespace.to_string()
            } else {
                ns
            };
            if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("namespace".into(), Value::String(ns.clone()));
            }
            Some(ns)
        } else {
            None
        };
        out.push(Object {
            reference: ObjectRef {
                resource,
                namespace: object_namespace,
                name,
            },
            body,
        });
    }
    Ok(out)
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_lists_and_empty_ones() {
        let manifest = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: \"1\"\n---\n# Source: empty\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n";
        let docs = parse_documents(manifest).unwrap();
        assert_eq!(docs.len(), 2);
        // `k`, not `n`: yaml.v2 reads a bare `n` key as the boolean false, and helm
        // stores it as "false" too.
        assert_eq!(docs[0]["data"]["k"], "1");
        assert_eq!(docs[1]["kind"], "Secret");
    }

    #[test]
    fn integers_stay_integers() {
        let docs = parse_documents("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n")
            .unwrap();
        assert_eq!(docs[0]["spec"]["replicas"], serde_json::json!(3));
    }

    #[test]
    fn scalars_are_rejected() {
        assert!(parse_documents("just a string\n").is_err());
    }
}

//! Types of custom resources, from their CustomResourceDefinition's
//! structural schemas, converted as k8s.io/kube-openapi `pkg/schemaconv`
//! does (`openapi.go`: `parseObject`, `parseList`, `convertPrimitive`).

use indexmap::IndexMap;
use serde_json::Value;

use super::{
    BOOLEAN, Field, ListType, NUMERIC, Node, NodeId, OBJECT_META, PatchMeta, SCALAR, STRING,
    Schema, UNTYPED, UNTYPED_ATOMIC,
};
use crate::error::{Error, Result};

impl Schema {
    /// A copy of this registry with the versions of a
    /// `apiextensions.k8s.io/v1` CustomResourceDefinition added (replacing
    /// earlier types of the same group/version/kind).
    ///
    /// Honours `x-kubernetes-list-type`, `-list-map-keys`, `-map-type`,
    /// `-preserve-unknown-fields`, `-int-or-string` and `-embedded-resource`.
    /// A version without a schema gets the deduced type.
    ///
    /// # Errors
    /// [`Error::ReadCrd`] when `spec.group`, `spec.names.kind` or
    /// `spec.versions` is missing or malformed.
    pub fn with_crd(&self, crd: &Value) -> Result<Schema> {
        let mut out = self.clone();
        out.add_crd(crd)?;
        Ok(out)
    }

    /// Add a CustomResourceDefinition's versions in place (see [`Schema::with_crd`]).
    ///
    /// # Errors
    /// As [`Schema::with_crd`].
    pub fn add_crd(&mut self, crd: &Value) -> Result<()> {
        let crd_name = crd
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let bad = |path: &str, message: &str| Error::ReadCrd {
            crd: crd_name.clone(),
            path: path.to_string(),
            message: message.to_string(),
        };
        let group = crd
            .pointer("/spec/group")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(".spec.group", "missing"))?;
        let kind = crd
            .pointer("/spec/names/kind")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(".spec.names.kind", "missing"))?;
        let versions = crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(".spec.versions", "missing"))?;
        for (i, v) in versions.iter().enumerate() {
            let name = v
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(&format!(".spec.versions[{i}].name"), "missing"))?;
            let api_version = format!("{group}/{name}");
            let id = match v.pointer("/schema/openAPIV3Schema") {
                Some(s) => {
                    let path = format!(".spec.versions[{i}].schema.openAPIV3Schema");
                    let root = self.crd_node(s, &path, false).map_err(|m| bad(&path, &m))?;
                    self.with_object_fields(root)
                }
                None => UNTYPED,
            };
            self.kinds.insert((api_version, kind.to_string()), id);
        }
        Ok(())
    }

    /// Forget the kinds a CustomResourceDefinition defined (when it is
    /// deleted): its group/versions fall back to the deduced type.
    pub fn remove_crd(&mut self, crd: &Value) {
        let group = crd
            .pointer("/spec/group")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind = crd
            .pointer("/spec/names/kind")
            .and_then(Value::as_str)
            .unwrap_or("");
        for v in crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = v.get("name").and_then(Value::as_str) {
                self.kinds
                    .remove(&(format!("{group}/{name}"), kind.to_string()));
            }
        }
    }

    /// Give a custom resource's root (or an embedded resource) the
    /// apiVersion/kind/metadata fields every object has, as the apiserver does
    /// whether or not the CRD schema lists them.
    fn with_object_fields(&mut self, id: NodeId) -> NodeId {
        let meta = self.names.get(OBJECT_META).copied().unwrap_or(UNTYPED);
        let (mut fields, atomic, preserve_unknown) = match self.nodes.get(id) {
            Some(Node::Struct {
                fields,
                atomic,
                preserve_unknown,
            }) => (fields.clone(), *atomic, *preserve_unknown),
            Some(Node::Untyped { .. }) => (IndexMap::new(), false, true),
            _ => return id,
        };
        for (name, ty) in [("apiVersion", STRING), ("kind", STRING), ("metadata", meta)] {
            let f = fields.entry(name.to_string()).or_insert(Field {
                ty,
                patch: PatchMeta::default(),
                zero: None,
            });
            if name == "metadata" {
                f.ty = meta;
            }
        }
        self.push(Node::Struct {
            fields,
            atomic,
            preserve_unknown,
        })
    }

    /// Convert a structural schema as kube-openapi's schemaconv does;
    /// `x-kubernetes-preserve-unknown-fields` also holds for the objects
    /// nested below it (`inherited`).
    fn crd_node(&mut self, s: &Value, path: &str, inherited: bool) -> Result<NodeId, String> {
        let Some(o) = s.as_object() else {
            return Err(format!("{path}: schema must be an object"));
        };
        let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
        if flag("x-kubernetes-int-or-string") {
            return Ok(SCALAR);
        }
        let preserve = inherited || flag("x-kubernetes-preserve-unknown-fields");
        let atomic = o.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic");
        let ty = o.get("type").and_then(Value::as_str).unwrap_or("");
        let id = match ty {
            "integer" | "number" => NUMERIC,
            "boolean" => BOOLEAN,
            "string" => match o.get("format").and_then(Value::as_str).unwrap_or("") {
                "" | "byte" => STRING,
                _ => SCALAR,
            },
            "array" => {
                let items = match o.get("items") {
                    Some(i) => self.crd_node(i, &format!("{path}.items"), preserve)?,
                    None => UNTYPED_ATOMIC,
                };
                let keys: Vec<String> = o
                    .get("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|k| k.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let key_defaults = keys
                    .iter()
                    .filter_map(|k| {
                        o.get("items")?
                            .get("properties")?
                            .get(k)?
                            .get("default")
                            .map(|d| (k.clone(), d.clone()))
                    })
                    .collect();
                let list_type = match o.get("x-kubernetes-list-type").and_then(Value::as_str) {
                    Some("map") => ListType::Map(keys),
                    Some("set") => ListType::Set,
                    _ => ListType::Atomic,
                };
                self.push(Node::List {
                    items,
                    list_type,
                    key_defaults,
                })
            }
            _ => {
                let props = o.get("properties").and_then(Value::as_object);
                let additional = o.get("additionalProperties");
                if let Some(props) = props {
                    let mut fields = IndexMap::new();
                    for (name, p) in props {
                        let ty =
                            self.crd_node(p, &format!("{path}.properties.{name}"), preserve)?;
                        fields.insert(
                            name.clone(),
                            Field {
                                ty,
                                patch: PatchMeta::default(),
                                zero: None,
                            },
                        );
                    }
                    self.push(Node::Struct {
                        fields,
                        atomic,
                        preserve_unknown: preserve,
                    })
                } else if let Some(a) = additional.filter(|a| !matches!(a, Value::Bool(false))) {
                    let values = match a {
                        Value::Object(_) => {
                            self.crd_node(a, &format!("{path}.additionalProperties"), preserve)?
                        }
                        _ => UNTYPED,
                    };
                    self.push(Node::Map { values, atomic })
                } else {
                    // No properties: schemaconv makes it free-form (deduced).
                    UNTYPED
                }
            }
        };
        if flag("x-kubernetes-embedded-resource") {
            return Ok(self.with_object_fields(id));
        }
        Ok(id)
    }
}

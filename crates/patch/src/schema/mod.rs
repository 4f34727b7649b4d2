//! The type registry: what merging needs to know about each Kubernetes type.
//!
//! The model follows sigs.k8s.io/structured-merge-diff `schema` (atoms that
//! are scalars, lists or maps; maps with named fields are structs) extended
//! with the strategic-merge-patch metadata of k8s.io/apimachinery
//! `pkg/util/strategicpatch` (patch strategy and merge key per field).
//! Built-in types come from `data/builtin-schema.json`, generated from the
//! apiserver's OpenAPI v2 document by `scripts/gen-schema.py`; custom
//! resources are added from their CRD's `openAPIV3Schema`
//! (see [`Schema::with_crd`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

mod crd;

/// Index of a node in a [`Schema`].
pub(crate) type NodeId = usize;

/// The node every unknown value gets: SSA's "deduced" type.
const UNTYPED: NodeId = 0;
/// A scalar of any kind (int-or-string, quantity, formatted strings).
const SCALAR: NodeId = 1;
const STRING: NodeId = 2;
const NUMERIC: NodeId = 3;
const BOOLEAN: NodeId = 4;
/// Any JSON, replaced whole (kube-openapi's `__untyped_atomic_`).
const UNTYPED_ATOMIC: NodeId = 5;
const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// How the elements of a list are identified when two lists are merged
/// (`x-kubernetes-list-type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListType {
    /// The list is replaced as a whole.
    Atomic,
    /// Scalar elements, each identified by its value.
    Set,
    /// Map elements, each identified by the values of these keys.
    Map(Vec<String>),
}

/// The strategic-merge-patch metadata of a field (`x-kubernetes-patch-strategy`
/// and `x-kubernetes-patch-merge-key`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchMeta {
    /// `merge`: lists are merged (by `merge_key` for lists of maps).
    pub merge: bool,
    /// `retainKeys`: the patch may carry `$retainKeys`.
    pub retain_keys: bool,
    /// `replace`: the field is replaced whole.
    pub replace: bool,
    /// The merge key of a list of maps.
    pub merge_key: Option<String>,
}

/// A named field of a struct.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) ty: NodeId,
    pub(crate) patch: PatchMeta,
    /// The field's value in its struct's Go zero value (what the apiserver
    /// compares a created object against), if it has one.
    pub(crate) zero: Option<Zero>,
}

/// A field present in the Go zero value of its struct.
#[derive(Debug, Clone)]
pub(crate) enum Zero {
    /// A non-pointer struct: its own zero value.
    Struct,
    /// A field serialized without omitempty: this literal (`null`, `""`, `0`, `false`).
    Literal(Value),
}

/// One type in the registry.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Any JSON: lists atomic, maps granular (the deduced type) or atomic.
    Untyped { atomic: bool },
    /// A string, number or boolean, as structured-merge-diff checks them.
    Scalar(ScalarKind),
    /// An object with known fields.
    Struct {
        fields: IndexMap<String, Field>,
        /// `x-kubernetes-map-type: atomic`.
        atomic: bool,
        /// `x-kubernetes-preserve-unknown-fields`: other keys are untyped.
        preserve_unknown: bool,
    },
    /// An object whose keys are free and whose values share a type.
    Map { values: NodeId, atomic: bool },
    /// A list; `key_defaults` are the defaults of map-list key fields.
    List {
        items: NodeId,
        list_type: ListType,
        key_defaults: Vec<(String, Value)>,
    },
}

/// The kinds of scalar structured-merge-diff distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarKind {
    String,
    Numeric,
    Boolean,
    /// Any scalar (`untyped` in structured-merge-diff).
    Any,
}

/// A registry of types: the built-in Kubernetes types plus any custom
/// resources added with [`Schema::with_crd`].
#[derive(Debug, Clone)]
pub struct Schema {
    nodes: Vec<Node>,
    names: HashMap<String, NodeId>,
    kinds: HashMap<(String, String), NodeId>,
}

/// A type inside a [`Schema`]: what the patch and apply functions are given
/// to know how to merge an object.
#[derive(Debug, Clone, Copy)]
pub struct TypeRef<'a> {
    schema: &'a Schema,
    id: NodeId,
}

static BUILTIN: OnceLock<Schema> = OnceLock::new();
const BUILTIN_JSON: &str = include_str!("../../data/builtin-schema.json");

impl Schema {
    /// The built-in types of Kubernetes v1.36, loaded once.
    ///
    /// # Caveats
    /// The data is checked in and covered by tests; should it ever fail to
    /// load, this returns a schema that knows no kinds (every object is then
    /// merged as the deduced type) rather than panicking.
    pub fn builtin() -> &'static Schema {
        BUILTIN.get_or_init(|| Self::load_builtin().unwrap_or_else(|_| Self::empty()))
    }

    /// Parse the checked-in built-in schema, reporting any problem.
    pub fn load_builtin() -> Result<Schema> {
        let doc: Value = serde_json::from_str(BUILTIN_JSON).map_err(|e| Error::LoadSchema {
            what: "builtin-schema.json".into(),
            message: e.to_string(),
        })?;
        Self::from_generated(&doc)
    }

    /// A schema with no named types: every kind is deduced.
    pub fn empty() -> Schema {
        Schema {
            nodes: vec![
                Node::Untyped { atomic: false },
                Node::Scalar(ScalarKind::Any),
                Node::Scalar(ScalarKind::String),
                Node::Scalar(ScalarKind::Numeric),
                Node::Scalar(ScalarKind::Boolean),
                Node::Untyped { atomic: true },
            ],
            names: HashMap::new(),
            kinds: HashMap::new(),
        }
    }

    /// Read a document in the format `scripts/gen-schema.py` writes.
    pub fn from_generated(doc: &Value) -> Result<Schema> {
        let bad = |what: &str, message: &str| Error::LoadSchema {
            what: what.to_string(),
            message: message.to_string(),
        };
        let types = doc
            .get("types")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("types", "missing object"))?;
        let mut schema = Schema::empty();
        // Reserve an id per name first so references resolve in one pass.
        for name in types.keys() {
            let id = schema.nodes.len();
            schema.nodes.push(Node::Untyped { atomic: false });
            schema.names.insert(name.clone(), id);
        }
        for (name, expr) in types {
            let node = schema.gen_node(expr).map_err(|m| bad(name, &m))?;
            let id = schema.names.get(name).copied().unwrap_or(UNTYPED);
            schema.nodes[id] = node;
        }
        for row in doc
            .get("gvk")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let cell = |i: usize| row.get(i).and_then(Value::as_str);
            let (Some(av), Some(kind), Some(name)) = (cell(0), cell(1), cell(2)) else {
                return Err(bad("gvk", "rows must be [apiVersion, kind, type]"));
            };
            let id = schema
                .names
                .get(name)
                .copied()
                .ok_or_else(|| bad(name, "unknown type in gvk table"))?;
            schema.kinds.insert((av.to_string(), kind.to_string()), id);
        }
        Ok(schema)
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Convert one generated type expression into a node (see the script for the grammar).
    fn gen_node(&mut self, expr: &Value) -> Result<Node, String> {
        let id = self.gen_expr(expr)?;
        Ok(self.nodes[id].clone())
    }

    fn gen_expr(&mut self, expr: &Value) -> Result<NodeId, String> {
        match expr {
            Value::String(s) => match s.as_str() {
                "s" => Ok(STRING),
                "n" => Ok(NUMERIC),
                "b" => Ok(BOOLEAN),
                "a" => Ok(SCALAR),
                "u" => Ok(UNTYPED),
                "U" => Ok(UNTYPED_ATOMIC),
                _ => Err(format!("unrecognised type expression {expr}")),
            },
            Value::Object(o) => {
                if let Some(x) = o.get("x") {
                    return self.gen_expr(x);
                }
                let atomic = o.contains_key("a");
                if let Some(Value::String(r)) = o.get("r") {
                    let id = self
                        .names
                        .get(r)
                        .copied()
                        .ok_or_else(|| format!("unknown reference {r}"))?;
                    if o.get("ma").and_then(Value::as_str) == Some("atomic") {
                        return Ok(self.atomic_copy(id));
                    }
                    return Ok(id);
                }
                if let Some(values) = o.get("m") {
                    let values = self.gen_expr(values)?;
                    return Ok(self.push(Node::Map { values, atomic }));
                }
                if let Some(items) = o.get("l") {
                    let items = self.gen_expr(items)?;
                    let keys: Vec<String> = o
                        .get("k")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|k| k.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    let patch = gen_patch_meta(o);
                    let list_type = match o.get("t").and_then(Value::as_str) {
                        Some("map") => ListType::Map(keys),
                        Some("set") => ListType::Set,
                        Some(_) => ListType::Atomic,
                        // Without x-kubernetes-list-type, kube-openapi's schemaconv
                        // derives associativity from the patch strategy.
                        None if patch.merge => match patch.merge_key {
                            Some(k) => ListType::Map(vec![k]),
                            None => ListType::Set,
                        },
                        None => ListType::Atomic,
                    };
                    let key_defaults = o
                        .get("kd")
                        .and_then(Value::as_object)
                        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default();
                    return Ok(self.push(Node::List {
                        items,
                        list_type,
                        key_defaults,
                    }));
                }
                if let Some(Value::Object(fields)) = o.get("o") {
                    let mut out = IndexMap::new();
                    for (name, f) in fields {
                        let ty = self.gen_expr(f)?;
                        let patch = match f {
                            Value::Object(fo) => gen_patch_meta(fo),
                            _ => PatchMeta::default(),
                        };
                        let zero = match f.get("z") {
                            None => None,
                            Some(Value::Number(n)) if n.as_u64() == Some(1) => Some(Zero::Struct),
                            Some(v) => Some(Zero::Literal(v.clone())),
                        };
                        out.insert(name.clone(), Field { ty, patch, zero });
                    }
                    return Ok(self.push(Node::Struct {
                        fields: out,
                        atomic,
                        preserve_unknown: false,
                    }));
                }
                Err(format!("unrecognised type expression {expr}"))
            }
            _ => Err(format!("unrecognised type expression {expr}")),
        }
    }

    fn atomic_copy(&mut self, id: NodeId) -> NodeId {
        match self.nodes.get(id).cloned() {
            Some(Node::Struct {
                fields,
                preserve_unknown,
                ..
            }) => self.push(Node::Struct {
                fields,
                atomic: true,
                preserve_unknown,
            }),
            Some(Node::Map { values, .. }) => self.push(Node::Map {
                values,
                atomic: true,
            }),
            _ => id,
        }
    }

    /// The type of objects of this `apiVersion` and `kind`, if known.
    pub fn type_for(&self, api_version: &str, kind: &str) -> Option<TypeRef<'_>> {
        self.kinds
            .get(&(api_version.to_string(), kind.to_string()))
            .map(|&id| TypeRef { schema: self, id })
    }

    /// The type of this kind, or the deduced type (every map granular, every
    /// list atomic) that server-side apply uses for kinds it has no schema for.
    pub fn type_or_deduced(&self, api_version: &str, kind: &str) -> TypeRef<'_> {
        self.type_for(api_version, kind)
            .unwrap_or_else(|| self.deduced())
    }

    /// The deduced type: any JSON, maps granular, lists atomic.
    pub fn deduced(&self) -> TypeRef<'_> {
        TypeRef {
            schema: self,
            id: UNTYPED,
        }
    }

    /// A named definition, e.g. `io.k8s.api.core.v1.PodSpec`.
    pub fn named(&self, name: &str) -> Option<TypeRef<'_>> {
        self.names.get(name).map(|&id| TypeRef { schema: self, id })
    }

    /// Whether this registry knows the kind.
    pub fn has_kind(&self, api_version: &str, kind: &str) -> bool {
        self.kinds
            .contains_key(&(api_version.to_string(), kind.to_string()))
    }
}

fn gen_patch_meta(o: &Map<String, Value>) -> PatchMeta {
    let mut meta = PatchMeta::default();
    if let Some(ps) = o.get("ps").and_then(Value::as_str) {
        for part in ps.split(',') {
            match part.trim() {
                "merge" => meta.merge = true,
                "retainKeys" => meta.retain_keys = true,
                "replace" => meta.replace = true,
                _ => {}
            }
        }
    }
    meta.merge_key = o.get("mk").and_then(Value::as_str).map(String::from);
    meta
}

impl<'a> TypeRef<'a> {
    pub(crate) fn node(&self) -> &'a Node {
        static DEDUCED: Node = Node::Untyped { atomic: false };
        self.schema.nodes.get(self.id).unwrap_or(&DEDUCED)
    }

    fn at(&self, id: NodeId) -> TypeRef<'a> {
        TypeRef {
            schema: self.schema,
            id,
        }
    }

    /// The schema this type belongs to.
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// Whether this is the deduced type (no schema knowledge).
    pub fn is_deduced(&self) -> bool {
        matches!(self.node(), Node::Untyped { atomic: false })
    }

    /// Whether the value is replaced whole when merged (atomic map or struct,
    /// atomic list, scalar).
    pub fn is_atomic(&self) -> bool {
        match self.node() {
            Node::Untyped { atomic } => *atomic,
            Node::Scalar(_) => true,
            Node::Struct { atomic, .. } | Node::Map { atomic, .. } => *atomic,
            Node::List { list_type, .. } => *list_type == ListType::Atomic,
        }
    }

    /// The type of the value under `key` of an object of this type, with the
    /// field's strategic patch metadata. `None` when the key is not a field
    /// of a struct that does not preserve unknown fields.
    pub(crate) fn field(&self, key: &str) -> Option<(TypeRef<'a>, &'a PatchMeta)> {
        static NONE: PatchMeta = PatchMeta {
            merge: false,
            retain_keys: false,
            replace: false,
            merge_key: None,
        };
        match self.node() {
            Node::Struct {
                fields,
                preserve_unknown,
                ..
            } => match fields.get(key) {
                Some(f) => Some((self.at(f.ty), &f.patch)),
                None if *preserve_unknown => Some((self.at(UNTYPED), &NONE)),
                None => None,
            },
            Node::Map { values, .. } => Some((self.at(*values), &NONE)),
            Node::Untyped { atomic: true } => Some((self.at(UNTYPED_ATOMIC), &NONE)),
            _ => Some((self.at(UNTYPED), &NONE)),
        }
    }

    /// Like [`TypeRef::field`] but unknown struct fields get the deduced type,
    /// for merges that keep whatever the client sent.
    pub(crate) fn field_or_untyped(&self, key: &str) -> (TypeRef<'a>, &'a PatchMeta) {
        static NONE: PatchMeta = PatchMeta {
            merge: false,
            retain_keys: false,
            replace: false,
            merge_key: None,
        };
        self.field(key).unwrap_or((self.at(UNTYPED), &NONE))
    }

    /// Whether `key` is a declared field (or allowed by preserve-unknown / a map).
    pub fn knows_field(&self, key: &str) -> bool {
        self.field(key).is_some()
    }

    /// The element type of a list (the deduced type for anything else).
    pub(crate) fn items(&self) -> TypeRef<'a> {
        match self.node() {
            Node::List { items, .. } => self.at(*items),
            // Items of a deduced (atomic) list are untyped and atomic.
            Node::Untyped { .. } => self.at(UNTYPED_ATOMIC),
            _ => self.at(UNTYPED),
        }
    }

    /// The default of a map-list key field, used when an item omits it.
    pub(crate) fn key_default(&self, key: &str) -> Option<&'a Value> {
        match self.node() {
            Node::List { key_defaults, .. } => {
                key_defaults.iter().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// The list type (atomic for the deduced type and non-lists).
    pub fn list_type(&self) -> &'a ListType {
        static ATOMIC: ListType = ListType::Atomic;
        match self.node() {
            Node::List { list_type, .. } => list_type,
            _ => &ATOMIC,
        }
    }

    /// The Go zero value of this type as the apiserver serializes it: the
    /// "old object" a create is compared against when computing managed
    /// fields. `{}` for anything but a struct.
    pub(crate) fn zero_value(&self) -> Value {
        let mut out = Map::new();
        if let Node::Struct { fields, .. } = self.node() {
            for (name, f) in fields {
                match &f.zero {
                    Some(Zero::Struct) => {
                        out.insert(name.clone(), self.at(f.ty).zero_value());
                    }
                    Some(Zero::Literal(v)) => {
                        out.insert(name.clone(), v.clone());
                    }
                    None => {}
                }
            }
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builtin_loads_and_knows_common_kinds() {
        let s = Schema::load_builtin().unwrap();
        for (av, k) in [
            ("v1", "ConfigMap"),
            ("apps/v1", "Deployment"),
            ("batch/v1", "CronJob"),
            ("networking.k8s.io/v1", "Ingress"),
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ] {
            assert!(s.type_for(av, k).is_some(), "{av} {k}");
        }
        assert!(s.type_for("v1", "Nope").is_none());
        assert!(s.type_or_deduced("v1", "Nope").is_deduced());
    }

    #[test]
    fn containers_are_a_map_list_merged_by_name() {
        let s = Schema::builtin();
        let spec = s.named("io.k8s.api.core.v1.PodSpec").unwrap();
        let (containers, meta) = spec.field("containers").unwrap();
        assert!(meta.merge);
        assert_eq!(meta.merge_key.as_deref(), Some("name"));
        assert_eq!(containers.list_type(), &ListType::Map(vec!["name".into()]));
        let (ports, _) = containers.items().field("ports").unwrap();
        assert_eq!(
            ports.list_type(),
            &ListType::Map(vec!["containerPort".into(), "protocol".into()])
        );
        let (sel, _) = spec.field("nodeSelector").unwrap();
        assert!(sel.is_atomic());
        let (strategy, meta) = s
            .named("io.k8s.api.apps.v1.DeploymentSpec")
            .unwrap()
            .field("strategy")
            .unwrap();
        assert!(meta.retain_keys);
        assert!(!strategy.is_atomic());
        let label_selector = s
            .named("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")
            .unwrap();
        assert!(label_selector.is_atomic());
    }

    #[test]
    fn crd_versions_become_kinds() {
        let crd = json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "names": {"kind": "Widget"},
              "versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
                "type": "object",
                "properties": {"spec": {"type": "object", "properties": {
                    "items": {"type": "array", "x-kubernetes-list-type": "map",
                              "x-kubernetes-list-map-keys": ["id"],
                              "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
                    "port": {"x-kubernetes-int-or-string": true},
                    "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    "sel": {"type": "object", "x-kubernetes-map-type": "atomic",
                            "additionalProperties": {"type": "string"}}
                }}}}}}, {"name": "v2"}]}
        });
        let s = Schema::builtin().with_crd(&crd).unwrap();
        let t = s.type_for("example.com/v1", "Widget").unwrap();
        assert!(t.knows_field("metadata"));
        let (spec, _) = t.field("spec").unwrap();
        let (items, _) = spec.field("items").unwrap();
        assert_eq!(items.list_type(), &ListType::Map(vec!["id".into()]));
        assert!(spec.field("port").unwrap().0.is_atomic());
        assert!(spec.field("free").unwrap().0.is_deduced());
        assert!(spec.field("sel").unwrap().0.is_atomic());
        assert!(spec.field("other").is_none());
        assert!(s.type_for("example.com/v2", "Widget").unwrap().is_deduced());
        let mut s = s;
        s.remove_crd(&crd);
        assert!(s.type_for("example.com/v1", "Widget").is_none());
        assert!(Schema::builtin().with_crd(&json!({"spec": {}})).is_err());
    }
}

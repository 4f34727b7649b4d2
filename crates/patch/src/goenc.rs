//! How Go's JSON encoder writes a built-in object that the apiserver
//! decoded into its Go type: non-pointer struct fields are always written,
//! as `{}` when empty (`"status": {}`, `"resources": {}`,
//! `"loadBalancer": {}`), whatever the client sent, and `null`s are gone.
//!
//! Which fields are such structs comes from the OpenAPI v3 documents
//! (`default: {}` marks them; see `scripts/gen-schema.py`).

use serde_json::{Map, Value};

use crate::schema::{Node, TypeRef, Zero};

/// Add, throughout `obj`, the non-pointer struct fields its type declares
/// and `obj` lacks, as `{}` (filled the same way), so the object reads as
/// the apiserver would serve it.
///
/// # Caveats
/// Only struct fields are added: required scalars and the `null`s Go would
/// write for nil slices and maps are not (validation refuses most such
/// objects first), and defaulting is a separate step.
pub fn add_empty_structs(obj: &mut Value, ty: TypeRef<'_>) {
    match (obj, ty.node()) {
        (Value::Object(m), Node::Struct { fields, .. }) => {
            for (name, f) in fields {
                if matches!(f.zero, Some(Zero::Struct)) && !m.contains_key(name) {
                    m.insert(name.clone(), Value::Object(Map::new()));
                }
            }
            for (k, v) in m.iter_mut() {
                if let Some((child, _)) = ty.field(k) {
                    add_empty_structs(v, child);
                }
            }
        }
        (Value::Object(m), Node::Map { .. }) => {
            for (k, v) in m.iter_mut() {
                if let Some((child, _)) = ty.field(k) {
                    add_empty_structs(v, child);
                }
            }
        }
        (Value::Array(items), Node::List { .. }) => {
            for item in items {
                add_empty_structs(item, ty.items());
            }
        }
        _ => {}
    }
}

/// Remove the `null` members of the typed parts of `obj`, as decoding into
/// the Go type does (a nil pointer, slice or map is omitted when the object
/// is written back). Parts typed as free-form JSON keep their `null`s.
pub fn drop_nulls(obj: &mut Value, ty: TypeRef<'_>) {
    match (obj, ty.node()) {
        (Value::Object(m), Node::Struct { .. } | Node::Map { .. }) => {
            m.retain(|k, v| !v.is_null() || ty.field(k).is_some_and(|(t, _)| t.is_deduced()));
            for (k, v) in m.iter_mut() {
                if let Some((child, _)) = ty.field(k) {
                    drop_nulls(v, child);
                }
            }
        }
        (Value::Array(items), Node::List { .. }) => {
            for item in items {
                drop_nulls(item, ty.items());
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;
    use serde_json::json;

    #[test]
    fn adds_status_and_nested_value_structs() {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let mut d = json!({"metadata": {"name": "d"}, "spec": {"template": {"spec": {
            "containers": [{"name": "a"}]}}}});
        add_empty_structs(&mut d, ty);
        assert_eq!(d["status"], json!({}));
        assert_eq!(d["spec"]["strategy"], json!({}));
        assert_eq!(d["spec"]["template"]["metadata"], json!({}));
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"][0]["resources"],
            json!({})
        );
        assert!(d["spec"].get("selector").is_none());
        let svc = Schema::builtin().type_for("v1", "Service").unwrap();
        let mut s = json!({"metadata": {"name": "s"}, "spec": {}});
        add_empty_structs(&mut s, svc);
        assert_eq!(s["status"], json!({"loadBalancer": {}}));
        let cm = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
        let mut c = json!({"metadata": {"name": "c"}});
        add_empty_structs(&mut c, cm);
        assert_eq!(c, json!({"metadata": {"name": "c"}}));
    }

    #[test]
    fn nulls_go_from_typed_parts_only() {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let mut d = json!({"metadata": {"annotations": null, "name": "d"},
            "spec": {"replicas": null, "template": {"spec": {"containers": [{"name": "a", "image": null}]}}}});
        drop_nulls(&mut d, ty);
        assert_eq!(
            d,
            json!({"metadata": {"name": "d"},
            "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}})
        );
        let mut free = json!({"spec": {"x": null}});
        drop_nulls(&mut free, Schema::builtin().deduced());
        assert_eq!(free, json!({"spec": {"x": null}}));
    }
}

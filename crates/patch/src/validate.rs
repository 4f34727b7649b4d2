//! Strict field validation (`fieldValidation=Strict|Warn`): the unknown and
//! duplicate fields the apiserver reports when decoding a request body.
//!
//! The apiserver decodes built-in objects with sigs.k8s.io/json's strict
//! mode, which names offending fields by their JSON path
//! (`spec.template.spec.containers[0].bogus`); with `Strict` they fail the
//! request with 400 Bad Request, with `Warn` each becomes a `Warning` header.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::schema::TypeRef;

/// One problem found in a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    /// A field the type does not declare.
    Unknown(String),
    /// A field given twice in the same object.
    Duplicate(String),
}

impl fmt::Display for FieldProblem {
    /// The apiserver's text: `unknown field "spec.bogus"`, `duplicate field "a"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldProblem::Unknown(p) => write!(f, "unknown field {p:?}"),
            FieldProblem::Duplicate(p) => write!(f, "duplicate field {p:?}"),
        }
    }
}

/// The fields of `obj` its type does not declare, in document order.
/// Maps, untyped values and structs that preserve unknown fields accept
/// any key.
pub fn unknown_fields(obj: &Value, ty: TypeRef<'_>) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    walk(obj, ty, "", &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(v: &Value, ty: TypeRef<'_>, path: &str, out: &mut Vec<FieldProblem>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = join(path, k);
                if !ty.knows_field(k) {
                    out.push(FieldProblem::Unknown(p));
                    continue;
                }
                walk(child, ty.field_or_untyped(k).0, &p, out);
            }
        }
        Value::Array(items) => {
            if ty.is_deduced() {
                return;
            }
            let item_ty = ty.items();
            for (i, item) in items.iter().enumerate() {
                walk(item, item_ty, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The keys given more than once in the same object of a raw JSON body, by
/// path, in document order. Invalid JSON yields no findings (decoding
/// reports it).
pub fn duplicate_fields(raw: &str) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_str(raw);
    let _ = DupSeed {
        path: String::new(),
        out: &mut out,
    }
    .deserialize(&mut de);
    out
}

struct DupSeed<'o> {
    path: String,
    out: &'o mut Vec<FieldProblem>,
}

impl<'de> DeserializeSeed<'de> for DupSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DupSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(DupSeed {
                path: format!("{}[{i}]", self.path),
                out: &mut *self.out,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let p = join(&self.path, &key);
            if !seen.insert(key) {
                self.out.push(FieldProblem::Duplicate(p.clone()));
            }
            map.next_value_seed(DupSeed {
                path: p,
                out: &mut *self.out,
            })?;
        }
        Ok(())
    }
}

/// The message of the 400 the apiserver answers a strict create or update
/// with, e.g. `ConfigMap in version "v1" cannot be handled as a ConfigMap:
/// strict decoding error: unknown field "bogus"`.
pub fn strict_error_message(kind: &str, version: &str, problems: &[FieldProblem]) -> String {
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    format!(
        "{kind} in version {version:?} cannot be handled as a {kind}: strict decoding error: {}",
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;
    use serde_json::json;

    #[test]
    fn finds_unknown_fields_by_json_path() {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "labels": {"any": "x"}, "bogus": 1},
            "spec": {"template": {"spec": {"containers": [{"name": "a", "imag": "x"}]}}}});
        let found = unknown_fields(&obj, ty);
        assert_eq!(
            found,
            vec![
                FieldProblem::Unknown("metadata.bogus".into()),
                FieldProblem::Unknown("spec.template.spec.containers[0].imag".into())
            ]
        );
        assert!(unknown_fields(&obj, Schema::builtin().deduced()).is_empty());
    }

    #[test]
    fn finds_duplicates_in_raw_json() {
        let found = duplicate_fields(r#"{"a": 1, "b": {"c": [{"d": 1, "d": 2}]}, "a": 2}"#);
        assert_eq!(
            found,
            vec![
                FieldProblem::Duplicate("b.c[0].d".into()),
                FieldProblem::Duplicate("a".into())
            ]
        );
    }
}

//! The one bridge between template values ([`charthouse_gotmpl::Value`]) and the values
//! helm's YAML/JSON/TOML code works on ([`charthouse_goyaml::Value`]).
//!
//! Going out (`toYaml`, `toJson`, Sprig's `toPrettyJson`...), helm hands an `interface{}`
//! to `encoding/json`, so this direction follows `json.Marshal`'s view of Go values:
//! `[]byte` becomes a base64 string, `float32` keeps its 32-bit shortest digits, a
//! function is refused with `json: unsupported type: func(...) ...`, and host objects that
//! implement `json.Marshaler` in Go (a semver version, a `time.Time`) marshal as they do
//! there. Coming back (`fromYaml`, `fromJson`, `lookup`), decoded maps become
//! `map[string]interface {}`, lists `[]interface {}`, numbers `float64` (or `int64` for
//! integers a Kubernetes client decoded).

use std::sync::Arc;

use base64::Engine as _;
use charthouse_gotmpl::{FloatType, Object, Value};
use charthouse_goyaml::Value as Yaml;

/// Converts a template value into what `encoding/json` would see, or Go's
/// `json: unsupported type: T` message for values JSON cannot hold.
pub(crate) fn to_goyaml(v: &Value) -> Result<Yaml, String> {
    to_goyaml_at(v, &mut std::collections::HashSet::new())
}

/// `path` holds the [`charthouse_gotmpl::Map::id`]s of the maps being converted: a map
/// that contains itself (built with Sprig's `set`) fails as `encoding/json` fails on it.
fn to_goyaml_at(v: &Value, path: &mut std::collections::HashSet<usize>) -> Result<Yaml, String> {
    Ok(match v {
        Value::Missing | Value::Nil => Yaml::Null,
        Value::Bool(b) => Yaml::Bool(*b),
        Value::Int(i, _) => Yaml::Int(*i),
        Value::Uint(u, _) => Yaml::Uint(*u),
        Value::Float(f, FloatType::Float64) => Yaml::Float(*f),
        // encoding/json formats a float32 with 32-bit shortest digits; the f64 nearest to
        // those digits prints the same digits at 64 bits.
        Value::Float(f, FloatType::Float32) => {
            let digits = (*f as f32).to_string();
            Yaml::Float(digits.parse::<f64>().unwrap_or(*f))
        }
        Value::String(s) => Yaml::String(s.to_string()),
        // encoding/json writes []byte as standard base64.
        Value::Bytes(b) => Yaml::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::List(l) => Yaml::Seq(
            l.items
                .iter()
                .map(|e| to_goyaml_at(e, path))
                .collect::<Result<_, _>>()?,
        ),
        // encoding/json writes a nil map as `null`.
        Value::Map(m) if m.is_nil() => Yaml::Null,
        Value::Map(m) => {
            if path.contains(&m.id()) {
                return Err(format!(
                    "json: unsupported value: encountered a cycle via {}",
                    m.type_name()
                ));
            }
            path.insert(m.id());
            // A snapshot: no lock is held while nested values are converted.
            let out = m
                .snapshot()
                .into_iter()
                .map(|(k, v)| Ok((k, to_goyaml_at(&v, path)?)))
                .collect::<Result<_, String>>()?;
            path.remove(&m.id());
            Yaml::Map(out)
        }
        Value::Object(o) => object_to_goyaml(o)?,
        Value::Func(f) => {
            return Err(format!(
                "json: unsupported type: {}",
                f.signature().type_name()
            ));
        }
    })
}

/// Host objects as `encoding/json` marshals their Go types.
fn object_to_goyaml(o: &Arc<dyn Object>) -> Result<Yaml, String> {
    let v = Value::Object(o.clone());
    if let Some(j) = crate::semver::json_of(&v) {
        return Ok(j);
    }
    if let Some(j) = crate::dates::json_of(&v) {
        return Ok(j);
    }
    if let Some(j) = crate::crypto::json_of(&v) {
        return Ok(j);
    }
    match o.as_data() {
        Some(d) => to_goyaml(&d),
        None => Err(format!("json: unsupported type: {}", o.type_name())),
    }
}

/// Converts a decoded YAML/JSON/TOML value into a template value, as Go's decoders fill
/// an `interface{}`.
pub(crate) fn from_goyaml(v: Yaml) -> Value {
    match v {
        Yaml::Null => Value::Nil,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Int(i) => Value::int64(i),
        Yaml::Uint(u) => Value::uint64(u),
        Yaml::Float(f) => Value::float(f),
        Yaml::String(s) => Value::from(s),
        Yaml::Seq(items) => Value::list(items.into_iter().map(from_goyaml).collect()),
        Yaml::Map(m) => from_goyaml_map(m),
    }
}

/// A decoded map as a `map[string]interface {}`.
pub(crate) fn from_goyaml_map(m: charthouse_goyaml::Map) -> Value {
    Value::map(m.into_iter().map(|(k, v)| (k, from_goyaml(v))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use charthouse_gotmpl::{Func, GoType, IntType, Signature, UintType};
    use std::collections::BTreeMap;

    #[test]
    fn scalars_go_out_as_json_sees_them() {
        assert_eq!(to_goyaml(&Value::Nil), Ok(Yaml::Null));
        assert_eq!(to_goyaml(&Value::Missing), Ok(Yaml::Null));
        assert_eq!(to_goyaml(&Value::Int(-3, IntType::Int8)), Ok(Yaml::Int(-3)));
        assert_eq!(
            to_goyaml(&Value::Uint(7, UintType::Uint16)),
            Ok(Yaml::Uint(7))
        );
        assert_eq!(
            to_goyaml(&Value::Float(0.1, FloatType::Float32)),
            Ok(Yaml::Float(0.1))
        );
        assert_eq!(
            to_goyaml(&Value::Bytes(Arc::from(&b"hi"[..]))),
            Ok(Yaml::String("aGk=".into()))
        );
    }

    #[test]
    fn functions_are_refused_with_go_text() {
        let f = Func::new(
            "f",
            Signature::new(vec![GoType::String], GoType::String),
            |_, _| Ok(Value::Nil),
        );
        assert_eq!(
            to_goyaml(&Value::list(vec![Value::Func(f)])),
            Err("json: unsupported type: func(string) string".to_string())
        );
    }

    #[test]
    fn round_trip_keeps_structure() {
        let v = Value::map_from([
            (
                "a",
                Value::list(vec![Value::float(1.5), Value::from("x"), Value::Nil]),
            ),
            ("b", Value::map(BTreeMap::new())),
        ]);
        let back = from_goyaml(to_goyaml(&v).unwrap_or(Yaml::Null));
        assert_eq!(back, v);
        assert_eq!(back.type_name(), "map[string]interface {}");
    }

    #[test]
    fn integers_from_a_cluster_are_int64() {
        assert_eq!(from_goyaml(Yaml::Int(3)).type_name(), "int64");
        assert_eq!(from_goyaml(Yaml::Float(3.0)).type_name(), "float64");
    }
}

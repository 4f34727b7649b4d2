//! Helm's template functions over this crate's pipelines
//! (`pkg/engine/funcs.go`, and Sprig's `toPrettyJson`/`toRawJson`), with
//! their error conventions: `toYaml` and `toJson` swallow errors into an
//! empty string, `fromYaml`/`fromJson` put the message under an `Error`
//! key, the array variants return the message as the only element.

use crate::error::Result;
use crate::json::{
    json_marshal, json_marshal_indent, json_marshal_raw, json_unmarshal_map, json_unmarshal_seq,
};
use crate::sigs::{marshal, unmarshal_map, unmarshal_seq};
use crate::value::{Map, Value};

fn trim_newline(mut s: String) -> String {
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

/// Helm `toYaml`: `yaml.Marshal` with the final newline trimmed, or `""`
/// when marshalling fails.
pub fn to_yaml(v: &Value) -> String {
    marshal(v).map(trim_newline).unwrap_or_default()
}

/// Helm `mustToYaml`: like [`to_yaml`] but reports the error.
///
/// # Errors
/// As [`marshal`].
pub fn must_to_yaml(v: &Value) -> Result<String> {
    marshal(v).map(trim_newline)
}

/// Helm `fromYaml`: a map, or `{"Error": message}` on failure.
pub fn from_yaml(s: &str) -> Map {
    match unmarshal_map(s.as_bytes()) {
        Ok(m) => m,
        Err(e) => {
            let mut m = Map::new();
            m.insert("Error".to_owned(), Value::String(e.to_string()));
            m
        }
    }
}

/// Helm `fromYamlArray`: a list, or `[message]` on failure.
pub fn from_yaml_array(s: &str) -> Vec<Value> {
    unmarshal_seq(s.as_bytes()).unwrap_or_else(|e| vec![Value::String(e.to_string())])
}

/// Helm `toJson`: `json.Marshal`, or `""` when it fails.
pub fn to_json(v: &Value) -> String {
    json_marshal(v).unwrap_or_default()
}

/// Helm `mustToJson`.
///
/// # Errors
/// As [`json_marshal`].
pub fn must_to_json(v: &Value) -> Result<String> {
    json_marshal(v)
}

/// Sprig `toPrettyJson`: `json.MarshalIndent(v, "", "  ")`, `""` on error.
pub fn to_pretty_json(v: &Value) -> String {
    json_marshal_indent(v, "  ").unwrap_or_default()
}

/// Sprig `mustToPrettyJson`.
///
/// # Errors
/// As [`json_marshal`].
pub fn must_to_pretty_json(v: &Value) -> Result<String> {
    json_marshal_indent(v, "  ")
}

/// Sprig `mustToRawJson`: no HTML escaping, trailing newline trimmed.
///
/// # Errors
/// As [`json_marshal`]. Sprig's `toRawJson` panics
/// with this error, which the template engine reports.
pub fn to_raw_json(v: &Value) -> Result<String> {
    json_marshal_raw(v)
}

/// Helm `fromJson`: the map encoding/json filled in, plus `Error` if it
/// reported one. JSON `null` gives [`Value::Null`] (Go's nil map, which
/// `toJson` prints as `null`); everything else a [`Value::Map`].
pub fn from_json(s: &str) -> Value {
    match json_unmarshal_map(s.as_bytes()) {
        (Some(mut m), err) => {
            if let Some(e) = err {
                m.insert("Error".to_owned(), Value::String(e.to_string()));
            }
            Value::Map(m)
        }
        (None, Some(e)) => {
            let mut m = Map::new();
            m.insert("Error".to_owned(), Value::String(e.to_string()));
            Value::Map(m)
        }
        (None, None) => Value::Null,
    }
}

/// Helm `fromJsonArray`: the list ([`Value::Seq`]), [`Value::Null`] for
/// JSON `null`, or a one-element list holding the error message.
pub fn from_json_array(s: &str) -> Value {
    match json_unmarshal_seq(s.as_bytes()) {
        (Some(items), None) => Value::Seq(items),
        (None, None) => Value::Null,
        (_, Some(e)) => Value::Seq(vec![Value::String(e.to_string())]),
    }
}

/// Helm `toToml`: the TOML text, or the error message in its place.
pub fn to_toml(v: &Value) -> String {
    crate::toml::toml_encode(v).unwrap_or_else(|e| e.to_string())
}

/// Helm `fromToml`: a map, or `{"Error": message}` on failure.
pub fn from_toml(s: &str) -> Map {
    crate::toml::toml_decode(s).unwrap_or_else(|e| {
        let mut m = Map::new();
        m.insert("Error".to_owned(), Value::String(e.to_string()));
        m
    })
}

/// Helm `toYamlPretty`: yaml.v3 with an indent of 2, final newline trimmed.
pub fn to_yaml_pretty(v: &Value) -> String {
    trim_newline(crate::pretty::marshal_pretty(v))
}

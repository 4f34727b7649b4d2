//! sigs.k8s.io/yaml (`yaml.go`): `Unmarshal` = yaml.v2 decode of the first
//! document, keys turned into strings, `json.Marshal`, then encoding/json
//! decode into the target (so every number is a float64); `Marshal` =
//! `json.Marshal` then `JSONToYAML`.

use crate::compose::{Composer, YamlError};
use crate::decode::decode;
use crate::emit::{V2, emit};
use crate::error::{Error, Result};
use crate::gofmt::{Fmt, format_float};
use crate::value::{Map, Value};
use crate::yaml_out::to_node;

pub(crate) fn yaml_to_json_error(e: YamlError) -> Error {
    Error::YamlToJson {
        message: e.message,
        line: e.line,
        column: e.column,
    }
}

/// yaml.v2 `Unmarshal` into `interface{}` plus sigs.k8s.io/yaml's key
/// conversion, before the JSON step: numbers keep their yaml.v2 kind.
/// Only the first document of a stream is read, as yaml.v2 does.
pub(crate) fn yaml_v2_decode(input: &[u8]) -> Result<Value, YamlError> {
    // Most inputs are in the subset the fast reader knows; it gives the same
    // value as libyaml there and declines everything else.
    if let Some(v) = crate::fast::decode(input) {
        return Ok(v);
    }
    libyaml_decode(input)
}

/// [`yaml_v2_decode`] through libyaml only: the reference the fast reader is
/// checked against.
pub(crate) fn libyaml_decode(input: &[u8]) -> Result<Value, YamlError> {
    let mut composer = Composer::new(input);
    match composer.next_doc() {
        Ok(Some(doc)) => decode(&doc),
        Ok(None) => Ok(Value::Null),
        // A block scalar at the very end of the input without a line break makes
        // libyaml-safer panic where yaml.v2 succeeds; read it again with the break.
        Err(e) if composer.panicked() && !composer.ends_with_escape() => {
            match Composer::with_final_newline(input).next_doc() {
                Ok(Some(doc)) => decode(&doc),
                Ok(None) => Ok(Value::Null),
                Err(_) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// The JSON round trip of sigs.k8s.io/yaml's `yamlToJSONTarget` followed by
/// encoding/json's decode: ints become float64, NaN and ±Inf are refused
/// by `json.Marshal` (reported in its sorted-key traversal order).
fn through_json(mut v: Value) -> Result<Value, YamlError> {
    json_numbers(&mut v)?;
    Ok(v)
}

/// In place, in sorted-key order: ints become floats, the first NaN or ±Inf
/// is the error.
fn json_numbers(v: &mut Value) -> Result<(), YamlError> {
    match v {
        Value::Float(f) if !f.is_finite() => Err(YamlError {
            message: format!(
                "json: unsupported value: {}",
                format_float(*f, Fmt::G, false)
            ),
            line: None,
            column: None,
        }),
        Value::Int(i) => {
            *v = Value::Float(*i as f64);
            Ok(())
        }
        Value::Uint(u) => {
            *v = Value::Float(*u as f64);
            Ok(())
        }
        Value::Seq(items) => items.iter_mut().try_for_each(json_numbers),
        Value::Map(m) => m.values_mut().try_for_each(json_numbers),
        _ => Ok(()),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(y, &v)` with `v interface{}`.
///
/// Reads the first YAML document with yaml.v2's YAML 1.1 rules and returns
/// what helm's Go code sees: maps with string keys, every number a float64.
///
/// # Errors
/// [`Error::YamlToJson`] for syntax errors, bad aliases or merges, keys
/// that cannot become strings, and `.inf`/`.nan` values.
pub fn unmarshal(yaml: &[u8]) -> Result<Value> {
    let v = yaml_v2_decode(yaml).map_err(yaml_to_json_error)?;
    through_json(v).map_err(yaml_to_json_error)
}

/// The value sigs.k8s.io/yaml has in hand before its JSON step: yaml.v2's
/// decode with keys already turned into strings, numbers still `Int`,
/// `Uint` or `Float` (and `.inf`/`.nan` allowed).
///
/// Use it with [`string_field`] to decode into Go struct fields of type
/// `string` (Chart.yaml's `version`, `appVersion`, ...), where
/// sigs.k8s.io/yaml formats numbers itself.
///
/// # Errors
/// [`Error::YamlToJson`] for syntax errors, bad aliases or merges and keys
/// that cannot become strings.
pub fn unmarshal_keep_numbers(yaml: &[u8]) -> Result<Value> {
    yaml_v2_decode(yaml).map_err(yaml_to_json_error)
}

/// What sigs.k8s.io/yaml puts in a Go `string` field for a scalar
/// (`convertToJSONableObject` with a string target): ints in decimal,
/// floats as float32 `%g` (`appVersion: 1.10` becomes `"1.1"`), bools as
/// words, strings unchanged. `None` for null, lists and maps, which
/// encoding/json then reports or ignores.
pub fn string_field(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Uint(u) => Some(u.to_string()),
        Value::Float(f) => Some(format_float(*f, Fmt::G, true)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(y, &m)` with `m map[string]interface{}`,
/// as helm's `chartutil.ReadValues` and `fromYaml` call it. A null or empty
/// document gives an empty map.
///
/// # Errors
/// As [`unmarshal`], plus [`Error::JsonToGo`] when the document is not a map.
pub fn unmarshal_map(yaml: &[u8]) -> Result<Map> {
    match unmarshal(yaml)? {
        Value::Map(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(Error::JsonToGo {
            message: format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                other.json_kind()
            ),
        }),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(y, &a)` with `a []interface{}`, as helm's
/// `fromYamlArray` calls it. A null or empty document gives an empty list.
///
/// # Errors
/// As [`unmarshal`], plus [`Error::JsonToGo`] when the document is not a list.
pub fn unmarshal_seq(yaml: &[u8]) -> Result<Vec<Value>> {
    match unmarshal(yaml)? {
        Value::Seq(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        other => Err(Error::JsonToGo {
            message: format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                other.json_kind()
            ),
        }),
    }
}

/// `sigs.k8s.io/yaml.Marshal(v)`: the YAML text helm's `toYaml` starts
/// from, with its final newline.
///
/// # Errors
/// [`Error::MarshalYaml`] for NaN/±Inf floats (`error marshaling into
/// JSON: json: unsupported value: NaN`) and for map keys longer than the
/// 1024 characters yaml.v2 accepts when it reads the JSON back.
pub fn marshal(v: &Value) -> Result<String> {
    let node = to_node(v).map_err(|e| e.into_marshal_error())?;
    Ok(emit(&node, V2))
}

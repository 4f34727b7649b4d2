//! The value model: what a Go `interface{}` holds after helm's YAML or JSON decoding.

use std::collections::BTreeMap;

/// A map with string keys, kept in byte order.
///
/// Go maps have no order; every Go encoder we mirror sorts keys on output
/// (`encoding/json` by bytes, yaml.v2 with its own sorter), so byte order is
/// the natural canonical form and makes equality cheap.
pub type Map = BTreeMap<String, Value>;

/// A decoded value, as Go code in helm sees it through `interface{}`.
///
/// Helm's YAML and JSON readers produce only `Null`, `Bool`, `Float`,
/// `String`, `Seq` and `Map` (encoding/json turns every number into a
/// float64). `Int` and `Uint` exist so that callers (template functions)
/// can hand Go integers to the writers, which format them differently
/// from floats.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Go `nil`.
    Null,
    /// Go `bool`.
    Bool(bool),
    /// Go `int`/`int64` (and the smaller signed kinds).
    Int(i64),
    /// Go `uint64` (and the smaller unsigned kinds).
    Uint(u64),
    /// Go `float64`.
    Float(f64),
    /// Go `string`.
    String(String),
    /// Go `[]interface{}`.
    Seq(Vec<Value>),
    /// Go `map[string]interface{}`.
    Map(Map),
}

impl Value {
    /// The map inside, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The name encoding/json uses for this kind in "cannot unmarshal X into
    /// Go value of type Y" errors.
    pub(crate) fn json_kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Seq(v)
    }
}

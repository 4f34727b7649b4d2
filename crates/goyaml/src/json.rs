//! encoding/json entry points: `Marshal`, `MarshalIndent`, an `Encoder`
//! without HTML escaping, and `Unmarshal` into `interface{}`, a map or a
//! slice.

use crate::error::{Error, Result};
use crate::json_decode::decode;
use crate::json_encode::{Style, encode};
use crate::value::{Map, Value};

/// `json.Marshal(v)`: compact, sorted keys, `<`, `>` and `&` escaped.
///
/// # Errors
/// [`Error::EncodeJson`] for NaN or ±Inf (`json: unsupported value: NaN`).
pub fn json_marshal(v: &Value) -> Result<String> {
    encode(
        v,
        Style {
            escape_html: true,
            indent: None,
        },
    )
}

/// `json.MarshalIndent(v, "", indent)`.
///
/// # Errors
/// As [`json_marshal`].
pub fn json_marshal_indent(v: &Value, indent: &str) -> Result<String> {
    encode(
        v,
        Style {
            escape_html: true,
            indent: Some(indent),
        },
    )
}

/// A `json.Encoder` with `SetEscapeHTML(false)`, without the newline
/// `Encode` appends.
///
/// # Errors
/// As [`json_marshal`].
pub fn json_marshal_raw(v: &Value) -> Result<String> {
    encode(
        v,
        Style {
            escape_html: false,
            indent: None,
        },
    )
}

/// `json.Unmarshal(data, &v)` with `v interface{}`: numbers are float64.
///
/// # Errors
/// [`Error::DecodeJson`] with encoding/json's message for bad syntax or a
/// number beyond float64's range.
pub fn json_unmarshal(data: &[u8]) -> Result<Value> {
    let d = decode(data)?;
    match d.type_error {
        Some(message) => Err(Error::DecodeJson { message, offset: 0 }),
        None => Ok(d.value),
    }
}

/// What `json.Unmarshal` leaves in a `map[string]interface{}` target, and
/// its error: Go fills in what it can before reporting a type error, and
/// helm's `fromJson` keeps both. `None` means the JSON was `null`, which
/// leaves Go a nil map (`toJson` prints it as `null`, not `{}`).
pub fn json_unmarshal_map(data: &[u8]) -> (Option<Map>, Option<Error>) {
    let d = match decode(data) {
        Ok(d) => d,
        Err(e) => return (Some(Map::new()), Some(e)),
    };
    let err = |message: String| Some(Error::DecodeJson { message, offset: 0 });
    match d.value {
        Value::Map(m) => (Some(m), d.type_error.and_then(err)),
        Value::Null => (None, d.type_error.and_then(err)),
        other => (
            Some(Map::new()),
            err(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                other.json_kind()
            )),
        ),
    }
}

/// What `json.Unmarshal` leaves in a `[]interface{}` target, and its
/// error. `None` means the JSON was `null` (a nil slice in Go).
pub fn json_unmarshal_seq(data: &[u8]) -> (Option<Vec<Value>>, Option<Error>) {
    let d = match decode(data) {
        Ok(d) => d,
        Err(e) => return (Some(Vec::new()), Some(e)),
    };
    let err = |message: String| Some(Error::DecodeJson { message, offset: 0 });
    match d.value {
        Value::Seq(items) => (Some(items), d.type_error.and_then(err)),
        Value::Null => (None, d.type_error.and_then(err)),
        other => (
            Some(Vec::new()),
            err(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                other.json_kind()
            )),
        ),
    }
}

//! JSON exactly as Go's `encoding/json` writes helm's records.
//!
//! serde keeps struct fields in declaration order (Go does too); what differs is the
//! spelling: Go escapes `<`, `>`, `&`, U+2028 and U+2029, prints floats with its own
//! rules (`1e+21`, `1e-7`, `1` for 1.0), and sorts the keys of maps. The formatter fixes
//! the first two; [`sorted`] serializes map-typed fields with sorted keys.

use std::io;

use serde::Serialize;
use serde::ser::{SerializeMap as _, SerializeSeq as _, Serializer};
use serde_json::ser::Formatter;
use serde_json::{Map, Value};

/// Serializes `value` as Go's `json.Marshal` would.
///
/// # Errors
/// When a float is NaN or infinite (Go refuses those too) or a custom `Serialize` fails.
pub fn to_vec<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    value.serialize(&mut ser)?;
    Ok(out)
}

/// A `serde_json` formatter with `encoding/json`'s string escapes and float format.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        match charthouse_goyaml::json_float(value) {
            Some(text) => writer.write_all(text.as_bytes()),
            None => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("json: unsupported value: {value}"),
            )),
        }
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already escaped quotes, backslashes and control characters;
        // the fragment holds everything else, where Go escapes a few more characters.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `serialize_with` for map-typed fields: keys sorted as Go sorts map keys, recursively.
///
/// # Errors
/// Whatever the serializer reports.
pub fn sorted<S: Serializer>(map: &Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
    SortedMap(map).serialize(s)
}

/// `serialize_with` for optional map-typed fields (`null` when absent).
///
/// # Errors
/// Whatever the serializer reports.
pub fn sorted_option<S: Serializer>(
    map: &Option<Map<String, Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match map {
        Some(map) => SortedMap(map).serialize(s),
        None => s.serialize_none(),
    }
}

/// `serialize_with` for lists of arbitrary values (their maps sorted).
///
/// # Errors
/// Whatever the serializer reports.
pub fn sorted_values<S: Serializer>(values: &[Value], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(values.len()))?;
    for v in values {
        seq.serialize_element(&Sorted(v))?;
    }
    seq.end()
}

/// A JSON value whose objects serialize with sorted keys (Go's `map[string]any`).
#[derive(Debug, Clone, Copy)]
pub struct Sorted<'a>(pub &'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => SortedMap(map).serialize(s),
            Value::Array(items) => sorted_values(items, s),
            other => other.serialize(s),
        }
    }
}

struct SortedMap<'a>(&'a Map<String, Value>);

impl Serialize for SortedMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&String, &Value)> = self.0.iter().collect();
        // Go sorts map keys by their UTF-8 bytes, which is Rust's `str` order.
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut map = s.serialize_map(Some(entries.len()))?;
        for (k, v) in entries {
            map.serialize_entry(k, &Sorted(v))?;
        }
        map.end()
    }
}

/// serde helpers for Go's `[]byte` fields: base64 text, `null` for nil.
pub(crate) mod bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        data: &Option<Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match data {
            Some(bytes) => s.serialize_str(&STANDARD.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => STANDARD
                .decode(text.as_bytes())
                .map(Some)
                .map_err(|e| serde::de::Error::custom(format!("invalid base64 data: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escapes_and_floats_like_go() {
        let v = json!({"s": "<a href=\"x\">&\u{2028}\n\u{1}</a>", "f": [1.0, 1e21, 1e-7, 0.5, -0.0, 12345678.0]});
        let out = String::from_utf8(to_vec(&Sorted(&v)).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"{"f":[1,1e+21,1e-7,0.5,-0,12345678],"s":"\u003ca href=\"x\"\u003e\u0026\u2028\n\u0001\u003c/a\u003e"}"#
        );
    }

    #[test]
    fn sorts_nested_maps_by_bytes() {
        let v = json!({"b": {"z": 1, "a": [{"y": 1, "x": 2}]}, "B": 0, "a": null});
        let out = String::from_utf8(to_vec(&Sorted(&v)).unwrap()).unwrap();
        assert_eq!(out, r#"{"B":0,"a":null,"b":{"a":[{"x":2,"y":1}],"z":1}}"#);
    }
}

//! Node tree to [`Value`], as yaml.v2 decodes into `interface{}`
//! (`decode.go`: aliases, `<<` merges, tags, the alias-expansion limit) and
//! then sigs.k8s.io/yaml turns non-string keys into strings
//! (`yaml.go` `convertToJSONableObject`).
//!
//! Numbers keep their yaml.v2 kind here (`Int`, `Uint`, `Float`); the
//! pipelines decide whether they then pass through JSON (where every number
//! becomes a float64).

use base64::Engine as _;

use crate::compose::{Doc, Kind, YamlError};
use crate::gofmt::{Fmt, format_float};
use crate::resolve::{Resolved, resolve_plain};
use crate::value::{Map, Value};

const TAG_PREFIX: &str = "tag:yaml.org,2002:";
const STR_TAG: &str = "tag:yaml.org,2002:str";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// A decode failure: a yaml.v2 `failf` (`yaml: ...`) or a sigs.k8s.io/yaml
/// key conversion error, both reported as "error converting YAML to JSON".
pub(crate) type DecodeError = YamlError;

/// yaml.v2's `shortTag`.
fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_owned(),
    }
}

/// Decodes one document's root; `None` for an empty document.
pub(crate) fn decode(doc: &Doc) -> Result<Value, DecodeError> {
    let Some(root) = doc.root else {
        return Ok(Value::Null);
    };
    let mut d = Decoder {
        doc,
        active: vec![false; doc.nodes.len()],
        // The document node itself counts as one decode in yaml.v2.
        decode_count: 1,
        alias_count: 0,
        alias_depth: 0,
    };
    d.unmarshal(root)
}

struct Decoder<'a> {
    doc: &'a Doc,
    /// Alias nodes being expanded right now (yaml.v2 `d.aliases`).
    active: Vec<bool>,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
}

/// yaml.v2 `allowedAliasRatio`: how much of a document may come from alias
/// expansion before it is rejected as a "billion laughs" attack.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl Decoder<'_> {
    fn count(&mut self) -> Result<(), DecodeError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(YamlError::new("document contains excessive aliasing"));
        }
        Ok(())
    }

    fn unmarshal(&mut self, id: usize) -> Result<Value, DecodeError> {
        self.count()?;
        let doc = self.doc;
        match &doc.nodes[id].kind {
            Kind::Alias { name, target } => {
                let target = *target;
                self.enter_alias(id, name)?;
                let v = self.unmarshal(target);
                self.leave_alias(id);
                v
            }
            Kind::Scalar { value, tag, plain } => scalar(value, tag.as_deref(), *plain),
            Kind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for &item in items {
                    out.push(self.unmarshal(item)?);
                }
                Ok(Value::Seq(out))
            }
            Kind::Map(_) => {
                let mut map = Map::new();
                self.mapping_into(id, &mut map)?;
                Ok(Value::Map(map))
            }
        }
    }

    fn enter_alias(&mut self, id: usize, name: &str) -> Result<(), DecodeError> {
        if self.active[id] {
            return Err(YamlError::new(format!(
                "anchor '{name}' value contains itself"
            )));
        }
        self.active[id] = true;
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self, id: usize) {
        self.active[id] = false;
        self.alias_depth -= 1;
    }

    /// yaml.v2 `mapping` into an existing map (merges write into the map
    /// being built, in document order, so later keys win).
    fn mapping_into(&mut self, id: usize, out: &mut Map) -> Result<(), DecodeError> {
        let doc = self.doc;
        let Kind::Map(items) = &doc.nodes[id].kind else {
            return Err(YamlError::new(
                "map merge requires map or sequence of maps as the value",
            ));
        };
        for pair in items.chunks(2) {
            let [k, v] = *pair else { continue };
            if self.is_merge(k) {
                self.merge(v, out)?;
                continue;
            }
            let key = self.unmarshal(k)?;
            let key = match key {
                Value::Seq(_) | Value::Map(_) => {
                    return Err(YamlError::new(format!(
                        "invalid map key: {}",
                        go_sharp_v(&key)
                    )));
                }
                other => other,
            };
            let value = self.unmarshal(v)?;
            let key = json_key(&key, &value)?;
            out.insert(key, value);
        }
        Ok(())
    }

    fn is_merge(&self, id: usize) -> bool {
        match &self.doc.nodes[id].kind {
            Kind::Scalar { value, tag, plain } => {
                value == "<<" && (tag.as_deref() == Some(MERGE_TAG) || (*plain && tag.is_none()))
            }
            _ => false,
        }
    }

    /// yaml.v2 `merge`: a map, an alias to a map, or a sequence of those
    /// (applied last to first, so earlier ones take precedence).
    fn merge(&mut self, id: usize, out: &mut Map) -> Result<(), DecodeError> {
        let doc = self.doc;
        let want_map = || YamlError::new("map merge requires map or sequence of maps as the value");
        match &doc.nodes[id].kind {
            Kind::Map(_) => self.merge_one(id, out),
            Kind::Alias { target, .. } => {
                if !matches!(doc.nodes[*target].kind, Kind::Map(_)) {
                    return Err(want_map());
                }
                self.merge_one(id, out)
            }
            Kind::Seq(items) => {
                for &item in items.iter().rev() {
                    match &doc.nodes[item].kind {
                        Kind::Alias { target, .. }
                            if matches!(doc.nodes[*target].kind, Kind::Map(_)) => {}
                        Kind::Map(_) => {}
                        _ => return Err(want_map()),
                    }
                    self.merge_one(item, out)?;
                }
                Ok(())
            }
            Kind::Scalar { .. } => Err(want_map()),
        }
    }

    /// `d.unmarshal(n, out)` with `out` an existing map.
    fn merge_one(&mut self, id: usize, out: &mut Map) -> Result<(), DecodeError> {
        self.count()?;
        let doc = self.doc;
        match &doc.nodes[id].kind {
            Kind::Alias { name, target } => {
                let target = *target;
                self.enter_alias(id, name)?;
                let r = self.merge_one(target, out);
                self.leave_alias(id);
                r
            }
            _ => self.mapping_into(id, out),
        }
    }
}

/// yaml.v2 `d.scalar` into `interface{}`.
fn scalar(value: &str, tag: Option<&str>, plain: bool) -> Result<Value, DecodeError> {
    let Some(tag) = tag else {
        if !plain {
            return Ok(Value::String(value.to_owned()));
        }
        return Ok(from_resolved(resolve_plain(value), value));
    };
    match tag {
        STR_TAG => Ok(Value::String(value.to_owned())),
        BINARY_TAG => {
            let clean: String = value.chars().filter(|&c| c != '\n' && c != '\r').collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|_| YamlError::new("!!binary value contains invalid base64 data"))?;
            Ok(Value::String(go_string_from_bytes(&bytes)))
        }
        "tag:yaml.org,2002:bool"
        | "tag:yaml.org,2002:int"
        | "tag:yaml.org,2002:float"
        | "tag:yaml.org,2002:null"
        | "tag:yaml.org,2002:timestamp" => tagged(value, tag),
        // Tags yaml.v2 cannot resolve leave the text as a string.
        _ => Ok(Value::String(value.to_owned())),
    }
}

/// `resolve(tag, in)` for a resolvable tag, with its deferred check that
/// the value really is of that type (ints may widen to `!!float`).
fn tagged(value: &str, tag: &str) -> Result<Value, DecodeError> {
    let resolved = match resolve_plain(value) {
        // Timestamps are only considered for `!!timestamp` (or no tag).
        Resolved::Timestamp if tag != "tag:yaml.org,2002:timestamp" => {
            let plain: String = value.chars().filter(|&c| c != '_').collect();
            match crate::resolve::go_parse_int(&plain) {
                Some(i) => Resolved::Int(i),
                None => Resolved::Str,
            }
        }
        Resolved::Merge => Resolved::Str,
        r => r,
    };
    let rtag = match resolved {
        Resolved::Null => "tag:yaml.org,2002:null",
        Resolved::Bool(_) => "tag:yaml.org,2002:bool",
        Resolved::Int(_) | Resolved::Uint(_) => "tag:yaml.org,2002:int",
        Resolved::Float(_) => "tag:yaml.org,2002:float",
        Resolved::Timestamp => "tag:yaml.org,2002:timestamp",
        Resolved::Str | Resolved::Merge => STR_TAG,
    };
    if rtag == tag {
        return Ok(from_resolved(resolved, value));
    }
    if tag == "tag:yaml.org,2002:float" {
        match resolved {
            Resolved::Int(i) => return Ok(Value::Float(i as f64)),
            Resolved::Uint(_) => {}
            _ => {}
        }
    }
    Err(YamlError::new(format!(
        "cannot decode {} `{}` as a {}",
        short_tag(rtag),
        value,
        short_tag(tag)
    )))
}

/// A resolved plain scalar as yaml.v2 decodes it into `interface{}`.
pub(crate) fn from_resolved(r: Resolved, text: &str) -> Value {
    match r {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Int(i),
        Resolved::Uint(u) => Value::Uint(u),
        Resolved::Float(f) => Value::Float(f),
        // yaml.v2 keeps timestamps as their text in `interface{}`.
        Resolved::Str | Resolved::Timestamp | Resolved::Merge => Value::String(text.to_owned()),
    }
}

/// Go's `string(bytes)` as encoding/json later writes it: each byte that
/// does not start a valid UTF-8 sequence becomes U+FFFD.
pub(crate) fn go_string_from_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push('\u{FFFD}');
                rest = &bad[1..];
            }
        }
    }
    out
}

/// sigs.k8s.io/yaml's key conversion: strings as they are, ints in
/// decimal, floats as float32 `%g`, bools as words; others are errors.
pub(crate) fn json_key(key: &Value, value: &Value) -> Result<String, DecodeError> {
    Ok(match key {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => match format_float(*f, Fmt::G, true).as_str() {
            "+Inf" => ".inf".to_owned(),
            "-Inf" => "-.inf".to_owned(),
            "NaN" => ".nan".to_owned(),
            s => s.to_owned(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Uint(_) | Value::Null | Value::Seq(_) | Value::Map(_) => {
            let ty = match key {
                Value::Uint(_) => "uint64",
                _ => "%!s(<nil>)",
            };
            return Err(DecodeError {
                message: format!(
                    "unsupported map key of type: {ty}, key: {}, value: {}",
                    go_sharp_v(key),
                    go_sharp_v(value)
                ),
                line: None,
                column: None,
            });
        }
    })
}

/// A best-effort Go `%#v` of a decoded value, for error messages.
fn go_sharp_v(v: &Value) -> String {
    sharp_v(v, false)
}

/// `%#v` prints a nil argument as `<nil>` but a nil element of a slice or
/// map as `interface {}(nil)`.
fn sharp_v(v: &Value, nested: bool) -> String {
    match v {
        Value::Null if nested => "interface {}(nil)".to_owned(),
        Value::Null => "<nil>".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => format!("0x{u:x}"),
        Value::Float(f) => format_float(*f, Fmt::G, false),
        Value::String(s) => format!("{s:?}"),
        Value::Seq(items) => {
            let inner: Vec<String> = items.iter().map(|i| sharp_v(i, true)).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Value::Map(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", sharp_v(v, true)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}

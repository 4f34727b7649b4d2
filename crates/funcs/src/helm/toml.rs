//! helm's `toToml` and `fromToml`, which use github.com/BurntSushi/toml v1.6.0.
//!
//! Encoding mirrors BurntSushi's `Encoder` (encode.go) over the value `encoding/json`
//! would see: at each table, keys holding plain values first (sorted), then sub-tables
//! (sorted); nested table headers indented by two spaces per level; nil values skipped;
//! floats with `strconv.FormatFloat(f, 'g', -1, 64)` plus `.0` when there is neither a
//! dot nor an exponent; times unquoted in RFC 3339, versions and durations quoted as
//! their `String()`. Decoding parses with the `toml` crate and builds what
//! BurntSushi's decoder puts into a `map[string]interface{}`: `int64`, `float64`,
//! `string`, `bool`, `[]interface {}`, `map[string]interface {}`, and
//! `[]map[string]interface {}` for arrays of tables, and `time.Time` for date-times
//! (local ones in BurntSushi's `datetime-local`, `date-local`, `time-local` zones).

use std::collections::BTreeMap;

use charthouse_gotmpl::{FloatType, GoType, List, Value, gofmt};

/// BurntSushi's error for an array holding nil.
const ERR_ARRAY_NIL: &str = "toml: cannot encode array with nil element";
/// BurntSushi's error for a top-level value that cannot be a TOML document.
const ERR_NO_KEY: &str = "toml: top-level values must be Go maps or structs";

/// `toml.NewEncoder(b).Encode(v)`: the document, or the encoder's error text.
pub(super) fn encode(v: &Value) -> Result<String, String> {
    if v.is_nil() {
        // reflect.ValueOf(nil) is invalid and the encoder panics asking its type.
        return Err("reflect: call of reflect.Value.Type on zero Value".to_string());
    }
    if v.is_cyclic() {
        // A map `set` into itself: BurntSushi's encoder would recurse until Go's stack
        // overflows; fail with a message instead.
        return Err("toml: cannot encode a map that contains itself".to_string());
    }
    let mut enc = Encoder { out: String::new() };
    enc.encode(&[], v)?;
    Ok(enc.out)
}

/// The TOML type BurntSushi infers for a Go value (`tomlTypeOfGo`), reduced to what
/// decides layout: nothing (nil), a table, an array of tables, or a plain value.
#[derive(PartialEq)]
enum Kind {
    Nil,
    Table,
    ArrayOfTables,
    Plain,
}

/// A host object as BurntSushi sees it: a text marshaler or time (plain), a struct
/// (table), or a map/slice view.
enum ObjectView {
    Text(String),
    Datetime(String),
    Table(Vec<(String, Value)>),
    Data(Value),
}

fn object_view(v: &Value) -> Result<ObjectView, String> {
    if let Some(s) = crate::dates::toml_datetime(v) {
        return Ok(ObjectView::Datetime(s));
    }
    // semver.Version and time.Duration marshal as their String().
    if let Some(ver) = v.downcast_object::<crate::semver::Version>() {
        return Ok(ObjectView::Text(ver.render()));
    }
    if let Some(d) = crate::dates::duration_text(v) {
        return Ok(ObjectView::Text(d));
    }
    if let Some(c) = v.downcast_object::<crate::crypto::Certificate>() {
        return Ok(ObjectView::Table(vec![
            ("Cert".to_string(), Value::from(c.cert.as_str())),
            ("Key".to_string(), Value::from(c.key.as_str())),
        ]));
    }
    match v.as_object().and_then(|o| o.as_data()) {
        Some(d) => Ok(ObjectView::Data(d)),
        None => Err(format!("unsupported type: {}", v.kind_name())),
    }
}

fn kind(v: &Value) -> Result<Kind, String> {
    Ok(match v {
        Value::Missing | Value::Nil => Kind::Nil,
        Value::Map(_) => Kind::Table,
        Value::List(l) if !l.items.is_empty() => {
            let mut all_tables = true;
            for it in &l.items {
                match kind(it)? {
                    Kind::Nil => return Err(ERR_ARRAY_NIL.to_string()),
                    Kind::Table => {}
                    _ => all_tables = false,
                }
            }
            if all_tables {
                Kind::ArrayOfTables
            } else {
                Kind::Plain
            }
        }
        Value::Object(_) => match object_view(v)? {
            ObjectView::Table(_) => Kind::Table,
            ObjectView::Data(d) => kind(&d)?,
            _ => Kind::Plain,
        },
        Value::Func(_) => return Err("unsupported type: func".to_string()),
        _ => Kind::Plain,
    })
}

/// The entries of a table value (a map, or a struct-like host object).
fn entries(v: &Value) -> Result<Vec<(String, Value)>, String> {
    match v {
        Value::Map(m) => Ok(m.snapshot().into_iter().collect()),
        Value::Object(_) => match object_view(v)? {
            ObjectView::Table(t) => Ok(t),
            ObjectView::Data(d) => entries(&d),
            _ => Ok(Vec::new()),
        },
        _ => Ok(Vec::new()),
    }
}

/// The items of an array value.
fn items(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::List(l) => Ok(l.items.clone()),
        Value::Bytes(b) => Ok(b
            .iter()
            .map(|&x| Value::Uint(u64::from(x), charthouse_gotmpl::UintType::Uint8))
            .collect()),
        Value::Object(_) => match object_view(v)? {
            ObjectView::Data(d) => items(&d),
            _ => Ok(Vec::new()),
        },
        _ => Ok(Vec::new()),
    }
}

struct Encoder {
    out: String,
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, key: &[&str]) {
        for _ in 1..key.len() {
            self.out.push_str("  ");
        }
    }

    fn encode(&mut self, key: &[&str], v: &Value) -> Result<(), String> {
        match kind(v)? {
            Kind::Nil => Ok(()),
            Kind::Table => {
                if key.len() == 1 {
                    self.newline();
                }
                if !key.is_empty() {
                    self.indent(key);
                    self.out.push('[');
                    self.out.push_str(&key_string(key));
                    self.out.push(']');
                    self.newline();
                }
                self.table(key, &entries(v)?)
            }
            Kind::ArrayOfTables => {
                if key.is_empty() {
                    return Err(ERR_NO_KEY.to_string());
                }
                for it in items(v)? {
                    self.newline();
                    self.indent(key);
                    self.out.push_str("[[");
                    self.out.push_str(&key_string(key));
                    self.out.push_str("]]");
                    self.newline();
                    self.table(key, &entries(&it)?)?;
                }
                Ok(())
            }
            Kind::Plain => {
                if key.is_empty() {
                    return self.element(v);
                }
                self.indent(key);
                self.out.push_str(&maybe_quoted(key[key.len() - 1]));
                self.out.push_str(" = ");
                self.element(v)?;
                self.newline();
                Ok(())
            }
        }
    }

    /// `eMap` (not inline): direct keys, then sub-tables, each group sorted.
    fn table(&mut self, key: &[&str], m: &[(String, Value)]) -> Result<(), String> {
        let (direct, sub) = split(m)?;
        for (k, v) in direct.into_iter().chain(sub) {
            if v.is_nil() {
                continue;
            }
            let mut path: Vec<&str> = key.to_vec();
            path.push(k);
            self.encode(&path, v)?;
        }
        Ok(())
    }

    /// `eElement`: a value inside `key = ...`, an array or an inline table.
    fn element(&mut self, v: &Value) -> Result<(), String> {
        match v {
            Value::Missing | Value::Nil => {
                return Err("reflect: call of reflect.Value.Interface on zero Value".to_string());
            }
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i, _) => self.out.push_str(&i.to_string()),
            Value::Uint(u, _) => self.out.push_str(&u.to_string()),
            Value::Float(f, t) => self.out.push_str(&format_float(*f, *t)),
            Value::String(s) => self.out.push_str(&quoted(s)),
            Value::List(_) | Value::Bytes(_) => {
                let items = items(v)?;
                self.out.push('[');
                for (i, it) in items.iter().enumerate() {
                    self.element(it)?;
                    if i + 1 != items.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(_) => self.inline_table(&entries(v)?)?,
            Value::Object(_) => match object_view(v)? {
                ObjectView::Datetime(s) => self.out.push_str(&s),
                ObjectView::Text(s) => self.out.push_str(&quoted(&s)),
                ObjectView::Table(t) => self.inline_table(&t)?,
                ObjectView::Data(d) => self.element(&d)?,
            },
            Value::Func(_) => return Err("unsupported type: func".to_string()),
        }
        Ok(())
    }

    /// An inline table: direct keys then sub-tables, comma-separated.
    fn inline_table(&mut self, m: &[(String, Value)]) -> Result<(), String> {
        let (direct, sub) = split(m)?;
        self.out.push('{');
        let trail = !sub.is_empty();
        for (group, trail_comma) in [(direct, trail), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                self.out.push_str(&maybe_quoted(k));
                self.out.push_str(" = ");
                self.element(v)?;
                if trail_comma || i + 1 != n {
                    self.out.push_str(", ");
                }
            }
        }
        self.out.push('}');
        Ok(())
    }
}

/// Sorted keys holding plain values, then sorted keys holding tables.
#[allow(clippy::type_complexity)]
fn split(m: &[(String, Value)]) -> Result<(Vec<(&str, &Value)>, Vec<(&str, &Value)>), String> {
    let mut sorted: Vec<&(String, Value)> = m.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut direct, mut sub) = (Vec::new(), Vec::new());
    for (k, v) in sorted {
        match kind(v)? {
            Kind::Table | Kind::ArrayOfTables => sub.push((k.as_str(), v)),
            _ => direct.push((k.as_str(), v)),
        }
    }
    Ok((direct, sub))
}

/// BurntSushi's float format: `nan`/`inf` words, else Go's shortest `'g'` with `.0`
/// added when needed.
fn format_float(f: f64, t: FloatType) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let bits = if t == FloatType::Float32 { 32 } else { 64 };
    let s = gofmt::format_float(f, 'g', -1, bits);
    if s.contains('e') || s.contains('.') {
        s
    } else {
        s + ".0"
    }
}

/// BurntSushi's basic string quoting (`dblQuotedReplacer`).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key part, bare when it may be, else quoted.
fn maybe_quoted(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn key_string(key: &[&str]) -> String {
    key.iter()
        .map(|k| maybe_quoted(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// helm's `fromToml`: the document as a map, or `{"Error": message}` when it does not
/// parse.
pub(super) fn decode_map(text: &str) -> Value {
    match text.parse::<toml::Table>() {
        Ok(t) => table(t),
        Err(e) => {
            let mut m = BTreeMap::new();
            m.insert("Error".to_string(), Value::from(decode_error(text, &e)));
            Value::map(m)
        }
    }
}

/// An error in BurntSushi's first-line shape, `toml: line N: message`.
fn decode_error(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        })
        .unwrap_or(1);
    format!("toml: line {line}: {}", e.message())
}

fn table(t: toml::Table) -> Value {
    Value::map(t.into_iter().map(|(k, v)| (k, value(v))).collect())
}

fn value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s),
        toml::Value::Integer(i) => Value::int64(i),
        toml::Value::Float(f) => Value::float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => crate::dates::toml_time(&d),
        toml::Value::Array(items) => {
            // BurntSushi decodes an array whose elements are all tables into
            // []map[string]interface {}.
            if !items.is_empty() && items.iter().all(|i| matches!(i, toml::Value::Table(_))) {
                let maps = items.into_iter().map(value).collect();
                Value::List(std::sync::Arc::new(List::typed(GoType::map(), maps)))
            } else {
                Value::list(items.into_iter().map(value).collect())
            }
        }
        toml::Value::Table(t) => table(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: &Value) -> String {
        encode(v).unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn tables_after_plain_keys_with_indented_headers() {
        let v = Value::map_from([
            ("z", Value::int(1)),
            (
                "a",
                Value::map_from([
                    ("b", Value::map_from([("c", Value::from("x"))])),
                    ("k", Value::float(2.0)),
                ]),
            ),
            (
                "s",
                Value::list(vec![Value::float(1.5), Value::from("q\"")]),
            ),
        ]);
        assert_eq!(
            enc(&v),
            "s = [1.5, \"q\\\"\"]\nz = 1\n\n[a]\n  k = 2.0\n  [a.b]\n    c = \"x\"\n"
        );
    }

    #[test]
    fn arrays_of_tables_and_errors() {
        let v = Value::map_from([(
            "t",
            Value::list(vec![Value::map_from([("x", Value::int(1))])]),
        )]);
        assert_eq!(enc(&v), "[[t]]\n  x = 1\n");
        let v = Value::map_from([("t", Value::list(vec![Value::Nil]))]);
        assert_eq!(enc(&v), format!("ERR {ERR_ARRAY_NIL}"));
        assert_eq!(enc(&Value::int(3)), "3");
        assert_eq!(
            enc(&Value::list(vec![Value::map_from([("a", Value::int(1))])])),
            format!("ERR {ERR_NO_KEY}")
        );
    }

    #[test]
    fn decode_types() {
        let v = decode_map("a = 1\nb = 1.5\nc = \"s\"\n[[t]]\nx = true\n");
        let m = v.as_map().map(|m| m.snapshot()).unwrap_or_default();
        assert_eq!(
            m.get("a").map(|v| v.type_name().to_string()).as_deref(),
            Some("int64")
        );
        assert_eq!(
            m.get("b").map(|v| v.type_name().to_string()).as_deref(),
            Some("float64")
        );
        assert_eq!(
            m.get("t").map(|v| v.type_name().to_string()).as_deref(),
            Some("[]map[string]interface {}")
        );
        let e = decode_map("a = \n");
        assert!(e.as_map().is_some_and(|m| m.contains_key("Error")));
    }
}

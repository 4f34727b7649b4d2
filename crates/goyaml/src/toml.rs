//! TOML as helm's `toToml` and `fromToml` use it (BurntSushi/toml v1.6).
//!
//! The encoder follows BurntSushi's `encode.go`: per table, plain keys
//! first then sub-tables, each group in byte order; nested tables indented
//! two spaces per level; arrays of maps as `[[key]]` blocks; floats in Go
//! `%g` with `.0` added when there is neither a point nor an exponent; nil
//! values skipped. The decoder uses the `toml` crate and maps its result to
//! the Go types BurntSushi produces (int64, float64, string, bool,
//! `time.Time`, `[]interface{}`, `map[string]interface{}`).
//!
//! # Caveats
//! Parse error messages are the `toml` crate's, prefixed as BurntSushi
//! does (`toml: line N: ...`), not BurntSushi's own wording.

use crate::error::{Error, Result};
use crate::gofmt::{Fmt, format_float};
use crate::value::{Map, Value};

/// BurntSushi `dblQuotedReplacer`.
fn quote(out: &mut String, s: &str) {
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
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `Key.maybeQuoted` for one key part.
fn key_part(out: &mut String, k: &str) {
    if is_bare(k) {
        out.push_str(k);
    } else {
        quote(out, k);
    }
}

/// `Key.String`: dotted, each part bare or quoted.
fn key_path(key: &[&str]) -> String {
    let mut out = String::new();
    for (i, k) in key.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        key_part(&mut out, k);
    }
    out
}

fn is_table(v: &Value) -> bool {
    match v {
        Value::Map(_) => true,
        Value::Seq(items) => !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))),
        _ => false,
    }
}

/// `isTableArray` refuses arrays holding nil anywhere.
fn check_nil_elements(items: &[Value]) -> Result<()> {
    if items.contains(&Value::Null) {
        return Err(Error::EncodeToml {
            message: "toml: cannot encode array with nil element".to_owned(),
        });
    }
    Ok(())
}

struct Encoder {
    out: String,
}

impl Encoder {
    /// `enc.newline()`: only once something has been written.
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, depth: usize) {
        for _ in 1..depth {
            self.out.push_str("  ");
        }
    }

    fn element(&mut self, v: &Value) -> Result<()> {
        match v {
            Value::Null => {}
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::Uint(u) => self.out.push_str(&u.to_string()),
            Value::Float(f) => {
                if f.is_nan() {
                    if f.is_sign_negative() {
                        self.out.push('-');
                    }
                    self.out.push_str("nan");
                } else if f.is_infinite() {
                    if *f < 0.0 {
                        self.out.push('-');
                    }
                    self.out.push_str("inf");
                } else {
                    let s = format_float(*f, Fmt::G, false);
                    let add = !s.contains(['.', 'e']);
                    self.out.push_str(&s);
                    if add {
                        self.out.push_str(".0");
                    }
                }
            }
            Value::String(s) => quote(&mut self.out, s),
            Value::Seq(items) => {
                check_nil_elements(items)?;
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.element(item)?;
                    if i + 1 != items.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(m) => self.map(&[], m, true)?,
        }
        Ok(())
    }

    fn encode(&mut self, key: &[&str], v: &Value) -> Result<()> {
        match v {
            Value::Null => Ok(()),
            Value::Map(m) => {
                if key.len() == 1 {
                    self.newline();
                }
                if !key.is_empty() {
                    self.indent(key.len());
                    self.out.push('[');
                    self.out.push_str(&key_path(key));
                    self.out.push(']');
                    self.newline();
                }
                self.map(key, m, false)
            }
            Value::Seq(items) => {
                check_nil_elements(items)?;
                if is_table(v) {
                    if key.is_empty() {
                        return Err(Error::EncodeToml {
                            message: "toml: top-level values must be Go maps or structs".to_owned(),
                        });
                    }
                    for item in items {
                        self.newline();
                        self.indent(key.len());
                        self.out.push_str("[[");
                        self.out.push_str(&key_path(key));
                        self.out.push_str("]]");
                        self.newline();
                        if let Value::Map(m) = item {
                            self.map(key, m, false)?;
                        }
                    }
                    Ok(())
                } else {
                    self.key_value(key, v, false)
                }
            }
            _ => self.key_value(key, v, false),
        }
    }

    fn key_value(&mut self, key: &[&str], v: &Value, inline: bool) -> Result<()> {
        let Some(last) = key.last() else {
            return self.element(v);
        };
        self.indent(key.len());
        key_part(&mut self.out, last);
        self.out.push_str(" = ");
        self.element(v)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    /// `eMap`: plain keys, then tables, each sorted by bytes.
    fn map(&mut self, key: &[&str], m: &Map, inline: bool) -> Result<()> {
        let (direct, sub): (Vec<_>, Vec<_>) = m.iter().partition(|(_, v)| !is_table(v));
        if inline {
            self.out.push('{');
        }
        let groups = [(&direct, !sub.is_empty()), (&sub, false)];
        for (group, trailing_comma) in groups {
            for (i, (k, v)) in group.iter().enumerate() {
                if **v == Value::Null {
                    continue;
                }
                if inline {
                    self.key_value(&[k.as_str()], v, true)?;
                    if trailing_comma || i + 1 != group.len() {
                        self.out.push_str(", ");
                    }
                } else {
                    let mut path = key.to_vec();
                    path.push(k.as_str());
                    self.encode(&path, v)?;
                }
            }
        }
        if inline {
            self.out.push('}');
        }
        Ok(())
    }
}

/// BurntSushi `toml.NewEncoder(w).Encode(v)`, as helm's `toToml` calls it.
///
/// # Errors
/// [`Error::EncodeToml`] for arrays holding null and top-level arrays of
/// tables, with BurntSushi's messages.
pub fn toml_encode(v: &Value) -> Result<String> {
    let mut e = Encoder { out: String::new() };
    e.encode(&[], v)?;
    Ok(e.out)
}

fn from_toml_value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Int(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        // BurntSushi gives a time.Time, which encoding/json writes in
        // RFC 3339; TOML's own offset date-time text is that form.
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Seq(items.into_iter().map(from_toml_value).collect()),
        toml::Value::Table(t) => Value::Map(
            t.into_iter()
                .map(|(k, v)| (k, from_toml_value(v)))
                .collect(),
        ),
    }
}

/// `toml.Unmarshal(data, &m)` with `m map[string]interface{}`, as helm's
/// `fromToml` calls it.
///
/// # Errors
/// [`Error::ParseToml`] with the line of the problem.
pub fn toml_decode(text: &str) -> Result<Map> {
    match text.parse::<toml::Table>() {
        Ok(t) => Ok(t
            .into_iter()
            .map(|(k, v)| (k, from_toml_value(v)))
            .collect()),
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let msg = e.message().lines().next().unwrap_or("").trim().to_owned();
            let message = match line {
                Some(l) => format!("toml: line {l}: {msg}"),
                None => format!("toml: {msg}"),
            };
            Err(Error::ParseToml {
                message,
                line,
                column: None,
            })
        }
    }
}

//! The value side of sigs.k8s.io/yaml's `Marshal`: `json.Marshal`, then
//! `JSONToYAML` reads that JSON back with yaml.v2 and writes it again.
//!
//! We skip the text round trip but keep its effects: a float64 whose JSON
//! form has no fraction or exponent comes back as an int (`1.0` prints as
//! `1`, `1e20` as `1e+20` because it overflows int64 and uint64), other
//! floats print in Go's `%g`, strings pick the style yaml.v2's `stringv`
//! asks for, map keys follow yaml.v2's sort order, and a key whose JSON
//! form is longer than libyaml's 1024-character simple-key limit makes the
//! JSON unreadable to yaml.v2, so the whole call fails.

use crate::emit::{Node, Style};
use crate::error::Error;
use crate::gofmt::{Fmt, format_float, json_float, yaml_float};
use crate::json_encode::write_string;
use crate::resolve::{Resolved, go_parse_int, go_parse_uint, is_base60_float, resolve_plain};
use crate::sort::sort_keys;
use crate::value::Value;

/// libyaml forgets a potential simple key 1024 characters after its start.
const SIMPLE_KEY_LIMIT: usize = 1024;

/// Why the conversion failed, split the way sigs.k8s.io/yaml words it.
pub(crate) enum OutError {
    /// `json.Marshal` refused a value (NaN or ±Inf).
    Json(String),
    /// yaml.v2 could not read the JSON back.
    Yaml(String),
}

impl OutError {
    pub(crate) fn into_marshal_error(self) -> Error {
        match self {
            OutError::Json(m) => Error::MarshalYaml {
                message: format!("error marshaling into JSON: {m}"),
            },
            OutError::Yaml(m) => Error::MarshalYaml { message: m },
        }
    }
}

/// The style yaml.v2's `stringv` requests for a string. (`<<` resolves to
/// the merge tag in yaml.v2's table, yet helm's yaml.v2 writes it plain.)
pub(crate) fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if matches!(resolve_plain(s), Resolved::Str | Resolved::Merge) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// A string after the JSON round trip: encoding/json writes DEL, C1
/// controls and U+FFFE/U+FFFF raw, which libyaml's reader rejects, and a
/// raw NEL (U+0085) inside the double-quoted JSON string is a line break to
/// libyaml, folded like any other (`scan_flow_scalar`): spaces before it
/// vanish, one break becomes a space, n breaks become n-1 newlines.
fn through_json(s: &str) -> Result<std::borrow::Cow<'_, str>, OutError> {
    if s.chars()
        .any(|c| matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF))
    {
        return Err(OutError::Yaml(
            "yaml: control characters are not allowed".to_owned(),
        ));
    }
    if !s.contains('\u{85}') {
        return Ok(std::borrow::Cow::Borrowed(s));
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            i += 1;
            continue;
        }
        let mut spaces = 0;
        let mut leading = false;
        let mut trailing = 0;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            if chars[i] == ' ' {
                if !leading {
                    spaces += 1;
                }
            } else if !leading {
                spaces = 0;
                leading = true;
            } else {
                trailing += 1;
            }
            i += 1;
        }
        if !leading {
            out.extend(std::iter::repeat_n(' ', spaces));
        } else if trailing == 0 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', trailing));
        }
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// A float64 after the JSON round trip, as yaml.v2 then prints it.
fn float_text(f: f64) -> Result<String, OutError> {
    let Some(json) = json_float(f) else {
        return Err(OutError::Json(format!(
            "json: unsupported value: {}",
            format_float(f, Fmt::G, false)
        )));
    };
    if json.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return Ok(yaml_float(f));
    }
    if let Some(i) = go_parse_int(&json) {
        return Ok(i.to_string());
    }
    if let Some(u) = go_parse_uint(&json, 0) {
        return Ok(u.to_string());
    }
    Ok(yaml_float(f))
}

/// Builds the emitter tree for sigs.k8s.io/yaml `Marshal(v)`.
///
/// Errors are reported in `json.Marshal` order: the whole value is checked
/// for NaN/Inf first (its traversal order is sorted keys), then the keys.
pub(crate) fn to_node(v: &Value) -> Result<Node, OutError> {
    check_json(v)?;
    build(v)
}

fn check_json(v: &Value) -> Result<(), OutError> {
    match v {
        Value::Float(f) => float_text(*f).map(|_| ()),
        Value::Seq(items) => items.iter().try_for_each(check_json),
        Value::Map(m) => m.values().try_for_each(check_json),
        _ => Ok(()),
    }
}

fn build(v: &Value) -> Result<Node, OutError> {
    Ok(match v {
        Value::Null => Node::Scalar("null".to_owned(), Style::Plain),
        Value::Bool(b) => Node::Scalar(b.to_string(), Style::Plain),
        Value::Int(i) => Node::Scalar(i.to_string(), Style::Plain),
        Value::Uint(u) => Node::Scalar(u.to_string(), Style::Plain),
        Value::Float(f) => Node::Scalar(float_text(*f)?, Style::Plain),
        Value::String(s) => {
            let s = through_json(s)?;
            let style = string_style(&s);
            Node::Scalar(s.into_owned(), style)
        }
        Value::Seq(items) => Node::Seq(items.iter().map(build).collect::<Result<_, _>>()?),
        Value::Map(m) => {
            let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            for (k, _) in &entries {
                let mut quoted = String::new();
                write_string(&mut quoted, k, true);
                if quoted.chars().count() > SIMPLE_KEY_LIMIT {
                    return Err(OutError::Yaml(
                        "yaml: did not find expected ',' or '}'".to_owned(),
                    ));
                }
            }
            sort_keys(&mut entries);
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let k = through_json(k)?;
                let style = string_style(&k);
                out.push((Node::Scalar(k.into_owned(), style), build(v)?));
            }
            Node::Map(out)
        }
    })
}

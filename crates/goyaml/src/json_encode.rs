//! Go's `encoding/json` encoder (`encode.go`) for [`Value`]: map keys in
//! byte order, HTML-safe escapes by default, `\u2028`/`\u2029` always
//! escaped, floats in the shortest form with an exponent below 1e-6 and
//! from 1e21 on, and NaN/±Inf refused.

use crate::error::Error;
use crate::gofmt::{Fmt, format_float, json_float};
use crate::value::Value;

/// How to lay out the JSON text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style<'a> {
    /// `SetEscapeHTML(true)`, the `json.Marshal` default.
    pub(crate) escape_html: bool,
    /// `MarshalIndent`'s indent string, if any (prefix is always empty in helm).
    pub(crate) indent: Option<&'a str>,
}

/// `json.Marshal`-style encoding; the error text is encoding/json's.
pub(crate) fn encode(v: &Value, style: Style<'_>) -> Result<String, Error> {
    let mut out = String::new();
    write_value(&mut out, v, style, 0)?;
    Ok(out)
}

fn newline(out: &mut String, style: Style<'_>, depth: usize) {
    if let Some(ind) = style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write_value(out: &mut String, v: &Value, style: Style<'_>, depth: usize) -> Result<(), Error> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => match json_float(*f) {
            Some(s) => out.push_str(&s),
            None => {
                return Err(Error::EncodeJson {
                    message: format!(
                        "json: unsupported value: {}",
                        format_float(*f, Fmt::G, false)
                    ),
                });
            }
        },
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::Seq(items) => {
            out.push('[');
            if !items.is_empty() {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, style, depth + 1);
                    write_value(out, item, style, depth + 1)?;
                }
                newline(out, style, depth);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            if !m.is_empty() {
                for (i, (k, item)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, style, depth + 1);
                    write_string(out, k, style.escape_html);
                    out.push(':');
                    if style.indent.is_some() {
                        out.push(' ');
                    }
                    write_value(out, item, style, depth + 1)?;
                }
                newline(out, style, depth);
            }
            out.push('}');
        }
    }
    Ok(())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// encoding/json `appendString`.
pub(crate) fn write_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            // U+2028 and U+2029 break JavaScript string literals (JSONP).
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    #[test]
    fn html_escapes_and_order() {
        let mut m = Map::new();
        m.insert("b".into(), Value::from("<a&b>"));
        m.insert("a".into(), Value::Float(1e21));
        let s = encode(
            &Value::Map(m),
            Style {
                escape_html: true,
                indent: None,
            },
        )
        .unwrap();
        assert_eq!(s, r#"{"a":1e+21,"b":"\u003ca\u0026b\u003e"}"#);
    }

    #[test]
    fn nan_refused() {
        let err = encode(
            &Value::Float(f64::INFINITY),
            Style {
                escape_html: true,
                indent: None,
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "json: unsupported value: +Inf");
    }
}

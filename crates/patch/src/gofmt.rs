//! Go's `%v` rendering of decoded JSON (`map[string]interface{}` and
//! friends), for error messages that must read like the apiserver's.

use serde_json::Value;

/// Render a JSON value as Go's `fmt.Sprintf("%v", v)` renders the
/// `interface{}` that `encoding/json` decodes it into: maps with sorted keys
/// as `map[k:v]`, slices as `[a b]`, `null` as `<nil>`, numbers as float64.
pub(crate) fn go_v(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&go_float(n.as_f64().unwrap_or(0.0))),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                if let Some(v) = m.get(k) {
                    write(v, out);
                }
            }
            out.push(']');
        }
    }
}

/// `%v` of a float64: the shortest representation, with an exponent when
/// it is below 1e-4 or at least 1e21 (Go's `%g` with shortest precision).
fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let abs = f.abs();
    if (1e-4..1e21).contains(&abs) {
        let s = format!("{f}");
        return s;
    }
    // Rust prints `1e21`; Go prints `1e+21` and pads the exponent to 2 digits.
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((mant, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mant}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// Go's `json.Marshal` of the decoded value: object keys sorted, HTML
/// characters escaped, no whitespace.
pub(crate) fn go_marshal(v: &Value) -> String {
    escape_html(&serde_json::to_string(&sorted_keys(v)).unwrap_or_default())
}

/// The value with every object's keys in byte order, as Go's encoder writes
/// a `map[string]interface{}`.
pub(crate) fn sorted_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for k in keys {
                if let Some(x) = m.get(k) {
                    out.insert(k.clone(), sorted_keys(x));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// Go's encoder escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings;
/// in serialized JSON they can only occur inside strings.
pub(crate) fn escape_html(s: &str) -> String {
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_like_go() {
        assert_eq!(
            go_v(&json!({"b": [1, "x", null], "a": true, "$patch": "merge"})),
            "map[$patch:merge a:true b:[1 x <nil>]]"
        );
        assert_eq!(go_v(&json!(1.5)), "1.5");
        assert_eq!(go_v(&json!(1e21)), "1e+21");
        assert_eq!(go_v(&json!(0.00001)), "1e-05");
    }

    #[test]
    fn marshals_like_go() {
        assert_eq!(
            go_marshal(&json!({"b": 1, "a": {"z": "<&>", "y": [true]}})),
            r#"{"a":{"y":[true],"z":"\u003c\u0026\u003e"},"b":1}"#
        );
    }
}

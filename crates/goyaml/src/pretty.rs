//! Helm's `toYamlPretty`: sigs.k8s.io/yaml's yaml.v3 fork, `NewEncoder`
//! with `SetIndent(2)`, on the Go value itself (no JSON step, unlike
//! `toYaml`). Compared with yaml.v2 output: sequences are indented under
//! their key, long scalars are not folded, numbers keep their Go type, and
//! NaN/Inf print as `.nan`/`.inf` instead of failing.
//!
//! yaml.v3 (`encode.go` `stringv`) quotes strings that resolve to another
//! type, YAML 1.1 booleans (`isOldBool`) and base-60 look-alikes.

use crate::emit::{Node, Style, V3, emit};
use crate::gofmt::yaml_float;
use crate::resolve::{Resolved, is_base60_float, resolve_plain};
use crate::sort::sort_keys;
use crate::value::Value;

fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        return Style::Literal;
    }
    // yaml.v3 reads the YAML 1.1 booleans as strings but still quotes them
    // (`isOldBool`), so the v2 resolution answers the same question.
    match resolve_plain(s) {
        Resolved::Str | Resolved::Merge if !is_base60_float(s) => Style::Plain,
        _ => Style::DoubleQuoted,
    }
}

fn build(v: &Value) -> Node {
    match v {
        Value::Null => Node::Scalar("null".to_owned(), Style::Plain),
        Value::Bool(b) => Node::Scalar(b.to_string(), Style::Plain),
        Value::Int(i) => Node::Scalar(i.to_string(), Style::Plain),
        Value::Uint(u) => Node::Scalar(u.to_string(), Style::Plain),
        Value::Float(f) => Node::Scalar(yaml_float(*f), Style::Plain),
        Value::String(s) => Node::Scalar(s.clone(), string_style(s)),
        Value::Seq(items) => Node::Seq(items.iter().map(build).collect()),
        Value::Map(m) => {
            let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            sort_keys(&mut entries);
            Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Node::Scalar(k.to_owned(), string_style(k)), build(v)))
                    .collect(),
            )
        }
    }
}

/// yaml.v3 `Encoder.Encode` with an indent of 2, with its final newline.
pub fn marshal_pretty(v: &Value) -> String {
    emit(&build(v), V3)
}

//! Typed reading of [`Node`]s with errors that name the file, line, column and key path.

use charthouse_goyaml::{Map, Value};

use crate::error::{Error, Result};
use crate::yaml::{Kind, Node};

/// A key path below `parent`: `releases[0]` + `name` → `releases[0].name`.
pub(crate) fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// An index path: `releases` + 2 → `releases[2]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// A map node's entries, checked against the keys the format allows there.
pub(crate) struct MapView<'a> {
    pub(crate) path: String,
    pub(crate) entries: Vec<(String, &'a Node, &'a Node)>,
}

impl<'a> MapView<'a> {
    /// Reads `node` as a map whose keys must all be in `allowed` (and not repeated).
    pub(crate) fn new(node: &'a Node, path: &str, allowed: &[&str]) -> Result<MapView<'a>> {
        let view = MapView::any(node, path)?;
        for (i, (key, knode, _)) in view.entries.iter().enumerate() {
            if !allowed.contains(&key.as_str()) {
                return Err(Error::UnknownKey {
                    loc: knode.loc.clone(),
                    key: child(path, key),
                    expected: allowed.join(", "),
                });
            }
            if view.entries[..i].iter().any(|(k, _, _)| k == key) {
                return Err(Error::Invalid {
                    loc: knode.loc.clone(),
                    key: child(path, key),
                    message: "key is set twice".to_owned(),
                });
            }
        }
        Ok(view)
    }

    /// Reads `node` as a map with any keys (release names, labels, set).
    pub(crate) fn any(node: &'a Node, path: &str) -> Result<MapView<'a>> {
        match &node.kind {
            Kind::Map(entries) => Ok(MapView {
                path: path.to_owned(),
                entries: entries.iter().map(|(k, v)| (k.key_text(), k, v)).collect(),
            }),
            _ if node.is_null() => Ok(MapView {
                path: path.to_owned(),
                entries: Vec::new(),
            }),
            _ => Err(type_error(node, path, "a map")),
        }
    }

    /// The value of `key`, unless absent or null.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| *v)
            .filter(|v| !v.is_null())
    }

    /// The path of `key` below this map.
    pub(crate) fn path_of(&self, key: &str) -> String {
        child(&self.path, key)
    }

    /// An optional string field.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key)
            .map(|n| string(n, &self.path_of(key)))
            .transpose()
    }

    /// An optional boolean field.
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|n| boolean(n, &self.path_of(key)))
            .transpose()
    }

    /// An optional non-negative integer field.
    pub(crate) fn uint(&self, key: &str) -> Result<Option<u64>> {
        self.get(key)
            .map(|n| uint(n, &self.path_of(key)))
            .transpose()
    }

    /// An optional list field, as its items and their paths.
    pub(crate) fn seq(&self, key: &str) -> Result<Vec<(String, &'a Node)>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(n) => seq(n, &self.path_of(key)),
        }
    }
}

/// "expected X, found Y" for `node`.
pub(crate) fn type_error(node: &Node, path: &str, expected: &'static str) -> Error {
    Error::Type {
        loc: node.loc.clone(),
        key: path.to_owned(),
        expected,
        found: node.found(),
    }
}

/// A scalar as text, as written (so `version: 1.10` stays `1.10`). Null is not a string.
pub(crate) fn string(node: &Node, path: &str) -> Result<String> {
    match &node.kind {
        Kind::Scalar { text, .. } if !node.is_null() => Ok(text.clone()),
        _ => Err(type_error(node, path, "a string")),
    }
}

/// A YAML boolean (`true`/`false`, and yaml.v2's YAML 1.1 spellings).
pub(crate) fn boolean(node: &Node, path: &str) -> Result<bool> {
    match (&node.kind, node.to_value()) {
        (Kind::Scalar { .. }, Value::Bool(b)) => Ok(b),
        _ => Err(type_error(node, path, "a boolean")),
    }
}

/// A non-negative whole number.
pub(crate) fn uint(node: &Node, path: &str) -> Result<u64> {
    match (&node.kind, node.to_value()) {
        (Kind::Scalar { .. }, Value::Float(f)) if f >= 0.0 && f.fract() == 0.0 && f < 1e15 =>
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(f as u64)
        }
        _ => Err(type_error(node, path, "a non-negative whole number")),
    }
}

/// A list's items and their paths (null reads as an empty list).
pub(crate) fn seq<'a>(node: &'a Node, path: &str) -> Result<Vec<(String, &'a Node)>> {
    match &node.kind {
        Kind::Seq(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, n)| (index(path, i), n))
            .collect()),
        _ if node.is_null() => Ok(Vec::new()),
        _ => Err(type_error(node, path, "a list")),
    }
}

/// A map of strings (labels): every value must be a scalar.
pub(crate) fn string_map(node: &Node, path: &str) -> Result<Vec<(String, String)>> {
    let view = MapView::any(node, path)?;
    let mut out = Vec::new();
    for (k, _, v) in &view.entries {
        out.push((k.clone(), string(v, &child(path, k))?));
    }
    Ok(out)
}

/// A `set` map: nested maps and lists whose scalars are typed as helm's `--set` types
/// them (strvals `typedVal`: `true`/`false`/`null` in any case, decimal integers not
/// starting with `0` as int64, everything else a string); quoted scalars stay strings,
/// as with `--set-string`.
pub(crate) fn set_map(node: &Node, path: &str) -> Result<Map> {
    match set_value(node, path)? {
        Value::Map(m) => Ok(m),
        _ => Err(type_error(node, path, "a map")),
    }
}

fn set_value(node: &Node, path: &str) -> Result<Value> {
    match &node.kind {
        Kind::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                let key = k.key_text();
                let p = child(path, &key);
                m.insert(key, set_value(v, &p)?);
            }
            Ok(Value::Map(m))
        }
        Kind::Seq(items) => Ok(Value::Seq(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| set_value(n, &index(path, i)))
                .collect::<Result<_>>()?,
        )),
        Kind::Scalar { text, plain, tag } => {
            if !*plain || tag.as_deref() == Some("tag:yaml.org,2002:str") {
                return Ok(Value::String(text.clone()));
            }
            Ok(typed_val(text))
        }
    }
}

/// helm's strvals `typedVal`.
fn typed_val(s: &str) -> Value {
    if s.is_empty() || s.eq_ignore_ascii_case("null") || s == "~" {
        return Value::Null;
    }
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s == "0" {
        return Value::Int(0);
    }
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if !s.starts_with('0')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = s.parse::<i64>()
    {
        return Value::Int(i);
    }
    Value::String(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn set_scalars_are_typed_like_helm_set() {
        let n = parse(
            "f",
            b"a: 1\nb: '1'\nc: 1.5\nd: TRUE\ne: 010\nf: [2, x]\ng: null\n",
        )
        .unwrap();
        let m = set_map(&n, "set").unwrap();
        assert_eq!(m["a"], Value::Int(1));
        assert_eq!(m["b"], Value::String("1".into()));
        assert_eq!(m["c"], Value::String("1.5".into()));
        assert_eq!(m["d"], Value::Bool(true));
        assert_eq!(m["e"], Value::String("010".into()));
        assert_eq!(
            m["f"],
            Value::Seq(vec![Value::Int(2), Value::String("x".into())])
        );
        assert_eq!(m["g"], Value::Null);
    }

    #[test]
    fn unknown_and_repeated_keys() {
        let n = parse("f.yaml", b"name: a\nnmae: b\n").unwrap();
        let e = MapView::new(&n, "releases[0]", &["name"]).err().unwrap();
        assert_eq!(
            e.to_string(),
            "f.yaml:2:1: releases[0].nmae: unknown key (expected one of: name)"
        );
        let n = parse("f.yaml", b"name: a\nname: b\n").unwrap();
        let e = MapView::new(&n, "", &["name"]).err().unwrap();
        assert_eq!(e.to_string(), "f.yaml:2:1: name: key is set twice");
    }

    #[test]
    fn types() {
        let n = parse("f.yaml", b"a: [1]\nb: yes\nc: -1\n").unwrap();
        let v = MapView::any(&n, "").unwrap();
        assert_eq!(
            v.string("a").unwrap_err().to_string(),
            "f.yaml:1:4: a: expected a string, found a list"
        );
        assert_eq!(v.bool("b").unwrap(), Some(true));
        assert_eq!(
            v.uint("c").unwrap_err().to_string(),
            "f.yaml:3:4: c: expected a non-negative whole number, found a number"
        );
    }
}

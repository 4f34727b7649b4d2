//! Field sets: which fields of an object a manager owns, in the encoding of
//! `metadata.managedFields[].fieldsV1`.
//!
//! Follows sigs.k8s.io/structured-merge-diff `fieldpath` (`Set`,
//! `PathElement`, `serialize.go`, `serialize-pe.go`): a set is a trie of path
//! elements; a path is in the set when its last element is a *member* of the
//! node reached by the rest. In JSON every element becomes a key — `f:<name>`
//! for a field or map key, `k:{...}` for an item of a map-list (its key
//! fields, sorted by name), `v:<json>` for an item of a set-list, `i:<n>` for
//! a list position — and a node that is itself a member and also has
//! children carries `".": {}`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::gofmt::escape_html;

/// One step of a field path.
#[derive(Debug, Clone)]
pub enum PathElement {
    /// A struct field or a map key (`f:`).
    Field(String),
    /// An item of a map-list, by its key fields sorted by name (`k:`).
    Key(Vec<(String, Value)>),
    /// An item of a set-list, by value (`v:`).
    Value(Value),
    /// A list position (`i:`).
    Index(usize),
}

impl PathElement {
    /// The `fieldsV1` key of this element (`f:name`, `k:{"name":"a"}`, ...).
    pub fn to_key(&self) -> String {
        match self {
            PathElement::Field(n) => format!("f:{n}"),
            PathElement::Key(fields) => {
                let mut m = Map::new();
                for (k, v) in fields {
                    m.insert(k.clone(), v.clone());
                }
                format!("k:{}", go_json(&Value::Object(m)))
            }
            PathElement::Value(v) => format!("v:{}", go_json(v)),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    /// Parse a `fieldsV1` key.
    ///
    /// # Errors
    /// [`Error::ManagedFields`] for an unknown prefix or bad JSON.
    pub fn from_key(key: &str) -> Result<PathElement> {
        let bad = |message: String| Error::ManagedFields {
            path: key.to_string(),
            message,
        };
        let mut chars = key.chars();
        let (Some(kind), Some(sep)) = (chars.next(), chars.next()) else {
            return Err(bad("key must be 2 characters long:".into()));
        };
        if sep != ':' {
            return Err(bad(format!("missing colon: {key}")));
        }
        let rest = chars.as_str();
        match kind {
            'f' => Ok(PathElement::Field(rest.to_string())),
            'v' => serde_json::from_str(rest)
                .map(PathElement::Value)
                .map_err(|e| bad(e.to_string())),
            'k' => {
                let v: Value = serde_json::from_str(rest).map_err(|e| bad(e.to_string()))?;
                let Value::Object(m) = v else {
                    return Err(bad("key element must be a JSON object".into()));
                };
                let mut fields: Vec<(String, Value)> = m.into_iter().collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(PathElement::Key(fields))
            }
            'i' => rest
                .parse::<usize>()
                .map(PathElement::Index)
                .map_err(|e| bad(e.to_string())),
            _ => Err(bad("unknown path element type".into())),
        }
    }

    /// The element as structured-merge-diff prints it in paths (`.name`,
    /// `[name="a"]`, `[="v"]`, `[0]`).
    pub fn display(&self) -> String {
        match self {
            PathElement::Field(n) => format!(".{n}"),
            PathElement::Key(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", go_json(v)))
                    .collect();
                format!("[{}]", parts.join(","))
            }
            PathElement::Value(v) => format!("[={}]", go_json(v)),
            PathElement::Index(i) => format!("[{i}]"),
        }
    }
}

/// A path as structured-merge-diff prints it, e.g. `.data.x` or
/// `.spec.containers[name="a"].image`.
pub fn path_string(path: &[PathElement]) -> String {
    path.iter().map(PathElement::display).collect()
}

/// Compact JSON the way Go's encoder writes it (HTML characters escaped).
fn go_json(v: &Value) -> String {
    escape_html(&serde_json::to_string(v).unwrap_or_default())
}

/// structured-merge-diff's total order of values: numbers (ints and floats
/// compared numerically), then strings, booleans, lists, maps, null.
pub(crate) fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Number(n) if n.is_f64() => 0,
            Value::Number(_) => 1,
            Value::String(_) => 2,
            Value::Bool(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
            Value::Null => 6,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                x.partial_cmp(&y).unwrap_or(Ordering::Equal)
            } else if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x.cmp(&y)
            } else {
                let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                x.partial_cmp(&y).unwrap_or(Ordering::Equal)
            }
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (a, b) in x.iter().zip(y) {
                let c = compare_values(a, b);
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut xs: Vec<(&String, &Value)> = x.iter().collect();
            let mut ys: Vec<(&String, &Value)> = y.iter().collect();
            xs.sort_by(|a, b| a.0.cmp(b.0));
            ys.sort_by(|a, b| a.0.cmp(b.0));
            for ((ka, va), (kb, vb)) in xs.iter().zip(&ys) {
                let c = ka.cmp(kb).then_with(|| compare_values(va, vb));
                if c != Ordering::Equal {
                    return c;
                }
            }
            xs.len().cmp(&ys.len())
        }
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => rank(a).cmp(&rank(b)),
    }
}

impl Ord for PathElement {
    fn cmp(&self, other: &Self) -> Ordering {
        use PathElement::*;
        let rank = |p: &PathElement| match p {
            Field(_) => 0,
            Key(_) => 1,
            Value(_) => 2,
            Index(_) => 3,
        };
        match (self, other) {
            (Field(a), Field(b)) => a.cmp(b),
            (Key(a), Key(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b) {
                    let c = ka.cmp(kb).then_with(|| compare_values(va, vb));
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value(a), Value(b)) => compare_values(a, b),
            (Index(a), Index(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl PartialOrd for PathElement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PathElement {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PathElement {}

/// A set of field paths (structured-merge-diff `fieldpath.Set`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    members: BTreeSet<PathElement>,
    children: BTreeMap<PathElement, FieldSet>,
}

impl FieldSet {
    /// The empty set.
    pub fn new() -> FieldSet {
        FieldSet::default()
    }

    /// Whether the set holds no path.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.is_empty()
    }

    /// Add a path. The empty path is ignored.
    pub fn insert(&mut self, path: &[PathElement]) {
        match path {
            [] => {}
            [last] => {
                self.members.insert(last.clone());
            }
            [first, rest @ ..] => self.children.entry(first.clone()).or_default().insert(rest),
        }
    }

    /// Whether the path is in the set.
    pub fn has(&self, path: &[PathElement]) -> bool {
        match path {
            [] => false,
            [last] => self.members.contains(last),
            [first, rest @ ..] => self.children.get(first).is_some_and(|c| c.has(rest)),
        }
    }

    /// The set of the paths under `pe` (its child node), if any.
    pub(crate) fn child(&self, pe: &PathElement) -> Option<&FieldSet> {
        self.children.get(pe)
    }

    /// Whether `pe` is a member of this node.
    pub(crate) fn has_member(&self, pe: &PathElement) -> bool {
        self.members.contains(pe)
    }

    /// Every path in the set, members before children at each level, both
    /// in element order (structured-merge-diff's `Iterate`).
    pub fn paths(&self) -> Vec<Vec<PathElement>> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Vec<PathElement>, out: &mut Vec<Vec<PathElement>>) {
        for m in &self.members {
            let mut p = prefix.clone();
            p.push(m.clone());
            out.push(p);
        }
        for (pe, child) in &self.children {
            prefix.push(pe.clone());
            child.collect(prefix, out);
            prefix.pop();
        }
    }

    /// Paths in either set.
    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (pe, c) in &other.children {
            let merged = match out.children.get(pe) {
                Some(mine) => mine.union(c),
                None => c.clone(),
            };
            out.children.insert(pe.clone(), merged);
        }
        out
    }

    /// Paths in both sets.
    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.intersection(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (pe, c) in &self.children {
            if let Some(o) = other.children.get(pe) {
                let i = c.intersection(o);
                if !i.is_empty() {
                    children.insert(pe.clone(), i);
                }
            }
        }
        FieldSet { members, children }
    }

    /// Paths of `self` not in `other`. As in structured-merge-diff this is
    /// not recursive: a member of `other` does not remove the paths below it
    /// (see [`FieldSet::recursive_difference`]).
    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.difference(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (pe, c) in &self.children {
            match other.children.get(pe) {
                Some(o) => {
                    let d = c.difference(o);
                    if !d.is_empty() {
                        children.insert(pe.clone(), d);
                    }
                }
                None => {
                    children.insert(pe.clone(), c.clone());
                }
            }
        }
        FieldSet { members, children }
    }

    /// Paths of `self` that neither are in `other` nor lie below a member of it.
    pub fn recursive_difference(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.difference(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (pe, c) in &self.children {
            if other.members.contains(pe) {
                continue;
            }
            match other.children.get(pe) {
                Some(o) => {
                    let d = c.recursive_difference(o);
                    if !d.is_empty() {
                        children.insert(pe.clone(), d);
                    }
                }
                None => {
                    children.insert(pe.clone(), c.clone());
                }
            }
        }
        FieldSet { members, children }
    }

    pub(crate) fn members(&self) -> impl Iterator<Item = &PathElement> {
        self.members.iter()
    }

    pub(crate) fn children(&self) -> impl Iterator<Item = (&PathElement, &FieldSet)> {
        self.children.iter()
    }

    pub(crate) fn from_parts(
        members: BTreeSet<PathElement>,
        children: BTreeMap<PathElement, FieldSet>,
    ) -> FieldSet {
        FieldSet { members, children }
    }

    /// Decode a `fieldsV1` object.
    ///
    /// # Errors
    /// [`Error::ManagedFields`] when it is not a trie of objects or a key
    /// does not parse.
    pub fn from_fields_v1(v: &Value) -> Result<FieldSet> {
        let Value::Object(m) = v else {
            return Err(Error::ManagedFields {
                path: String::new(),
                message: "fieldsV1 must be a JSON object".into(),
            });
        };
        let mut set = FieldSet::new();
        for (k, child) in m {
            if k == "." {
                continue;
            }
            let pe = PathElement::from_key(k)?;
            let Value::Object(cm) = child else {
                return Err(Error::ManagedFields {
                    path: k.clone(),
                    message: "fieldsV1 entries must be JSON objects".into(),
                });
            };
            if cm.is_empty() || cm.contains_key(".") {
                set.members.insert(pe.clone());
            }
            let sub = FieldSet::from_fields_v1(child)?;
            if !sub.is_empty() {
                set.children.insert(pe, sub);
            }
        }
        Ok(set)
    }

    /// Encode as a `fieldsV1` object, keys in structured-merge-diff's order.
    pub fn to_fields_v1(&self) -> Value {
        Value::Object(self.emit(false))
    }

    fn emit(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::new();
        if include_self && !self.is_empty() {
            out.insert(".".into(), Value::Object(Map::new()));
        }
        let mut keys: Vec<&PathElement> = self.members.iter().collect();
        keys.extend(self.children.keys().filter(|k| !self.members.contains(*k)));
        keys.sort();
        for pe in keys {
            let body = match self.children.get(pe) {
                Some(c) => c.emit(self.members.contains(pe)),
                None => Map::new(),
            };
            out.insert(pe.to_key(), Value::Object(body));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(n: &str) -> PathElement {
        PathElement::Field(n.into())
    }

    #[test]
    fn round_trips_recorded_fields_v1() {
        let v = json!({
            "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {
                "k:{\"name\":\"a\"}": {".": {}, "f:image": {}, "f:name": {}},
                "k:{\"name\":\"b\"}": {".": {}, "f:image": {}}
            }, "f:finalizers": {"v:\"x\"": {}}, "f:selector": {}}
        });
        let s = FieldSet::from_fields_v1(&v).unwrap();
        assert_eq!(s.to_fields_v1(), v);
        assert_eq!(
            serde_json::to_string(&s.to_fields_v1()).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        assert!(s.has(&[f("metadata"), f("labels")]));
        assert!(!s.has(&[f("metadata")]));
        let key = PathElement::Key(vec![("name".into(), json!("a"))]);
        assert!(s.has(&[f("spec"), f("containers"), key.clone(), f("image")]));
        assert_eq!(
            path_string(&[f("spec"), f("containers"), key, f("image")]),
            ".spec.containers[name=\"a\"].image"
        );
    }

    #[test]
    fn set_algebra() {
        let mut a = FieldSet::new();
        a.insert(&[f("data"), f("x")]);
        a.insert(&[f("data"), f("y")]);
        let mut b = FieldSet::new();
        b.insert(&[f("data"), f("y")]);
        b.insert(&[f("data"), f("z")]);
        assert_eq!(a.intersection(&b).paths(), vec![vec![f("data"), f("y")]]);
        assert_eq!(a.difference(&b).paths(), vec![vec![f("data"), f("x")]]);
        assert_eq!(a.union(&b).paths().len(), 3);
        let mut whole = FieldSet::new();
        whole.insert(&[f("data")]);
        assert_eq!(a.difference(&whole), a);
        assert!(a.recursive_difference(&whole).is_empty());
    }

    #[test]
    fn keys_sort_by_field_then_key_then_value() {
        let mut s = FieldSet::new();
        s.insert(&[PathElement::Value(json!("b"))]);
        s.insert(&[PathElement::Value(json!(1))]);
        s.insert(&[PathElement::Key(vec![("port".into(), json!(80))])]);
        s.insert(&[f("z")]);
        let keys: Vec<String> = s
            .to_fields_v1()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["f:z", "k:{\"port\":80}", "v:1", "v:\"b\""]);
    }

    #[test]
    fn bad_fields_v1_is_an_error() {
        assert!(FieldSet::from_fields_v1(&json!({"x:y": {}})).is_err());
        assert!(FieldSet::from_fields_v1(&json!({"f:y": 1})).is_err());
        assert!(FieldSet::from_fields_v1(&json!([])).is_err());
        assert!(FieldSet::from_fields_v1(&json!({"é:x": {}})).is_err());
        assert!(FieldSet::from_fields_v1(&json!({"f": {}})).is_err());
    }
}

//! Schema-driven walks over objects, as sigs.k8s.io/structured-merge-diff
//! `typed` does them: the field set of an object (`tofieldset.go`), the
//! comparison of two versions (`compare.go`), the server-side-apply merge
//! (`merge.go`, keep-right-hand-side rule), removal of a set of fields
//! (`remove.go`) and `fieldpath.Set.EnsureNamedFieldsAreMembers`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::gofmt::go_v;
use crate::managed::{FieldSet, PathElement, path_string};
use crate::merge_patch::same_value;
use crate::schema::{ListType, Node, ScalarKind, TypeRef};

/// How a value is walked: its atom in structured-merge-diff terms.
enum Atom<'a> {
    Scalar,
    Map { atomic: bool },
    List(&'a ListType),
}

/// The atom of a value of type `ty` (the deduced type decides by the value).
fn atom<'a>(ty: TypeRef<'a>, v: &Value) -> Atom<'a> {
    static ATOMIC: ListType = ListType::Atomic;
    match ty.node() {
        Node::Untyped { atomic } => match v {
            Value::Object(_) => Atom::Map { atomic: *atomic },
            Value::Array(_) => Atom::List(&ATOMIC),
            _ => Atom::Scalar,
        },
        Node::Scalar(_) => Atom::Scalar,
        Node::Struct { atomic, .. } | Node::Map { atomic, .. } => match v {
            Value::Object(_) | Value::Null => Atom::Map { atomic: *atomic },
            _ => Atom::Scalar,
        },
        Node::List { list_type, .. } => match v {
            Value::Array(_) | Value::Null => Atom::List(list_type),
            _ => Atom::Scalar,
        },
    }
}

/// The type of the value under `pe` in a value of type `ty`, and whether
/// `pe` names a declared struct field.
fn child_type<'a>(ty: TypeRef<'a>, pe: &PathElement) -> (TypeRef<'a>, bool) {
    match pe {
        PathElement::Field(name) => {
            let declared =
                matches!(ty.node(), Node::Struct { fields, .. } if fields.contains_key(name));
            (ty.field_or_untyped(name).0, declared)
        }
        _ => (ty.items(), false),
    }
}

fn typed_err(path: &[PathElement], message: impl Into<String>) -> Error {
    Error::Typed {
        path: path_string(path),
        message: message.into(),
    }
}

/// The path element of a list item (listItemToPathElement).
fn item_pe(
    list_ty: TypeRef<'_>,
    item: &Value,
    index: usize,
    path: &[PathElement],
) -> Result<PathElement> {
    match list_ty.list_type() {
        ListType::Map(keys) => {
            let Value::Object(m) = item else {
                return Err(typed_err(
                    path,
                    format!(
                        "element {index}: associative list with keys may not have non-map elements"
                    ),
                ));
            };
            // A key the item omits takes its schema default (getAssociativeKeyDefault).
            let mut fields: Vec<(String, Value)> = keys
                .iter()
                .filter_map(|k| {
                    m.get(k)
                        .or_else(|| list_ty.key_default(k))
                        .map(|v| (k.clone(), v.clone()))
                })
                .collect();
            if !keys.is_empty() && fields.is_empty() {
                return Err(typed_err(
                    path,
                    format!(
                        "element {index}: associative list with keys has an element that omits all key fields {keys:?} (and doesn't have default values for any key fields)"
                    ),
                ));
            }
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(PathElement::Key(fields))
        }
        ListType::Set => match item {
            Value::Object(_) => Err(typed_err(
                path,
                format!(
                    "element {index}: associative list without keys has an element that's a map type"
                ),
            )),
            Value::Array(_) => Err(typed_err(
                path,
                format!("element {index}: not supported: associative list with lists as elements"),
            )),
            Value::Null => Err(typed_err(
                path,
                format!(
                    "element {index}: associative list without keys has an element that's an explicit null"
                ),
            )),
            v => Ok(PathElement::Value(v.clone())),
        },
        ListType::Atomic => Ok(PathElement::Index(index)),
    }
}

fn is_empty_map(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.is_empty())
}

/// The set of every field present in `v` (TypedValue.ToFieldSet).
pub(crate) fn to_field_set(v: &Value, ty: TypeRef<'_>) -> Result<FieldSet> {
    let mut set = FieldSet::new();
    tfs(v, ty, &mut Vec::new(), &mut set)?;
    Ok(set)
}

fn tfs(v: &Value, ty: TypeRef<'_>, path: &mut Vec<PathElement>, set: &mut FieldSet) -> Result<()> {
    match atom(ty, v) {
        Atom::Scalar | Atom::Map { atomic: true } | Atom::List(ListType::Atomic) => {
            set.insert(path);
        }
        Atom::Map { atomic: false } => {
            let Value::Object(m) = v else { return Ok(()) };
            for (k, child) in m {
                let pe = PathElement::Field(k.clone());
                let (cty, declared) = child_type(ty, &pe);
                path.push(pe);
                tfs(child, cty, path, set)?;
                if child.is_null() || is_empty_map(child) || !declared {
                    set.insert(path);
                }
                path.pop();
            }
        }
        Atom::List(_) => {
            let Value::Array(items) = v else {
                return Ok(());
            };
            let mut pes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                pes.push(item_pe(ty, item, i, path)?);
            }
            // Duplicated items are owned as a whole, without their fields.
            let mut seen = BTreeSet::new();
            let mut dup = BTreeSet::new();
            for pe in &pes {
                if !seen.insert(pe.clone()) {
                    dup.insert(pe.clone());
                }
            }
            for pe in &dup {
                path.push(pe.clone());
                set.insert(path);
                path.pop();
            }
            for (pe, item) in pes.into_iter().zip(items) {
                if dup.contains(&pe) {
                    continue;
                }
                path.push(pe);
                tfs(item, ty.items(), path, set)?;
                set.insert(path);
                path.pop();
            }
        }
    }
    Ok(())
}

/// What changed between two versions of an object (typed.Comparison).
#[derive(Debug, Default)]
pub(crate) struct Comparison {
    pub(crate) added: FieldSet,
    pub(crate) modified: FieldSet,
    pub(crate) removed: FieldSet,
}

/// Compare `lhs` (old) with `rhs` (new).
pub(crate) fn compare(lhs: &Value, rhs: &Value, ty: TypeRef<'_>) -> Result<Comparison> {
    let mut c = Comparison::default();
    cmp(Some(lhs), Some(rhs), ty, &mut Vec::new(), &mut c)?;
    Ok(c)
}

fn leaf(l: Option<&Value>, r: Option<&Value>, path: &[PathElement], c: &mut Comparison) {
    match (l, r) {
        (None, _) => c.added.insert(path),
        (_, None) => c.removed.insert(path),
        (Some(a), Some(b)) => {
            if !same_value(a, b) {
                c.modified.insert(path);
            }
        }
    }
}

fn cmp(
    l: Option<&Value>,
    r: Option<&Value>,
    ty: TypeRef<'_>,
    path: &mut Vec<PathElement>,
    c: &mut Comparison,
) -> Result<()> {
    let Some(v) = r.or(l) else { return Ok(()) };
    let in_leaf = match atom(ty, v) {
        Atom::Scalar | Atom::List(ListType::Atomic) => true,
        Atom::Map { atomic } => {
            let lm = l.and_then(Value::as_object);
            let rm = r.and_then(Value::as_object);
            let mismatch = l.is_some_and(|x| !x.is_object() && !x.is_null())
                || r.is_some_and(|x| !x.is_object() && !x.is_null());
            let empty = lm.is_none_or(Map::is_empty) && rm.is_none_or(Map::is_empty);
            if atomic || empty || mismatch {
                true
            } else {
                let empty_map = Map::new();
                let lm = lm.unwrap_or(&empty_map);
                let rm = rm.unwrap_or(&empty_map);
                for (k, lv) in lm {
                    let pe = PathElement::Field(k.clone());
                    let (cty, _) = child_type(ty, &pe);
                    path.push(pe);
                    cmp(Some(lv), rm.get(k), cty, path, c)?;
                    path.pop();
                }
                for (k, rv) in rm {
                    if lm.contains_key(k) {
                        continue;
                    }
                    let pe = PathElement::Field(k.clone());
                    let (cty, _) = child_type(ty, &pe);
                    path.push(pe);
                    cmp(None, Some(rv), cty, path, c)?;
                    path.pop();
                }
                false
            }
        }
        Atom::List(_) => {
            let la = l.and_then(Value::as_array);
            let ra = r.and_then(Value::as_array);
            let mismatch = l.is_some_and(|x| !x.is_array() && !x.is_null())
                || r.is_some_and(|x| !x.is_array() && !x.is_null());
            let empty = la.is_none_or(Vec::is_empty) && ra.is_none_or(Vec::is_empty);
            if empty || mismatch {
                true
            } else {
                cmp_list(
                    la.map_or(&[][..], Vec::as_slice),
                    ra.map_or(&[][..], Vec::as_slice),
                    ty,
                    path,
                    c,
                )?;
                false
            }
        }
    };
    if in_leaf {
        leaf(l, r, path, c);
    } else if l.is_none() {
        c.added.insert(path);
    } else if r.is_none() {
        c.removed.insert(path);
    }
    Ok(())
}

type Indexed<'v> = (Vec<PathElement>, BTreeMap<PathElement, Vec<&'v Value>>);

fn index_items<'v>(
    items: &'v [Value],
    ty: TypeRef<'_>,
    path: &[PathElement],
) -> Result<Indexed<'v>> {
    let mut order = Vec::new();
    let mut by = BTreeMap::<PathElement, Vec<&Value>>::new();
    for (i, item) in items.iter().enumerate() {
        let pe = item_pe(ty, item, i, path)?;
        match by.get_mut(&pe) {
            Some(list) => list.push(item),
            None => {
                order.push(pe.clone());
                by.insert(pe, vec![item]);
            }
        }
    }
    Ok((order, by))
}

fn cmp_list(
    l: &[Value],
    r: &[Value],
    ty: TypeRef<'_>,
    path: &mut Vec<PathElement>,
    c: &mut Comparison,
) -> Result<()> {
    let (mut all, lby) = index_items(l, ty, path)?;
    let (rorder, rby) = index_items(r, ty, path)?;
    for pe in rorder {
        if !lby.contains_key(&pe) {
            all.push(pe);
        }
    }
    for pe in all {
        let ll = lby.get(&pe).map_or(&[][..], Vec::as_slice);
        let rl = rby.get(&pe).map_or(&[][..], Vec::as_slice);
        path.push(pe);
        match (ll.len(), rl.len()) {
            (0..=1, 0..=1) => cmp(
                ll.first().copied(),
                rl.first().copied(),
                ty.items(),
                path,
                c,
            )?,
            (a, b) if a >= 2 && b >= 2 => {
                if a != b || ll.iter().zip(rl).any(|(x, y)| !same_value(x, y)) {
                    c.modified.insert(path);
                }
            }
            (a, _) if a >= 2 => c.removed.insert(path),
            _ => c.added.insert(path),
        }
        path.pop();
    }
    Ok(())
}

/// Merge an applied configuration `r` into `l` (typed merge, keep-RHS rule).
pub(crate) fn merge(l: &Value, r: &Value, ty: TypeRef<'_>) -> Result<Value> {
    merge_at(l, r, ty, &mut Vec::new())
}

fn merge_at(l: &Value, r: &Value, ty: TypeRef<'_>, path: &mut Vec<PathElement>) -> Result<Value> {
    match atom(ty, r) {
        Atom::Scalar | Atom::Map { atomic: true } | Atom::List(ListType::Atomic) => Ok(r.clone()),
        Atom::Map { atomic: false } => {
            let empty = Map::new();
            let lm = match l {
                Value::Object(m) => m,
                Value::Null => &empty,
                _ => return Ok(r.clone()),
            };
            let Value::Object(rm) = r else {
                return Ok(r.clone());
            };
            if lm.is_empty() && rm.is_empty() {
                return Ok(r.clone());
            }
            let mut out = Map::new();
            for (k, lv) in lm {
                match rm.get(k) {
                    Some(rv) => {
                        let pe = PathElement::Field(k.clone());
                        let (cty, _) = child_type(ty, &pe);
                        path.push(pe);
                        let merged = merge_at(lv, rv, cty, path)?;
                        path.pop();
                        out.insert(k.clone(), merged);
                    }
                    None => {
                        out.insert(k.clone(), lv.clone());
                    }
                }
            }
            for (k, rv) in rm {
                if !lm.contains_key(k) {
                    out.insert(k.clone(), rv.clone());
                }
            }
            Ok(Value::Object(out))
        }
        Atom::List(_) => {
            let la: &[Value] = match l {
                Value::Array(a) => a,
                Value::Null => &[],
                _ => return Ok(r.clone()),
            };
            let Value::Array(ra) = r else {
                return Ok(r.clone());
            };
            if la.is_empty() && ra.is_empty() {
                return Ok(r.clone());
            }
            merge_list(la, ra, ty, path).map(Value::Array)
        }
    }
}

/// Merge two associative lists, keeping the order structured-merge-diff
/// gives: items only in the live list stay where they were, items of the
/// configuration come in its order.
fn merge_list(
    l: &[Value],
    r: &[Value],
    ty: TypeRef<'_>,
    path: &mut Vec<PathElement>,
) -> Result<Vec<Value>> {
    let mut rpes = Vec::with_capacity(r.len());
    let mut rby = BTreeMap::new();
    for (i, item) in r.iter().enumerate() {
        let pe = item_pe(ty, item, i, path)?;
        if rby.insert(pe.clone(), item).is_some() {
            return Err(typed_err(
                path,
                format!("duplicate entries for key {}", pe.display()),
            ));
        }
        rpes.push(pe);
    }
    let mut lpes = Vec::with_capacity(l.len());
    let mut lby: BTreeMap<PathElement, Option<&Value>> = BTreeMap::new();
    for (i, item) in l.iter().enumerate() {
        let pe = item_pe(ty, item, i, path)?;
        // A duplicated live item has no single value to merge with.
        match lby.get(&pe) {
            Some(_) => {
                lby.insert(pe.clone(), None);
            }
            None => {
                lby.insert(pe.clone(), Some(item));
            }
        }
        lpes.push(pe);
    }
    let mut shared: std::collections::VecDeque<&PathElement> =
        rpes.iter().filter(|pe| lby.contains_key(*pe)).collect();
    let mut next_shared = shared.pop_front();
    let mut merged_r = BTreeSet::new();
    let mut out = Vec::with_capacity(l.len().max(r.len()));
    let (mut li, mut ri) = (0, 0);
    let item_ty = ty.items();
    let merge_item = |pe: &PathElement,
                      lv: Option<&Value>,
                      rv: Option<&Value>,
                      path: &mut Vec<PathElement>|
     -> Result<Option<Value>> {
        path.push(pe.clone());
        let out = match (lv, rv) {
            (Some(a), Some(b)) => Some(merge_at(a, b, item_ty, path)?),
            (a, b) => b.or(a).cloned(),
        };
        path.pop();
        Ok(out)
    };
    while li < lpes.len() || ri < rpes.len() {
        if li < lpes.len() && ri < rpes.len() {
            let pe = &lpes[li];
            if *pe == rpes[ri] {
                merged_r.insert(pe.clone());
                let lv = lby.get(pe).copied().flatten();
                if let Some(v) = merge_item(pe, lv, rby.get(pe).copied(), path)? {
                    out.push(v);
                }
                li += 1;
                ri += 1;
                next_shared = shared.pop_front();
                continue;
            }
            if rby.contains_key(pe) && next_shared.is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < lpes.len() {
            let pe = &lpes[li];
            if !rby.contains_key(pe) {
                if let Some(v) = merge_item(pe, Some(&l[li]), None, path)? {
                    out.push(v);
                }
                li += 1;
                continue;
            } else if merged_r.contains(pe) {
                li += 1;
            }
        }
        if ri < rpes.len() {
            let pe = &rpes[ri];
            merged_r.insert(pe.clone());
            let lv = lby.get(pe).copied().flatten();
            if let Some(v) = merge_item(pe, lv, rby.get(pe).copied(), path)? {
                out.push(v);
            }
            ri += 1;
            if next_shared.is_some_and(|n| n == pe) {
                next_shared = shared.pop_front();
            }
        }
    }
    Ok(out)
}

/// Check a value against its type as structured-merge-diff's validating
/// walker does when it converts an apply configuration (typed/validate.go):
/// undeclared fields, scalars of the wrong kind, map-list items without
/// keys or duplicated, each as `<path>: <message>`. Within one object or
/// list the walk stops at the first such problem, as Go's does.
pub(crate) fn validate(v: &Value, ty: TypeRef<'_>) -> Vec<String> {
    let mut errs = Vec::new();
    validate_at(v, ty, &mut Vec::new(), &mut errs);
    errs
}

/// Go's `%v` of a structured-merge-diff value pointer: `&{...}`.
fn go_value_ptr(v: &Value) -> String {
    format!("&{{{}}}", go_v(v))
}

/// Go's `%#v` of a structured-merge-diff value pointer.
fn go_value_sharp(v: &Value) -> String {
    let inner = match v {
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => format!("[]interface {{}}{}", go_v(v)),
        Value::Object(_) => format!("map[string]interface {{}}{}", go_v(v)),
        other => go_v(other),
    };
    format!("&value.valueUnstructured{{Value:{inner}}}")
}

fn validate_at(v: &Value, ty: TypeRef<'_>, path: &mut Vec<PathElement>, errs: &mut Vec<String>) {
    fn fail(errs: &mut Vec<String>, path: &[PathElement], message: String) {
        errs.push(format!("{}: {message}", path_string(path)));
    }
    if v.is_null() {
        return;
    }
    match ty.node() {
        Node::Untyped { .. } => {}
        Node::Scalar(kind) => {
            let ok = match kind {
                ScalarKind::String => v.is_string(),
                ScalarKind::Numeric => v.is_number(),
                ScalarKind::Boolean => v.is_boolean(),
                ScalarKind::Any => !v.is_object() && !v.is_array(),
            };
            if !ok {
                let message = match kind {
                    ScalarKind::String => format!("expected string, got {}", go_value_sharp(v)),
                    ScalarKind::Numeric => format!(
                        "expected numeric (int or float), got {}",
                        crate::strategic::go_type_name(v)
                    ),
                    ScalarKind::Boolean => format!("expected boolean, got {}", go_value_ptr(v)),
                    ScalarKind::Any => format!("expected any scalar, got {}", go_value_ptr(v)),
                };
                fail(errs, path, message);
            }
        }
        Node::Struct { .. } | Node::Map { .. } => {
            let Value::Object(m) = v else {
                fail(errs, path, format!("expected map, got {}", go_value_ptr(v)));
                return;
            };
            for (k, child) in m {
                let pe = PathElement::Field(k.clone());
                if !ty.knows_field(k) {
                    path.push(pe);
                    errs.push(format!(
                        "{}: field not declared in schema",
                        path_string(path)
                    ));
                    path.pop();
                    return;
                }
                path.push(pe);
                validate_at(child, ty.field_or_untyped(k).0, path, errs);
                path.pop();
            }
        }
        Node::List { list_type, .. } => {
            let Value::Array(items) = v else {
                fail(
                    errs,
                    path,
                    format!("expected list, got {}", go_value_ptr(v)),
                );
                return;
            };
            let mut seen = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                let pe = if *list_type == ListType::Atomic {
                    PathElement::Index(i)
                } else {
                    match item_pe(ty, item, i, &[]) {
                        Ok(pe) => pe,
                        Err(e) => {
                            fail(errs, path, e.api_message().to_string());
                            return;
                        }
                    }
                };
                if *list_type != ListType::Atomic && !seen.insert(pe.clone()) {
                    errs.push(format!(
                        "{}: duplicate entries for key {}",
                        path_string(path),
                        pe.display()
                    ));
                }
                path.push(pe);
                validate_at(item, ty.items(), path, errs);
                path.pop();
            }
        }
    }
}

/// Remove from `v` every path that is a member of `set` (whole subtrees).
pub(crate) fn remove_items(v: &Value, ty: TypeRef<'_>, set: &FieldSet) -> Value {
    if set.is_empty() {
        return v.clone();
    }
    match (atom(ty, v), v) {
        (Atom::Map { atomic: false }, Value::Object(m)) => {
            let mut out = Map::new();
            for (k, child) in m {
                let pe = PathElement::Field(k.clone());
                if set.has_member(&pe) {
                    continue;
                }
                let kept = match set.child(&pe) {
                    Some(sub) => remove_items(child, child_type(ty, &pe).0, sub),
                    None => child.clone(),
                };
                out.insert(k.clone(), kept);
            }
            Value::Object(out)
        }
        (Atom::List(lt), Value::Array(items)) if *lt != ListType::Atomic => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let Ok(pe) = item_pe(ty, item, i, &[]) else {
                    out.push(item.clone());
                    continue;
                };
                if set.has_member(&pe) {
                    continue;
                }
                match set.child(&pe) {
                    Some(sub) => out.push(remove_items(item, ty.items(), sub)),
                    None => out.push(item.clone()),
                }
            }
            Value::Array(out)
        }
        _ => v.clone(),
    }
}

/// Also count as members the declared struct fields that only have children
/// in `set` (Set.EnsureNamedFieldsAreMembers).
pub(crate) fn ensure_named_fields_are_members(set: &FieldSet, ty: TypeRef<'_>) -> FieldSet {
    let mut members: BTreeSet<PathElement> = set.members().cloned().collect();
    let mut children = BTreeMap::new();
    for (pe, child) in set.children() {
        let (cty, declared) = child_type(ty, pe);
        if declared {
            members.insert(pe.clone());
        }
        children.insert(pe.clone(), ensure_named_fields_are_members(child, cty));
    }
    FieldSet::from_parts(members, children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;
    use serde_json::json;

    fn deploy() -> TypeRef<'static> {
        Schema::builtin().type_for("apps/v1", "Deployment").unwrap()
    }

    #[test]
    fn field_set_marks_map_keys_and_empty_values_as_members() {
        let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
        let s = to_field_set(&json!({"data": {"x": "1"}, "metadata": {"labels": {}}}), ty).unwrap();
        assert_eq!(
            s.to_fields_v1(),
            json!({"f:data": {"f:x": {}}, "f:metadata": {"f:labels": {}}})
        );
    }

    #[test]
    fn field_set_of_map_list_items() {
        let obj = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "x"}]}}, "selector": {"matchLabels": {"a": "b"}}}});
        let s = to_field_set(&obj, deploy()).unwrap();
        assert_eq!(
            s.to_fields_v1(),
            json!({"f:spec": {"f:selector": {}, "f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"a\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
        );
    }

    #[test]
    fn compare_reports_added_container_with_its_node() {
        let old = json!({"spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}});
        let new = json!({"spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "image": "i"}]}}}});
        let c = compare(&old, &new, deploy()).unwrap();
        assert_eq!(
            c.added.to_fields_v1(),
            json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"b\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
        );
        assert!(c.removed.is_empty() && c.modified.is_empty());
        let back = compare(&new, &old, deploy()).unwrap();
        assert_eq!(back.removed.to_fields_v1(), c.added.to_fields_v1());
    }

    #[test]
    fn merge_keeps_live_items_and_takes_config_values() {
        let live = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "1", "x": 1}, {"name": "b"}]}}}});
        let cfg = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "c"}, {"name": "a", "image": "2"}]}}}});
        let out = merge(&live, &cfg, deploy()).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "c"}, {"name": "a", "image": "2", "x": 1}, {"name": "b"}])
        );
        let dup =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "c"}, {"name": "c"}]}}}});
        assert!(merge(&live, &dup, deploy()).is_err());
    }

    #[test]
    fn map_list_keys_take_schema_defaults() {
        let live = json!({"spec": {"template": {"spec": {"containers": [{"name": "a",
            "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}]}]}}}});
        let cfg = json!({"spec": {"template": {"spec": {"containers": [{"name": "a",
            "ports": [{"containerPort": 80}]}]}}}});
        let out = merge(&live, &cfg, deploy()).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][0]["ports"],
            json!([{"containerPort": 80, "protocol": "TCP", "name": "http"}])
        );
        let set = to_field_set(&cfg, deploy()).unwrap();
        let v1 = set.to_fields_v1();
        let ports =
            &v1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"a\"}"]["f:ports"];
        assert_eq!(
            ports,
            &json!({"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}})
        );
    }

    #[test]
    fn validation_messages_follow_structured_merge_diff() {
        let obj = json!({"spec": {"replica": 1, "template": {"spec": {"containers": [
            {"name": "a", "stdin": "yes", "image": 5}, {"image": "x"}]}}}});
        assert_eq!(
            validate(&obj, deploy()),
            vec![".spec.replica: field not declared in schema".to_string(),]
        );
        let obj = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "stdin": "yes", "image": 5}, {"name": "a"}]}}}});
        assert_eq!(
            validate(&obj, deploy()),
            vec![
                ".spec.template.spec.containers[name=\"a\"].stdin: expected boolean, got &{yes}".to_string(),
                ".spec.template.spec.containers[name=\"a\"].image: expected string, got &value.valueUnstructured{Value:5}".to_string(),
                ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]".to_string(),
            ]
        );
        let obj =
            json!({"spec": {"replicas": "3", "strategy": {"rollingUpdate": {"maxSurge": "25%"}}}});
        assert_eq!(
            validate(&obj, deploy()),
            vec![".spec.replicas: expected numeric (int or float), got string".to_string()]
        );
    }

    #[test]
    fn remove_items_drops_whole_members() {
        let mut set = FieldSet::new();
        set.insert(&[
            PathElement::Field("data".into()),
            PathElement::Field("x".into()),
        ]);
        let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
        let out = remove_items(&json!({"data": {"x": "1", "y": "2"}}), ty, &set);
        assert_eq!(out, json!({"data": {"y": "2"}}));
        let named = ensure_named_fields_are_members(&set, ty);
        assert!(named.has(&[PathElement::Field("data".into())]));
    }
}

//! Computing strategic merge patches (`diffMaps`, `diffLists`,
//! `CreateTwoWayMergePatch` and `CreateThreeWayMergePatch` in
//! k8s.io/apimachinery `pkg/util/strategicpatch/patch.go`).

use serde_json::{Map, Value};

use super::merge::{
    self, DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE, GoKind, MergeOptions, RETAIN_KEYS,
    SET_ELEMENT_ORDER, go_kind, no_merge_key, slice_element_kind, strategy,
};
use crate::error::{Error, Result};
use crate::gofmt::go_v;
use crate::merge_patch::same_value;
use crate::schema::TypeRef;

/// Which parts of a difference to put in the patch.
#[derive(Debug, Clone, Copy, Default)]
struct DiffOptions {
    set_element_order: bool,
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    build_retain_keys: bool,
}

fn err(path: &str, message: impl Into<String>) -> Error {
    Error::StrategicDiff {
        path: if path.is_empty() {
            ".".into()
        } else {
            path.to_string()
        },
        message: message.into(),
    }
}

/// Map the merge-step errors of a shared helper to this step.
fn as_diff(e: Error) -> Error {
    match e {
        Error::StrategicPatch { path, message } => Error::StrategicDiff { path, message },
        other => other,
    }
}

pub(super) fn two_way(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    ty: TypeRef<'_>,
) -> Result<Map<String, Value>> {
    diff_maps(
        original,
        modified,
        ty,
        DiffOptions {
            set_element_order: true,
            ..DiffOptions::default()
        },
        "",
    )
}

pub(super) fn three_way(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    current: &Map<String, Value>,
    ty: TypeRef<'_>,
    overwrite: bool,
) -> Result<Map<String, Value>> {
    let delta = diff_maps(
        current,
        modified,
        ty,
        DiffOptions {
            ignore_deletions: true,
            set_element_order: true,
            ..DiffOptions::default()
        },
        "",
    )?;
    let deletions = diff_maps(
        original,
        modified,
        ty,
        DiffOptions {
            set_element_order: true,
            ignore_changes_and_additions: true,
            ..DiffOptions::default()
        },
        "",
    )?;
    let patch = merge::merge_map(
        deletions,
        delta,
        ty,
        MergeOptions {
            merge_parallel_list: false,
            ignore_unmatched_nulls: false,
        },
        "",
    )
    .map_err(as_diff)?;
    if !overwrite {
        let changed = diff_maps(original, current, ty, DiffOptions::default(), "")?;
        if let Some(path) = conflict(&patch, &changed, ty, "") {
            return Err(err(
                &path,
                format!(
                    "patch:\n{}\nconflicts with changes made from original to current:\n{}\n",
                    go_v(&Value::Object(patch.clone())),
                    go_v(&Value::Object(changed))
                ),
            ));
        }
    }
    Ok(patch)
}

fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    ty: TypeRef<'_>,
    opts: DiffOptions,
    path: &str,
) -> Result<Map<String, Value>> {
    let mut patch = Map::new();
    let mut retain: Vec<Value> = Vec::new();
    for (key, mv) in modified {
        if opts.build_retain_keys && !mv.is_null() {
            retain.push(Value::String(key.clone()));
        }
        let child = format!("{path}.{key}");
        let Some(ov) = original.get(key) else {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        };
        if key == DIRECTIVE {
            let (Some(o), Some(m)) = (ov.as_str(), mv.as_str()) else {
                return Err(err(
                    &child,
                    format!("invalid value for special key: {DIRECTIVE}"),
                ));
            };
            if o != m {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        if go_kind(ov) != go_kind(mv) {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        let (sub, meta) = ty.field_or_untyped(key);
        match (ov, mv) {
            (Value::Object(o), Value::Object(m)) => {
                let sub_opts = DiffOptions {
                    build_retain_keys: meta.retain_keys,
                    ..opts
                };
                if strategy(meta) == "replace" {
                    if !opts.ignore_changes_and_additions {
                        patch.insert(key.clone(), mv.clone());
                    }
                } else {
                    let d = diff_maps(o, m, sub, sub_opts, &child)?;
                    if !d.is_empty() {
                        patch.insert(key.clone(), Value::Object(d));
                    }
                }
            }
            (Value::Array(o), Value::Array(m)) => {
                if strategy(meta) == "merge" {
                    let sub_opts = DiffOptions {
                        build_retain_keys: meta.retain_keys,
                        ..opts
                    };
                    let merge_key = meta.merge_key.as_deref().unwrap_or("");
                    let (add, del, order) =
                        diff_lists(o, m, sub.items(), merge_key, sub_opts, &child)?;
                    if !add.is_empty() {
                        patch.insert(key.clone(), Value::Array(add));
                    }
                    if !del.is_empty() {
                        patch.insert(
                            format!("{DELETE_FROM_PRIMITIVE_LIST}/{key}"),
                            Value::Array(del),
                        );
                    }
                    if !order.is_empty() {
                        patch.insert(format!("{SET_ELEMENT_ORDER}/{key}"), Value::Array(order));
                    }
                } else if !opts.ignore_changes_and_additions && !same_value(ov, mv) {
                    patch.insert(key.clone(), mv.clone());
                }
            }
            _ => {
                if !opts.ignore_changes_and_additions && !same_value(ov, mv) {
                    patch.insert(key.clone(), mv.clone());
                }
            }
        }
    }
    if !opts.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let has_additional = original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain.is_empty() && (!patch.is_empty() || has_additional) {
        sort_scalars(&mut retain);
        patch.insert(RETAIN_KEYS.into(), Value::Array(retain));
    }
    Ok(patch)
}

/// sortScalars: order by Go's `%v` text.
fn sort_scalars(v: &mut [Value]) {
    v.sort_by_key(go_v);
}

type ListDiff = (Vec<Value>, Vec<Value>, Vec<Value>);

/// diffLists: the patch list, the primitive deletion list and the
/// `$setElementOrder` list of a `merge` list.
fn diff_lists(
    original: &[Value],
    modified: &[Value],
    items: TypeRef<'_>,
    merge_key: &str,
    opts: DiffOptions,
    path: &str,
) -> Result<ListDiff> {
    if original.is_empty() {
        if modified.is_empty() || opts.ignore_changes_and_additions {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    let kind = slice_element_kind([original, modified], path).map_err(as_diff)?;
    match kind {
        GoKind::Map => {
            let (patch_list, delete_list) =
                diff_lists_of_maps(original, modified, items, merge_key, opts, path)?;
            let mut patch_list = sort_by_order(patch_list, modified, merge_key, true, path)?;
            let order_same = original.len() == modified.len()
                && original.iter().zip(modified).all(|(o, m)| {
                    match (o.get(merge_key), m.get(merge_key)) {
                        (Some(a), Some(b)) => same_value(a, b),
                        _ => false,
                    }
                });
            patch_list.extend(delete_list);
            let mut order = Vec::new();
            if opts.set_element_order
                && ((!opts.ignore_changes_and_additions && (!patch_list.is_empty() || !order_same))
                    || (!opts.ignore_deletions && !patch_list.is_empty()))
            {
                for v in modified {
                    let mut m = Map::new();
                    m.insert(
                        merge_key.to_string(),
                        v.get(merge_key).cloned().unwrap_or(Value::Null),
                    );
                    order.push(Value::Object(m));
                }
            }
            Ok((patch_list, Vec::new(), order))
        }
        _ => {
            let (add, del) = diff_lists_of_scalars(original, modified, opts);
            let add = sort_by_order(add, modified, merge_key, false, path)?;
            // diffListsOfScalars sorts the original list in place (sortScalars
            // on the caller's slice), so Go compares the *sorted* original
            // with modified here: an unsorted list always gets an order.
            let mut sorted_original = original.to_vec();
            sort_scalars(&mut sorted_original);
            let mut order = Vec::new();
            if opts.set_element_order
                && ((!opts.ignore_deletions && !del.is_empty())
                    || (!opts.ignore_changes_and_additions
                        && !same_value_list(&sorted_original, modified)))
            {
                order = modified.to_vec();
            }
            Ok((add, del, order))
        }
    }
}

fn same_value_list(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
}

/// normalizeSliceOrder for a computed patch list.
fn sort_by_order(
    mut list: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    maps: bool,
    path: &str,
) -> Result<Vec<Value>> {
    let key_of = |v: &Value| -> Option<Value> {
        if maps {
            v.get(merge_key).cloned()
        } else {
            Some(v.clone())
        }
    };
    if maps {
        for v in list.iter().chain(order) {
            if v.get(merge_key).is_none() {
                return Err(as_diff(no_merge_key(v, merge_key, path)));
            }
        }
    }
    let pos = |v: &Value| -> usize {
        let k = key_of(v);
        order
            .iter()
            .position(|o| match (&k, key_of(o)) {
                (Some(a), Some(b)) => same_value(a, &b),
                _ => false,
            })
            .unwrap_or(usize::MAX)
    };
    list.sort_by_key(|v| pos(v));
    Ok(list)
}

/// diffListsOfScalars: walk both lists sorted by `%v` text.
fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    opts: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let mut o = original.to_vec();
    let mut m = modified.to_vec();
    sort_scalars(&mut o);
    sort_scalars(&mut m);
    let (mut i, mut j) = (0, 0);
    let mut add = Vec::new();
    let mut del: Vec<Value> = Vec::new();
    while i < o.len() || j < m.len() {
        let os = o.get(i).map(go_v);
        let ms = m.get(j).map(go_v);
        match (os, ms) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a > b => {
                if !opts.ignore_changes_and_additions {
                    add.push(m[j].clone());
                }
                j += 1;
            }
            (None, Some(_)) => {
                if !opts.ignore_changes_and_additions {
                    add.push(m[j].clone());
                }
                j += 1;
            }
            _ => {
                if !opts.ignore_deletions {
                    del.push(o[i].clone());
                }
                i += 1;
            }
        }
    }
    let mut dedup: Vec<Value> = Vec::new();
    for v in del {
        if !dedup.iter().any(|d| same_value(d, &v)) {
            dedup.push(v);
        }
    }
    (add, dedup)
}

/// A list item with its merge key's `%v` text and value.
type Keyed = (String, Value, Map<String, Value>);

/// diffListsOfMaps: walk both lists sorted by merge key text; matching items
/// are diffed, new ones added whole, removed ones become delete directives.
fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    items: TypeRef<'_>,
    merge_key: &str,
    opts: DiffOptions,
    path: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let sorted = |list: &[Value]| -> Result<Vec<Keyed>> {
        let mut out = Vec::new();
        for v in list {
            let Value::Object(m) = v else {
                return Err(err(
                    path,
                    format!(
                        "expected a map[string]interface {{}}, but received a {}",
                        merge::go_type(v)
                    ),
                ));
            };
            let k = m
                .get(merge_key)
                .cloned()
                .ok_or_else(|| as_diff(no_merge_key(v, merge_key, path)))?;
            out.push((go_v(&k), k, m.clone()));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    };
    let o = sorted(original)?;
    let m = sorted(modified)?;
    let (mut i, mut j) = (0, 0);
    let mut patch = Vec::new();
    let mut deletions = Vec::new();
    while i < o.len() || j < m.len() {
        let ord = match (o.get(i), m.get(j)) {
            (Some(a), Some(b)) => a.0.cmp(&b.0),
            (None, Some(_)) => std::cmp::Ordering::Greater,
            _ => std::cmp::Ordering::Less,
        };
        match ord {
            std::cmp::Ordering::Equal => {
                let child = format!("{path}[{merge_key}={}]", o[i].0);
                let mut d = diff_maps(&o[i].2, &m[j].2, items, opts, &child)?;
                if !d.is_empty() {
                    d.insert(merge_key.to_string(), m[j].1.clone());
                    patch.push(Value::Object(d));
                }
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Greater => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(m[j].2.clone()));
                }
                j += 1;
            }
            std::cmp::Ordering::Less => {
                if !opts.ignore_deletions {
                    let mut d = Map::new();
                    d.insert(merge_key.to_string(), o[i].1.clone());
                    d.insert(DIRECTIVE.into(), Value::String("delete".into()));
                    deletions.push(Value::Object(d));
                }
                i += 1;
            }
        }
    }
    Ok((patch, deletions))
}

/// A simplified `MergingMapsHaveConflicts`: the first path where both patches
/// set different values, matching merge-list items by their merge key.
fn conflict(
    left: &Map<String, Value>,
    right: &Map<String, Value>,
    ty: TypeRef<'_>,
    path: &str,
) -> Option<String> {
    for (k, lv) in left {
        if k.starts_with('$') {
            continue;
        }
        let Some(rv) = right.get(k) else { continue };
        let child = format!("{path}.{k}");
        let (sub, meta) = ty.field_or_untyped(k);
        match (lv, rv) {
            (Value::Object(a), Value::Object(b)) => {
                if let Some(p) = conflict(a, b, sub, &child) {
                    return Some(p);
                }
            }
            (Value::Array(a), Value::Array(b)) if strategy(meta) == "merge" => {
                if let Some(mk) = meta.merge_key.as_deref() {
                    for x in a {
                        let Some(xk) = x.get(mk) else { continue };
                        for y in b {
                            if let (Value::Object(xm), Value::Object(ym)) = (x, y)
                                && y.get(mk).is_some_and(|yk| same_value(xk, yk))
                                && let Some(p) = conflict(xm, ym, sub.items(), &child)
                            {
                                return Some(p);
                            }
                        }
                    }
                }
            }
            _ if !same_value(lv, rv) => return Some(child),
            _ => {}
        }
    }
    None
}

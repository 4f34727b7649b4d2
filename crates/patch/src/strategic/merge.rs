//! Applying a strategic merge patch (`mergeMap` and friends in
//! k8s.io/apimachinery `pkg/util/strategicpatch/patch.go`).

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::gofmt::go_v;
use crate::merge_patch::same_value;
use crate::schema::{PatchMeta, TypeRef};

pub(crate) const DIRECTIVE: &str = "$patch";
pub(crate) const RETAIN_KEYS: &str = "$retainKeys";
pub(crate) const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
pub(crate) const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// The two switches apimachinery uses to tell applying a patch to an object
/// (both true) from merging two patches into one (both false).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MergeOptions {
    /// Interpret `$deleteFromPrimitiveList`, `$retainKeys` and
    /// `$setElementOrder` instead of carrying them over.
    pub(crate) merge_parallel_list: bool,
    /// A `null` deletes the key and is not kept.
    pub(crate) ignore_unmatched_nulls: bool,
}

fn err(path: &str, message: impl Into<String>) -> Error {
    Error::StrategicPatch {
        path: if path.is_empty() {
            ".".into()
        } else {
            path.to_string()
        },
        message: message.into(),
    }
}

/// The kind of a JSON value as Go's reflect sees the decoded interface{}.
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub(crate) enum GoKind {
    Nil,
    Bool,
    Number,
    String,
    Slice,
    Map,
}

pub(crate) fn go_kind(v: &Value) -> GoKind {
    match v {
        Value::Null => GoKind::Nil,
        Value::Bool(_) => GoKind::Bool,
        Value::Number(_) => GoKind::Number,
        Value::String(_) => GoKind::String,
        Value::Array(_) => GoKind::Slice,
        Value::Object(_) => GoKind::Map,
    }
}

/// `map[string]interface {}` and the like, for ErrBadArgType messages.
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// The patch strategy of a field, as `extractRetainKeysPatchStrategy` leaves it.
pub(crate) fn strategy(meta: &PatchMeta) -> &'static str {
    if meta.replace {
        "replace"
    } else if meta.merge {
        "merge"
    } else {
        ""
    }
}

/// Merge `patch` into `original` (mergeMap).
pub(crate) fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    ty: TypeRef<'_>,
    opts: MergeOptions,
    path: &str,
) -> Result<Map<String, Value>> {
    if let Some(d) = patch.get(DIRECTIVE) {
        return match d.as_str() {
            Some("replace") => {
                patch.shift_remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(err(
                path,
                format!(
                    "unknown patch type: {} in map: {}",
                    go_v(d),
                    go_v(&Value::Object(patch.clone()))
                ),
            )),
        };
    }
    apply_retain_keys(&mut original, &mut patch, opts, path)?;
    merge_set_element_order(&mut original, &mut patch, ty, opts, path)?;

    for (key, patch_v) in patch {
        let mut k = key.clone();
        let mut is_delete_list = false;
        if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            if !opts.merge_parallel_list {
                original.insert(key, patch_v);
                continue;
            }
            k = extract_key(&key, DELETE_FROM_PRIMITIVE_LIST, path)?;
            is_delete_list = true;
        }
        let child = format!("{path}.{k}");
        if patch_v.is_null() {
            original.shift_remove(&k);
            if opts.ignore_unmatched_nulls {
                continue;
            }
        }
        let Some(orig_v) = original.get(&k) else {
            if !is_delete_list {
                insert_clean(&mut original, k, patch_v, opts);
            }
            continue;
        };
        if go_kind(orig_v) != go_kind(&patch_v) {
            if !is_delete_list {
                insert_clean(&mut original, k, patch_v, opts);
            }
            continue;
        }
        let (sub, meta) = ty.field_or_untyped(&k);
        let merged = match (original.shift_remove(&k), patch_v) {
            (Some(Value::Object(o)), Value::Object(p)) => {
                if strategy(meta) == "replace" {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, sub, opts, &child)?)
                }
            }
            (Some(Value::Array(o)), Value::Array(p)) => {
                if strategy(meta) == "merge" || is_delete_list {
                    let key = meta.merge_key.as_deref().unwrap_or("");
                    Value::Array(merge_slice(
                        o,
                        p,
                        sub.items(),
                        key,
                        opts,
                        is_delete_list,
                        &child,
                    )?)
                } else {
                    Value::Array(p)
                }
            }
            (_, p) => match remove_directives(p) {
                Some(v) => v,
                None => continue,
            },
        };
        original.insert(k, merged);
    }
    Ok(original)
}

/// Add a value the original lacks: nulls dropped (when applying) and
/// directive-bearing maps removed (removeDirectives).
fn insert_clean(original: &mut Map<String, Value>, k: String, mut v: Value, opts: MergeOptions) {
    if opts.ignore_unmatched_nulls {
        discard_nulls(&mut v);
    }
    match remove_directives(v) {
        Some(v) => {
            original.insert(k, v);
        }
        None => {
            original.shift_remove(&k);
        }
    }
}

/// discardNullValuesFromPatch: drop null members of maps, recursively.
pub(crate) fn discard_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// removeDirectives: a map carrying `$patch` disappears (None), and so do
/// such maps nested inside.
pub(crate) fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE) {
                return None;
            }
            let mut out = Map::new();
            for (k, v) in m {
                if let Some(v) = remove_directives(v) {
                    out.insert(k, v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(a) => Some(Value::Array(
            a.into_iter().filter_map(remove_directives).collect(),
        )),
        other => Some(other),
    }
}

fn extract_key(s: &str, prefix: &str, path: &str) -> Result<String> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ => Err(err(
            path,
            if prefix == DELETE_FROM_PRIMITIVE_LIST {
                "invalid patch format of primitive list"
            } else {
                "invalid patch format of setElementOrder list"
            },
        )),
    }
}

/// applyRetainKeysDirective: drop every original key not listed.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    opts: MergeOptions,
    path: &str,
) -> Result<()> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS) else {
        return Ok(());
    };
    if !opts.merge_parallel_list {
        match original.get(RETAIN_KEYS) {
            Some(existing) if existing != &retain => {
                return Err(err(
                    path,
                    format!(
                        "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                        go_v(existing),
                        go_v(&retain)
                    ),
                ));
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS.into(), retain);
            }
        }
        return Ok(());
    }
    let Value::Array(list) = retain else {
        return Err(err(path, "invalid patch format of retainKeys"));
    };
    let listed = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !listed(k) {
            return Err(err(path, "invalid patch format of retainKeys"));
        }
    }
    original.retain(|k, _| listed(k));
    Ok(())
}

/// mergePatchIntoOriginal: merge every list that has a `$setElementOrder`
/// and put its elements in the order given.
fn merge_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    ty: TypeRef<'_>,
    opts: MergeOptions,
    path: &str,
) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order_v) = patch.shift_remove(&key) else {
            continue;
        };
        if !opts.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if existing != &order_v => {
                    return Err(err(path, "invalid patch format of setElementOrder list"));
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order_v.clone());
                }
            }
        }
        let Value::Array(order) = order_v else {
            return Err(err(
                path,
                format!(
                    "expected a []interface {{}}, but received a {}",
                    go_type(&order_v)
                ),
            ));
        };
        let field = extract_key(&key, SET_ELEMENT_ORDER, path)?;
        let child = format!("{path}.{field}");
        let orig_list = match original.get(&field) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => {
                return Err(err(
                    &child,
                    format!(
                        "expected a []interface {{}}, but received a {}",
                        go_type(other)
                    ),
                ));
            }
        };
        let patch_list = match patch.get(&field) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => {
                return Err(err(
                    &child,
                    format!(
                        "expected a []interface {{}}, but received a {}",
                        go_type(other)
                    ),
                ));
            }
        };
        let (sub, meta) = ty.field_or_untyped(&field);
        let merge_key = meta.merge_key.clone().unwrap_or_default();
        validate_order(
            patch_list.as_deref().unwrap_or(&[]),
            &order,
            &merge_key,
            &child,
        )?;
        let merged = match (&orig_list, &patch_list) {
            (Some(o), None) => o.clone(),
            (None, Some(p)) => match remove_directives(Value::Array(p.clone())) {
                Some(Value::Array(v)) => v,
                _ => continue,
            },
            (Some(o), Some(p)) => {
                if strategy(meta) == "merge" {
                    merge_slice(
                        o.clone(),
                        p.clone(),
                        sub.items(),
                        &merge_key,
                        opts,
                        false,
                        &child,
                    )?
                } else {
                    p.clone()
                }
            }
            (None, None) => continue,
        };
        let (patch_items, server_only) = partition(&merged, &order, &merge_key, &child)?;
        let elem = slice_element_kind(
            [
                orig_list.as_deref().unwrap_or(&[]),
                patch_list.as_deref().unwrap_or(&[]),
            ],
            &child,
        )?;
        // The server order Go uses here is its original slice *after*
        // mergeSlice shifted and appended into the same backing array.
        let server_order = match (&orig_list, &patch_list) {
            (Some(o), Some(p)) if strategy(meta) == "merge" && elem == GoKind::Map => {
                aliased_original(o, p, &merge_key)
            }
            _ => orig_list.clone().unwrap_or_default(),
        };
        let both = normalize_element_order(
            patch_items,
            server_only,
            &order,
            &server_order,
            &merge_key,
            elem,
            &child,
        )?;
        original.insert(field.clone(), Value::Array(both));
        patch.shift_remove(&field);
    }
    Ok(())
}

/// What Go's `originalFieldValue` slice reads after mergeSlice ran on it in
/// mergePatchIntoOriginal: `$patch: delete` items were removed by shifting
/// the rest left in the same backing array (deleteMatchingEntries), and new
/// items were appended into its spare capacity
/// (mergeSliceWithoutSpecialElements) until it had to grow. The capacity is
/// that of a slice `encoding/json` decoded (the next power of two), as in
/// `kubectl patch`; the apiserver's depends on how it decoded the object.
fn aliased_original(original: &[Value], patch: &[Value], merge_key: &str) -> Vec<Value> {
    let l0 = original.len();
    let cap = if l0 == 0 { 0 } else { l0.next_power_of_two() };
    let mut backing: Vec<Value> = original.to_vec();
    backing.resize(cap, Value::Null);
    let mut len = l0;
    let key_of = |v: &Value| v.get(merge_key).cloned();
    let mut replace = false;
    for item in patch {
        match item.get(DIRECTIVE).and_then(Value::as_str) {
            Some("delete") => {
                let Some(k) = key_of(item) else { continue };
                while let Some(i) = backing[..len]
                    .iter()
                    .position(|o| key_of(o).is_some_and(|ok| same_value(&ok, &k)))
                {
                    for j in i..len - 1 {
                        backing[j] = backing[j + 1].clone();
                    }
                    len -= 1;
                }
            }
            Some("replace") => replace = true,
            _ => {}
        }
    }
    if !replace {
        for item in patch.iter().filter(|i| i.get(DIRECTIVE).is_none()) {
            let Some(k) = key_of(item) else { continue };
            let found = backing[..len]
                .iter()
                .any(|o| key_of(o).is_some_and(|ok| same_value(&ok, &k)));
            if found {
                continue;
            }
            if len == cap {
                // append reallocates: later writes no longer reach the view.
                break;
            }
            backing[len] = item.clone();
            len += 1;
        }
    }
    backing.truncate(l0);
    backing
}

/// validatePatchWithSetOrderList: the patch's items must appear in the
/// order list, in the same relative order.
fn validate_order(patch: &[Value], order: &[Value], merge_key: &str, path: &str) -> Result<()> {
    if patch.is_empty() || order.is_empty() {
        return Ok(());
    }
    let non_delete: Vec<&Value> = if merge_key.is_empty() {
        patch.iter().collect()
    } else {
        let mut v = Vec::new();
        for item in patch {
            let Value::Object(m) = item else {
                return Err(err(
                    path,
                    format!(
                        "expected a map[string]interface {{}}, but received a {}",
                        go_type(item)
                    ),
                ));
            };
            if m.get(DIRECTIVE).and_then(Value::as_str) != Some("delete") {
                v.push(item);
            }
        }
        v
    };
    let (mut pi, mut oi) = (0, 0);
    while pi < non_delete.len() && oi < order.len() {
        if non_delete[pi].get(DIRECTIVE).is_some() && non_delete[pi].is_object() {
            pi += 1;
            continue;
        }
        if merge_key_equal(non_delete[pi], &order[oi], merge_key, path)? {
            pi += 1;
        }
        oi += 1;
    }
    if pi < non_delete.len() && oi >= order.len() {
        return Err(err(
            path,
            format!(
                "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
                go_v(&Value::Array(patch.to_vec())),
                go_v(&Value::Array(order.to_vec()))
            ),
        ));
    }
    Ok(())
}

fn merge_key_equal(left: &Value, right: &Value, merge_key: &str, path: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(same_value(left, right));
    }
    let l = merge_key_value(left, merge_key, path)?;
    let r = merge_key_value(right, merge_key, path)?;
    Ok(same_value(l, r))
}

fn merge_key_value<'v>(item: &'v Value, merge_key: &str, path: &str) -> Result<&'v Value> {
    let Value::Object(m) = item else {
        return Err(err(
            path,
            format!(
                "expected a map[string]interface {{}}, but received a {}",
                go_type(item)
            ),
        ));
    };
    m.get(merge_key)
        .ok_or_else(|| no_merge_key(item, merge_key, path))
}

pub(crate) fn no_merge_key(item: &Value, merge_key: &str, path: &str) -> Error {
    err(
        path,
        format!(
            "map: {} does not contain declared merge key: {merge_key}",
            go_v(item)
        ),
    )
}

/// sliceElementType: the common kind of all elements; lists of lists and
/// mixed lists are refused.
pub(crate) fn slice_element_kind<'a>(
    slices: impl IntoIterator<Item = &'a [Value]>,
    path: &str,
) -> Result<GoKind> {
    let slices: Vec<&[Value]> = slices.into_iter().collect();
    let mut prev: Option<GoKind> = None;
    for s in &slices {
        for v in *s {
            let k = go_kind(v);
            match prev {
                None => {
                    if k == GoKind::Slice {
                        return Err(err(path, "lists of lists are not supported"));
                    }
                    prev = Some(k);
                }
                Some(p) if p != k => {
                    let all: Vec<Value> = slices.iter().map(|s| Value::Array(s.to_vec())).collect();
                    return Err(err(
                        path,
                        format!(
                            "list element types are not identical: {}",
                            go_v(&Value::Array(all))
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    prev.ok_or_else(|| err(path, "no elements in any of the given slices"))
}

/// mergeSlice: merge two lists of a `merge` field.
#[allow(clippy::too_many_arguments)]
pub(crate) fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    items: TypeRef<'_>,
    merge_key: &str,
    opts: MergeOptions,
    is_delete_list: bool,
    path: &str,
) -> Result<Vec<Value>> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = slice_element_kind([original.as_slice(), patch.as_slice()], path)?;
    let (original, patch, merged) = if kind != GoKind::Map {
        if opts.merge_parallel_list && is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.iter().any(|d| same_value(d, v)))
                .collect());
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (original, patch, dedupe_scalars(both))
    } else {
        if merge_key.is_empty() {
            return Err(err(path, "cannot merge lists without merge key"));
        }
        let (original, patch) = split_special(original, patch, merge_key, path)?;
        let merged = merge_without_special(original.clone(), &patch, items, merge_key, opts, path)?;
        (original, patch, merged)
    };
    let (patch_items, server_only) = partition(&merged, &patch, merge_key, path)?;
    normalize_element_order(
        patch_items,
        server_only,
        &patch,
        &original,
        merge_key,
        kind,
        path,
    )
}

/// deduplicateScalars, with Go's swap-with-last order.
fn dedupe_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut length = s.len().saturating_sub(1);
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if same_value(&s[i], &s[j]) {
                s[j] = s[length].clone();
                s.truncate(length);
                length -= 1;
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    s
}

/// mergeSliceWithSpecialElements: apply `$patch: delete|replace` items.
fn split_special(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
    path: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut plain = Vec::new();
    let mut replace = false;
    for v in patch {
        let directive = v.get(DIRECTIVE).cloned();
        match directive {
            None => plain.push(v),
            Some(d) => match d.as_str() {
                Some("delete") => {
                    let key = v
                        .get(merge_key)
                        .ok_or_else(|| no_merge_key(&v, merge_key, path))?;
                    original.retain(|o| !o.get(merge_key).is_some_and(|ov| same_value(ov, key)));
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(err(
                        path,
                        "merging lists cannot yet be specified in the patch",
                    ));
                }
                _ => {
                    return Err(err(
                        path,
                        format!("unknown patch type: {} in map: {}", go_v(&d), go_v(&v)),
                    ));
                }
            },
        }
    }
    if replace {
        return Ok((plain, Vec::new()));
    }
    Ok((original, plain))
}

/// mergeSliceWithoutSpecialElements: merge items with the same key, append new ones.
fn merge_without_special(
    mut original: Vec<Value>,
    patch: &[Value],
    items: TypeRef<'_>,
    merge_key: &str,
    opts: MergeOptions,
    path: &str,
) -> Result<Vec<Value>> {
    for v in patch {
        let key = merge_key_value(v, merge_key, path)?;
        let child = format!("{path}[{merge_key}={}]", go_v(key));
        let found = original
            .iter()
            .position(|o| o.get(merge_key).is_some_and(|ov| same_value(ov, key)));
        let Value::Object(pm) = v else { continue };
        match found {
            Some(i) => {
                let om = match std::mem::take(&mut original[i]) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                original[i] = Value::Object(merge_map(om, pm.clone(), items, opts, &child)?);
            }
            // Appended as the patch has it, nulls and directives included,
            // as mergeSliceWithoutSpecialElements does (decoding into the Go
            // type later drops them).
            None => original.push(v.clone()),
        }
    }
    Ok(original)
}

/// Split `merged` into the items present in `by` and the server-only rest
/// (partitionPrimitivesByPresentInList / partitionMapsByPresentInList).
fn partition(
    merged: &[Value],
    by: &[Value],
    merge_key: &str,
    path: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut in_patch = Vec::new();
    let mut server_only = Vec::new();
    for v in merged {
        let present = if merge_key.is_empty() {
            by.iter().any(|b| same_value(b, v))
        } else {
            let key = merge_key_value(v, merge_key, path)?;
            let mut found = false;
            for b in by {
                if !b.is_object() {
                    return Err(err(path, "value for key is not a map"));
                }
                if b.get(merge_key).is_some_and(|bv| same_value(bv, key)) {
                    found = true;
                    break;
                }
            }
            found
        };
        if present {
            in_patch.push(v.clone());
        } else {
            server_only.push(v.clone());
        }
    }
    Ok((in_patch, server_only))
}

fn index_of(list: &[Value], v: &Value, merge_key: &str, kind: GoKind) -> Option<usize> {
    let get = |item: &'_ Value| -> Value {
        if kind == GoKind::Map {
            item.get(merge_key).cloned().unwrap_or(Value::Null)
        } else {
            item.clone()
        }
    };
    let needle = get(v);
    list.iter().position(|item| same_value(&get(item), &needle))
}

/// normalizeElementOrder: patch items in patch order, server-only items in
/// server order, then interleaved by server order where both are known.
pub(crate) fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: GoKind,
    path: &str,
) -> Result<Vec<Value>> {
    let patch = normalize_slice_order(patch, patch_order, merge_key, kind, path)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, kind, path)?;
    // mergeSortedSlice
    let mut out = Vec::with_capacity(patch.len() + server_only.len());
    let (mut i, mut j) = (0, 0);
    while i < server_only.len() || j < patch.len() {
        if i >= server_only.len() {
            out.push(patch[j].clone());
            j += 1;
        } else if j >= patch.len() {
            out.push(server_only[i].clone());
            i += 1;
        } else {
            let li = index_of(server_order, &server_only[i], merge_key, kind);
            let ri = index_of(server_order, &patch[j], merge_key, kind);
            match (li, ri) {
                (Some(l), Some(r)) if l < r => {
                    out.push(server_only[i].clone());
                    i += 1;
                }
                _ => {
                    out.push(patch[j].clone());
                    j += 1;
                }
            }
        }
    }
    Ok(out)
}

/// normalizeSliceOrder: stable sort by position in `order`; `$patch: delete`
/// items go last.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: GoKind,
    path: &str,
) -> Result<Vec<Value>> {
    let (mut keep, deletes): (Vec<Value>, Vec<Value>) = if kind == GoKind::Map {
        for v in to_sort.iter().chain(order) {
            merge_key_value(v, merge_key, path)?;
        }
        to_sort
            .into_iter()
            .partition(|v| v.get(DIRECTIVE).and_then(Value::as_str) != Some("delete"))
    } else {
        (to_sort, Vec::new())
    };
    keep.sort_by_key(|v| index_of(order, v, merge_key, kind).unwrap_or(usize::MAX));
    keep.extend(deletes);
    Ok(keep)
}

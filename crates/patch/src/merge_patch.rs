//! RFC 7386 JSON merge patch: applying one (`application/merge-patch+json`)
//! and computing the three-way patch helm and kubectl send for types without
//! a strategic-merge schema (custom resources).
//!
//! Applying follows gopkg.in/evanphx/json-patch.v4 `merge.go` (what the
//! apiserver runs); computing follows k8s.io/apimachinery
//! `pkg/util/jsonmergepatch/patch.go` `CreateThreeWayJSONMergePatch`, which
//! builds on the same library's `CreateMergePatch`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Apply a JSON merge patch to `doc`.
///
/// A `null` in the patch deletes the key; objects merge recursively; anything
/// else (arrays included) replaces. New subtrees have their `null`s removed,
/// except inside arrays, as the Go library does.
///
/// # Errors
/// [`Error::MergePatch`] ("Invalid JSON Patch", as Go words it) when the
/// patch is `null` or a scalar.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value> {
    match patch {
        Value::Null => Err(Error::MergePatch {
            path: String::new(),
            message: "Invalid JSON Patch".into(),
        }),
        Value::Object(p) => match doc {
            Value::Object(d) => {
                let mut out = d.clone();
                merge_docs(&mut out, p);
                Ok(Value::Object(out))
            }
            // A document that is not an object is replaced by the patch.
            _ => {
                let mut out = patch.clone();
                prune_nulls(&mut out);
                Ok(out)
            }
        },
        Value::Array(_) => {
            let mut out = patch.clone();
            prune_nulls(&mut out);
            Ok(out)
        }
        // Neither an object nor an array: Go fails to decode it as either.
        _ => Err(Error::MergePatch {
            path: String::new(),
            message: "Invalid JSON Patch".into(),
        }),
    }
}

fn merge_docs(doc: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        if v.is_null() {
            doc.shift_remove(k);
            continue;
        }
        match doc.get_mut(k) {
            Some(cur) if !cur.is_null() => merge_value(cur, v),
            _ => {
                let mut v = v.clone();
                prune_nulls(&mut v);
                doc.insert(k.clone(), v);
            }
        }
    }
}

fn merge_value(cur: &mut Value, patch: &Value) {
    match (cur.as_object_mut(), patch) {
        (Some(c), Value::Object(p)) => merge_docs(c, p),
        // The current value is not an object: the patch replaces it, pruned.
        (None, _) => {
            let mut v = patch.clone();
            prune_nulls(&mut v);
            *cur = v;
        }
        // The patch is not an object: it replaces the value as it is.
        (Some(_), _) => *cur = patch.clone(),
    }
}

/// Remove `null` members of objects, recursively; arrays keep their `null`
/// elements but have the objects inside them pruned.
fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(prune_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

/// The merge patch that turns `original` into `modified` (evanphx
/// `CreateMergePatch` for two objects): changed keys with their new value,
/// removed keys as `null`, nested objects diffed recursively, arrays whole.
pub fn diff(original: &Map<String, Value>, modified: &Map<String, Value>) -> Map<String, Value> {
    let mut into = Map::new();
    for (key, bv) in modified {
        match original.get(key) {
            None => {
                into.insert(key.clone(), bv.clone());
            }
            Some(Value::Object(a)) => match bv {
                Value::Object(b) => {
                    let d = diff(a, b);
                    if !d.is_empty() {
                        into.insert(key.clone(), Value::Object(d));
                    }
                }
                _ => {
                    into.insert(key.clone(), bv.clone());
                }
            },
            Some(av) => {
                if !same_value(av, bv) {
                    into.insert(key.clone(), bv.clone());
                }
            }
        }
    }
    for key in original.keys() {
        if !modified.contains_key(key) {
            into.insert(key.clone(), Value::Null);
        }
    }
    into
}

/// Value equality with Go's float64 view of numbers (`1` equals `1.0`).
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// The three-way JSON merge patch helm (client-side apply, `csa`) and
/// `kubectl apply` send for objects without a strategic-merge schema:
/// additions and changes from `current` to `modified`, plus deletions of the
/// fields that were in `original` (the last applied configuration) and are
/// no longer in `modified`. Fields others added to the live object and that
/// `original` never had are left alone.
///
/// A missing `original` is treated as `{}`. Object keys come out sorted,
/// as Go's JSON encoder writes the patch.
///
/// # Errors
/// [`Error::MergePatch`] when an argument is not a JSON object, or when the
/// two halves of the patch conflict (never for well-formed input: Go keeps
/// the check, so do we).
pub fn three_way(original: Option<&Value>, modified: &Value, current: &Value) -> Result<Value> {
    let empty = Value::Object(Map::new());
    let as_obj = |v: &'_ Value, what: &str| -> Result<Map<String, Value>> {
        match v {
            Value::Object(m) => Ok(m.clone()),
            Value::Null => Ok(Map::new()),
            _ => Err(Error::MergePatch {
                path: what.to_string(),
                message: "Invalid JSON Document".into(),
            }),
        }
    };
    let original = as_obj(original.unwrap_or(&empty), "original")?;
    let modified = as_obj(modified, "modified")?;
    let current = as_obj(current, "current")?;
    let add_and_change = keep_or_delete_null(&diff(&current, &modified), false);
    let deletions = keep_or_delete_null(&diff(&original, &modified), true);
    if let Some(path) = conflict(&add_and_change, &deletions, "") {
        return Err(Error::MergePatch {
            path,
            message: "patch conflict between additions and deletions".into(),
        });
    }
    let mut out = deletions;
    // MergePatch(deletePatch, addAndChangePatch): no nulls left in the second.
    merge_docs(&mut out, &add_and_change);
    // Keys in Go's encoding order, so the bytes sent match helm's.
    Ok(crate::gofmt::sorted_keys(&Value::Object(out)))
}

/// Keep only the `null`s (deletions) or only the non-nulls (additions and
/// changes) of a merge patch, dropping objects left empty; an explicitly
/// empty object is a value, kept only among the additions.
fn keep_or_delete_null(m: &Map<String, Value>, keep_null: bool) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in m {
        match v {
            Value::Null if keep_null => {
                out.insert(k.clone(), Value::Null);
            }
            Value::Null => {}
            Value::Object(sub) if sub.is_empty() => {
                if !keep_null {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Object(sub) => {
                let f = keep_or_delete_null(sub, keep_null);
                if !f.is_empty() {
                    out.insert(k.clone(), Value::Object(f));
                }
            }
            _ => {
                if !keep_null {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    out
}

/// mergepatch.HasConflicts for two patches: the first path where both set a
/// key to values of different shape or different scalar value.
fn conflict(left: &Map<String, Value>, right: &Map<String, Value>, at: &str) -> Option<String> {
    for (k, lv) in left {
        let Some(rv) = right.get(k) else { continue };
        let path = format!("{at}.{k}");
        match (lv, rv) {
            (Value::Object(a), Value::Object(b)) => {
                if let Some(p) = conflict(a, b, &path) {
                    return Some(p);
                }
            }
            _ if !same_value(lv, rv) => return Some(path),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc7386_examples() {
        // The table in RFC 7386 appendix A.
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (doc, patch, want) in cases {
            assert_eq!(apply(&doc, &patch).unwrap(), want, "{doc} + {patch}");
        }
        assert!(apply(&json!({}), &Value::Null).is_err());
        assert_eq!(
            apply(&json!({}), &json!(1)).unwrap_err().api_message(),
            "Invalid JSON Patch"
        );
        assert_eq!(
            apply(&json!({}), &json!([{"a": null}, null])).unwrap(),
            json!([{}, null])
        );
    }

    #[test]
    fn diff_marks_removed_keys_null() {
        let d = diff(
            json!({"a": 1, "b": {"c": 1, "d": 2}, "l": [1]})
                .as_object()
                .unwrap(),
            json!({"b": {"c": 1, "d": 3}, "l": [1], "n": 1.0})
                .as_object()
                .unwrap(),
        );
        assert_eq!(
            Value::Object(d),
            json!({"b": {"d": 3}, "n": 1.0, "a": null})
        );
    }

    #[test]
    fn three_way_deletes_only_what_was_applied_before() {
        let original = json!({"spec": {"a": 1, "b": 2}});
        let modified = json!({"spec": {"a": 1, "c": 3}});
        let current = json!({"spec": {"a": 5, "b": 2, "other": "kept"}, "status": {"x": 1}});
        let p = three_way(Some(&original), &modified, &current).unwrap();
        assert_eq!(p, json!({"spec": {"b": null, "a": 1, "c": 3}}));
        let applied = apply(&current, &p).unwrap();
        assert_eq!(
            applied,
            json!({"spec": {"a": 1, "other": "kept", "c": 3}, "status": {"x": 1}})
        );
    }

    #[test]
    fn three_way_without_original_never_deletes() {
        let p = three_way(None, &json!({"a": 1}), &json!({"b": 2})).unwrap();
        assert_eq!(p, json!({"a": 1}));
    }
}

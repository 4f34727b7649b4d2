//! RFC 6902 JSON patch, as the apiserver applies `application/json-patch+json`.
//!
//! Kubernetes uses gopkg.in/evanphx/json-patch.v4 (`patch.go`), whose
//! behaviour differs from the RFC in ways clients can observe, and which we
//! keep: negative array indices count from the end, `replace` of a missing
//! object key adds it, `test` of a missing key with a `null` (or absent)
//! value succeeds, a path without a leading `/` is read as if it had one,
//! and an operation without `value` uses `null`. Error messages are the
//! library's, which the apiserver returns verbatim (422 for a failed
//! operation, 400 for an undecodable patch).

use serde_json::Value;

use crate::error::{Error, Result};

/// Apply a JSON patch document to `doc` and return the patched copy.
///
/// # Errors
/// [`Error::DecodeJsonPatch`] if `patch` is not an array of objects;
/// [`Error::ApplyJsonPatch`] (with evanphx/json-patch's message) when an
/// operation does not apply. Operations before the failing one are not
/// visible to the caller: `doc` is never modified.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value> {
    let ops = decode(patch)?;
    let mut out = doc.clone();
    for (index, op) in ops.iter().enumerate() {
        apply_op(&mut out, op).map_err(|(path, message)| Error::ApplyJsonPatch {
            index,
            path,
            message,
        })?;
    }
    Ok(out)
}

/// The apiserver refuses longer patches (413, `maxJSONPatchOperations`).
const MAX_OPERATIONS: usize = 10000;

/// One decoded operation; fields keep Go's distinction between absent and null.
struct Op<'a> {
    kind: String,
    path: Option<Result<&'a str, String>>,
    from: Option<Result<&'a str, String>>,
    value: Option<&'a Value>,
}

fn decode(patch: &Value) -> Result<Vec<Op<'_>>> {
    let Value::Array(items) = patch else {
        return Err(Error::DecodeJsonPatch {
            index: None,
            message: format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                go_kind(patch)
            ),
        });
    };
    if items.len() > MAX_OPERATIONS {
        return Err(Error::DecodeJsonPatch {
            index: None,
            message: format!(
                "The allowed maximum operations in a JSON patch is {MAX_OPERATIONS}, got {}",
                items.len()
            ),
        });
    }
    let mut ops = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Value::Object(o) = item else {
            return Err(Error::DecodeJsonPatch {
                index: Some(index),
                message: format!(
                    "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                    go_kind(item)
                ),
            });
        };
        let string_field = |name: &str| match o.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(Ok(s.as_str())),
            Some(other) => Some(Err(format!(
                "json: cannot unmarshal {} into Go value of type string",
                go_kind(other)
            ))),
        };
        ops.push(Op {
            kind: match o.get("op") {
                Some(Value::String(s)) => s.clone(),
                _ => "unknown".to_string(),
            },
            path: string_field("path"),
            from: string_field("from"),
            value: o.get("value"),
        });
    }
    Ok(ops)
}

/// The JSON kind name Go's decoder uses in type errors.
fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

const MISSING: &str = "missing value";
const INVALID_INDEX: &str = "invalid index referenced";

type OpResult = std::result::Result<(), (String, String)>;

fn apply_op(doc: &mut Value, op: &Op<'_>) -> OpResult {
    match op.kind.as_str() {
        "add" => add(doc, op),
        "remove" => remove(doc, op),
        "replace" => replace(doc, op),
        "move" => move_op(doc, op),
        "test" => test(doc, op),
        "copy" => copy(doc, op),
        other => Err((String::new(), format!("Unexpected kind: {other}"))),
    }
}

/// The operation's path, or the message when it is missing.
fn path_of<'a>(op: &Op<'a>, missing: &str) -> std::result::Result<&'a str, (String, String)> {
    match &op.path {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err((String::new(), format!("{missing}: {e}"))),
        None => Err((String::new(), format!("{missing}: {MISSING}"))),
    }
}

fn from_of<'a>(op: &Op<'a>, missing: &str) -> std::result::Result<&'a str, (String, String)> {
    match &op.from {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err((String::new(), format!("{missing}: {e}"))),
        None => Err((
            String::new(),
            format!("{missing}: operation, missing from field: {MISSING}"),
        )),
    }
}

fn value_of(op: &Op<'_>) -> Value {
    op.value.cloned().unwrap_or(Value::Null)
}

/// RFC 6901 unescaping of one reference token.
fn decode_key(part: &str) -> String {
    part.replace("~1", "/").replace("~0", "~")
}

/// Walk to the container holding the last token of `path` (findObject in
/// patch.go): every token but the last must name an existing object or array.
fn find_container<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let key = decode_key(part);
        let next = match cur {
            Value::Object(m) => m.get_mut(&key)?,
            Value::Array(a) => {
                let i = array_index(a.len(), &key, false).ok()?;
                a.get_mut(i)?
            }
            _ => return None,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        cur = next;
    }
    Some((cur, decode_key(split[split.len() - 1])))
}

/// Go's strconv.Atoi message for a bad index.
fn atoi(key: &str) -> std::result::Result<i64, String> {
    let digits = key.strip_prefix(['+', '-']).unwrap_or(key);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {key:?}: invalid syntax"));
    }
    key.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {key:?}: value out of range"))
}

/// Resolve an index into an array of `len` elements; `insert` allows `len`.
fn array_index(len: usize, key: &str, insert: bool) -> std::result::Result<usize, String> {
    let idx = atoi(key)?;
    let size = if insert { len as i64 + 1 } else { len as i64 };
    let invalid = || format!("Unable to access invalid index: {idx}: {INVALID_INDEX}");
    let resolved = if idx < 0 {
        if idx < -size {
            return Err(invalid());
        }
        idx + size
    } else {
        idx
    };
    if resolved >= size {
        return Err(invalid());
    }
    usize::try_from(resolved).map_err(|_| invalid())
}

/// `get` of a container: `Ok(None)` for an absent object key, as in Go.
fn get<'a>(con: &'a Value, key: &str) -> std::result::Result<Option<&'a Value>, String> {
    match con {
        Value::Object(m) => Ok(m.get(key)),
        Value::Array(a) => {
            let idx = atoi(key)?;
            let i = if idx < 0 {
                if idx < -(a.len() as i64) {
                    return Err(format!(
                        "Unable to access invalid index: {idx}: {INVALID_INDEX}"
                    ));
                }
                idx + a.len() as i64
            } else {
                idx
            };
            usize::try_from(i)
                .ok()
                .and_then(|i| a.get(i))
                .map(Some)
                .ok_or_else(|| format!("Unable to access invalid index: {idx}: {INVALID_INDEX}"))
        }
        _ => Ok(None),
    }
}

fn con_add(con: &mut Value, key: &str, val: Value) -> std::result::Result<(), String> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(val);
                return Ok(());
            }
            let i = array_index(a.len(), key, true).map_err(|e| {
                if e.starts_with("strconv") {
                    format!("value was not a proper array index: '{key}': {e}")
                } else {
                    e
                }
            })?;
            a.insert(i, val);
            Ok(())
        }
        _ => Err(format!("unknown object type: {key}")),
    }
}

fn con_remove(con: &mut Value, key: &str) -> std::result::Result<Value, String> {
    match con {
        Value::Object(m) => m
            .shift_remove(key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: {MISSING}")),
        Value::Array(a) => {
            let i = array_index(a.len(), key, false)?;
            Ok(a.remove(i))
        }
        _ => Err(format!("unknown object type: {key}")),
    }
}

fn add(doc: &mut Value, op: &Op<'_>) -> OpResult {
    let path = match &op.path {
        Some(Ok(p)) => *p,
        _ => {
            return Err((
                String::new(),
                format!("add operation failed to decode path: {MISSING}"),
            ));
        }
    };
    let Some((con, key)) = find_container(doc, path) else {
        return Err((
            path.into(),
            format!("add operation does not apply: doc is missing path: \"{path}\": {MISSING}"),
        ));
    };
    con_add(con, &key, value_of(op))
        .map_err(|e| (path.into(), format!("error in add for path: '{path}': {e}")))
}

fn remove(doc: &mut Value, op: &Op<'_>) -> OpResult {
    let path = match &op.path {
        Some(Ok(p)) => *p,
        _ => {
            return Err((
                String::new(),
                format!("remove operation failed to decode path: {MISSING}"),
            ));
        }
    };
    let Some((con, key)) = find_container(doc, path) else {
        return Err((
            path.into(),
            format!("remove operation does not apply: doc is missing path: \"{path}\": {MISSING}"),
        ));
    };
    con_remove(con, &key).map(|_| ()).map_err(|e| {
        (
            path.into(),
            format!("error in remove for path: '{path}': {e}"),
        )
    })
}

fn replace(doc: &mut Value, op: &Op<'_>) -> OpResult {
    let path = path_of(op, "replace operation failed to decode path")?;
    if path.is_empty() {
        let val = value_of(op);
        if !matches!(val, Value::Object(_) | Value::Array(_)) {
            return Err((
                String::new(),
                "replace operation value must be object or array: <nil>".into(),
            ));
        }
        *doc = val;
        return Ok(());
    }
    let Some((con, key)) = find_container(doc, path) else {
        return Err((
            path.into(),
            format!("replace operation does not apply: doc is missing path: {path}: {MISSING}"),
        ));
    };
    if get(con, &key).is_err() {
        return Err((
            path.into(),
            format!("replace operation does not apply: doc is missing key: {path}: {MISSING}"),
        ));
    }
    let val = value_of(op);
    match con {
        Value::Object(m) => {
            m.insert(key, val);
        }
        Value::Array(a) => {
            let i = array_index(a.len(), &key, false).map_err(|e| {
                (
                    path.to_string(),
                    format!("error in remove for path: '{path}': {e}"),
                )
            })?;
            a[i] = val;
        }
        _ => {}
    }
    Ok(())
}

fn move_op(doc: &mut Value, op: &Op<'_>) -> OpResult {
    let from = from_of(op, "move operation failed to decode from")?;
    let Some((con, key)) = find_container(doc, from) else {
        return Err((
            from.into(),
            format!("move operation does not apply: doc is missing from path: {from}: {MISSING}"),
        ));
    };
    if let Err(e) = get(con, &key) {
        return Err((from.into(), format!("error in move for path: '{key}': {e}")));
    }
    let val = con_remove(con, &key).map_err(|e| {
        (
            from.to_string(),
            format!("error in move for path: '{key}': {e}"),
        )
    })?;
    let path = path_of(op, "move operation failed to decode path")?;
    let Some((con, key)) = find_container(doc, path) else {
        return Err((
            path.into(),
            format!(
                "move operation does not apply: doc is missing destination path: {path}: {MISSING}"
            ),
        ));
    };
    con_add(con, &key, val).map_err(|e| {
        (
            path.into(),
            format!("error in move for path: '{path}': {e}"),
        )
    })
}

fn test(doc: &mut Value, op: &Op<'_>) -> OpResult {
    let path = path_of(op, "test operation failed to decode path")?;
    let failed = || {
        (
            path.to_string(),
            format!("testing value {path} failed: test failed"),
        )
    };
    if path.is_empty() {
        return if op.value == Some(&*doc) {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let Some((con, key)) = find_container(doc, path) else {
        return Err((
            path.into(),
            format!("test operation does not apply: is missing path: {path}: {MISSING}"),
        ));
    };
    let current = get(con, &key).map_err(|e| {
        (
            path.to_string(),
            format!("error in test for path: '{path}': {e}"),
        )
    })?;
    // A missing key and an explicit null both read as Go's nil node.
    let current = current.filter(|v| !v.is_null());
    let wanted = op.value.filter(|v| !v.is_null());
    match (current, wanted) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) if a == b => Ok(()),
        _ => Err(failed()),
    }
}

fn copy(doc: &mut Value, op: &Op<'_>) -> OpResult {
    let from = from_of(op, "copy operation failed to decode from")?;
    let Some((con, key)) = find_container(doc, from) else {
        return Err((
            from.into(),
            format!("copy operation does not apply: doc is missing from path: {from}: {MISSING}"),
        ));
    };
    let val = get(con, &key)
        .map_err(|e| {
            (
                from.to_string(),
                format!("error in copy for from: '{from}': {e}"),
            )
        })?
        .cloned()
        .unwrap_or(Value::Null);
    let path = match &op.path {
        Some(Ok(p)) => *p,
        _ => {
            return Err((
                String::new(),
                format!("copy operation failed to decode path: {MISSING}"),
            ));
        }
    };
    let Some((con, key)) = find_container(doc, path) else {
        return Err((
            path.into(),
            format!(
                "copy operation does not apply: doc is missing destination path: {path}: {MISSING}"
            ),
        ));
    };
    con_add(con, &key, val).map_err(|e| {
        (
            path.into(),
            format!("error while adding value during copy: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value, patch: Value) -> Result<Value> {
        apply(&doc, &patch)
    }

    #[test]
    fn add_remove_replace() {
        let out = run(
            json!({"a": {"b": [1, 2]}, "c": 1}),
            json!([
                {"op": "add", "path": "/a/b/1", "value": 9},
                {"op": "add", "path": "/a/b/-", "value": 3},
                {"op": "remove", "path": "/c"},
                {"op": "replace", "path": "/a/b/0", "value": 0},
                {"op": "add", "path": "/d~1e", "value": {"x": null}}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"a": {"b": [0, 9, 2, 3]}, "d/e": {"x": null}}));
    }

    #[test]
    fn negative_indices_count_from_the_end() {
        let out = run(
            json!({"a": [1, 2, 3]}),
            json!([{"op": "remove", "path": "/a/-1"}]),
        )
        .unwrap();
        assert_eq!(out, json!({"a": [1, 2]}));
    }

    #[test]
    fn go_library_quirks() {
        // replace of a missing key adds it (v4 partialDoc.get never fails)
        let out = run(
            json!({}),
            json!([{"op": "replace", "path": "/x", "value": 1}]),
        )
        .unwrap();
        assert_eq!(out, json!({"x": 1}));
        // test of a missing key against null succeeds
        run(
            json!({}),
            json!([{"op": "test", "path": "/x", "value": null}]),
        )
        .unwrap();
    }

    #[test]
    fn error_texts() {
        let msg = |doc: Value, patch: Value| run(doc, patch).unwrap_err().to_string();
        assert_eq!(
            msg(json!({}), json!([{"op": "remove", "path": "/x"}])),
            "error in remove for path: '/x': Unable to remove nonexistent key: x: missing value"
        );
        assert_eq!(
            msg(
                json!({}),
                json!([{"op": "add", "path": "/a/b", "value": 1}])
            ),
            "add operation does not apply: doc is missing path: \"/a/b\": missing value"
        );
        assert_eq!(
            msg(
                json!({"a": 1}),
                json!([{"op": "test", "path": "/a", "value": 2}])
            ),
            "testing value /a failed: test failed"
        );
        assert_eq!(
            msg(
                json!({"a": [1]}),
                json!([{"op": "add", "path": "/a/5", "value": 2}])
            ),
            "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced"
        );
        assert_eq!(
            msg(
                json!({"a": [1]}),
                json!([{"op": "replace", "path": "/a/3", "value": 2}])
            ),
            "replace operation does not apply: doc is missing key: /a/3: missing value"
        );
        assert_eq!(
            msg(json!({}), json!([{"op": "bogus", "path": "/a"}])),
            "Unexpected kind: bogus"
        );
        assert_eq!(
            msg(json!({}), json!({"op": "add"})),
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        );
    }

    #[test]
    fn too_many_operations() {
        let ops = vec![json!({"op": "test", "path": "/a", "value": 1}); MAX_OPERATIONS + 1];
        let e = run(json!({"a": 1}), Value::Array(ops)).unwrap_err();
        assert_eq!(e.http_status(), 413);
        assert_eq!(
            e.to_string(),
            "The allowed maximum operations in a JSON patch is 10000, got 10001"
        );
    }

    #[test]
    fn move_and_copy() {
        let out = run(
            json!({"a": {"x": 1}, "b": []}),
            json!([
                {"op": "copy", "from": "/a/x", "path": "/b/-"},
                {"op": "move", "from": "/a", "path": "/c"}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"b": [1], "c": {"x": 1}}));
    }

    #[test]
    fn failure_leaves_input_untouched() {
        let doc = json!({"a": 1});
        assert!(
            apply(
                &doc,
                &json!([{"op": "remove", "path": "/a"}, {"op": "remove", "path": "/a"}])
            )
            .is_err()
        );
        assert_eq!(doc, json!({"a": 1}));
    }
}

//! `metadata.managedFields`: decoding, the per-manager sets, encoding in
//! the apiserver's order, and capping the number of Update entries
//! (k8s.io/apimachinery `pkg/util/managedfields/internal`
//! `managedfields.go`, `stripmeta.go`, `capmanagers.go`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::managed::{FieldSet, PathElement};

pub(super) fn identifier(
    manager: &str,
    operation: &str,
    api_version: &str,
    sub: Option<&str>,
) -> String {
    let mut m = Map::new();
    m.insert("manager".into(), Value::String(manager.into()));
    m.insert("operation".into(), Value::String(operation.into()));
    if operation != "Apply" {
        m.insert("apiVersion".into(), Value::String(api_version.into()));
    }
    if let Some(s) = sub {
        m.insert("subresource".into(), Value::String(s.into()));
    }
    serde_json::to_string(&Value::Object(m)).unwrap_or_default()
}

/// One decoded `managedFields` entry.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) manager: String,
    pub(super) operation: String,
    pub(super) api_version: String,
    pub(super) time: Option<String>,
    pub(super) subresource: Option<String>,
    pub(super) set: FieldSet,
}

impl Entry {
    pub(super) fn key(&self) -> (String, String, String, Option<String>) {
        let av = if self.operation == "Apply" {
            String::new()
        } else {
            self.api_version.clone()
        };
        (
            self.manager.clone(),
            self.operation.clone(),
            av,
            self.subresource.clone(),
        )
    }
}

pub(super) type Key = (String, String, String, Option<String>);

pub(super) fn managed_err(path: String, message: impl Into<String>) -> Error {
    Error::ManagedFields {
        path,
        message: message.into(),
    }
}

/// Decode `metadata.managedFields` (DecodeManagedFields).
pub(super) fn decode(obj: &Value) -> Result<Vec<Entry>> {
    let Some(list) = obj.pointer("/metadata/managedFields") else {
        return Ok(Vec::new());
    };
    let Value::Array(list) = list else {
        if list.is_null() {
            return Ok(Vec::new());
        }
        return Err(managed_err(
            ".metadata.managedFields".into(),
            "must be a list",
        ));
    };
    let mut out = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let at = format!(".metadata.managedFields[{i}]");
        let s = |k: &str| e.get(k).and_then(Value::as_str).map(String::from);
        let operation = s("operation").unwrap_or_default();
        if operation != "Apply" && operation != "Update" {
            return Err(managed_err(at, "operation must be `Apply` or `Update`"));
        }
        let api_version = s("apiVersion").unwrap_or_default();
        if api_version.is_empty() {
            return Err(managed_err(at, "apiVersion must not be empty"));
        }
        match s("fieldsType").as_deref() {
            Some("FieldsV1") => {}
            None | Some("") => {
                return Err(managed_err(
                    at,
                    format!("missing fieldsType in managed fields entry {i}"),
                ));
            }
            Some(other) => {
                return Err(managed_err(
                    at,
                    format!("invalid fieldsType {other:?} in managed fields entry {i}"),
                ));
            }
        }
        let set = match e.get("fieldsV1") {
            Some(v) if !v.is_null() => FieldSet::from_fields_v1(v)?,
            _ => FieldSet::new(),
        };
        out.push(Entry {
            manager: s("manager").unwrap_or_default(),
            operation,
            api_version,
            time: s("time"),
            subresource: s("subresource").filter(|s| !s.is_empty()),
            set,
        });
    }
    Ok(out)
}

/// The managers of an object, one set per identifier.
pub(super) struct Managed {
    pub(super) entries: BTreeMap<Key, Entry>,
}

impl Managed {
    pub(super) fn from_entries(list: Vec<Entry>) -> Managed {
        let mut entries = BTreeMap::new();
        for e in list {
            entries.insert(e.key(), e);
        }
        Managed { entries }
    }

    pub(super) fn union_all(&self) -> FieldSet {
        self.entries
            .values()
            .fold(FieldSet::new(), |acc, e| acc.union(&e.set))
    }

    /// The encoded, sorted list (encodeManagedFields + sortEncodedManagedFields).
    pub(super) fn encode(&self) -> Vec<Value> {
        let mut list: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| !e.set.is_empty())
            .collect();
        list.sort_by(|p, q| {
            p.operation
                .cmp(&q.operation)
                .then_with(|| unix_seconds(p.time.as_deref()).cmp(&unix_seconds(q.time.as_deref())))
                .then_with(|| p.manager.cmp(&q.manager))
                .then_with(|| p.api_version.cmp(&q.api_version))
                .then_with(|| {
                    p.subresource
                        .as_deref()
                        .unwrap_or("")
                        .cmp(q.subresource.as_deref().unwrap_or(""))
                })
        });
        list.into_iter()
            .map(|e| {
                let mut m = Map::new();
                m.insert("manager".into(), Value::String(e.manager.clone()));
                m.insert("operation".into(), Value::String(e.operation.clone()));
                m.insert("apiVersion".into(), Value::String(e.api_version.clone()));
                if let Some(t) = &e.time {
                    m.insert("time".into(), Value::String(t.clone()));
                }
                m.insert("fieldsType".into(), Value::String("FieldsV1".into()));
                m.insert("fieldsV1".into(), e.set.to_fields_v1());
                if let Some(s) = &e.subresource {
                    m.insert("subresource".into(), Value::String(s.clone()));
                }
                Value::Object(m)
            })
            .collect()
    }
}

/// Whole seconds since the epoch of an RFC 3339 time, as Go's `Time.Unix`
/// (0 for a missing or unreadable time, as for a nil time in Go's sort).
pub(super) fn unix_seconds(t: Option<&str>) -> i64 {
    t.and_then(parse_rfc3339).unwrap_or(0)
}

pub(super) fn parse_rfc3339(t: &str) -> Option<i64> {
    let num = |s: &str| s.parse::<i64>().ok();
    let (date, rest) = t.split_once(['T', 't'])?;
    let mut d = date.splitn(3, '-');
    let (y, m, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..)?.split_once(':')?;
        (c, sign * (num(oh)? * 3600 + num(om)? * 60))
    };
    let clock = clock.split('.').next()?;
    let mut c = clock.splitn(3, ':');
    let (h, mi, sec) = (num(c.next()?)?, num(c.next()?)?, num(c.next()?)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// The fields the apiserver never records as owned (stripmeta.go).
pub(super) fn strip_set() -> FieldSet {
    let f = |s: &str| PathElement::Field(s.to_string());
    let mut set = FieldSet::new();
    set.insert(&[f("apiVersion")]);
    set.insert(&[f("kind")]);
    set.insert(&[f("metadata")]);
    for n in [
        "name",
        "namespace",
        "creationTimestamp",
        "selfLink",
        "uid",
        "clusterName",
        "generation",
        "managedFields",
        "resourceVersion",
    ] {
        set.insert(&[f("metadata"), f(n)]);
    }
    set
}

/// The object without `metadata.managedFields`.
pub(super) fn without_managed_fields(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.shift_remove("managedFields");
    }
    v
}

/// Put the encoded entries into the object's metadata (none: no key).
pub(super) fn with_managed_fields(mut obj: Value, managed: &Managed) -> Value {
    let encoded = managed.encode();
    if let Value::Object(root) = &mut obj {
        let meta = root
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = meta {
            if encoded.is_empty() {
                m.shift_remove("managedFields");
            } else {
                m.insert("managedFields".into(), Value::Array(encoded));
            }
        }
    }
    obj
}

/// How many Update entries the apiserver keeps before folding the oldest
/// into one `ancient-changes` entry (DefaultMaxUpdateManagers).
pub(super) const MAX_UPDATE_MANAGERS: usize = 10;

/// capmanagers.go: when there are more than ten Update entries, fold the
/// oldest ones, per API version, into one `ancient-changes` entry.
pub(super) fn cap_managers(managed: &mut Managed) {
    let mut updaters: Vec<(i64, String, Key)> = managed
        .entries
        .iter()
        .filter(|(_, e)| e.operation == "Update")
        .map(|(k, e)| {
            let id = identifier(
                &e.manager,
                &e.operation,
                &e.api_version,
                e.subresource.as_deref(),
            );
            (unix_seconds(e.time.as_deref()), id, k.clone())
        })
        .collect();
    if updaters.len() <= MAX_UPDATE_MANAGERS {
        return;
    }
    updaters.sort();
    let mut length = updaters.len();
    let mut first_by_version: BTreeMap<String, Key> = BTreeMap::new();
    for (_, _, key) in updaters {
        if length <= MAX_UPDATE_MANAGERS {
            break;
        }
        let Some(e) = managed.entries.get(&key).cloned() else {
            continue;
        };
        let bucket: Key = (
            "ancient-changes".into(),
            "Update".into(),
            e.api_version.clone(),
            None,
        );
        let Some(first) = first_by_version.get(&e.api_version).cloned() else {
            first_by_version.insert(e.api_version.clone(), key);
            continue;
        };
        if !managed.entries.contains_key(&bucket)
            && let Some(f) = managed.entries.remove(&first)
        {
            managed.entries.insert(
                bucket.clone(),
                Entry {
                    manager: "ancient-changes".into(),
                    subresource: None,
                    ..f
                },
            );
        }
        managed.entries.remove(&key);
        if let Some(b) = managed.entries.get_mut(&bucket) {
            b.set = e.set.union(&b.set);
            b.time = e.time.clone();
        }
        length -= 1;
    }
}

//! Object storage: every object keyed by `(group, resource, namespace, name)`, one global
//! monotonically increasing `resourceVersion`, and a bounded history of change events that
//! watches replay from.
//!
//! # Guarantees
//! - Every write gets a `resourceVersion` strictly greater than every earlier one, and the
//!   write, its history event and (with `--data`) its fsynced log record happen under one
//!   lock, so watchers see changes in exactly the order clients were told about them.
//! - A watch that asks for a version older than the history keeps is told so (410 Expired)
//!   instead of silently missing events.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::persist::Log;
use crate::status::ApiError;
use crate::util::metadata_mut;

/// Where an object lives.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub(crate) struct Key {
    pub(crate) group: String,
    pub(crate) resource: String,
    /// Empty for cluster-scoped objects.
    pub(crate) namespace: String,
    pub(crate) name: String,
}

impl Key {
    /// A key from its four parts.
    pub(crate) fn new(group: &str, resource: &str, namespace: &str, name: &str) -> Self {
        Key {
            group: group.to_string(),
            resource: resource.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

/// The kind of change a watch event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    Added,
    Modified,
    Deleted,
}

/// One change, as kept in the watch history.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) rv: u64,
    pub(crate) kind: EventType,
    pub(crate) key: Key,
    /// The object after the change (for deletions: the last state, with the deletion's version).
    pub(crate) object: Arc<Value>,
    /// The object before the change, so filtered watches can tell "left the selection" apart.
    pub(crate) old: Option<Arc<Value>>,
}

/// The mutable state behind the store's lock.
#[derive(Debug)]
pub(crate) struct Inner {
    rv: u64,
    objects: BTreeMap<Key, Arc<Value>>,
    history: VecDeque<Arc<Event>>,
    history_limit: usize,
    /// Events at or below this version have been dropped from the history.
    compacted: u64,
    log: Option<Log>,
}

/// The object store shared by all requests.
#[derive(Debug)]
pub(crate) struct Store {
    inner: Mutex<Inner>,
    /// Carries the latest `resourceVersion`; watches wait on it for new events.
    notify: tokio::sync::watch::Sender<u64>,
}

impl Store {
    /// An empty store (or one replayed from `log`'s records).
    pub(crate) fn new(
        history_limit: usize,
        initial: Vec<(Key, Value)>,
        rv: u64,
        log: Option<Log>,
    ) -> Self {
        let objects = initial.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let (notify, _) = tokio::sync::watch::channel(rv);
        Store {
            inner: Mutex::new(Inner {
                rv,
                objects,
                history: VecDeque::new(),
                history_limit: history_limit.max(1),
                compacted: rv,
                log,
            }),
            notify,
        }
    }

    /// Locks the store for one read-modify-write transaction.
    pub(crate) fn lock(&self) -> StoreGuard<'_> {
        StoreGuard {
            // A poisoned lock means a request panicked while holding it. Writes are applied
            // only after every fallible step, so the state is still consistent.
            inner: self.inner.lock().unwrap_or_else(|e| e.into_inner()),
            notify: &self.notify,
        }
    }

    /// A receiver that changes whenever a new event is recorded.
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.notify.subscribe()
    }
}

/// A locked store. Dropping it wakes the watchers of any writes made through it.
pub(crate) struct StoreGuard<'a> {
    inner: MutexGuard<'a, Inner>,
    notify: &'a tokio::sync::watch::Sender<u64>,
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        let rv = self.inner.rv;
        self.notify.send_if_modified(|cur| {
            let changed = *cur != rv;
            *cur = rv;
            changed
        });
    }
}

impl StoreGuard<'_> {
    /// The newest `resourceVersion`.
    pub(crate) fn rv(&self) -> u64 {
        self.inner.rv
    }

    /// The object at `key`.
    pub(crate) fn get(&self, key: &Key) -> Option<Arc<Value>> {
        self.inner.objects.get(key).cloned()
    }

    /// Objects of one resource, in key order, optionally in one namespace, starting after
    /// `after` (a `namespace/name` continue position).
    pub(crate) fn list(
        &self,
        group: &str,
        resource: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = (&Key, &Arc<Value>)> {
        let start = Key::new(group, resource, namespace.unwrap_or(""), "");
        self.inner.objects.range(start..).take_while(move |(k, _)| {
            k.group == group
                && k.resource == resource
                && namespace.is_none_or(|ns| k.namespace == ns)
        })
    }

    /// Like [`StoreGuard::list`], but as the collection was at version `rv`, reconstructed
    /// by undoing the newer events of the history.
    ///
    /// # Errors
    /// 410 Expired when the history no longer reaches back to `rv`.
    pub(crate) fn list_at(
        &self,
        group: &str,
        resource: &str,
        namespace: Option<&str>,
        rv: u64,
    ) -> Result<Vec<(Key, Arc<Value>)>, ApiError> {
        let mut at: BTreeMap<Key, Arc<Value>> = self
            .list(group, resource, namespace)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if rv >= self.inner.rv {
            return Ok(at.into_iter().collect());
        }
        let newer = self.events_since(rv)?;
        // Undo newest first, so each key ends at its state just after `rv`.
        for e in newer.iter().rev() {
            let k = &e.key;
            if k.group != group
                || k.resource != resource
                || namespace.is_some_and(|ns| k.namespace != ns)
            {
                continue;
            }
            match &e.old {
                Some(old) => {
                    at.insert(k.clone(), old.clone());
                }
                None => {
                    at.remove(k);
                }
            }
        }
        Ok(at.into_iter().collect())
    }

    /// Every stored object (garbage collection scans these).
    pub(crate) fn all(&self) -> impl Iterator<Item = (&Key, &Arc<Value>)> {
        self.inner.objects.iter()
    }

    /// Stores `obj` at `key` with the next `resourceVersion` and records the event.
    ///
    /// # Errors
    /// Fails (and changes nothing) when the persistence log cannot be written.
    pub(crate) fn put(&mut self, key: Key, mut obj: Value) -> Result<Arc<Value>, ApiError> {
        let rv = self.inner.rv + 1;
        metadata_mut(&mut obj).insert("resourceVersion".into(), Value::String(rv.to_string()));
        if let Some(log) = self.inner.log.as_mut() {
            log.append_put(rv, &key, &obj)?;
        }
        let obj = Arc::new(obj);
        let old = self.inner.objects.insert(key.clone(), obj.clone());
        let kind = if old.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(Event {
            rv,
            kind,
            key,
            object: obj.clone(),
            old,
        });
        Ok(obj)
    }

    /// Removes the object at `key`, recording a DELETED event carrying its last state.
    ///
    /// # Errors
    /// Fails (and changes nothing) when the persistence log cannot be written.
    pub(crate) fn remove(&mut self, key: &Key) -> Result<Option<Arc<Value>>, ApiError> {
        let Some(old) = self.inner.objects.get(key).cloned() else {
            return Ok(None);
        };
        let rv = self.inner.rv + 1;
        if let Some(log) = self.inner.log.as_mut() {
            log.append_delete(rv, key)?;
        }
        self.inner.objects.remove(key);
        // The API server reports a deletion with the deletion's own resourceVersion.
        let mut last = (*old).clone();
        metadata_mut(&mut last).insert("resourceVersion".into(), Value::String(rv.to_string()));
        let last = Arc::new(last);
        self.record(Event {
            rv,
            kind: EventType::Deleted,
            key: key.clone(),
            object: last.clone(),
            old: Some(old),
        });
        Ok(Some(last))
    }

    fn record(&mut self, event: Event) {
        let inner = &mut *self.inner;
        inner.rv = event.rv;
        inner.history.push_back(Arc::new(event));
        while inner.history.len() > inner.history_limit {
            if let Some(e) = inner.history.pop_front() {
                inner.compacted = e.rv;
            }
        }
    }

    /// Events newer than `rv`, oldest first.
    ///
    /// # Errors
    /// 410 Expired when events after `rv` have already been dropped from the history.
    pub(crate) fn events_since(&self, rv: u64) -> Result<Vec<Arc<Event>>, ApiError> {
        if rv < self.inner.compacted {
            return Err(ApiError::expired(format!(
                "too old resource version: {rv} ({})",
                self.inner.compacted + 1
            )));
        }
        // History versions are strictly increasing, so binary search finds the first newer one.
        let start = self.inner.history.partition_point(|e| e.rv <= rv);
        Ok(self.inner.history.range(start..).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(name: &str) -> Key {
        Key::new("", "configmaps", "default", name)
    }

    #[test]
    fn versions_increase_and_history_is_ordered() {
        let store = Store::new(100, Vec::new(), 0, None);
        let mut g = store.lock();
        let a = g.put(key("a"), json!({"metadata": {"name": "a"}})).unwrap();
        let b = g
            .put(key("a"), json!({"metadata": {"name": "a"}, "data": {}}))
            .unwrap();
        assert_eq!(a["metadata"]["resourceVersion"], "1");
        assert_eq!(b["metadata"]["resourceVersion"], "2");
        let gone = g.remove(&key("a")).unwrap().unwrap();
        assert_eq!(gone["metadata"]["resourceVersion"], "3");
        let kinds: Vec<_> = g.events_since(0).unwrap().iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![EventType::Added, EventType::Modified, EventType::Deleted]
        );
        assert_eq!(g.events_since(2).unwrap().len(), 1);
    }

    #[test]
    fn too_old_versions_expire() {
        let store = Store::new(2, Vec::new(), 0, None);
        let mut g = store.lock();
        for i in 0..5 {
            g.put(key(&format!("k{i}")), json!({})).unwrap();
        }
        assert_eq!(g.events_since(3).unwrap().len(), 2);
        let err = g.events_since(1).unwrap_err();
        assert_eq!(err.code, 410);
        assert_eq!(err.message, "too old resource version: 1 (4)");
    }

    #[test]
    fn lists_at_an_older_version_undo_newer_changes() {
        let store = Store::new(100, Vec::new(), 0, None);
        let mut g = store.lock();
        g.put(key("a"), json!({"v": 1})).unwrap();
        g.put(key("b"), json!({"v": 1})).unwrap();
        let rv = g.rv();
        g.put(key("a"), json!({"v": 2})).unwrap();
        g.remove(&key("b")).unwrap();
        g.put(key("c"), json!({"v": 1})).unwrap();
        let then = g.list_at("", "configmaps", Some("default"), rv).unwrap();
        let names: Vec<&str> = then.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(then[0].1["v"], 1);
        assert_eq!(g.list_at("", "configmaps", None, g.rv()).unwrap().len(), 2);
    }

    #[test]
    fn list_stays_inside_one_namespace() {
        let store = Store::new(10, Vec::new(), 0, None);
        let mut g = store.lock();
        g.put(Key::new("", "configmaps", "a", "x"), json!({}))
            .unwrap();
        g.put(Key::new("", "configmaps", "b", "y"), json!({}))
            .unwrap();
        g.put(Key::new("", "secrets", "a", "z"), json!({})).unwrap();
        assert_eq!(g.list("", "configmaps", Some("a")).count(), 1);
        assert_eq!(g.list("", "configmaps", None).count(), 2);
    }
}

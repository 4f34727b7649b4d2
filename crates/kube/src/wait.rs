//! Waiting for objects: helm v4's status waiter (`pkg/kube/statuswait.go`).
//!
//! helm watches every kind+namespace of the objects it waits for and recomputes an
//! object's [`kstatus`] status on each change, until every object has the
//! desired status or the timeout passes. We do the same with as few requests as we can:
//! one LIST per kind+namespace (by name when only one object of that kind+namespace is
//! waited for); only when something is not yet as desired, a WATCH from that list's
//! `resourceVersion` for the kind+namespace groups that still have such objects.
//!
//! Like helm, an object that reaches Failed stops being waited for but is reported, and
//! the error lists every object that did not get there, in the order given, followed by
//! `context deadline exceeded` when the timeout passed:
//!
//! ```text
//! resource Deployment/default/d not ready. status: InProgress, message: Replicas: 0/2
//! context deadline exceeded
//! ```

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};
use kube::Api;
use kube::api::{DynamicObject, ListParams, WatchEvent, WatchParams};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::kstatus::{self, Status};
use crate::{Error, ObjectRef};

/// How long to wait when the caller passes a zero timeout, as helm's
/// `DefaultStatusWatcherTimeout` (a zero timeout would otherwise fail at once).
pub const DEFAULT_ZERO_TIMEOUT: Duration = Duration::from_secs(30);

/// What [`wait_ready`] and [`wait_deleted`] do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitOptions {
    /// How long to wait in total (helm's `--timeout`, 5 minutes by default). Zero means
    /// [`DEFAULT_ZERO_TIMEOUT`], as in helm.
    pub timeout: Duration,
    /// Wait for Jobs to complete (helm's `--wait-for-jobs`); otherwise a Job only needs to
    /// have started, as kstatus sees it.
    pub wait_for_jobs: bool,
    /// How long to pause before retrying a list or watch request that failed for a
    /// reason that may pass (connection errors, server errors).
    pub poll_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(300),
            wait_for_jobs: false,
            poll_interval: Duration::from_millis(500),
        }
    }
}

/// Waits until every object is Current (helm's `Wait`, or `WaitWithJobs` when
/// [`WaitOptions::wait_for_jobs`]). Paused Deployments are not waited for.
///
/// # Errors
/// [`Error::WaitTimeout`] when the timeout passes first, [`Error::WaitFailed`] when every
/// object settled but some failed (both in helm's wording), [`Error::Api`] when the API
/// server forbids listing or watching a kind.
pub async fn wait_ready(
    client: &kube::Client,
    objects: &[ObjectRef],
    opts: &WaitOptions,
) -> Result<(), Error> {
    let goal = if opts.wait_for_jobs {
        Goal::ReadyWithJobs
    } else {
        Goal::Ready
    };
    Waiter::new(client, objects, goal, opts.poll_interval)
        .run(opts.timeout)
        .await
}

/// Waits until every object is gone (helm's `WaitForDelete`). Objects that do not exist
/// when waiting starts count as gone.
///
/// # Errors
/// [`Error::WaitTimeout`] naming the objects that still exist, [`Error::Api`] when the API
/// server forbids listing or watching a kind.
pub async fn wait_deleted(
    client: &kube::Client,
    objects: &[ObjectRef],
    opts: &WaitOptions,
) -> Result<(), Error> {
    Waiter::new(client, objects, Goal::Deleted, opts.poll_interval)
        .run(opts.timeout)
        .await
}

/// Waits for a hook (helm's `WatchUntilReady`): a Job until it completes, a Pod until it
/// succeeds; any other kind is ready at once. A zero timeout means
/// [`DEFAULT_ZERO_TIMEOUT`].
///
/// # Errors
/// [`Error::WaitFailed`] when the Job or Pod failed, e.g. `resource Job/default/j not
/// ready. status: Failed, message: Job Failed. failed: 1/1`; [`Error::WaitTimeout`] when
/// the timeout passes first; [`Error::Api`] when listing or watching is forbidden.
pub async fn wait_hook(
    client: &kube::Client,
    object: &ObjectRef,
    timeout: Duration,
) -> Result<(), Error> {
    let api = &object.resource.api;
    let waited = matches!(
        (api.group.as_str(), api.kind.as_str()),
        ("batch", "Job") | ("", "Pod")
    );
    if !waited {
        // helm's hook reader calls every other kind Current as soon as it sees it; the
        // hook was just created, so that costs a request and decides nothing.
        return Ok(());
    }
    let retry = WaitOptions::default().poll_interval;
    Waiter::new(client, std::slice::from_ref(object), Goal::Hook, retry)
        .run(timeout)
        .await
}

/// Which of helm's waits, i.e. which status rules and which status is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// `Wait`: kstatus rules, wanting Current.
    Ready,
    /// `WaitWithJobs`: helm's Job rule, else kstatus, wanting Current.
    ReadyWithJobs,
    /// `WatchUntilReady`: helm's Job and Pod rules, wanting Current.
    Hook,
    /// `WaitForDelete`: kstatus rules, wanting NotFound.
    Deleted,
}

impl Goal {
    fn desired(self) -> Status {
        match self {
            Goal::Deleted => Status::NotFound,
            _ => Status::Current,
        }
    }

    /// Statuses helm stops waiting for (statusObserver): a Failed object needs
    /// intervention; an object never seen while waiting for deletion is already gone.
    fn settles(self, status: Status) -> bool {
        status == self.desired()
            || match self {
                Goal::Deleted => status == Status::Unknown,
                _ => status == Status::Failed,
            }
    }

    /// The status of an object as observed, by this goal's rules.
    fn rule(self, obj: &Value) -> kstatus::StatusResult {
        let (group, kind) = kstatus::group_kind(obj);
        let computed = match (self, group, kind) {
            (Goal::ReadyWithJobs | Goal::Hook, "batch", "Job") => kstatus::helm_job(obj),
            (Goal::Hook, "", "Pod") => Ok(kstatus::helm_pod(obj)),
            (Goal::Hook, _, _) => Ok(kstatus::StatusResult {
                status: Status::Current,
                message: "Resource is current".to_string(),
            }),
            _ => kstatus::compute(obj),
        };
        // kstatus reports an object whose status cannot be computed as Unknown, with
        // no message.
        computed.unwrap_or_else(|e| {
            tracing::debug!(error = %e, "computing status");
            kstatus::StatusResult {
                status: Status::Unknown,
                message: String::new(),
            }
        })
    }
}

/// One object being waited for.
#[derive(Debug)]
struct Tracked {
    object: ObjectRef,
    status: Status,
    message: String,
    /// The last version seen, for statuses that change with time alone.
    last: Option<Value>,
    /// A paused Deployment: helm does not wait for it.
    excluded: bool,
}

/// The objects of one kind in one namespace: one list/watch serves them all.
#[derive(Debug, Clone)]
struct Group {
    api: Api<DynamicObject>,
    api_version: String,
    kind: String,
    /// What the group is called in errors (`deployments.apps in namespace "default"`).
    label: String,
    names: Arc<HashSet<String>>,
}

/// What the list/watch tasks report.
enum Seen {
    /// A full list of the group's waited-for objects.
    Listed(usize, Vec<Value>),
    /// One waited-for object changed.
    Changed(usize, Value),
    /// One waited-for object was deleted.
    Deleted(usize, String),
    /// Listing or watching is forbidden: helm gives up with the API error.
    Fatal(Error),
}

struct Waiter<'a> {
    client: &'a kube::Client,
    goal: Goal,
    retry: Duration,
    tracked: Vec<Tracked>,
    groups: Vec<Group>,
    /// For each group, the indexes of its tracked objects by name.
    members: Vec<BTreeMap<String, Vec<usize>>>,
    /// For each group, whether it has been listed (or its kind does not exist).
    synced: Vec<bool>,
}

impl<'a> Waiter<'a> {
    fn new(client: &'a kube::Client, objects: &[ObjectRef], goal: Goal, retry: Duration) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut members: Vec<BTreeMap<String, Vec<usize>>> = Vec::new();
        let mut keys: Vec<(String, String, String, Option<String>)> = Vec::new();
        let mut tracked = Vec::with_capacity(objects.len());
        for (i, object) in objects.iter().enumerate() {
            let ar = &object.resource.api;
            let namespace = object
                .namespace
                .clone()
                .filter(|_| object.resource.namespaced);
            let key = (
                ar.group.clone(),
                ar.version.clone(),
                ar.plural.clone(),
                namespace.clone(),
            );
            let g = match keys.iter().position(|k| *k == key) {
                Some(g) => g,
                None => {
                    let resource = if ar.group.is_empty() {
                        ar.plural.clone()
                    } else {
                        format!("{}.{}", ar.plural, ar.group)
                    };
                    let label = match &namespace {
                        Some(ns) => format!("{resource} in namespace {ns:?}"),
                        None => resource,
                    };
                    keys.push(key);
                    groups.push(Group {
                        api: object.api(client),
                        api_version: ar.api_version.clone(),
                        kind: ar.kind.clone(),
                        label,
                        names: Arc::default(),
                    });
                    members.push(BTreeMap::new());
                    groups.len() - 1
                }
            };
            members[g].entry(object.name.clone()).or_default().push(i);
            tracked.push(Tracked {
                object: object.clone(),
                status: Status::Unknown,
                message: String::new(),
                last: None,
                excluded: false,
            });
        }
        for (group, names) in groups.iter_mut().zip(&members) {
            group.names = Arc::new(names.keys().cloned().collect());
        }
        Waiter {
            client,
            goal,
            retry,
            tracked,
            synced: vec![false; groups.len()],
            groups,
            members,
        }
    }

    async fn run(mut self, timeout: Duration) -> Result<(), Error> {
        let timeout = if timeout.is_zero() {
            DEFAULT_ZERO_TIMEOUT
        } else {
            timeout
        };
        let deadline = Instant::now() + timeout;
        match tokio::time::timeout_at(deadline, self.follow_until_done()).await {
            Ok(Ok(())) => self.finish(timeout, false),
            Ok(Err(e)) => Err(e),
            Err(_elapsed) => self.finish(timeout, true),
        }
    }

    /// Observes the objects until [`Waiter::done`]; the caller bounds it by the deadline.
    async fn follow_until_done(&mut self) -> Result<(), Error> {
        // First one list per group: objects already as desired cost nothing more.
        let lists = futures::future::join_all(self.groups.iter().enumerate().map(|(g, group)| {
            let group = group.clone();
            async move { (g, list_group(&group).await) }
        }))
        .await;
        let mut versions: Vec<Option<String>> = vec![None; self.groups.len()];
        let mut dead = vec![false; self.groups.len()];
        for (g, result) in lists {
            match result {
                Ok((objects, rv)) => {
                    versions[g] = Some(rv);
                    self.listed(g, objects).await;
                }
                // No such kind (helm stops watching it): none of its objects exist.
                Err(e) if e.status_code() == Some(404) => {
                    dead[g] = true;
                    self.synced[g] = true;
                }
                Err(e) if e.status_code() == Some(403) => return Err(e),
                Err(e) => tracing::debug!(error = %e, "listing failed; retrying"),
            }
        }
        if self.done() {
            return Ok(());
        }

        // Then follow the groups that are not listed yet or still have objects to wait for.
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut tasks = tokio::task::JoinSet::new();
        for (g, group) in self.groups.iter().enumerate() {
            let unsettled = self.members[g]
                .values()
                .flatten()
                .any(|&i| !self.is_settled(i));
            if (unsettled || !self.synced[g]) && !dead[g] {
                tasks.spawn(follow(
                    g,
                    group.clone(),
                    versions[g].take(),
                    tx.clone(),
                    self.retry,
                ));
            }
        }
        drop(tx);
        let mut channel_open = true;
        loop {
            let recheck = self.next_recheck();
            tokio::select! {
                () = sleep_until_opt(recheck) => self.recheck().await,
                seen = rx.recv(), if channel_open => match seen {
                    Some(Seen::Listed(g, objects)) => self.listed(g, objects).await,
                    Some(Seen::Changed(g, object)) => self.changed(g, object).await,
                    Some(Seen::Deleted(g, name)) => self.deleted(g, &name),
                    Some(Seen::Fatal(e)) => return Err(e),
                    // Every group gave up (kinds gone): nothing changes until the deadline.
                    None => channel_open = false,
                },
            }
            if self.done() {
                return Ok(());
            }
        }
    }

    /// A group's full list: everything listed is observed, and objects seen before that
    /// are missing now were deleted.
    async fn listed(&mut self, g: usize, objects: Vec<Value>) {
        self.synced[g] = true;
        let mut present = HashSet::new();
        for object in objects {
            if let Some(name) = object.pointer("/metadata/name").and_then(Value::as_str) {
                present.insert(name.to_string());
            }
            self.changed(g, object).await;
        }
        let gone: Vec<String> = self.members[g]
            .iter()
            .filter(|(name, idx)| {
                !present.contains(*name) && idx.iter().any(|&i| self.tracked[i].last.is_some())
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in gone {
            self.deleted(g, &name);
        }
    }

    async fn changed(&mut self, g: usize, mut object: Value) {
        // List items may omit apiVersion/kind; the rules need them.
        let group = &self.groups[g];
        if let Value::Object(m) = &mut object {
            m.insert(
                "apiVersion".into(),
                Value::String(group.api_version.clone()),
            );
            m.insert("kind".into(), Value::String(group.kind.clone()));
        }
        let Some(name) = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return;
        };
        let Some(indexes) = self.members[g].get(&name).cloned() else {
            return;
        };
        let (status, message) = self.status_of(&object).await;
        for i in indexes {
            let t = &mut self.tracked[i];
            if t.last.is_none()
                && self.goal != Goal::Deleted
                && self.goal != Goal::Hook
                && is_paused_deployment(&object)
            {
                // helm leaves paused Deployments out of the wait entirely.
                t.excluded = true;
            }
            t.status = status;
            t.message.clone_from(&message);
            t.last = Some(object.clone());
        }
    }

    fn deleted(&mut self, g: usize, name: &str) {
        for &i in self.members[g].get(name).into_iter().flatten() {
            let t = &mut self.tracked[i];
            t.status = Status::NotFound;
            t.message = "Resource not found".to_string();
            t.last = None;
        }
    }

    /// The object's status by the goal's rules.
    async fn status_of(&self, object: &Value) -> (Status, String) {
        let res = self.goal.rule(object);
        if res.status == Status::InProgress
            && self.goal != Goal::Hook
            && let Some(failed) = self.failed_pods(object).await
        {
            return failed;
        }
        (res.status, res.message)
    }

    /// kstatus's pod-controller reader for StatefulSets and ReplicaSets: one still in
    /// progress is Failed when any of its Pods failed for good (crash-looping; not
    /// unschedulable, not being deleted). A failed lookup makes the status Unknown.
    async fn failed_pods(&self, object: &Value) -> Option<(Status, String)> {
        let (group, kind) = kstatus::group_kind(object);
        if (group, kind) != ("apps", "StatefulSet") && (group, kind) != ("apps", "ReplicaSet") {
            return None;
        }
        let unknown = Some((Status::Unknown, String::new()));
        let Some(selector) = object.pointer("/spec/selector").and_then(label_selector) else {
            return unknown;
        };
        let namespace = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default");
        let pods: Api<DynamicObject> = Api::namespaced_with(
            self.client.clone(),
            namespace,
            &kube::discovery::ApiResource::erase::<k8s_openapi::api::core::v1::Pod>(&()),
        );
        let list = match pods.list(&ListParams::default().labels(&selector)).await {
            Ok(list) => list,
            Err(e) => {
                tracing::debug!(error = %e, "listing pods");
                return unknown;
            }
        };
        let failed = list
            .items
            .iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .filter(|p| {
                let mut p = p.clone();
                p["apiVersion"] = Value::String("v1".into());
                p["kind"] = Value::String("Pod".into());
                kstatus::compute(&p).is_ok_and(|r| r.status == Status::Failed)
                    && p.pointer("/metadata/deletionTimestamp").is_none()
                    && !is_unschedulable(&p)
            })
            .count();
        (failed > 0).then(|| (Status::Failed, format!("{failed} pods have failed")))
    }

    /// When a status may change with time alone (an unschedulable Pod's window).
    fn next_recheck(&self) -> Option<Instant> {
        if self.goal == Goal::Hook {
            return None;
        }
        let at = self
            .tracked
            .iter()
            .filter(|t| t.status == Status::InProgress)
            .filter_map(|t| t.last.as_ref().and_then(kstatus::recheck_at))
            .min()?;
        let wait = at
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO);
        Some(Instant::now() + wait + Duration::from_millis(1))
    }

    async fn recheck(&mut self) {
        for g in 0..self.groups.len() {
            let objects: Vec<Value> = self.members[g]
                .values()
                .filter_map(|idx| idx.first().and_then(|&i| self.tracked[i].last.clone()))
                .collect();
            for object in objects {
                self.changed(g, object).await;
            }
        }
    }

    fn is_settled(&self, i: usize) -> bool {
        let t = &self.tracked[i];
        t.excluded || self.goal.settles(t.status)
    }

    /// helm's statusObserver: done when every object not skipped has the desired status,
    /// once every kind has been listed (an object not listed yet is not known to be gone).
    fn done(&self) -> bool {
        self.synced.iter().all(|&s| s) && (0..self.tracked.len()).all(|i| self.is_settled(i))
    }

    /// helm's report: every object not as desired, then the deadline when it passed.
    fn finish(&self, timeout: Duration, timed_out: bool) -> Result<(), Error> {
        let desired = self.goal.desired();
        let mut lines = Vec::new();
        for t in self.tracked.iter().filter(|t| !t.excluded) {
            let not_desired = match self.goal {
                Goal::Deleted => !matches!(t.status, Status::NotFound | Status::Unknown),
                _ => t.status != desired,
            };
            if !not_desired {
                continue;
            }
            let namespace = if t.object.resource.namespaced {
                t.object.namespace.as_deref().unwrap_or("")
            } else {
                ""
            };
            let what = if self.goal == Goal::Deleted {
                "still exists"
            } else {
                "not ready"
            };
            lines.push(format!(
                "resource {}/{}/{} {what}. status: {}, message: {}",
                t.object.resource.api.kind, namespace, t.object.name, t.status, t.message
            ));
        }
        if timed_out {
            lines.push("context deadline exceeded".to_string());
        }
        if lines.is_empty() {
            return Ok(());
        }
        let message = lines.join("\n");
        Err(if timed_out {
            Error::WaitTimeout { message, timeout }
        } else {
            Error::WaitFailed { message }
        })
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => futures::future::pending().await,
    }
}

fn is_paused_deployment(object: &Value) -> bool {
    kstatus::group_kind(object) == ("apps", "Deployment")
        && object.pointer("/spec/paused").and_then(Value::as_bool) == Some(true)
}

fn is_unschedulable(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|conds| {
            conds.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("PodScheduled")
                    && c.get("status").and_then(Value::as_str) == Some("False")
                    && c.get("reason").and_then(Value::as_str) == Some("Unschedulable")
            })
        })
}

/// A `metav1.LabelSelector` as a label selector query (`a=b,c in (d,e),!f`); `None` when
/// it cannot be expressed (unknown operator, malformed fields).
fn label_selector(selector: &Value) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(labels) = selector.get("matchLabels") {
        for (k, v) in labels.as_object()? {
            parts.push(format!("{k}={}", v.as_str()?));
        }
    }
    if let Some(exprs) = selector.get("matchExpressions") {
        for e in exprs.as_array()? {
            let key = e.get("key")?.as_str()?;
            let values = || -> Option<String> {
                let vs: Option<Vec<&str>> = e
                    .get("values")?
                    .as_array()?
                    .iter()
                    .map(Value::as_str)
                    .collect();
                Some(vs?.join(","))
            };
            parts.push(match e.get("operator")?.as_str()? {
                "In" => format!("{key} in ({})", values()?),
                "NotIn" => format!("{key} notin ({})", values()?),
                "Exists" => key.to_string(),
                "DoesNotExist" => format!("!{key}"),
                _ => return None,
            });
        }
    }
    Some(parts.join(","))
}

fn to_json(object: &DynamicObject) -> Option<Value> {
    serde_json::to_value(object).ok()
}

fn name_of(object: &DynamicObject) -> Option<&str> {
    object.metadata.name.as_deref()
}

/// One list of a group: its waited-for objects and the list's resourceVersion.
async fn list_group(group: &Group) -> Result<(Vec<Value>, String), Error> {
    let mut params = ListParams::default();
    // One object: ask the server for just that one.
    if let [name] = group.names.iter().collect::<Vec<_>>()[..] {
        params = params.fields(&format!("metadata.name={name}"));
    }
    let list = group.api.list(&params).await.map_err(|source| Error::Api {
        step: "list",
        object: group.label.clone(),
        source,
    })?;
    let rv = list.metadata.resource_version.clone().unwrap_or_default();
    let objects = list
        .items
        .iter()
        .filter(|o| name_of(o).is_some_and(|n| group.names.contains(n)))
        .filter_map(to_json)
        .collect();
    Ok((objects, rv))
}

/// Follows one group until the waiter stops (drops the task): a watch from `rv`,
/// resumed when the server ends it, re-listed when the version expired (410).
async fn follow(
    g: usize,
    group: Group,
    mut rv: Option<String>,
    tx: mpsc::UnboundedSender<Seen>,
    retry: Duration,
) {
    let single = match group.names.iter().collect::<Vec<_>>()[..] {
        [name] => Some(format!("metadata.name={name}")),
        _ => None,
    };
    loop {
        let version = match rv.take() {
            Some(v) if !v.is_empty() => v,
            _ => match list_group(&group).await {
                Ok((objects, v)) => {
                    if tx.send(Seen::Listed(g, objects)).is_err() {
                        return;
                    }
                    v
                }
                Err(e) => {
                    if !keep_going(e, &tx) {
                        return;
                    }
                    tokio::time::sleep(retry).await;
                    continue;
                }
            },
        };
        // The server ends watches after timeoutSeconds; we resume from the last version.
        let mut params = WatchParams::default().timeout(290);
        if let Some(fields) = &single {
            params = params.fields(fields);
        }
        let stream = match group.api.watch(&params, &version).await {
            Ok(stream) => stream,
            Err(source) => {
                let e = Error::Api {
                    step: "watch",
                    object: group.label.clone(),
                    source,
                };
                if e.status_code() == Some(410) {
                    continue;
                }
                if !keep_going(e, &tx) {
                    return;
                }
                tokio::time::sleep(retry).await;
                rv = Some(version);
                continue;
            }
        };
        let mut stream = std::pin::pin!(stream.into_stream());
        let mut last = version;
        let mut expired = false;
        while let Some(event) = stream.next().await {
            let sent = match event {
                Ok(WatchEvent::Added(o) | WatchEvent::Modified(o)) => {
                    if let Some(v) = &o.metadata.resource_version {
                        last.clone_from(v);
                    }
                    match (name_of(&o), to_json(&o)) {
                        (Some(n), Some(value)) if group.names.contains(n) => {
                            tx.send(Seen::Changed(g, value)).is_ok()
                        }
                        _ => true,
                    }
                }
                Ok(WatchEvent::Deleted(o)) => {
                    if let Some(v) = &o.metadata.resource_version {
                        last.clone_from(v);
                    }
                    match name_of(&o) {
                        Some(n) if group.names.contains(n) => {
                            tx.send(Seen::Deleted(g, n.to_string())).is_ok()
                        }
                        _ => true,
                    }
                }
                Ok(WatchEvent::Bookmark(b)) => {
                    last = b.metadata.resource_version;
                    true
                }
                Ok(WatchEvent::Error(e)) => {
                    expired = e.code == 410;
                    if !expired {
                        tracing::debug!(error = %e.message, "watch error; resuming");
                        tokio::time::sleep(retry).await;
                    }
                    break;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "watch stream failed; resuming");
                    tokio::time::sleep(retry).await;
                    break;
                }
            };
            if !sent {
                return;
            }
        }
        rv = (!expired).then_some(last);
    }
}

/// Whether a group's task should retry after `e`: not after 404 (no such kind; helm
/// stops watching it) nor 403 (helm gives up waiting).
fn keep_going(e: Error, tx: &mpsc::UnboundedSender<Seen>) -> bool {
    match e.status_code() {
        // The kind's objects stay as last seen (Unknown when never seen).
        Some(404) => false,
        Some(403) => {
            let _ = tx.send(Seen::Fatal(e));
            false
        }
        _ => {
            tracing::debug!(error = %e, "request failed; retrying");
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_render_as_label_queries() {
        let s = json!({"matchLabels": {"app": "d", "tier": "web"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["a", "b"]},
                {"key": "x", "operator": "NotIn", "values": ["c"]},
                {"key": "y", "operator": "Exists"},
                {"key": "z", "operator": "DoesNotExist"}]});
        assert_eq!(
            label_selector(&s).unwrap(),
            "app=d,tier=web,env in (a,b),x notin (c),y,!z"
        );
        assert_eq!(
            label_selector(&json!({"matchExpressions": [{"key": "k", "operator": "Near"}]})),
            None
        );
        assert_eq!(label_selector(&json!({})).unwrap(), "");
    }

    #[test]
    fn goals_settle_as_helm_observer_does() {
        assert!(Goal::Ready.settles(Status::Current));
        assert!(Goal::Ready.settles(Status::Failed));
        assert!(!Goal::Ready.settles(Status::Unknown));
        assert!(!Goal::Ready.settles(Status::InProgress));
        assert!(Goal::Deleted.settles(Status::NotFound));
        assert!(Goal::Deleted.settles(Status::Unknown));
        assert!(!Goal::Deleted.settles(Status::Terminating));
        assert!(!Goal::Deleted.settles(Status::Failed));
    }

    #[test]
    fn hook_rules_call_other_kinds_current() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        let r = Goal::Hook.rule(&cm);
        assert_eq!(
            (r.status, r.message.as_str()),
            (Status::Current, "Resource is current")
        );
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
            "status": {"startTime": "2026-11-21T21:00:00Z", "active": 1}});
        assert_eq!(Goal::Ready.rule(&job).status, Status::Current);
        assert_eq!(Goal::ReadyWithJobs.rule(&job).status, Status::InProgress);
        let bad = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "status": {"phase": "Weird"}});
        assert_eq!(Goal::Ready.rule(&bad).status, Status::Unknown);
        assert_eq!(Goal::Ready.rule(&bad).message, "");
    }
}

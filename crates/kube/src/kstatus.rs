//! kstatus: whether one object has reached the state its spec asks for, computed from the
//! object alone (no I/O).
//!
//! helm v4's waiter (`pkg/kube/statuswait.go`) computes status with the kstatus library of
//! `sigs.k8s.io/cli-utils` (helm vendors the `fluxcd/cli-utils` fork). [`compute`] follows
//! its `status.Compute` (`pkg/kstatus/status/{status,generic,core,util}.go`) rule for rule
//! and message for message: first the generic rules (deletion, observed generation, the
//! `Reconciling`/`Stalled` conditions), then one rule per built-in kind, then a `Ready`
//! condition, else Current. [`helm_job`] and [`helm_pod`] are helm's own stricter rules
//! (`internal/statusreaders`) used for `--wait-for-jobs` and for hooks.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::Error;

/// A kstatus status, spelled as kstatus spells it (its `Display`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The controller has not yet made the object what its spec asks for.
    InProgress,
    /// The controller gave up; intervention is needed.
    Failed,
    /// The object is what its spec asks for.
    Current,
    /// The object has a deletion timestamp and waits for finalizers.
    Terminating,
    /// The object does not exist (it was deleted while being watched).
    NotFound,
    /// Nothing is known yet: not seen, or its status could not be computed.
    Unknown,
}

impl Status {
    /// kstatus's name for the status (`InProgress`, `Current`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "InProgress",
            Status::Failed => "Failed",
            Status::Current => "Current",
            Status::Terminating => "Terminating",
            Status::NotFound => "NotFound",
            Status::Unknown => "Unknown",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A computed status and kstatus's message explaining it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResult {
    /// The status.
    pub status: Status,
    /// Why, in kstatus's words (e.g. `Replicas: 0/2`).
    pub message: String,
}

impl StatusResult {
    fn new(status: Status, message: impl Into<String>) -> Self {
        StatusResult {
            status,
            message: message.into(),
        }
    }

    fn in_progress(message: impl Into<String>) -> Self {
        Self::new(Status::InProgress, message)
    }

    fn current(message: impl Into<String>) -> Self {
        Self::new(Status::Current, message)
    }

    fn failed(message: impl Into<String>) -> Self {
        Self::new(Status::Failed, message)
    }
}

/// One built-in kind's rule (core.go's `GetConditionsFn`), given the time for Pods.
type Rule = fn(&Value, SystemTime) -> Result<StatusResult, Error>;

/// How long a Pod may stay unschedulable before kstatus calls it Failed
/// (`status.ScheduleWindow`).
pub const SCHEDULE_WINDOW: Duration = Duration::from_secs(15);

/// kstatus's `status.Compute` for an object as the API server returns it (with
/// `apiVersion` and `kind`), at the current time.
///
/// # Errors
/// [`Error::InvalidObject`] where kstatus fails too: a `metadata.generation`,
/// `status.observedGeneration` or `metadata.deletionTimestamp` of the wrong type,
/// malformed `status.conditions`, or a Pod phase kstatus does not know. Waiters report
/// such objects as [`Status::Unknown`].
pub fn compute(obj: &Value) -> Result<StatusResult, Error> {
    compute_at(obj, SystemTime::now())
}

/// [`compute`] as of `now` (only a Pending, unschedulable Pod's status depends on time).
///
/// # Errors
/// As [`compute`].
pub fn compute_at(obj: &Value, now: SystemTime) -> Result<StatusResult, Error> {
    if let Some(res) = generic_properties(obj)? {
        return Ok(res);
    }
    let (group, kind) = group_kind(obj);
    let rule: Option<Rule> = match (group, kind) {
        ("", "Service") => Some(|o, _| Ok(service(o))),
        ("", "Pod") => Some(pod),
        ("", "Secret" | "ConfigMap") | ("batch", "CronJob") => Some(|_, _| Ok(always_ready())),
        ("", "PersistentVolumeClaim") => Some(|o, _| Ok(pvc(o))),
        ("apps", "StatefulSet") => Some(|o, _| Ok(statefulset(o))),
        ("apps" | "extensions", "DaemonSet") => Some(|o, _| daemonset(o)),
        ("apps" | "extensions", "Deployment") => Some(|o, _| deployment(o)),
        ("apps" | "extensions", "ReplicaSet") => Some(|o, _| replicaset(o)),
        ("policy", "PodDisruptionBudget") => Some(|_, _| Ok(pdb())),
        ("batch", "Job") => Some(|o, _| job(o)),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => Some(|o, _| crd(o)),
        _ => None,
    };
    if let Some(rule) = rule {
        return rule(obj, now);
    }
    // Not a built-in kind with its own rule: a `Ready` condition decides, else the
    // absence of known conditions means Current.
    if let Some(res) = ready_condition(obj)? {
        return Ok(res);
    }
    Ok(StatusResult::current("Resource is current"))
}

/// helm's Job rule (`internal/statusreaders/job_status_reader.go`, used by
/// `--wait-for-jobs` and for hooks): Current only once the Job completed, Failed once it
/// failed, else InProgress. Unlike [`compute`] it applies no generic rules.
///
/// # Errors
/// Malformed `status.conditions` ([`Error::InvalidObject`]).
pub fn helm_job(obj: &Value) -> Result<StatusResult, Error> {
    let parallelism = int_field(obj, &["spec", "parallelism"], 1);
    let completions = int_field(obj, &["spec", "completions"], parallelism);
    let succeeded = int_field(obj, &["status", "succeeded"], 0);
    let failed = int_field(obj, &["status", "failed"], 0);
    for c in conditions(obj)? {
        match c.kind.as_str() {
            "Complete" if c.status == "True" => {
                return Ok(StatusResult::current(format!(
                    "Job Completed. succeeded: {succeeded}/{completions}"
                )));
            }
            "Failed" if c.status == "True" => {
                return Ok(StatusResult::failed(format!(
                    "Job Failed. failed: {failed}/{completions}"
                )));
            }
            _ => {}
        }
    }
    Ok(StatusResult::in_progress("Job in progress"))
}

/// helm's Pod rule for hooks (`internal/statusreaders/pod_status_reader.go`): Current once
/// the Pod succeeded, Failed once it failed, else InProgress. No generic rules.
pub fn helm_pod(obj: &Value) -> StatusResult {
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    match string_field(obj, &["status", "phase"], "") {
        "Succeeded" => StatusResult::current(format!("pod {name} succeeded")),
        "Failed" => StatusResult::failed(format!("pod {name} failed")),
        _ => StatusResult::in_progress("Pod in progress"),
    }
}

/// When a status computed now may change without the object changing: for a Pending Pod
/// that is not yet past [`SCHEDULE_WINDOW`] of being unschedulable, the time it will be.
pub fn recheck_at(obj: &Value) -> Option<SystemTime> {
    if group_kind(obj) != ("", "Pod") || string_field(obj, &["status", "phase"], "") != "Pending" {
        return None;
    }
    let conds = conditions(obj).ok()?;
    conds
        .iter()
        .any(|c| c.kind == "PodScheduled" && c.status == "False" && c.reason == "Unschedulable")
        .then(|| creation_time(obj).map(|t| t + SCHEDULE_WINDOW))
        .flatten()
}

/// The object's API group (from `apiVersion`) and kind.
pub fn group_kind(obj: &Value) -> (&str, &str) {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let group = api_version
        .rsplit_once('/')
        .map_or("", |(group, _version)| group);
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    (group, kind)
}

// ---- generic rules (generic.go) ----

/// Deletion, then observed generation, then the standard `Reconciling`/`Stalled`
/// conditions; `None` when they decide nothing.
fn generic_properties(obj: &Value) -> Result<Option<StatusResult>, Error> {
    match nested(obj, &["metadata", "deletionTimestamp"])? {
        None => {}
        Some(Value::String(s)) if s.is_empty() => {}
        Some(Value::String(_)) => {
            return Ok(Some(StatusResult::new(
                Status::Terminating,
                "Resource scheduled for deletion",
            )));
        }
        Some(other) => {
            return Err(invalid(format!(
                "looking up metadata.deletionTimestamp from resource: .metadata.deletionTimestamp accessor error: {other} is of the type {}, expected string",
                go_type(other)
            )));
        }
    }
    if let Some(res) = generation_observed(obj)? {
        return Ok(Some(res));
    }
    for c in conditions(obj)? {
        if c.kind == "Reconciling" && c.status == "True" {
            return Ok(Some(StatusResult::in_progress(c.message)));
        }
        if c.kind == "Stalled" && c.status == "True" {
            return Ok(Some(StatusResult::failed(c.message)));
        }
    }
    Ok(None)
}

/// InProgress while the controller has not observed the latest generation; skipped when
/// either field is absent.
fn generation_observed(obj: &Value) -> Result<Option<StatusResult>, Error> {
    let Some(generation) = int64(obj, &["metadata", "generation"])? else {
        return Ok(None);
    };
    let Some(observed) = int64(obj, &["status", "observedGeneration"])? else {
        return Ok(None);
    };
    if observed != generation {
        let kind = group_kind(obj).1;
        return Ok(Some(StatusResult::in_progress(format!(
            "{kind} generation is {generation}, but latest observed generation is {observed}"
        ))));
    }
    Ok(None)
}

/// Like [`generation_observed`], but both fields must be present (DaemonSets).
fn generation_set(obj: &Value) -> Result<Option<StatusResult>, Error> {
    let kind = group_kind(obj).1;
    if int64(obj, &["metadata", "generation"])?.is_none() {
        return Ok(Some(StatusResult::in_progress(format!(
            "{kind} metadata.generation not found"
        ))));
    }
    if int64(obj, &["status", "observedGeneration"])?.is_none() {
        return Ok(Some(StatusResult::in_progress(format!(
            "{kind} status.observedGeneration not found"
        ))));
    }
    Ok(None)
}

fn ready_condition(obj: &Value) -> Result<Option<StatusResult>, Error> {
    for c in conditions(obj)? {
        if c.kind != "Ready" {
            continue;
        }
        match c.status.as_str() {
            "True" => return Ok(Some(StatusResult::current("Resource is Ready"))),
            "False" | "Unknown" => return Ok(Some(StatusResult::in_progress(c.message))),
            _ => {}
        }
    }
    Ok(None)
}

// ---- built-in kinds (core.go) ----

fn always_ready() -> StatusResult {
    StatusResult::current("Resource is always ready")
}

fn statefulset(obj: &Value) -> StatusResult {
    if string_field(obj, &["spec", "updateStrategy", "type"], "") == "OnDelete" {
        return StatusResult::current("StatefulSet is using the ondelete update strategy");
    }
    let spec = int_field(obj, &["spec", "replicas"], 1);
    let ready = int_field(obj, &["status", "readyReplicas"], 0);
    let current = int_field(obj, &["status", "currentReplicas"], 0);
    let updated = int_field(obj, &["status", "updatedReplicas"], 0);
    let replicas = int_field(obj, &["status", "replicas"], 0);
    let partition = int_field(
        obj,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
        -1,
    );
    if spec > replicas {
        return StatusResult::in_progress(format!("Replicas: {replicas}/{spec}"));
    }
    if spec > ready {
        return StatusResult::in_progress(format!("Ready: {ready}/{spec}"));
    }
    if replicas > spec {
        return StatusResult::in_progress(format!("Pending termination: {}", replicas - spec));
    }
    if partition != -1 {
        if updated < spec - partition {
            return StatusResult::in_progress(format!("updated: {updated}/{}", spec - partition));
        }
        return StatusResult::current(format!("Partition rollout complete. updated: {updated}"));
    }
    if spec > current {
        return StatusResult::in_progress(format!("current: {current}/{spec}"));
    }
    if string_field(obj, &["status", "currentRevision"], "")
        != string_field(obj, &["status", "updateRevision"], "")
    {
        return StatusResult::in_progress("Waiting for updated revision to match current");
    }
    StatusResult::current(format!(
        "All replicas scheduled as expected. Replicas: {replicas}"
    ))
}

fn deployment(obj: &Value) -> Result<StatusResult, Error> {
    // Without progressDeadlineSeconds the controller never sets Progressing, so the
    // Deployment counts as progressing (the controller treats MaxInt32 as unset).
    const MAX_INT32: i64 = i32::MAX as i64;
    let mut progressing =
        int_field(obj, &["spec", "progressDeadlineSeconds"], MAX_INT32) == MAX_INT32;
    let mut available = false;
    for c in conditions(obj)? {
        match c.kind.as_str() {
            "Progressing" => {
                if c.reason == "ProgressDeadlineExceeded" {
                    return Ok(StatusResult::failed("Progress deadline exceeded"));
                }
                if c.status == "True" && c.reason == "NewReplicaSetAvailable" {
                    progressing = true;
                }
            }
            "Available" if c.status == "True" => available = true,
            _ => {}
        }
    }
    let spec = int_field(obj, &["spec", "replicas"], 1);
    let replicas = int_field(obj, &["status", "replicas"], 0);
    let updated = int_field(obj, &["status", "updatedReplicas"], 0);
    let ready = int_field(obj, &["status", "readyReplicas"], 0);
    let avail = int_field(obj, &["status", "availableReplicas"], 0);
    Ok(if spec > replicas {
        StatusResult::in_progress(format!("Replicas: {replicas}/{spec}"))
    } else if spec > updated {
        StatusResult::in_progress(format!("Updated: {updated}/{spec}"))
    } else if replicas > spec {
        StatusResult::in_progress(format!("Pending termination: {}", replicas - spec))
    } else if updated > avail {
        StatusResult::in_progress(format!("Available: {avail}/{updated}"))
    } else if spec > ready {
        StatusResult::in_progress(format!("Ready: {ready}/{spec}"))
    } else if !progressing {
        StatusResult::in_progress("ReplicaSet not Available")
    } else if !available {
        StatusResult::in_progress("Deployment not Available")
    } else {
        StatusResult::current(format!("Deployment is available. Replicas: {replicas}"))
    })
}

fn replicaset(obj: &Value) -> Result<StatusResult, Error> {
    if conditions(obj)?
        .iter()
        .any(|c| c.kind == "ReplicaFailure" && c.status == "True")
    {
        return Ok(StatusResult::in_progress(
            "Replica Failure condition. Check Pods",
        ));
    }
    let spec = int_field(obj, &["spec", "replicas"], 1);
    let replicas = int_field(obj, &["status", "replicas"], 0);
    let ready = int_field(obj, &["status", "readyReplicas"], 0);
    let avail = int_field(obj, &["status", "availableReplicas"], 0);
    let labelled = int_field(obj, &["status", "fullyLabeledReplicas"], 0);
    Ok(if spec > labelled {
        StatusResult::in_progress(format!("Labelled: {labelled}/{spec}"))
    } else if spec > avail {
        StatusResult::in_progress(format!("Available: {avail}/{spec}"))
    } else if spec > ready {
        StatusResult::in_progress(format!("Ready: {ready}/{spec}"))
    } else if replicas > spec {
        StatusResult::in_progress(format!("Pending termination: {}", replicas - spec))
    } else {
        StatusResult::current(format!("ReplicaSet is available. Replicas: {replicas}"))
    })
}

fn daemonset(obj: &Value) -> Result<StatusResult, Error> {
    // The generic check skips missing generation fields; the DaemonSet controller always
    // sets them once it has acted, so here their absence means "not yet observed".
    if let Some(res) = generation_set(obj)? {
        return Ok(res);
    }
    let desired = int_field(obj, &["status", "desiredNumberScheduled"], -1);
    let current = int_field(obj, &["status", "currentNumberScheduled"], 0);
    let updated = int_field(obj, &["status", "updatedNumberScheduled"], 0);
    let avail = int_field(obj, &["status", "numberAvailable"], 0);
    let ready = int_field(obj, &["status", "numberReady"], 0);
    Ok(if desired == -1 {
        StatusResult::in_progress("Missing .status.desiredNumberScheduled")
    } else if desired > current {
        StatusResult::in_progress(format!("Current: {current}/{desired}"))
    } else if desired > updated {
        StatusResult::in_progress(format!("Updated: {updated}/{desired}"))
    } else if desired > avail {
        StatusResult::in_progress(format!("Available: {avail}/{desired}"))
    } else if desired > ready {
        StatusResult::in_progress(format!("Ready: {ready}/{desired}"))
    } else {
        StatusResult::current(format!(
            "All replicas scheduled as expected. Replicas: {desired}"
        ))
    })
}

fn pvc(obj: &Value) -> StatusResult {
    let phase = string_field(obj, &["status", "phase"], "unknown");
    if phase != "Bound" {
        return StatusResult::in_progress(format!("PVC is not Bound. phase: {phase}"));
    }
    StatusResult::current("PVC is Bound")
}

fn pod(obj: &Value, now: SystemTime) -> Result<StatusResult, Error> {
    let conds = conditions(obj)?;
    let phase = string_field(obj, &["status", "phase"], "");
    Ok(match phase {
        "Succeeded" => StatusResult::current("Pod has completed successfully"),
        "Failed" => StatusResult::current("Pod has completed, but not successfully"),
        "Running" => {
            if conds
                .iter()
                .any(|c| c.kind == "Ready" && c.status == "True")
            {
                return Ok(StatusResult::current("Pod is Ready"));
            }
            let crashing = crash_looping_containers(obj)?;
            if !crashing.is_empty() {
                return Ok(StatusResult::failed(format!(
                    "Containers in CrashLoop state: {}",
                    crashing.join(",")
                )));
            }
            StatusResult::in_progress("Pod is running but is not Ready")
        }
        "Pending" => {
            let unschedulable = conds.iter().find(|c| {
                c.kind == "PodScheduled" && c.status == "False" && c.reason == "Unschedulable"
            });
            if unschedulable.is_some() {
                // Give the scheduler (or an autoscaler) the window before calling it failed;
                // a missing creation time counts as long ago, as Go's zero time does.
                let within =
                    creation_time(obj).is_some_and(|created| now < created + SCHEDULE_WINDOW);
                if within {
                    return Ok(StatusResult::in_progress("Pod has not been scheduled"));
                }
                return Ok(StatusResult::failed("Pod could not be scheduled"));
            }
            StatusResult::in_progress("Pod is in the Pending phase")
        }
        "" => StatusResult::in_progress("Pod phase not available"),
        other => return Err(invalid(format!("unknown phase {other}"))),
    })
}

fn crash_looping_containers(obj: &Value) -> Result<Vec<String>, Error> {
    let statuses = match nested(obj, &["status", "containerStatuses"])? {
        None => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(invalid(format!(
                ".status.containerStatuses accessor error: {other} is of the type {}, expected []interface{{}}",
                go_type(other)
            )));
        }
    };
    Ok(statuses
        .iter()
        .filter(|cs| {
            cs.pointer("/state/waiting/reason").and_then(Value::as_str) == Some("CrashLoopBackOff")
        })
        .filter_map(|cs| cs.get("name").and_then(Value::as_str).map(str::to_string))
        .collect())
}

fn pdb() -> StatusResult {
    // kstatus calls a PDB Current once the generic generation check passed.
    StatusResult::current("AllowedDisruptions has been computed.")
}

fn job(obj: &Value) -> Result<StatusResult, Error> {
    let parallelism = int_field(obj, &["spec", "parallelism"], 1);
    let completions = int_field(obj, &["spec", "completions"], parallelism);
    let succeeded = int_field(obj, &["status", "succeeded"], 0);
    let active = int_field(obj, &["status", "active"], 0);
    let failed = int_field(obj, &["status", "failed"], 0);
    for c in conditions(obj)? {
        match c.kind.as_str() {
            "Complete" if c.status == "True" => {
                return Ok(StatusResult::current(format!(
                    "Job Completed. succeeded: {succeeded}/{completions}"
                )));
            }
            "Failed" if c.status == "True" => {
                return Ok(StatusResult::failed(format!(
                    "Job Failed. failed: {failed}/{completions}"
                )));
            }
            _ => {}
        }
    }
    if string_field(obj, &["status", "startTime"], "").is_empty() {
        return Ok(StatusResult::in_progress("Job not started"));
    }
    // A running Job counts as Current for kstatus (helm's --wait-for-jobs uses helm_job).
    Ok(StatusResult::current(format!(
        "Job in progress. success:{succeeded}, active: {active}, failed: {failed}"
    )))
}

fn service(obj: &Value) -> StatusResult {
    // kstatus only checks that a LoadBalancer Service got its cluster IP, not ingress.
    if string_field(obj, &["spec", "type"], "ClusterIP") == "LoadBalancer"
        && string_field(obj, &["spec", "clusterIP"], "").is_empty()
    {
        return StatusResult::in_progress("ClusterIP not set. Service type: LoadBalancer");
    }
    StatusResult::current("Service is ready")
}

fn crd(obj: &Value) -> Result<StatusResult, Error> {
    for c in conditions(obj)? {
        if c.kind == "NamesAccepted" && c.status == "False" {
            return Ok(StatusResult::failed(c.message));
        }
        if c.kind == "Established" {
            if c.status == "False" && c.reason != "Installing" {
                return Ok(StatusResult::failed(c.message));
            }
            if c.status == "True" {
                return Ok(StatusResult::current("CRD is established"));
            }
        }
    }
    Ok(StatusResult::in_progress("Install in progress"))
}

// ---- field access (util.go) ----

/// One entry of `status.conditions`, as kstatus's `BasicCondition` reads it.
#[derive(Debug, Default)]
struct Condition {
    kind: String,
    status: String,
    reason: String,
    message: String,
}

/// `status.conditions`, failing where Go's unstructured converter fails: `status` or
/// `conditions` of the wrong shape, or a condition field that is not a string.
fn conditions(obj: &Value) -> Result<Vec<Condition>, Error> {
    let status = match obj.get("status") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(invalid(format!(
                "status: expected an object, found {}",
                go_type(other)
            )));
        }
    };
    let items = match status.get("conditions") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(invalid(format!(
                "status.conditions: expected a list, found {}",
                go_type(other)
            )));
        }
    };
    items
        .iter()
        .map(|item| {
            let m = match item {
                Value::Null => return Ok(Condition::default()),
                Value::Object(m) => m,
                other => {
                    return Err(invalid(format!(
                        "status.conditions: expected an object, found {}",
                        go_type(other)
                    )));
                }
            };
            let field = |name: &str| -> Result<String, Error> {
                match m.get(name) {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(other) => Err(invalid(format!(
                        "status.conditions[].{name}: expected a string, found {}",
                        go_type(other)
                    ))),
                }
            };
            Ok(Condition {
                kind: field("type")?,
                status: field("status")?,
                reason: field("reason")?,
                message: field("message")?,
            })
        })
        .collect()
}

/// The value at `path`, `None` when a map along the way lacks the key; an error when
/// something along the way is not a map (unstructured's `NestedFieldNoCopy`).
fn nested<'a>(obj: &'a Value, path: &[&str]) -> Result<Option<&'a Value>, Error> {
    let mut cur = obj;
    for (i, field) in path.iter().enumerate() {
        match cur {
            Value::Object(m) => match m.get(*field) {
                Some(v) => cur = v,
                None => return Ok(None),
            },
            other => {
                return Err(invalid(format!(
                    ".{} accessor error: {other} is of the type {}, expected map[string]interface{{}}",
                    path[..i].join("."),
                    go_type(other)
                )));
            }
        }
    }
    Ok(Some(cur))
}

/// An integer field that must be an integer when present (unstructured's `NestedInt64`).
fn int64(obj: &Value, path: &[&str]) -> Result<Option<i64>, Error> {
    let what = path.join(".");
    match nested(obj, path)
        .map_err(|e| invalid(format!("looking up {what} from resource: {e}")))?
    {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            invalid(format!(
                "looking up {what} from resource: .{what} accessor error: {v} is of the type {}, expected int64",
                go_type(v)
            ))
        }),
    }
}

/// kstatus's `GetIntField`: the default when absent or not an integer.
fn int_field(obj: &Value, path: &[&str], default: i64) -> i64 {
    nested(obj, path)
        .ok()
        .flatten()
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// kstatus's `GetStringField`: the default when absent or not a string.
fn string_field<'a>(obj: &'a Value, path: &[&str], default: &'a str) -> &'a str {
    nested(obj, path)
        .ok()
        .flatten()
        .and_then(Value::as_str)
        .unwrap_or(default)
}

fn creation_time(obj: &Value) -> Option<SystemTime> {
    let text = obj.pointer("/metadata/creationTimestamp")?.as_str()?;
    let t = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    Some(SystemTime::from(t.with_timezone(&chrono::Utc)))
}

/// Go's name for a JSON value's decoded type, for messages shaped like unstructured's.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidObject { message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status_of(obj: Value) -> (Status, String) {
        let r = compute(&obj).unwrap();
        (r.status, r.message)
    }

    fn s(status: Status, message: &str) -> (Status, String) {
        (status, message.to_string())
    }

    /// A Deployment as the API server returns it right after creation (defaults applied).
    fn new_deployment() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "namespace": "default", "generation": 1,
                         "creationTimestamp": "2026-11-21T21:00:00Z"},
            "spec": {"replicas": 2, "progressDeadlineSeconds": 600, "revisionHistoryLimit": 10,
                     "selector": {"matchLabels": {"app": "d"}},
                     "strategy": {"type": "RollingUpdate"},
                     "template": {"metadata": {"labels": {"app": "d"}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
            "status": {}
        })
    }

    #[test]
    fn new_deployment_waits_for_replicas() {
        // The message helm v4.3.1 printed for this Deployment: "Replicas: 0/2".
        assert_eq!(
            status_of(new_deployment()),
            s(Status::InProgress, "Replicas: 0/2")
        );
    }

    #[test]
    fn rolled_out_deployment_is_current() {
        let mut d = new_deployment();
        d["status"] = json!({
            "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
            "availableReplicas": 2,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}
            ]
        });
        assert_eq!(
            status_of(d.clone()),
            s(Status::Current, "Deployment is available. Replicas: 2")
        );
        // Not yet observed generation 2.
        d["metadata"]["generation"] = json!(2);
        assert_eq!(
            status_of(d.clone()),
            s(
                Status::InProgress,
                "Deployment generation is 2, but latest observed generation is 1"
            )
        );
        d["metadata"]["generation"] = json!(1);
        // Progressing still on the old ReplicaSet.
        d["status"]["conditions"][1]["reason"] = json!("ReplicaSetUpdated");
        assert_eq!(
            status_of(d.clone()),
            s(Status::InProgress, "ReplicaSet not Available")
        );
        d["status"]["conditions"][1]["reason"] = json!("NewReplicaSetAvailable");
        d["status"]["conditions"][0]["status"] = json!("False");
        assert_eq!(
            status_of(d.clone()),
            s(Status::InProgress, "Deployment not Available")
        );
        // No progress deadline: Progressing is never set, so only Available matters.
        d["status"]["conditions"][0]["status"] = json!("True");
        d["status"]["conditions"] = json!([{"type": "Available", "status": "True"}]);
        d["spec"]["progressDeadlineSeconds"] = json!(i32::MAX);
        assert_eq!(
            status_of(d),
            s(Status::Current, "Deployment is available. Replicas: 2")
        );
    }

    #[test]
    fn deployment_replica_counts_in_kstatus_order() {
        let mut d = new_deployment();
        d["status"] = json!({"observedGeneration": 1, "replicas": 2, "updatedReplicas": 1});
        assert_eq!(status_of(d.clone()), s(Status::InProgress, "Updated: 1/2"));
        d["status"] = json!({"observedGeneration": 1, "replicas": 3, "updatedReplicas": 2});
        assert_eq!(
            status_of(d.clone()),
            s(Status::InProgress, "Pending termination: 1")
        );
        d["status"] = json!({"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1});
        assert_eq!(
            status_of(d.clone()),
            s(Status::InProgress, "Available: 1/2")
        );
        d["status"] = json!({"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2,
                             "availableReplicas": 2, "readyReplicas": 1});
        assert_eq!(status_of(d.clone()), s(Status::InProgress, "Ready: 1/2"));
        d["status"]["conditions"] = json!([{"type": "Progressing", "status": "False",
            "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"d-1\" has timed out progressing."}]);
        assert_eq!(
            status_of(d),
            s(Status::Failed, "Progress deadline exceeded")
        );
    }

    #[test]
    fn deletion_timestamp_means_terminating() {
        let mut d = new_deployment();
        d["metadata"]["deletionTimestamp"] = json!("2026-11-21T21:30:46Z");
        assert_eq!(
            status_of(d),
            s(Status::Terminating, "Resource scheduled for deletion")
        );
        // Also for kinds with no rule (helm v4.3.1 printed this for a ConfigMap kept by a
        // finalizer: "status: Terminating, message: Resource scheduled for deletion").
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "fcm", "deletionTimestamp": "2026-11-21T21:30:46Z",
                         "finalizers": ["example.com/keep"]}, "data": {"a": "b"}});
        assert_eq!(
            status_of(cm),
            s(Status::Terminating, "Resource scheduled for deletion")
        );
    }

    #[test]
    fn statefulset_rules() {
        let mut sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "s", "generation": 1},
            "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate",
                     "rollingUpdate": {"partition": 0}}},
            "status": {"observedGeneration": 1, "replicas": 3, "readyReplicas": 2}
        });
        assert_eq!(status_of(sts.clone()), s(Status::InProgress, "Ready: 2/3"));
        sts["status"]["replicas"] = json!(1);
        assert_eq!(
            status_of(sts.clone()),
            s(Status::InProgress, "Replicas: 1/3")
        );
        sts["status"] = json!({"observedGeneration": 1, "replicas": 3, "readyReplicas": 3,
                               "updatedReplicas": 1});
        assert_eq!(
            status_of(sts.clone()),
            s(Status::InProgress, "updated: 1/3")
        );
        sts["status"]["updatedReplicas"] = json!(3);
        assert_eq!(
            status_of(sts.clone()),
            s(Status::Current, "Partition rollout complete. updated: 3")
        );
        // Without a partition: current replicas and revisions must match.
        sts["spec"]["updateStrategy"] = json!({"type": "RollingUpdate"});
        sts["status"]["currentReplicas"] = json!(2);
        assert_eq!(
            status_of(sts.clone()),
            s(Status::InProgress, "current: 2/3")
        );
        sts["status"]["currentReplicas"] = json!(3);
        sts["status"]["currentRevision"] = json!("s-1");
        sts["status"]["updateRevision"] = json!("s-2");
        assert_eq!(
            status_of(sts.clone()),
            s(
                Status::InProgress,
                "Waiting for updated revision to match current"
            )
        );
        sts["status"]["updateRevision"] = json!("s-1");
        assert_eq!(
            status_of(sts.clone()),
            s(
                Status::Current,
                "All replicas scheduled as expected. Replicas: 3"
            )
        );
        sts["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        sts["status"] = json!({});
        assert_eq!(
            status_of(sts),
            s(
                Status::Current,
                "StatefulSet is using the ondelete update strategy"
            )
        );
    }

    #[test]
    fn daemonset_needs_observed_generation() {
        let mut ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "ds", "generation": 1}, "spec": {}, "status": {}});
        assert_eq!(
            status_of(ds.clone()),
            s(
                Status::InProgress,
                "DaemonSet status.observedGeneration not found"
            )
        );
        ds["status"] = json!({"observedGeneration": 1, "currentNumberScheduled": 0,
                              "desiredNumberScheduled": 0, "numberMisscheduled": 0, "numberReady": 0});
        assert_eq!(
            status_of(ds.clone()),
            s(
                Status::Current,
                "All replicas scheduled as expected. Replicas: 0"
            )
        );
        ds["status"] = json!({"observedGeneration": 1, "desiredNumberScheduled": 2,
            "currentNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 1});
        assert_eq!(
            status_of(ds.clone()),
            s(Status::InProgress, "Available: 1/2")
        );
        ds["status"] = json!({"observedGeneration": 1});
        assert_eq!(
            status_of(ds.clone()),
            s(Status::InProgress, "Missing .status.desiredNumberScheduled")
        );
        ds["metadata"] = json!({"name": "ds"});
        assert_eq!(
            status_of(ds),
            s(
                Status::InProgress,
                "DaemonSet metadata.generation not found"
            )
        );
    }

    #[test]
    fn replicaset_rules() {
        let mut rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "r", "generation": 1}, "spec": {"replicas": 2},
            "status": {"observedGeneration": 1, "replicas": 2, "fullyLabeledReplicas": 2,
                       "availableReplicas": 2, "readyReplicas": 2}});
        assert_eq!(
            status_of(rs.clone()),
            s(Status::Current, "ReplicaSet is available. Replicas: 2")
        );
        rs["status"]["fullyLabeledReplicas"] = json!(1);
        assert_eq!(
            status_of(rs.clone()),
            s(Status::InProgress, "Labelled: 1/2")
        );
        rs["status"]["conditions"] = json!([{"type": "ReplicaFailure", "status": "True",
            "reason": "FailedCreate", "message": "pods \"r-x\" is forbidden"}]);
        assert_eq!(
            status_of(rs),
            s(Status::InProgress, "Replica Failure condition. Check Pods")
        );
    }

    #[test]
    fn pod_rules() {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "creationTimestamp": "2026-11-21T21:00:00Z"},
            "spec": {"containers": [{"name": "c", "image": "x"}]}});
        assert_eq!(
            status_of(p.clone()),
            s(Status::InProgress, "Pod phase not available")
        );
        p["status"] =
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]});
        assert_eq!(status_of(p.clone()), s(Status::Current, "Pod is Ready"));
        p["status"] = json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [
                {"name": "a", "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
                {"name": "b", "state": {"running": {}}},
                {"name": "c", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]});
        assert_eq!(
            status_of(p.clone()),
            s(Status::Failed, "Containers in CrashLoop state: a,c")
        );
        p["status"] = json!({"phase": "Running"});
        assert_eq!(
            status_of(p.clone()),
            s(Status::InProgress, "Pod is running but is not Ready")
        );
        p["status"] = json!({"phase": "Failed"});
        assert_eq!(
            status_of(p.clone()),
            s(Status::Current, "Pod has completed, but not successfully")
        );
        p["status"] = json!({"phase": "Succeeded"});
        assert_eq!(
            status_of(p.clone()),
            s(Status::Current, "Pod has completed successfully")
        );
        p["status"] = json!({"phase": "Pending"});
        assert_eq!(
            status_of(p.clone()),
            s(Status::InProgress, "Pod is in the Pending phase")
        );
        p["status"] = json!({"phase": "Weird"});
        assert_eq!(compute(&p).unwrap_err().reason(), "InvalidObject");
    }

    #[test]
    fn unschedulable_pod_fails_after_the_window() {
        let p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "creationTimestamp": "2026-11-21T21:00:00Z"},
            "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled",
                "status": "False", "reason": "Unschedulable",
                "message": "0/1 nodes are available"}]}});
        let created =
            SystemTime::from(chrono::DateTime::parse_from_rfc3339("2026-11-21T21:00:00Z").unwrap());
        let early = compute_at(&p, created + Duration::from_secs(5)).unwrap();
        assert_eq!(
            (early.status, early.message.as_str()),
            (Status::InProgress, "Pod has not been scheduled")
        );
        let late = compute_at(&p, created + Duration::from_secs(16)).unwrap();
        assert_eq!(
            (late.status, late.message.as_str()),
            (Status::Failed, "Pod could not be scheduled")
        );
        assert_eq!(recheck_at(&p), Some(created + SCHEDULE_WINDOW));
    }

    #[test]
    fn job_rules() {
        let mut j = json!({"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "j", "generation": 1},
            "spec": {"completions": 1, "parallelism": 1, "backoffLimit": 6}, "status": {}});
        // helm v4.3.1 printed these two messages for a Job no controller ran.
        assert_eq!(
            status_of(j.clone()),
            s(Status::InProgress, "Job not started")
        );
        assert_eq!(helm_job(&j).unwrap().message, "Job in progress");
        j["status"] = json!({"startTime": "2026-11-21T21:00:00Z", "active": 1});
        assert_eq!(
            status_of(j.clone()),
            s(
                Status::Current,
                "Job in progress. success:0, active: 1, failed: 0"
            )
        );
        assert_eq!(helm_job(&j).unwrap().status, Status::InProgress);
        j["status"] = json!({"startTime": "2026-11-21T21:00:00Z", "failed": 1, "conditions": [
            {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded"},
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
             "message": "Job has reached the specified backoff limit"}]});
        assert_eq!(
            status_of(j.clone()),
            s(Status::Failed, "Job Failed. failed: 1/1")
        );
        assert_eq!(
            helm_job(&j).unwrap(),
            StatusResult::failed("Job Failed. failed: 1/1")
        );
        j["status"] = json!({"succeeded": 1, "conditions": [
            {"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]});
        assert_eq!(
            status_of(j.clone()),
            s(Status::Current, "Job Completed. succeeded: 1/1")
        );
        assert_eq!(
            helm_job(&j).unwrap(),
            StatusResult::current("Job Completed. succeeded: 1/1")
        );
        // completions defaults to parallelism.
        j["spec"] = json!({"parallelism": 3});
        assert_eq!(
            helm_job(&j).unwrap().message,
            "Job Completed. succeeded: 1/3"
        );
    }

    #[test]
    fn helm_pod_rule() {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hp"},
            "status": {"phase": "Failed"}});
        // helm v4.3.1: "status: Failed, message: pod hp failed".
        assert_eq!(helm_pod(&p), StatusResult::failed("pod hp failed"));
        p["status"]["phase"] = json!("Succeeded");
        assert_eq!(helm_pod(&p), StatusResult::current("pod hp succeeded"));
        p["status"]["phase"] = json!("Running");
        assert_eq!(helm_pod(&p), StatusResult::in_progress("Pod in progress"));
    }

    #[test]
    fn pvc_service_pdb_crd() {
        let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "c"}, "status": {"phase": "Pending"}});
        assert_eq!(
            status_of(pvc),
            s(Status::InProgress, "PVC is not Bound. phase: Pending")
        );
        let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "c"}});
        assert_eq!(
            status_of(pvc),
            s(Status::InProgress, "PVC is not Bound. phase: unknown")
        );
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"type": "LoadBalancer"}});
        assert_eq!(
            status_of(svc),
            s(
                Status::InProgress,
                "ClusterIP not set. Service type: LoadBalancer"
            )
        );
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.10"}, "status": {"loadBalancer": {}}});
        assert_eq!(status_of(svc), s(Status::Current, "Service is ready"));
        let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "p", "generation": 2}, "status": {"observedGeneration": 1}});
        assert_eq!(status_of(pdb.clone()).0, Status::InProgress);
        let mut pdb = pdb;
        pdb["status"]["observedGeneration"] = json!(2);
        assert_eq!(
            status_of(pdb),
            s(Status::Current, "AllowedDisruptions has been computed.")
        );
        let mut crd = json!({"apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition", "metadata": {"name": "ws.example.com"},
            "status": {"conditions": [
                {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts"},
                {"type": "Established", "status": "False", "reason": "Installing"}]}});
        assert_eq!(
            status_of(crd.clone()),
            s(Status::InProgress, "Install in progress")
        );
        crd["status"]["conditions"][1]["status"] = json!("True");
        assert_eq!(
            status_of(crd.clone()),
            s(Status::Current, "CRD is established")
        );
        crd["status"]["conditions"][0] = json!({"type": "NamesAccepted", "status": "False",
            "reason": "MultipleNamesNotAllowed", "message": "\"w\" is already in use"});
        assert_eq!(status_of(crd), s(Status::Failed, "\"w\" is already in use"));
    }

    #[test]
    fn custom_resources_use_standard_conditions() {
        let mut cr = json!({"apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": {"name": "w", "generation": 3}, "status": {"observedGeneration": 3}});
        assert_eq!(
            status_of(cr.clone()),
            s(Status::Current, "Resource is current")
        );
        cr["status"]["conditions"] = json!([{"type": "Ready", "status": "False",
            "reason": "Waiting", "message": "waiting for backend"}]);
        assert_eq!(
            status_of(cr.clone()),
            s(Status::InProgress, "waiting for backend")
        );
        cr["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
        assert_eq!(
            status_of(cr.clone()),
            s(Status::Current, "Resource is Ready")
        );
        cr["status"]["conditions"] = json!([{"type": "Ready", "status": "True"},
            {"type": "Reconciling", "status": "True", "reason": "Scaling", "message": "scaling up"}]);
        assert_eq!(status_of(cr.clone()), s(Status::InProgress, "scaling up"));
        cr["status"]["conditions"] = json!([{"type": "Stalled", "status": "True",
            "reason": "Broken", "message": "cannot reach backend"}]);
        assert_eq!(
            status_of(cr.clone()),
            s(Status::Failed, "cannot reach backend")
        );
        cr["status"]["observedGeneration"] = json!(2);
        assert_eq!(
            status_of(cr.clone()),
            s(
                Status::InProgress,
                "Widget generation is 3, but latest observed generation is 2"
            )
        );
        // Generic rules come before kind rules: a Stalled Secret is Failed.
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"},
            "status": {"conditions": [{"type": "Stalled", "status": "True", "message": "m"}]}});
        assert_eq!(status_of(secret), s(Status::Failed, "m"));
        let cj = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "x"}});
        assert_eq!(
            status_of(cj),
            s(Status::Current, "Resource is always ready")
        );
    }

    #[test]
    fn malformed_fields_fail_as_in_kstatus() {
        let bad_gen = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x", "generation": "1"}});
        assert_eq!(compute(&bad_gen).unwrap_err().reason(), "InvalidObject");
        let bad_conditions = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x"}, "status": {"conditions": {"type": "Ready"}}});
        assert_eq!(
            compute(&bad_conditions).unwrap_err().reason(),
            "InvalidObject"
        );
        let bad_type = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x"}, "status": {"conditions": [{"type": 1}]}});
        assert!(compute(&bad_type).is_err());
        // A non-integer count falls back to the default, as GetIntField does.
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": 1.5}, "status": {}});
        assert_eq!(status_of(d), s(Status::InProgress, "Replicas: 0/1"));
    }
}

//! `--simulate-workloads`: a tiny kwok. After a short delay it writes the status that
//! kube-controller-manager and kubelets would eventually write, so clients waiting for
//! readiness (`helm install --wait`, hooks, `helm test`, `kubectl rollout status`) finish.
//!
//! It fills in status, and keeps one ReplicaSet per Deployment pod template (helm's legacy
//! waiter and `kubectl rollout` look for it); no Pods are created and no containers run. Pods whose `restartPolicy` is `Never` or `OnFailure` (hook and test
//! pods) succeed; other pods run and are Ready.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::server::State;
use crate::store::{EventType, Key};
use crate::util::{get_path, meta_str, now_rfc3339};

fn interesting(k: &Key) -> bool {
    matches!(
        (k.group.as_str(), k.resource.as_str()),
        (
            "apps",
            "deployments" | "replicasets" | "statefulsets" | "daemonsets"
        ) | ("", "pods" | "persistentvolumeclaims" | "services")
            | ("batch", "jobs")
    )
}

fn int_at(o: &Value, path: &str, default: i64) -> i64 {
    get_path(o, path).and_then(Value::as_i64).unwrap_or(default)
}

/// The status a healthy cluster would converge to, or `None` to leave the object alone.
fn desired_status(k: &Key, o: &Value) -> Option<Value> {
    if meta_str(o, "deletionTimestamp").is_some() {
        return None;
    }
    let now = now_rfc3339();
    let generation = o
        .get("metadata")
        .and_then(|m| m.get("generation"))
        .cloned()
        .unwrap_or(json!(1));
    let cond = |t: &str, reason: &str, message: &str| json!({"type": t, "status": "True", "lastUpdateTime": now, "lastTransitionTime": now, "reason": reason, "message": message});
    let name = meta_str(o, "name").unwrap_or("");
    Some(match (k.group.as_str(), k.resource.as_str()) {
        ("apps", "deployments") => {
            let r = int_at(o, "spec.replicas", 1);
            json!({
                "observedGeneration": generation,
                "replicas": r, "updatedReplicas": r, "readyReplicas": r, "availableReplicas": r,
                "conditions": [
                    cond("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                    cond("Progressing", "NewReplicaSetAvailable", &format!("ReplicaSet \"{name}\" has successfully progressed.")),
                ],
            })
        }
        // ReplicaSets owned by a Deployment are converged together with it.
        ("apps", "replicasets") if o.pointer("/metadata/ownerReferences").is_some() => return None,
        ("apps", "replicasets") => {
            let r = int_at(o, "spec.replicas", 1);
            json!({"replicas": r, "fullyLabeledReplicas": r, "readyReplicas": r, "availableReplicas": r, "observedGeneration": generation})
        }
        ("apps", "statefulsets") => {
            let r = int_at(o, "spec.replicas", 1);
            let rev = format!("{name}-{}", generation);
            json!({
                "observedGeneration": generation,
                "replicas": r, "readyReplicas": r, "currentReplicas": r, "updatedReplicas": r, "availableReplicas": r,
                "currentRevision": rev, "updateRevision": rev, "collisionCount": 0,
            })
        }
        ("apps", "daemonsets") => json!({
            "currentNumberScheduled": 1, "desiredNumberScheduled": 1, "numberAvailable": 1, "numberMisscheduled": 0,
            "numberReady": 1, "observedGeneration": generation, "updatedNumberScheduled": 1,
        }),
        ("", "pods") => {
            let restart = get_path(o, "spec.restartPolicy")
                .and_then(Value::as_str)
                .unwrap_or("Always");
            let finishes = restart == "Never" || restart == "OnFailure";
            let containers: Vec<Value> = get_path(o, "spec.containers")
                .and_then(Value::as_array)
                .map(|cs| {
                    cs.iter()
                        .map(|c| {
                            let state = if finishes {
                                json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}})
                            } else {
                                json!({"running": {"startedAt": now}})
                            };
                            json!({
                                "name": c.get("name").cloned().unwrap_or(json!("")),
                                "image": c.get("image").cloned().unwrap_or(json!("")),
                                "imageID": "", "ready": !finishes, "restartCount": 0, "started": !finishes,
                                "state": state,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ready = if finishes { "False" } else { "True" };
            let mut conds = vec![
                json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
                json!({"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
            ];
            for t in ["ContainersReady", "Ready"] {
                let mut c = json!({"type": t, "status": ready, "lastProbeTime": null, "lastTransitionTime": now});
                if finishes {
                    c["reason"] = json!("PodCompleted");
                }
                conds.push(c);
            }
            json!({
                "phase": if finishes { "Succeeded" } else { "Running" },
                "conditions": conds,
                "hostIP": "10.0.0.1", "podIP": "10.244.0.10", "podIPs": [{"ip": "10.244.0.10"}],
                "startTime": now, "containerStatuses": containers, "qosClass": "BestEffort",
            })
        }
        ("batch", "jobs") => {
            if get_path(o, "spec.suspend").and_then(Value::as_bool) == Some(true) {
                return None;
            }
            let n = int_at(o, "spec.completions", 1);
            json!({
                "conditions": [
                    {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
                    {"type": "Complete", "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
                ],
                "startTime": now, "completionTime": now, "succeeded": n, "terminating": 0, "ready": 0,
                "uncountedTerminatedPods": {},
            })
        }
        ("", "persistentvolumeclaims") => json!({
            "phase": "Bound",
            "accessModes": get_path(o, "spec.accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
            "capacity": {"storage": get_path(o, "spec.resources.requests.storage").cloned().unwrap_or(json!("1Gi"))},
        }),
        ("", "services") => {
            if get_path(o, "spec.type").and_then(Value::as_str) != Some("LoadBalancer") {
                return None;
            }
            json!({"loadBalancer": {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}})
        }
        _ => return None,
    })
}

/// Drops timestamps so "already converged" ignores when it converged.
fn without_times(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "lastUpdateTime"
                            | "lastTransitionTime"
                            | "lastProbeTime"
                            | "startTime"
                            | "completionTime"
                            | "startedAt"
                            | "finishedAt"
                    )
                })
                .map(|(k, v)| (k.clone(), without_times(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_times).collect()),
        other => other.clone(),
    }
}

/// The `pod-template-hash` a ReplicaSet of this template gets: ten characters from the
/// alphabet the deployment controller uses (the value only has to be stable and distinct).
fn template_hash(template: &Value) -> String {
    use sha2::Digest as _;
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let digest = sha2::Sha256::digest(serde_json::to_vec(template).unwrap_or_default());
    digest
        .iter()
        .take(10)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect()
}

/// What the deployment controller keeps: one ReplicaSet per pod template, owned by the
/// Deployment, with the current one scaled to `spec.replicas` and older ones to zero.
/// Helm's legacy waiter and `kubectl rollout` look for it.
fn converge_replica_sets(g: &mut crate::store::StoreGuard<'_>, key: &Key, deploy: &Value) {
    let (Some(name), Some(uid)) = (meta_str(deploy, "name"), meta_str(deploy, "uid")) else {
        return;
    };
    let replicas = int_at(deploy, "spec.replicas", 1);
    let template = get_path(deploy, "spec.template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let hash = template_hash(&template);
    let rs_name = format!("{name}-{hash}");
    let owned: Vec<(Key, Arc<Value>)> = g
        .list("apps", "replicasets", Some(&key.namespace))
        .filter(|(_, rs)| {
            rs.get("metadata")
                .and_then(|m| m.get("ownerReferences"))
                .and_then(Value::as_array)
                .is_some_and(|refs| {
                    refs.iter()
                        .any(|r| r.get("uid").and_then(Value::as_str) == Some(uid))
                })
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, rs) in &owned {
        if k.name != rs_name && int_at(rs, "spec.replicas", 0) != 0 {
            let mut old = (**rs).clone();
            old["spec"]["replicas"] = json!(0);
            old["status"] =
                json!({"replicas": 0, "observedGeneration": old["metadata"]["generation"].clone()});
            let _ = g.put(k.clone(), old);
        }
    }
    let rs_key = Key::new("apps", "replicasets", &key.namespace, &rs_name);
    let mut labels = get_path(&template, "metadata.labels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    labels["pod-template-hash"] = json!(hash);
    let mut rs_template = template.clone();
    rs_template["metadata"]["labels"] = labels.clone();
    let mut selector = get_path(deploy, "spec.selector")
        .cloned()
        .unwrap_or_else(|| json!({}));
    selector["matchLabels"]["pod-template-hash"] = json!(hash);
    let existing = g.get(&rs_key);
    let mut rs = match &existing {
        Some(rs) => (**rs).clone(),
        None => json!({
            "kind": "ReplicaSet",
            "apiVersion": "apps/v1",
            "metadata": {
                "name": rs_name, "namespace": key.namespace, "uid": crate::util::new_uid(),
                "generation": 1, "creationTimestamp": now_rfc3339(), "labels": labels,
                "annotations": {"deployment.kubernetes.io/desired-replicas": replicas.to_string(), "deployment.kubernetes.io/revision": "1"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true}],
            },
            "spec": {"replicas": replicas, "selector": selector, "template": rs_template},
        }),
    };
    rs["spec"]["replicas"] = json!(replicas);
    rs["status"] = json!({
        "replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": replicas,
        "availableReplicas": replicas, "observedGeneration": rs["metadata"]["generation"].clone(),
    });
    if existing.as_deref() != Some(&rs) {
        let _ = g.put(rs_key, rs);
    }
}

fn converge(state: &State, key: &Key) {
    let mut g = state.store.lock();
    let Some(obj) = g.get(key) else { return };
    if key.group == "apps"
        && key.resource == "deployments"
        && meta_str(&obj, "deletionTimestamp").is_none()
    {
        converge_replica_sets(&mut g, key, &obj);
    }
    let Some(status) = desired_status(key, &obj) else {
        return;
    };
    if obj.get("status").map(without_times) == Some(without_times(&status)) {
        return;
    }
    let mut new = (*obj).clone();
    new["status"] = status;
    // A failed persistence write just means this status is not written; the next change
    // to the object triggers another attempt.
    let _ = g.put(key.clone(), new);
}

/// The annotation that gives one object its own simulated delay, e.g. `30s` or `500ms`:
/// tests use it for slow hooks (a Job that takes a while to complete).
pub const READY_AFTER_ANNOTATION: &str = "sandbox.charthouse.dev/ready-after";

fn ready_after(obj: &Value) -> Option<Duration> {
    let text = obj
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(READY_AFTER_ANNOTATION))
        .and_then(Value::as_str)?;
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.parse().ok().map(Duration::from_millis);
    }
    text.strip_suffix('s')?
        .parse()
        .ok()
        .map(Duration::from_secs)
}

/// Follows the store and converges every interesting object `delay` after it changes
/// (or after its own [`READY_AFTER_ANNOTATION`]).
pub(crate) async fn run(
    state: Arc<State>,
    delay: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let pending: Arc<Mutex<HashSet<Key>>> = Arc::default();
    let mut notify = state.store.subscribe();
    let (mut cursor, existing): (u64, Vec<Key>) = {
        let g = state.store.lock();
        (
            g.rv(),
            g.all()
                .map(|(k, _)| k.clone())
                .filter(interesting)
                .collect(),
        )
    };
    let schedule = |key: Key| {
        let fresh = pending
            .lock()
            .map(|mut p| p.insert(key.clone()))
            .unwrap_or(false);
        if !fresh {
            return;
        }
        let state = state.clone();
        let pending = pending.clone();
        tokio::spawn(async move {
            let own = {
                let g = state.store.lock();
                g.get(&key).and_then(|o| ready_after(&o))
            };
            tokio::time::sleep(own.unwrap_or(delay)).await;
            if let Ok(mut p) = pending.lock() {
                p.remove(&key);
            }
            converge(&state, &key);
        });
    };
    for k in existing {
        schedule(k);
    }
    loop {
        let events = {
            let g = state.store.lock();
            match g.events_since(cursor) {
                Ok(e) => e,
                Err(_) => {
                    // Fell behind the history: look at everything once more.
                    cursor = g.rv();
                    for k in g.all().map(|(k, _)| k.clone()).filter(interesting) {
                        schedule(k);
                    }
                    Vec::new()
                }
            }
        };
        for e in events {
            cursor = e.rv;
            if e.kind != EventType::Deleted && interesting(&e.key) {
                schedule(e.key.clone());
            }
        }
        tokio::select! {
            changed = notify.changed() => if changed.is_err() { return },
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_pods_succeed_and_service_pods_run() {
        let k = Key::new("", "pods", "ns", "p");
        let test_pod = json!({"metadata": {"name": "p"}, "spec": {"restartPolicy": "Never", "containers": [{"name": "c"}]}});
        assert_eq!(desired_status(&k, &test_pod).unwrap()["phase"], "Succeeded");
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}});
        let s = desired_status(&k, &pod).unwrap();
        assert_eq!(s["phase"], "Running");
        assert_eq!(s["containerStatuses"][0]["ready"], true);
    }

    #[test]
    fn deployments_report_their_generation() {
        let k = Key::new("apps", "deployments", "ns", "d");
        let d = json!({"metadata": {"name": "d", "generation": 3}, "spec": {"replicas": 2}});
        let s = desired_status(&k, &d).unwrap();
        assert_eq!(s["observedGeneration"], 3);
        assert_eq!(s["readyReplicas"], 2);
        assert_eq!(
            without_times(&s),
            without_times(&desired_status(&k, &d).unwrap())
        );
    }
}

#[cfg(test)]
mod ready_after_tests {
    use super::*;

    #[test]
    fn per_object_delay_annotation() {
        let obj = |v: &str| json!({"metadata": {"annotations": {READY_AFTER_ANNOTATION: v}}});
        assert_eq!(ready_after(&obj("30s")), Some(Duration::from_secs(30)));
        assert_eq!(ready_after(&obj("250ms")), Some(Duration::from_millis(250)));
        assert_eq!(ready_after(&obj("soon")), None);
        assert_eq!(ready_after(&json!({"metadata": {}})), None);
    }
}

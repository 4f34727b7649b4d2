//! Defaulting: the values the API server's defaulting functions fill in on every write of
//! the common workload types (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
//! CronJobs, Pods and their pod templates, Services), so objects read back the way they
//! do from a real cluster and `kubectl apply`/`diff` see the same fields.
//!
//! Only fields missing from the object are set; nothing a client sent is changed.

use serde_json::{Map, Value, json};

use crate::registry::ResourceType;

fn obj(v: &mut Value) -> Option<&mut Map<String, Value>> {
    v.as_object_mut()
}

fn set(m: &mut Map<String, Value>, key: &str, v: Value) {
    m.entry(key.to_string()).or_insert(v);
}

/// A child object, created empty if missing (defaulting walks into optional structs the
/// way Go's defaulters do for non-pointer fields).
fn child<'a>(m: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Map<String, Value>> {
    let v = m.entry(key.to_string()).or_insert_with(|| json!({}));
    v.as_object_mut()
}

/// `Always` for `:latest` or untagged images, `IfNotPresent` otherwise (`SetDefaults_Container`).
fn pull_policy(image: &str) -> &'static str {
    let without_digest = image.split('@').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    match last.split_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

fn containers(spec: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(cs)) = spec.get_mut(key) else {
        return;
    };
    for c in cs.iter_mut().filter_map(obj) {
        set(c, "resources", json!({}));
        set(c, "terminationMessagePath", json!("/dev/termination-log"));
        set(c, "terminationMessagePolicy", json!("File"));
        let image = c
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        set(c, "imagePullPolicy", json!(pull_policy(&image)));
        if let Some(Value::Array(ports)) = c.get_mut("ports") {
            for p in ports.iter_mut().filter_map(obj) {
                set(p, "protocol", json!("TCP"));
            }
        }
    }
}

fn pod_spec(spec: &mut Map<String, Value>) {
    containers(spec, "containers");
    containers(spec, "initContainers");
    set(spec, "restartPolicy", json!("Always"));
    set(spec, "terminationGracePeriodSeconds", json!(30));
    set(spec, "dnsPolicy", json!("ClusterFirst"));
    set(spec, "securityContext", json!({}));
    set(spec, "schedulerName", json!("default-scheduler"));
}

fn template(spec: &mut Map<String, Value>) {
    if let Some(t) = child(spec, "template")
        && let Some(ps) = child(t, "spec")
    {
        pod_spec(ps);
    }
}

/// The next NodePort (30000 onwards, wrapping within the default 30000-32767 range).
pub(crate) fn next_node_port() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    30000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 2768
}

/// Fills in the defaults for `rt`. `next_node_port` hands out NodePorts for Services.
pub(crate) fn apply(rt: &ResourceType, o: &mut Value, mut next_node_port: impl FnMut() -> u32) {
    let Some(root) = obj(o) else { return };
    let builtin_status = rt.custom.is_none() && rt.subresource("status").is_some();
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("apps", "deployments") => {
            if let Some(s) = child(root, "spec") {
                set(s, "replicas", json!(1));
                template(s);
                set(s, "strategy", json!({}));
                if let Some(st) = s.get_mut("strategy").and_then(obj) {
                    set(st, "type", json!("RollingUpdate"));
                    if st.get("type") == Some(&json!("RollingUpdate")) {
                        set(st, "rollingUpdate", json!({}));
                        if let Some(ru) = st.get_mut("rollingUpdate").and_then(obj) {
                            set(ru, "maxUnavailable", json!("25%"));
                            set(ru, "maxSurge", json!("25%"));
                        }
                    }
                }
                set(s, "revisionHistoryLimit", json!(10));
                set(s, "progressDeadlineSeconds", json!(600));
            }
        }
        ("apps", "statefulsets") => {
            if let Some(s) = child(root, "spec") {
                set(s, "replicas", json!(1));
                template(s);
                set(s, "podManagementPolicy", json!("OrderedReady"));
                set(
                    s,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                );
                set(s, "revisionHistoryLimit", json!(10));
                set(
                    s,
                    "persistentVolumeClaimRetentionPolicy",
                    json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                );
            }
        }
        ("apps", "daemonsets") => {
            if let Some(s) = child(root, "spec") {
                template(s);
                set(
                    s,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
                );
                set(s, "revisionHistoryLimit", json!(10));
            }
        }
        ("apps", "replicasets") => {
            if let Some(s) = child(root, "spec") {
                set(s, "replicas", json!(1));
                template(s);
            }
        }
        ("batch", "jobs") => {
            if let Some(s) = child(root, "spec") {
                template(s);
                set(s, "parallelism", json!(1));
                set(s, "completions", json!(1));
                set(s, "backoffLimit", json!(6));
                set(s, "completionMode", json!("NonIndexed"));
                set(s, "suspend", json!(false));
                set(s, "podReplacementPolicy", json!("TerminatingOrFailed"));
            }
        }
        ("batch", "cronjobs") => {
            if let Some(s) = child(root, "spec") {
                set(s, "concurrencyPolicy", json!("Allow"));
                set(s, "suspend", json!(false));
                set(s, "successfulJobsHistoryLimit", json!(3));
                set(s, "failedJobsHistoryLimit", json!(1));
                if let Some(jt) = child(s, "jobTemplate")
                    && let Some(js) = child(jt, "spec")
                {
                    template(js);
                }
            }
        }
        ("", "pods") => {
            if let Some(s) = child(root, "spec") {
                pod_spec(s);
                set(s, "serviceAccountName", json!("default"));
                set(s, "serviceAccount", json!("default"));
                set(s, "enableServiceLinks", json!(true));
                set(s, "priority", json!(0));
                set(s, "preemptionPolicy", json!("PreemptLowerPriority"));
            }
        }
        ("", "services") => {
            if let Some(s) = child(root, "spec") {
                let ty = s
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("ClusterIP")
                    .to_string();
                set(s, "type", json!(ty));
                set(s, "sessionAffinity", json!("None"));
                if ty != "ExternalName" {
                    set(s, "ipFamilies", json!(["IPv4"]));
                    set(s, "ipFamilyPolicy", json!("SingleStack"));
                    set(s, "internalTrafficPolicy", json!("Cluster"));
                }
                if ty == "NodePort" || ty == "LoadBalancer" {
                    set(s, "externalTrafficPolicy", json!("Cluster"));
                }
                if ty == "LoadBalancer" {
                    set(s, "allocateLoadBalancerNodePorts", json!(true));
                }
                if let Some(Value::Array(ports)) = s.get_mut("ports") {
                    for p in ports.iter_mut().filter_map(obj) {
                        set(p, "protocol", json!("TCP"));
                        if let Some(port) = p.get("port").cloned() {
                            set(p, "targetPort", port);
                        }
                        if ty == "NodePort" || ty == "LoadBalancer" {
                            let np = next_node_port();
                            set(p, "nodePort", json!(np));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    if builtin_status {
        // Built-in status structs are serialized even when empty.
        set(root, "status", json!({}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn deployment_defaults_match_the_recorded_server() {
        let reg = Registry::builtin().unwrap();
        let rt = reg.find("apps", "v1", "deployments").unwrap();
        let mut d = json!({"spec": {"selector": {"matchLabels": {"app": "d1"}}, "template": {"metadata": {"labels": {"app": "d1"}},
            "spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox:1.36"}]}}}});
        apply(&rt, &mut d, || 30000);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        let c = &d["spec"]["template"]["spec"]["containers"];
        assert_eq!(c[0]["imagePullPolicy"], "Always");
        assert_eq!(c[1]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(d["spec"]["template"]["spec"]["dnsPolicy"], "ClusterFirst");
        assert_eq!(d["status"], json!({}));
    }

    #[test]
    fn client_values_win() {
        let reg = Registry::builtin().unwrap();
        let rt = reg.find("", "v1", "services").unwrap();
        let mut s = json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "targetPort": 8080, "nodePort": 31000}]}});
        apply(&rt, &mut s, || 30000);
        assert_eq!(s["spec"]["ports"][0]["targetPort"], 8080);
        assert_eq!(s["spec"]["ports"][0]["nodePort"], 31000);
        assert_eq!(s["spec"]["ports"][0]["protocol"], "TCP");
    }

    #[test]
    fn pull_policies() {
        assert_eq!(pull_policy("nginx"), "Always");
        assert_eq!(pull_policy("nginx:latest"), "Always");
        assert_eq!(pull_policy("registry:5000/nginx"), "Always");
        assert_eq!(pull_policy("registry:5000/nginx:1.2"), "IfNotPresent");
        assert_eq!(pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }
}

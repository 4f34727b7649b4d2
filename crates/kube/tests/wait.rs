//! Waiting against the sandbox. Expected messages come from helm v4.3.1 in the same
//! situations (`tests/data/wait/regen.sh`).

// Helpers outside #[test] fns unwrap too: a panic in a test is a failed assertion.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use charthouse_kube::wait::{WaitOptions, wait_deleted, wait_hook, wait_ready};
use charthouse_kube::{ObjectRef, Resource};
use charthouse_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolumeClaim, Pod, Service};
use kube::Api;
use kube::api::{DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::discovery::ApiResource;
use serde_json::{Value, json};

fn expected(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/wait")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .trim_end()
        .to_string()
}

async fn sandbox(simulate: bool, audit_log: Option<&Path>) -> (SandboxHandle, kube::Client) {
    let sandbox = Sandbox::start(SandboxConfig {
        simulate_workloads: simulate,
        simulate_delay: Duration::from_millis(300),
        audit_log: audit_log.map(Path::to_path_buf),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = sandbox.client().await.unwrap();
    (sandbox, client)
}

fn object_ref<K>(name: &str) -> ObjectRef
where
    K: kube::Resource<DynamicType = ()>,
{
    ObjectRef {
        resource: Resource {
            api: ApiResource::erase::<K>(&()),
            namespaced: true,
        },
        namespace: Some("default".to_string()),
        name: name.to_string(),
    }
}

/// Creates `manifest` (its kind given by `K`) in `default` and returns its reference.
async fn create<K>(client: &kube::Client, manifest: Value) -> ObjectRef
where
    K: kube::Resource<DynamicType = ()>,
{
    let name = manifest["metadata"]["name"].as_str().unwrap().to_string();
    let r = object_ref::<K>(&name);
    let object: DynamicObject = serde_json::from_value(manifest).unwrap();
    r.api(client)
        .create(&PostParams::default(), &object)
        .await
        .unwrap();
    r
}

async fn patch_status(client: &kube::Client, r: &ObjectRef, status: Value) {
    r.api(client)
        .patch_status(
            &r.name,
            &PatchParams::default(),
            &Patch::Merge(json!({ "status": status })),
        )
        .await
        .unwrap();
}

fn deployment(name: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
    })
}

fn job(name: &str) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
        "spec": {"template": {"spec": {"restartPolicy": "Never",
                 "containers": [{"name": "c", "image": "busybox"}]}}}
    })
}

fn config_map(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "b"}})
}

fn opts(timeout: Duration) -> WaitOptions {
    WaitOptions {
        timeout,
        ..WaitOptions::default()
    }
}

/// The release of `regen.sh`: a ConfigMap, a Deployment of 2, a LoadBalancer Service and
/// a Job, in helm's install order.
async fn helm_release(client: &kube::Client) -> Vec<ObjectRef> {
    vec![
        create::<ConfigMap>(client, config_map("cm")).await,
        create::<Service>(
            client,
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                   "spec": {"type": "LoadBalancer", "selector": {"app": "d"}, "ports": [{"port": 80}]}}),
        )
        .await,
        create::<Deployment>(client, deployment("d", 2)).await,
        create::<Job>(client, job("j")).await,
    ]
}

#[tokio::test]
async fn workloads_become_ready_after_the_simulated_delay() {
    let (sandbox, client) = sandbox(true, None).await;
    let start = Instant::now();
    let mut objects = helm_release(&client).await;
    objects.push(
        create::<StatefulSet>(
            &client,
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ss"},
                "spec": {"replicas": 2, "serviceName": "ss", "selector": {"matchLabels": {"app": "ss"}},
                         "template": {"metadata": {"labels": {"app": "ss"}},
                                      "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
        )
        .await,
    );
    objects.push(
        create::<DaemonSet>(
            &client,
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds"},
                "spec": {"selector": {"matchLabels": {"app": "ds"}},
                         "template": {"metadata": {"labels": {"app": "ds"}},
                                      "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
        )
        .await,
    );
    objects.push(
        create::<PersistentVolumeClaim>(
            &client,
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "pvc"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        )
        .await,
    );
    objects.push(
        create::<Pod>(
            &client,
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "spec": {"containers": [{"name": "c", "image": "x"}]}}),
        )
        .await,
    );
    let waited = Instant::now();
    let o = WaitOptions {
        timeout: Duration::from_secs(20),
        wait_for_jobs: true,
        ..WaitOptions::default()
    };
    wait_ready(&client, &objects, &o).await.unwrap();
    // Nothing is ready before the simulation writes status.
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(waited.elapsed() < Duration::from_secs(10));
    // Everything is ready now: waiting again succeeds at once.
    wait_ready(&client, &objects, &o).await.unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn timeout_lists_what_is_not_ready_as_helm_does() {
    let (sandbox, client) = sandbox(false, None).await;
    let objects = helm_release(&client).await;
    let start = Instant::now();
    let err = wait_ready(&client, &objects, &opts(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.reason(), "WaitTimeout");
    assert_eq!(err.to_string(), expected("timeout.txt"));

    let with_jobs = WaitOptions {
        timeout: Duration::from_secs(1),
        wait_for_jobs: true,
        ..WaitOptions::default()
    };
    // The Job has started but not completed: Current for kstatus, not for --wait-for-jobs.
    let j = &objects[3];
    patch_status(
        &client,
        j,
        json!({"startTime": "2026-01-01T00:00:00Z", "active": 1}),
    )
    .await;
    let err = wait_ready(&client, &objects, &with_jobs).await.unwrap_err();
    assert_eq!(err.to_string(), expected("timeout-with-jobs.txt"));
    let err = wait_ready(&client, &objects, &opts(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource Deployment/default/d not ready. status: InProgress, message: Replicas: 0/2\n\
         context deadline exceeded"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn status_written_while_waiting_ends_the_wait() {
    let (sandbox, client) = sandbox(false, None).await;
    let d = create::<Deployment>(&client, deployment("d", 1)).await;
    let writer = {
        let client = client.clone();
        let d = d.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            patch_status(
                &client,
                &d,
                json!({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
                       "readyReplicas": 1, "availableReplicas": 1, "conditions": [
                    {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}),
            )
            .await;
        })
    };
    let start = Instant::now();
    wait_ready(&client, &[d], &opts(Duration::from_secs(20)))
        .await
        .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(400));
    assert!(start.elapsed() < Duration::from_secs(10));
    writer.await.unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_failed_object_ends_the_wait_without_the_deadline() {
    let (sandbox, client) = sandbox(false, None).await;
    let cm = create::<ConfigMap>(&client, config_map("cm")).await;
    let d = create::<Deployment>(&client, deployment("d", 1)).await;
    patch_status(
        &client,
        &d,
        json!({"observedGeneration": 1, "replicas": 1, "conditions": [
            {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
             "message": "ReplicaSet \"d-1\" has timed out progressing."}]}),
    )
    .await;
    let start = Instant::now();
    let err = wait_ready(&client, &[cm, d], &opts(Duration::from_secs(30)))
        .await
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(err.reason(), "WaitFailed");
    assert_eq!(
        err.to_string(),
        "resource Deployment/default/d not ready. status: Failed, message: Progress deadline exceeded"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn missing_objects_are_waited_for_until_created() {
    let (sandbox, client) = sandbox(false, None).await;
    let cm = object_ref::<ConfigMap>("later");
    let err = wait_ready(
        &client,
        std::slice::from_ref(&cm),
        &opts(Duration::from_millis(500)),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource ConfigMap/default/later not ready. status: Unknown, message: \n\
         context deadline exceeded"
    );
    let creator = {
        let client = client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            create::<ConfigMap>(&client, config_map("later")).await;
        })
    };
    wait_ready(&client, &[cm], &opts(Duration::from_secs(20)))
        .await
        .unwrap();
    creator.await.unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn failed_hook_job_and_pod_fail_with_helms_message() {
    let (sandbox, client) = sandbox(false, None).await;
    let hj = create::<Job>(&client, job("hj")).await;
    let failer = {
        let client = client.clone();
        let hj = hj.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            patch_status(
                &client,
                &hj,
                json!({"failed": 1, "startTime": "2026-01-01T00:00:00Z", "conditions": [
                    {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded",
                     "message": "Job has reached the specified backoff limit"},
                    {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                     "message": "Job has reached the specified backoff limit"}]}),
            )
            .await;
        })
    };
    let err = wait_hook(&client, &hj, Duration::from_secs(20))
        .await
        .unwrap_err();
    failer.await.unwrap();
    assert_eq!(err.reason(), "WaitFailed");
    assert_eq!(err.to_string(), expected("hook-job-failed.txt"));

    let hp = create::<Pod>(
        &client,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hp"},
               "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}),
    )
    .await;
    patch_status(&client, &hp, json!({"phase": "Failed"})).await;
    let err = wait_hook(&client, &hp, Duration::from_secs(20))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), expected("hook-pod-failed.txt"));

    // A running hook Job times out; a ConfigMap hook is ready at once.
    let slow = create::<Job>(&client, job("slow")).await;
    let err = wait_hook(&client, &slow, Duration::from_millis(500))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource Job/default/slow not ready. status: InProgress, message: Job in progress\n\
         context deadline exceeded"
    );
    let cm = create::<ConfigMap>(&client, config_map("hook-cm")).await;
    wait_hook(&client, &cm, Duration::from_millis(1))
        .await
        .unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn hooks_succeed_when_the_job_and_pod_finish() {
    let (sandbox, client) = sandbox(true, None).await;
    let hj = create::<Job>(&client, job("hj")).await;
    let hp = create::<Pod>(
        &client,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hp"},
               "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}),
    )
    .await;
    let start = Instant::now();
    wait_hook(&client, &hj, Duration::from_secs(20))
        .await
        .unwrap();
    wait_hook(&client, &hp, Duration::from_secs(20))
        .await
        .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(250));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn waiting_for_deletion() {
    let (sandbox, client) = sandbox(false, None).await;
    // Objects that never existed are gone already.
    let never = object_ref::<ConfigMap>("never");
    wait_deleted(&client, &[never], &opts(Duration::from_secs(5)))
        .await
        .unwrap();

    let mut kept = config_map("fcm");
    kept["metadata"]["finalizers"] = json!(["example.com/keep"]);
    let fcm = create::<ConfigMap>(&client, kept).await;
    let plain = create::<ConfigMap>(&client, config_map("plain")).await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    api.delete("fcm", &DeleteParams::default()).await.unwrap();
    api.delete("plain", &DeleteParams::default()).await.unwrap();
    let both = [fcm.clone(), plain];
    let err = wait_deleted(&client, &both, &opts(Duration::from_millis(800)))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), "WaitTimeout");
    assert_eq!(err.to_string(), expected("delete-timeout.txt"));

    // Removing the finalizer while waiting lets the object go.
    let releaser = {
        let client = client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let api: Api<ConfigMap> = Api::namespaced(client, "default");
            api.patch(
                "fcm",
                &PatchParams::default(),
                &Patch::Merge(json!({"metadata": {"finalizers": null}})),
            )
            .await
            .unwrap();
        })
    };
    let start = Instant::now();
    wait_deleted(&client, &both, &opts(Duration::from_secs(20)))
        .await
        .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    releaser.await.unwrap();
    sandbox.shutdown().await;
}

/// The request lines of the audit log from line `from` on: (verb, URI).
fn requests(log: &Path, from: usize) -> Vec<(String, String)> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .skip(from)
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["verb"].as_str().unwrap().to_string(),
                v["requestURI"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn ready_objects_cost_one_list_per_kind_and_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.log");
    let (sandbox, client) = sandbox(true, Some(&log)).await;
    let mut objects = Vec::new();
    for i in 0..5 {
        objects.push(create::<Deployment>(&client, deployment(&format!("d{i}"), 1)).await);
        objects.push(create::<ConfigMap>(&client, config_map(&format!("cm{i}"))).await);
    }
    let single = vec![
        create::<StatefulSet>(
            &client,
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ss"},
            "spec": {"replicas": 1, "serviceName": "ss", "selector": {"matchLabels": {"app": "ss"}},
                     "template": {"metadata": {"labels": {"app": "ss"}},
                                  "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
        )
        .await,
    ];
    let o = opts(Duration::from_secs(20));
    wait_ready(&client, &objects, &o).await.unwrap();
    wait_ready(&client, &single, &o).await.unwrap();

    let before = requests(&log, 0).len();
    wait_ready(&client, &objects, &o).await.unwrap();
    let mut made = requests(&log, before);
    made.sort();
    assert_eq!(
        made,
        vec![
            (
                "list".to_string(),
                "/api/v1/namespaces/default/configmaps?".to_string()
            ),
            (
                "list".to_string(),
                "/apis/apps/v1/namespaces/default/deployments?".to_string()
            ),
        ]
    );
    // One object of its kind: listed by name.
    let before = requests(&log, 0).len();
    wait_ready(&client, &single, &o).await.unwrap();
    assert_eq!(
        requests(&log, before),
        vec![(
            "list".to_string(),
            "/apis/apps/v1/namespaces/default/statefulsets?&fieldSelector=metadata.name%3Dss"
                .to_string()
        )]
    );
    sandbox.shutdown().await;
}

fn ready_deployment_status() -> Value {
    json!({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
           "availableReplicas": 1, "conditions": [
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]})
}

#[tokio::test]
async fn waiting_costs_one_list_and_at_most_one_watch_per_kind_and_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.log");
    let (sandbox, client) = sandbox(false, Some(&log)).await;
    let mut objects = Vec::new();
    let mut deployments = Vec::new();
    for i in 0..5 {
        let d = create::<Deployment>(&client, deployment(&format!("d{i}"), 1)).await;
        deployments.push(d.clone());
        objects.push(d);
        objects.push(create::<ConfigMap>(&client, config_map(&format!("cm{i}"))).await);
    }
    let before = requests(&log, 0).len();
    let writer = {
        let client = client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for d in &deployments {
                patch_status(&client, d, ready_deployment_status()).await;
            }
        })
    };
    wait_ready(&client, &objects, &opts(Duration::from_secs(20)))
        .await
        .unwrap();
    writer.await.unwrap();
    let made: Vec<(String, String)> = requests(&log, before)
        .into_iter()
        .filter(|(verb, _)| verb == "list" || verb == "watch")
        .collect();
    let count = |verb: &str, resource: &str| {
        made.iter()
            .filter(|(v, uri)| v == verb && uri.contains(resource))
            .count()
    };
    // ConfigMaps are ready at once: listed, never watched.
    assert_eq!(count("list", "/configmaps"), 1, "{made:?}");
    assert_eq!(count("watch", "/configmaps"), 0, "{made:?}");
    // Deployments: one list, then one watch until all five are ready.
    assert_eq!(count("list", "/deployments"), 1, "{made:?}");
    assert!(count("watch", "/deployments") <= 1, "{made:?}");
    assert_eq!(made.len(), 2 + count("watch", "/deployments"), "{made:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn paused_deployments_are_not_waited_for() {
    let (sandbox, client) = sandbox(false, None).await;
    let mut paused = deployment("paused", 1);
    paused["spec"]["paused"] = json!(true);
    let d = create::<Deployment>(&client, paused).await;
    let cm = create::<ConfigMap>(&client, config_map("cm")).await;
    wait_ready(&client, &[d, cm], &opts(Duration::from_secs(20)))
        .await
        .unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_statefulset_with_a_crash_looping_pod_fails() {
    let (sandbox, client) = sandbox(false, None).await;
    let ss = create::<StatefulSet>(
        &client,
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ss"},
            "spec": {"replicas": 1, "serviceName": "ss", "selector": {"matchLabels": {"app": "ss"}},
                     "template": {"metadata": {"labels": {"app": "ss"}},
                                  "spec": {"containers": [{"name": "c", "image": "x"}]}}}}),
    )
    .await;
    let pod = create::<Pod>(
        &client,
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "ss-0", "labels": {"app": "ss"}},
               "spec": {"containers": [{"name": "c", "image": "x"}]}}),
    )
    .await;
    patch_status(
        &client,
        &pod,
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
               "containerStatuses": [{"name": "c", "ready": false, "restartCount": 5, "image": "x",
                   "imageID": "", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
    )
    .await;
    let err = wait_ready(&client, &[ss], &opts(Duration::from_secs(20)))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), "WaitFailed");
    assert_eq!(
        err.to_string(),
        "resource StatefulSet/default/ss not ready. status: Failed, message: 1 pods have failed"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn objects_of_a_kind_the_server_lacks() {
    let (sandbox, client) = sandbox(false, None).await;
    let widget = ObjectRef {
        resource: Resource {
            api: ApiResource {
                group: "example.com".into(),
                version: "v1".into(),
                api_version: "example.com/v1".into(),
                kind: "Widget".into(),
                plural: "widgets".into(),
            },
            namespaced: true,
        },
        namespace: Some("default".into()),
        name: "w".into(),
    };
    // No such kind: nothing of it exists, so it is deleted already ...
    wait_deleted(
        &client,
        std::slice::from_ref(&widget),
        &opts(Duration::from_secs(20)),
    )
    .await
    .unwrap();
    // ... and never ready: helm stops watching the kind and times out.
    let err = wait_ready(&client, &[widget], &opts(Duration::from_millis(500)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource Widget/default/w not ready. status: Unknown, message: \n\
         context deadline exceeded"
    );
    sandbox.shutdown().await;
}

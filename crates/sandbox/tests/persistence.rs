//! `--data DIR` survives restarts; `--audit-log FILE` records every request.

use charthouse_sandbox::SandboxConfig;

use crate::common::Env;

#[tokio::test(flavor = "multi_thread")]
async fn data_dir_keeps_every_acknowledged_write_across_restarts() {
    let data = tempfile::tempdir().unwrap();
    let config = || SandboxConfig {
        data_dir: Some(data.path().to_path_buf()),
        ..SandboxConfig::default()
    };
    let env = Env::with(config()).await;
    env.kubectl(&["create", "namespace", "keep"]);
    env.kubectl(&[
        "create",
        "configmap",
        "a",
        "-n",
        "keep",
        "--from-literal=k=v1",
    ]);
    env.kubectl(&["create", "configmap", "gone", "-n", "keep"]);
    env.kubectl(&["delete", "configmap", "gone", "-n", "keep"]);
    env.kubectl_stdin(
        &["apply", "-f", "-"],
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gizmos.example.com\nspec:\n  group: example.com\n  scope: Cluster\n  names: {plural: gizmos, kind: Gizmo}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n",
    );
    env.kubectl_stdin(
        &["apply", "-f", "-"],
        "apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g1\n",
    );
    let rv_before = env.sandbox.resource_version();
    env.sandbox.shutdown().await;

    let env = Env::with(config()).await;
    assert_eq!(
        env.kubectl(&[
            "get",
            "configmap",
            "a",
            "-n",
            "keep",
            "-o",
            "jsonpath={.data.k}"
        ]),
        "v1"
    );
    assert!(
        !env.kubectl_output(&["get", "configmap", "gone", "-n", "keep"])
            .status
            .success()
    );
    assert!(
        env.kubectl(&["get", "gizmos", "-o", "name"])
            .contains("gizmo.example.com/g1")
    );
    assert_eq!(
        env.sandbox.resource_version(),
        rv_before,
        "versions continue where they stopped"
    );
    env.kubectl(&["create", "configmap", "b", "-n", "keep"]);
    assert!(env.sandbox.resource_version() > rv_before);
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_log_has_one_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.log");
    let env = Env::with(SandboxConfig {
        audit_log: Some(log.clone()),
        ..SandboxConfig::default()
    })
    .await;
    env.raw(
        "GET",
        "/api/v1/namespaces/default/configmaps",
        "",
        "",
        "audit-test/1.0",
    )
    .await;
    env.raw(
        "GET",
        "/api/v1/namespaces/default/configmaps/missing",
        "",
        "",
        "audit-test/1.0",
    )
    .await;
    env.sandbox.shutdown().await;
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mine: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["userAgent"] == "audit-test/1.0")
        .collect();
    assert_eq!(mine.len(), 2, "{text}");
    assert_eq!(mine[0]["verb"], "list");
    assert_eq!(mine[0]["responseStatus"]["code"], 200);
    assert_eq!(mine[1]["verb"], "get");
    assert_eq!(mine[1]["responseStatus"]["code"], 404);
    assert_eq!(mine[1]["user"]["username"], "kubernetes-admin");
    assert!(mine[1]["durationSeconds"].as_f64().unwrap() >= 0.0);
    assert!(
        mine[1]["requestReceivedTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

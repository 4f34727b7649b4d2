//! The real helm v4.3.1 against the sandbox.

use std::time::Duration;

use charthouse_sandbox::SandboxConfig;

use crate::common::{Env, data};

fn chart(name: &str) -> String {
    data(&format!("charts/{name}")).display().to_string()
}

fn simulated() -> SandboxConfig {
    SandboxConfig {
        simulate_workloads: true,
        simulate_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn install_upgrade_rollback_history_list_get_uninstall() {
    let env = Env::start().await;
    let basic = chart("basic");
    let out = env.helm(&["install", "demo", &basic, "-n", "default"]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let cm = env.kubectl(&[
        "get",
        "configmap",
        "demo-settings",
        "-o",
        "jsonpath={.data.color}",
    ]);
    assert_eq!(cm, "blue");

    let out = env.helm(&[
        "upgrade",
        "demo",
        &basic,
        "-n",
        "default",
        "--set",
        "color=green",
    ]);
    assert!(out.contains("REVISION: 2"), "{out}");
    assert_eq!(
        env.kubectl(&[
            "get",
            "configmap",
            "demo-settings",
            "-o",
            "jsonpath={.data.color}"
        ]),
        "green"
    );

    let out = env.helm(&["rollback", "demo", "1", "-n", "default"]);
    assert!(out.contains("Rollback was a success"), "{out}");
    assert_eq!(
        env.kubectl(&[
            "get",
            "configmap",
            "demo-settings",
            "-o",
            "jsonpath={.data.color}"
        ]),
        "blue"
    );

    let out = env.helm(&["history", "demo", "-n", "default"]);
    let revisions: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(revisions.len(), 3, "{out}");
    assert!(
        out.contains("superseded") && out.contains("deployed"),
        "{out}"
    );

    env.kubectl(&["create", "namespace", "other"]);
    env.helm(&[
        "install",
        "second",
        &basic,
        "-n",
        "other",
        "--set",
        "port=8080",
    ]);
    let out = env.helm(&["list", "-A"]);
    assert!(
        out.contains("demo") && out.contains("second") && out.contains("other"),
        "{out}"
    );

    let out = env.helm(&["get", "all", "demo", "-n", "default"]);
    assert!(
        out.contains("demo-settings") && out.contains("COMPUTED VALUES"),
        "{out}"
    );

    let out = env.helm(&["uninstall", "demo", "-n", "default"]);
    assert!(out.contains("release \"demo\" uninstalled"), "{out}");
    let gone = env.kubectl_output(&["get", "configmap", "demo-settings"]);
    assert!(!gone.status.success());
    let out = env.helm(&["list", "-A", "-q"]);
    assert_eq!(out.trim(), "second");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hooks_and_helm_test_with_simulated_workloads() {
    let env = Env::with(simulated()).await;
    let out = env.helm(&[
        "install",
        "hooked",
        &chart("hook"),
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    env.kubectl(&["get", "configmap", "hooked-after-hook"]);

    env.helm(&[
        "install",
        "tested",
        &chart("testpod"),
        "--wait",
        "--timeout",
        "60s",
    ]);
    let out = env.helm(&["test", "tested", "--timeout", "60s"]);
    assert!(out.contains("Phase:          Succeeded"), "{out}");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn install_wait_waits_for_simulated_readiness() {
    let env = Env::with(simulated()).await;
    let started = std::time::Instant::now();
    let out = env.helm(&[
        "install",
        "app",
        &chart("wait"),
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "helm returned before the simulated delay"
    );
    let ready = env.kubectl(&[
        "get",
        "deploy",
        "app-web",
        "-o",
        "jsonpath={.status.readyReplicas}",
    ]);
    assert_eq!(ready, "2");
    let phase = env.kubectl(&["get", "pvc", "app-data", "-o", "jsonpath={.status.phase}"]);
    assert_eq!(phase, "Bound");
    // helm's legacy waiter also looks at the Deployment's current ReplicaSet.
    let out = env.helm(&[
        "install",
        "old",
        &chart("wait"),
        "--wait=legacy",
        "--timeout",
        "60s",
    ]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let rs = env.kubectl(&[
        "get",
        "rs",
        "-l",
        "app=old-web",
        "-o",
        "jsonpath={.items[0].status.readyReplicas}",
    ]);
    assert_eq!(rs, "2");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn install_wait_times_out_without_simulation() {
    let env = Env::start().await;
    let out = env.helm_output(&[
        "install",
        "app",
        &chart("wait"),
        "--wait",
        "--timeout",
        "3s",
    ]);
    assert!(
        !out.status.success(),
        "a Deployment nobody runs must not become ready"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn client_side_apply_upgrade_install_and_create_namespace() {
    let env = Env::start().await;
    let basic = chart("basic");
    // helm 4 with --server-side=false keeps the client-side three-way strategic merge.
    env.helm(&[
        "install",
        "csa",
        &basic,
        "--server-side=false",
        "-n",
        "apps",
        "--create-namespace",
    ]);
    env.helm(&["upgrade", "csa", &basic, "-n", "apps", "--set", "color=red"]);
    assert_eq!(
        env.kubectl(&[
            "get",
            "configmap",
            "csa-settings",
            "-n",
            "apps",
            "-o",
            "jsonpath={.data.color}"
        ]),
        "red"
    );
    // upgrade --install of a release that does not exist yet installs it.
    let out = env.helm(&["upgrade", "--install", "fresh", &basic, "-n", "apps"]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let out = env.helm(&["status", "fresh", "-n", "apps", "-o", "json"]);
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["info"]["status"], "deployed");
    // A release Secret looks as helm wrote it.
    let out = env.kubectl(&[
        "get",
        "secrets",
        "-n",
        "apps",
        "-l",
        "owner=helm,name=csa",
        "-o",
        "jsonpath={.items[*].type}",
    ]);
    assert_eq!(out, "helm.sh/release.v1 helm.sh/release.v1");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn charts_with_crds_install_their_types_first() {
    let env = Env::start().await;
    let out = env.helm(&["install", "gear", &chart("crds")]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    // The CRD's printer column is served in kubectl's table.
    let out = env.kubectl(&["get", "gadgets"]);
    assert!(
        out.contains("SIZE") && out.contains("gear-g") && out.contains('3'),
        "{out}"
    );
    env.helm(&["uninstall", "gear"]);
    // helm keeps CRDs on uninstall, as it should; the custom resource itself is gone.
    assert_eq!(env.kubectl(&["get", "gadgets", "-o", "name"]).trim(), "");
    env.kubectl(&["get", "crd", "gadgets.example.com"]);
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_listed_builtin_type_installs_waits_upgrades_and_uninstalls() {
    let env = Env::with(simulated()).await;
    let all = chart("allkinds");
    let out = env.helm(&["install", "k", &all, "--wait", "--timeout", "60s"]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let out = env.helm(&[
        "upgrade",
        "k",
        &all,
        "--wait",
        "--timeout",
        "60s",
        "--set",
        "x=1",
    ]);
    assert!(out.contains("REVISION: 2"), "{out}");
    let ip = env.kubectl(&[
        "get",
        "svc",
        "k-svc",
        "-o",
        "jsonpath={.status.loadBalancer.ingress[0].ip}",
    ]);
    assert!(!ip.is_empty(), "simulated load balancer address");
    let out = env.helm(&["get", "manifest", "k"]);
    assert_eq!(
        out.matches("\nkind: ").count() + usize::from(out.starts_with("kind: ")),
        20,
        "{out}"
    );
    env.helm(&["uninstall", "k", "--wait", "--timeout", "60s"]);
    for kind in [
        "ds",
        "cronjob",
        "ingress",
        "pdb",
        "hpa",
        "lease",
        "rolebinding",
        "role",
        "sa/k-sa",
    ] {
        let out = env.kubectl(&["get", kind, "-o", "name", "--ignore-not-found"]);
        assert!(!out.contains("k-"), "{kind} left behind: {out}");
    }
    for kind in [
        "clusterrole/k-cr",
        "clusterrolebinding/k-crb",
        "priorityclass/k-pc",
        "storageclass/k-sc",
        "ingressclass/k-ic",
    ] {
        assert!(
            env.kubectl(&["get", kind, "--ignore-not-found", "-o", "name"])
                .trim()
                .is_empty(),
            "{kind} left behind"
        );
    }
    env.sandbox.shutdown().await;
}

//! The real kubectl v1.37 against the sandbox.

use crate::common::Env;

#[tokio::test(flavor = "multi_thread")]
async fn get_namespaces_and_api_resources() {
    let env = Env::start().await;
    let out = env.kubectl(&["get", "namespaces"]);
    assert!(out.contains("NAME"), "{out}");
    assert!(out.contains("kube-system"), "{out}");
    let out = env.kubectl(&["api-resources"]);
    assert!(out.contains("deployments"), "{out}");
    assert!(out.contains("deploy"), "{out}");
    env.sandbox.shutdown().await;
}

const MANIFEST: &str = r#"apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
"#;

#[tokio::test(flavor = "multi_thread")]
async fn client_side_apply_get_label_delete() {
    let env = Env::start().await;
    let out = env.kubectl_stdin(&["apply", "-f", "-"], MANIFEST);
    assert!(out.contains("namespace/demo created"), "{out}");
    assert!(out.contains("configmap/settings created"), "{out}");
    assert!(out.contains("deployment.apps/web created"), "{out}");
    // Applying again changes nothing; applying a change patches only that field.
    let out = env.kubectl_stdin(&["apply", "-f", "-"], MANIFEST);
    assert!(out.contains("configmap/settings unchanged"), "{out}");
    let changed = MANIFEST
        .replace("color: blue", "color: green")
        .replace("nginx:1.27", "nginx:1.28");
    let out = env.kubectl_stdin(&["apply", "-f", "-"], &changed);
    assert!(out.contains("configmap/settings configured"), "{out}");
    assert!(out.contains("deployment.apps/web configured"), "{out}");

    let yaml = env.kubectl(&["get", "-n", "demo", "configmap", "settings", "-o", "yaml"]);
    assert!(yaml.contains("color: green"), "{yaml}");
    assert!(
        yaml.contains("kubectl.kubernetes.io/last-applied-configuration"),
        "{yaml}"
    );
    let yaml = env.kubectl(&["get", "-n", "demo", "deploy", "web", "-o", "yaml"]);
    assert!(yaml.contains("image: nginx:1.28"), "{yaml}");
    assert!(yaml.contains("generation: 2"), "{yaml}");

    let out = env.kubectl(&[
        "label",
        "-n",
        "demo",
        "configmap",
        "settings",
        "tier=backend",
    ]);
    assert!(out.contains("configmap/settings labeled"), "{out}");
    let out = env.kubectl(&[
        "get",
        "-n",
        "demo",
        "configmaps",
        "-l",
        "tier=backend",
        "-o",
        "name",
    ]);
    assert_eq!(out.trim(), "configmap/settings");
    let out = env.kubectl(&["get", "-n", "demo", "deployments"]);
    assert!(out.contains("READY") && out.contains("web"), "{out}");

    let out = env.kubectl(&["delete", "-n", "demo", "configmap", "settings"]);
    assert!(out.contains("configmap \"settings\" deleted"), "{out}");
    let out = env.kubectl_output(&["get", "-n", "demo", "configmap", "settings"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("configmaps \"settings\" not found"));
    let out = env.kubectl_output(&["delete", "namespace", "default"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("this namespace may not be deleted"));
    // Deleting the namespace takes its contents with it.
    env.kubectl(&["delete", "namespace", "demo"]);
    let out = env.kubectl(&["get", "deployments", "-A", "-o", "name"]);
    assert_eq!(out.trim(), "");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crds_become_servable_and_wait_for_conditions() {
    let env = Env::start().await;
    let crd = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size:
                type: integer
          status:
            type: object
            properties:
              conditions:
                type: array
                items:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
"#;
    env.kubectl_stdin(&["apply", "-f", "-"], crd);
    env.kubectl(&[
        "wait",
        "--for=condition=established",
        "--timeout=10s",
        "crd/widgets.example.com",
    ]);
    let out = env.kubectl_stdin(&["apply", "-f", "-"], "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: default\nspec:\n  size: 3\n");
    assert!(out.contains("widget.example.com/w1 created"), "{out}");
    let out = env.kubectl(&["get", "wd"]);
    assert!(out.contains("w1"), "{out}");
    let out = env.kubectl(&["api-resources", "--api-group=example.com"]);
    assert!(out.contains("widgets") && out.contains("wd"), "{out}");

    // A condition set through the status subresource satisfies `kubectl wait`.
    env.kubectl(&[
        "patch",
        "widget",
        "w1",
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#,
    ]);
    env.kubectl(&[
        "wait",
        "--for=condition=Ready",
        "--timeout=10s",
        "widget/w1",
    ]);

    env.kubectl(&["delete", "crd", "widgets.example.com"]);
    let out = env.kubectl_output(&["get", "widgets"]);
    assert!(!out.status.success());
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_side_apply_with_conflicts() {
    let env = Env::start().await;
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: default\ndata:\n  owner: first\n";
    let out = env.kubectl_stdin(
        &["apply", "--server-side", "--field-manager=first", "-f", "-"],
        cm,
    );
    assert!(out.contains("configmap/shared serverside-applied"), "{out}");
    let yaml = env.kubectl(&[
        "get",
        "configmap",
        "shared",
        "-o",
        "yaml",
        "--show-managed-fields",
    ]);
    assert!(
        yaml.contains("manager: first") && yaml.contains("operation: Apply"),
        "{yaml}"
    );

    // A second manager changing the same field conflicts, naming the owner...
    let other = cm.replace("owner: first", "owner: second");
    let out = {
        use std::io::Write as _;
        let mut cmd = std::process::Command::new(crate::common::kubectl());
        cmd.args([
            "apply",
            "--server-side",
            "--field-manager=second",
            "-f",
            "-",
        ])
        .env("KUBECONFIG", &env.kubeconfig)
        .env("HOME", env.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        tokio::task::block_in_place(|| {
            let mut child = cmd.spawn().unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(other.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        })
    };
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("conflict with \"first\"") && err.contains(".data.owner"),
        "{err}"
    );
    // ...and --force-conflicts takes the field over.
    env.kubectl_stdin(
        &[
            "apply",
            "--server-side",
            "--field-manager=second",
            "--force-conflicts",
            "-f",
            "-",
        ],
        &other,
    );
    assert_eq!(
        env.kubectl(&["get", "configmap", "shared", "-o", "jsonpath={.data.owner}"]),
        "second"
    );
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn imperative_commands_send_protobuf_and_work() {
    let env = Env::with(charthouse_sandbox::SandboxConfig {
        simulate_workloads: true,
        simulate_delay: std::time::Duration::from_millis(200),
        ..charthouse_sandbox::SandboxConfig::default()
    })
    .await;
    // `kubectl create <type>` goes through typed clients, which send protobuf bodies.
    env.kubectl(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--replicas=2",
    ]);
    env.kubectl(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    let out = env.kubectl(&["scale", "deployment/web", "--replicas=3"]);
    assert!(out.contains("scaled"), "{out}");
    assert_eq!(
        env.kubectl(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "3"
    );
    env.kubectl(&["create", "job", "once", "--image=busybox"]);
    env.kubectl(&[
        "wait",
        "--for=condition=complete",
        "job/once",
        "--timeout=20s",
    ]);
    env.kubectl(&[
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=user=admin",
    ]);
    assert_eq!(
        env.kubectl(&["get", "secret", "creds", "-o", "jsonpath={.data.user}"]),
        "YWRtaW4="
    );
    env.kubectl(&["create", "role", "reader", "--verb=get", "--resource=pods"]);
    env.kubectl(&["expose", "deployment", "web", "--port=80"]);
    let out = env.kubectl(&["auth", "whoami"]);
    assert!(out.contains("kubernetes-admin"), "{out}");
    assert_eq!(
        env.kubectl(&["auth", "can-i", "delete", "nodes"]).trim(),
        "yes"
    );
    let out = env.kubectl(&["get", "all"]);
    assert!(
        out.contains("deployment.apps/web") && out.contains("service/web"),
        "{out}"
    );
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_fields_warn_by_default_and_fail_when_strict() {
    let env = Env::start().await;
    let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loose\n  namespace: default\nbogus: 1\ndata:\n  a: b\n";
    std::fs::write(env.dir.path().join("bad.yaml"), bad).unwrap();
    let file = env.dir.path().join("bad.yaml").display().to_string();
    // kubectl's default is --validate=strict, which the server enforces.
    let out = env.kubectl_output(&["apply", "-f", &file]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown field \"bogus\""), "{err}");
    // --validate=warn sends fieldValidation=Warn: the object is created with a warning.
    let out = env.kubectl_output(&["apply", "--validate=warn", "-f", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Warning: unknown field \"bogus\""), "{err}");
    // ...and, as decoding into the API type would, the field is not stored.
    let json: serde_json::Value =
        serde_json::from_str(&env.kubectl(&["get", "configmap", "loose", "-o", "json"])).unwrap();
    assert!(json.get("bogus").is_none(), "{json}");
    assert_eq!(json["data"]["a"], "b");
    env.sandbox.shutdown().await;
}

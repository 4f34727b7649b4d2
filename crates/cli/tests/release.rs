//! Releases on the sandbox, side by side with the real helm v4.3.1 (issue 8): each tool
//! continues what the other started, both write the same records for the same operation,
//! a killed upgrade is recovered once its lease expires, bad input loses nothing, and an
//! upgrade or rollback of N objects costs at most N+6 requests.
//!
//! Expected texts and records come from helm run in the same situation, in the same test
//! (a second namespace, or the same namespace before charthouse runs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use charthouse_release::{Release, Status};
use charthouse_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::Api;
use kube::api::ListParams;
use serde_json::{Value, json};

use crate::macros::{charthouse, oracle};

/// One sandbox (in-process, workloads simulated, audit log on) with a home directory
/// for both tools.
struct Env {
    sandbox: Option<SandboxHandle>,
    rt: tokio::runtime::Runtime,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
    audit: PathBuf,
    client: kube::Client,
}

impl Env {
    fn start() -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let audit = home.path().join("audit.log");
        let kubeconfig = home.path().join("kubeconfig");
        let sandbox = rt
            .block_on(Sandbox::start(SandboxConfig {
                simulate_workloads: true,
                simulate_delay: Duration::from_millis(200),
                audit_log: Some(audit.clone()),
                ..SandboxConfig::default()
            }))
            .unwrap();
        sandbox.write_kubeconfig(&kubeconfig).unwrap();
        let client = rt.block_on(sandbox.client()).unwrap();
        Env {
            sandbox: Some(sandbox),
            rt,
            home,
            kubeconfig,
            audit,
            client,
        }
    }

    fn dir(&self) -> &Path {
        self.home.path()
    }

    /// Settings both tools share: the sandbox, helm's directories, UTC times.
    fn settle(&self, cmd: &mut Command) {
        let home = self.dir();
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CACHE_HOME", home.join("cache"))
            .env("HELM_CONFIG_HOME", home.join("config"))
            .env("HELM_DATA_HOME", home.join("data"))
            .env("TZ", "UTC");
    }

    fn ch(&self, args: &[&str]) -> Command {
        let mut cmd = charthouse(self.dir());
        self.settle(&mut cmd);
        cmd.args(args);
        cmd
    }

    fn helm(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(oracle(false));
        cmd.env_clear()
            .env("HOME", self.dir())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        self.settle(&mut cmd);
        cmd.args(args);
        cmd
    }

    /// Every revision of `name` in `namespace`, oldest first, with the raw objects.
    fn records_of(&self, kind: Driver, namespace: &str, name: &str) -> Vec<(Value, Release)> {
        let params = ListParams::default().labels(&format!("owner=helm,name={name}"));
        let objects: Vec<Value> = self.rt.block_on(async {
            match kind {
                Driver::Secret => Api::<Secret>::namespaced(self.client.clone(), namespace)
                    .list(&params)
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|o| with_kind(serde_json::to_value(o).unwrap(), "Secret"))
                    .collect(),
                Driver::ConfigMap => Api::<ConfigMap>::namespaced(self.client.clone(), namespace)
                    .list(&params)
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|o| with_kind(serde_json::to_value(o).unwrap(), "ConfigMap"))
                    .collect(),
            }
        });
        let mut out: Vec<(Value, Release)> = objects
            .into_iter()
            .map(|o| {
                let r = charthouse_release::storage::from_object(&o).unwrap();
                (o, r)
            })
            .collect();
        out.sort_by_key(|(_, r)| r.version);
        out
    }

    fn records(&self, namespace: &str, name: &str) -> Vec<Release> {
        self.records_of(Driver::Secret, namespace, name)
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    /// `(revision, status, description)` of every revision.
    fn statuses(&self, namespace: &str, name: &str) -> Vec<(i64, Status, String)> {
        self.records(namespace, name)
            .into_iter()
            .map(|r| {
                let info = r.info.clone().unwrap_or_default();
                (r.version, info.status, info.description)
            })
            .collect()
    }

    /// A live object as JSON, `None` when it does not exist.
    fn live(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let out = Command::new(oracle(true))
            .env("KUBECONFIG", &self.kubeconfig)
            .args(["get", kind, name, "-n", namespace, "-o", "json"])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| serde_json::from_slice(&out.stdout).unwrap())
    }

    fn kubectl(&self, args: &[&str]) -> String {
        let out = Command::new(oracle(true))
            .env("KUBECONFIG", &self.kubeconfig)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The audit log's requests so far: `(verb, requestURI)`.
    fn requests(&self) -> Vec<(String, String)> {
        let text = std::fs::read_to_string(&self.audit).unwrap_or_default();
        text.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    v["verb"].as_str().unwrap_or_default().to_owned(),
                    v["requestURI"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.rt.block_on(sandbox.shutdown());
        }
    }
}

#[derive(Clone, Copy)]
enum Driver {
    Secret,
    ConfigMap,
}

/// kube-rs leaves `kind` out of typed list items; `from_object` needs it.
fn with_kind(mut v: Value, kind: &str) -> Value {
    v["kind"] = json!(kind);
    v
}

/// Runs a command that must succeed; returns stdout.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed ({:?}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command that must fail with exit code 1; returns its `Error: ` line(s) (helm
/// logs `level=…` lines before it, which are not part of the message).
fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{cmd:?} should fail:\n{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    let at = stderr
        .find("Error: ")
        .unwrap_or_else(|| panic!("{cmd:?}: no Error: line in {stderr}"));
    stderr[at..].to_owned()
}

/// Writes a chart `name` (apiVersion v2, version 0.1.0) with `values` and `templates`.
fn chart(dir: &Path, name: &str, values: &str, templates: &[(&str, &str)]) -> String {
    let root = dir.join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
    )
    .unwrap();
    std::fs::write(root.join("values.yaml"), values).unwrap();
    for (file, text) in templates {
        std::fs::write(root.join("templates").join(file), text).unwrap();
    }
    root.to_str().unwrap().to_owned()
}

/// A ConfigMap template named `RELEASE-suffix` carrying `.Values.msg` and the revision.
fn config_map(suffix: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}-{suffix}\ndata:\n  msg: {{{{ .Values.msg | quote }}}}\n  rev: \"{{{{ .Release.Revision }}}}\"\n"
    )
}

/// A chart of `n` ConfigMaps (`cm0`…).
fn chart_n(dir: &Path, name: &str, n: usize) -> String {
    let templates: Vec<(String, String)> = (0..n)
        .map(|i| (format!("cm{i}.yaml"), config_map(&format!("cm{i}"))))
        .collect();
    let refs: Vec<(&str, &str)> = templates
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    chart(dir, name, "msg: hello\n", &refs)
}

/// A chart with hooks: a pre-install/upgrade/rollback Job (weight -5, recreated before
/// each run) and a post-install/upgrade ConfigMap (weight 3, deleted when it succeeds).
fn hooks_chart(dir: &Path) -> String {
    chart(
        dir,
        "hooked",
        "msg: hello\n",
        &[
            ("cm.yaml", &config_map("cm")),
            (
                "hooks.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-pre\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade,pre-rollback\n    helm.sh/hook-weight: \"-5\"\n    helm.sh/hook-delete-policy: before-hook-creation\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-post\n  annotations:\n    helm.sh/hook: post-install,post-upgrade\n    helm.sh/hook-weight: \"3\"\n    helm.sh/hook-delete-policy: hook-succeeded\ndata:\n  a: b\n",
            ),
        ],
    )
}

/// The record as JSON with what legitimately differs between two runs blanked:
/// deployment and hook times, chart file modification times (helm records the files'
/// mtimes; charthouse's loader has none), and the namespace (the tools run side by
/// side in two namespaces).
fn normalized(r: &Release) -> Value {
    let mut v: Value =
        serde_json::from_slice(&charthouse_release::codec::encode_json(r).unwrap()).unwrap();
    v["namespace"] = json!("NS");
    if let Some(info) = v.get_mut("info").and_then(Value::as_object_mut) {
        if let Some(d) = info.get("description").and_then(Value::as_str) {
            let d = same_ns(d.to_owned());
            info.insert("description".into(), json!(d));
        }
        for k in ["first_deployed", "last_deployed", "deleted"] {
            if info.contains_key(k) {
                info.insert(k.into(), json!("TIME"));
            }
        }
    }
    if let Some(hooks) = v.get_mut("hooks").and_then(Value::as_array_mut) {
        for h in hooks {
            if let Some(run) = h.get_mut("last_run").and_then(Value::as_object_mut) {
                for k in ["started_at", "completed_at"] {
                    if run.contains_key(k) {
                        run.insert(k.into(), json!("TIME"));
                    }
                }
            }
        }
    }
    if let Some(chart) = v.get_mut("chart").and_then(Value::as_object_mut) {
        chart.remove("modtime");
        for list in ["templates", "files"] {
            if let Some(files) = chart.get_mut(list).and_then(Value::as_array_mut) {
                for f in files {
                    if let Some(f) = f.as_object_mut() {
                        f.remove("modtime");
                    }
                }
            }
        }
    }
    v
}

/// The storage labels apart from the write times.
fn record_labels(object: &Value) -> BTreeMap<String, String> {
    object["metadata"]["labels"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "modifiedAt" && *k != "createdAt")
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn assert_json_eq(what: &str, expected: &Value, got: &Value) {
    if expected != got {
        panic!(
            "{what} differs\n--- helm ---\n{}\n--- charthouse ---\n{}",
            serde_json::to_string_pretty(expected).unwrap(),
            serde_json::to_string_pretty(got).unwrap()
        );
    }
}

/// Live `data.msg` of `RELEASE-cm0`.
fn live_msg(env: &Env, namespace: &str, name: &str) -> String {
    env.live("configmap", namespace, name).unwrap()["data"]["msg"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn helm_installs_charthouse_upgrades_helm_rolls_back_charthouse_rolls_forward() {
    let env = Env::start();
    let c = chart_n(env.dir(), "three", 3);
    ok(&mut env.helm(&["install", "web", &c]));
    ok(&mut env.ch(&["upgrade", "web", &c, "--set", "msg=two"]));
    assert_eq!(live_msg(&env, "default", "web-cm0"), "two");
    // Both tools print the same history from the same records.
    let helm_history = ok(&mut env.helm(&["history", "web"]));
    assert!(
        helm_history.contains("superseded") && helm_history.contains("Upgrade complete"),
        "{helm_history}"
    );
    eqnice!(helm_history, ok(&mut env.ch(&["history", "web"])));

    ok(&mut env.helm(&["rollback", "web", "1"]));
    assert_eq!(live_msg(&env, "default", "web-cm0"), "hello");
    let history = ok(&mut env.ch(&["history", "web"]));
    eqnice!(ok(&mut env.helm(&["history", "web"])), history);
    assert!(history.contains("Rollback to 1"), "{history}");

    // Forward again, to revision 2.
    ok(&mut env.ch(&["rollback", "web", "2"]));
    assert_eq!(live_msg(&env, "default", "web-cm0"), "two");
    eqnice!(
        ok(&mut env.helm(&["history", "web", "-o", "json"])),
        ok(&mut env.ch(&["history", "web", "-o", "json"]))
    );
    let statuses: Vec<(i64, Status)> = env
        .statuses("default", "web")
        .into_iter()
        .map(|(v, s, _)| (v, s))
        .collect();
    assert_eq!(
        statuses,
        [
            (1, Status::Superseded),
            (2, Status::Superseded),
            (3, Status::Superseded),
            (4, Status::Deployed)
        ]
    );
    assert_eq!(env.statuses("default", "web")[3].2, "Rollback to 2");
    eqnice!(
        ok(&mut env.helm(&["list", "-A"])),
        ok(&mut env.ch(&["list", "-A"]))
    );
    // status -o json|yaml carries the live objects, read from the cluster.
    for format in ["json", "yaml"] {
        let helm = ok(&mut env.helm(&["status", "web", "-o", format]));
        assert!(helm.contains("v1/ConfigMap"), "{helm}");
        eqnice!(helm, ok(&mut env.ch(&["status", "web", "-o", format])));
    }
}

#[test]
fn charthouse_installs_helm_upgrades_charthouse_rolls_back_helm_rolls_forward() {
    let env = Env::start();
    let c = chart_n(env.dir(), "three", 3);
    ok(&mut env.ch(&["install", "api", &c, "-n", "apps", "--create-namespace"]));
    ok(&mut env.helm(&["upgrade", "api", &c, "-n", "apps", "--set", "msg=two"]));
    assert_eq!(live_msg(&env, "apps", "api-cm1"), "two");
    eqnice!(
        ok(&mut env.helm(&["history", "api", "-n", "apps"])),
        ok(&mut env.ch(&["history", "api", "-n", "apps"]))
    );
    ok(&mut env.ch(&["rollback", "api", "1", "-n", "apps"]));
    assert_eq!(live_msg(&env, "apps", "api-cm1"), "hello");
    let helm_history = ok(&mut env.helm(&["history", "api", "-n", "apps"]));
    assert!(helm_history.contains("Rollback to 1"), "{helm_history}");
    eqnice!(
        helm_history,
        ok(&mut env.ch(&["history", "api", "-n", "apps"]))
    );
    ok(&mut env.helm(&["rollback", "api", "2", "-n", "apps"]));
    assert_eq!(live_msg(&env, "apps", "api-cm1"), "two");
    eqnice!(
        ok(&mut env.helm(&["history", "api", "-n", "apps", "-o", "yaml"])),
        ok(&mut env.ch(&["history", "api", "-n", "apps", "-o", "yaml"]))
    );
    let s = env.statuses("apps", "api");
    assert_eq!(s.len(), 4);
    assert_eq!(
        (s[3].1.clone(), s[3].2.as_str()),
        (Status::Deployed, "Rollback to 2")
    );
}

/// The namespace helm works in when both tools run the same steps side by side.
const HNS: &str = "helm-side";
/// The namespace charthouse works in beside it.
const CNS: &str = "charthouse-side";

impl Env {
    fn two_namespaces(&self) {
        self.kubectl(&["create", "namespace", HNS]);
        self.kubectl(&["create", "namespace", CNS]);
    }
}

/// An error text with the side-by-side namespaces made equal.
fn same_ns(text: String) -> String {
    text.replace(HNS, "NS").replace(CNS, "NS")
}

/// Runs the same command with helm in namespace [`HNS`] and with charthouse in
/// [`CNS`]; returns both outcomes' `Error:` texts (`None` on success).
fn both(env: &Env, args: &[&str]) -> (Option<String>, Option<String>) {
    let run = |mut cmd: Command| {
        let out = cmd.output().unwrap();
        if out.status.success() {
            None
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            Some(same_ns(
                stderr[stderr.find("Error: ").unwrap_or(0)..].to_owned(),
            ))
        }
    };
    let with_ns = |ns: &str| {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["-n", ns]);
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let h = with_ns(HNS);
    let c = with_ns(CNS);
    let h: Vec<&str> = h.iter().map(String::as_str).collect();
    let c: Vec<&str> = c.iter().map(String::as_str).collect();
    (run(env.helm(&h)), run(env.ch(&c)))
}

/// Asserts both tools' records of `name` (namespaces [`HNS`] and [`CNS`]) are equal apart from
/// timestamps, revision by revision, storage labels included.
fn assert_same_records(env: &Env, name: &str) {
    let h = env.records_of(Driver::Secret, HNS, name);
    let c = env.records_of(Driver::Secret, CNS, name);
    assert_eq!(
        h.iter().map(|(_, r)| r.version).collect::<Vec<_>>(),
        c.iter().map(|(_, r)| r.version).collect::<Vec<_>>(),
        "revisions"
    );
    for ((ho, hr), (co, cr)) in h.iter().zip(&c) {
        assert_json_eq(
            &format!("revision {}", hr.version),
            &normalized(hr),
            &normalized(cr),
        );
        assert_eq!(
            record_labels(ho),
            record_labels(co),
            "labels of {}",
            hr.version
        );
    }
}

#[test]
fn records_equal_helms_for_the_same_operations() {
    let env = Env::start();
    env.two_namespaces();
    let c = hooks_chart(env.dir());
    let bad = chart(
        env.dir(),
        "hooked-bad",
        "msg: hello\n",
        &[(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\nbogus: 1\ndata:\n  msg: {{ .Values.msg | quote }}\n",
        )],
    );
    let steps: Vec<Vec<&str>> = vec![
        vec!["install", "r", &c, "--labels", "team=a"],
        vec![
            "upgrade",
            "r",
            &c,
            "--set",
            "msg=two",
            "--description",
            "by hand",
        ],
        vec!["upgrade", "r", &c, "--reuse-values", "--set", "extra=1"],
        vec!["rollback", "r", "1"],
        // Rejected by the API server (strict field validation): a failed revision.
        vec!["upgrade", "r", &bad],
        vec!["rollback", "r"],
    ];
    for step in &steps {
        let (h, c) = both(&env, step);
        assert_eq!(h, c, "{step:?}");
    }
    assert_same_records(&env, "r");
    let s = env.statuses(CNS, "r");
    assert_eq!(s[4].1, Status::Failed);
    assert!(
        s[4].2
            .starts_with("Upgrade \"r\" failed: server-side apply failed"),
        "{}",
        s[4].2
    );
    // The pre hook Job is kept (before-hook-creation), the post hook ConfigMap deleted.
    assert!(env.live("job", CNS, "r-pre").is_some());
    assert!(env.live("configmap", CNS, "r-post").is_none());
}

#[test]
fn killed_upgrade_fails_its_revision_once_the_lease_expires() {
    let env = Env::start();
    let c = chart(
        env.dir(),
        "slow",
        "msg: hello\nhookDelay: 0s\n",
        &[
            ("cm.yaml", &config_map("cm")),
            (
                "hook.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-slow\n  annotations:\n    helm.sh/hook: pre-upgrade\n    helm.sh/hook-delete-policy: before-hook-creation\n    sandbox.charthouse.dev/ready-after: {{ .Values.hookDelay }}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n",
            ),
        ],
    );
    ok(&mut env.ch(&["install", "db", &c]));
    let mut upgrade = env.ch(&["upgrade", "db", &c, "--set", "hookDelay=60s,msg=two"]);
    upgrade
        .env("CHARTHOUSE_LEASE_SECONDS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = upgrade.spawn().unwrap();
    // Held in the pre-upgrade hook, revision 2 pending-upgrade.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = env.statuses("default", "db");
        if s.len() == 2
            && s[1].1 == Status::PendingUpgrade
            && env.live("job", "default", "db-slow").is_some()
        {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "upgrade ended early");
        assert!(Instant::now() < deadline, "no pending revision: {s:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup runs.
    child.wait().unwrap();

    // The lease is still alive (renewed every 5/3 s): a new upgrade is refused, naming
    // the dead holder.
    let refused = fails(&mut env.ch(&["upgrade", "db", &c]));
    assert!(
        refused.starts_with(
            "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress: held by charthouse@"
        ),
        "{refused}"
    );
    assert_eq!(env.statuses("default", "db")[1].1, Status::PendingUpgrade);

    // helm refuses too, with its own text.
    let helm_refused = fails(&mut env.helm(&["upgrade", "db", &c]));
    assert_eq!(
        helm_refused,
        "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n"
    );

    std::thread::sleep(Duration::from_secs(6));
    ok(&mut env.ch(&["upgrade", "db", &c, "--set", "msg=three"]));
    let s = env.statuses("default", "db");
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!(s[0].1, Status::Superseded);
    assert_eq!(s[1].1, Status::Failed);
    assert!(
        s[1].2.contains("interrupted") && s[1].2.contains("pending-upgrade"),
        "{}",
        s[1].2
    );
    assert_eq!(
        (s[2].1.clone(), s[2].2.as_str()),
        (Status::Deployed, "Upgrade complete")
    );
    assert_eq!(live_msg(&env, "default", "db-cm"), "three");
    let history = ok(&mut env.helm(&["history", "db"]));
    assert!(
        history.lines().nth(2).unwrap().contains("failed"),
        "{history}"
    );
    // The lease is gone after a clean run.
    assert!(
        env.live("lease", "default", "charthouse.release.db")
            .is_none(),
        "lease left behind"
    );
}

#[test]
fn bad_input_leaves_cluster_and_history_as_they_were() {
    let env = Env::start();
    env.two_namespaces();
    let good = chart_n(env.dir(), "good", 2);
    let schema = chart(
        env.dir(),
        "schema",
        "msg: hello\n",
        &[("cm0.yaml", &config_map("cm0"))],
    );
    std::fs::write(
        Path::new(&schema).join("values.schema.json"),
        r#"{"type":"object","properties":{"msg":{"type":"string"}}}"#,
    )
    .unwrap();
    let broken = chart(
        env.dir(),
        "broken",
        "msg: hello\n",
        &[(
            "cm0.yaml",
            "{{ if .Values.fail }}{{ fail \"boom\" }}{{ end }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        )],
    );
    let missing = env.dir().join("missing").to_str().unwrap().to_owned();
    assert_eq!(both(&env, &["install", "r", &good]), (None, None));
    let before_h = env.records(HNS, "r");
    let before_c = env.records(CNS, "r");
    let cases: Vec<Vec<&str>> = vec![
        vec!["install", "Bad_Name", &good],
        vec!["upgrade", "Bad_Name", &good],
        vec!["rollback", "Bad_Name"],
        vec!["upgrade", "r", &missing],
        vec!["install", "r2", &missing],
        vec!["upgrade", "r", &schema, "--set", "msg=1"],
        vec!["upgrade", "r", &broken, "--set", "fail=true"],
        vec!["rollback", "r", "7"],
        vec!["install", "r", &good],
    ];
    for case in &cases {
        let (h, c) = both(&env, case);
        let h = h.unwrap_or_else(|| panic!("helm accepted {case:?}"));
        // helm names the missing path as given; both were given the same path.
        assert_eq!(Some(h), c, "{case:?}");
    }
    assert_eq!(env.records(HNS, "r"), before_h);
    assert_eq!(env.records(CNS, "r"), before_c);
    assert!(env.records(CNS, "r2").is_empty());
    assert_eq!(live_msg(&env, CNS, "r-cm0"), "hello");
}

/// A table with its header first and its rows sorted.
fn rows_sorted(table: &str) -> String {
    let mut lines: Vec<&str> = table.lines().collect();
    if lines.len() > 1 {
        lines[1..].sort_unstable();
    }
    lines.join("\n")
}

#[test]
fn history_max_never_prunes_the_last_deployed_revision() {
    let env = Env::start();
    env.two_namespaces();
    let good = chart_n(env.dir(), "good", 1);
    let bad = chart(
        env.dir(),
        "bad",
        "msg: hello\n",
        &[(
            "cm0.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm0\nbogus: 1\n",
        )],
    );
    assert_eq!(both(&env, &["install", "r", &good]), (None, None));
    for _ in 0..3 {
        let (h, c) = both(&env, &["upgrade", "r", &bad, "--history-max", "2"]);
        assert!(h.is_some());
        assert_eq!(h, c);
    }
    // The newest revisions are failed; list shows them (it asks the server for
    // non-superseded records only), with every state filter helm has.
    for flags in [
        &[][..],
        &["--failed"],
        &["--deployed"],
        &["--superseded"],
        &["--pending"],
    ] {
        let mut args = vec!["list", "-A"];
        args.extend_from_slice(flags);
        // Both releases are named `r`: helm orders equal names by Go's map iteration
        // (random), so compare the rows as a set.
        let helm = rows_sorted(&ok(&mut env.helm(&args)));
        eqnice!(helm, rows_sorted(&ok(&mut env.ch(&args))));
    }
    let (h, c) = both(
        &env,
        &[
            "upgrade",
            "r",
            &good,
            "--history-max",
            "2",
            "--set",
            "msg=x",
        ],
    );
    assert_eq!((h, c), (None, None));
    let versions = |ns: &str| {
        env.statuses(ns, "r")
            .into_iter()
            .map(|(v, s, _)| (v, s))
            .collect::<Vec<_>>()
    };
    assert_eq!(versions(CNS), versions(HNS));
    assert_same_records(&env, "r");
}

#[test]
fn configmap_driver_is_shared_with_helm() {
    let env = Env::start();
    let c = chart_n(env.dir(), "three", 3);
    let cm = |mut cmd: Command| {
        cmd.env("HELM_DRIVER", "configmap");
        cmd
    };
    ok(&mut cm(env.ch(&["install", "r", &c])));
    ok(&mut cm(env.helm(&["upgrade", "r", &c, "--set", "msg=two"])));
    ok(&mut cm(env.ch(&["rollback", "r", "1"])));
    let history = ok(&mut cm(env.helm(&["history", "r"])));
    assert!(history.contains("Rollback to 1"), "{history}");
    eqnice!(history, ok(&mut cm(env.ch(&["history", "r"]))));
    let records = env.records_of(Driver::ConfigMap, "default", "r");
    assert_eq!(records.len(), 3);
    assert!(env.records("default", "r").is_empty(), "no Secrets written");
    assert_eq!(live_msg(&env, "default", "r-cm0"), "hello");
}

#[test]
fn adopting_another_releases_object_needs_take_ownership() {
    let env = Env::start();
    let owner = chart(
        env.dir(),
        "owner",
        "msg: a\n",
        &[(
            "shared.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  msg: {{ .Values.msg }}\n",
        )],
    );
    ok(&mut env.helm(&["install", "first", &owner]));
    let expected = fails(&mut env.helm(&["install", "second", &owner, "--set", "msg=b"]));
    assert!(
        expected.contains("invalid ownership metadata"),
        "{expected}"
    );
    eqnice!(
        expected,
        fails(&mut env.ch(&["install", "second", &owner, "--set", "msg=b"]))
    );
    // Also when the object is new to an existing release.
    let lone = chart_n(env.dir(), "lone", 1);
    ok(&mut env.ch(&["install", "third", &lone]));
    let expected = fails(&mut env.helm(&["upgrade", "third", &owner]));
    eqnice!(expected, fails(&mut env.ch(&["upgrade", "third", &owner])));
    // The ownership check comes before any record is written, in both tools.
    assert_eq!(env.records("default", "third").len(), 1);
    assert_eq!(live_msg(&env, "default", "shared"), "a");
    ok(&mut env.ch(&[
        "upgrade",
        "third",
        &owner,
        "--take-ownership",
        "--set",
        "msg=c",
    ]));
    let live = env.live("configmap", "default", "shared").unwrap();
    assert_eq!(live["data"]["msg"], "c");
    assert_eq!(
        live["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "third"
    );
}

#[test]
fn client_side_release_upgraded_by_charthouse_drops_removed_fields_and_objects() {
    let env = Env::start();
    let v1 = chart(
        env.dir(),
        "csa",
        "msg: hello\n",
        &[
            (
                "a.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-a\ndata:\n  keep: \"1\"\n  drop: \"2\"\n",
            ),
            (
                "b.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-b\ndata:\n  x: \"1\"\n",
            ),
            (
                "c.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-c\n  annotations:\n    helm.sh/resource-policy: keep\ndata:\n  x: \"1\"\n",
            ),
        ],
    );
    ok(&mut env.helm(&["install", "old", &v1, "--server-side=false"]));
    assert_eq!(
        env.records("default", "old")[0].apply_method,
        Some(charthouse_release::ApplyMethod::ClientSideApply)
    );
    let v2 = chart(
        env.dir(),
        "csa2",
        "msg: hello\n",
        &[(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-a\ndata:\n  keep: \"1\"\n",
        )],
    );
    ok(&mut env.ch(&["upgrade", "old", &v2]));
    let a = env.live("configmap", "default", "old-a").unwrap();
    assert_eq!(a["data"], json!({"keep": "1"}));
    assert!(
        env.live("configmap", "default", "old-b").is_none(),
        "removed object deleted"
    );
    assert!(
        env.live("configmap", "default", "old-c").is_some(),
        "resource-policy keep"
    );
    let records = env.records("default", "old");
    assert_eq!(
        records[1].apply_method,
        Some(charthouse_release::ApplyMethod::ClientSideApply)
    );
    // helm continues from charthouse's client-side revision. (The kept object is no
    // longer the release's: helm would three-way patch it with the live object as the
    // original, which the sandbox refuses as a stale write; delete it first.)
    env.kubectl(&["delete", "configmap", "old-c"]);
    ok(&mut env.helm(&["rollback", "old", "1"]));
    assert!(env.live("configmap", "default", "old-b").is_some());
}

#[test]
fn hooks_run_by_weight_and_a_failing_hook_fails_the_upgrade() {
    let env = Env::start();
    env.two_namespaces();
    let hook = |name: &str, weight: i32| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"{weight}\"\n    helm.sh/hook-delete-policy: hook-succeeded\n"
        )
    };
    let c = chart(
        env.dir(),
        "weights",
        "msg: hello\n",
        &[
            ("cm0.yaml", &config_map("cm0")),
            ("h1.yaml", &hook("w-late", 5)),
            ("h2.yaml", &hook("w-early", -5)),
            ("h3.yaml", &hook("w-b-mid", 0)),
            ("h4.yaml", &hook("w-a-mid", 0)),
        ],
    );
    let order = |env: &Env, ns: &str, from: usize| -> Vec<String> {
        env.requests()[from..]
            .iter()
            .filter(|(verb, uri)| {
                verb == "patch" && uri.contains(&format!("/namespaces/{ns}/configmaps/w-"))
            })
            .map(|(_, uri)| {
                uri.split('/')
                    .next_back()
                    .unwrap()
                    .split('?')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let start = env.requests().len();
    assert_eq!(both(&env, &["install", "r", &c]), (None, None));
    let expected = order(&env, HNS, start);
    assert_eq!(expected, ["w-early", "w-a-mid", "w-b-mid", "w-late"]);
    assert_eq!(order(&env, CNS, start), expected);
    // hook-succeeded: all deleted.
    assert!(env.live("configmap", CNS, "w-late").is_none());

    // A pre-upgrade Job that fails: its failure is the upgrade's.
    let failing = chart(
        env.dir(),
        "failing",
        "msg: hello\n",
        &[
            ("cm0.yaml", &config_map("cm0")),
            (
                "job.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    helm.sh/hook: pre-upgrade\n    sandbox.charthouse.dev/ready-after: 600s\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n",
            ),
        ],
    );
    let run_failing = |cmd: Command, ns: &str| {
        let mut cmd = cmd;
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
        let child = cmd.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while env.live("job", ns, "r-migrate").is_none() {
            assert!(Instant::now() < deadline, "hook Job never created in {ns}");
            std::thread::sleep(Duration::from_millis(100));
        }
        // The Job fails as a controller would mark it.
        let status = json!({"status": {"failed": 1, "conditions": [
            {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"},
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}});
        env.kubectl(&[
            "patch",
            "job",
            "r-migrate",
            "-n",
            ns,
            "--subresource=status",
            "--type=merge",
            "-p",
            &status.to_string(),
        ]);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        same_ns(stderr[stderr.find("Error: ").unwrap()..].to_owned())
    };
    let h = run_failing(env.helm(&["upgrade", "r", &failing, "-n", HNS]), HNS);
    let c = run_failing(env.ch(&["upgrade", "r", &failing, "-n", CNS]), CNS);
    assert!(h.contains("pre-upgrade hooks failed"), "{h}");
    eqnice!(h, c);
    assert_same_records(&env, "r");
}

#[test]
fn test_runs_the_test_hooks() {
    let env = Env::start();
    let c = chart(
        env.dir(),
        "tested",
        "msg: hello\n",
        &[
            ("cm0.yaml", &config_map("cm0")),
            (
                "test.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-check\n  annotations:\n    helm.sh/hook: test\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n",
            ),
        ],
    );
    ok(&mut env.ch(&["install", "t", &c]));
    let out = ok(&mut env.ch(&["test", "t"]));
    assert!(out.contains("TEST SUITE:     t-check"), "{out}");
    assert!(out.contains("Phase:          Succeeded"), "{out}");
    let rel = env.records("default", "t").remove(0);
    let hook = rel.hooks.iter().find(|h| h.name == "t-check").unwrap();
    assert_eq!(
        serde_json::to_value(&hook.last_run).unwrap()["phase"],
        "Succeeded"
    );
    // helm reads the result charthouse recorded, and runs the tests again itself.
    let helm_status = ok(&mut env.helm(&["status", "t"]));
    assert!(
        helm_status.contains("TEST SUITE:     t-check"),
        "{helm_status}"
    );
    ok(&mut env.helm(&["test", "t"]));
}

#[test]
fn wait_waits_for_workloads_and_times_out_like_helm() {
    let env = Env::start();
    env.two_namespaces();
    let deployment = |delay: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ .Release.Name }}}}-web\n  annotations:\n    sandbox.charthouse.dev/ready-after: {delay}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n"
        )
    };
    let quick = chart(
        env.dir(),
        "quick",
        "msg: hello\n",
        &[("d.yaml", &deployment("1s"))],
    );
    let slow = chart(
        env.dir(),
        "slowd",
        "msg: hello\n",
        &[("d.yaml", &deployment("600s"))],
    );
    assert_eq!(
        both(&env, &["install", "r", &quick, "--wait"]),
        (None, None)
    );
    let d = env.live("deployment", CNS, "r-web").unwrap();
    assert_eq!(d["status"]["readyReplicas"], 1, "{d}");
    // A new release whose Deployment never becomes ready within the timeout.
    let (h, c) = both(&env, &["install", "r2", &slow, "--wait", "--timeout", "2s"]);
    assert!(h.is_some());
    let h = h.unwrap();
    let c = c.unwrap();
    // helm lists what it was waiting for; the first line names the failure.
    assert_eq!(
        h.lines().next().unwrap().split(':').next(),
        c.lines().next().unwrap().split(':').next(),
        "helm: {h}\ncharthouse: {c}"
    );
    let s = env.statuses(CNS, "r2");
    assert_eq!(s[0].1, Status::Failed);
    assert_eq!(
        same_ns(s[0].2.clone()),
        same_ns(env.statuses(HNS, "r2")[0].2.clone())
    );
}

/// Requests one command sent, from the audit log.
fn requests_of(env: &Env, cmd: &mut Command) -> Vec<(String, String)> {
    let before = env.requests().len();
    ok(cmd);
    env.requests()[before..].to_vec()
}

#[test]
fn upgrade_and_rollback_of_n_objects_cost_at_most_n_plus_6_requests() {
    let env = Env::start();
    let n = 7;
    let c = chart_n(env.dir(), "seven", n);
    ok(&mut env.ch(&["install", "r", &c]));
    let upgrade = requests_of(&env, &mut env.ch(&["upgrade", "r", &c, "--set", "msg=two"]));
    assert!(
        upgrade.len() <= n + 6,
        "{} requests: {upgrade:#?}",
        upgrade.len()
    );
    // Discovery came from the on-disk cache the install wrote.
    assert!(
        !upgrade.iter().any(|(_, uri)| uri.starts_with("/api?")
            || uri == "/api"
            || uri.starts_with("/apis?")
            || uri == "/apis"
            || uri.starts_with("/openapi")),
        "{upgrade:#?}"
    );
    assert_eq!(
        upgrade.iter().filter(|(v, _)| v == "patch").count(),
        n,
        "one apply per object"
    );
    let rollback = requests_of(&env, &mut env.ch(&["rollback", "r", "1"]));
    assert!(
        rollback.len() <= n + 6,
        "{} requests: {rollback:#?}",
        rollback.len()
    );
    assert!(env.dir().join("cache/discovery").is_dir());
    assert_eq!(live_msg(&env, "default", "r-cm6"), "hello");
}

#[test]
fn uninstall_keeps_history_like_helm_and_each_tool_removes_the_others_release() {
    let env = Env::start();
    env.two_namespaces();
    let c = hooks_chart(env.dir());
    assert_eq!(both(&env, &["install", "r", &c]), (None, None));
    let (h, c_out) = (
        ok(&mut env.helm(&["uninstall", "r", "--keep-history", "-n", HNS])),
        ok(&mut env.ch(&["uninstall", "r", "--keep-history", "-n", CNS])),
    );
    eqnice!(h, c_out);
    assert_same_records(&env, "r");
    assert_eq!(env.statuses(CNS, "r")[0].1, Status::Uninstalled);
    assert!(env.live("configmap", CNS, "r-cm").is_none());
    // Each tool purges the history the other kept.
    ok(&mut env.ch(&["uninstall", "r", "-n", HNS]));
    ok(&mut env.helm(&["uninstall", "r", "-n", CNS]));
    assert!(env.records(HNS, "r").is_empty());
    assert!(env.records(CNS, "r").is_empty());
    let (h, c) = both(&env, &["uninstall", "r"]);
    assert!(h.is_some());
    assert_eq!(h, c);
}

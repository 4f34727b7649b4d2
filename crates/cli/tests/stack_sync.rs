//! `charthouse stack sync|diff|apply|delete|get|status` against a sandbox process.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::macros::{SandboxProcess, charthouse, oracle, run, sandbox_process};

/// `charthouse` against the cluster, in `dir`.
fn ch(home: &Path, c: &SandboxProcess, dir: &Path) -> Command {
    let mut cmd = charthouse(home);
    cmd.env("KUBECONFIG", &c.kubeconfig).current_dir(dir);
    cmd
}

const CHART_YAML: &str = "apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: \"1.0\"\n";
const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  color: {{ .Values.color | quote }}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: {{ .Values.password | quote }}\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A stack of three releases (`db`, then `api` and `web` which need it) with a prod overlay.
fn stack(dir: &Path) {
    write(dir, "charts/app/Chart.yaml", CHART_YAML);
    write(
        dir,
        "charts/app/values.yaml",
        "color: blue\npassword: s3cret\n",
    );
    write(dir, "charts/app/templates/all.yaml", TEMPLATE);
    write(
        dir,
        "stackfile.yaml",
        "releases:\n  - name: db\n    namespace: shop\n    chart: charts/app\n  - name: api\n    namespace: shop\n    chart: charts/app\n    needs: [shop/db]\n  - name: web\n    namespace: shop\n    chart: charts/app\n    needs: [shop/db]\n    set: {color: green}\nenvironments:\n  prod:\n    overlay: env/prod.yaml\nhelmDefaults:\n  createNamespace: true\n",
    );
    write(
        dir,
        "env/prod.yaml",
        "releases:\n  web:\n    set: {color: red, password: prod-secret}\n",
    );
}

fn revisions(home: &Path, c: &SandboxProcess, dir: &Path, name: &str) -> usize {
    let (out, stdout, stderr) =
        run(ch(home, c, dir).args(["history", name, "-n", "shop", "-o", "json"]));
    assert!(out.status.success(), "{stderr}");
    serde_json::from_str::<Vec<serde_json::Value>>(&stdout)
        .unwrap()
        .len()
}

#[test]
fn sync_is_idempotent_and_only_touches_what_changed() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let dir = home.path().join("stack");
    stack(&dir);

    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert!(out.status.success(), "{stderr}");
    for name in ["db", "api", "web"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(name) && l.contains("installed")),
            "{stdout}"
        );
    }
    // Needs first: db finished before api and web started.
    let pos = |s: &str| {
        stderr
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing in {stderr}"))
    };
    assert!(
        pos("shop/db: installed") < pos("shop/api: started"),
        "{stderr}"
    );

    // The same stack again: nothing changes, no revision is written.
    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout.matches("unchanged").count(), 3, "{stdout}");
    assert_eq!(revisions(home.path(), &c, &dir, "web"), 1);

    // prod changes only web.
    let (out, stdout, stderr) =
        run(ch(home.path(), &c, &dir).args(["stack", "-e", "prod", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("web") && l.contains("upgraded") && l.contains(" 2 ")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("db") && l.contains("unchanged")),
        "{stdout}"
    );
    assert_eq!(revisions(home.path(), &c, &dir, "db"), 1);
    assert_eq!(revisions(home.path(), &c, &dir, "web"), 2);
}

#[test]
fn diff_masks_secrets_and_reports_changes_in_the_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let dir = home.path().join("stack");
    stack(&dir);
    let (out, _, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert!(out.status.success(), "{stderr}");

    let (out, stdout, stderr) =
        run(ch(home.path(), &c, &dir).args(["stack", "diff", "--detailed-exitcode"]));
    assert_eq!(out.status.code(), Some(0), "no changes: {stdout}{stderr}");
    assert_eq!(stdout, "");

    let (out, stdout, _) = run(ch(home.path(), &c, &dir).args([
        "stack",
        "-e",
        "prod",
        "diff",
        "--detailed-exitcode",
        "--color",
        "never",
    ]));
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("--- shop/web (live)\n+++ shop/web (proposed)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-  color: \"green\"\n+  color: \"red\"\n"),
        "{stdout}"
    );
    assert!(stdout.contains("-  password: (masked sha256:"), "{stdout}");
    assert!(
        !stdout.contains("s3cret") && !stdout.contains("prod-secret"),
        "{stdout}"
    );
    assert!(!stdout.contains("shop/db"), "db is unchanged: {stdout}");

    // apply: the diff, then a sync of web only.
    let (out, stdout, stderr) =
        run(ch(home.path(), &c, &dir).args(["stack", "-e", "prod", "apply", "--color", "never"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("+  color: \"red\""), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("web") && l.contains("upgraded")),
        "{stdout}"
    );
    assert!(!stdout.lines().any(|l| l.starts_with("db ")), "{stdout}");
    assert_eq!(revisions(home.path(), &c, &dir, "db"), 1);
}

#[test]
fn get_status_and_delete() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let dir = home.path().join("stack");
    stack(&dir);
    let (out, _, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync", "db", "web"]));
    assert!(out.status.success(), "{stderr}");

    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "get"]));
    assert!(out.status.success(), "{stderr}");
    let got: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&str> = got.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["db", "web"], "api was not synced");
    assert_eq!(got[1]["info"]["status"], "deployed");
    assert_eq!(got[1]["config"]["color"], "green");

    let (out, stdout, _) = run(ch(home.path(), &c, &dir).args(["stack", "status"]));
    assert!(out.status.success());
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("api") && l.contains("not installed")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("web") && l.contains("deployed") && l.contains("app-1.0.0")),
        "{stdout}"
    );

    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "delete"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("api") && l.contains("absent")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("db") && l.contains("deleted")),
        "{stdout}"
    );
    // Reverse order: dependents before what they need.
    let pos = |s: &str| {
        stderr
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing in {stderr}"))
    };
    assert!(
        pos("shop/web: deleted") < pos("shop/db: started"),
        "{stderr}"
    );
    let (out, _, _) = run(ch(home.path(), &c, &dir).args(["status", "web", "-n", "shop"]));
    assert!(!out.status.success());
}

#[test]
fn a_failing_release_names_itself_and_the_others_go_on() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let dir = home.path().join("stack");
    stack(&dir);
    write(
        &dir,
        "charts/broken/Chart.yaml",
        "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
    );
    write(
        &dir,
        "charts/broken/templates/x.yaml",
        "{{ fail \"broken on purpose\" }}\n",
    );
    write(
        &dir,
        "stackfile.yaml",
        "releases:\n  - name: bad\n    namespace: shop\n    chart: charts/broken\n  - name: after-bad\n    namespace: shop\n    chart: charts/app\n    needs: [shop/bad]\n  - name: good\n    namespace: shop\n    chart: charts/app\nhelmDefaults:\n  createNamespace: true\n",
    );
    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("release shop/bad failed: release shop/bad:"),
        "{stderr}"
    );
    assert!(stderr.contains("broken on purpose"), "{stderr}");
    assert!(
        stderr.contains("release shop/after-bad skipped: needs shop/bad, which failed"),
        "{stderr}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("good") && l.contains("installed")),
        "{stdout}"
    );
}

#[test]
fn a_no_change_sync_of_a_hundred_releases_writes_no_revision() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let dir = home.path().join("stack");
    stack(&dir);
    let mut file = String::from("helmDefaults:\n  createNamespace: true\nreleases:\n");
    for i in 0..100 {
        file.push_str(&format!(
            "  - name: r{i}\n    namespace: ns{}\n    chart: charts/app\n",
            i % 2
        ));
    }
    write(&dir, "stackfile.yaml", &file);
    let (out, _, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert!(out.status.success(), "{stderr}");
    let total = |home: &Path| {
        let (out, stdout, stderr) = run(ch(home, &c, &dir).args(["list", "-A", "-o", "json"]));
        assert!(out.status.success(), "{stderr}");
        let list: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
        assert_eq!(list.len(), 100);
        list.iter()
            .map(|r| r["revision"].as_str().unwrap().parse::<u64>().unwrap())
            .sum::<u64>()
    };
    assert_eq!(total(home.path()), 100);
    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout.matches("unchanged").count(), 100, "{stdout}");
    assert_eq!(total(home.path()), 100, "no revision written");
}

/// A chart repository served over HTTP on loopback (Python's http.server), killed on drop.
struct Repo {
    server: Child,
    url: String,
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Packages `charts` (name, version) with helm, indexes them and serves the directory.
fn chart_repository(home: &Path, charts: &[(&str, &str)]) -> Repo {
    let src = home.join("repo-src");
    let served = home.join("repo");
    std::fs::create_dir_all(&served).unwrap();
    for (name, version) in charts {
        let dir = src.join(format!("{name}-{version}"));
        write(
            &dir,
            "Chart.yaml",
            &format!("apiVersion: v2\nname: {name}\nversion: {version}\n"),
        );
        write(&dir, "values.yaml", "some: default\n");
        write(
            &dir,
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  some: {{ .Values.some | quote }}\n  chart: {{ .Chart.Version | quote }}\n",
        );
        let out = Command::new(oracle(false))
            .env("HELM_CONFIG_HOME", home.join("helm-config"))
            .env("HELM_CACHE_HOME", home.join("helm-cache"))
            .arg("package")
            .arg(&dir)
            .arg("-d")
            .arg(&served)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}");
    let out = Command::new(oracle(false))
        .arg("repo")
        .arg("index")
        .arg(&served)
        .args(["--url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
        ])
        .current_dir(&served)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "HTTP repository did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Repo { server, url }
}

/// Seed 001's stackfile and dev overlay as written; only the repository URL points at a
/// chart repository on loopback instead of chartmuseum.somewhere.dk.
#[test]
fn the_seed_example_syncs_from_a_chart_repository() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let repo = chart_repository(
        home.path(),
        &[
            ("web-env", "1.6.0"),
            ("web-env", "1.7.0"),
            ("web-app", "1.39.0"),
            ("web-app", "1.40.0"),
        ],
    );
    let dir = home.path().join("stack");
    write(&dir, "web-env.yaml", "some: from-values-file\n");
    write(
        &dir,
        "stackfile.yaml",
        &format!(
            "releases:\n  - name: web-env\n    namespace: web\n    chart: chart/web-env\n    values:\n      - web-env.yaml\n    set:\n      some: value\n      yet:\n        another: value\n\n  - name: web-app\n    namespace: web\n    chart: chart/web-app\n\nenvironments: # Optional\n  dev:\n    overlay:\n      - env/dev.yaml\n  prod:\n    overlay:\n      - env/prod.yaml\n\nrepositories: # Optional\n  - name: chart\n    url: {}\n\nhelmDefaults: # Optional\n  recreatePods: true\n  force: true\n",
            repo.url
        ),
    );
    write(
        &dir,
        "env/dev.yaml",
        "releases:\n  web-env:\n    version: 1.7.0\n    set:\n      some: new-value\n  web-app:\n    version: 1.39.0\n    ignore: true\n",
    );
    write(
        &dir,
        "env/prod.yaml",
        "releases:\n  web-env:\n    version: 1.6.0\n",
    );
    // The namespace exists, as helmstack expects (no createNamespace in the seed).
    let (out, _, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "-e", "dev", "sync"]));
    assert!(!out.status.success(), "namespace web does not exist yet");
    assert!(stderr.contains("namespaces \"web\" not found"), "{stderr}");
    let ns = dir.join("ns.yaml");
    write(
        &dir,
        "ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n",
    );
    let kubectl = oracle(true);
    let applied = Command::new(&kubectl)
        .env("KUBECONFIG", &c.kubeconfig)
        .args(["apply", "-f"])
        .arg(&ns)
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );

    let (out, stdout, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "-e", "dev", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("web-env") && l.contains("1.7.0") && l.contains("installed")),
        "{stdout}"
    );
    assert!(!stdout.contains("web-app"), "ignored in dev: {stdout}");
    let (out, stdout, stderr) = run(
        ch(home.path(), &c, &dir).args(["get", "values", "web-env", "-n", "web", "-o", "json"])
    );
    assert!(out.status.success(), "{stderr}");
    let values: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        values,
        serde_json::json!({"some": "new-value", "yet": {"another": "value"}})
    );

    // prod: web-env pinned back to 1.6.0, web-app at the newest version.
    let (out, stdout, stderr) =
        run(ch(home.path(), &c, &dir).args(["stack", "-e", "prod", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("web-env") && l.contains("1.6.0") && l.contains("upgraded")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("web-app") && l.contains("1.40.0") && l.contains("installed")),
        "{stdout}"
    );

    // seed's get: the JSON of the releases.
    let (out, stdout, _) =
        run(ch(home.path(), &c, &dir).args(["stack", "-e", "prod", "get", "web-env"]));
    assert!(out.status.success());
    let got: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(got[0]["chart"]["metadata"]["version"], "1.6.0");
    assert_eq!(got[0]["version"], 2);
}

#[test]
fn recreate_pods_rolls_the_workloads_of_an_upgraded_release() {
    let home = tempfile::tempdir().unwrap();
    let c = sandbox_process(home.path(), true);
    let dir = home.path().join("stack");
    write(&dir, "charts/web/Chart.yaml", CHART_YAML);
    write(&dir, "charts/web/values.yaml", "tag: \"1\"\n");
    write(
        &dir,
        "charts/web/templates/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: \"nginx:{{ .Values.tag }}\"\n",
    );
    write(
        &dir,
        "stackfile.yaml",
        "releases:\n  - name: web\n    namespace: default\n    chart: charts/web\nenvironments:\n  prod:\n    overlay: prod.yaml\nhelmDefaults:\n  recreatePods: true\n",
    );
    write(
        &dir,
        "prod.yaml",
        "releases:\n  web:\n    set: {tag: \"2\"}\n",
    );
    let annotation = || {
        let kubectl = oracle(true);
        let out = Command::new(&kubectl)
            .env("KUBECONFIG", &c.kubeconfig)
            .args([
                "get",
                "deployment",
                "web",
                "-o",
                "jsonpath={.spec.template.metadata.annotations}",
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let (out, _, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        !annotation().contains("restartedAt"),
        "an install starts fresh pods anyway"
    );
    let (out, _, stderr) = run(ch(home.path(), &c, &dir).args(["stack", "-e", "prod", "sync"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        annotation().contains("kubectl.kubernetes.io/restartedAt"),
        "{}",
        annotation()
    );
}

//! Every format feature of seed 001, read as written there, and the extensions.

use std::time::Duration;

use charthouse_goyaml::{Map, Value};
use charthouse_stack::{ChartRef, Flags, Repository};

use crate::common::{chart, load, options, write};

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn seed_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed")
}

/// The seed's own stackfile, verbatim: two releases of a declared repository, helmDefaults.
#[test]
fn seed_stackfile_without_environment() {
    let stack = load(&seed_dir(), None);
    assert_eq!(stack.environment, None);
    assert_eq!(
        stack.repositories,
        vec![Repository {
            name: "chart".into(),
            url: "https://chartmuseum.somewhere.dk".into()
        }]
    );
    assert_eq!(
        stack.defaults,
        Flags {
            recreate_pods: true,
            force: true,
            ..Flags::default()
        }
    );
    let ids: Vec<String> = stack.releases.iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["web/web-env", "web/web-app"]);
    let web_env = &stack.releases[0];
    assert_eq!(
        web_env.chart,
        ChartRef::Repo {
            repo: "chart".into(),
            url: "https://chartmuseum.somewhere.dk".into(),
            chart: "web-env".into()
        }
    );
    assert_eq!(web_env.version, None);
    // web-env.yaml, then `set` on top (strings stay strings, nested maps merge).
    let mut yet = Map::new();
    yet.insert("another".into(), s("value"));
    let mut want = Map::new();
    want.insert("replicas".into(), Value::Float(2.0));
    want.insert("some".into(), s("value"));
    want.insert("yet".into(), Value::Map(yet));
    assert_eq!(web_env.values, want);
    assert_eq!(web_env.values_files, vec![seed_dir().join("web-env.yaml")]);
    assert!(web_env.flags.recreate_pods && web_env.flags.force);
}

/// The seed's overlay, verbatim: dev pins versions, overrides `set`, ignores web-app.
#[test]
fn seed_overlay_dev() {
    let stack = load(&seed_dir(), Some("dev"));
    assert_eq!(stack.environment.as_deref(), Some("dev"));
    assert_eq!(stack.releases.len(), 1, "web-app is ignored in dev");
    let web_env = &stack.releases[0];
    assert_eq!(web_env.version.as_deref(), Some("1.7.0"));
    assert_eq!(web_env.values["some"], s("new-value"));
    assert_eq!(
        web_env.values["yet"].as_map().unwrap()["another"],
        s("value")
    );
    let prod = load(&seed_dir(), Some("prod"));
    assert_eq!(prod.releases.len(), 2);
    assert_eq!(prod.releases[0].version.as_deref(), Some("1.6.2"));
    assert_eq!(prod.releases[1].version, None);
}

/// The seed, adapted only where it names remote charts, renders with local charts.
#[test]
fn seed_adapted_to_local_charts_renders() {
    let dir = tempfile::tempdir().unwrap();
    let stackfile = std::fs::read_to_string(seed_dir().join("stackfile.yaml"))
        .unwrap()
        .replace("chart: chart/", "chart: charts/");
    write(
        dir.path(),
        &[
            ("stackfile.yaml", &stackfile),
            (
                "env/dev.yaml",
                &std::fs::read_to_string(seed_dir().join("env/dev.yaml")).unwrap(),
            ),
            ("env/prod.yaml", "releases: {}\n"),
            ("web-env.yaml", "replicas: 2\n"),
            (
                "charts/web-env/Chart.yaml",
                "apiVersion: v2\nname: web-env\nversion: 1.7.0\n",
            ),
            (
                "charts/web-env/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  some: {{ .Values.some | quote }}\n  another: {{ .Values.yet.another | quote }}\n  replicas: {{ .Values.replicas | quote }}\n",
            ),
            (
                "charts/web-app/Chart.yaml",
                "apiVersion: v2\nname: web-app\nversion: 1.39.0\n",
            ),
        ],
    );
    let stack = load(dir.path(), Some("dev"));
    let out = charthouse_stack::template_release(&stack.releases[0], &Default::default()).unwrap();
    // What `helm template web-env charts/web-env -n web -f web-env.yaml --set some=new-value
    // --set yet.another=value` prints (helm v4.3.1).
    assert_eq!(
        out,
        "---\n# Source: web-env/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-env\n  namespace: web\ndata:\n  some: \"new-value\"\n  another: \"value\"\n  replicas: \"2\"\n"
    );
}

#[test]
fn overlays_key_and_single_overlay_file_and_overlay_fields() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "charts/a");
    chart(dir.path(), "charts/b");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "releases:\n  - name: a\n    chart: charts/a\n    values: [base.yaml]\n    set: {x: {p: 1, q: 2}}\nenvironments:\n  staging:\n    overlays: [o1.yaml, o2.yaml]\n  single:\n    overlay: o1.yaml\n",
            ),
            ("base.yaml", "from: base\nkeep: 1\n"),
            (
                "o1.yaml",
                "releases:\n  a:\n    version: 2.0.0\n    namespace: other\n    values: [extra.yaml]\n    set: {x: {q: 3}}\n",
            ),
            (
                "o2.yaml",
                "releases:\n  other/a:\n    chart: charts/b\n    set: {w: 'true'}\n",
            ),
            ("extra.yaml", "from: extra\n"),
        ],
    );
    let stack = load(dir.path(), Some("staging"));
    let r = &stack.releases[0];
    assert_eq!(r.id(), "other/a");
    assert_eq!(r.version.as_deref(), Some("2.0.0"));
    assert_eq!(r.chart, ChartRef::Local(dir.path().join("charts/b")));
    assert_eq!(r.values["from"], s("extra"));
    assert_eq!(r.values["keep"], Value::Float(1.0));
    let x = r.values["x"].as_map().unwrap();
    assert_eq!((&x["p"], &x["q"]), (&Value::Int(1), &Value::Int(3)));
    assert_eq!(r.values["w"], s("true"));
    let single = load(dir.path(), Some("single"));
    assert_eq!(single.releases[0].id(), "other/a");
    assert_eq!(
        single.releases[0].chart,
        ChartRef::Local(dir.path().join("charts/a"))
    );
}

#[test]
fn helm_defaults_all_flags_and_release_overrides() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "helmDefaults:\n  recreatePods: true\n  force: true\n  wait: true\n  timeout: 10m\n  rollbackOnFailure: true\n  createNamespace: true\n  historyMax: 3\nreleases:\n  - {name: a, chart: c}\n  - {name: b, chart: c, wait: false, timeout: 90, historyMax: 0}\n",
        )],
    );
    let stack = load(dir.path(), None);
    let all = Flags {
        recreate_pods: true,
        force: true,
        wait: true,
        timeout: Duration::from_secs(600),
        rollback_on_failure: true,
        create_namespace: true,
        history_max: 3,
    };
    assert_eq!(stack.defaults, all);
    assert_eq!(stack.releases[0].flags, all);
    assert_eq!(
        stack.releases[1].flags,
        Flags {
            wait: false,
            timeout: Duration::from_secs(90),
            history_max: 0,
            ..all
        }
    );
    // helm's defaults when nothing is set.
    assert_eq!(
        Flags::default(),
        Flags {
            recreate_pods: false,
            force: false,
            wait: false,
            timeout: Duration::from_secs(300),
            rollback_on_failure: false,
            create_namespace: false,
            history_max: 10,
        }
    );
}

#[test]
fn chart_reference_kinds() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "local/c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "repositories: [{name: stable, url: 'https://charts.example'}]\nreleases:\n  - {name: a, chart: stable/nginx, version: '1.10'}\n  - {name: b, chart: oci://registry.example/charts/app}\n  - {name: c, chart: 'git+https://git.example/org/repo@charts/app?ref=v1.2.3'}\n  - {name: d, chart: ./local/c}\n  - {name: e, chart: local/c}\n",
        )],
    );
    let stack = load(dir.path(), None);
    let charts: Vec<String> = stack.releases.iter().map(|r| r.chart.to_string()).collect();
    assert_eq!(
        charts,
        [
            "stable/nginx".to_owned(),
            "oci://registry.example/charts/app".to_owned(),
            "git+https://git.example/org/repo@charts/app?ref=v1.2.3".to_owned(),
            dir.path().join("local/c").display().to_string(),
            dir.path().join("local/c").display().to_string(),
        ]
    );
    assert_eq!(stack.releases[0].version.as_deref(), Some("1.10"));
    let ChartRef::Git(g) = &stack.releases[2].chart else {
        panic!("not a git chart")
    };
    assert_eq!(
        (g.repo.as_str(), g.path.as_str(), g.reference.as_str()),
        ("https://git.example/org/repo", "charts/app", "v1.2.3")
    );
    assert_eq!(g.checkout, None, "not fetched without a cache directory");
}

#[test]
fn several_stackfiles_merge() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "elk/chart");
    chart(dir.path(), "whoami/chart");
    write(
        dir.path(),
        &[
            (
                "elk/elk.yaml",
                "variables: {team: logs}\nhelmDefaults: {wait: true}\nenvironments:\n  dev: {overlay: [dev.yaml]}\nreleases:\n  - {name: elk, namespace: '${team}', chart: chart}\n",
            ),
            ("elk/dev.yaml", "releases:\n  elk: {version: 7.0.0}\n"),
            (
                "whoami/whoami.yaml",
                "helmDefaults: {force: true}\nenvironments:\n  dev: {overlay: [dev.yaml], kubeContext: dev-ctx}\nreleases:\n  - {name: whoami, chart: chart, needs: [logs/elk]}\n",
            ),
            ("whoami/dev.yaml", "releases:\n  whoami: {version: 1.0.0}\n"),
        ],
    );
    let stack = charthouse_stack::load(&charthouse_stack::LoadOptions {
        files: vec![
            dir.path().join("elk/elk.yaml"),
            dir.path().join("whoami/whoami.yaml"),
        ],
        environment: Some("dev".into()),
        ..Default::default()
    })
    .unwrap();
    let ids: Vec<String> = stack.releases.iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["logs/elk", "default/whoami"]);
    assert_eq!(stack.releases[0].version.as_deref(), Some("7.0.0"));
    assert_eq!(stack.releases[1].version.as_deref(), Some("1.0.0"));
    assert_eq!(stack.releases[1].needs, ["logs/elk"]);
    assert!(stack.defaults.wait && stack.defaults.force);
    assert_eq!(stack.kube_context.as_deref(), Some("dev-ctx"));
    assert_eq!(
        stack.releases[1].chart,
        ChartRef::Local(dir.path().join("whoami/chart"))
    );
}

#[test]
fn kube_context_precedence() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "environments:\n  prod: {kubeContext: prod-ctx}\n  dev: {}\nreleases: [{name: a, chart: c}]\n",
        )],
    );
    let mut o = options(dir.path(), Some("prod"), &[]);
    o.default_kube_context = Some("from-defaults".into());
    assert_eq!(
        charthouse_stack::load(&o).unwrap().kube_context.as_deref(),
        Some("prod-ctx")
    );
    o.kube_context = Some("flag".into());
    assert_eq!(
        charthouse_stack::load(&o).unwrap().kube_context.as_deref(),
        Some("flag")
    );
    let mut o = options(dir.path(), Some("dev"), &[]);
    o.default_kube_context = Some("from-defaults".into());
    assert_eq!(
        charthouse_stack::load(&o).unwrap().kube_context.as_deref(),
        Some("from-defaults")
    );
}

#[test]
fn labels_needs_namespace_default_and_inline_values() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases:\n  - name: db\n    chart: c\n    labels: {tier: data, port: 5432}\n  - name: api\n    namespace: apps\n    chart: c\n    needs: [db]\n    values:\n      - {inline: true, num: 1}\n",
        )],
    );
    let mut o = options(dir.path(), None, &[]);
    o.namespace = "team".into();
    let stack = charthouse_stack::load(&o).unwrap();
    assert_eq!(stack.releases[0].id(), "team/db");
    assert_eq!(stack.releases[0].labels["port"], "5432");
    assert_eq!(stack.releases[1].needs, ["team/db"]);
    assert_eq!(stack.releases[1].values["inline"], Value::Bool(true));
    assert_eq!(stack.releases[1].values["num"], Value::Float(1.0));
}

#[test]
fn needs_on_an_ignored_release_are_met() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "releases:\n  - {name: a, chart: c}\n  - {name: b, chart: c, needs: [a]}\nenvironments:\n  dev: {overlay: [dev.yaml]}\n",
            ),
            ("dev.yaml", "releases:\n  a: {ignore: true}\n"),
            ("more.yaml", "releases:\n  a: {version: 2.0.0}\n"),
            ("back.yaml", "releases:\n  a: {ignore: false}\n"),
        ],
    );
    let stack = load(dir.path(), Some("dev"));
    assert_eq!(stack.releases.len(), 1);
    assert!(stack.releases[0].needs.is_empty());
    // A later overlay that does not mention `ignore` keeps it; `ignore: false` undoes it.
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases:\n  - {name: a, chart: c}\n  - {name: b, chart: c, needs: [a]}\nenvironments:\n  dev: {overlay: [dev.yaml, more.yaml]}\n  qa: {overlay: [dev.yaml, back.yaml]}\n",
        )],
    );
    assert_eq!(load(dir.path(), Some("dev")).releases.len(), 1);
    let qa = load(dir.path(), Some("qa"));
    assert_eq!(qa.releases.len(), 2);
    assert_eq!(qa.releases[1].needs, ["default/a"]);
}

#[test]
fn anchors_and_merge_keys() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "common: &common\n  chart: c\n  namespace: shared\n",
        )],
    );
    // Unknown top-level keys are errors even when only used as anchors.
    assert!(charthouse_stack::load(&options(dir.path(), None, &[])).is_err());
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases:\n  - &base {name: a, chart: c, namespace: shared, set: {k: v}}\n  - <<: *base\n    name: b\n",
        )],
    );
    let stack = load(dir.path(), None);
    assert_eq!(stack.releases[1].id(), "shared/b");
    assert_eq!(stack.releases[1].values["k"], s("v"));
}

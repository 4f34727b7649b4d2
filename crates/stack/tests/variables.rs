//! `${VAR}`, `.env`, `variables`, `.gotmpl` values files and `.charthouse.yaml`.

use charthouse_goyaml::Value;

use crate::common::{chart, load, load_err, options, write};

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

#[test]
fn environment_variables_defaults_and_unset() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases:\n  - name: a\n    namespace: ${NS:-fallback}\n    chart: c\n    set:\n      token: ${TOKEN}\n      port: ${PORT}\n      literal: $${TOKEN}\n",
        )],
    );
    let stack = charthouse_stack::load(&options(
        dir.path(),
        None,
        &[("TOKEN", "abc"), ("PORT", "8080")],
    ))
    .unwrap();
    let r = &stack.releases[0];
    assert_eq!(r.namespace, "fallback");
    assert_eq!(r.values["token"], s("abc"));
    // `set` types the expanded text as --set does.
    assert_eq!(r.values["port"], Value::Int(8080));
    assert_eq!(r.values["literal"], s("${TOKEN}"));
    assert_eq!(
        load_err(dir.path(), None, &[("PORT", "1")]),
        "stackfile.yaml:6:14: releases[0].set.token: environment variable TOKEN is not set"
    );
}

#[test]
fn dotenv_file_beside_the_stackfile() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "releases:\n  - {name: a, chart: c, set: {user: '${DB_USER}', host: '${DB_HOST}'}}\n",
            ),
            (
                ".env",
                "# database\nDB_USER=app\nexport DB_HOST=\"db.internal\"\n",
            ),
        ],
    );
    let stack = load(dir.path(), None);
    assert_eq!(stack.releases[0].values["user"], s("app"));
    // The process environment wins over .env.
    let stack =
        charthouse_stack::load(&options(dir.path(), None, &[("DB_USER", "override")])).unwrap();
    assert_eq!(stack.releases[0].values["user"], s("override"));
    assert_eq!(stack.releases[0].values["host"], s("db.internal"));
    write(dir.path(), &[(".env", "DB_USER=app\nbroken line\n")]);
    assert_eq!(
        load_err(dir.path(), None, &[]),
        ".env:2:1: expected KEY=VALUE, found \"broken line\""
    );
}

#[test]
fn variables_block_and_environment_variables() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "variables:\n  domain: ${DOMAIN:-example.org}\n  replicas: 2\nenvironments:\n  prod:\n    variables: {domain: prod.example.org}\n  dev: {}\nreleases:\n  - name: web\n    chart: c\n    set:\n      host: web.${domain}\n      replicas: ${replicas}\n",
        )],
    );
    let dev = load(dir.path(), Some("dev"));
    assert_eq!(dev.releases[0].values["host"], s("web.example.org"));
    assert_eq!(dev.releases[0].values["replicas"], Value::Int(2));
    let prod = load(dir.path(), Some("prod"));
    assert_eq!(prod.releases[0].values["host"], s("web.prod.example.org"));
    assert_eq!(prod.variables["domain"], s("prod.example.org"));
    let env = charthouse_stack::load(&options(dir.path(), None, &[("DOMAIN", "x.io")])).unwrap();
    assert_eq!(env.releases[0].values["host"], s("web.x.io"));
}

#[test]
fn gotmpl_values_files() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "variables: {domain: example.org}\nenvironments:\n  prod: {kubeContext: prod-ctx}\nreleases:\n  - name: web\n    namespace: apps\n    chart: c\n    version: 1.2.3\n    labels: {tier: web}\n    values: [values.yaml.gotmpl]\n    set: {fromSet: 1}\n",
            ),
            (
                "values.yaml.gotmpl",
                "env: {{ .Environment.Name }}\nctx: {{ .Environment.KubeContext }}\nrelease: {{ .Release.Name }}/{{ .Release.Namespace }}/{{ .Release.Chart }}/{{ .Release.Version }}/{{ .Release.Labels.tier }}\nhost: {{ .Release.Name }}.{{ .Values.domain }}\nsecret: {{ requiredEnv \"SECRET\" | b64enc | quote }}\noptional: {{ env \"UNSET\" | default \"none\" }}\ncert: |\n{{ \"line1\\nline2\" | indent 2 }}\nfromSet: 0\n",
            ),
        ],
    );
    let stack =
        charthouse_stack::load(&options(dir.path(), Some("prod"), &[("SECRET", "s3")])).unwrap();
    let v = &stack.releases[0].values;
    assert_eq!(v["env"], s("prod"));
    assert_eq!(v["ctx"], s("prod-ctx"));
    assert_eq!(v["release"], s("web/apps/c/1.2.3/web"));
    assert_eq!(v["host"], s("web.example.org"));
    assert_eq!(v["secret"], s("czM="));
    assert_eq!(v["optional"], s("none"));
    assert_eq!(v["cert"], s("line1\nline2\n"));
    assert_eq!(v["fromSet"], Value::Int(1), "set wins over values files");
    assert_eq!(
        stack.releases[0].values_files,
        vec![dir.path().join("values.yaml.gotmpl")]
    );
    let e = load_err(dir.path(), Some("prod"), &[]);
    assert!(
        e.starts_with(
            "stackfile.yaml:10:14: releases[0].values[0]: values.yaml.gotmpl: template: "
        ),
        "{e}"
    );
    assert!(e.contains("required env var `SECRET` is not set"), "{e}");
}

#[test]
fn defaults_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            ".charthouse.yaml",
            "environment: dev\ncontext: ml-dev\nkubeconfig: /k\nnamespace: apps\nfile: [a.yaml, b.yaml]\nselector: tier=web\nconcurrency: 3\nfailFast: true\ndebug: false\n",
        )],
    );
    let d = charthouse_stack::find_defaults(&[dir.path()], &Default::default()).unwrap();
    assert_eq!(d.environment.as_deref(), Some("dev"));
    assert_eq!(d.kube_context.as_deref(), Some("ml-dev"));
    assert_eq!(d.kubeconfig.as_deref(), Some("/k"));
    assert_eq!(d.namespace.as_deref(), Some("apps"));
    assert_eq!(
        d.files,
        vec![dir.path().join("a.yaml"), dir.path().join("b.yaml")]
    );
    assert_eq!(d.selectors, ["tier=web"]);
    assert_eq!(d.concurrency, Some(3));
    assert_eq!(d.fail_fast, Some(true));
    assert_eq!(d.debug, Some(false));
    write(
        dir.path(),
        &[(".charthouse.yaml", "kubeContext: ${CTX}\nsome: thing\n")],
    );
    let env = [("CTX".to_owned(), "c".to_owned())].into_iter().collect();
    let e = charthouse_stack::find_defaults(&[dir.path()], &env).unwrap_err();
    assert_eq!(
        e.to_string()
            .replace(&format!("{}/", dir.path().display()), ""),
        ".charthouse.yaml:2:1: some: unknown key (expected one of: environment, kubeContext, context, kubeconfig, namespace, file, selector, concurrency, failFast, debug)"
    );
    let none = tempfile::tempdir().unwrap();
    assert_eq!(
        charthouse_stack::find_defaults(&[none.path()], &Default::default()).unwrap(),
        charthouse_stack::Defaults::default()
    );
}

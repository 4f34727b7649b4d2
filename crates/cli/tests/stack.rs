//! `charthouse stack`: the stack commands that need no cluster, run as a user would.

use std::path::{Path, PathBuf};

use crate::macros::{charthouse, run};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn example() -> String {
    root()
        .join("examples/stack/stackfile.yaml")
        .display()
        .to_string()
}

/// What helm v4.3.1 renders for a release of examples/stack (crates/stack/tests/data/regen.sh).
fn helm_golden(name: &str) -> String {
    std::fs::read_to_string(root().join("crates/stack/tests/data/helm").join(name)).unwrap()
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (p, c) in files {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, c).unwrap();
    }
}

/// A small stack: a good chart `good`, a chart whose template fails `bad`.
fn broken_stack(dir: &Path) {
    write(
        dir,
        &[
            (
                "good/Chart.yaml",
                "apiVersion: v2\nname: good\nversion: 0.1.0\n",
            ),
            (
                "good/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
            ),
            (
                "bad/Chart.yaml",
                "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
            ),
            (
                "bad/templates/cm.yaml",
                "{{ required \"x is required\" .Values.x }}\n",
            ),
            (
                "stackfile.yaml",
                "releases:\n  - {name: first, chart: bad}\n  - {name: second, chart: good}\n  - {name: third, chart: good, needs: [first]}\n",
            ),
        ],
    );
}

#[test]
fn template_of_the_example_equals_helm_for_each_release() {
    let home = tempfile::tempdir().unwrap();
    for (env, releases) in [
        ("prod", &["cache", "web", "worker"][..]),
        ("dev", &["cache", "web"][..]),
    ] {
        let (out, stdout, stderr) =
            run(charthouse(home.path()).args(["stack", "template", "-f", &example(), "-e", env]));
        assert!(out.status.success(), "{stderr}");
        let want: String = releases
            .iter()
            .map(|r| helm_golden(&format!("{env}-{r}.yaml")))
            .collect();
        eqnice!(want, stdout);
        assert!(stderr.is_empty(), "{stderr}");
    }
}

#[test]
fn template_with_release_arguments_and_selectors() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) = run(charthouse(home.path()).args([
        "stack",
        "-f",
        &example(),
        "-e",
        "prod",
        "template",
        "worker",
    ]));
    assert!(out.status.success());
    eqnice!(helm_golden("prod-worker.yaml"), stdout);
    let (out, stdout, _) = run(charthouse(home.path()).args([
        "stack",
        "template",
        "-f",
        &example(),
        "-e",
        "prod",
        "-l",
        "tier=frontend",
    ]));
    assert!(out.status.success());
    eqnice!(helm_golden("prod-web.yaml"), stdout);
    let (out, _, stderr) = run(charthouse(home.path()).args([
        "stack",
        "template",
        "-f",
        &example(),
        "-e",
        "dev",
        "worker",
    ]));
    assert_eq!(out.status.code(), Some(1));
    eqnice!(
        "Error: release \"worker\" is not in the stack (or not in environment \"dev\")\n",
        stderr
    );
}

#[test]
fn list_and_build() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) =
        run(charthouse(home.path()).args(["stack", "list", "-f", &example(), "-e", "dev"]));
    assert!(out.status.success());
    let charts = root().join("examples/charts");
    let kv = format!("{}/kvstore", charts.display());
    let web = format!("{}/webapp", charts.display());
    let w = kv.len().max(web.len()).max(5);
    let pad = |s: &str| format!("{s}{}", " ".repeat(w - s.len() + 2));
    eqnice!(
        format!(
            "NAME   NAMESPACE  {}VERSION  NEEDS       LABELS\ncache  demo       {}                     tier=data\nweb    demo       {}         demo/cache  tier=frontend\n",
            pad("CHART"),
            pad(&kv),
            pad(&web)
        ),
        stdout
    );
    let (out, stdout, _) = run(charthouse(home.path()).args([
        "stack",
        "build",
        "-f",
        &example(),
        "-e",
        "prod",
        "web",
    ]));
    assert!(out.status.success());
    for needle in [
        "environment: prod\n",
        "  name: web\n",
        "  needs:\n  - demo/cache\n",
        "      example.com/url: https://web.demo.example\n",
        "    replicaCount: 3\n",
        "  historyMax: 5\n",
    ] {
        assert!(stdout.contains(needle), "build lacks {needle:?}:\n{stdout}");
    }
    assert!(!stdout.contains("name: worker"), "{stdout}");
}

#[test]
fn failures_name_the_release_and_others_go_on() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    broken_stack(dir.path());
    let file = dir.path().join("stackfile.yaml").display().to_string();
    let (out, stdout, stderr) =
        run(charthouse(home.path()).args(["stack", "template", "-f", &file]));
    assert_eq!(out.status.code(), Some(1));
    eqnice!(
        "---\n# Source: good/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n",
        stdout
    );
    eqnice!(
        "release default/first failed: release default/first: execution error at (bad/templates/cm.yaml:1:3): x is required\n\
         release default/third skipped: needs default/first, which failed\n\
         Error: 2 of 3 releases did not complete\n",
        stderr
    );
    // --fail-fast with one at a time: nothing starts after the failure.
    let (out, stdout, stderr) = run(charthouse(home.path()).args([
        "stack",
        "template",
        "-f",
        &file,
        "--fail-fast",
        "--concurrency",
        "1",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr
            .contains("release default/second skipped: not started: --fail-fast after a failure\n"),
        "{stderr}"
    );
}

#[test]
fn bad_stackfile_errors_name_file_line_and_key() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("stackfile.yaml", "releases:\n  - name: a\n    chrt: x\n")],
    );
    let (out, _, stderr) = run(charthouse(home.path())
        .current_dir(dir.path())
        .args(["stack", "build"]));
    assert_eq!(out.status.code(), Some(1));
    eqnice!(
        "Error: stackfile.yaml:3:5: releases[0].chrt: unknown key (expected one of: name, namespace, chart, version, values, set, labels, needs, recreatePods, force, wait, timeout, rollbackOnFailure, createNamespace, historyMax)\n",
        stderr
    );
    let (out, _, stderr) = run(charthouse(home.path())
        .current_dir(dir.path())
        .args(["stack", "list", "-l", "tier"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("Error: stackfile.yaml:3:5"), "{stderr}");
    write(dir.path(), &[("stackfile.yaml", "releases: []\n")]);
    let (out, _, stderr) = run(charthouse(home.path())
        .current_dir(dir.path())
        .args(["stack", "list", "-l", "tier"]));
    assert_eq!(out.status.code(), Some(1));
    eqnice!(
        "Error: selector \"tier\": term \"tier\" is not key=value or key!=value\n",
        stderr
    );
}

#[test]
fn defaults_file_in_the_current_directory() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            ".charthouse.yaml",
            &format!(
                "environment: prod\nfile: {}\nselector: tier=backend\n",
                example()
            ),
        )],
    );
    let (out, stdout, stderr) = run(charthouse(home.path())
        .current_dir(dir.path())
        .args(["stack", "template"]));
    assert!(out.status.success(), "{stderr}");
    eqnice!(helm_golden("prod-worker.yaml"), stdout);
    // Flags win over the defaults file.
    let (out, stdout, _) = run(charthouse(home.path())
        .current_dir(dir.path())
        .args(["stack", "list", "-e", "dev", "-l", "name=web"]));
    assert!(out.status.success());
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.lines().nth(1).unwrap().starts_with("web "),
        "{stdout}"
    );
}

#[test]
fn lint_prints_reports_and_a_summary() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) =
        run(charthouse(home.path()).args(["stack", "lint", "-f", &example(), "-e", "dev"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("==> release demo/cache\n==> Linting "),
        "{stdout}"
    );
    assert!(
        stdout.contains("[INFO] Chart.yaml: icon is recommended"),
        "{stdout}"
    );
    let table = stdout.split("\n\n").last().unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("RELEASE  NAMESPACE  CHART"), "{table}");
    assert!(
        lines[1].starts_with("cache    demo       ") && lines[1].contains(" linted "),
        "{table}"
    );
    assert_eq!(lines.len(), 3, "{table}");
}

#[test]
fn help_lists_the_subcommands_and_flags() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) = run(charthouse(home.path()).args(["stack", "--help"]));
    assert!(out.status.success());
    for needle in [
        "build",
        "list",
        "template",
        "lint",
        "--file",
        "--environment",
        "--selector",
        "--concurrency",
        "--fail-fast",
    ] {
        assert!(
            stdout.contains(needle),
            "stack --help lacks {needle}:\n{stdout}"
        );
    }
}

#[test]
fn git_charts_are_fetched_into_helms_cache() {
    let home = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        &[
            (
                "charts/app/Chart.yaml",
                "apiVersion: v2\nname: app\nversion: 3.0.0\n",
            ),
            (
                "charts/app/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  v: {{ .Chart.Version | quote }}\n",
            ),
        ],
    );
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-q",
            "-m",
            "c",
        ],
        &["tag", "v3"],
    ] {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            &format!(
                "releases:\n  - name: app\n    chart: git+file://{}@charts/app?ref=v3\n",
                repo.path().display()
            ),
        )],
    );
    let (out, stdout, stderr) = run(charthouse(home.path())
        .current_dir(dir.path())
        .args(["stack", "template"]));
    assert!(out.status.success(), "{stderr}");
    eqnice!(
        "---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  v: \"3.0.0\"\n",
        stdout
    );
    assert!(home.path().join(".cache/helm/stack/git").is_dir());
}

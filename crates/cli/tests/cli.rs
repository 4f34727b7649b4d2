//! The command line itself: help, version, usage errors, global flags and environment.

use crate::macros::{charthouse, run};

#[test]
fn help_lists_commands_and_global_flags() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) = run(charthouse(home.path()).arg("--help"));
    assert!(out.status.success());
    for needle in [
        "version",
        "env",
        "completion",
        "--namespace",
        "--kube-context",
        "--kubeconfig",
        "--debug",
        "--log-level",
    ] {
        assert!(stdout.contains(needle), "--help lacks {needle}:\n{stdout}");
    }
}

#[test]
fn version_names_helm_compatibility() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) = run(charthouse(home.path()).arg("--version"));
    assert!(out.status.success());
    eqnice!(
        format!(
            "charthouse {} (compatible with helm v4.3.1)\n",
            env!("CARGO_PKG_VERSION")
        ),
        stdout
    );
    let (out, stdout, _) = run(charthouse(home.path()).args(["version", "--short"]));
    assert!(out.status.success());
    eqnice!(format!("v{}\n", env!("CARGO_PKG_VERSION")), stdout);
}

#[test]
fn unknown_command_is_one_line_and_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(charthouse(home.path()).arg("frobnicate"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout.is_empty());
    eqnice!(
        "Error: unrecognized subcommand 'frobnicate' (run 'charthouse --help' for usage)\n",
        stderr
    );
}

#[test]
fn unknown_flag_is_one_line_and_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(charthouse(home.path()).args(["env", "--bogus"]));
    assert_eq!(out.status.code(), Some(2));
    eqnice!(
        "Error: unexpected argument '--bogus' found (run 'charthouse --help' for usage)\n",
        stderr
    );
}

#[test]
fn misspelled_command_gets_a_suggestion() {
    let home = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(charthouse(home.path()).arg("verison"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("'version'"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn env_prints_helm_style_settings() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) = run(charthouse(home.path())
        .env("HELM_DRIVER", "configmap")
        .arg("env"));
    assert!(out.status.success());
    let h = home.path().display();
    assert!(
        stdout.contains(&format!("HELM_CACHE_HOME=\"{h}/.cache/helm\"\n")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!(
        "HELM_REPOSITORY_CONFIG=\"{h}/.config/helm/repositories.yaml\"\n"
    )));
    assert!(stdout.contains("HELM_NAMESPACE=\"default\"\n"));
    assert!(stdout.contains("HELM_DRIVER=\"configmap\"\n"));
    let names: Vec<&str> = stdout.lines().filter_map(|l| l.split('=').next()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "helm prints the variables sorted");
}

#[test]
fn namespace_precedence_flag_env_kubeconfig_default() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("config");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters: []\nusers: []\n\
         contexts:\n- name: dev\n  context: {cluster: c, user: u, namespace: team-a}\n",
    )
    .unwrap();
    let ns = |extra: &[&str], env: Option<&str>| {
        let mut cmd = charthouse(home.path());
        cmd.env("KUBECONFIG", &kubeconfig);
        if let Some(value) = env {
            cmd.env("HELM_NAMESPACE", value);
        }
        cmd.args(extra).args(["env", "HELM_NAMESPACE"]);
        let (out, stdout, stderr) = run(&mut cmd);
        assert!(out.status.success(), "{stderr}");
        stdout
    };
    eqnice!("team-a\n", ns(&[], None));
    eqnice!("from-env\n", ns(&[], Some("from-env")));
    eqnice!("from-flag\n", ns(&["-n", "from-flag"], Some("from-env")));
    let (out, stdout, _) = run(charthouse(home.path()).args(["env", "HELM_NAMESPACE"]));
    assert!(out.status.success());
    eqnice!("default\n", stdout);
}

#[test]
fn invalid_rust_log_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(charthouse(home.path()).env("RUST_LOG", "=[").arg("version"));
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("Error: invalid RUST_LOG value"),
        "{stderr}"
    );
}

#[test]
fn closed_stdout_is_not_a_crash() {
    use std::process::Stdio;
    let home = tempfile::tempdir().unwrap();
    let mut child = charthouse(home.path())
        .args(["completion", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completion_script_mentions_commands() {
    let home = tempfile::tempdir().unwrap();
    let (out, stdout, _) = run(charthouse(home.path()).args(["completion", "bash"]));
    assert!(out.status.success());
    assert!(stdout.contains("charthouse") && stdout.contains("completion"));
}

#[test]
fn contained_library_panics_print_nothing() {
    // goyaml contains a panic of its YAML scanner for a block scalar that ends the input
    // without a newline (fromYaml below); the panic hook must not report it.
    let home = tempfile::tempdir().unwrap();
    let chart = home.path().join("pc");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: pc\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "w: {{ fromYaml \"b: |\\n  y\" | toJson | quote }}\n",
    )
    .unwrap();
    let (out, stdout, stderr) = run(charthouse(home.path()).arg("template").arg("r").arg(&chart));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("# Source: pc/templates/cm.yaml"),
        "{stdout}"
    );
    eqnice!("", stderr);
}

//! Charts from git repositories (`git+file://`), fetched with gix into the cache.

use std::path::Path;
use std::process::Command;

use charthouse_stack::{ChartRef, LoadOptions};

use crate::common::write;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn chart_files(version: &str) -> Vec<(String, String)> {
    vec![
        (
            "charts/app/Chart.yaml".into(),
            format!("apiVersion: v2\nname: app\nversion: {version}\n"),
        ),
        (
            "charts/app/templates/cm.yaml".into(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  v: {{ .Chart.Version | quote }}\n  x: {{ .Values.x | quote }}\n".into(),
        ),
        ("README.md".into(), "not the chart\n".into()),
    ]
}

/// A repository with v1.0.0 tagged, then 2.0.0 on `main`; returns the v1 commit id.
fn repo(dir: &Path) -> String {
    git(dir, &["init", "-q", "-b", "main"]);
    for (p, c) in chart_files("1.0.0") {
        write(dir, &[(&p, &c)]);
    }
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "v1"]);
    git(dir, &["tag", "v1.0.0"]);
    let v1 = git(dir, &["rev-parse", "HEAD"]);
    write(
        dir,
        &[(
            "charts/app/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 2.0.0\n",
        )],
    );
    git(dir, &["commit", "-q", "-am", "v2"]);
    v1
}

fn load_with(
    stack_dir: &Path,
    cache: &Path,
    chart: &str,
) -> charthouse_stack::Result<charthouse_stack::Stack> {
    write(
        stack_dir,
        &[(
            "stackfile.yaml",
            &format!("releases:\n  - name: app\n    chart: '{chart}'\n    set: {{x: y}}\n"),
        )],
    );
    charthouse_stack::load(&LoadOptions {
        files: vec![stack_dir.join("stackfile.yaml")],
        git_cache: Some(cache.to_path_buf()),
        ..Default::default()
    })
}

fn chart_version(stack: &charthouse_stack::Stack) -> String {
    let dir = stack.releases[0].chart.local_path().unwrap();
    std::fs::read_to_string(dir.join("Chart.yaml")).unwrap()
}

#[test]
fn git_file_charts_by_tag_branch_commit_and_head() {
    let repo_dir = tempfile::tempdir().unwrap();
    let v1 = repo(repo_dir.path());
    let stack_dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("git+file://{}", repo_dir.path().display());

    let stack = load_with(
        stack_dir.path(),
        cache.path(),
        &format!("{url}@charts/app?ref=v1.0.0"),
    )
    .unwrap();
    assert!(chart_version(&stack).contains("version: 1.0.0"));
    let ChartRef::Git(g) = &stack.releases[0].chart else {
        panic!("not git")
    };
    let checkout = g.checkout.clone().unwrap();
    assert!(checkout.starts_with(cache.path().join("stack/git")));
    assert!(
        !checkout.join("README.md").exists(),
        "only the chart directory"
    );
    // The fetched chart renders like any local chart.
    let out = charthouse_stack::template_release(&stack.releases[0], &Default::default()).unwrap();
    assert_eq!(
        out,
        "---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  v: \"1.0.0\"\n  x: \"y\"\n"
    );

    let stack = load_with(
        stack_dir.path(),
        cache.path(),
        &format!("{url}@charts/app?ref=main"),
    )
    .unwrap();
    assert!(chart_version(&stack).contains("version: 2.0.0"));
    let stack = load_with(stack_dir.path(), cache.path(), &format!("{url}@charts/app")).unwrap();
    assert!(chart_version(&stack).contains("version: 2.0.0"));
    let stack = load_with(
        stack_dir.path(),
        cache.path(),
        &format!("{url}@charts/app?ref={v1}"),
    )
    .unwrap();
    assert!(chart_version(&stack).contains("version: 1.0.0"));
    // A commit id is immutable: the cached checkout is reused even if the repository goes.
    drop(repo_dir);
    let stack = load_with(
        stack_dir.path(),
        cache.path(),
        &format!("{url}@charts/app?ref={v1}"),
    )
    .unwrap();
    assert!(chart_version(&stack).contains("version: 1.0.0"));
}

#[test]
fn git_errors_name_the_release_key_and_step() {
    let repo_dir = tempfile::tempdir().unwrap();
    repo(repo_dir.path());
    let stack_dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("git+file://{}", repo_dir.path().display());
    let e = load_with(
        stack_dir.path(),
        cache.path(),
        &format!("{url}@charts/app?ref=v9"),
    )
    .unwrap_err();
    let text = e
        .to_string()
        .replace(&format!("{}/", stack_dir.path().display()), "");
    assert_eq!(
        text,
        format!(
            "stackfile.yaml:3:12: releases[0].chart: git chart {url}@charts/app?ref=v9: resolve ref: no branch, tag or commit \"v9\""
        )
    );
    assert_eq!(e.reason(), "Git");
    let e = load_with(
        stack_dir.path(),
        cache.path(),
        &format!("{url}@charts/nope"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("read path: \"charts/nope\" is not in the repository at HEAD"),
        "{e}"
    );
    let e = load_with(
        stack_dir.path(),
        cache.path(),
        "git+file:///nonexistent/repo@c",
    )
    .unwrap_err();
    assert!(e.to_string().contains(": fetch: "), "{e}");
    let e = load_with(stack_dir.path(), cache.path(), "git+ftp://host/repo").unwrap_err();
    assert!(
        e.to_string().ends_with("releases[0].chart: git chart git+ftp://host/repo: unsupported scheme \"ftp\" (https, http, ssh, file)"),
        "{e}"
    );
}

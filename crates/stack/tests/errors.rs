//! Bad stackfiles: every error names the file, line, column and key.

use crate::common::{chart, load_err, write};

/// Loads a stackfile with the given text (and a chart `c`) and returns the error text.
fn err(stackfile: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(dir.path(), &[("stackfile.yaml", stackfile)]);
    load_err(dir.path(), None, &[])
}

#[test]
fn unknown_keys() {
    assert_eq!(
        err("releases:\n  - name: a\n    chart: c\n    nmae: b\n"),
        "stackfile.yaml:4:5: releases[0].nmae: unknown key (expected one of: name, namespace, chart, version, values, set, labels, needs, recreatePods, force, wait, timeout, rollbackOnFailure, createNamespace, historyMax)"
    );
    assert_eq!(
        err("release:\n  - name: a\n"),
        "stackfile.yaml:1:1: release: unknown key (expected one of: releases, environments, repositories, helmDefaults, variables)"
    );
    assert_eq!(
        err("helmDefaults:\n  atomic: true\n"),
        "stackfile.yaml:2:3: helmDefaults.atomic: unknown key (expected one of: recreatePods, force, wait, timeout, rollbackOnFailure, createNamespace, historyMax)"
    );
    assert_eq!(
        err("environments:\n  dev:\n    overlayz: [a.yaml]\n"),
        "stackfile.yaml:3:5: environments.dev.overlayz: unknown key (expected one of: overlay, overlays, kubeContext, variables)"
    );
    assert_eq!(
        err("repositories:\n  - name: r\n    url: https://x\n    user: me\n"),
        "stackfile.yaml:4:5: repositories[0].user: unknown key (expected one of: name, url)"
    );
}

#[test]
fn unknown_keys_in_overlays() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "releases: [{name: a, chart: c}]\nenvironments:\n  dev: {overlay: [env/dev.yaml]}\n",
            ),
            ("env/dev.yaml", "releases:\n  a:\n    versoin: 1.0.0\n"),
        ],
    );
    assert_eq!(
        load_err(dir.path(), Some("dev"), &[]),
        "env/dev.yaml:3:5: releases.a.versoin: unknown key (expected one of: version, set, values, ignore, chart, namespace)"
    );
    write(dir.path(), &[("env/dev.yaml", "release:\n  a: {}\n")]);
    assert_eq!(
        load_err(dir.path(), Some("dev"), &[]),
        "env/dev.yaml:1:1: release: unknown key (expected one of: releases)"
    );
    write(
        dir.path(),
        &[("env/dev.yaml", "releases:\n  b:\n    version: 1.0.0\n")],
    );
    assert_eq!(
        load_err(dir.path(), Some("dev"), &[]),
        "env/dev.yaml:2:3: releases.b: release \"b\" is not in the stack"
    );
    write(
        dir.path(),
        &[("env/dev.yaml", "releases:\n  a:\n    ignore: yes please\n")],
    );
    assert_eq!(
        load_err(dir.path(), Some("dev"), &[]),
        "env/dev.yaml:3:13: releases.a.ignore: expected a boolean, found a string"
    );
}

#[test]
fn bad_types() {
    assert_eq!(
        err("releases:\n  name: a\n"),
        "stackfile.yaml:2:3: releases: expected a list, found a map"
    );
    assert_eq!(
        err("releases:\n  - name: [a]\n    chart: c\n"),
        "stackfile.yaml:2:11: releases[0].name: expected a string, found a list"
    );
    assert_eq!(
        err("releases:\n  - name: a\n    chart: c\n    set: [1]\n"),
        "stackfile.yaml:4:10: releases[0].set: expected a map, found a list"
    );
    assert_eq!(
        err("releases:\n  - name: a\n    chart: c\n    values: web.yaml\n"),
        "stackfile.yaml:4:13: releases[0].values: expected a list, found a string"
    );
    assert_eq!(
        err("helmDefaults:\n  wait: maybe\n"),
        "stackfile.yaml:2:9: helmDefaults.wait: expected a boolean, found a string"
    );
    assert_eq!(
        err("helmDefaults:\n  historyMax: -1\n"),
        "stackfile.yaml:2:15: helmDefaults.historyMax: expected a non-negative whole number, found a number"
    );
    assert_eq!(
        err("helmDefaults:\n  timeout: 5 minutes\n"),
        "stackfile.yaml:2:12: helmDefaults.timeout: invalid duration \"5 minutes\" (use seconds or units h, m, s, ms: 5m30s)"
    );
    assert_eq!(
        err("releases:\n  - name: a\n    chart: c\n    labels: {tier: [x]}\n"),
        "stackfile.yaml:4:20: releases[0].labels.tier: expected a string, found a list"
    );
    assert_eq!(
        err("variables: [a]\n"),
        "stackfile.yaml:1:12: variables: expected a map, found a list"
    );
}

#[test]
fn missing_and_invalid_values() {
    assert_eq!(
        err("releases:\n  - chart: c\n"),
        "stackfile.yaml:2:5: releases[0].name: required key is missing"
    );
    assert_eq!(
        err("releases:\n  - name: a\n"),
        "stackfile.yaml:2:5: releases[0].chart: required key is missing"
    );
    assert_eq!(
        err("releases:\n  - name: Web_App\n    chart: c\n"),
        "stackfile.yaml:2:11: releases[0].name: invalid release name \"Web_App\": a DNS-1123 subdomain of at most 53 characters"
    );
    assert_eq!(
        err("releases:\n  - {name: a, chart: c}\n  - {name: a, chart: c}\n"),
        "stackfile.yaml:3:5: releases[1]: release default/a is defined twice (first at stackfile.yaml:2:5)"
    );
    assert_eq!(
        err("releases:\n  - name: a\n    name: b\n    chart: c\n"),
        "stackfile.yaml:3:5: releases[0].name: key is set twice"
    );
}

#[test]
fn missing_files() {
    assert_eq!(
        err("releases:\n  - name: a\n    chart: c\n    values:\n      - nope.yaml\n"),
        "stackfile.yaml:5:9: releases[0].values[0]: nope.yaml: no such file or directory"
    );
    assert_eq!(
        err("releases:\n  - name: a\n    chart: charts/nope\n"),
        "stackfile.yaml:3:12: releases[0].chart: charts/nope: no such file or directory (not a chart directory, nor REPO/CHART of a declared repository)"
    );
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases: [{name: a, chart: c}]\nenvironments:\n  dev:\n    overlay:\n      - env/missing.yaml\n",
        )],
    );
    assert_eq!(
        load_err(dir.path(), Some("dev"), &[]),
        "stackfile.yaml:5:9: environments.dev.overlay[0]: env/missing.yaml: no such file or directory"
    );
    assert_eq!(
        load_err(dir.path(), Some("qa"), &[]),
        "environment \"qa\" is not defined (defined: dev)"
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        load_err(empty.path(), None, &[]),
        "stackfile.yaml: no such file or directory"
    );
}

#[test]
fn bad_values_files() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "releases:\n  - name: a\n    chart: c\n    values: [v.yaml, t.yaml.gotmpl]\n",
            ),
            ("v.yaml", "- a list\n"),
            ("t.yaml.gotmpl", "a: 1\n"),
        ],
    );
    assert_eq!(
        load_err(dir.path(), None, &[]),
        "stackfile.yaml:4:14: releases[0].values[0]: v.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    write(
        dir.path(),
        &[
            ("v.yaml", "a: 1\n"),
            ("t.yaml.gotmpl", "a: {{ .Values.nope }}\n"),
        ],
    );
    let e = load_err(dir.path(), None, &[]);
    assert!(
        e.starts_with("stackfile.yaml:4:22: releases[0].values[1]: t.yaml.gotmpl: template: "),
        "{e}"
    );
    assert!(e.contains("map has no entry for key \"nope\""), "{e}");
}

#[test]
fn needs_unknown_ambiguous_and_cycles() {
    assert_eq!(
        err("releases:\n  - name: a\n    chart: c\n    needs: [b]\n"),
        "stackfile.yaml:4:13: releases[0].needs[0]: release default/a needs b, which is not in the stack"
    );
    assert_eq!(
        err("releases:\n  - {name: a, chart: c, needs: [x/a]}\n"),
        "stackfile.yaml:2:33: releases[0].needs[0]: release default/a needs x/a, which is not in the stack"
    );
    assert_eq!(
        err(
            "releases:\n  - {name: a, namespace: x, chart: c}\n  - {name: a, namespace: y, chart: c}\n  - {name: b, chart: c, needs: [a]}\n"
        ),
        "stackfile.yaml:4:33: releases[2].needs[0]: \"a\" names releases in several namespaces; write namespace/name"
    );
    assert_eq!(
        err(
            "releases:\n  - {name: a, chart: c, needs: [c]}\n  - {name: b, chart: c, needs: [a]}\n  - {name: c, chart: c, needs: [b]}\n"
        ),
        "stackfile.yaml:2:33: releases[0].needs[0]: needs form a cycle: default/a -> default/c -> default/b -> default/a"
    );
    assert_eq!(
        err("releases:\n  - {name: a, chart: c, needs: [a]}\n"),
        "stackfile.yaml:2:33: releases[0].needs[0]: needs form a cycle: default/a -> default/a"
    );
}

#[test]
fn yaml_syntax_errors_have_positions() {
    let e = err("releases:\n  - name: a\n    chart: [c\n");
    assert!(e.starts_with("stackfile.yaml:4:1: "), "{e}");
    let e = err("releases:\n  - name: a\n   chart: c\n");
    assert!(e.starts_with("stackfile.yaml:3:"), "{e}");
}

#[test]
fn error_reasons_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("stackfile.yaml", "x: 1\n")]);
    let e = charthouse_stack::load(&crate::common::options(dir.path(), None, &[])).unwrap_err();
    assert_eq!(e.reason(), "UnknownKey");
}

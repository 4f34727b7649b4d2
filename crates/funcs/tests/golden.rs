//! Every case of `tests/data/cases/*.txt` against what helm v4.3.1 rendered for it.

use charthouse_gotmpl::{Error, ExecError};

use crate::harness::{Case, Outcome, helm_error, parse_cases, render, run_all};

#[test]
fn golden_cases_match_helm() {
    let summary = run_all();
    let (passed, failures) = (summary.passed, &summary.failures);
    for g in &summary.gaps {
        eprintln!("KNOWN GAP {g}");
    }
    for f in failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "golden cases: {passed} passed, {} known gaps, {} failed",
        summary.gaps.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} golden case(s) failed, {passed} passed",
        failures.len()
    );
    assert!(passed > 0, "no golden cases ran");
}

#[test]
fn case_files_parse_inline_and_sectioned_cases() {
    let text = "--- values\n{\"a\": 1}\n\n=== one {{ .Values.a }}\n=== two\n--- values\nb: 2\n--- template\nx\n{{ .Values.b }}\n\n\n--- gap why\n=== three\n--- template\n  y  \n";
    let cases = parse_cases(text).unwrap();
    let want = vec![
        Case {
            name: "one".into(),
            values: "{\"a\": 1}".into(),
            template: "{{ .Values.a }}".into(),
            gap: None,
        },
        Case {
            name: "two".into(),
            values: "b: 2".into(),
            template: "x\n{{ .Values.b }}".into(),
            gap: Some("why".into()),
        },
        Case {
            name: "three".into(),
            values: "{\"a\": 1}".into(),
            template: "  y  ".into(),
            gap: None,
        },
    ];
    assert_eq!(cases, want);
    assert!(parse_cases("=== a x\n=== a y\n").is_err());
}

#[test]
fn harness_applies_helm_top_level_object() {
    let case = Case {
        name: "t".into(),
        values: "{\"a\": 1}".into(),
        template:
            "{{ .Values.a }} {{ printf \"%T\" .Values }} {{ .Release.Name }} {{ .Values.nope }}"
                .into(),
        gap: None,
    };
    assert_eq!(render(&case), Outcome::Output("1 common.Values r ".into()));
}

fn exec(location: &str, template: &str, context: &str, message: &str) -> Error {
    Error::Exec(ExecError {
        template: template.into(),
        location: Some(location.into()),
        context: Some(context.into()),
        message: message.into(),
    })
}

#[test]
fn helm_rewrites_nested_include_errors_into_a_trace() {
    let inner = "template: c/templates/case.yaml:1:43: executing \"x\" at <.Values.a.b>: can't evaluate field b in type interface {}";
    let err = exec(
        "c/templates/case.yaml:1:3",
        "c/templates/case.yaml",
        "include \"x\" .",
        &format!("error calling include: {inner}"),
    );
    assert_eq!(
        helm_error("c/templates/case.yaml", &err),
        "c/templates/case.yaml:1:3\n  executing \"c/templates/case.yaml\" at <include \"x\" .>:\n    error calling include:\nc/templates/case.yaml:1:43\n  executing \"x\" at <.Values.a.b>:\n    can't evaluate field b in type interface {}"
    );
}

#[test]
fn helm_unwraps_fail_and_required_messages() {
    let err = exec(
        "c/templates/case.yaml:2:3",
        "c/templates/case.yaml",
        "fail \"x\"",
        "error calling fail: HELM_ERR_STARTboom: a\nbHELM_ERR_END",
    );
    assert_eq!(
        helm_error("c/templates/case.yaml", &err),
        "execution error at (c/templates/case.yaml:2:3): boom: a\nb"
    );
}

#[test]
fn helm_prints_plain_function_errors_unchanged() {
    let err = exec(
        "c/templates/case.yaml:1:3",
        "c/templates/case.yaml",
        "mustFirst 1",
        "error calling mustFirst: Cannot find first on type int",
    );
    assert_eq!(helm_error("c/templates/case.yaml", &err), err.to_string());
}

#[test]
fn fail_renders_nothing_in_lint_mode() {
    use charthouse_funcs::{Options, functions};
    use charthouse_gotmpl::Templates;
    let mut set = Templates::named("gotpl");
    set.add_funcs(functions(&Options::new().with_lint_mode(true)));
    set.parse("t", "[{{ fail \"boom\" }}]").unwrap();
    assert_eq!(
        set.execute("t", &charthouse_gotmpl::Value::Nil).unwrap(),
        "[]"
    );
}

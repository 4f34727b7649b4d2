//! API tests for what the helm goldens cannot reach: host objects, registered functions
//! and their callbacks into the set, `missingkey=default|error`, custom delimiters, the
//! builtin `slice` (helm shadows it with Sprig's), set cloning, limits, and never
//! panicking. Expected values follow Go's text/template source (go1.2x `exec.go`,
//! `funcs.go`) and its documented behaviour.

use std::sync::Arc;

use charthouse_gotmpl::{
    Context, Error, Func, FuncError, GoType, IntType, MissingKey, Object, Signature, Templates,
    Value, gofmt,
};

fn run(src: &str, data: &Value) -> Result<String, String> {
    let mut t = Templates::named("gotpl");
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", data).map_err(|e| e.to_string())
}

fn run_mode(src: &str, data: &Value, m: MissingKey) -> Result<String, String> {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(m);
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", data).map_err(|e| e.to_string())
}

fn data() -> Value {
    Value::map_from([
        ("a", Value::map_from([("b", Value::from("c"))])),
        ("n", Value::Nil),
        (
            "l",
            Value::list(vec![Value::int(1), Value::int(2), Value::int(3)]),
        ),
        ("s", Value::from("héllo")),
    ])
}

// ---- missingkey ---------------------------------------------------------------------

#[test]
fn missingkey_default_prints_no_value_and_chains() {
    assert_eq!(
        run_mode("{{.x}}|{{.x.y}}", &data(), MissingKey::Default).unwrap(),
        "<no value>|<no value>"
    );
}

#[test]
fn missingkey_zero_errors_on_nil_chain() {
    assert_eq!(
        run_mode("{{.x.y}}", &data(), MissingKey::Zero).unwrap_err(),
        "template: t:1:4: executing \"t\" at <.x.y>: nil pointer evaluating interface {}.y"
    );
}

#[test]
fn missingkey_error_reports_key() {
    assert_eq!(
        run_mode("{{.a.x}}", &data(), MissingKey::Error).unwrap_err(),
        "template: t:1:4: executing \"t\" at <.a.x>: map has no entry for key \"x\""
    );
    assert_eq!(
        run_mode("{{$v := .x}}", &data(), MissingKey::Error).unwrap_err(),
        "template: t:1:8: executing \"t\" at <.x>: map has no entry for key \"x\""
    );
    // A present nil value is not a missing key.
    assert_eq!(
        run_mode("{{.n}}", &data(), MissingKey::Error).unwrap(),
        "<no value>"
    );
}

#[test]
fn missingkey_error_nil_data() {
    assert_eq!(
        run_mode("{{.x}}", &Value::Missing, MissingKey::Error).unwrap_err(),
        "template: t:1:2: executing \"t\" at <.x>: nil data; no entry for key \"x\""
    );
    assert_eq!(
        run_mode("{{.x}}", &Value::Missing, MissingKey::Zero).unwrap(),
        "<no value>"
    );
}

#[test]
fn missingkey_zero_on_typed_map_gives_zero_value() {
    let m = Value::Map(Arc::new(charthouse_gotmpl::Map::typed(
        GoType::String,
        Default::default(),
    )));
    let d = Value::map_from([("m", m)]);
    assert_eq!(run_mode("[{{.m.x}}]", &d, MissingKey::Zero).unwrap(), "[]");
    assert_eq!(
        run_mode("[{{.m.x}}]", &d, MissingKey::Default).unwrap(),
        "[<no value>]"
    );
}

#[test]
fn option_strings_as_go() {
    let mut t = Templates::new();
    assert!(t.option("missingkey=error").is_ok());
    assert_eq!(t.options().missing_key, MissingKey::Error);
    assert!(t.option("missingkey=bogus").is_err());
}

// ---- delimiters ---------------------------------------------------------------------

#[test]
fn custom_delimiters() {
    let mut t = Templates::new();
    t.delims("[[", "]]");
    t.parse(
        "t",
        "{{ not an action }} [[ .a.b ]] [[- \" x \" -]] [[/* c */]]!",
    )
    .unwrap();
    assert_eq!(
        t.execute("t", &data()).unwrap(),
        "{{ not an action }} c x !"
    );
}

#[test]
fn custom_delimiters_terminate_identifiers() {
    let mut t = Templates::new();
    t.delims("<%", "%>");
    t.parse("t", "<%.a.b%>-<%$x := 1%><%$x%>").unwrap();
    assert_eq!(t.execute("t", &data()).unwrap(), "c-1");
}

// ---- builtin slice (Sprig shadows it in helm) -----------------------------------------

#[test]
fn builtin_slice_as_go() {
    let d = data();
    assert_eq!(
        run(
            r#"{{slice "abcdef" 1 3}}|{{slice "abcdef" 2}}|{{slice "abcdef"}}"#,
            &d
        )
        .unwrap(),
        "bc|cdef|abcdef"
    );
    assert_eq!(
        run(
            "{{slice .l 1}}|{{slice .l 0 2 3}}|{{printf \"%T\" (slice .l 0 1)}}",
            &d
        )
        .unwrap(),
        "[2 3]|[1 2]|[]interface {}"
    );
    let err = |src: &str| run(src, &d).unwrap_err();
    assert!(
        err(r#"{{slice "abc" 0 1 2}}"#)
            .ends_with("error calling slice: cannot 3-index slice a string")
    );
    assert!(
        err(r#"{{slice "abc" 2 1}}"#).ends_with("error calling slice: invalid slice index: 2 > 1")
    );
    assert!(err(r#"{{slice "abc" 1 5}}"#).ends_with("error calling slice: index out of range: 5"));
    assert!(
        err(r#"{{slice "abc" 0 1 2 3}}"#)
            .ends_with("error calling slice: too many slice indexes: 4")
    );
    assert!(err("{{slice .x 0}}").ends_with("error calling slice: slice of untyped nil"));
    assert!(err("{{slice 1 0}}").ends_with("error calling slice: can't slice item of type int"));
    // Elements of a map[string]interface{} are interface-typed: Go's slice does not
    // unwrap them, so they cannot be indexes.
    let d2 = Value::map_from([
        ("l", Value::list(vec![Value::int(1)])),
        ("i", Value::int(0)),
    ]);
    assert!(
        run("{{slice .l .i}}", &d2)
            .unwrap_err()
            .ends_with("cannot index slice/array with type interface {}")
    );
    assert_eq!(run("{{$i := .i}}{{slice .l $i}}", &d2).unwrap(), "[1]");
}

// ---- host objects -------------------------------------------------------------------

#[derive(Debug)]
struct Capabilities {
    versions: Vec<String>,
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::map_from([
                ("Major", Value::from("1")),
                ("Minor", Value::from("37")),
            ])),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Has" => Some(Signature::new(vec![GoType::String], GoType::Bool)),
            "Count" => Some(Signature::new(vec![], GoType::Int(IntType::Int))),
            "Fail" => Some(Signature::new(vec![], GoType::String)),
            _ => None,
        }
    }
    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        match name {
            "Has" => Ok(Value::Bool(
                self.versions
                    .iter()
                    .any(|v| Some(v.as_str()) == args[0].as_str()),
            )),
            "Count" => Ok(Value::int(self.versions.len() as i64)),
            _ => Err(FuncError::new("boom")),
        }
    }
    fn fmt_value(&self, out: &mut String) {
        out.push_str("&{caps}");
    }
}

fn caps_data() -> Value {
    let caps = Value::Object(Arc::new(Capabilities {
        versions: vec!["v1".into(), "apps/v1".into()],
    }));
    Value::map_from([("Capabilities", caps)])
}

#[test]
fn host_object_methods_and_fields() {
    let d = caps_data();
    assert_eq!(
        run(r#"{{ .Capabilities.Has "v1" }} {{ .Capabilities.Has "x" }} {{ .Capabilities.Count }} {{ .Capabilities.KubeVersion.Minor }}"#, &d).unwrap(),
        "true false 2 37"
    );
    assert_eq!(
        run(r#"{{ "apps/v1" | .Capabilities.Has }}"#, &d).unwrap(),
        "true"
    );
    assert_eq!(
        run(r#"{{ printf "%T %v" .Capabilities .Capabilities }}"#, &d).unwrap(),
        "*common.Capabilities &{caps}"
    );
    assert_eq!(
        run(
            r#"{{ with .Capabilities }}{{ .Has "apps/v1" }}{{ end }}"#,
            &d
        )
        .unwrap(),
        "true"
    );
}

#[test]
fn host_object_errors_as_go() {
    let d = caps_data();
    assert_eq!(
        run("{{ .Capabilities.Has }}", &d).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.Has>: wrong number of args for Has: want 1 got 0"
    );
    assert_eq!(
        run("{{ .Capabilities.Has 1 }}", &d).unwrap_err(),
        "template: t:1:21: executing \"t\" at <1>: expected string; found 1"
    );
    assert_eq!(
        run("{{ .Capabilities.Fail }}", &d).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.Fail>: error calling Fail: boom"
    );
    assert_eq!(
        run("{{ .Capabilities.Nope }}", &d).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.Nope>: can't evaluate field Nope in type interface {}"
    );
    assert_eq!(
        run("{{ .Capabilities.KubeVersion 1 }}", &d).unwrap_err(),
        "template: t:1:16: executing \"t\" at <.Capabilities.KubeVersion>: KubeVersion has arguments but cannot be invoked as function"
    );
}

#[test]
fn downcast_host_object() {
    let d = caps_data();
    let caps = d.as_map().unwrap().get("Capabilities").unwrap();
    assert_eq!(
        caps.downcast_object::<Capabilities>()
            .unwrap()
            .versions
            .len(),
        2
    );
}

// ---- functions ----------------------------------------------------------------------

fn upper() -> Func {
    Func::new(
        "upper",
        Signature::new(vec![GoType::String], GoType::String),
        |_, a| {
            Ok(Value::from(
                a[0].as_str().unwrap_or_default().to_uppercase(),
            ))
        },
    )
}

fn add() -> Func {
    Func::new(
        "add",
        Signature::variadic(vec![], GoType::Interface, GoType::Int(IntType::Int64)),
        |_, a| {
            let mut s = 0i64;
            for v in a {
                s += v
                    .as_i64()
                    .or_else(|| v.as_f64().map(|f| f as i64))
                    .unwrap_or(0);
            }
            Ok(Value::int64(s))
        },
    )
}

fn failing() -> Func {
    Func::new(
        "fail",
        Signature::new(vec![GoType::String], GoType::String),
        |_, a| Err(FuncError::new(a[0].as_str().unwrap_or_default())),
    )
}

fn funcs_set() -> Templates {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Zero);
    t.add_funcs([upper(), add(), failing()]);
    t
}

fn run_funcs(src: &str, d: &Value) -> Result<String, String> {
    let mut t = funcs_set();
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", d).map_err(|e| e.to_string())
}

#[test]
fn registered_functions_check_args_like_go() {
    let d = Value::map_from([("f", Value::float(1.5)), ("s", Value::from("x"))]);
    assert_eq!(
        run_funcs(r#"{{ upper "ab" }} {{ "cd" | upper }} {{ upper .s }}"#, &d).unwrap(),
        "AB CD X"
    );
    assert_eq!(
        run_funcs("{{ add 1 2 3 }} {{ printf \"%T\" (add) }}", &d).unwrap(),
        "6 int64"
    );
    assert_eq!(
        run_funcs("{{ upper }}", &d).unwrap_err(),
        "template: t:1:3: executing \"t\" at <upper>: wrong number of args for upper: want 1 got 0"
    );
    assert_eq!(
        run_funcs("{{ upper .f }}", &d).unwrap_err(),
        "template: t:1:9: executing \"t\" at <.f>: wrong type for value; expected string; got float64"
    );
    assert_eq!(
        run_funcs("{{ upper .missing }}", &d).unwrap_err(),
        "template: t:1:9: executing \"t\" at <.missing>: wrong type for value; expected string; got interface {}"
    );
    assert_eq!(
        run_funcs("{{ .missing | upper }}", &d).unwrap_err(),
        "template: t:1:14: executing \"t\" at <upper>: invalid value; expected string"
    );
    assert_eq!(
        run_funcs("{{ upper 1 }}", &d).unwrap_err(),
        "template: t:1:9: executing \"t\" at <1>: expected string; found 1"
    );
    assert_eq!(
        run_funcs(r#"{{ fail "bad" }}"#, &d).unwrap_err(),
        "template: t:1:3: executing \"t\" at <fail \"bad\">: error calling fail: bad"
    );
    assert_eq!(
        run_funcs("{{ nope }}", &d).unwrap_err(),
        "template: t:1: function \"nope\" not defined"
    );
}

#[test]
fn registered_function_shadows_builtin() {
    let mut t = Templates::new();
    t.add_func(Func::new(
        "len",
        Signature::new(vec![GoType::Interface], GoType::String),
        |_, _| Ok(Value::from("mine")),
    ));
    t.parse("t", "{{ len 3 }}").unwrap();
    assert_eq!(t.execute("t", &Value::Nil).unwrap(), "mine");
}

fn helm_like_set() -> Templates {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Zero);
    t.add_func(Func::new(
        "include",
        Signature::new(vec![GoType::String, GoType::Interface], GoType::String),
        |ctx, args| {
            if ctx.nesting() >= 50 {
                return Err(FuncError::new(
                    "rendering template has a nested reference name exceeded",
                ));
            }
            Ok(Value::from(
                ctx.execute(args[0].as_str().unwrap_or_default(), &args[1])?,
            ))
        },
    ));
    t.add_func(Func::new(
        "tpl",
        Signature::new(vec![GoType::String, GoType::Interface], GoType::String),
        |ctx, args| {
            let mut set = ctx.templates().clone();
            set.parse("tpl", args[0].as_str().unwrap_or_default())?;
            Ok(Value::from(ctx.execute_in(&set, "tpl", &args[1])?))
        },
    ));
    t
}

#[test]
fn include_and_tpl_call_back_into_the_set() {
    let mut t = helm_like_set();
    t.parse(
        "_helpers.tpl",
        r#"{{define "name"}}{{.Values.name | printf "%s-app"}}{{end}}"#,
    )
    .unwrap();
    t.parse(
        "main.yaml",
        r#"name: {{ include "name" . }} tpl: {{ tpl "{{ include \"name\" . }}/{{ .Values.name }}" . }}"#,
    )
    .unwrap();
    let d = Value::map_from([("Values", Value::map_from([("name", Value::from("web"))]))]);
    assert_eq!(
        t.execute("main.yaml", &d).unwrap(),
        "name: web-app tpl: web-app/web"
    );
    // tpl parsed into a clone: the original set is unchanged.
    assert!(!t.has("tpl"));
}

#[test]
fn include_errors_nest_go_messages() {
    let mut t = helm_like_set();
    t.parse("_h.tpl", r#"{{define "bad"}}{{ .x.y }}{{end}}"#)
        .unwrap();
    t.parse("m.yaml", r#"{{ include "bad" . }}"#).unwrap();
    assert_eq!(
        t.execute("m.yaml", &Value::map_from([("z", Value::int(1))]))
            .unwrap_err()
            .to_string(),
        "template: m.yaml:1:3: executing \"m.yaml\" at <include \"bad\" .>: error calling include: \
         template: _h.tpl:1:21: executing \"bad\" at <.x.y>: nil pointer evaluating interface {}.y"
    );
    t.parse("missing.yaml", r#"{{ include "nope" . }}"#)
        .unwrap();
    assert_eq!(
        t.execute("missing.yaml", &Value::Nil)
            .unwrap_err()
            .to_string(),
        "template: missing.yaml:1:3: executing \"missing.yaml\" at <include \"nope\" .>: error calling include: \
         template: no template \"nope\" associated with template \"gotpl\""
    );
}

#[test]
fn recursive_include_is_bounded_by_the_embedder() {
    let mut t = helm_like_set();
    t.parse(
        "r.yaml",
        r#"{{define "r"}}{{ include "r" . }}{{end}}{{ include "r" . }}"#,
    )
    .unwrap();
    let e = t.execute("r.yaml", &Value::Nil).unwrap_err().to_string();
    assert!(
        e.ends_with(
            "error calling include: rendering template has a nested reference name exceeded"
        ),
        "{e}"
    );
}

#[test]
fn call_builtin_calls_function_values() {
    let f = Func::new(
        "double",
        Signature::new(vec![GoType::Int(IntType::Int)], GoType::Int(IntType::Int)),
        |_, a| Ok(Value::int(a[0].as_i64().unwrap_or(0) * 2)),
    );
    let d = Value::map_from([("f", Value::Func(f))]);
    assert_eq!(run("{{ call .f 21 }}", &d).unwrap(), "42");
    assert!(
        run("{{ call .f }}", &d)
            .unwrap_err()
            .ends_with("error calling call: wrong number of args for .f: got 0 want 1")
    );
    assert!(
        run(r#"{{ call .f "x" }}"#, &d)
            .unwrap_err()
            .ends_with("error calling call: arg 0: value has type string; should be int")
    );
    assert!(
        run("{{ .f }}", &d)
            .unwrap_err()
            .contains("can't print {{.f}} of type func(int) int")
    );
}

// ---- sets ---------------------------------------------------------------------------

#[test]
fn later_files_override_defines_and_empty_defines_do_not() {
    let mut t = Templates::new();
    t.parse("a", r#"{{define "x"}}A{{end}}{{template "x"}}"#)
        .unwrap();
    t.parse("b", r#"{{define "x"}}B{{end}}"#).unwrap();
    assert_eq!(t.execute("a", &Value::Nil).unwrap(), "B");
    t.parse("c", "{{define \"x\"}}  {{/* empty */}} {{end}}")
        .unwrap();
    assert_eq!(t.execute("a", &Value::Nil).unwrap(), "B");
    assert_eq!(t.names(), vec!["a", "b", "c", "x"]);
}

#[test]
fn failed_parse_adds_nothing() {
    let mut t = Templates::new();
    assert!(t.parse("a", r#"{{define "x"}}A{{end}}{{ bad"#).is_err());
    assert!(!t.has("x") && !t.has("a"));
}

#[test]
fn clone_is_independent() {
    let mut t = Templates::new();
    t.parse("a", "A").unwrap();
    let mut c = t.clone();
    c.parse("a", "changed").unwrap();
    assert_eq!(t.execute("a", &Value::Nil).unwrap(), "A");
    assert_eq!(c.execute("a", &Value::Nil).unwrap(), "changed");
}

#[test]
fn no_such_template() {
    let t = Templates::named("gotpl");
    assert_eq!(
        t.execute("x", &Value::Nil).unwrap_err(),
        Error::NoTemplate {
            name: "x".into(),
            set: "gotpl".into()
        }
    );
}

// ---- limits and robustness --------------------------------------------------------

#[test]
fn template_recursion_limit_is_gos() {
    let mut t = Templates::new();
    t.parse(
        "t",
        r#"{{define "loop"}}{{template "loop" .}}{{end}}{{template "loop" 1}}"#,
    )
    .unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err().to_string();
    assert_eq!(
        e,
        "template: t:1:28: executing \"loop\" at <{{template \"loop\" .}}>: exceeded maximum template depth (100000)"
    );
}

#[test]
fn step_budget_stops_long_loops() {
    let mut t = Templates::new();
    t.set_max_steps(Some(1000));
    t.parse("t", "{{range 100000000}}{{end}}").unwrap();
    assert!(
        t.execute("t", &Value::Nil)
            .unwrap_err()
            .to_string()
            .ends_with("exceeded the execution budget of 1000 steps")
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let n = 5000;
    let src = format!("{}x{}", "{{if 1}}".repeat(n), "{{end}}".repeat(n));
    assert_eq!(run(&src, &Value::Nil).unwrap(), "x");
    let src = format!("{{{{{}1{}}}}}", "(".repeat(n), ")".repeat(n));
    assert_eq!(run(&src, &Value::Nil).unwrap(), "1");
    let src = format!("{{{{{}1{}}}}}", "(".repeat(10001), ")".repeat(10001));
    assert_eq!(
        run(&src, &Value::Nil).unwrap_err(),
        "template: t:1: max expression depth exceeded"
    );
}

#[test]
fn deep_data_prints() {
    let mut v = Value::int(1);
    for _ in 0..20000 {
        v = Value::list(vec![v]);
    }
    let s = gofmt::sprint(&[v]);
    assert!(s.starts_with("[[[[") && s.len() == 40001);
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "{{",
        "}}",
        "{{-",
        "{{- -}}",
        "{{/*",
        "{{/**/",
        "{{'",
        "{{'\\",
        "{{\"\\",
        "{{`",
        "{{0x",
        "{{1e",
        "{{.",
        "{{$",
        "{{(",
        "{{)",
        "{{|",
        "{{:=",
        "{{define",
        "{{define \"a\"}}",
        "{{range $a, $b, $c := .}}",
        "{{else}}",
        "{{end}}",
        "{{template \"\\xff\"}}",
        "{{printf \"%[99999999999]d\" 1}}",
        "{{printf \"%.99999999999f\" 1.0}}",
        "{{index \"é\" 1}}",
        "{{0x1p-99999}}",
        "{{1_}}",
        "{{'\\U00110000'}}",
        "{{\"\\ud800\"}}",
        "{{-}}",
        "{{ - }}",
        "{{break}}",
        "{{range .}}{{continue 1}}{{end}}",
        "{{with $x := 1}}{{else with $y := 2}}{{$x}}{{end}}",
    ];
    for i in inputs {
        let _ = run(i, &data());
        let _ = run_mode(i, &data(), MissingKey::Error);
    }
}

#[test]
fn printf_huge_widths_and_precisions_as_go() {
    // Go accepts widths and precisions up to 10^6 (found by the fuzzer: Rust's own
    // formatter stops at 65535).
    let s = gofmt::sprintf("%.1000000f", &[Value::float(1.5)]);
    assert_eq!(s.len(), 1_000_002);
    assert!(s.starts_with("1.5000") && s.ends_with("000"));
    let s = gofmt::sprintf("%.100000e", &[Value::float(2.5)]);
    assert!(s.starts_with("2.5000") && s.ends_with("0e+00") && s.len() == 100_006);
    assert_eq!(
        gofmt::sprintf("%.100000g", &[Value::float(0.1)]),
        "0.1000000000000000055511151231257827021181583404541015625"
    );
    assert_eq!(
        gofmt::sprintf("%.1000000U", &[Value::int(65)]).len(),
        1_000_002
    );
    assert_eq!(
        gofmt::sprintf("%1000000d", &[Value::int(7)]).len(),
        1_000_000
    );
    assert_eq!(
        gofmt::sprintf("%100000001d", &[Value::int(7)]),
        "%!(NOVERB)%!(EXTRA int=7)"
    );
}

#[test]
fn printf_huge_precision_is_exact() {
    assert_eq!(
        gofmt::sprintf("%.30f", &[Value::float(0.1)]),
        "0.100000000000000005551115123126"
    );
    assert_eq!(
        gofmt::sprintf("%.20e", &[Value::float(1.0 / 3.0)]),
        "3.33333333333333314830e-01"
    );
}

#[test]
fn execute_to_keeps_partial_output() {
    let mut t = Templates::new();
    t.parse("t", "before {{ len 3 }} after").unwrap();
    let mut out = String::new();
    assert!(t.execute_to("t", &Value::Nil, &mut out).is_err());
    assert_eq!(out, "before ");
}

#[test]
fn context_reports_template_name_and_options() {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Error);
    t.add_func(Func::new(
        "who",
        Signature::new(vec![], GoType::String),
        |ctx, _| {
            Ok(Value::from(format!(
                "{}:{:?}",
                ctx.template_name(),
                ctx.options().missing_key
            )))
        },
    ));
    t.parse(
        "f.yaml",
        r#"{{define "d"}}{{who}}{{end}}{{who}} {{template "d"}}"#,
    )
    .unwrap();
    assert_eq!(
        t.execute("f.yaml", &Value::Nil).unwrap(),
        "f.yaml:Error d:Error"
    );
}

#[derive(Debug)]
struct NamedValues(Value);

impl Object for NamedValues {
    fn type_name(&self) -> &str {
        "common.Values"
    }
    fn kind(&self) -> &str {
        "map"
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "AsMap").then(|| Signature::new(vec![], GoType::map()))
    }
    fn call_method(&self, _: &str, _: &Context<'_>, _: &[Value]) -> Result<Value, FuncError> {
        Ok(self.0.clone())
    }
    fn as_data(&self) -> Option<Value> {
        Some(self.0.clone())
    }
}

#[test]
fn map_typed_object_behaves_as_its_data() {
    let vals = Value::Object(Arc::new(NamedValues(Value::map_from([
        ("a", Value::from("x")),
        ("b", Value::int(2)),
    ]))));
    let d = Value::map_from([("Values", vals)]);
    let keys = Func::new(
        "keys",
        Signature::new(vec![GoType::map()], GoType::Interface),
        |_, a| Ok(Value::int(a[0].as_map().map_or(0, |m| m.len() as i64))),
    );
    let mut t = Templates::new();
    t.set_missing_key(MissingKey::Zero);
    t.add_func(keys);
    t.parse(
        "t",
        r#"{{ .Values.a }} [{{ .Values.zz }}] {{ len .Values }} {{ index .Values "b" }} {{ range $k, $v := .Values }}{{ $k }}{{ end }} {{ keys .Values }} {{ len .Values.AsMap }}"#,
    )
    .unwrap();
    assert_eq!(t.execute("t", &d).unwrap(), "x [<no value>] 2 2 ab 2 2");
    t.parse("p", r#"{{ .Values }} {{ printf "%T %d" .Values .Values }}"#)
        .unwrap();
    assert_eq!(
        t.execute("p", &d).unwrap(),
        "map[a:x b:2] common.Values map[%!d(string=a):%!d(string=x) %!d(string=b):2]"
    );
}

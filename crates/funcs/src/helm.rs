//! helm's own template functions (helm v4 `pkg/engine/funcs.go` and `engine.go`):
//! the YAML/JSON/TOML converters, `include`, `tpl`, `required`, `lookup` and helm's
//! override of `getHostByName`.
//!
//! The converters call the `goyaml` crate through [`convert`]; nothing here reads or
//! writes YAML or JSON itself. TOML goes through [`toml`], which mirrors
//! github.com/BurntSushi/toml's encoder.

mod convert;
mod pretty;
mod toml;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use charthouse_gotmpl::{BodyKind, Context, Func, FuncError, GoType, Signature, Value, gofmt};
use charthouse_goyaml::helm as gy;

use crate::Options;

pub(crate) use convert::{from_goyaml, from_goyaml_map, to_goyaml};

/// helm's `recursionMaxNums`: how deeply one template name may be `include`d within
/// itself before helm gives up.
const RECURSION_MAX: usize = 1000;

/// The marker helm wraps `required` and `fail` messages in; its error rewrite prints
/// only the text between the markers.
const WARN_START: &str = "HELM_ERR_START";
/// See [`WARN_START`].
const WARN_END: &str = "HELM_ERR_END";

/// An error from a [`Lookup`], printed by the template engine as
/// `error calling lookup: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupError(pub String);

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LookupError {}

/// The cluster behind helm's `lookup` function (helm's `ClientProvider` plus the
/// dynamic client calls of `pkg/engine/lookup_func.go`).
///
/// # Contract
///
/// With a `name`, return the object's content; without one, the list
/// (`{"apiVersion": ..., "items": [...], ...}`). Return `Ok(None)` when the API server
/// answers "not found": the template then sees an empty map, as with helm. Any other
/// failure is an error that stops rendering.
pub trait Lookup: fmt::Debug + Send + Sync {
    /// Looks up `kind` objects of `api_version` in `namespace` (empty: all namespaces or
    /// a cluster-scoped kind), by `name` (empty: list them).
    ///
    /// # Errors
    ///
    /// Discovery or API failures other than "not found", with the text helm prints.
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<charthouse_goyaml::Map>, LookupError>;
}

impl Options {
    /// Options for `helm template`: no cluster, no DNS, not linting.
    pub fn new() -> Options {
        Options::default()
    }

    /// Sets helm's lint mode (`required` warns instead of failing).
    pub fn with_lint_mode(mut self, lint: bool) -> Options {
        self.lint_mode = lint;
        self
    }

    /// Sets helm's `--enable-dns`.
    pub fn with_enable_dns(mut self, enable: bool) -> Options {
        self.enable_dns = enable;
        self
    }

    /// Connects `lookup` to a cluster.
    pub fn with_lookup(mut self, lookup: Arc<dyn Lookup>) -> Options {
        self.lookup = Some(lookup);
        self
    }
}

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

fn any_arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

fn sig(params: Vec<GoType>, result: GoType) -> Signature {
    Signature::new(params, result)
}

pub(crate) fn register(out: &mut Vec<Func>, options: &Options) {
    register_converters(out);
    register_templates(out);
    register_required(out, options.lint_mode);
    // helm never asks the cluster while linting.
    register_lookup(
        out,
        if options.lint_mode {
            None
        } else {
            options.lookup.clone()
        },
    );
    register_dns(out, options.enable_dns);
}

/// `toYaml` and friends: helm's functions over sigs.k8s.io/yaml, encoding/json and
/// BurntSushi/toml, with helm's error conventions (swallow, `Error` key, or fail).
fn register_converters(out: &mut Vec<Func>) {
    let any_to_str = || sig(vec![GoType::Interface], GoType::String);
    out.push(Func::new("toYaml", any_to_str(), |_, a| {
        Ok(Value::from(
            to_goyaml(&any_arg(a, 0))
                .map(|v| gy::to_yaml(&v))
                .unwrap_or_default(),
        ))
    }));
    out.push(Func::new("mustToYaml", any_to_str(), |_, a| {
        // sigs.k8s.io/yaml wraps encoding/json's error; helm panics with it.
        let v = to_goyaml(&any_arg(a, 0))
            .map_err(|e| FuncError::new(format!("error marshaling into JSON: {e}")))?;
        gy::must_to_yaml(&v)
            .map(Value::from)
            .map_err(|e| FuncError::new(e.to_string()))
    }));
    out.push(Func::new("toYamlPretty", any_to_str(), |_, a| {
        Ok(Value::from(
            to_goyaml(&any_arg(a, 0))
                .map(|v| pretty::to_yaml_pretty(&v))
                .unwrap_or_default(),
        ))
    }));
    out.push(Func::new(
        "fromYaml",
        sig(vec![GoType::String], GoType::map()),
        |_, a| Ok(from_goyaml_map(gy::from_yaml(str_arg(a, 0)))),
    ));
    out.push(Func::new(
        "fromYamlArray",
        sig(vec![GoType::String], GoType::list()),
        |_, a| {
            Ok(Value::list(
                gy::from_yaml_array(str_arg(a, 0))
                    .into_iter()
                    .map(from_goyaml)
                    .collect(),
            ))
        },
    ));
    out.push(Func::new("toJson", any_to_str(), |_, a| {
        Ok(Value::from(
            to_goyaml(&any_arg(a, 0))
                .map(|v| gy::to_json(&v))
                .unwrap_or_default(),
        ))
    }));
    out.push(Func::new("mustToJson", any_to_str(), |_, a| {
        let v = to_goyaml(&any_arg(a, 0)).map_err(FuncError::new)?;
        gy::must_to_json(&v)
            .map(Value::from)
            .map_err(|e| FuncError::new(e.to_string()))
    }));
    out.push(Func::new(
        "fromJson",
        sig(vec![GoType::String], GoType::map()),
        |_, a| {
            // A JSON `null` leaves Go's map nil: it prints and ranges as an empty map,
            // and `toJson` writes it as `null`.
            Ok(match gy::from_json(str_arg(a, 0)) {
                charthouse_goyaml::Value::Map(m) => from_goyaml_map(m),
                _ => Value::Map(std::sync::Arc::new(charthouse_gotmpl::Map::nil(
                    GoType::Interface,
                ))),
            })
        },
    ));
    out.push(Func::new(
        "fromJsonArray",
        sig(vec![GoType::String], GoType::list()),
        |_, a| {
            Ok(match gy::from_json_array(str_arg(a, 0)) {
                charthouse_goyaml::Value::Seq(items) => {
                    Value::list(items.into_iter().map(from_goyaml).collect())
                }
                _ => Value::list(Vec::new()),
            })
        },
    ));
    // Sprig's JSON variants (defaults.go): toPrettyJson ignores errors, toRawJson panics
    // with them (text/template turns the panic into the call's error), mustFromJson
    // decodes any JSON value.
    out.push(Func::new("toPrettyJson", any_to_str(), |_, a| {
        Ok(Value::from(
            to_goyaml(&any_arg(a, 0))
                .map(|v| gy::to_pretty_json(&v))
                .unwrap_or_default(),
        ))
    }));
    out.push(Func::new("mustToPrettyJson", any_to_str(), |_, a| {
        let v = to_goyaml(&any_arg(a, 0)).map_err(FuncError::new)?;
        gy::must_to_pretty_json(&v)
            .map(Value::from)
            .map_err(|e| FuncError::new(e.to_string()))
    }));
    for name in ["toRawJson", "mustToRawJson"] {
        out.push(Func::new(name, any_to_str(), |_, a| {
            let v = to_goyaml(&any_arg(a, 0)).map_err(FuncError::new)?;
            gy::to_raw_json(&v)
                .map(Value::from)
                .map_err(|e| FuncError::new(e.to_string()))
        }));
    }
    out.push(Func::new(
        "mustFromJson",
        sig(vec![GoType::String], GoType::Interface),
        |_, a| {
            charthouse_goyaml::json_unmarshal(str_arg(a, 0).as_bytes())
                .map(from_goyaml)
                .map_err(|e| FuncError::new(e.to_string()))
        },
    ));
    // helm's toToml returns the encoder's error text as the result.
    out.push(Func::new("toToml", any_to_str(), |_, a| {
        Ok(Value::from(
            toml::encode(&any_arg(a, 0)).unwrap_or_else(|e| e),
        ))
    }));
    out.push(Func::new("mustToToml", any_to_str(), |_, a| {
        toml::encode(&any_arg(a, 0))
            .map(Value::from)
            .map_err(FuncError::new)
    }));
    out.push(Func::new(
        "fromToml",
        sig(vec![GoType::String], GoType::map()),
        |_, a| Ok(toml::decode_map(str_arg(a, 0))),
    ));
}

/// How deeply each template name is being `include`d right now (helm's
/// `includedNames`). One function list serves one render at a time, as in helm, where
/// the map lives in the engine's per-render function map.
#[derive(Debug, Default)]
struct IncludeDepth(Mutex<HashMap<String, usize>>);

impl IncludeDepth {
    /// Counts one more level of `name`, or refuses past helm's limit.
    fn enter(&self, name: &str) -> Result<(), FuncError> {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Look up before inserting: `entry` would allocate the name on every call, and
        // bitnami charts include thousands of times per render.
        match map.get_mut(name) {
            Some(n) if *n > RECURSION_MAX => Err(FuncError::new(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            ))),
            Some(n) => {
                *n += 1;
                Ok(())
            }
            None => {
                map.insert(name.to_owned(), 1);
                Ok(())
            }
        }
    }

    fn leave(&self, name: &str) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(name) {
            *n = n.saturating_sub(1);
        }
    }
}

/// `include` and `tpl` (helm's `includeFun` and `tplFun`).
fn register_templates(out: &mut Vec<Func>) {
    let depth = Arc::new(IncludeDepth::default());
    let d = depth.clone();
    out.push(Func::new(
        "include",
        sig(vec![GoType::String, GoType::Interface], GoType::String),
        move |ctx, a| include(&d, ctx, str_arg(a, 0), &any_arg(a, 1)),
    ));
    out.push(Func::new(
        "tpl",
        sig(vec![GoType::String, GoType::Interface], GoType::String),
        move |ctx, a| tpl(ctx, str_arg(a, 0), &any_arg(a, 1)),
    ));
}

/// Executes template `name` of the set that is running (which, inside `tpl`, is the
/// clone holding the `tpl` text's own `define`s).
fn include(
    depth: &IncludeDepth,
    ctx: &Context<'_>,
    name: &str,
    data: &Value,
) -> Result<Value, FuncError> {
    depth.enter(name)?;
    let result = ctx.execute(name, data);
    depth.leave(name);
    Ok(Value::from(result?))
}

/// helm's `tpl`: parse `text` into a clone of the running set under the set's own name
/// (helm uses the parent template's name, `gotpl`, for every `tpl` string), execute it,
/// and blank `<no value>` as helm's render does.
fn tpl(ctx: &Context<'_>, text: &str, data: &Value) -> Result<Value, FuncError> {
    // helm has no limit here: a tpl string that tpl's itself overflows Go's stack and
    // kills the process. We stop with an error instead, at helm's include limit.
    if ctx.nesting() > RECURSION_MAX {
        return Err(FuncError::new(format!(
            "rendering template has a nested reference name: {}: unable to execute template",
            ctx.templates().name()
        )));
    }
    let mut set = ctx.templates().clone();
    let name = set.name().to_string();
    let body = match set.parse_body(&name, text) {
        Ok(body) => body,
        Err(e) => {
            return Err(FuncError::new(format!(
                "cannot parse template {}: {e}",
                gofmt::quote(text)
            )));
        }
    };
    // helm executes the template object `Parse` returned, which holds this text's body
    // even when the set kept an earlier non-empty `gotpl`: an empty body prints nothing.
    if body == BodyKind::Empty {
        return Ok(Value::from(""));
    }
    match ctx.execute_in(&set, &name, data) {
        Ok(s) => Ok(Value::from(s.replace("<no value>", ""))),
        Err(e) => Err(FuncError::new(format!(
            "error during tpl function execution for {}: {e}",
            gofmt::quote(text)
        ))),
    }
}

/// helm's `required`: fails (with the message wrapped for helm's error rewrite) on nil
/// and on the empty string; in lint mode returns `""` instead.
fn register_required(out: &mut Vec<Func>, lint_mode: bool) {
    out.push(Func::new(
        "required",
        sig(vec![GoType::String, GoType::Interface], GoType::Interface),
        move |_, a| {
            let val = any_arg(a, 1);
            let missing = match &val {
                Value::Missing | Value::Nil => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if !missing {
                return Ok(val);
            }
            if lint_mode {
                return Ok(Value::from(""));
            }
            Err(FuncError::new(format!(
                "{WARN_START}{}{WARN_END}",
                str_arg(a, 0)
            )))
        },
    ));
}

/// helm's `lookup`: an empty map without a cluster (`helm template`), else the
/// embedder's [`Lookup`].
fn register_lookup(out: &mut Vec<Func>, lookup: Option<Arc<dyn Lookup>>) {
    out.push(Func::new(
        "lookup",
        sig(vec![GoType::String; 4], GoType::map()),
        move |_, a| {
            let Some(l) = &lookup else {
                return Ok(Value::map(Default::default()));
            };
            match l.lookup(str_arg(a, 0), str_arg(a, 1), str_arg(a, 2), str_arg(a, 3)) {
                Ok(Some(m)) => Ok(from_goyaml_map(m)),
                Ok(None) => Ok(Value::map(Default::default())),
                Err(e) => Err(FuncError::new(e.0)),
            }
        },
    ));
}

/// `getHostByName`: helm replaces Sprig's resolver with `""` unless DNS is enabled;
/// Sprig's picks one of the addresses at random and, like Go's `rand.Intn(0)`, fails when
/// there is none.
fn register_dns(out: &mut Vec<Func>, enable_dns: bool) {
    out.push(Func::new(
        "getHostByName",
        sig(vec![GoType::String], GoType::String),
        move |_, a| {
            if !enable_dns {
                return Ok(Value::from(""));
            }
            let addrs = resolve(str_arg(a, 0));
            if addrs.is_empty() {
                return Err(FuncError::new("invalid argument to Intn"));
            }
            let i = crate::random::below(addrs.len() as u64) as usize;
            Ok(Value::from(addrs.get(i).cloned().unwrap_or_default()))
        },
    ));
}

/// The addresses the system resolver gives for `host` (Go's `net.LookupHost`), without
/// duplicates, in resolver order.
fn resolve(host: &str) -> Vec<String> {
    use std::net::ToSocketAddrs;
    let mut out: Vec<String> = Vec::new();
    if let Ok(addrs) = (host, 0u16).to_socket_addrs() {
        for a in addrs {
            let ip = a.ip().to_string();
            if !out.contains(&ip) {
                out.push(ip);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use charthouse_gotmpl::{MissingKey, Templates};

    fn set(options: &Options) -> Templates {
        let mut t = Templates::named("gotpl");
        t.set_missing_key(MissingKey::Zero);
        t.add_funcs(crate::functions(options));
        t
    }

    fn run(src: &str, data: &Value) -> Result<String, String> {
        let mut t = set(&Options::default());
        t.parse("c/templates/x.yaml", src)
            .map_err(|e| e.to_string())?;
        t.execute("c/templates/x.yaml", data)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn include_sees_defines_and_counts_depth() {
        let r = run(
            r#"{{define "a"}}<{{.}}>{{end}}{{include "a" 1}}{{include "a" "x"}}"#,
            &Value::Nil,
        );
        assert_eq!(r.as_deref(), Ok("<1><x>"));
        let r = run(
            r#"{{define "loop"}}{{include "loop" .}}{{end}}{{include "loop" 1}}"#,
            &Value::Nil,
        );
        let e = r.err().unwrap_or_default();
        assert!(
            e.contains(
                "rendering template has a nested reference name: loop: unable to execute template"
            ),
            "{e}"
        );
    }

    #[test]
    fn tpl_uses_the_set_name_and_helm_errors() {
        let data = Value::map_from([("v", Value::from("{{ .x }}")), ("x", Value::int(3))]);
        assert_eq!(run(r#"{{ tpl .v . }}"#, &data).as_deref(), Ok("3"));
        let r = run(r#"{{ tpl "{{ nope }}" . }}"#, &data);
        assert_eq!(
            r.err().as_deref(),
            Some(
                "template: c/templates/x.yaml:1:3: executing \"c/templates/x.yaml\" at <tpl \"{{ nope }}\" .>: \
                 error calling tpl: cannot parse template \"{{ nope }}\": template: gotpl:1: function \"nope\" not defined"
            )
        );
        let r = run(
            r#"{{define "d"}}D{{end}}{{ tpl "{{define \"e\"}}E{{end}}{{include \"d\" .}}{{include \"e\" .}}" . }}"#,
            &data,
        );
        assert_eq!(r.as_deref(), Ok("DE"));
    }

    #[test]
    fn self_referencing_tpl_stops_instead_of_overflowing() {
        let data = Value::map_from([("x", Value::from("{{ tpl .x . }}"))]);
        let e = run("{{ tpl .x . }}", &data).err().unwrap_or_default();
        assert!(
            e.contains("nested reference name: gotpl: unable to execute template"),
            "{}",
            &e[..e.len().min(300)]
        );
    }

    #[test]
    fn required_wraps_for_helms_rewrite() {
        let r = run(
            r#"{{ required "need x" .x }}"#,
            &Value::map_from([("y", Value::int(1))]),
        );
        let e = r.err().unwrap_or_default();
        assert!(
            e.ends_with("error calling required: HELM_ERR_STARTneed xHELM_ERR_END"),
            "{e}"
        );
        assert_eq!(
            run(
                r#"{{ required "m" .x }}"#,
                &Value::map_from([("x", Value::int(0))])
            )
            .as_deref(),
            Ok("0")
        );
        let mut t = set(&Options::new().with_lint_mode(true));
        assert!(t.parse("t", r#"[{{ required "m" "" }}]"#).is_ok());
        assert_eq!(t.execute("t", &Value::Nil).ok().as_deref(), Some("[]"));
    }

    #[derive(Debug)]
    struct FakeCluster;

    impl Lookup for FakeCluster {
        fn lookup(
            &self,
            api_version: &str,
            kind: &str,
            namespace: &str,
            name: &str,
        ) -> Result<Option<charthouse_goyaml::Map>, LookupError> {
            match (api_version, kind, namespace, name) {
                ("v1", "Secret", "ns", "s") => {
                    let mut m = charthouse_goyaml::Map::new();
                    m.insert("kind".into(), "Secret".into());
                    m.insert("replicas".into(), charthouse_goyaml::Value::Int(2));
                    Ok(Some(m))
                }
                ("v1", "Secret", _, _) => Ok(None),
                _ => Err(LookupError(format!(
                    "unable to get apiresource from unstructured: {kind}"
                ))),
            }
        }
    }

    #[test]
    fn lookup_without_and_with_a_cluster() {
        assert_eq!(
            run(r#"{{ lookup "v1" "Secret" "ns" "s" }}"#, &Value::Nil).as_deref(),
            Ok("map[]")
        );
        let mut t = set(&Options::new().with_lookup(Arc::new(FakeCluster)));
        let src = r#"{{ (lookup "v1" "Secret" "ns" "s").kind }} {{ printf "%T" (lookup "v1" "Secret" "ns" "s").replicas }} {{ lookup "v1" "Secret" "ns" "t" }}"#;
        assert!(t.parse("t", src).is_ok());
        assert_eq!(
            t.execute("t", &Value::Nil).ok().as_deref(),
            Some("Secret int64 map[]")
        );
        assert!(t.parse("u", r#"{{ lookup "x" "Y" "" "" }}"#).is_ok());
        let e = t
            .execute("u", &Value::Nil)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.ends_with("error calling lookup: unable to get apiresource from unstructured: Y"),
            "{e}"
        );
        // Lint mode never reaches the cluster.
        let mut t = set(&Options::new()
            .with_lookup(Arc::new(FakeCluster))
            .with_lint_mode(true));
        assert!(
            t.parse("l", r#"{{ lookup "v1" "Secret" "ns" "s" }}"#)
                .is_ok()
        );
        assert_eq!(t.execute("l", &Value::Nil).ok().as_deref(), Some("map[]"));
    }

    #[test]
    fn get_host_by_name_is_empty_without_dns() {
        assert_eq!(
            run(r#"[{{ getHostByName "localhost" }}]"#, &Value::Nil).as_deref(),
            Ok("[]")
        );
        let mut t = set(&Options::new().with_enable_dns(true));
        assert!(t.parse("t", r#"{{ getHostByName "localhost" }}"#).is_ok());
        let got = t.execute("t", &Value::Nil).unwrap_or_default();
        assert!(got == "127.0.0.1" || got == "::1", "{got}");
    }

    #[test]
    fn yaml_and_json_functions_use_goyaml() {
        let data =
            Value::map_from([("a", Value::list(vec![Value::float(1.0), Value::from("on")]))]);
        assert_eq!(
            run("{{ toYaml . }}", &data).as_deref(),
            Ok("a:\n- 1\n- \"on\"")
        );
        assert_eq!(
            run("{{ toJson . }}", &data).as_deref(),
            Ok(r#"{"a":[1,"on"]}"#)
        );
        assert_eq!(
            run(r#"{{ (fromYaml "a: [1, b]").a }}"#, &Value::Nil).as_deref(),
            Ok("[1 b]")
        );
        assert_eq!(
            run(r#"{{ printf "%T" (fromJsonArray "[1]") }}"#, &Value::Nil).as_deref(),
            Ok("[]interface {}")
        );
    }
}

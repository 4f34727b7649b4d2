//! A release's user values: its `values` entries in order (files read as helm reads `-f`
//! files, `*.gotmpl` files rendered first), then its `set` map, merged as helm merges
//! `-f` and `--set` (later wins, maps merge deeply).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use charthouse_gotmpl::{FuncError, GoType, MissingKey, Signature, Templates, Value as Tmpl};
use charthouse_goyaml::{Map, Value};

use crate::error::{Error, Result};
use crate::interp::Vars;
use crate::spec::{Located, ValuesEntry};

/// What a `.gotmpl` values file sees besides `env` and `requiredEnv`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TemplateData {
    /// `.Environment.Name`.
    pub(crate) environment: String,
    /// `.Environment.KubeContext`.
    pub(crate) kube_context: String,
    /// `.Release.Name`, `.Namespace`, `.Chart`, `.Version`.
    pub(crate) release: [String; 4],
    /// `.Release.Labels`.
    pub(crate) labels: BTreeMap<String, String>,
    /// `.Values`: the stack's variables.
    pub(crate) values: Map,
}

/// A decoded YAML value as a template value.
fn to_tmpl(v: &Value) -> Tmpl {
    match v {
        Value::Null => Tmpl::Nil,
        Value::Bool(b) => Tmpl::Bool(*b),
        Value::Int(i) => Tmpl::int64(*i),
        Value::Uint(u) => Tmpl::uint64(*u),
        Value::Float(f) => Tmpl::float(*f),
        Value::String(s) => Tmpl::string(s.as_str()),
        Value::Seq(items) => Tmpl::list(items.iter().map(to_tmpl).collect()),
        Value::Map(m) => Tmpl::map(m.iter().map(|(k, v)| (k.clone(), to_tmpl(v))).collect()),
    }
}

impl TemplateData {
    fn to_value(&self) -> Tmpl {
        let s = |x: &str| Tmpl::string(x);
        let labels = Tmpl::map(self.labels.iter().map(|(k, v)| (k.clone(), s(v))).collect());
        Tmpl::map_from([
            (
                "Environment",
                Tmpl::map_from([
                    ("Name", s(&self.environment)),
                    ("KubeContext", s(&self.kube_context)),
                ]),
            ),
            (
                "Release",
                Tmpl::map_from([
                    ("Name", s(&self.release[0])),
                    ("Namespace", s(&self.release[1])),
                    ("Chart", s(&self.release[2])),
                    ("Version", s(&self.release[3])),
                    ("Labels", labels),
                ]),
            ),
            ("Values", to_tmpl(&Value::Map(self.values.clone()))),
        ])
    }
}

/// Renders a `.gotmpl` values file: Sprig and helm's functions, plus `env NAME` (empty
/// when unset) and `requiredEnv NAME` (an error when unset or empty), as helmfile offers.
/// Missing map keys are errors (`missingkey=error`), so a typo does not render as empty.
pub(crate) fn render_template(
    name: &str,
    text: &str,
    data: &TemplateData,
    vars: &Vars,
) -> Result<String, String> {
    let mut t = Templates::named(name);
    t.set_missing_key(MissingKey::Error);
    t.add_funcs(charthouse_funcs::functions(
        &charthouse_funcs::Options::new(),
    ));
    let env = Arc::new(vars.clone());
    let e1 = Arc::clone(&env);
    t.add_func(charthouse_gotmpl::Func::new(
        "env",
        Signature::new(vec![GoType::String], GoType::String),
        move |_, args| {
            let key = args.first().and_then(Tmpl::as_str).unwrap_or_default();
            Ok(Tmpl::string(e1.env_var(key).unwrap_or_default()))
        },
    ));
    let e2 = Arc::clone(&env);
    t.add_func(charthouse_gotmpl::Func::new(
        "requiredEnv",
        Signature::new(vec![GoType::String], GoType::String),
        move |_, args| {
            let key = args.first().and_then(Tmpl::as_str).unwrap_or_default();
            match e2.env_var(key) {
                Some(v) if !v.is_empty() => Ok(Tmpl::string(v)),
                _ => Err(FuncError::new(format!(
                    "required env var `{key}` is not set"
                ))),
            }
        },
    ));
    t.parse(name, text).map_err(|e| e.to_string())?;
    t.execute(name, &data.to_value()).map_err(|e| e.to_string())
}

/// Reads one values file (rendering it first when its name ends in `.gotmpl`).
fn read_values_file(file: &Located, data: &TemplateData, vars: &Vars) -> Result<(PathBuf, Map)> {
    let path = crate::join_clean(&file.dir, &file.value);
    let shown = path.display().to_string();
    let raw = std::fs::read(&path).map_err(|e| Error::MissingFile {
        loc: file.loc.clone(),
        key: file.key.clone(),
        path: shown.clone(),
        message: crate::io_reason(&e),
    })?;
    let text = if file.value.ends_with(".gotmpl") {
        let src = String::from_utf8_lossy(&raw);
        render_template(&shown, &src, data, vars)
            .map_err(|message| Error::ValuesTemplate {
                loc: file.loc.clone(),
                key: file.key.clone(),
                path: shown.clone(),
                message,
            })?
            .into_bytes()
    } else {
        raw
    };
    let map = charthouse_goyaml::load_values(&text).map_err(|e| Error::ValuesFile {
        loc: file.loc.clone(),
        key: file.key.clone(),
        path: shown,
        message: e.to_string(),
    })?;
    Ok((path, map))
}

/// Merges a release's values entries and `set` map.
pub(crate) fn merge(
    entries: &[ValuesEntry],
    set: &Map,
    data: &TemplateData,
    vars: &Vars,
) -> Result<(Vec<PathBuf>, Map)> {
    let mut files = Vec::new();
    let mut values = Map::new();
    for e in entries {
        let m = match e {
            ValuesEntry::File(f) => {
                let (path, m) = read_values_file(f, data, vars)?;
                files.push(path);
                m
            }
            ValuesEntry::Inline(m) => m.clone(),
        };
        values = charthouse_goyaml::merge_maps(values, m);
    }
    Ok((files, charthouse_goyaml::merge_maps(values, set.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_sees_environment_release_values_and_env() {
        let mut vars = Vars::default();
        vars.env.insert("TOKEN".into(), "s3cret".into());
        let mut values = Map::new();
        values.insert("domain".into(), Value::String("example.org".into()));
        let data = TemplateData {
            environment: "prod".into(),
            kube_context: "prod-ctx".into(),
            release: ["web".into(), "apps".into(), "c".into(), "1.0".into()],
            labels: BTreeMap::new(),
            values,
        };
        let out = render_template(
            "v.yaml.gotmpl",
            "env: {{ .Environment.Name }}\nhost: {{ .Release.Name }}.{{ .Values.domain }}\ntoken: {{ requiredEnv \"TOKEN\" | quote }}\nmissing: {{ env \"NOPE\" | quote }}\nupper: {{ .Environment.KubeContext | upper }}\n",
            &data,
            &vars,
        )
        .unwrap();
        assert_eq!(
            out,
            "env: prod\nhost: web.example.org\ntoken: \"s3cret\"\nmissing: \"\"\nupper: PROD-CTX\n"
        );
        let err = render_template("v.yaml.gotmpl", "{{ requiredEnv \"NOPE\" }}", &data, &vars)
            .unwrap_err();
        assert!(err.contains("required env var `NOPE` is not set"), "{err}");
        let err = render_template("v.yaml.gotmpl", "{{ .Values.nope }}", &data, &vars).unwrap_err();
        assert!(err.contains("nope"), "{err}");
    }
}

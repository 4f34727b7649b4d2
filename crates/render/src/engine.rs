//! The template engine: helm's pkg/engine/engine.go.
//!
//! All templates of a chart and its subcharts go into one set named `gotpl`, parsed in
//! helm's order (deepest paths first, then reverse name order), so that a `define` in a
//! parent chart overrides one of the same name in a subchart. Each non-partial template
//! is then executed with its chart's top-level object (`.Values` scoped to the chart,
//! `.Chart`, `.Files`, `.Release`, `.Capabilities`, `.Subcharts`, `.Template`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use charthouse_chart::Chart;
use charthouse_gotmpl::{Map, MissingKey, Templates, Value};

use crate::capabilities::Capabilities;
use crate::convert::{VALUES_TYPE, as_values, to_value, to_values};
use crate::error::Error;
use crate::files::Files;
use crate::manifest::base_name;
use crate::rewrite::{cleanup_parse_error, reformat_exec_error};

/// `.Release`: helm's `ReleaseOptions` plus `Service: Helm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseInfo {
    /// The release name.
    pub name: String,
    /// The namespace.
    pub namespace: String,
    /// The revision (1 for `helm template` and installs).
    pub revision: i64,
    /// Whether this is an install.
    pub is_install: bool,
    /// Whether this is an upgrade.
    pub is_upgrade: bool,
}

impl ReleaseInfo {
    /// The template value: a `map[string]interface {}`.
    pub fn to_value(&self) -> Value {
        Value::map_from([
            ("Name", Value::string(self.name.as_str())),
            ("Namespace", Value::string(self.namespace.as_str())),
            ("IsUpgrade", Value::Bool(self.is_upgrade)),
            ("IsInstall", Value::Bool(self.is_install)),
            ("Revision", Value::int(self.revision)),
            ("Service", Value::string("Helm")),
        ])
    }
}

/// How the engine runs.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// `missingkey=error` instead of `zero` (helm's `Strict`, used by `lint --strict`).
    pub strict: bool,
    /// helm's `LintMode`: `required` and `fail` do not stop rendering.
    pub lint_mode: bool,
    /// helm's `--enable-dns`.
    pub enable_dns: bool,
    /// The cluster behind `lookup` (install/upgrade); `None` renders as `helm template`
    /// does, with `lookup` returning empty maps.
    pub lookup: Option<std::sync::Arc<dyn charthouse_funcs::Lookup>>,
    /// Leave the parsed template set and the per-chart data allocated when rendering
    /// ends, for a process that exits right after (`charthouse template`). Freeing
    /// thousands of small nodes one by one is about 5% of a small chart's render, and the
    /// operating system takes the memory back at exit in one step. Off by default: a
    /// process that renders many times (server, operator, the corpus runner) must free.
    pub skip_teardown: bool,
}

/// One template to render: its text and the top-level object of its chart.
struct Renderable<'c> {
    text: Cow<'c, str>,
    /// The chart's top-level object, one `common.Values` map shared by all templates of
    /// the chart as helm's `next` map is: a `set` on `.Values` (or on `$`) in one
    /// template is seen by the templates executed after it.
    top: Value,
    base_path: String,
}

/// Renders every template of `chart` (and its subcharts) with the coalesced `values`.
/// Returns rendered text by template path (`chart/charts/sub/templates/x.yaml`),
/// partials excluded, `<no value>` removed. NOTES.txt files are included.
///
/// # Errors
///
/// [`Error::ParseTemplate`] or [`Error::ExecuteTemplate`] with helm's rewritten text,
/// for the first failing template in helm's order.
pub fn render(
    chart: &Chart,
    values: &charthouse_goyaml::Map,
    release: &ReleaseInfo,
    caps: &Capabilities,
    options: &EngineOptions,
) -> Result<BTreeMap<String, String>, Error> {
    let globals = Globals {
        release: release.to_value(),
        caps: caps.to_value(),
    };
    let mut tpls: BTreeMap<String, Renderable<'_>> = BTreeMap::new();
    let root_values = to_values(values);
    collect(chart, &root_values, &globals, &mut tpls);

    let mut set = Templates::named("gotpl");
    set.set_missing_key(if options.strict {
        MissingKey::Error
    } else {
        MissingKey::Zero
    });
    set.add_funcs(functions(options));

    let keys = sort_templates(tpls.keys().map(String::as_str).collect());
    for name in &keys {
        let r = &tpls[*name];
        set.parse(name, &r.text).map_err(|e| Error::ParseTemplate {
            file: (*name).to_string(),
            message: cleanup_parse_error(name, &e.to_string()),
        })?;
    }

    let mut rendered = BTreeMap::new();
    for name in keys {
        if base_name(name).starts_with('_') {
            continue;
        }
        let r = &tpls[name];
        // helm sets `Template` on the shared top-level map before each execution.
        if let Some(top) = r.top.as_map() {
            top.insert(
                "Template",
                Value::Map(Arc::new(Map::named(
                    VALUES_TYPE,
                    BTreeMap::from([
                        ("BasePath".to_string(), Value::string(r.base_path.as_str())),
                        ("Name".to_string(), Value::string(name)),
                    ]),
                ))),
            );
        }
        let data = r.top.clone();
        let out = set
            .execute(name, &data)
            .map_err(|e| Error::ExecuteTemplate {
                file: name.to_string(),
                message: match &e {
                    charthouse_gotmpl::Error::Exec(_) => reformat_exec_error(name, &e.to_string()),
                    _ => e.to_string(),
                },
            })?;
        let out = if out.contains("<no value>") {
            out.replace("<no value>", "")
        } else {
            out
        };
        rendered.insert(name.to_string(), out);
    }
    if options.skip_teardown {
        std::mem::forget(set);
        std::mem::forget(tpls);
    }
    Ok(rendered)
}

struct Globals {
    release: Value,
    caps: Value,
}

/// helm's `recAllTpls`: adds `chart`'s templates (and its subcharts') to `out`, and
/// returns the chart's top-level object (what the parent sees in `.Subcharts`).
fn collect<'c>(
    chart: &'c Chart,
    parent_values: &Value,
    globals: &Globals,
    out: &mut BTreeMap<String, Renderable<'c>>,
) -> Value {
    // The root sees all values; a subchart sees the table under its name, or an
    // empty one when that is missing or not a map (helm's `Values.Table`).
    let values = if chart.is_root() {
        parent_values.clone()
    } else {
        parent_values
            .as_map()
            .and_then(|m| m.get(chart.name()))
            .and_then(|v| as_values(&v))
            .unwrap_or_else(|| Value::Map(Arc::new(Map::named(VALUES_TYPE, BTreeMap::new()))))
    };
    let mut subcharts = BTreeMap::new();
    for dep in &chart.dependencies {
        let sub = collect(dep, &values, globals, out);
        subcharts.insert(dep.name().to_string(), sub);
    }
    let mut meta = match to_value(&chart.metadata_value()) {
        Value::Map(m) => m.snapshot(),
        _ => BTreeMap::new(),
    };
    meta.insert("IsRoot".to_string(), Value::Bool(chart.is_root()));
    let files = Files::new(
        chart
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.data.as_slice())),
    );
    let top = Value::Map(Arc::new(Map::named(
        VALUES_TYPE,
        BTreeMap::from([
            ("Capabilities".to_string(), globals.caps.clone()),
            ("Chart".to_string(), Value::map(meta)),
            ("Files".to_string(), files.to_value()),
            ("Release".to_string(), globals.release.clone()),
            ("Subcharts".to_string(), Value::map(subcharts)),
            ("Values".to_string(), values),
        ]),
    )));
    let full = chart.full_path();
    let library = chart.is_library();
    for t in &chart.templates {
        if library && !base_name(&t.name).starts_with('_') {
            continue;
        }
        let text = String::from_utf8_lossy(&t.data);
        out.insert(
            format!("{full}/{}", t.name),
            Renderable {
                text,
                top: top.clone(),
                base_path: format!("{full}/templates"),
            },
        );
    }
    // helm's recAllTpls returns `next` itself (typed `map[string]interface {}`).
    match top.as_map() {
        Some(m) => Value::Map(Arc::new(
            m.converted(charthouse_gotmpl::GoType::Interface, None),
        )),
        None => top,
    }
}

/// The functions templates see: Sprig and helm's, configured for this engine.
pub fn functions(options: &EngineOptions) -> Vec<charthouse_gotmpl::Func> {
    let mut o = charthouse_funcs::Options::new()
        .with_lint_mode(options.lint_mode)
        .with_enable_dns(options.enable_dns);
    if let Some(lookup) = &options.lookup {
        o = o.with_lookup(lookup.clone());
    }
    charthouse_funcs::functions(&o)
}

/// helm's `sortTemplates`: by slash count, then name, reversed.
pub fn sort_templates(mut names: Vec<&str>) -> Vec<&str> {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
    names
}

#[cfg(test)]
mod tests {
    use super::sort_templates;
    use crate::template::{TemplateRequest, template};

    /// helm shares one top-level map per chart between its templates, and a subchart's
    /// `.Values` is the parent's `.Values.<subchart>` map itself (engine.go
    /// `recAllTpls`, chartutil `Values.Table`): `set` in one template is seen by the
    /// templates executed after it (subcharts first, then reverse name order). The
    /// expected text is what `helm template r CHART` (v4.3.1) printed for this chart.
    #[test]
    fn set_is_seen_by_later_templates_and_charts() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("values.yaml", "obj: {a: 1}\nsub: {s: 1}\n"),
            (
                "templates/b.yaml",
                r#"b: {{ $_ := set .Values "fromB" "yes" }}{{ $_ := set .Values.obj "fromB" true }}{{ $_ := set $ "TopFromB" "t" }}{{ printf "%v %v" .Values.sub .Template.Name | quote }}"#,
            ),
            (
                "templates/a.yaml",
                r#"a: {{ printf "%v %v %v %v %v %v %T %T" .Values.fromB .Values.obj .TopFromB .Values.sub .Subcharts.sub.Values .Subcharts.sub.Template.Name .Subcharts.sub .Subcharts.sub.Values | quote }}"#,
            ),
            (
                "charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            (
                "charts/sub/templates/s.yaml",
                r#"s: {{ $_ := set .Values "fromSub" "x" }}{{ printf "%v %T" .Values .Values | quote }}"#,
            ),
        ];
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, format!("{text}\n")).unwrap();
        }
        let req = TemplateRequest {
            release_name: "r".into(),
            namespace: "default".into(),
            chart: dir.path().to_path_buf(),
            ..TemplateRequest::default()
        };
        assert_eq!(
            template(&req).unwrap(),
            concat!(
                "---\n# Source: c/charts/sub/templates/s.yaml\n",
                "s: \"map[fromSub:x global:map[] s:1] common.Values\"\n\n",
                "---\n# Source: c/templates/a.yaml\n",
                "a: \"yes map[a:1 fromB:true] t map[fromSub:x global:map[] s:1] ",
                "map[fromSub:x global:map[] s:1] c/charts/sub/templates/s.yaml ",
                "map[string]interface {} common.Values\"\n\n",
                "---\n# Source: c/templates/b.yaml\n",
                "b: \"map[fromSub:x global:map[] s:1] c/templates/b.yaml\"\n",
            )
        );
    }

    #[test]
    fn deepest_first_then_reverse_name() {
        let names = vec![
            "c/templates/a.yaml",
            "c/charts/s/templates/b.yaml",
            "c/templates/b.yaml",
            "c/templates/x/y.yaml",
        ];
        assert_eq!(
            sort_templates(names),
            vec![
                "c/charts/s/templates/b.yaml",
                "c/templates/x/y.yaml",
                "c/templates/b.yaml",
                "c/templates/a.yaml"
            ]
        );
    }
}

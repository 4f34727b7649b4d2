//! `helm show chart|values|readme|crds|all` (pkg/action/show.go).

use std::path::Path;

use charthouse_chart::{Chart, Metadata};
use charthouse_goyaml::{Map, Value};

use crate::error::Error;

/// What `show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowFormat {
    /// Chart.yaml, values, README and CRDs.
    All,
    /// Chart.yaml (re-encoded as helm does).
    Chart,
    /// values.yaml as written.
    Values,
    /// The README.
    Readme,
    /// The CRDs of the chart and its subcharts.
    Crds,
}

/// Loads the chart at `path` and returns what `helm show FORMAT` prints.
///
/// # Errors
///
/// Loading errors, with helm's message.
pub fn show(path: &Path, format: ShowFormat) -> Result<String, Error> {
    let chart = charthouse_chart::load(path).map_err(|source| Error::LoadChart {
        chart: path.display().to_string(),
        source,
    })?;
    Ok(show_chart(&chart, format))
}

/// [`show`] for a loaded chart.
pub fn show_chart(chart: &Chart, format: ShowFormat) -> String {
    let all = format == ShowFormat::All;
    let mut out = String::new();
    if all || format == ShowFormat::Chart {
        out.push_str(&metadata_yaml(&chart.metadata));
        out.push('\n');
    }
    let values_file = chart.raw.iter().find(|f| f.name == "values.yaml");
    if all || format == ShowFormat::Values {
        // helm skips the section when the chart has no values.yaml (nil Values).
        if let Some(f) = values_file {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    if all || format == ShowFormat::Readme {
        let readme = chart.files.iter().find(|f| {
            ["readme.md", "readme.txt", "readme"]
                .iter()
                .any(|n| f.name.eq_ignore_ascii_case(n))
        });
        if let Some(f) = readme {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    if all || format == ShowFormat::Crds {
        for (_, f) in chart.crd_objects() {
            if !f.data.starts_with(b"---") {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    out
}

/// `yaml.Marshal(chart.Metadata)`: the struct's JSON form (omitempty fields dropped),
/// written as YAML with sorted keys.
pub fn metadata_yaml(m: &Metadata) -> String {
    let mut map = Map::new();
    let put_str = |map: &mut Map, k: &str, v: &str| {
        if !v.is_empty() {
            map.insert(k.to_string(), Value::String(v.to_string()));
        }
    };
    put_str(&mut map, "name", &m.name);
    put_str(&mut map, "home", &m.home);
    put_str(&mut map, "version", &m.version);
    put_str(&mut map, "description", &m.description);
    put_str(&mut map, "icon", &m.icon);
    put_str(&mut map, "apiVersion", &m.api_version);
    put_str(&mut map, "condition", &m.condition);
    put_str(&mut map, "tags", &m.tags);
    put_str(&mut map, "appVersion", &m.app_version);
    put_str(&mut map, "kubeVersion", &m.kube_version);
    put_str(&mut map, "type", &m.chart_type);
    let strings = |v: &[String]| Value::Seq(v.iter().map(|s| Value::String(s.clone())).collect());
    if !m.sources.is_empty() {
        map.insert("sources".into(), strings(&m.sources));
    }
    if !m.keywords.is_empty() {
        map.insert("keywords".into(), strings(&m.keywords));
    }
    if m.deprecated {
        map.insert("deprecated".into(), Value::Bool(true));
    }
    if let Some(a) = m.annotations.as_ref().filter(|a| !a.is_empty()) {
        map.insert(
            "annotations".into(),
            Value::Map(
                a.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
        );
    }
    if !m.maintainers.is_empty() {
        let list = m
            .maintainers
            .iter()
            .map(|mt| match mt {
                None => Value::Null,
                Some(mt) => {
                    let mut x = Map::new();
                    put_str(&mut x, "name", &mt.name);
                    put_str(&mut x, "email", &mt.email);
                    put_str(&mut x, "url", &mt.url);
                    Value::Map(x)
                }
            })
            .collect();
        map.insert("maintainers".into(), Value::Seq(list));
    }
    if !m.dependencies.is_empty() {
        let list = m
            .dependencies
            .iter()
            .map(|d| match d {
                None => Value::Null,
                Some(d) => {
                    let mut x = Map::new();
                    // `name` and `repository` have no omitempty.
                    x.insert("name".into(), Value::String(d.name.clone()));
                    x.insert("repository".into(), Value::String(d.repository.clone()));
                    put_str(&mut x, "version", &d.version);
                    put_str(&mut x, "condition", &d.condition);
                    put_str(&mut x, "alias", &d.alias);
                    if !d.tags.is_empty() {
                        x.insert("tags".into(), strings(&d.tags));
                    }
                    if d.enabled {
                        x.insert("enabled".into(), Value::Bool(true));
                    }
                    if !d.import_values.is_empty() {
                        x.insert("import-values".into(), Value::Seq(d.import_values.clone()));
                    }
                    Value::Map(x)
                }
            })
            .collect();
        map.insert("dependencies".into(), Value::Seq(list));
    }
    charthouse_goyaml::marshal(&Value::Map(map)).unwrap_or_default()
}

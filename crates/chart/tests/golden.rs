//! Replays every case of `data/cases.tsv` through the crate and compares
//! with what helm v4.3.1 printed for it (`data/golden/<id>.{out,err,rc}`).
//!
//! Each test chart's `templates/values.yaml` prints the chart's name,
//! version, appVersion, processed dependencies, `.Files`, `toJson .Values`
//! and the Go type of every leaf value; we compute the same lines from the
//! prepared chart. For failures we compare the `Error: ...` text.

use std::collections::BTreeMap;
use std::path::PathBuf;

use charthouse_chart::{Chart, PrepareOptions, ValuesOptions, prepare};
use charthouse_goyaml::{Map, Value};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Cases that exercise helm's CLI rather than this crate.
const CLI_ONLY: &[(&str, &str)] = &[(
    "err-no-such-chart",
    "chart lookup (LocateChart) is the CLI's job",
)];

struct Case {
    id: String,
    chart: String,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(data_dir().join("cases.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split('\t').map(str::to_owned);
            let id = parts.next().unwrap();
            let chart = parts.next().unwrap();
            Case {
                id,
                chart,
                args: parts.collect(),
            }
        })
        .collect()
}

struct Run {
    sources: BTreeMap<String, Vec<String>>,
    warnings: Vec<String>,
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

fn walk(path: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Map(m) => {
            for (k, x) in m {
                walk(&format!("{path}.{k}"), x, out);
            }
        }
        Value::Seq(items) => {
            for (i, x) in items.iter().enumerate() {
                walk(&format!("{path}[{i}]"), x, out);
            }
        }
        other => out.push(format!("# {path} {}", go_type(other))),
    }
}

fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Seq(items) => format!("[{}]", items.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Map(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, x)| format!("{k}:{}", go_v(x)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => format!("{other:?}"),
    }
}

fn probe_lines(chart: &Chart, values: &Map) -> Vec<String> {
    let m = &chart.metadata;
    let mut out = vec![format!(
        "# chart {} {} {}",
        m.name, m.version, m.app_version
    )];
    for d in chart.declared_dependencies() {
        out.push(format!(
            "# dep {} alias={} enabled={} import={}",
            d.name,
            d.alias,
            d.enabled,
            go_v(&Value::Seq(d.import_values.clone()))
        ));
    }
    let mut files: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
    files.sort_unstable();
    let mut line = String::from("# files");
    for f in files {
        line.push(' ');
        line.push_str(f);
    }
    out.push(line);
    out.push(format!(
        "# json {}",
        charthouse_goyaml::helm::to_json(&Value::Map(values.clone()))
    ));
    walk("", &Value::Map(values.clone()), &mut out);
    out
}

/// The fields `templates/meta.yaml` prints from `.Chart`, read from the
/// Go-field-named map the crate offers for `.Chart`.
fn meta_lines(chart: &Chart) -> Vec<String> {
    let meta = chart.metadata_value();
    let Value::Map(m) = meta else {
        panic!("metadata is a map")
    };
    [
        ("home", "Home"),
        ("sources", "Sources"),
        ("description", "Description"),
        ("keywords", "Keywords"),
        ("icon", "Icon"),
        ("apiversion", "APIVersion"),
        ("condition", "Condition"),
        ("tags", "Tags"),
        ("deprecated", "Deprecated"),
        ("annotations", "Annotations"),
        ("kubeversion", "KubeVersion"),
        ("type", "Type"),
    ]
    .iter()
    .map(|(label, field)| format!("# {label} {}", go_v(&m[*field])))
    .collect()
}

fn run(case: &Case) -> Result<Run, String> {
    let data = data_dir();
    let mut opts = ValuesOptions::default();
    let mut prep = PrepareOptions {
        release_name: Some("r".to_owned()),
        ..PrepareOptions::default()
    };
    let mut args = case.args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().cloned().unwrap();
        match flag.as_str() {
            "-f" | "--values" => opts.value_files.push(value()),
            "--set" => opts.values.push(value()),
            "--set-string" => opts.string_values.push(value()),
            "--set-file" => opts.file_values.push(value()),
            "--set-json" => opts.json_values.push(value()),
            "--set-literal" => opts.literal_values.push(value()),
            "--skip-schema-validation" => prep.skip_schema_validation = true,
            other => panic!("{}: unknown flag {other}", case.id),
        }
    }
    let mut reader = |path: &str| -> Result<Vec<u8>, String> {
        std::fs::read(data.join(path))
            .map_err(|_| format!("open {path}: no such file or directory"))
    };
    let user = opts.merge_with(&mut reader).map_err(|e| e.to_string())?;
    let chart = charthouse_chart::load(data.join(&case.chart)).map_err(|e| e.to_string())?;
    let mut warnings: Vec<String> = chart
        .walk()
        .iter()
        .flat_map(|c| c.warnings.clone())
        .collect();
    let prepared = prepare(chart, &user, &prep).map_err(|e| e.to_string())?;
    warnings.extend(prepared.warnings.iter().cloned());
    let mut sources = BTreeMap::new();
    for c in prepared.chart.walk() {
        if c.templates
            .iter()
            .any(|t| t.name == "templates/chartjson.yaml")
        {
            sources.insert(
                format!("{}/templates/chartjson.yaml", c.full_path()),
                vec![format!(
                    "# {}",
                    charthouse_goyaml::helm::to_json(&c.metadata_value())
                )],
            );
        }
        if c.templates.iter().any(|t| t.name == "templates/meta.yaml") {
            sources.insert(
                format!("{}/templates/meta.yaml", c.full_path()),
                meta_lines(c),
            );
        }
        // Any other template of the test charts is static text: it shows
        // which files the loader kept (e.g. `.helmignore` rules).
        for t in &c.templates {
            let base = t.name.rsplit('/').next().unwrap_or("");
            if base.starts_with('_')
                || t.name == "templates/values.yaml"
                || t.name == "templates/meta.yaml"
                || t.name == "templates/chartjson.yaml"
            {
                continue;
            }
            let text = String::from_utf8_lossy(&t.data);
            sources.insert(
                format!("{}/{}", c.full_path(), t.name),
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        }
        if c.templates
            .iter()
            .any(|t| t.name == "templates/values.yaml")
        {
            let values = prepared.values_for(c);
            sources.insert(
                format!("{}/templates/values.yaml", c.full_path()),
                probe_lines(c, &values),
            );
        }
    }
    Ok(Run { sources, warnings })
}

fn helm_sources(out: &str) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    for doc in out.split("---\n") {
        let mut lines = doc.lines();
        let Some(first) = lines.next() else { continue };
        let Some(source) = first.strip_prefix("# Source: ") else {
            continue;
        };
        map.insert(
            source.to_owned(),
            lines
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect(),
        );
    }
    map
}

/// helm's error text: everything after `Error: ` (warnings may come first).
fn helm_error(err: &str) -> String {
    match err.find("Error: ") {
        Some(i) => err[i + "Error: ".len()..].trim_end().to_owned(),
        None => err.trim_end().to_owned(),
    }
}

/// Schema reports list failures in Go map order, which is random in helm:
/// compare their lines as a sorted list.
fn normalise(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if text.starts_with("values don't meet") {
        lines.sort();
    }
    lines
}

#[test]
fn helm_goldens() {
    let data = data_dir();
    let data_str = data.to_string_lossy().into_owned();
    let mut failures = Vec::new();
    let mut passed = 0;
    let all = cases();
    for case in &all {
        if CLI_ONLY.iter().any(|(id, _)| *id == case.id) {
            continue;
        }
        let golden = |ext: &str| {
            std::fs::read_to_string(data.join("golden").join(format!("{}.{ext}", case.id)))
                .unwrap()
                .replace("$DATA", &data_str)
        };
        let rc = golden("rc");
        let err = golden("err");
        let got = run(case);
        let problem = match (rc.trim(), got) {
            ("0", Ok(run)) => {
                let want = helm_sources(&golden("out"));
                let mut want_warn: Vec<String> = err.lines().map(str::to_owned).collect();
                let mut got_warn = run.warnings.clone();
                want_warn.sort();
                got_warn.sort();
                if want != run.sources {
                    let mut detail = String::new();
                    for (k, v) in &want {
                        match run.sources.get(k) {
                            None => detail.push_str(&format!("\n  missing {k}")),
                            Some(g) if g != v => {
                                for (a, b) in v
                                    .iter()
                                    .zip(g.iter().chain(std::iter::repeat(&String::new())))
                                {
                                    if a != b {
                                        detail.push_str(&format!(
                                            "\n  {k}:\n    want {a}\n    got  {b}"
                                        ));
                                        break;
                                    }
                                }
                                if v.len() != g.len() {
                                    detail.push_str(&format!(
                                        "\n  {k}: {} lines, want {}",
                                        g.len(),
                                        v.len()
                                    ));
                                }
                            }
                            _ => {}
                        }
                    }
                    for k in run.sources.keys().filter(|k| !want.contains_key(*k)) {
                        detail.push_str(&format!("\n  extra {k}"));
                    }
                    Some(format!("output differs:{detail}"))
                } else if want_warn != got_warn {
                    Some(format!(
                        "warnings differ:\n  want {want_warn:?}\n  got  {got_warn:?}"
                    ))
                } else {
                    None
                }
            }
            ("0", Err(e)) => Some(format!("helm succeeded, we failed: {e}")),
            (_, Ok(_)) => Some(format!("helm failed ({}), we succeeded", helm_error(&err))),
            (_, Err(e)) => {
                let want = helm_error(&err);
                if normalise(&want) == normalise(e.trim_end()) {
                    None
                } else {
                    Some(format!("error differs:\n  want {want:?}\n  got  {e:?}"))
                }
            }
        };
        match problem {
            None => passed += 1,
            Some(p) => failures.push(format!("{}: {p}", case.id)),
        }
    }
    eprintln!(
        "{passed} passed, {} failed of {} cases",
        failures.len(),
        all.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `helm show chart`: the loaded metadata re-marshalled (`to_json_value`).
#[test]
fn helm_show_chart() {
    let data = data_dir();
    let mut checked = 0;
    for entry in std::fs::read_dir(data.join("golden")).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(name) = file
            .strip_prefix("show-chart-")
            .and_then(|f| f.strip_suffix(".out"))
        else {
            continue;
        };
        let chart = charthouse_chart::load(data.join("charts").join(name)).unwrap();
        let got = charthouse_goyaml::marshal(&chart.metadata.to_json_value()).unwrap();
        let want = std::fs::read_to_string(&path).unwrap();
        assert_eq!(got.trim_end(), want.trim_end(), "show chart {name}");
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} show-chart goldens");
}

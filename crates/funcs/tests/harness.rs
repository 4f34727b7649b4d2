//! The golden-case harness: reads hand-written case files, renders each case the way helm
//! v4.3.1's engine does (same template set name, `missingkey=zero`, same top-level object,
//! `<no value>` removal, helm's rewrite of execution errors) and compares with the outputs
//! helm itself produced (see `tests/data/README.md` and `tests/data/regen.py`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use charthouse_funcs::{Options, functions};
use charthouse_gotmpl::{Error, MissingKey, Templates, Value};

/// The chart every case lives in, as `regen.py` writes it.
pub const CHART_NAME: &str = "c";
/// The template file of a case, relative to the chart's parent (helm's template name).
pub const TEMPLATE_NAME: &str = "c/templates/case.yaml";
/// The release name `regen.py` passes to `helm template`.
pub const RELEASE_NAME: &str = "r";
/// Sentinels around the case template, so helm cannot trim the rendered text.
pub const OPEN: &str = "[[[";
/// See [`OPEN`].
pub const CLOSE: &str = "]]]";

/// One case of a topic file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Unique within its topic.
    pub name: String,
    /// The chart's `values.yaml` (YAML or JSON); empty means `{}`.
    pub values: String,
    /// The template, without sentinels.
    pub template: String,
    /// Why we are known to differ from helm on this case (`--- gap REASON`), if we are.
    pub gap: Option<String>,
}

/// What helm printed for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The text between the sentinels.
    Output(String),
    /// The `Error: ...` text helm printed on stderr.
    Error(String),
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Output(s) => format!("output {s:?}"),
            Outcome::Error(s) => format!("error {s:?}"),
        }
    }
}

/// Reads a topic file (format in `tests/data/README.md`).
pub fn parse_cases(text: &str) -> Result<Vec<Case>, String> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Values,
        Template,
    }
    let mut cases: Vec<Case> = Vec::new();
    let mut shared_values = String::new();
    let mut section = Section::None;
    let mut buf: Vec<&str> = Vec::new();
    let mut current: Option<Case> = None;

    // Trailing blank lines of a section are separators, not content.
    fn body(lines: &[&str]) -> String {
        let mut end = lines.len();
        while end > 0 && lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        lines[..end].join("\n")
    }
    fn flush(
        section: &Section,
        buf: &mut Vec<&str>,
        current: &mut Option<Case>,
        shared: &mut String,
    ) {
        let text = body(buf);
        buf.clear();
        match (section, current.as_mut()) {
            (Section::Values, Some(c)) => c.values = text,
            (Section::Values, None) => *shared = text,
            (Section::Template, Some(c)) => c.template = text,
            _ => {}
        }
    }

    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("=== ") {
            flush(&section, &mut buf, &mut current, &mut shared_values);
            if let Some(c) = current.take() {
                cases.push(c);
            }
            let rest = rest.trim_start();
            let (name, inline) = match rest.find(' ') {
                Some(p) => (&rest[..p], Some(&rest[p + 1..])),
                None => (rest, None),
            };
            if name.is_empty() {
                return Err(format!("line {}: case without a name", i + 1));
            }
            if cases.iter().any(|c| c.name == name) {
                return Err(format!("line {}: duplicate case name {name}", i + 1));
            }
            current = Some(Case {
                name: name.to_string(),
                values: shared_values.clone(),
                template: inline.unwrap_or_default().to_string(),
                gap: None,
            });
            section = Section::None;
        } else if let Some(reason) = line.strip_prefix("--- gap ") {
            flush(&section, &mut buf, &mut current, &mut shared_values);
            match current.as_mut() {
                Some(c) => c.gap = Some(reason.trim().to_string()),
                None => return Err(format!("line {}: gap outside a case", i + 1)),
            }
            section = Section::None;
        } else if line == "--- values" {
            flush(&section, &mut buf, &mut current, &mut shared_values);
            section = Section::Values;
        } else if line == "--- template" {
            flush(&section, &mut buf, &mut current, &mut shared_values);
            if current.is_none() {
                return Err(format!("line {}: template section outside a case", i + 1));
            }
            section = Section::Template;
        } else if section != Section::None {
            buf.push(line);
        }
    }
    flush(&section, &mut buf, &mut current, &mut shared_values);
    if let Some(c) = current.take() {
        cases.push(c);
    }
    Ok(cases)
}

/// Converts decoded values (helm's float64-only JSON model) to template values.
fn to_value(v: &charthouse_goyaml::Value) -> Value {
    use charthouse_goyaml::Value as Y;
    match v {
        Y::Null => Value::Nil,
        Y::Bool(b) => Value::Bool(*b),
        Y::Int(i) => Value::int64(*i),
        Y::Uint(u) => Value::uint64(*u),
        Y::Float(f) => Value::float(*f),
        Y::String(s) => Value::string(s.as_str()),
        Y::Seq(items) => Value::list(items.iter().map(to_value).collect()),
        Y::Map(m) => Value::map(m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

/// helm's values coalescing drops keys whose value is null, in nested maps too (but
/// not inside lists).
fn drop_nulls(v: &charthouse_goyaml::Value) -> Option<charthouse_goyaml::Value> {
    use charthouse_goyaml::Value as Y;
    match v {
        Y::Null => None,
        Y::Map(m) => Some(Y::Map(
            m.iter()
                .filter_map(|(k, v)| drop_nulls(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

fn named_map(entries: BTreeMap<String, Value>) -> Value {
    Value::Map(std::sync::Arc::new(charthouse_gotmpl::Map::named(
        "common.Values",
        entries,
    )))
}

/// The top-level object helm passes to a chart's templates, as far as cases may use it:
/// `.Values` (a `common.Values`), `.Release`, `.Chart` (the Chart.yaml fields `regen.py`
/// writes) and `.Template`. `.Files` and `.Capabilities` are not modelled here.
pub fn top_level(values_yaml: &str) -> Result<Value, String> {
    let text = if values_yaml.trim().is_empty() {
        "{}"
    } else {
        values_yaml
    };
    let values =
        charthouse_goyaml::load_values(text.as_bytes()).map_err(|e| format!("values: {e}"))?;
    let values: BTreeMap<String, Value> = values
        .iter()
        .filter_map(|(k, v)| drop_nulls(v).map(|v| (k.clone(), to_value(&v))))
        .collect();
    let release = Value::map_from([
        ("IsInstall", Value::Bool(true)),
        ("IsUpgrade", Value::Bool(false)),
        ("Name", Value::from(RELEASE_NAME)),
        ("Namespace", Value::from("default")),
        ("Revision", Value::int(1)),
        ("Service", Value::from("Helm")),
    ]);
    let chart = Value::map_from([
        ("APIVersion", Value::from("v2")),
        ("AppVersion", Value::from("")),
        ("Name", Value::from(CHART_NAME)),
        ("Version", Value::from("0.1.0")),
    ]);
    let template = named_map(BTreeMap::from([
        ("BasePath".to_string(), Value::from("c/templates")),
        ("Name".to_string(), Value::from(TEMPLATE_NAME)),
    ]));
    Ok(named_map(BTreeMap::from([
        ("Chart".to_string(), chart),
        ("Release".to_string(), release),
        ("Template".to_string(), template),
        ("Values".to_string(), named_map(values)),
    ])))
}

/// Renders a case as helm does, returning helm's output or its `Error: ...` text.
pub fn render(case: &Case) -> Outcome {
    let data = match top_level(&case.values) {
        Ok(d) => d,
        Err(e) => return Outcome::Error(format!("Error: {e}")),
    };
    // helm: template.New("gotpl"), Option("missingkey=zero"), then every file parsed with
    // t.New(filename).Parse(text) (pkg/engine/engine.go, render).
    let mut set = Templates::named("gotpl");
    set.set_missing_key(MissingKey::Zero);
    set.add_funcs(functions(&Options::default()));
    let text = format!("{OPEN}{}{CLOSE}", case.template);
    if let Err(e) = set.parse(TEMPLATE_NAME, &text) {
        return Outcome::Error(format!("Error: {}", helm_error(TEMPLATE_NAME, &e)));
    }
    match set.execute(TEMPLATE_NAME, &data) {
        Ok(out) => {
            // helm: strings.ReplaceAll(buf.String(), "<no value>", "").
            let out = out.replace("<no value>", "");
            let inner = out
                .strip_prefix(OPEN)
                .and_then(|s| s.strip_suffix(CLOSE))
                .map_or_else(|| format!("(sentinels lost) {out}"), str::to_string);
            Outcome::Output(inner)
        }
        Err(e) => Outcome::Error(format!("Error: {}", helm_error(TEMPLATE_NAME, &e))),
    }
}

/// helm's rewrite of a template error before printing (now part of the library).
pub fn helm_error(filename: &str, err: &Error) -> String {
    charthouse_funcs::helm_error_message(filename, err)
}

/// A golden file: case name → what helm printed, plus the inputs it was made from.
pub struct Golden {
    /// Case name → (template, values, outcome).
    pub entries: BTreeMap<String, (String, String, Outcome)>,
}

/// Reads `tests/data/golden/<topic>.json`.
pub fn read_golden(path: &Path) -> Result<Golden, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let obj = json
        .as_object()
        .ok_or_else(|| format!("{}: not an object", path.display()))?;
    let mut entries = BTreeMap::new();
    for (name, v) in obj {
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let outcome = match (field("output"), field("error")) {
            (Some(o), None) => Outcome::Output(o),
            (None, Some(e)) => Outcome::Error(e),
            _ => {
                return Err(format!(
                    "{}: case {name}: needs exactly one of output/error",
                    path.display()
                ));
            }
        };
        entries.insert(
            name.clone(),
            (
                field("template").unwrap_or_default(),
                field("values").unwrap_or_default(),
                outcome,
            ),
        );
    }
    Ok(Golden { entries })
}

/// The directory of case files and goldens.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
}

/// The outcome of a golden run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Cases that matched helm.
    pub passed: usize,
    /// Cases marked `--- gap` that still differ, with the reason.
    pub gaps: Vec<String>,
    /// Everything else that went wrong (mismatches, stale goldens, unreadable files).
    pub failures: Vec<String>,
}

/// Runs every case of every topic (or of the topics and cases whose names contain
/// `$CASES`, if set) against its golden.
pub fn run_all() -> Summary {
    let (passed, gaps, failures) = run_all_inner();
    Summary {
        passed,
        gaps,
        failures,
    }
}

fn run_all_inner() -> (usize, Vec<String>, Vec<String>) {
    let mut gaps = Vec::new();
    let filter = std::env::var("CASES").unwrap_or_default();
    let mut passed = 0;
    let mut failures = Vec::new();
    let dir = data_dir().join("cases");
    let mut files: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect(),
        Err(e) => return (0, gaps, vec![format!("{}: {e}", dir.display())]),
    };
    files.sort();
    for file in files {
        let topic = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cases = match fs::read_to_string(&file)
            .map_err(|e| e.to_string())
            .and_then(|t| parse_cases(&t))
        {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{}: {e}", file.display()));
                continue;
            }
        };
        let golden = match read_golden(&data_dir().join("golden").join(format!("{topic}.json"))) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("{topic}: {e} (run tests/data/regen.py)"));
                continue;
            }
        };
        for case in cases {
            let id = format!("{topic}/{}", case.name);
            if !filter.is_empty() && !id.contains(&filter) {
                continue;
            }
            let Some((template, values, want)) = golden.entries.get(&case.name) else {
                failures.push(format!("{id}: no golden (run tests/data/regen.py {topic})"));
                continue;
            };
            if *template != case.template || *values != case.values {
                failures.push(format!(
                    "{id}: golden is stale, the case changed (run tests/data/regen.py {topic})"
                ));
                continue;
            }
            let got = render(&case);
            if let Some(reason) = &case.gap {
                if got == *want {
                    failures.push(format!(
                        "{id}: known gap now matches helm; remove its `--- gap` line"
                    ));
                } else {
                    gaps.push(format!("{id}: {reason}"));
                }
            } else if got == *want {
                passed += 1;
            } else {
                failures.push(format!(
                    "{id}\n  template: {:?}\n  expected: {}\n  got:      {}",
                    case.template,
                    want.describe(),
                    got.describe()
                ));
            }
        }
    }
    (passed, gaps, failures)
}

//! `helm lint`: helm's chart checks and message style (pkg/action/lint.go,
//! pkg/chart/v2/lint/rules: chartfile, values, templates, dependencies).
//!
//! Each finding is printed as `[SEVERITY] PATH: MESSAGE`. A chart fails when it has an
//! error, or (with `--strict`) a warning.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use charthouse_goyaml::{Map, Value};

use crate::capabilities::{Capabilities, KubeVersion};
use crate::engine::{EngineOptions, ReleaseInfo};
use crate::error::Error;
use crate::manifest::split_manifests;

/// How bad a finding is (helm's `support.*Sev`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Information, e.g. a missing icon.
    Info,
    /// Breaks convention but likely works.
    Warning,
    /// Will likely not work.
    Error,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Severity.
    pub severity: Severity,
    /// The file or directory concerned (`Chart.yaml`, `templates/`, `values.yaml`, ...).
    pub path: String,
    /// What is wrong.
    pub text: String,
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: {}",
            self.severity.label(),
            self.path,
            self.text
        )
    }
}

/// What `helm lint` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct LintRequest {
    /// Chart directories.
    pub paths: Vec<PathBuf>,
    /// The user's merged values.
    pub values: Map,
    /// `--namespace`.
    pub namespace: String,
    /// `--strict`: warnings fail the chart too.
    pub strict: bool,
    /// `--quiet`: print only warnings and errors.
    pub quiet: bool,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// The result of [`lint`]: what to print, and whether any chart failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOutcome {
    /// The report (`==> Linting PATH` blocks), without the summary line.
    pub report: String,
    /// `N chart(s) linted, M chart(s) failed`.
    pub summary: String,
    /// How many charts failed.
    pub failed: usize,
    /// Whether the summary is printed on success (helm hides it under `--quiet` when
    /// nothing was found).
    pub print_summary: bool,
}

/// Lints every chart of the request.
///
/// # Errors
///
/// An invalid `--kube-version`.
pub fn lint(req: &LintRequest) -> Result<LintOutcome, Error> {
    let kube_version = match &req.kube_version {
        Some(v) if !v.is_empty() => {
            Some(KubeVersion::parse(v).map_err(|message| Error::KubeVersion {
                input: v.clone(),
                message,
            })?)
        }
        _ => None,
    };
    let mut report = String::new();
    let (mut failed, mut noisy) = (0, 0);
    let lowest = if req.strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    for path in &req.paths {
        let (messages, errors) = match lint_chart(path, req, kube_version.clone()) {
            Ok(messages) => {
                let errors: Vec<String> = messages
                    .iter()
                    .filter(|m| m.severity >= lowest)
                    .map(|m| m.text.clone())
                    .collect();
                (messages, errors)
            }
            Err(e) => (Vec::new(), vec![e]),
        };
        let has_findings =
            messages.iter().any(|m| m.severity > Severity::Info) || !errors.is_empty();
        if has_findings {
            noisy += 1;
        }
        if req.quiet && !has_findings {
            continue;
        }
        let _ = writeln!(report, "==> Linting {}", path.display());
        if messages.is_empty() {
            for e in &errors {
                let _ = writeln!(report, "Error {e}");
            }
        }
        for m in &messages {
            if !req.quiet || m.severity > Severity::Info {
                let _ = writeln!(report, "{m}");
            }
        }
        if !errors.is_empty() {
            failed += 1;
        }
        report.push('\n');
    }
    Ok(LintOutcome {
        report,
        summary: format!(
            "{} chart(s) linted, {failed} chart(s) failed",
            req.paths.len()
        ),
        failed,
        print_summary: !req.quiet || noisy > 0,
    })
}

fn lint_chart(
    path: &Path,
    req: &LintRequest,
    kube_version: Option<KubeVersion>,
) -> Result<Vec<Message>, String> {
    let chart_yaml = path.join("Chart.yaml");
    if let Err(e) = std::fs::metadata(&chart_yaml) {
        return Err(format!(
            "unable to check Chart.yaml file in chart: stat {}: {}",
            chart_yaml.display(),
            io_text(&e)
        ));
    }
    let mut out = Vec::new();
    chartfile_rules(&chart_yaml, &mut out);
    values_rules(path, req, &mut out);
    template_rules(path, req, kube_version, &mut out);
    Ok(out)
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn push(out: &mut Vec<Message>, severity: Severity, path: &str, text: impl Into<String>) {
    out.push(Message {
        severity,
        path: path.to_string(),
        text: text.into(),
    });
}

/// A `string` field of a decoded document, as sigs.k8s.io/yaml fills it: scalars of
/// other types are converted to their text (`version: 1.0` reads as `1`).
fn str_field<'a>(m: &'a Map, key: &str) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    match m.get(key) {
        Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
        Some(Value::Bool(b)) => Cow::Owned(b.to_string()),
        Some(Value::Int(i)) => Cow::Owned(i.to_string()),
        Some(Value::Uint(u)) => Cow::Owned(u.to_string()),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cow::Owned(format!("{}", *f as i64))
        }
        Some(Value::Float(f)) => Cow::Owned(f.to_string()),
        _ => Cow::Borrowed(""),
    }
}

/// Go's `%T` of a decoded YAML value.
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

/// rules/chartfile.go.
fn chartfile_rules(chart_yaml: &Path, out: &mut Vec<Message>) {
    const F: &str = "Chart.yaml";
    if chart_yaml.is_dir() {
        push(out, Severity::Error, F, "should be a file, not a directory");
    }
    let doc = std::fs::read(chart_yaml)
        .map_err(|e| format!("open {}: {}", chart_yaml.display(), io_text(&e)))
        .and_then(|b| charthouse_goyaml::unmarshal(&b).map_err(|e| e.to_string()));
    let m = match doc {
        Ok(Value::Map(m)) => m,
        Ok(Value::Null) => Map::new(),
        Ok(other) => {
            let msg = format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Metadata",
                json_kind(&other)
            );
            push(
                out,
                Severity::Error,
                F,
                format!("unable to parse YAML\n\t{msg}"),
            );
            return;
        }
        Err(e) => {
            push(
                out,
                Severity::Error,
                F,
                format!("unable to parse YAML\n\t{e}"),
            );
            return;
        }
    };
    let name = &*str_field(&m, "name");
    if name.is_empty() {
        push(out, Severity::Error, F, "name is required");
    } else if name.rsplit('/').next() != Some(name) {
        push(
            out,
            Severity::Error,
            F,
            format!("chart name {name:?} is invalid"),
        );
    }
    let api = &*str_field(&m, "apiVersion");
    if api.is_empty() {
        push(
            out,
            Severity::Error,
            F,
            "apiVersion is required. The value must be either \"v1\" or \"v2\"",
        );
    } else if api != "v1" && api != "v2" {
        push(
            out,
            Severity::Error,
            F,
            format!("apiVersion '{api}' is not valid. The value must be either \"v1\" or \"v2\""),
        );
    }
    for key in ["version", "appVersion"] {
        if let Some(v) = m.get(key).filter(|v| !matches!(v, Value::String(_))) {
            push(
                out,
                Severity::Error,
                F,
                format!(
                    "{key} should be of type string but it's of type {}",
                    go_type(v)
                ),
            );
        }
    }
    let version = &*str_field(&m, "version");
    if version.is_empty() {
        push(out, Severity::Error, F, "version is required");
    } else if charthouse_chart::semver::Version::parse(version).is_none() {
        push(
            out,
            Severity::Error,
            F,
            format!("version '{version}' is not a valid SemVer"),
        );
    }
    if let Some(Value::Seq(ms)) = m.get("maintainers") {
        for mt in ms {
            let Some(mt) = mt.as_map() else {
                push(out, Severity::Error, F, "a maintainer entry is empty");
                break;
            };
            let (n, email, url) = (
                str_field(mt, "name"),
                str_field(mt, "email"),
                str_field(mt, "url"),
            );
            let (n, email, url) = (&*n, &*email, &*url);
            if n.is_empty() {
                push(out, Severity::Error, F, "each maintainer requires a name");
                break;
            }
            if !email.is_empty() && !looks_like_email(email) {
                push(
                    out,
                    Severity::Error,
                    F,
                    format!("invalid email '{email}' for maintainer '{n}'"),
                );
                break;
            }
            if !url.is_empty() && !looks_like_url(url) {
                push(
                    out,
                    Severity::Error,
                    F,
                    format!("invalid url '{url}' for maintainer '{n}'"),
                );
                break;
            }
        }
    }
    if let Some(Value::Seq(sources)) = m.get("sources")
        && let Some(bad) = sources
            .iter()
            .map(|s| s.as_str().unwrap_or_default())
            .find(|s| !looks_like_url(s))
    {
        push(
            out,
            Severity::Error,
            F,
            format!("invalid source URL '{bad}'"),
        );
    }
    let icon = &*str_field(&m, "icon");
    if icon.is_empty() {
        push(out, Severity::Info, F, "icon is recommended");
    } else if !looks_like_url(icon) {
        push(
            out,
            Severity::Error,
            F,
            format!("invalid icon URL '{icon}'"),
        );
    }
    if !str_field(&m, "type").is_empty() && api != "v2" {
        push(
            out,
            Severity::Error,
            F,
            format!(
                "chart type is not valid in apiVersion '{api}'. It is valid in apiVersion 'v2'"
            ),
        );
    }
    if m.get("dependencies")
        .and_then(|d| {
            if let Value::Seq(s) = d {
                Some(s.len())
            } else {
                None
            }
        })
        .unwrap_or(0)
        > 0
        && api != "v2"
    {
        push(
            out,
            Severity::Error,
            F,
            format!(
                "dependencies are not valid in the Chart file with apiVersion '{api}'. They are valid in apiVersion 'v2'"
            ),
        );
    }
    if !strict_semver(version) {
        push(
            out,
            Severity::Warning,
            F,
            format!("version '{version}' is not a valid SemVerV2"),
        );
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Masterminds `StrictNewVersion`: `MAJOR.MINOR.PATCH[-pre][+build]`, no `v`, no
/// leading zeros.
fn strict_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
        && charthouse_chart::semver::Version::parse(v).is_some()
}

/// A simplified `govalidator.IsEmail`.
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !s.contains(' ')
        }
        None => false,
    }
}

/// A simplified `govalidator.IsRequestURL`: an absolute URL with a scheme and host.
fn looks_like_url(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
                && !s.contains(' ')
        }
        None => false,
    }
}

/// rules/values.go.
fn values_rules(dir: &Path, req: &LintRequest, out: &mut Vec<Message>) {
    const F: &str = "values.yaml";
    let path = dir.join(F);
    let Ok(data) = std::fs::read(&path) else {
        push(out, Severity::Info, F, "file does not exist");
        return;
    };
    let values = match charthouse_goyaml::load_values(&data) {
        Ok(v) => v,
        Err(e) => {
            push(
                out,
                Severity::Error,
                F,
                format!("unable to parse YAML: {e}"),
            );
            return;
        }
    };
    // helm lints only the top-level values: overrides coalesced over values.yaml,
    // against values.schema.json when there is one.
    let schema = std::fs::read(dir.join("values.schema.json")).unwrap_or_default();
    if schema.is_empty() || req.skip_schema_validation {
        return;
    }
    let mut warnings = Vec::new();
    let mut merged = req.values.clone();
    let mut defaults = values;
    charthouse_chart::coalesce_tables(&mut merged, &mut defaults, &mut warnings);
    if let Err(e) = charthouse_chart::validate_against_single_schema(&merged, &schema) {
        push(out, Severity::Error, F, e);
    }
}

/// rules/template.go.
fn template_rules(
    dir: &Path,
    req: &LintRequest,
    kube_version: Option<KubeVersion>,
    out: &mut Vec<Message>,
) {
    const T: &str = "templates/";
    let tdir = dir.join("templates");
    match std::fs::metadata(&tdir) {
        Err(_) => {
            push(out, Severity::Warning, T, "directory does not exist");
            return;
        }
        Ok(m) if !m.is_dir() => {
            push(out, Severity::Error, T, "not a directory");
            return;
        }
        Ok(_) => {}
    }
    let chart = match charthouse_chart::load(dir) {
        Ok(c) => c,
        Err(e) => {
            push(out, Severity::Error, T, e.to_string());
            return;
        }
    };
    let caps = Capabilities::for_template(kube_version, &[]);
    let release = ReleaseInfo {
        name: "test-release".into(),
        namespace: req.namespace.clone(),
        revision: 0,
        is_install: false,
        is_upgrade: false,
    };
    let mut chart = chart;
    let mut warnings = Vec::new();
    if charthouse_chart::process_dependencies(&mut chart, &req.values, &mut warnings).is_err() {
        return;
    }
    let Ok(values) = charthouse_chart::coalesce_values(&chart, &req.values, &mut warnings) else {
        return;
    };
    if !req.skip_schema_validation
        && let Err(e) = charthouse_chart::validate_against_schema(&chart, &values)
    {
        push(out, Severity::Error, T, e.to_string());
        return;
    }
    let opts = EngineOptions {
        strict: req.strict,
        lint_mode: true,
        enable_dns: false,
        lookup: None,
        skip_teardown: false,
    };
    let rendered = match crate::engine::render(&chart, &values, &release, &caps, &opts) {
        Ok(r) => r,
        Err(e) => {
            push(out, Severity::Error, T, e.to_string());
            return;
        }
    };
    for t in &chart.templates {
        let file = t.name.as_str();
        let ext = file
            .rfind('.')
            .map(|i| &file[i..])
            .filter(|e| !e.contains('/'))
            .unwrap_or("");
        if ![".yaml", ".yml", ".tpl", ".txt"].contains(&ext) {
            push(
                out,
                Severity::Error,
                file,
                format!(
                    "file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"
                ),
            );
        }
        if !matches!(ext.to_ascii_lowercase().as_str(), ".yaml" | ".yml") {
            continue;
        }
        let Some(content) = rendered.get(&format!("{}/{file}", chart.name())) else {
            continue;
        };
        if content.trim().is_empty() {
            continue;
        }
        if let Some(line) = content.lines().find(|l| !l.trim().is_empty())
            && (line.starts_with(' ') || line.starts_with('\t'))
        {
            push(
                out,
                Severity::Warning,
                file,
                format!(
                    "document starts with an illegal indent: {line:?}, which may cause parsing problems"
                ),
            );
        }
        for doc in split_manifests(content) {
            let value = match charthouse_goyaml::unmarshal(format!("{doc}\n").as_bytes()) {
                Ok(v) => v,
                Err(e) => {
                    push(
                        out,
                        Severity::Error,
                        file,
                        format!("unable to parse YAML: {e}"),
                    );
                    return;
                }
            };
            let Some(m) = value.as_map() else { continue };
            let kind = &*str_field(m, "kind");
            let name = m
                .get("metadata")
                .and_then(Value::as_map)
                .map(|md| str_field(md, "name"))
                .unwrap_or_default();
            let name = &*name;
            let problems = name_problems(kind, name);
            if !problems.is_empty() {
                let errs: Vec<String> = problems
                    .iter()
                    .map(|p| format!("metadata.name: Invalid value: {name:?}: {p}"))
                    .collect();
                let agg = if errs.len() == 1 {
                    errs[0].clone()
                } else {
                    format!("[{}]", errs.join(", "))
                };
                push(
                    out,
                    Severity::Warning,
                    file,
                    format!(
                        "object name does not conform to Kubernetes naming requirements: {name:?}: {agg}"
                    ),
                );
            }
            if matches!(
                kind,
                "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet"
            ) && !content.contains("matchLabels")
                && !content.contains("matchExpressions")
            {
                push(
                    out,
                    Severity::Error,
                    file,
                    format!(
                        "a {kind} must contain matchLabels or matchExpressions, and {name:?} does not"
                    ),
                );
            }
        }
    }
}

const DNS1123_SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str, first_alpha: bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && (if first_alpha {
            b[0].is_ascii_lowercase()
        } else {
            b[0] != b'-'
        })
        && b[b.len() - 1] != b'-'
}

/// The Kubernetes name validation helm's lint applies per kind
/// (rules/template.go `validateMetadataNameFunc`).
fn name_problems(kind: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    match kind.to_ascii_lowercase().as_str() {
        "service" => {
            if name.len() > 63 {
                out.push("must be no more than 63 characters".to_string());
            }
            if !is_label(name, true) {
                out.push(DNS1035_LABEL.to_string());
            }
        }
        "namespace" => {
            if name.len() > 63 {
                out.push("must be no more than 63 characters".to_string());
            }
            if !is_label(name, false) {
                out.push(DNS1123_LABEL.to_string());
            }
        }
        "certificatesigningrequest" => {}
        "role" | "clusterrole" | "rolebinding" | "clusterrolebinding" => {
            if name == "." || name == ".." {
                out.push(format!("may not be '{name}'"));
            }
            for bad in ["/", "%"] {
                if name.contains(bad) {
                    out.push(format!("may not contain '{bad}'"));
                }
            }
        }
        _ => {
            if name.len() > 253 {
                out.push("must be no more than 253 characters".to_string());
            }
            if !name.split('.').all(|l| is_label(l, false)) {
                out.push(DNS1123_SUBDOMAIN.to_string());
            }
        }
    }
    out
}

//! `helm get values|manifest|hooks|notes|metadata|all` (`pkg/cmd/get_*.go`,
//! `pkg/action/get_metadata.go`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Result, bail};
use charthouse_goyaml::Map as YamlMap;
use charthouse_release::Release;
use charthouse_release::chart::Dependency;
use serde::Serialize;

use super::gotime::{self, RFC3339};
use super::status::{StatusOptions, status};
use super::{OutputFormat, encode_json, encode_yaml, json_of_computed, json_of_config};
use super::{yaml_of_computed, yaml_of_config};

/// `helm get values` without `--all`: the values the user supplied
/// (`release.config`), under `USER-SUPPLIED VALUES:` in the table. A release
/// installed without values prints `null`, as helm's nil map does.
///
/// # Errors
/// Only when the values hold a number JSON cannot express.
pub fn get_values(release: &Release, format: OutputFormat) -> Result<String> {
    match format {
        OutputFormat::Table => Ok(format!(
            "USER-SUPPLIED VALUES:\n{}",
            yaml_of_config(&release.config)?
        )),
        OutputFormat::Json => json_of_config(&release.config),
        OutputFormat::Yaml => yaml_of_config(&release.config),
    }
}

/// `helm get values --all`: `computed`, the chart's values coalesced with the user's
/// (the caller computes them), under `COMPUTED VALUES:` in the table.
///
/// # Errors
/// When a value is a NaN or infinite float, or a map key too long for yaml.v2.
pub fn get_values_all(computed: &YamlMap, format: OutputFormat) -> Result<String> {
    match format {
        OutputFormat::Table => Ok(format!("COMPUTED VALUES:\n{}", yaml_of_computed(computed)?)),
        OutputFormat::Json => json_of_computed(computed),
        OutputFormat::Yaml => yaml_of_computed(computed),
    }
}

/// `helm get manifest`: the manifest and a newline.
pub fn get_manifest(release: &Release) -> String {
    format!("{}\n", release.manifest)
}

/// `helm get hooks`: each hook as `---`, a `# Source:` line and its manifest.
pub fn get_hooks(release: &Release) -> String {
    let mut out = String::new();
    for hook in &release.hooks {
        let _ = write!(out, "---\n# Source: {}\n{}\n", hook.path, hook.manifest);
    }
    out
}

/// `helm get notes`: `NOTES:` and the notes as rendered (not trimmed, unlike status);
/// nothing when the release has no notes.
pub fn get_notes(release: &Release) -> String {
    match release.info.as_ref().map(|i| i.notes.as_str()) {
        Some(notes) if !notes.is_empty() => format!("NOTES:\n{notes}\n"),
        _ => String::new(),
    }
}

/// `helm get all` (without `--template`): the status in helm's debug mode with chart
/// metadata, user-supplied and `computed` values, hooks, manifest and notes; `color` as
/// in [`StatusOptions::color`].
///
/// # Errors
/// As [`get_values_all`].
pub fn get_all(release: &Release, computed: &YamlMap, color: bool) -> Result<String> {
    status(
        release,
        &StatusOptions {
            format: OutputFormat::Table,
            include_chart: true,
            show_metadata: true,
            hide_notes: false,
            color,
            debug: Some(computed),
        },
    )
}

/// helm's `action.Metadata`, field for field.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metadata<'a> {
    name: &'a str,
    chart: &'a str,
    version: &'a str,
    app_version: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "<[Dependency]>::is_empty")]
    dependencies: &'a [Dependency],
    namespace: &'a str,
    revision: i64,
    status: String,
    deployed_at: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    apply_method: &'a str,
}

/// `helm get metadata`. `storage_labels` are all labels of the revision's Secret or
/// ConfigMap, helm's own (`name`, `owner`, `status`, `version`, `modifiedAt`...) and
/// the user's: helm prints them all.
///
/// # Errors
/// When the record has no chart metadata (helm: "invalid chart apiVersion").
pub fn get_metadata(
    release: &Release,
    storage_labels: &BTreeMap<String, String>,
    format: OutputFormat,
) -> Result<String> {
    let Some(meta) = release.chart.as_ref().and_then(|c| c.metadata.as_ref()) else {
        bail!("release {:?} has no chart metadata", release.name);
    };
    let info = release.info.clone().unwrap_or_default();
    let deployed = info.last_deployed.unwrap_or_default();
    let apply_method = release.apply_method.as_ref().map_or("", |m| m.as_str());
    let m = Metadata {
        name: &release.name,
        chart: &meta.name,
        version: &meta.version,
        app_version: &meta.app_version,
        annotations: &meta.annotations,
        labels: storage_labels,
        dependencies: &meta.dependencies,
        namespace: &release.namespace,
        revision: release.version,
        status: info.status.to_string(),
        deployed_at: gotime::format(&deployed, RFC3339, None),
        apply_method,
    };
    match format {
        OutputFormat::Json => encode_json(&m),
        OutputFormat::Yaml => encode_yaml(&m),
        OutputFormat::Table => Ok(metadata_table(&m)),
    }
}

fn metadata_table(m: &Metadata<'_>) -> String {
    let apply_method = match m.apply_method {
        "" => "client-side apply (defaulted)".to_owned(),
        "csa" => "client-side apply".to_owned(),
        "ssa" => "server-side apply".to_owned(),
        other => format!("unknown ({})", go_quote(other)),
    };
    let mut deps: Vec<&str> = m.dependencies.iter().map(|d| d.name.as_str()).collect();
    deps.sort_unstable();
    let mut out = String::new();
    let _ = writeln!(out, "NAME: {}", m.name);
    let _ = writeln!(out, "CHART: {}", m.chart);
    let _ = writeln!(out, "VERSION: {}", m.version);
    let _ = writeln!(out, "APP_VERSION: {}", m.app_version);
    let _ = writeln!(out, "ANNOTATIONS: {}", label_set(m.annotations));
    let _ = writeln!(out, "LABELS: {}", label_set(m.labels));
    let _ = writeln!(out, "DEPENDENCIES: {}", deps.join(","));
    let _ = writeln!(out, "NAMESPACE: {}", m.namespace);
    let _ = writeln!(out, "REVISION: {}", m.revision);
    let _ = writeln!(out, "STATUS: {}", m.status);
    let _ = writeln!(out, "DEPLOYED_AT: {}", m.deployed_at);
    let _ = writeln!(out, "APPLY_METHOD: {apply_method}");
    out
}

/// apimachinery's `labels.Set.String()`: `key=value` pairs sorted as whole strings
/// (so `a.b=1` comes before `a=2`), joined by commas.
fn label_set(set: &BTreeMap<String, String>) -> String {
    let mut pairs: Vec<String> = set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort_unstable();
    pairs.join(",")
}

/// Go's `%q` for a string: double quotes, with `"`, `\` and non-printable characters
/// escaped.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

//! What helm v4.3.1 prints for its release commands, as pure functions of release
//! records: `status`, `install`, `upgrade`, `rollback`, `uninstall`, `test`, `history`,
//! `list` and `get all|values|manifest|hooks|notes|metadata`.
//!
//! Each function returns the exact stdout text (helm's `pkg/cmd/*.go` printers), given
//! the records the action read and, where helm computes something from the cluster or
//! the chart, the caller's result (resource tables, coalesced values, storage labels).
//! JSON is Go's `json.Encoder` (HTML-safe escapes, final newline), YAML is
//! sigs.k8s.io/yaml's `Marshal` (JSON, then yaml.v2 with sorted keys), tables are
//! gosuri/uitable as helm configures it. With colour on (`--color always`, or `auto` on
//! a terminal without `NO_COLOR`), status and namespace are coloured and list headers
//! bold, with fatih/color's escape sequences.
//!
//! Times print in the offset the record holds, with Go's layouts: `time.ANSIC` for LAST
//! DEPLOYED, history's UPDATED and test times, `Time.String()` (or `--time-format`) for
//! list's UPDATED, RFC 3339 for `get metadata`.

mod get;
mod gotime;
mod history;
mod list;
mod status;
mod table;
#[cfg(test)]
mod tests;

use anyhow::{Context as _, Result};
use charthouse_goyaml::{Map as YamlMap, Value as YamlValue};
use charthouse_release::Release;
use charthouse_release::gojson;
use serde::Serialize;

pub use get::{
    get_all, get_hooks, get_manifest, get_metadata, get_notes, get_values, get_values_all,
};
pub use history::{HistoryOptions, history};
pub use list::{ListOptions, list, sort_releases};
pub use status::{StatusOptions, status};

/// helm's `-o/--output` values (`pkg/cli/output`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Output result in human-readable format.
    #[default]
    Table,
    /// Output result in JSON format.
    Json,
    /// Output result in YAML format.
    Yaml,
}

/// What `helm install` prints on success: the status of the new release (see
/// [`status`]; set `include_chart`, as install prints the whole record).
///
/// # Errors
/// As [`status`].
pub fn install(release: &Release, opts: &StatusOptions<'_>) -> Result<String> {
    status(release, opts)
}

/// What `helm upgrade` prints on success: in table format the line
/// `Release "NAME" has been upgraded. Happy Helming!`, then the status.
///
/// # Errors
/// As [`status`].
pub fn upgrade(release: &Release, opts: &StatusOptions<'_>) -> Result<String> {
    let body = status(release, opts)?;
    Ok(match opts.format {
        OutputFormat::Table => format!(
            "Release {} has been upgraded. Happy Helming!\n{body}",
            get::go_quote(&release.name)
        ),
        OutputFormat::Json | OutputFormat::Yaml => body,
    })
}

/// The line `helm upgrade --install` prints (table format only) before installing a
/// release that does not exist; the install's status follows.
pub fn upgrade_installing_notice(name: &str, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => {
            format!(
                "Release {} does not exist. Installing it now.\n",
                get::go_quote(name)
            )
        }
        OutputFormat::Json | OutputFormat::Yaml => String::new(),
    }
}

/// What `helm rollback` prints on success.
pub fn rollback() -> &'static str {
    "Rollback was a success! Happy Helming!\n"
}

/// What `helm uninstall` prints for one release: the uninstall's `info` (kept
/// resources), when there is any, then `release "NAME" uninstalled`.
pub fn uninstall(name: &str, info: &str) -> String {
    let mut out = String::new();
    if !info.is_empty() {
        out.push_str(info);
        out.push('\n');
    }
    out.push_str(&format!("release \"{name}\" uninstalled\n"));
    out
}

/// What `helm test` prints (always as a table): the status without notes, with each
/// test hook's start, completion and phase. `debug` and `color` as in
/// [`StatusOptions`]. The pod logs of `--logs` are the caller's to append.
///
/// # Errors
/// As [`status`].
pub fn test(release: &Release, debug: Option<&YamlMap>, color: bool) -> Result<String> {
    status(
        release,
        &StatusOptions {
            format: OutputFormat::Table,
            include_chart: true,
            show_metadata: false,
            hide_notes: true,
            color,
            debug,
        },
    )
}

/// fatih/color's `Color.Sprint`: the SGR code, the text, the code's reset.
fn paint(text: &str, code: u8, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    // Bold (1) resets with 22; colours reset everything (0).
    let reset = if code == 1 { 22 } else { 0 };
    format!("\u{1b}[{code}m{text}\u{1b}[{reset}m")
}

/// helm's `ColorizeStatus`: deployed green, failed and unknown red, operations under
/// way yellow, the rest plain.
fn paint_status(status: &str, color: bool) -> String {
    let code = match status {
        "deployed" => 32,
        "failed" | "unknown" => 31,
        "pending-install" | "pending-upgrade" | "pending-rollback" | "uninstalling" => 33,
        _ => return status.to_owned(),
    };
    paint(status, code, color)
}

/// helm's `ColorizeNamespace`: cyan.
fn paint_namespace(namespace: &str, color: bool) -> String {
    paint(namespace, 36, color)
}

/// helm's `ColorizeHeader`: bold.
fn paint_header(header: &str, color: bool) -> String {
    paint(header, 1, color)
}

/// `CHART` of history and list: `NAME-VERSION`, `MISSING` without chart metadata.
fn chart_name(release: &Release) -> String {
    match release.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
        Some(m) => format!("{}-{}", m.name, m.version),
        None => "MISSING".to_owned(),
    }
}

/// `APP VERSION` of history and list, `MISSING` without chart metadata.
fn app_version(release: &Release) -> String {
    match release.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
        Some(m) => m.app_version.clone(),
        None => "MISSING".to_owned(),
    }
}

/// helm's `output.EncodeJSON`: Go's `json.Encoder.Encode`.
fn encode_json<T: Serialize>(value: &T) -> Result<String> {
    let mut bytes = gojson::to_vec(value).context("unable to write JSON output")?;
    bytes.push(b'\n');
    String::from_utf8(bytes).context("unable to write JSON output")
}

/// helm's `output.EncodeYAML`: sigs.k8s.io/yaml's `Marshal` (JSON first, so field
/// names and `omitempty` are the JSON ones, then yaml.v2 with sorted keys).
fn encode_yaml<T: Serialize>(value: &T) -> Result<String> {
    let json = gojson::to_vec(value).context("unable to write YAML output")?;
    let value = charthouse_goyaml::json_unmarshal(&json).context("unable to write YAML output")?;
    charthouse_goyaml::marshal(&value).context("unable to write YAML output")
}

/// A release's user-supplied values as Go holds them: a nil map when empty (records
/// omit empty `config`), which encodes as `null`.
fn config_value(config: &serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    if config.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::Object(config.clone())
    }
}

fn json_of_config(config: &serde_json::Map<String, serde_json::Value>) -> Result<String> {
    encode_json(&gojson::Sorted(&config_value(config)))
}

fn yaml_of_config(config: &serde_json::Map<String, serde_json::Value>) -> Result<String> {
    encode_yaml(&gojson::Sorted(&config_value(config)))
}

fn json_of_computed(computed: &YamlMap) -> Result<String> {
    let mut text = charthouse_goyaml::json_marshal(&YamlValue::Map(computed.clone()))
        .context("unable to write JSON output")?;
    text.push('\n');
    Ok(text)
}

fn yaml_of_computed(computed: &YamlMap) -> Result<String> {
    charthouse_goyaml::marshal(&YamlValue::Map(computed.clone()))
        .context("unable to write YAML output")
}

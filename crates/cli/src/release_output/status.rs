//! helm's `statusPrinter` (`pkg/cmd/status.go`): what `status`, `install`, `upgrade`,
//! `test` and `get all` print about one revision.

use std::fmt::Write as _;

use anyhow::Result;
use charthouse_goyaml::Map as YamlMap;
use charthouse_release::{GoTime, HookEvent, Release};
use serde_json::Value;

use super::gotime::{self, ANSIC};
use super::{OutputFormat, encode_json, encode_yaml, table, yaml_of_computed, yaml_of_config};
use super::{paint_namespace, paint_status};

/// What to show besides the revision's summary; the fields are the flags of helm's
/// `statusPrinter` plus the data its debug mode needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusOptions<'a> {
    /// `-o table|json|yaml`.
    pub format: OutputFormat,
    /// Keep the chart in JSON/YAML output. `helm status` removes it; `install`,
    /// `upgrade` and `test` print the whole record.
    pub include_chart: bool,
    /// CHART, VERSION and APP_VERSION lines (`get all`).
    pub show_metadata: bool,
    /// Leave out NOTES (`--hide-notes`, and always for `test`).
    pub hide_notes: bool,
    /// Colour NAMESPACE and STATUS (helm's colour mode is not `never` and, in `auto`,
    /// stdout is a terminal and `NO_COLOR` is unset).
    pub color: bool,
    /// helm's debug mode (`--debug` for install/upgrade/test, always for `get all`):
    /// USER-SUPPLIED VALUES, then these COMPUTED VALUES (the chart's values coalesced
    /// with the user's, which the caller computes), then HOOKS and MANIFEST.
    pub debug: Option<&'a YamlMap>,
}

/// The status of `release` as helm prints it.
///
/// In the table, RESOURCES lists `release.info.resources`, each kind's entries being
/// the meta.k8s.io/v1 `Table` objects the API server returns for the release's objects
/// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), in the caller's kind order
/// (helm's is Go's random map order); entries of other shapes are skipped. JSON and YAML
/// print the record itself, `info.resources` included as given.
///
/// # Errors
/// When the record holds a number JSON cannot express (NaN or infinity).
pub fn status(release: &Release, opts: &StatusOptions<'_>) -> Result<String> {
    match opts.format {
        OutputFormat::Table => table_text(release, opts),
        OutputFormat::Json | OutputFormat::Yaml => {
            let stripped;
            let shown = if opts.include_chart || release.chart.is_none() {
                release
            } else {
                stripped = Release {
                    chart: None,
                    ..release.clone()
                };
                &stripped
            };
            if opts.format == OutputFormat::Json {
                encode_json(shown)
            } else {
                encode_yaml(shown)
            }
        }
    }
}

fn is_set(t: Option<&GoTime>) -> Option<&GoTime> {
    t.filter(|t| !t.is_zero())
}

fn table_text(release: &Release, opts: &StatusOptions<'_>) -> Result<String> {
    let info = release.info.clone().unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "NAME: {}", release.name);
    if let Some(t) = is_set(info.last_deployed.as_ref()) {
        let _ = writeln!(out, "LAST DEPLOYED: {}", gotime::format(t, ANSIC, None));
    }
    let _ = writeln!(
        out,
        "NAMESPACE: {}",
        paint_namespace(&release.namespace, opts.color)
    );
    let _ = writeln!(
        out,
        "STATUS: {}",
        paint_status(info.status.as_str(), opts.color)
    );
    let _ = writeln!(out, "REVISION: {}", release.version);
    if opts.show_metadata {
        let meta = release
            .chart
            .as_ref()
            .and_then(|c| c.metadata.clone())
            .unwrap_or_default();
        let _ = writeln!(out, "CHART: {}", meta.name);
        let _ = writeln!(out, "VERSION: {}", meta.version);
        let _ = writeln!(out, "APP_VERSION: {}", meta.app_version);
    }
    let _ = writeln!(out, "DESCRIPTION: {}", info.description);

    if !info.resources.is_empty() {
        let _ = write!(out, "RESOURCES:\n{}\n", resources(&info.resources));
    }

    let tests: Vec<_> = release
        .hooks
        .iter()
        .filter(|h| h.events.contains(&HookEvent::Test))
        .collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    }
    for hook in tests {
        // helm prints nothing for a test that never started.
        let Some(started) = is_set(hook.last_run.started_at.as_ref()) else {
            continue;
        };
        let completed = hook.last_run.completed_at.unwrap_or_default();
        let _ = write!(
            out,
            "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
            hook.name,
            gotime::format(started, ANSIC, None),
            gotime::format(&completed, ANSIC, None),
            hook.last_run.phase,
        );
    }

    if let Some(computed) = opts.debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&yaml_of_config(&release.config)?);
        out.push_str("\nCOMPUTED VALUES:\n");
        out.push_str(&yaml_of_computed(computed)?);
        out.push('\n');
    }

    if info.description.eq_ignore_ascii_case("Dry run complete") || opts.debug.is_some() {
        out.push_str("HOOKS:\n");
        for hook in &release.hooks {
            let _ = write!(out, "---\n# Source: {}\n{}\n", hook.path, hook.manifest);
        }
        let _ = write!(out, "MANIFEST:\n{}\n", release.manifest);
    }

    if !opts.hide_notes && !info.notes.is_empty() {
        let _ = write!(out, "NOTES:\n{}\n", info.notes.trim());
    }
    Ok(out)
}

/// The RESOURCES block: per kind `==> KIND`, its tables, a blank line. One printer serves
/// all kinds, so a kind whose columns equal the previous table's prints no header again
/// (kubectl's `HumanReadablePrinter`); each object's table is aligned on its own.
fn resources(resources: &serde_json::Map<String, Value>) -> String {
    let mut out = String::new();
    let mut last_columns: Option<&Value> = None;
    let mut printed_headers = false;
    for (kind, objects) in resources {
        let _ = writeln!(out, "==> {kind}");
        for table in objects.as_array().into_iter().flatten() {
            if table.get("kind").and_then(Value::as_str) != Some("Table") {
                continue;
            }
            let columns = table
                .get("columnDefinitions")
                .filter(|c| c.as_array().is_some_and(|a| !a.is_empty()));
            let mut no_headers = false;
            if printed_headers && (columns.is_none() || columns == last_columns) {
                no_headers = true;
            }
            match columns {
                Some(c) if Some(c) != last_columns => {
                    last_columns = Some(c);
                    printed_headers = false;
                }
                _ => {}
            }
            let rows: &[Value] = table
                .get("rows")
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice);
            if !rows.is_empty() {
                printed_headers = true;
            }
            let Some(columns) = last_columns.and_then(Value::as_array) else {
                continue;
            };
            out.push_str(&table::tabwriter(&table_text_rows(
                columns, rows, no_headers,
            )));
        }
        out.push('\n');
    }
    out
}

/// kubectl's `printTable` without wide output: columns of priority 0, upper-case
/// headers (none when there are no rows), string cells cut at their first line break.
fn table_text_rows(columns: &[Value], rows: &[Value], no_headers: bool) -> String {
    let shown = |c: &Value| c.get("priority").and_then(Value::as_i64).unwrap_or(0) == 0;
    let mut out = String::new();
    if !no_headers {
        if rows.is_empty() {
            return out;
        }
        let names: Vec<String> = columns
            .iter()
            .filter(|c| shown(c))
            .map(|c| {
                c.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_uppercase()
            })
            .collect();
        out.push_str(&names.join("\t"));
        out.push('\n');
    }
    for row in rows {
        let cells: &[Value] = row
            .get("cells")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let mut texts = Vec::new();
        for (cell, column) in cells.iter().zip(columns) {
            if shown(column) {
                texts.push(cell_text(cell));
            }
        }
        out.push_str(&texts.join("\t"));
        out.push('\n');
    }
    out
}

fn cell_text(cell: &Value) -> String {
    let text = match cell {
        Value::Null => String::new(),
        Value::String(s) => match s.find(['\u{c}', '\n', '\r']) {
            Some(cut) => return format!("{}...", escape_terminal(&s[..cut])),
            None => s.clone(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        // Go's fmt.Sprint of a map or slice; tables from the API server do not hold them.
        other => other.to_string(),
    };
    escape_terminal(&text)
}

/// cli-runtime's `EscapeTerminal`: ESC and CR made visible, so a cell cannot move the
/// cursor.
fn escape_terminal(s: &str) -> String {
    s.replace('\u{1b}', "^[").replace('\r', "\\r")
}

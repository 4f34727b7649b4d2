//! `helm list` (`pkg/cmd/list.go`, sorting from `pkg/action/list.go`).

use anyhow::Result;
use charthouse_release::Release;
use serde::Serialize;

use super::gotime::{self, GO_STRING};
use super::{OutputFormat, app_version, chart_name, encode_json, encode_yaml, table};
use super::{paint_header, paint_namespace, paint_status};

/// Flags of `helm list` that change how releases are printed.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// `-o table|json|yaml`.
    pub format: OutputFormat,
    /// `-q/--short`: names only (one a line, or a JSON/YAML list of strings).
    pub short: bool,
    /// `--no-headers` (table only).
    pub no_headers: bool,
    /// Bold headers, coloured namespace and status in the table (see
    /// [`super::StatusOptions::color`]).
    pub color: bool,
    /// `--time-format`: a Go layout for UPDATED; `None` prints Go's `Time.String()`.
    pub time_format: Option<String>,
    /// The zone Go's `time.Local` is, which names zones in UPDATED; `None` reads `$TZ`
    /// or `/etc/localtime` as Go does. Only times recorded with a non-UTC offset use it.
    pub local_zone: Option<chrono_tz::Tz>,
}

/// helm's `releaseElement`: every field a string.
#[derive(Serialize)]
struct Element {
    name: String,
    namespace: String,
    revision: String,
    updated: String,
    status: String,
    chart: String,
    app_version: String,
}

/// Sorts releases as `helm list` does: by name, `reverse` for names descending; with
/// `by_date` by last deployment (whole seconds) oldest first, ties by name, `reverse`
/// for newest first.
pub fn sort_releases(releases: &mut [Release], by_date: bool, reverse: bool) {
    if by_date {
        let seconds = |r: &Release| {
            r.info
                .as_ref()
                .and_then(|i| i.last_deployed)
                .unwrap_or_default()
                .unix_seconds()
        };
        releases.sort_by(|a, b| {
            seconds(a)
                .cmp(&seconds(b))
                .then_with(|| a.name.cmp(&b.name))
        });
    } else {
        releases.sort_by(|a, b| a.name.cmp(&b.name));
    }
    if reverse {
        releases.reverse();
    }
}

/// The releases, already filtered and sorted (see [`sort_releases`]), as `helm list`
/// prints them.
///
/// # Errors
/// Only when JSON encoding fails, which plain strings cannot make happen.
pub fn list(releases: &[Release], opts: &ListOptions) -> Result<String> {
    if opts.short {
        let names: Vec<&str> = releases.iter().map(|r| r.name.as_str()).collect();
        return match opts.format {
            OutputFormat::Json => encode_json(&names),
            OutputFormat::Yaml => encode_yaml(&names),
            OutputFormat::Table => Ok(names.iter().map(|n| format!("{n}\n")).collect()),
        };
    }
    let local = opts.local_zone.or_else(gotime::local_zone);
    let elements: Vec<Element> = releases
        .iter()
        .map(|r| {
            let info = r.info.clone().unwrap_or_default();
            let updated = match info.last_deployed.filter(|t| !t.is_zero()) {
                None => "-".to_owned(),
                Some(t) => {
                    let layout = opts.time_format.as_deref().unwrap_or(GO_STRING);
                    gotime::format(
                        &t,
                        if layout.is_empty() { GO_STRING } else { layout },
                        local,
                    )
                }
            };
            Element {
                name: r.name.clone(),
                namespace: r.namespace.clone(),
                revision: r.version.to_string(),
                updated,
                status: info.status.to_string(),
                chart: chart_name(r),
                app_version: app_version(r),
            }
        })
        .collect();
    match opts.format {
        OutputFormat::Json => encode_json(&elements),
        OutputFormat::Yaml => encode_yaml(&elements),
        OutputFormat::Table => {
            let mut rows = Vec::with_capacity(elements.len() + 1);
            if !opts.no_headers {
                let header = [
                    "NAME",
                    "NAMESPACE",
                    "REVISION",
                    "UPDATED",
                    "STATUS",
                    "CHART",
                    "APP VERSION",
                ];
                rows.push(header.iter().map(|h| paint_header(h, opts.color)).collect());
            }
            for e in elements {
                rows.push(vec![
                    e.name,
                    paint_namespace(&e.namespace, opts.color),
                    e.revision,
                    e.updated,
                    paint_status(&e.status, opts.color),
                    e.chart,
                    e.app_version,
                ]);
            }
            if rows.is_empty() {
                // uitable prints nothing for no rows; EncodeTable still adds a newline.
                return Ok("\n".to_owned());
            }
            Ok(table::uitable(&rows))
        }
    }
}

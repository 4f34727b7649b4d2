//! `helm history` (`pkg/cmd/history.go`): one row per revision, oldest first.

use anyhow::Result;
use charthouse_release::Release;
use serde::Serialize;

use super::gotime::{self, ANSIC};
use super::{OutputFormat, app_version, chart_name, encode_json, encode_yaml, table};

/// Flags of `helm history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryOptions {
    /// `-o table|json|yaml`.
    pub format: OutputFormat,
    /// `--max`: only the newest this many revisions (helm's default is 256).
    pub max: usize,
    /// `--show-rollback-revision`: a ROLLBACK column in the table.
    pub show_rollback_revision: bool,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            format: OutputFormat::Table,
            max: 256,
            show_rollback_revision: false,
        }
    }
}

/// helm's `releaseInfo` as its `MarshalJSON` writes it.
#[derive(Serialize)]
struct Entry {
    revision: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<charthouse_release::GoTime>,
    status: String,
    chart: String,
    app_version: String,
    #[serde(skip_serializing_if = "is_zero")]
    rollback_revision: i64,
    description: String,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The history of one release, `revisions` in any order.
///
/// An empty history prints `[]` in JSON and YAML and only the header in the table
/// (`helm history` itself fails earlier with "release: not found").
///
/// # Errors
/// Only when JSON encoding fails, which a record read from JSON cannot make happen.
pub fn history(revisions: &[Release], opts: &HistoryOptions) -> Result<String> {
    let mut sorted: Vec<&Release> = revisions.iter().collect();
    // Newest first, cut at --max, then oldest first again (getHistory).
    sorted.sort_by_key(|r| std::cmp::Reverse(r.version));
    sorted.truncate(opts.max);
    sorted.reverse();
    let entries: Vec<Entry> = sorted
        .into_iter()
        .map(|r| {
            let info = r.info.clone().unwrap_or_default();
            Entry {
                revision: r.version,
                updated: info.last_deployed.filter(|t| !t.is_zero()),
                status: info.status.to_string(),
                chart: chart_name(r),
                app_version: app_version(r),
                rollback_revision: info.rollback_revision,
                description: info.description,
            }
        })
        .collect();
    match opts.format {
        OutputFormat::Json => encode_json(&entries),
        OutputFormat::Yaml => encode_yaml(&entries),
        OutputFormat::Table => Ok(history_table(&entries, opts.show_rollback_revision)),
    }
}

fn history_table(entries: &[Entry], show_rollback: bool) -> String {
    let mut header = vec!["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"];
    if show_rollback {
        header.push("ROLLBACK");
    }
    header.push("DESCRIPTION");
    let mut rows = vec![header.into_iter().map(str::to_owned).collect::<Vec<_>>()];
    for e in entries {
        let updated = e.updated.unwrap_or_default();
        let mut row = vec![
            e.revision.to_string(),
            gotime::format(&updated, ANSIC, None),
            e.status.clone(),
            e.chart.clone(),
            e.app_version.clone(),
        ];
        if show_rollback {
            row.push(if e.rollback_revision > 0 {
                e.rollback_revision.to_string()
            } else {
                String::new()
            });
        }
        row.push(e.description.clone());
        rows.push(row);
    }
    table::uitable(&rows)
}

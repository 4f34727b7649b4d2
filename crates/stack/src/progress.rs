//! Progress output: on a terminal one live line per release (a spinner while it runs, then
//! its state); elsewhere plain timestamped lines. Then a summary table and one line per
//! failure naming the release and the cause. The text is built by pure functions.

use std::fmt;
use std::io::Write;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::model::ResolvedRelease;
use crate::schedule::{Finished, Observer, Status};

/// What an operation did to a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Installed (first revision).
    Installed,
    /// Upgraded to a new revision.
    Upgraded,
    /// Rendered manifests and values equal the live revision: nothing done.
    Unchanged,
    /// Differs from the live release (diff).
    Changed,
    /// Uninstalled.
    Deleted,
    /// Not installed, nothing to delete.
    Absent,
    /// Rendered locally (template).
    Rendered,
    /// Linted.
    Linted,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Installed => "installed",
            Action::Upgraded => "upgraded",
            Action::Unchanged => "unchanged",
            Action::Changed => "changed",
            Action::Deleted => "deleted",
            Action::Absent => "absent",
            Action::Rendered => "rendered",
            Action::Linted => "linted",
        })
    }
}

/// What an operation returns for a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What was done.
    pub action: Action,
    /// The release revision afterwards, when there is one.
    pub revision: Option<u64>,
    /// The chart version used, when known.
    pub chart_version: Option<String>,
}

impl Outcome {
    /// An outcome with only an action.
    pub fn new(action: Action) -> Outcome {
        Outcome {
            action,
            revision: None,
            chart_version: None,
        }
    }
}

/// One row of the summary table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Release name.
    pub release: String,
    /// Namespace.
    pub namespace: String,
    /// Chart reference.
    pub chart: String,
    /// Chart version (`-` when unknown).
    pub version: String,
    /// Action, or `failed`/`skipped`.
    pub action: String,
    /// Revision (`-` when none).
    pub revision: String,
    /// How long it took.
    pub time: String,
}

/// `1.2s`, `250ms`, `2m3s`: short and stable.
pub fn format_elapsed(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}m{}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// The short state of a finished release: its action, `failed` or `skipped`.
pub fn state_word<E>(status: &Status<Outcome, E>) -> String {
    match status {
        Status::Done(o) => o.action.to_string(),
        Status::Failed(_) => "failed".to_owned(),
        Status::Skipped(_) => "skipped".to_owned(),
    }
}

/// The summary row of one release.
pub fn row<E>(release: &ResolvedRelease, result: &Finished<Outcome, E>) -> Row {
    let (version, revision) = match &result.status {
        Status::Done(o) => (
            o.chart_version.clone().or_else(|| release.chart_version()),
            o.revision.map(|r| r.to_string()),
        ),
        _ => (release.chart_version(), None),
    };
    Row {
        release: release.name.clone(),
        namespace: release.namespace.clone(),
        chart: release.chart.to_string(),
        version: version.unwrap_or_else(|| "-".to_owned()),
        action: state_word(&result.status),
        revision: revision.unwrap_or_else(|| "-".to_owned()),
        time: format_elapsed(result.elapsed),
    }
}

/// The summary table: a header and one line per row, columns padded to their widest
/// cell and separated by two spaces, trailing spaces trimmed.
pub fn summary_table(rows: &[Row]) -> String {
    let header = [
        "RELEASE",
        "NAMESPACE",
        "CHART",
        "VERSION",
        "ACTION",
        "REVISION",
        "TIME",
    ];
    let cells: Vec<[&str; 7]> = std::iter::once(header)
        .chain(rows.iter().map(|r| {
            [
                r.release.as_str(),
                r.namespace.as_str(),
                r.chart.as_str(),
                r.version.as_str(),
                r.action.as_str(),
                r.revision.as_str(),
                r.time.as_str(),
            ]
        }))
        .collect();
    let mut widths = [0usize; 7];
    for line in &cells {
        for (w, c) in widths.iter_mut().zip(line) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for line in &cells {
        let mut text = String::new();
        for (i, c) in line.iter().enumerate() {
            text.push_str(c);
            if i + 1 < line.len() {
                let pad = widths[i] - c.chars().count() + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// One line per failed or skipped release: `release NS/NAME: CAUSE`.
pub fn failure_lines<T, E: fmt::Display>(results: &[Finished<T, E>]) -> String {
    let mut out = String::new();
    for r in results {
        match &r.status {
            Status::Failed(e) => out.push_str(&format!("release {} failed: {e}\n", r.id)),
            Status::Skipped(cause) => out.push_str(&format!("release {} skipped: {cause}\n", r.id)),
            Status::Done(_) => {}
        }
    }
    out
}

/// A plain progress line: `2026-11-21T21:40:00Z web/web-env: started`.
pub fn plain_line(at: chrono::DateTime<chrono::Utc>, id: &str, state: &str) -> String {
    format!("{} {id}: {state}\n", at.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// The text after a release's id when it ends: its state, time and any cause.
pub fn finished_text<E: fmt::Display>(result: &Finished<Outcome, E>) -> String {
    match &result.status {
        Status::Done(o) => {
            let rev = o
                .revision
                .map(|r| format!(" (revision {r})"))
                .unwrap_or_default();
            format!("{}{rev} in {}", o.action, format_elapsed(result.elapsed))
        }
        Status::Failed(e) => format!("failed after {}: {e}", format_elapsed(result.elapsed)),
        Status::Skipped(cause) => format!("skipped: {cause}"),
    }
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Live lines with spinners (a terminal).
    Live,
    /// Timestamped lines (a pipe or file).
    Plain,
    /// Nothing.
    Silent,
}

/// Prints progress for a [`crate::run_dag`] run (on stderr).
pub struct Printer {
    mode: Mode,
    bars: Vec<Option<ProgressBar>>,
    out: Box<dyn Write + Send>,
}

impl fmt::Debug for Printer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Printer").field("mode", &self.mode).finish()
    }
}

impl Printer {
    /// A printer for `releases` (plan order); [`Mode::Live`] draws on stderr, the other
    /// modes write to `out`.
    pub fn new(mode: Mode, releases: &[&ResolvedRelease], out: Box<dyn Write + Send>) -> Printer {
        let multi = MultiProgress::with_draw_target(match mode {
            Mode::Live => ProgressDrawTarget::stderr(),
            _ => ProgressDrawTarget::hidden(),
        });
        let mut bars = Vec::new();
        if mode == Mode::Live {
            let style = ProgressStyle::with_template("{spinner} {prefix} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            for r in releases {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_prefix(r.id());
                bar.set_message("waiting");
                bars.push(Some(bar));
            }
        }
        Printer { mode, bars, out }
    }

    /// [`Mode::Live`] when stderr is a terminal, else [`Mode::Plain`] on stderr.
    pub fn for_stderr(releases: &[&ResolvedRelease]) -> Printer {
        use std::io::IsTerminal;
        let mode = if std::io::stderr().is_terminal() {
            Mode::Live
        } else {
            Mode::Plain
        };
        Printer::new(mode, releases, Box::new(std::io::stderr()))
    }

    /// Stops drawing; every release's last line stays on screen.
    pub fn finish(&mut self) {
        for bar in self.bars.iter().flatten() {
            if !bar.is_finished() {
                bar.abandon();
            }
        }
    }

    fn line(&mut self, id: &str, text: &str) {
        if self.mode == Mode::Plain {
            let _ = self
                .out
                .write_all(plain_line(chrono::Utc::now(), id, text).as_bytes());
        }
    }
}

impl<E: fmt::Display> Observer<Outcome, E> for Printer {
    fn started(&mut self, index: usize, release: &ResolvedRelease) {
        if let Some(Some(bar)) = self.bars.get(index) {
            bar.set_message("running");
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        self.line(&release.id(), "started");
    }

    fn finished(&mut self, result: &Finished<Outcome, E>, release: &ResolvedRelease) {
        let text = finished_text(result);
        if let Some(Some(bar)) = self.bars.get(result.index) {
            let mark = match result.status {
                Status::Done(_) => "✓",
                Status::Failed(_) => "✗",
                Status::Skipped(_) => "-",
            };
            bar.set_style(
                ProgressStyle::with_template("{prefix} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.finish_with_message(format!("{mark} {text}"));
        }
        self.line(&release.id(), &text);
    }
}

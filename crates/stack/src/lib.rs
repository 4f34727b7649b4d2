//! Stackfiles: a stackfile plus environment overlays resolve to the releases charthouse
//! installs (seed 001's helmstack format, with what its TODO list asks for).
//!
//! - [`load`] reads stackfiles (`-f a.yaml -f b.yaml`), `.env` and the environment
//!   (`${VAR}`, `${VAR:-default}`), `variables`, the chosen environment's overlays, values
//!   files (`*.gotmpl` rendered with charthouse's template engine) and `set` maps into a
//!   [`Stack`] of [`ResolvedRelease`]s; git charts (`git+https://…@path?ref=…`) are
//!   fetched with gix when a cache directory is given. Errors name file, line, column
//!   and key.
//! - [`load_defaults`]/[`find_defaults`] read `.charthouse.yaml`.
//! - [`Selector`] and [`select`] pick releases (`-l tier=web,name!=db`).
//! - [`Plan`] and [`run_dag`] run an operation in `needs` order with bounded
//!   concurrency; [`Printer`] shows progress and [`summary_table`] the result.
//! - [`template_release`], [`lint_release`], [`build_yaml`], [`list_table`]: the
//!   commands that need no cluster.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir_all(dir.path().join("charts/web"))?;
//! std::fs::write(
//!     dir.path().join("stackfile.yaml"),
//!     "releases:\n  - name: web\n    namespace: apps\n    chart: charts/web\n    set: {replicas: 2}\n",
//! )?;
//! let stack = charthouse_stack::load(&charthouse_stack::LoadOptions {
//!     files: vec![dir.path().join("stackfile.yaml")],
//!     ..Default::default()
//! })?;
//! assert_eq!(stack.releases[0].id(), "apps/web");
//! assert_eq!(stack.releases[0].values["replicas"], charthouse_goyaml::Value::Int(2));
//! # Ok(()) }
//! ```

pub mod cluster;
mod config;
mod dag;
mod diff;
mod dotenv;
mod error;
mod git;
mod interp;
mod load;
mod model;
mod output;
mod progress;
mod render;
mod schedule;
mod select;
mod spec;
mod values;
mod view;
mod yaml;

pub use config::{DEFAULTS_FILE, Defaults, find_defaults, load_defaults};
pub use dag::{check_cycles, topological_order};
pub use diff::{manifest_diff, mask_secrets};
pub use dotenv::parse_dotenv;
pub use error::{Error, Loc, Result};
pub use git::parse_git_url;
pub use interp::Vars;
pub use load::{DEFAULT_STACKFILE, LoadOptions, load};
pub use model::{ChartRef, Flags, GitChart, Repository, ResolvedRelease, Stack};
pub use output::{build_yaml, go_duration, list_table};
pub use progress::{
    Action, Mode, Outcome, Printer, Row, failure_lines, finished_text, format_elapsed, plain_line,
    row, state_word, summary_table,
};
pub use render::{LintResult, RenderOptions, lint_release, template_release};
pub use schedule::{Direction, Finished, Observer, Plan, Quiet, RunOptions, Status, run_dag};
pub use select::{Selector, Term, select};

/// `dir/rel` with `.` components dropped and `..` applied to the components before it
/// (lexically, as Go's `filepath.Join` cleans), so paths print as people write them.
pub(crate) fn join_clean(dir: &std::path::Path, rel: &str) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in dir.join(rel).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(
                    out.components().next_back(),
                    Some(Component::RootDir | Component::Prefix(_))
                ) {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// An I/O error's reason as Go prints it (`no such file or directory`), without Rust's
/// `(os error 2)` suffix.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn join_clean_is_lexical() {
        let j = |d: &str, r: &str| super::join_clean(Path::new(d), r).display().to_string();
        assert_eq!(j("examples/stack", "../charts/web"), "examples/charts/web");
        assert_eq!(j("a", "./b/./c"), "a/b/c");
        assert_eq!(j("", "../x"), "../x");
        assert_eq!(j("/", "../x"), "/x");
        assert_eq!(j("a", "/abs/p"), "/abs/p");
    }
}

//! Helm charts as helm v4.3.1 loads them, and the values a render sees.
//!
//! This crate's one job: turn a chart (directory or `.tgz`) plus the user's
//! values flags into a [`Chart`] tree and the final `.Values`, with helm's
//! exact semantics and error texts. It knows nothing of templates,
//! rendering or clusters.
//!
//! - Loading: [`load`], [`load_dir`], [`load_archive_file`], [`load_archive`],
//!   [`load_files`] (with [`Rules`] for `.helmignore`).
//! - Model: [`Chart`], [`File`], [`Metadata`], [`Dependency`], [`Maintainer`], [`Lock`].
//!
//! ```no_run
//! let chart = charthouse_chart::load("path/to/mychart")?;
//! println!("{} {}", chart.name(), chart.metadata.version);
//! # Ok::<(), charthouse_chart::Error>(())
//! ```

mod archive;
mod chart;
mod coalesce;
mod dependencies;
mod error;
mod godecode;
mod gofmt;
mod gomatch;
mod ignore;
mod loader;
mod metadata;
mod prepare;
mod schema;
pub mod semver;
mod shared;
mod slog;
pub mod strvals;
mod values;

pub use archive::MAX_DECOMPRESSED_CHART_SIZE;
pub use chart::{Chart, File};
pub use coalesce::{GLOBAL_KEY, coalesce_tables, coalesce_values, merge_tables, merge_values};
pub use dependencies::{check_dependencies, check_installable, process_dependencies};
pub use error::{Error, Result};
pub use ignore::Rules;
pub use loader::{load, load_archive, load_archive_file, load_dir, load_files};
pub use metadata::{Dependency, Lock, Maintainer, Metadata};
pub use prepare::{PrepareOptions, Prepared, prepare};
pub use schema::{validate_against_schema, validate_against_single_schema};
pub use values::{SourceReader, ValuesOptions, read_local_source};

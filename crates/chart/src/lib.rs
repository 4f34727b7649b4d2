//! Helm charts as helm v4.3.1 loads them, and the values a render sees.
//!
//! This crate's one job: turn a chart (directory or `.tgz`) plus the user's
//! values flags into a [`Chart`] tree and the final `.Values`, with helm's
//! semantics and error texts (each [`Error`] displays exactly what helm
//! prints after `Error: `). It knows nothing of templates, rendering or
//! clusters, and does no network I/O.
//!
//! The pipeline `helm template`/`helm install` runs, in helm's order:
//!
//! 1. [`ValuesOptions::merge`]: `-f` files, then `--set-json`, `--set`,
//!    `--set-string`, `--set-file`, `--set-literal` (helm's `MergeValues`,
//!    with the [`strvals`] parser).
//! 2. [`load`]: a directory (honouring `.helmignore`, see [`Rules`]) or a
//!    `.tgz`, subcharts under `charts/` included; `Chart.yaml`,
//!    `requirements.yaml`, locks and `values.yaml` decoded with helm's YAML
//!    rules; metadata validated. Load-time warnings are on
//!    [`Chart::warnings`].
//! 3. [`prepare`]: library charts refused, missing dependencies reported,
//!    `ProcessDependencies` (aliases, `condition`, `tags`, `import-values`),
//!    coalescing with chart defaults and `global`, then JSON Schema
//!    validation. The result, [`Prepared`], holds the processed chart tree,
//!    the final values and the warnings helm would print.
//!
//! For the render step, [`Prepared::values_for`] gives each chart's
//! `.Values`, [`Chart::metadata_value`] its `.Chart` (Go field names),
//! [`Chart::templates`] and [`Chart::files`] its templates and `.Files`,
//! [`Chart::full_path`] the `chart/charts/sub` prefix of template names and
//! [`Chart::crd_objects`] the `crds/` files.
//!
//! ```
//! use charthouse_chart::{File, PrepareOptions, ValuesOptions, load_files, prepare};
//! use charthouse_goyaml::Value;
//!
//! let file = |name: &str, text: &str| File { name: name.into(), data: text.as_bytes().to_vec() };
//! let chart = load_files(vec![
//!     file("Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n"),
//!     file("values.yaml", "replicas: 1\nimage: {tag: '1.0'}\nglobal: {env: prod}\n"),
//!     file("templates/deploy.yaml", "kind: Deployment\n"),
//!     file("charts/db/Chart.yaml", "apiVersion: v2\nname: db\nversion: 0.1.0\n"),
//!     file("charts/db/values.yaml", "port: 5432\n"),
//! ])?;
//!
//! let flags = ValuesOptions {
//!     values: vec!["replicas=3,image.tag=null".into()],
//!     ..ValuesOptions::default()
//! };
//! let user = flags.merge()?;
//! let prepared = prepare(chart, &user, &PrepareOptions::default())?;
//!
//! // `--set` integers stay int64; `null` removed the chart default.
//! assert_eq!(prepared.values["replicas"], Value::Int(3));
//! assert_eq!(prepared.values["image"], Value::Map(Default::default()));
//! // The subchart sees its defaults plus the parent's globals.
//! let db = &prepared.chart.dependencies[0];
//! let db_values = prepared.values_for(db);
//! assert_eq!(db_values["port"], Value::Float(5432.0));
//! assert_eq!(db.full_path(), "web/charts/db");
//! assert!(db_values["global"].as_map().is_some_and(|g| g.contains_key("env")));
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
mod schema_pattern;
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
pub use prepare::{PrepareOptions, Prepared, prepare, validate_release_name};
pub use schema::{validate_against_schema, validate_against_single_schema};
pub use values::{SourceReader, ValuesOptions, read_local_source};

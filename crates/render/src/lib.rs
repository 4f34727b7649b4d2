//! Helm v4.3.1's rendering engine and the output of `helm template`.
//!
//! This crate's one job: turn a loaded chart and its final values into what
//! `helm template` prints, byte for byte. It knows nothing of clusters.
//!
//! - [`engine`]: the template set across a chart and its subcharts, the top-level
//!   objects (`.Values`, `.Release`, `.Chart`, `.Files`, `.Capabilities`, `.Template`),
//!   helm's error rewriting.
//! - [`manifest`]: splitting rendered files into documents, hooks, install order.
//! - [`capabilities`], [`files`]: the host objects templates see.
//! - [`template`]: `helm template` itself (values, dependencies, schema, NOTES, CRDs,
//!   hooks, `--show-only`, `--output-dir`); [`lint`] and [`show`] for `helm lint`/`show`.
//! - [`rewrite`]: helm's rewriting of Go template errors.
//!
//! ```
//! use charthouse_chart::File;
//! use charthouse_render::{Capabilities, EngineOptions, ReleaseInfo, render};
//!
//! let file = |name: &str, data: &str| File { name: name.into(), data: data.as_bytes().to_vec() };
//! let chart = charthouse_chart::load_files(vec![
//!     file("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
//!     file("values.yaml", "replicas: 2\n"),
//!     file("templates/cm.yaml", "name: {{ .Release.Name }}-{{ .Chart.Name }}\nreplicas: {{ .Values.replicas }}\n"),
//! ])?;
//! let values = charthouse_chart::coalesce_values(&chart, &Default::default(), &mut Vec::new())?;
//! let release = ReleaseInfo {
//!     name: "rel".into(),
//!     namespace: "default".into(),
//!     revision: 1,
//!     is_install: true,
//!     is_upgrade: false,
//! };
//! let files = render(&chart, &values, &release, &Capabilities::default(), &EngineOptions::default())?;
//! assert_eq!(files["demo/templates/cm.yaml"], "name: rel-demo\nreplicas: 2\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod capabilities;
mod convert;
pub mod engine;
mod error;
pub mod files;
mod glob;
mod gomatch;
pub mod lint;
pub mod manifest;
pub mod rewrite;
pub mod show;
pub mod template;
pub mod values;

pub use capabilities::{Capabilities, KubeVersion};
pub use engine::{EngineOptions, ReleaseInfo, render};
pub use error::Error;
pub use template::{TemplateRequest, template};

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

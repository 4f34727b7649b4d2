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

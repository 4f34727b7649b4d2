//! Chart repositories, OCI registries, packaging and dependencies, as helm v4.3.1 handles
//! them, sharing helm's files so an existing helm setup works as it is:
//! `repositories.yaml` ([`repofile`]), the index cache `NAME-index.yaml` ([`repos`]), the
//! content cache of downloaded charts (`XX/SHA256.chart`, [`locate::cache_path`]) and the
//! registry credentials file ([`oci::CredentialsFile`]).
//!
//! Entry points:
//! - [`locate_chart`] (and [`locate`] for the details `pull` prints): turn a chart reference
//!   (directory, `.tgz`, `REPO/CHART`, a name with `--repo URL`, an archive URL,
//!   `oci://REGISTRY/PATH/CHART[:TAG|@DIGEST]`) plus [`LocateOptions`] (`--version`
//!   constraint, `--devel`, credentials, TLS, `--plain-http`) into a local path that
//!   `charthouse_chart::load` reads. Every command that takes a chart calls it.
//! - [`repos`]: `repo add/update/remove`; [`index::IndexFile`]: `repo index` and index reading.
//! - [`search::search`] over [`summary::load_for_search`]: `search repo`.
//! - [`oci`]: `push`, `pull`, `registry login/logout`.
//! - [`package::package_dir`]: `package`; [`deps`]: `dependency update/build/list`, `Chart.lock`
//!   and `--dependency-update` ([`deps::update_if_missing`]).
//!
//! ```no_run
//! use charthouse_repo::{LocateOptions, Paths, locate_chart};
//!
//! let paths = Paths {
//!     repository_config: "/home/me/.config/helm/repositories.yaml".into(),
//!     repository_cache: "/home/me/.cache/helm/repository".into(),
//!     registry_config: "/home/me/.config/helm/registry/config.json".into(),
//!     content_cache: "/home/me/.cache/helm/content".into(),
//! };
//! let opts = LocateOptions { version: "^1.2".into(), ..LocateOptions::default() };
//! let chart_path = locate_chart("bitnami/nginx", &opts, &paths)?;
//! let chart = charthouse_chart::load(&chart_path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! All network I/O is blocking (one request at a time, `repo update` in threads): callers in
//! async code run these functions with `tokio::task::spawn_blocking`.

pub mod archive;
pub mod deps;
pub mod digest;
mod error;
mod fsutil;
pub mod http;
pub mod index;
pub mod locate;
pub mod oci;
pub mod package;
pub mod records;
pub mod repofile;
pub mod repos;
pub mod search;
pub mod summary;
pub mod table;

use std::path::PathBuf;

pub use error::{Error, Result};
pub use locate::{LocateOptions, Located, locate, locate_chart};

/// helm's file locations this crate reads and writes (the subset of `helm env` it needs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    /// `HELM_REPOSITORY_CONFIG`: the repositories file.
    pub repository_config: PathBuf,
    /// `HELM_REPOSITORY_CACHE`: cached indexes.
    pub repository_cache: PathBuf,
    /// `HELM_REGISTRY_CONFIG`: registry credentials.
    pub registry_config: PathBuf,
    /// `HELM_CONTENT_CACHE`: downloaded charts by digest.
    pub content_cache: PathBuf,
}

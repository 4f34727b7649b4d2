//! Cluster access for charthouse: everything that talks to the Kubernetes API.
//!
//! This crate knows nothing of charts or releases. It turns helm's global flags into a
//! kube-rs client, resolves `apiVersion`/`kind` through a discovery cache kept on disk as
//! kubectl keeps it, applies objects (server-side apply with field manager `helm`, or
//! helm's client-side three-way merge), deletes them, waits for them with kstatus rules,
//! and answers templates' `lookup`.
//!
//! Waiting: [`kstatus`] computes one object's status as helm v4's kstatus does, and [`wait`]
//! waits for sets of objects (`--wait`, `--wait-for-jobs`, hooks, uninstall `--wait`).

pub mod apply;
pub mod client;
pub mod discovery;
mod error;
pub mod kstatus;
pub mod lookup;
pub mod manifest;
pub mod object;
pub mod wait;

#[doc(inline)]
pub use client::{Cluster, ClusterOptions};
#[doc(inline)]
pub use error::Error;
#[doc(inline)]
pub use manifest::Object;
#[doc(inline)]
pub use object::{ObjectRef, Resource};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

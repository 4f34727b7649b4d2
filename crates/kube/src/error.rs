//! The one error type of this crate.

use std::path::PathBuf;
use std::time::Duration;

/// What went wrong talking to the cluster.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The kubeconfig could not be read or names a missing context/cluster/user.
    #[error("kubeconfig: {message}")]
    Kubeconfig {
        /// The reader's explanation, naming the file or context.
        message: String,
    },
    /// Building a client from the configuration failed.
    #[error("creating the Kubernetes client: {source}")]
    Client {
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// An API request failed.
    #[error("{step} {object}: {}", crate::apply::api_message(source))]
    Api {
        /// What was being done (`get`, `apply`, `delete`, `list`, …).
        step: &'static str,
        /// The object or resource, as helm names it (`Kind/namespace/name`).
        object: String,
        /// The cause, with the API server's message.
        #[source]
        source: kube::Error,
    },
    /// Discovery does not know the kind.
    #[error(
        "resource mapping not found for name: {name:?} namespace: {namespace:?} from \"\": no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
    )]
    UnknownKind {
        /// The object's name.
        name: String,
        /// The object's namespace, empty when none.
        namespace: String,
        /// The `kind` field.
        kind: String,
        /// The `apiVersion` field.
        api_version: String,
    },
    /// A manifest is not a Kubernetes object (missing apiVersion, kind or name).
    #[error("invalid object: {message}")]
    InvalidObject {
        /// What is missing or malformed.
        message: String,
    },
    /// Reading or writing the discovery cache failed.
    #[error("discovery cache {path}: {source}")]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Objects did not become ready in time.
    #[error("{message}")]
    WaitTimeout {
        /// helm's wording, listing what was not ready.
        message: String,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// An object reached a terminal failure while being waited for.
    #[error("{message}")]
    WaitFailed {
        /// helm's wording, naming the object and its reason.
        message: String,
    },
}

impl Error {
    /// A stable CamelCase label for the variant.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Kubeconfig { .. } => "Kubeconfig",
            Error::Client { .. } => "Client",
            Error::Api { .. } => "Api",
            Error::UnknownKind { .. } => "UnknownKind",
            Error::InvalidObject { .. } => "InvalidObject",
            Error::Cache { .. } => "Cache",
            Error::WaitTimeout { .. } => "WaitTimeout",
            Error::WaitFailed { .. } => "WaitFailed",
        }
    }

    /// The HTTP status the API server answered with, when this is an API error.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Error::Api {
                source: kube::Error::Api(status),
                ..
            } => Some(status.code),
            _ => None,
        }
    }
}

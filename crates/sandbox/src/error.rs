//! The crate's one error type: what can go wrong while starting or stopping a sandbox.
//!
//! Errors a *client* causes (bad requests, conflicts, missing objects) are not in here: they
//! are answered on the wire as Kubernetes `Status` objects (see `status.rs`) and never reach
//! the caller of [`crate::Sandbox::start`].

use std::path::PathBuf;

/// Everything that can fail while starting, running or stopping a sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding the listening socket failed.
    #[error("binding the API server socket {addr}")]
    Bind {
        /// The address we tried to listen on.
        addr: std::net::SocketAddr,
        /// The operating system's answer.
        #[source]
        source: std::io::Error,
    },
    /// Generating the certificate authority or the serving certificate failed.
    #[error("generating the sandbox's TLS certificates")]
    GenerateCertificates(#[source] rcgen::Error),
    /// Building the rustls server configuration failed.
    #[error("configuring TLS for the API server")]
    ConfigureTls(#[source] rustls::Error),
    /// Reading, replaying or compacting the persistence log failed.
    #[error("reading or writing the sandbox data directory {path}")]
    Persistence {
        /// The file that could not be read or written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A persisted record could not be decoded.
    #[error("decoding record {line} of the sandbox data log {path}")]
    CorruptLog {
        /// The log file.
        path: PathBuf,
        /// 1-based line number of the bad record.
        line: usize,
        /// The JSON decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// Opening the audit log failed.
    #[error("opening the audit log {path}")]
    AuditLog {
        /// The audit log file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Writing a kubeconfig file failed.
    #[error("writing the kubeconfig {path}")]
    WriteKubeconfig {
        /// The kubeconfig file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Building a kube-rs client for the sandbox failed.
    #[error("building a kube client for the sandbox")]
    Client(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The embedded API data (discovery or OpenAPI documents) could not be decoded.
    #[error("decoding the embedded API data {what}")]
    EmbeddedData {
        /// Which embedded file was bad.
        what: &'static str,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A stable CamelCase name for the failed step, for metrics and logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Bind { .. } => "Bind",
            Error::GenerateCertificates(_) => "GenerateCertificates",
            Error::ConfigureTls(_) => "ConfigureTls",
            Error::Persistence { .. } => "Persistence",
            Error::CorruptLog { .. } => "CorruptLog",
            Error::AuditLog { .. } => "AuditLog",
            Error::WriteKubeconfig { .. } => "WriteKubeconfig",
            Error::Client(_) => "Client",
            Error::EmbeddedData { .. } => "EmbeddedData",
        }
    }
}

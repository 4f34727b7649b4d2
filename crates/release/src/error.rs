//! The crate's one error type.

/// What went wrong reading or writing a release record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The payload is not valid base64.
    #[error("release payload is not valid base64")]
    DecodeBase64(#[source] base64::DecodeError),
    /// The payload claims to be gzip but does not decompress.
    #[error("release payload is not valid gzip")]
    Gunzip(#[source] std::io::Error),
    /// The decoded payload is not a release JSON document.
    #[error("release payload is not a valid release record")]
    ParseRecord(#[source] serde_json::Error),
    /// The record could not be written as JSON (a float that JSON cannot hold).
    #[error("cannot encode release {name:?} as JSON")]
    EncodeRecord {
        /// The release being encoded.
        name: String,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// Compressing the payload failed.
    #[error("cannot compress the release payload")]
    Gzip(#[source] std::io::Error),
    /// A storage object lacks the `release` payload or has the wrong shape.
    #[error("storage object {object:?} is not a helm release: {reason}")]
    NotAReleaseObject {
        /// The object's name.
        object: String,
        /// What is missing.
        reason: &'static str,
    },
    /// `HELM_DRIVER` names no storage driver charthouse has.
    #[error("unknown driver {0:?}")]
    UnknownDriver(String),
    /// A release name breaks helm's rules.
    #[error("{0}")]
    InvalidName(String),
}

impl Error {
    /// A stable CamelCase reason, for metrics and status conditions.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::DecodeBase64(_) => "DecodeBase64",
            Error::Gunzip(_) => "Gunzip",
            Error::ParseRecord(_) => "ParseRecord",
            Error::EncodeRecord { .. } => "EncodeRecord",
            Error::Gzip(_) => "Gzip",
            Error::NotAReleaseObject { .. } => "NotAReleaseObject",
            Error::UnknownDriver(_) => "UnknownDriver",
            Error::InvalidName(_) => "InvalidName",
        }
    }
}

//! The crate's one error type.

use thiserror::Error;

/// Everything that can go wrong while patching, applying or validating an object.
///
/// Each variant names the step that failed and carries the JSON field path
/// (`.spec.template.spec.containers[name="a"]` style for readability, or the
/// JSON pointer for RFC 6902 operations) so callers can turn it into an API
/// `Status` without re-parsing the message.
#[non_exhaustive]
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// The embedded built-in schema or a schema document could not be read.
    #[error("load schema {what}: {message}")]
    LoadSchema {
        /// Which document or type was being read.
        what: String,
        /// What was wrong with it.
        message: String,
    },
    /// A CustomResourceDefinition's `openAPIV3Schema` could not be turned into a type.
    #[error("read CustomResourceDefinition {crd} at {path}: {message}")]
    ReadCrd {
        /// `metadata.name` of the CRD.
        crd: String,
        /// Field path inside the CRD.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A JSON patch (RFC 6902) document is not a valid list of operations.
    /// The message is the text evanphx/json-patch gives, which the apiserver
    /// returns with 400 Bad Request.
    #[error("{message}")]
    DecodeJsonPatch {
        /// Index of the offending operation, if the failure is in one.
        index: Option<usize>,
        /// The Go library's message.
        message: String,
    },
    /// A JSON patch operation could not be applied (the apiserver answers 422
    /// with this text).
    #[error("{message}")]
    ApplyJsonPatch {
        /// Index of the failed operation in the patch.
        index: usize,
        /// The operation's `path` (or `from` when that is what failed).
        path: String,
        /// The Go library's message.
        message: String,
    },
    /// A JSON merge patch (RFC 7386) could not be applied or computed.
    #[error("merge patch at {path}: {message}")]
    MergePatch {
        /// Field path where it failed.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A strategic merge patch could not be applied.
    #[error("strategic merge patch at {path}: {message}")]
    StrategicPatch {
        /// Field path where it failed.
        path: String,
        /// What was wrong (matches the apiserver's text where it has one).
        message: String,
    },
    /// A three-way strategic merge patch could not be computed.
    #[error("compute strategic merge patch at {path}: {message}")]
    StrategicDiff {
        /// Field path where it failed.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// `metadata.managedFields` or a `fieldsV1` set could not be decoded.
    #[error("decode managed fields at {path}: {message}")]
    ManagedFields {
        /// Location inside the managed fields.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// An object does not fit its type (e.g. a list where a map belongs, or a
    /// map-list item missing a key) while computing its field set.
    #[error("{path}: {message}")]
    Typed {
        /// Field path of the offending value.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl Error {
    /// A stable CamelCase name of the failed step, for metrics and Status reasons.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::LoadSchema { .. } => "LoadSchema",
            Error::ReadCrd { .. } => "ReadCrd",
            Error::DecodeJsonPatch { .. } => "DecodeJsonPatch",
            Error::ApplyJsonPatch { .. } => "ApplyJsonPatch",
            Error::MergePatch { .. } => "MergePatch",
            Error::StrategicPatch { .. } => "StrategicPatch",
            Error::StrategicDiff { .. } => "StrategicDiff",
            Error::ManagedFields { .. } => "ManagedFields",
            Error::Typed { .. } => "Typed",
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

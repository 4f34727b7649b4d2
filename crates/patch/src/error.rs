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
    /// A server-side apply request is malformed (the apiserver answers 400):
    /// `metadata.managedFields must be nil`, `invalid object type: ...`.
    #[error("{message}")]
    ApplyRequest {
        /// The apiserver's text.
        message: String,
    },
    /// A server-side apply configuration does not fit its type; the message
    /// is the apiserver's (`failed to create typed patch object (ns/name;
    /// gvk): .spec.x: field not declared in schema`), answered with 500.
    #[error("{message}")]
    ApplyConfig {
        /// `namespace/name; group/version, Kind=Kind` of the configuration.
        object: String,
        /// The whole apiserver message.
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
            Error::ApplyRequest { .. } => "ApplyRequest",
            Error::ApplyConfig { .. } => "ApplyConfig",
            Error::ManagedFields { .. } => "ManagedFields",
            Error::Typed { .. } => "Typed",
        }
    }
}

impl Error {
    /// The message as the apiserver words it, without this crate's step and
    /// location prefix (e.g. evanphx/json-patch's or apimachinery's text).
    pub fn api_message(&self) -> &str {
        match self {
            Error::LoadSchema { message, .. }
            | Error::ReadCrd { message, .. }
            | Error::DecodeJsonPatch { message, .. }
            | Error::ApplyJsonPatch { message, .. }
            | Error::MergePatch { message, .. }
            | Error::StrategicPatch { message, .. }
            | Error::StrategicDiff { message, .. }
            | Error::ApplyRequest { message }
            | Error::ApplyConfig { message, .. }
            | Error::ManagedFields { message, .. }
            | Error::Typed { message, .. } => message,
        }
    }

    /// The HTTP status the apiserver answers a PATCH that fails this way
    /// with (k8s.io/apiserver `handlers/patch.go`): 413 for a JSON patch of
    /// more than 10000 operations, 400 for an undecodable
    /// JSON patch, a `null` merge patch or the malformed-directive errors of
    /// `interpretStrategicMergePatchError`; 422 for a JSON patch operation
    /// that does not apply (message "the server rejected our request due to
    /// an error in our request", the library's text as the cause), for lists
    /// of lists and for patch content that does not match `$retainKeys`;
    /// 500 for every other strategic-merge failure (an internal error there)
    /// and for an apply configuration that does not fit its type.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::DecodeJsonPatch { message, .. }
                if message.starts_with("The allowed maximum operations") =>
            {
                413
            }
            Error::DecodeJsonPatch { .. }
            | Error::MergePatch { .. }
            | Error::ApplyRequest { .. } => 400,
            Error::ApplyJsonPatch { .. } => 422,
            Error::StrategicPatch { message, .. } => match message.as_str() {
                "invalid JSON document"
                | "invalid patch format of primitive list"
                | "invalid patch format of retainKeys"
                | "invalid patch format of setElementOrder list"
                | "strategic merge patch format is not supported" => 400,
                "lists of lists are not supported"
                | "patch content doesn't match retainKeys list" => 422,
                _ => 500,
            },
            Error::Typed { .. } => 422,
            _ => 500,
        }
    }
}

/// `Result` with this crate's [`Error`](enum@Error).
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_apiserver() {
        let sp = |m: &str| Error::StrategicPatch {
            path: ".spec".into(),
            message: m.into(),
        };
        assert_eq!(sp("invalid patch format of retainKeys").http_status(), 400);
        assert_eq!(sp("lists of lists are not supported").http_status(), 422);
        assert_eq!(
            sp("map: map[] does not contain declared merge key: name").http_status(),
            500
        );
        let e = Error::ApplyJsonPatch {
            index: 0,
            path: "/x".into(),
            message: "testing value /x failed: test failed".into(),
        };
        assert_eq!(e.http_status(), 422);
        assert_eq!(e.api_message(), "testing value /x failed: test failed");
        assert_eq!(e.reason(), "ApplyJsonPatch");
    }
}

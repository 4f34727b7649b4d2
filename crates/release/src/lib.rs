//! Helm's release record and how it is stored, byte-compatible with helm v4.3.1.
//!
//! A release revision is one JSON document (helm's `release.v1.Release`), stored gzipped
//! and base64-encoded in a Secret or ConfigMap named `sh.helm.release.v1.NAME.vREV`, with
//! labels that let clients list releases without decoding payloads. charthouse and helm
//! must be able to read and rewrite each other's records, so this crate keeps helm's
//! field order, Go's `encoding/json` spelling (HTML-safe escapes, float formatting, sorted
//! map keys), and every JSON field it does not know about.
//!
//! The crate is pure: it builds and reads storage objects as JSON and knows nothing of
//! rendering or of how objects reach the cluster.
//!
//! Principal items: [`Release`] (the record), [`codec`] (payload encoding),
//! [`storage`] (Secret/ConfigMap objects, labels, names), [`history`] (which revision is
//! deployed, what `--history-max` prunes).
//!
//! ```
//! use charthouse_release::{Release, Status, codec, storage};
//!
//! let json = r#"{"name":"web","info":{"status":"deployed"},"version":3,"namespace":"apps","future_field":1}"#;
//! let release: Release = serde_json::from_str(json)?;
//! assert_eq!(release.info.as_ref().map(|i| &i.status), Some(&Status::Deployed));
//! assert_eq!(storage::key(&release.name, release.version), "sh.helm.release.v1.web.v3");
//!
//! // Unknown fields survive a round trip through helm's payload encoding.
//! let payload = codec::encode(&release)?;
//! assert_eq!(codec::encode_json(&codec::decode(&payload)?)?, json.as_bytes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod chart;
pub mod codec;
mod error;
pub mod gojson;
pub mod history;
mod name;
mod record;
pub mod storage;
mod time;

#[doc(inline)]
pub use error::Error;
#[doc(inline)]
pub use name::validate_release_name;
#[doc(inline)]
pub use record::{
    ApplyMethod, Hook, HookDeletePolicy, HookEvent, HookExecution, HookOutputLogPolicy, HookPhase,
    Info, Release, Status,
};
#[doc(inline)]
pub use time::GoTime;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

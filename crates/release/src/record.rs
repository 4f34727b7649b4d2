//! The release record: helm's `release.v1.Release` and its parts, field for field.
//!
//! Field order, names and `omitempty` rules follow helm v4's Go structs
//! (`pkg/release/v1/release.go`, `info.go`, `hook.go`), so that our JSON is byte-identical
//! to helm's. Every struct keeps the JSON fields it does not know in `extra` and writes
//! them back, so a record written by a newer helm survives our rewrite.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::chart::ChartRecord;
use crate::time::{self, GoTime};

/// Declares a Go string type with known values, keeping unknown ones verbatim.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value this version does not know, kept as written.
            Other(String),
        }

        impl $name {
            /// The value as helm spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::from(String::deserialize(d)?.as_str()))
            }
        }
    };
}

string_enum! {
    /// The state of a release revision (`pkg/release/common/status.go`).
    Status {
        /// The release is in an uncertain state.
        Unknown = "unknown",
        /// The release is live on the cluster.
        Deployed = "deployed",
        /// The release was uninstalled (history kept).
        Uninstalled = "uninstalled",
        /// A newer revision replaced this one.
        Superseded = "superseded",
        /// The operation that made this revision failed.
        Failed = "failed",
        /// An uninstall is under way.
        Uninstalling = "uninstalling",
        /// An install is under way.
        PendingInstall = "pending-install",
        /// An upgrade is under way.
        PendingUpgrade = "pending-upgrade",
        /// A rollback is under way.
        PendingRollback = "pending-rollback",
    }
}

impl Status {
    /// Whether an operation holds this revision (`pending-*`).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }

    fn is_unset(&self) -> bool {
        matches!(self, Status::Other(s) if s.is_empty())
    }
}

impl Default for Status {
    /// Go's zero value: the empty string, omitted from JSON.
    fn default() -> Self {
        Status::Other(String::new())
    }
}

string_enum! {
    /// How a revision's resources were applied (helm v4 `apply_method`).
    ApplyMethod {
        /// Client-side apply (three-way strategic merge), helm 3's way; the default when unset.
        ClientSideApply = "csa",
        /// Server-side apply with field manager `helm`, helm 4's default.
        ServerSideApply = "ssa",
    }
}

string_enum! {
    /// When a hook runs (`helm.sh/hook` annotation values).
    HookEvent {
        /// Before any resource of an install.
        PreInstall = "pre-install",
        /// After all resources of an install.
        PostInstall = "post-install",
        /// Before an uninstall deletes anything.
        PreDelete = "pre-delete",
        /// After an uninstall deleted everything.
        PostDelete = "post-delete",
        /// Before an upgrade applies anything.
        PreUpgrade = "pre-upgrade",
        /// After an upgrade applied everything.
        PostUpgrade = "post-upgrade",
        /// Before a rollback applies anything.
        PreRollback = "pre-rollback",
        /// After a rollback applied everything.
        PostRollback = "post-rollback",
        /// Run by `helm test`.
        Test = "test",
    }
}

string_enum! {
    /// When a hook's resource is deleted (`helm.sh/hook-delete-policy`).
    HookDeletePolicy {
        /// After the hook succeeded.
        HookSucceeded = "hook-succeeded",
        /// After the hook failed.
        HookFailed = "hook-failed",
        /// Before a new instance of the hook is created.
        BeforeHookCreation = "before-hook-creation",
    }
}

string_enum! {
    /// When a hook's logs are copied back (`helm.sh/hook-output-log-policy`).
    HookOutputLogPolicy {
        /// After the hook succeeded.
        OnSucceeded = "hook-succeeded",
        /// After the hook failed.
        OnFailed = "hook-failed",
    }
}

string_enum! {
    /// The outcome of a hook's last run.
    HookPhase {
        /// Unknown.
        Unknown = "Unknown",
        /// Still running.
        Running = "Running",
        /// Succeeded.
        Succeeded = "Succeeded",
        /// Failed.
        Failed = "Failed",
    }
}

impl Default for HookPhase {
    /// Go's zero value: the empty string (a hook that never ran).
    fn default() -> Self {
        HookPhase::Other(String::new())
    }
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// One revision of a release, as helm stores it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Release {
    /// The release name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Status, times, description and notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// The chart that was released, with its templates, values and files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartRecord>,
    /// The values the user supplied (not merged with the chart's defaults).
    #[serde(
        default,
        skip_serializing_if = "Map::is_empty",
        serialize_with = "crate::gojson::sorted"
    )]
    pub config: Map<String, Value>,
    /// The rendered manifest (hooks excluded), as `helm get manifest` prints it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// The release's hooks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<Hook>,
    /// The revision number, from 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: i64,
    /// The namespace the release lives in.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// How resources were applied; unset means client-side apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_method: Option<ApplyMethod>,
    /// JSON fields this version does not know, written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// User labels: stored on the Secret/ConfigMap, never in the JSON.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
}

impl Release {
    /// The revision's status (unset when the record has no info).
    pub fn status(&self) -> Status {
        self.info
            .as_ref()
            .map(|i| i.status.clone())
            .unwrap_or_default()
    }
}

/// Status, times, description and notes of a revision (`release.v1.Info`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Info {
    /// When the release was first installed.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub first_deployed: Option<GoTime>,
    /// When this revision was deployed.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub last_deployed: Option<GoTime>,
    /// When the release was uninstalled.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub deleted: Option<GoTime>,
    /// A human-readable log entry ("Install complete", "Rollback to 2").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The revision's state.
    #[serde(default, skip_serializing_if = "Status::is_unset")]
    pub status: Status,
    /// For a rollback, the revision rolled back to.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rollback_revision: i64,
    /// The rendered NOTES.txt.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Deployed resources by kind, when helm recorded them.
    #[serde(
        default,
        skip_serializing_if = "Map::is_empty",
        serialize_with = "crate::gojson::sorted"
    )]
    pub resources: Map<String, Value>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A hook of a release (`release.v1.Hook`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Hook {
    /// The hook resource's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Its Kubernetes kind.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The chart-relative template path, e.g. `mychart/templates/job.yaml`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// The rendered manifest.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// The events it runs on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<HookEvent>,
    /// Its last execution (always written, even when it never ran).
    #[serde(default)]
    pub last_run: HookExecution,
    /// Order among hooks of the same event (lower first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weight: i64,
    /// When its resource is deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete_policies: Vec<HookDeletePolicy>,
    /// When its logs are copied back (`helm.sh/hook-output-log-policy`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_log_policies: Vec<HookOutputLogPolicy>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// When a hook last ran and how it ended (`release.v1.HookExecution`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HookExecution {
    /// When it started.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub started_at: Option<GoTime>,
    /// When it completed.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub completed_at: Option<GoTime>,
    /// How it ended (empty when it never ran).
    #[serde(default)]
    pub phase: HookPhase,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

//! Conflicts between field managers, with the apiserver's wording
//! (k8s.io/apimachinery `pkg/util/managedfields/internal/conflict.go`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::entries::identifier;
use crate::error::Error;

/// One field owned by another manager that an apply would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The other manager's name.
    pub manager: String,
    /// Its operation (`Apply` or `Update`).
    pub operation: String,
    /// Its API version (shown for `Update` managers).
    pub api_version: String,
    /// Its subresource, if any.
    pub subresource: Option<String>,
    /// The field, as the apiserver prints it (`.data.x`).
    pub field_path: String,
}

impl Conflict {
    /// The manager as the apiserver names it in messages: `"a"`, or
    /// `"kubectl" using v1` for an Update manager, with `with subresource "status"` when set.
    pub fn manager_display(&self) -> String {
        let mut s = format!("{:?}", self.manager);
        if let Some(sub) = &self.subresource {
            s = format!("{s} with subresource {sub:?}");
        }
        if self.operation == "Update" {
            s = format!("{s} using {}", self.api_version);
        }
        s
    }
}

/// Why a server-side apply failed.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    /// Fields other managers own would change (HTTP 409).
    #[error("{}", conflict_message(.0))]
    Conflicts(Vec<Conflict>),
    /// The request or the stored object could not be processed.
    #[error(transparent)]
    Invalid(#[from] Error),
}

impl ApplyError {
    /// The `Status` object the apiserver answers a conflict with (409,
    /// reason `Conflict`, one `FieldManagerConflict` cause per field), or
    /// `None` for [`ApplyError::Invalid`].
    pub fn status(&self) -> Option<Value> {
        let ApplyError::Conflicts(conflicts) = self else {
            return None;
        };
        let causes: Vec<Value> = conflicts
            .iter()
            .map(|c| {
                json!({
                    "reason": "FieldManagerConflict",
                    "message": format!("conflict with {}", c.manager_display()),
                    "field": c.field_path,
                })
            })
            .collect();
        Some(json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": conflict_message(conflicts),
            "reason": "Conflict",
            "details": {"causes": causes},
            "code": 409
        }))
    }
}

pub(super) fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [c] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            c.manager_display(),
            c.field_path
        );
    }
    // Grouped by manager, managers in the order of their encoded identifiers.
    let mut by: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for c in conflicts {
        by.entry(manager_identifier(c))
            .or_insert_with(|| (c.manager_display(), Vec::new()))
            .1
            .push(&c.field_path);
    }
    let mut lines = Vec::new();
    for (display, paths) in by.values() {
        lines.push(format!("conflicts with {display}:"));
        for p in paths {
            lines.push(format!("- {p}"));
        }
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}

/// BuildManagerIdentifier: the JSON of the entry without fields and time
/// (and without apiVersion for Apply).
pub(super) fn manager_identifier(c: &Conflict) -> String {
    identifier(
        &c.manager,
        &c.operation,
        &c.api_version,
        c.subresource.as_deref(),
    )
}

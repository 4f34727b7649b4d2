//! The client-side-apply upgrade path of server-side apply for the manager
//! `kubectl` (k8s.io/apimachinery `pkg/util/managedfields/internal`
//! `lastappliedmanager.go`, `lastappliedupdater.go`).

use std::collections::HashSet;

use serde_json::Value;

use super::ApplyOptions;
use crate::managed::path_string;
use crate::schema::TypeRef;
use crate::typed;

/// The manager name for which the apiserver maintains the client-side
/// apply annotation on server-side apply.
pub(super) const KUBECTL: &str = "kubectl";
/// The annotation `kubectl apply` (client-side) stores its configuration in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub(super) fn last_applied(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/annotations")?
        .get(LAST_APPLIED)?
        .as_str()
}

/// The paths (as printed) a `kubectl` apply may take over without force:
/// those the last-applied annotation sets and the live object still holds
/// unchanged (allowedConflictsFromLastApplied).
pub(super) fn allowed_by_last_applied(
    live: &Value,
    opts: &ApplyOptions,
    ty: TypeRef<'_>,
) -> Option<HashSet<String>> {
    let text = last_applied(live).filter(|s| !s.is_empty())?;
    let last: Value = serde_json::from_str(text).ok()?;
    if last.get("apiVersion").and_then(Value::as_str) != Some(opts.api_version.as_str()) {
        return None;
    }
    let set = typed::to_field_set(&last, ty).ok()?;
    let cmp = typed::compare(&last, live, ty).ok()?;
    let allowed = set
        .difference(&cmp.modified)
        .difference(&cmp.added)
        .difference(&cmp.removed);
    Some(allowed.paths().iter().map(|p| path_string(p)).collect())
}

/// The annotation value: the applied configuration without the annotation
/// itself, encoded as Go's unstructured JSON encoder does (sorted keys,
/// trailing newline).
pub(super) fn build_last_applied(config: &Value) -> String {
    let mut c = config.clone();
    if let Some(meta) = c.get_mut("metadata").and_then(Value::as_object_mut) {
        let now_empty = match meta.get_mut("annotations").and_then(Value::as_object_mut) {
            Some(ann) => {
                ann.shift_remove(LAST_APPLIED);
                ann.is_empty()
            }
            None => false,
        };
        if now_empty {
            meta.shift_remove("annotations");
        }
    }
    format!("{}\n", crate::gofmt::go_marshal(&c))
}

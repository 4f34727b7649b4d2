//! Server-side apply and managed-fields bookkeeping against recorded
//! apiserver exchanges.

use charthouse_patch::ssa::{self, ApplyError, ApplyOptions, UpdateOptions};
use charthouse_patch::{Schema, merge_patch, strategic};
use serde_json::Value;

use crate::util::fixture;

const T: &str = "2026-11-21T18:51:22Z";

fn apply_opts(manager: &str, force: bool) -> ApplyOptions {
    ApplyOptions {
        manager: manager.into(),
        force,
        time: T.into(),
        subresource: None,
        api_version: "v1".into(),
    }
}

fn update_opts(manager: &str, time: &str, api_version: &str) -> UpdateOptions {
    UpdateOptions {
        manager: manager.into(),
        time: time.into(),
        subresource: None,
        api_version: api_version.into(),
    }
}

/// The recorded object without the fields the storage layer sets
/// (namespace, uid, resourceVersion, creationTimestamp, generation).
fn without_storage_fields(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "namespace",
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
        ] {
            m.shift_remove(k);
        }
    }
    v
}

/// Byte-for-byte comparison of the JSON encodings.
fn same_bytes(a: &Value, b: &Value) {
    assert_eq!(
        serde_json::to_string_pretty(a).unwrap(),
        serde_json::to_string_pretty(b).unwrap()
    );
}

#[test]
fn first_apply_creates_object_with_apply_entry() {
    let rec = fixture("ssa_apply_manager_a.json");
    let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
    let out = ssa::apply(None, &rec["request"], &apply_opts("a", false), ty).unwrap();
    same_bytes(
        &out["metadata"]["managedFields"],
        &rec["response"]["metadata"]["managedFields"],
    );
    assert_eq!(out["data"], rec["response"]["data"]);
    assert_eq!(
        without_storage_fields(rec["response"].clone())["metadata"],
        out["metadata"]
    );
}

#[test]
fn second_manager_conflicts_with_recorded_status() {
    let live = fixture("ssa_apply_manager_a.json")["response"].clone();
    let rec = fixture("ssa_apply_manager_b_conflict_409.json");
    let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
    let err = ssa::apply(Some(&live), &rec["request"], &apply_opts("b", false), ty).unwrap_err();
    assert!(matches!(err, ApplyError::Conflicts(ref c) if c.len() == 1));
    assert_eq!(err.to_string(), rec["response"]["message"]);
    same_bytes(&err.status().unwrap(), &rec["response"]);
    assert_eq!(rec["code"], 409);
}

#[test]
fn forced_apply_takes_ownership_as_recorded() {
    let live = fixture("ssa_apply_manager_a.json")["response"].clone();
    let rec = fixture("ssa_apply_manager_b_force.json");
    let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
    let out = ssa::apply(Some(&live), &rec["request"], &apply_opts("b", true), ty).unwrap();
    same_bytes(
        &without_storage_fields(out),
        &without_storage_fields(rec["response"].clone()),
    );
}

#[test]
fn create_records_update_entry_as_recorded() {
    let rec = fixture("create_configmap.json");
    let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
    let out = ssa::track_update(
        None,
        &rec["request"],
        &update_opts("curl", "2026-11-21T18:51:21Z", "v1"),
        ty,
    )
    .unwrap();
    same_bytes(
        &out["metadata"]["managedFields"],
        &rec["response"]["metadata"]["managedFields"],
    );
}

#[test]
fn merge_patch_extends_the_same_update_entry() {
    let live = fixture("create_configmap.json")["response"].clone();
    let rec = fixture("merge_patch.json");
    let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
    let patched = merge_patch::apply(&live, &rec["request"]).unwrap();
    let out = ssa::track_update(Some(&live), &patched, &update_opts("curl", T, "v1"), ty).unwrap();
    same_bytes(
        &without_storage_fields(out),
        &without_storage_fields(rec["response"].clone()),
    );
}

#[test]
fn deployment_create_compares_against_the_zero_object() {
    // The field manager sees the object after defaulting: the response body.
    let rec = fixture("strategic_merge_patch_deployment_create.json");
    let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
    let mut defaulted = rec["response"].clone();
    if let Some(m) = defaulted["metadata"].as_object_mut() {
        m.shift_remove("managedFields");
    }
    let out = ssa::track_update(None, &defaulted, &update_opts("curl", T, "apps/v1"), ty).unwrap();
    same_bytes(
        &out["metadata"]["managedFields"],
        &rec["response"]["metadata"]["managedFields"],
    );
}

#[test]
fn strategic_patch_keeps_entries_when_owner_changes_own_field() {
    let rec = fixture("strategic_merge_patch.json");
    let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
    // The stored object just before the patch: as recorded after it, with the old image.
    let mut before = rec["response"].clone();
    before["spec"]["template"]["spec"]["containers"][1]["image"] = "busybox".into();
    let patched = strategic::apply(&before, &rec["request"], ty).unwrap();
    let out = ssa::track_update(
        Some(&before),
        &patched,
        &update_opts("curl", T, "apps/v1"),
        ty,
    )
    .unwrap();
    same_bytes(
        &out["metadata"]["managedFields"],
        &rec["response"]["metadata"]["managedFields"],
    );
    assert_eq!(out["spec"], rec["response"]["spec"]);
}

//! JSON patch, merge patch and strategic merge patch against recorded
//! apiserver exchanges.

use charthouse_patch::{Schema, json_patch, merge_patch, strategic};
use serde_json::{Value, json};

use crate::util::fixture;

/// The object without what the server itself maintains on every write.
fn without_server_fields(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["resourceVersion", "managedFields", "generation"] {
            m.shift_remove(k);
        }
    }
    v
}

#[test]
fn merge_patch_of_configmap_matches_apiserver() {
    let live = fixture("create_configmap.json")["response"].clone();
    let rec = fixture("merge_patch.json");
    assert_eq!(rec["contentType"], "application/merge-patch+json");
    let out = merge_patch::apply(&live, &rec["request"]).unwrap();
    assert_eq!(
        without_server_fields(out),
        without_server_fields(rec["response"].clone())
    );
}

#[test]
fn strategic_merge_patch_of_containers_by_name_matches_apiserver() {
    let live = fixture("strategic_merge_patch_deployment_create.json")["response"].clone();
    let rec = fixture("strategic_merge_patch.json");
    let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
    let out = strategic::apply(&live, &rec["request"], ty).unwrap();
    // status and annotations were changed by the controller in between.
    assert_eq!(out["spec"], rec["response"]["spec"]);
    let names: Vec<&str> = out["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn strategic_merge_patch_with_deduced_type_replaces_lists() {
    let live = fixture("strategic_merge_patch_deployment_create.json")["response"].clone();
    let rec = fixture("strategic_merge_patch.json");
    let out = strategic::apply(&live, &rec["request"], Schema::builtin().deduced()).unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "b", "image": "busybox:2"}])
    );
}

#[test]
fn json_patch_on_recorded_configmap() {
    let live = fixture("create_configmap.json")["response"].clone();
    let out = json_patch::apply(
        &live,
        &json!([
            {"op": "test", "path": "/data/a", "value": "1"},
            {"op": "add", "path": "/data/b", "value": "2"},
            {"op": "remove", "path": "/metadata/labels/app"}
        ]),
    )
    .unwrap();
    assert_eq!(out["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(out["metadata"]["labels"], json!({}));
}

#[test]
fn empty_structs_appear_as_the_apiserver_serves_them() {
    let rec = fixture("strategic_merge_patch_deployment_create.json");
    let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
    let mut obj = rec["request"].clone();
    charthouse_patch::goenc::add_empty_structs(&mut obj, ty);
    assert_eq!(obj["status"], rec["response"]["status"]);
    for (got, want) in obj["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .zip(
            rec["response"]["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap(),
        )
    {
        assert_eq!(got["resources"], want["resources"]);
    }
}

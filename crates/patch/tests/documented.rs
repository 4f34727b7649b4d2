//! Behaviour the Kubernetes documentation shows ("Update API Objects in
//! Place Using kubectl patch", "Server-Side Apply").

use charthouse_patch::{Schema, merge_patch, strategic};
use serde_json::json;

fn patch_demo() -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "patch-demo"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "nginx"}},
        "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {
            "containers": [{"name": "patch-demo-ctr", "image": "nginx"}],
            "tolerations": [{"effect": "NoSchedule", "key": "dedicated", "value": "test-team"}]}}}})
}

#[test]
fn strategic_patch_adds_a_container_in_front_and_replaces_tolerations() {
    let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
    let out = strategic::apply(
        &patch_demo(),
        &json!({"spec": {"template": {"spec": {"containers": [
            {"name": "patch-demo-ctr-2", "image": "redis"}]}}}}),
        ty,
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "patch-demo-ctr-2", "image": "redis"}, {"name": "patch-demo-ctr", "image": "nginx"}])
    );
    // Tolerations have no patch strategy: the list is replaced.
    let out = strategic::apply(
        &out,
        &json!({"spec": {"template": {"spec": {"tolerations": [
            {"effect": "NoSchedule", "key": "disktype", "value": "ssd"}]}}}}),
        ty,
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["tolerations"],
        json!([{"effect": "NoSchedule", "key": "disktype", "value": "ssd"}])
    );
}

#[test]
fn merge_patch_replaces_the_container_list() {
    let out = merge_patch::apply(
        &patch_demo(),
        &json!({"spec": {"template": {"spec": {"containers": [
            {"name": "patch-demo-ctr-3", "image": "gcr.io/google-samples/hello-app:2.0"}]}}}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "patch-demo-ctr-3", "image": "gcr.io/google-samples/hello-app:2.0"}])
    );
}

#[test]
fn retain_keys_switches_the_strategy_type() {
    let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
    let live = json!({"spec": {"strategy": {"type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}});
    // Without $retainKeys the apiserver keeps rollingUpdate (and validation
    // then refuses the object); with it, rollingUpdate goes.
    let kept = strategic::apply(
        &live,
        &json!({"spec": {"strategy": {"type": "Recreate"}}}),
        ty,
    )
    .unwrap();
    assert!(kept["spec"]["strategy"].get("rollingUpdate").is_some());
    let out = strategic::apply(
        &live,
        &json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
        ty,
    )
    .unwrap();
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
}

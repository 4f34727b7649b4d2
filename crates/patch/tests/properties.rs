//! Properties that tie the patch computations to their application:
//! a computed patch, applied, must produce the target object.

use charthouse_patch::managed::FieldSet;
use charthouse_patch::{Schema, merge_patch, strategic};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn labels() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-d]", "[x-z]", 0..4)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

fn container() -> impl Strategy<Value = (String, Value)> {
    (
        "[a-e]",
        prop::option::of("[1-3]"),
        prop::collection::btree_map("[A-C]", "[0-2]", 0..3),
    )
        .prop_map(|(name, image, env)| {
            let mut c = Map::new();
            c.insert("name".into(), Value::String(name.clone()));
            if let Some(i) = image {
                c.insert("image".into(), Value::String(i));
            }
            if !env.is_empty() {
                let env: Vec<Value> = env
                    .into_iter()
                    .map(|(n, v)| json!({"name": n, "value": v}))
                    .collect();
                c.insert("env".into(), Value::Array(env));
            }
            (name, Value::Object(c))
        })
}

/// A Deployment-shaped object with labels, finalizers (a primitive merge
/// list), containers (a map-list merged by name, with a nested map-list)
/// and a retainKeys strategy.
fn deployment() -> impl Strategy<Value = Value> {
    (
        labels(),
        prop::collection::vec("[p-s]", 0..4),
        prop::collection::vec(container(), 0..4),
        prop::option::of(prop_oneof![Just("Recreate"), Just("RollingUpdate")]),
        prop::option::of(1..4i64),
    )
        .prop_map(|(labels, finalizers, containers, strategy, replicas)| {
            let mut seen = std::collections::BTreeSet::new();
            let containers: Vec<Value> = containers
                .into_iter()
                .filter(|(n, _)| seen.insert(n.clone()))
                .map(|(_, c)| c)
                .collect();
            let mut fin_seen = std::collections::BTreeSet::new();
            let finalizers: Vec<Value> = finalizers
                .into_iter()
                .filter(|f| fin_seen.insert(f.clone()))
                .map(Value::String)
                .collect();
            let mut meta = Map::new();
            meta.insert("name".into(), json!("d"));
            if !labels.is_empty() {
                meta.insert("labels".into(), Value::Object(labels));
            }
            if !finalizers.is_empty() {
                meta.insert("finalizers".into(), Value::Array(finalizers));
            }
            let mut spec = Map::new();
            if let Some(r) = replicas {
                spec.insert("replicas".into(), json!(r));
            }
            match strategy {
                Some("RollingUpdate") => {
                    spec.insert(
                        "strategy".into(),
                        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}),
                    );
                }
                Some(t) => {
                    spec.insert("strategy".into(), json!({"type": t}));
                }
                None => {}
            }
            if !containers.is_empty() {
                spec.insert(
                    "template".into(),
                    json!({"spec": {"containers": containers}}),
                );
            }
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec})
        })
}

/// A JSON value of bounded depth.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0..5i64).prop_map(|n| json!(n)),
        "[a-c]".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-d]", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON whose keys are the ones the patch code gives meaning to.
fn tricky_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("$patch"),
        Just("$retainKeys"),
        Just("$setElementOrder/containers"),
        Just("$deleteFromPrimitiveList/finalizers"),
        Just("$setElementOrder/finalizers"),
        Just("containers"),
        Just("name"),
        Just("metadata"),
        Just("spec"),
        Just("template"),
        Just("finalizers"),
        Just("ports"),
        Just("containerPort"),
        Just("protocol"),
        Just("strategy"),
        Just("type"),
        Just("data"),
        Just("apiVersion"),
        Just("kind"),
        Just("f:a"),
        Just("k:{\"name\":\"a\"}"),
        Just("v:1"),
        Just("i:0"),
        Just("."),
        Just("é:x"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0..3i64).prop_map(|n| json!(n)),
        prop_oneof![
            Just("a"),
            Just("delete"),
            Just("replace"),
            Just("merge"),
            Just("TCP"),
            Just("apps/v1")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(5, 48, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..5).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

/// Objects without nulls (a merge patch cannot set a value to null).
fn object_without_nulls() -> impl Strategy<Value = Value> {
    json_value()
        .prop_filter("object", Value::is_object)
        .prop_map(|mut v| {
            strip_nulls(&mut v);
            v
        })
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Go's diff cannot express reordering a primitive list into its sorted
/// order (diffListsOfScalars sorts the original in place before comparing,
/// see strategic/diff.rs), so such lists are compared as sets.
fn finalizers_sorted(mut v: Value) -> Value {
    if let Some(Value::Array(f)) = v.pointer_mut("/metadata/finalizers") {
        f.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn two_way_strategic_patch_reproduces_the_target(a in deployment(), b in deployment()) {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let patch = strategic::two_way(&a, &b, ty).unwrap();
        let out = strategic::apply(&a, &patch, ty).unwrap();
        prop_assert_eq!(finalizers_sorted(out), finalizers_sorted(b));
    }

    #[test]
    fn three_way_strategic_patch_converges_on_modified(
        original in deployment(), modified in deployment()
    ) {
        // The live object is the last applied one: the patch must yield modified.
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let patch = strategic::three_way(Some(&original), &modified, &original, ty, true).unwrap();
        let out = strategic::apply(&original, &patch, ty).unwrap();
        prop_assert_eq!(finalizers_sorted(out), finalizers_sorted(modified));
    }

    #[test]
    fn merge_patch_diff_reproduces_the_target(a in object_without_nulls(), b in object_without_nulls()) {
        let patch = Value::Object(merge_patch::diff(a.as_object().unwrap(), b.as_object().unwrap()));
        prop_assert_eq!(merge_patch::apply(&a, &patch).unwrap(), b.clone());
        let three = merge_patch::three_way(Some(&a), &b, &a).unwrap();
        prop_assert_eq!(merge_patch::apply(&a, &three).unwrap(), b);
    }

    #[test]
    fn json_patch_never_panics(doc in json_value(), ops in prop::collection::vec(
        (prop_oneof![Just("add"), Just("remove"), Just("replace"), Just("move"), Just("copy"), Just("test")],
         "(/[a-c0-2-]){0,3}", "(/[a-c0-2-]){0,3}", json_value()), 0..4)) {
        let patch: Vec<Value> = ops.into_iter()
            .map(|(op, path, from, value)| json!({"op": op, "path": path, "from": from, "value": value}))
            .collect();
        let _ = charthouse_patch::json_patch::apply(&doc, &Value::Array(patch));
    }

    #[test]
    fn nothing_panics_on_arbitrary_input(a in tricky_value(), b in tricky_value(), c in tricky_value()) {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let _ = strategic::apply(&a, &b, ty);
        let _ = strategic::three_way(Some(&a), &b, &c, ty, false);
        let _ = strategic::two_way(&a, &b, ty);
        let _ = merge_patch::apply(&a, &b);
        let _ = merge_patch::three_way(Some(&a), &b, &c);
        let _ = FieldSet::from_fields_v1(&a);
        let opts = charthouse_patch::ssa::ApplyOptions {
            manager: "kubectl".into(), force: false, time: "2026-01-01T00:00:00Z".into(),
            subresource: None, api_version: "apps/v1".into(),
        };
        let _ = charthouse_patch::ssa::apply(Some(&a), &b, &opts, ty);
        let _ = charthouse_patch::ssa::apply(None, &b, &opts, Schema::builtin().deduced());
        let u = charthouse_patch::ssa::UpdateOptions {
            manager: "m".into(), time: "2026-01-01T00:00:00Z".into(),
            subresource: None, api_version: "apps/v1".into(),
        };
        let _ = charthouse_patch::ssa::track_update(Some(&a), &b, &u, ty);
        let _ = charthouse_patch::validate::unknown_fields(&a, ty);
    }

    #[test]
    fn field_sets_round_trip_through_fields_v1(obj in deployment()) {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let live = charthouse_patch::ssa::apply(None, &obj, &charthouse_patch::ssa::ApplyOptions {
            manager: "m".into(), force: false, time: "2026-01-01T00:00:00Z".into(),
            subresource: None, api_version: "apps/v1".into(),
        }, ty).unwrap();
        if let Some(fields) = live.pointer("/metadata/managedFields/0/fieldsV1") {
            let set = FieldSet::from_fields_v1(fields).unwrap();
            prop_assert_eq!(&set.to_fields_v1(), fields);
        }
    }

    #[test]
    fn reapplying_a_configuration_converges(a in deployment(), b in deployment()) {
        // Applying a then b as the only manager yields exactly b's fields.
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let opts = charthouse_patch::ssa::ApplyOptions {
            manager: "m".into(), force: false, time: "2026-01-01T00:00:00Z".into(),
            subresource: None, api_version: "apps/v1".into(),
        };
        let live = charthouse_patch::ssa::apply(None, &a, &opts, ty).unwrap();
        let out = charthouse_patch::ssa::apply(Some(&live), &b, &opts, ty).unwrap();
        let mut got = out.clone();
        if let Some(m) = got["metadata"].as_object_mut() {
            m.shift_remove("managedFields");
        }
        prop_assert_eq!(got, b);
    }
}

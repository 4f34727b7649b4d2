//! Unknown fields survive, and any record survives encode → decode.

use charthouse_release::{Release, codec};
use proptest::prelude::*;
use serde_json::{Value, json};

#[test]
fn unknown_fields_at_every_level_survive() {
    let json = json!({
        "name": "r", "future": {"x": [1, 2]},
        "info": {"status": "deployed", "new_info": true},
        "chart": {"metadata": {"name": "c", "newMeta": "m"}, "lock": null, "templates": null,
                  "values": null, "schema": null, "schemamodtime": "0001-01-01T00:00:00Z",
                  "files": null, "chart_extra": 1},
        "hooks": [{"name": "h", "last_run": {"phase": "", "runner": "x"}, "hook_extra": 2}],
        "version": 1
    });
    let release: Release = serde_json::from_value(json.clone()).unwrap();
    let back: Value = serde_json::from_slice(&codec::encode_json(&release).unwrap()).unwrap();
    assert_eq!(back, json);
}

fn numbers_as_f64(v: &Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map_or(Value::Null, Value::from),
        Value::Array(items) => items.iter().map(numbers_as_f64).collect(),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), numbers_as_f64(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        ".*".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(".*", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn config_values_round_trip(config in prop::collection::btree_map("[a-z<>&]{0,6}", value(), 0..6), name in "[a-z]{1,10}") {
        let release = Release {
            name,
            version: 1,
            config: config.into_iter().collect(),
            ..Release::default()
        };
        let back = codec::decode(&codec::encode(&release).unwrap()).unwrap();
        prop_assert_eq!(&back.name, &release.name);
        // Go reads every JSON number as a float64: compare numbers by value.
        prop_assert_eq!(numbers_as_f64(&Value::Object(back.config)), numbers_as_f64(&Value::Object(release.config)));
    }
}

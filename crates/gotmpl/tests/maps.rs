//! Go's map reference semantics: a map assigned to a variable, passed to a function or a
//! template, or stored in another map is the same map, and a change made through one
//! handle is seen through all (<https://go.dev/blog/maps>). The functions below are
//! generic stand-ins for Sprig's `set`/`unset` (Go's `m[k] = v` and `delete(m, k)`).

use std::collections::BTreeMap;
use std::sync::Arc;

use charthouse_gotmpl::{Func, GoType, Map, Signature, Templates, Value, gofmt};

/// `put MAP KEY VALUE`: Go's `m[key] = value`, returning the map.
fn put() -> Func {
    Func::new(
        "put",
        Signature::new(
            vec![GoType::map(), GoType::String, GoType::Interface],
            GoType::map(),
        ),
        |_, a| {
            if let Some(m) = a[0].as_map() {
                m.insert(a[1].as_str().unwrap_or_default(), a[2].clone());
            }
            Ok(a[0].clone())
        },
    )
}

/// `del MAP KEY`: Go's `delete(m, key)`, returning the map.
fn del() -> Func {
    Func::new(
        "del",
        Signature::new(vec![GoType::map(), GoType::String], GoType::map()),
        |_, a| {
            if let Some(m) = a[0].as_map() {
                m.remove(a[1].as_str().unwrap_or_default());
            }
            Ok(a[0].clone())
        },
    )
}

/// `mk`: a new empty map.
fn mk() -> Func {
    Func::new("mk", Signature::new(vec![], GoType::map()), |_, _| {
        Ok(Value::map(BTreeMap::new()))
    })
}

fn run(src: &str, data: &Value) -> Result<String, String> {
    let mut t = Templates::named("gotpl");
    t.add_funcs([put(), del(), mk()]);
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", data).map_err(|e| e.to_string())
}

fn data() -> Value {
    Value::map_from([
        (
            "m",
            Value::map_from([("a", Value::int(1)), ("b", Value::int(2))]),
        ),
        (
            "l",
            Value::list(vec![Value::map_from([("n", Value::from("x"))])]),
        ),
    ])
}

#[test]
fn variable_alias_shares_the_map() {
    let d = data();
    assert_eq!(
        run(
            r#"{{ $b := .m }}{{ $_ := put $b "k" 1 }}{{ .m.k }} {{ len .m }} {{ index .m "k" }}"#,
            &d
        )
        .unwrap(),
        "1 3 1"
    );
}

#[test]
fn the_callers_data_sees_template_changes() {
    let d = data();
    run(r#"{{ $_ := put .m "k" "v" }}{{ $_ := del .m "a" }}"#, &d).unwrap();
    let m = d.as_map().unwrap().get("m").unwrap();
    let m = m.as_map().unwrap();
    assert_eq!(m.keys(), vec!["b", "k"]);
    assert_eq!(m.get("k"), Some(Value::from("v")));
}

#[test]
fn a_template_call_shares_its_argument() {
    let d = data();
    assert_eq!(
        run(
            r#"{{ define "x" }}{{ $_ := put . "k" "from-x" }}{{ end }}{{ template "x" .m }}{{ .m.k }}"#,
            &d
        )
        .unwrap(),
        "from-x"
    );
}

#[test]
fn maps_inside_lists_and_maps_are_shared() {
    let d = data();
    assert_eq!(
        run(
            r#"{{ $_ := put (index .l 0) "seen" true }}{{ .l }} {{ $in := mk }}{{ $out := put mk "in" $in }}{{ $_ := put $in "k" 1 }}{{ $out }}"#,
            &d
        )
        .unwrap(),
        "[map[n:x seen:true]] map[in:map[k:1]]"
    );
}

#[test]
fn range_iterates_the_map_as_it_was_when_the_loop_started() {
    // Go's walkRange sorts a copy of the entries (internal/fmtsort) before the first
    // iteration: added keys are not visited, removed ones still are, with old values.
    let d = data();
    assert_eq!(
        run(
            r#"{{ range $k, $v := .m }}{{ $_ := put $.m "z" 9 }}{{ $_ := del $.m "b" }}{{ $_ := put $.m "a" 7 }}{{ $k }}={{ $v }};{{ end }} {{ .m }}"#,
            &d
        )
        .unwrap(),
        "a=1;b=2; map[a:7 z:9]"
    );
}

#[test]
fn converted_views_share_entries_but_not_the_type() {
    let values = Map::named("chartutil.Values", BTreeMap::new());
    let plain = values.converted(GoType::Interface, None);
    plain.insert("k", Value::int(1));
    assert_eq!(values.get("k"), Some(Value::int(1)));
    assert!(Map::ptr_eq(&values, &plain));
    assert_eq!(values.id(), plain.id());
    assert_eq!(values.type_name(), "chartutil.Values");
    assert_eq!(plain.type_name(), "map[string]interface {}");
    let other = Map::new(BTreeMap::new());
    assert!(!Map::ptr_eq(&values, &other));
    // Equality is by type and content, not identity.
    assert_eq!(
        Value::map_from([("k", Value::int(1))]),
        Value::Map(Arc::new(plain))
    );
}

#[test]
fn a_map_set_into_itself_prints_a_cycle_marker_and_does_not_hang() {
    let d = Value::map_from([("a", Value::int(1))]);
    assert!(!d.is_cyclic());
    d.as_map().unwrap().insert("self", d.clone());
    assert!(d.is_cyclic());
    assert_eq!(
        gofmt::sprint(std::slice::from_ref(&d)),
        "map[a:1 self:%!v(CYCLE)]"
    );
    assert_eq!(
        run("{{ .self.self.a }} {{ . }}", &d).unwrap(),
        "1 map[a:1 self:%!v(CYCLE)]"
    );
    assert!(d.deep_copy().is_none());
    // Break the cycle so that the test does not leak the map.
    d.as_map().unwrap().remove("self");
}

#[test]
fn a_cycle_through_a_list_is_found() {
    let d = Value::map_from([("a", Value::int(1))]);
    let l = Value::list(vec![d.clone()]);
    d.as_map().unwrap().insert("l", l);
    assert!(d.is_cyclic());
    assert_eq!(
        gofmt::sprint(std::slice::from_ref(&d)),
        "map[a:1 l:[%!v(CYCLE)]]"
    );
    d.as_map().unwrap().remove("l");
    assert!(!d.is_cyclic());
}

#[test]
fn shared_but_acyclic_data_is_not_a_cycle() {
    let leaf = Value::map_from([("x", Value::int(1))]);
    let mut v = leaf.clone();
    // A diamond 40 levels deep: walked once per map, not 2^40 times.
    for _ in 0..40 {
        v = Value::map_from([("a", v.clone()), ("b", v)]);
    }
    assert!(!v.is_cyclic());
    let both = Value::map_from([("p", leaf.clone()), ("q", leaf)]);
    assert_eq!(gofmt::sprint(&[both]), "map[p:map[x:1] q:map[x:1]]");
}

#[test]
fn deep_copy_shares_nothing_and_keeps_types() {
    let inner = Value::map_from([("x", Value::int(1))]);
    let v = Value::Map(Arc::new(Map::named(
        "chartutil.Values",
        BTreeMap::from([
            ("n".to_string(), inner.clone()),
            ("l".to_string(), Value::list(vec![inner.clone()])),
        ]),
    )));
    let c = v.deep_copy().unwrap();
    assert_eq!(c, v);
    assert_eq!(c.type_name(), "chartutil.Values");
    let cn = c.as_map().unwrap().get("n").unwrap();
    cn.as_map().unwrap().insert("x", Value::int(2));
    let cl = c.as_map().unwrap().get("l").unwrap();
    cl.as_list().unwrap().items[0]
        .as_map()
        .unwrap()
        .insert("y", Value::int(3));
    assert_eq!(gofmt::sprint(&[inner]), "map[x:1]");
    assert_eq!(gofmt::sprint(&[c]), "map[l:[map[x:1 y:3]] n:map[x:2]]");
}

#[test]
fn very_deep_maps_copy_print_and_drop_without_overflow() {
    let mut v = Value::map(BTreeMap::new());
    for _ in 0..30_000 {
        v = Value::map_from([("n", v)]);
    }
    assert!(!v.is_cyclic());
    let c = v.deep_copy().unwrap();
    assert!(gofmt::sprint(&[c]).starts_with("map[n:map[n:"));
}

#[test]
fn maps_are_shared_across_threads() {
    let d = Value::map(BTreeMap::new());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let d = d.clone();
            std::thread::spawn(move || {
                for j in 0..100 {
                    d.as_map()
                        .unwrap()
                        .insert(format!("{i}-{j}"), Value::int(j));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(d.as_map().unwrap().len(), 400);
}

#[test]
fn the_zero_map_is_go_nil_map() {
    let z = GoType::map().zero();
    let m = z.as_map().unwrap();
    assert!(m.is_nil() && m.is_empty());
    assert!(!Map::new(BTreeMap::new()).is_nil());
    assert_eq!(
        gofmt::sprintf("%v|%#v", &[z.clone(), z.clone()]),
        "map[]|map[string]interface {}(nil)"
    );
    // A nil map passed to a map parameter stays nil (Sprig's set then fails as Go does).
    let mut t = Templates::named("gotpl");
    t.add_func(Func::new(
        "isNil",
        Signature::new(vec![GoType::map()], GoType::Bool),
        |_, a| Ok(Value::Bool(a[0].as_map().is_some_and(Map::is_nil))),
    ));
    t.parse("t", "{{ isNil nil }} {{ isNil .m }}").unwrap();
    assert_eq!(t.execute("t", &data()).unwrap(), "true false");
}

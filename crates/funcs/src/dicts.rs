//! Dictionary functions: Sprig's dict.go (`dict`, `get`, `set`, `unset`, `hasKey`,
//! `pluck`, `keys`, `pick`, `omit`, `values`, `dig`, `merge`, `mergeOverwrite`,
//! `deepCopy` and their `must` variants).
//!
//! Go maps are references (<https://go.dev/blog/maps>): `set`, `unset`, `merge` and
//! `mergeOverwrite` change the map they are given, in place, and return that same map
//! (sprig v3.3.0 dict.go), and charts rely on it (`{{ $_ := set $d "k" 1 }}`,
//! `{{ $_ := set .Values "x" 1 }}` seen by later templates). gotmpl's [`Map`] is shared
//! and mutable behind [`Value::Map`]'s `Arc`, so these functions change it through
//! [`Map::insert`]/[`Map::remove`]. `dict`, `pick` and `omit` build new maps;
//! `deepCopy` copies every nested map.

use std::collections::{BTreeMap, HashSet};

use charthouse_gotmpl::{Func, FuncError, GoType, Map, Value};

use crate::conv::{arg, arg_str, func, func_variadic, strval};
use crate::flow::is_empty;

/// The entries of a map argument as they are now (empty for anything else: the
/// executor already converted a nil argument to Go's nil map, which reads as empty).
fn entries(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => m.snapshot(),
        _ => BTreeMap::new(),
    }
}

fn new_map(e: BTreeMap<String, Value>) -> Value {
    Value::map(e)
}

/// The same Go map seen as Sprig's parameter type `map[string]interface {}`: Go's
/// assignment of a `chartutil.Values` to that type converts the static type and keeps
/// the map (so `typeOf (set .Values "k" 1)` is `map[string]interface {}`, and the
/// change is visible through `.Values`).
fn as_plain(v: &Value) -> Value {
    match v {
        Value::Map(m) if m.name.is_none() && m.elem == GoType::Interface => v.clone(),
        Value::Map(m) => Value::Map(std::sync::Arc::new(m.converted(GoType::Interface, None))),
        _ => new_map(BTreeMap::new()),
    }
}

/// mergo's `isEmptyValue` with dereferencing, on an interface element.
fn mergo_empty(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        v => is_empty(v),
    }
}

/// The error for data that contains itself: Go would recurse until its stack overflows.
fn cycle_error() -> FuncError {
    FuncError::new("cannot walk a map that contains itself (reference cycle)")
}

/// mergo `deepMerge` of two `map[string]interface {}` into `dst`, in place (Sprig's
/// `merge` with `overwrite == false`, `mergeOverwrite` with `true`;
/// dario.cat/mergo merge.go). Per source key, in sorted order:
/// - a nil source value is copied only when overwriting;
/// - a map source merges recursively into a map already there (changing that nested
///   map in place), and afterwards the entry is kept unless it is still empty;
/// - otherwise (slices included: mergo's slice branch ends the same way) the source
///   value itself, shared, replaces the destination when overwriting or when the
///   destination is missing or empty (nil, 0, "", false, empty list or map).
///
/// `path` holds the ids of the source maps being merged, to stop on a cycle.
pub(crate) fn mergo_merge(
    dst: &Map,
    src: &Map,
    overwrite: bool,
    path: &mut HashSet<usize>,
) -> Result<(), FuncError> {
    if path.contains(&src.id()) {
        return Err(cycle_error());
    }
    path.insert(src.id());
    // A snapshot of src: dst may be src itself (`merge $d $d`) or contain it.
    for (key, s) in src.snapshot() {
        if s.is_nil() {
            if overwrite {
                dst.insert(key, Value::Nil);
            }
            continue;
        }
        let d = dst.get(&key);
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&s, &d) {
            mergo_merge(dm, sm, overwrite, path)?;
            // mergo re-reads the destination element after the recursive merge: a map
            // that is still empty is then replaced by the source map.
            if !dm.is_empty() {
                continue;
            }
        }
        if overwrite || d.as_ref().is_none_or(mergo_empty) {
            dst.insert(key, s);
        }
    }
    path.remove(&src.id());
    Ok(())
}

/// Sprig's `merge`/`mergeOverwrite`: merges every source into the first map, in place,
/// and returns that map.
fn merge_all(a: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let mut dst = as_plain(&arg(a, 0));
    // mergo replaces a nil destination map with a new one before merging into it.
    if dst.as_map().is_some_and(Map::is_nil) && a.len() > 1 {
        dst = new_map(BTreeMap::new());
    }
    if let Value::Map(d) = &dst {
        for src in a.iter().skip(1) {
            if let Value::Map(s) = src {
                mergo_merge(d, s, overwrite, &mut HashSet::new())?;
            }
        }
    }
    Ok(dst)
}

/// `copystructure.Copy`: every map and list is copied, recursively, keeping its Go
/// type (a `chartutil.Values` stays one), so that changing the copy never changes the
/// original ([`Value::deep_copy`]).
fn deep_copy(v: &Value) -> Result<Value, FuncError> {
    if v.is_nil() {
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    v.deep_copy().ok_or_else(cycle_error)
}

fn type_assert_map(v: &Value) -> Result<std::sync::Arc<Map>, FuncError> {
    match v {
        Value::Map(m) if m.name.is_none() && m.elem == GoType::Interface => Ok(m.clone()),
        other => Err(FuncError::new(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            if other.is_nil() {
                "nil".into()
            } else {
                other.type_name()
            }
        ))),
    }
}

fn dig(ps: &[Value]) -> Result<Value, FuncError> {
    if ps.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let mut dict = type_assert_map(&ps[ps.len() - 1])?;
    let def = &ps[ps.len() - 2];
    let mut keys = Vec::new();
    for k in &ps[..ps.len() - 2] {
        match k {
            Value::String(s) => keys.push(s.to_string()),
            other => {
                return Err(FuncError::new(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    if other.is_nil() {
                        "nil".into()
                    } else {
                        other.type_name()
                    }
                )));
            }
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = dict.get(k) else {
            return Ok(def.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        dict = type_assert_map(&step)?;
    }
    Ok(def.clone())
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let m = GoType::map;
    out.push(func_variadic("dict", vec![], GoType::Interface, m(), |a| {
        let mut e = BTreeMap::new();
        for pair in a.chunks(2) {
            let key = strval(&pair[0]);
            e.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::from("")));
        }
        Ok(new_map(e))
    }));
    out.push(func(
        "get",
        vec![m(), GoType::String],
        GoType::Interface,
        |a| {
            Ok(arg(a, 0)
                .as_map()
                .and_then(|m| m.get(arg_str(a, 1)))
                .unwrap_or_else(|| Value::from("")))
        },
    ));
    out.push(func(
        "set",
        vec![m(), GoType::String, GoType::Interface],
        m(),
        |a| {
            // Go's `d[key] = value`: every holder of the map sees the new entry.
            let d = as_plain(&arg(a, 0));
            if let Value::Map(m) = &d {
                if m.is_nil() {
                    // `set nil "k" v`: Go's runtime panic, which text/template reports.
                    return Err(FuncError::new("assignment to entry in nil map"));
                }
                m.insert(arg_str(a, 1), arg(a, 2));
            }
            Ok(d)
        },
    ));
    out.push(func("unset", vec![m(), GoType::String], m(), |a| {
        // Go's `delete(d, key)`, in place.
        let d = as_plain(&arg(a, 0));
        if let Value::Map(m) = &d {
            m.remove(arg_str(a, 1));
        }
        Ok(d)
    }));
    out.push(func(
        "hasKey",
        vec![m(), GoType::String],
        GoType::Bool,
        |a| {
            Ok(Value::Bool(
                arg(a, 0)
                    .as_map()
                    .is_some_and(|m| m.contains_key(arg_str(a, 1))),
            ))
        },
    ));
    out.push(func_variadic(
        "pluck",
        vec![GoType::String],
        m(),
        GoType::list(),
        |a| {
            let key = arg_str(a, 0);
            Ok(Value::list(
                a.iter()
                    .skip(1)
                    .filter_map(|d| d.as_map().and_then(|m| m.get(key)))
                    .collect(),
            ))
        },
    ));
    out.push(func_variadic(
        "keys",
        vec![],
        m(),
        GoType::Slice(Box::new(GoType::String)),
        |a| {
            // Go iterates maps in random order; sorted is one of the orders helm can print.
            let mut k: Vec<String> = Vec::new();
            for d in a {
                if let Some(m) = d.as_map() {
                    k.extend(m.keys());
                }
            }
            Ok(Value::string_list(k))
        },
    ));
    out.push(func_variadic("pick", vec![m()], GoType::String, m(), |a| {
        let src = entries(&arg(a, 0));
        let mut e = BTreeMap::new();
        for k in a.iter().skip(1).filter_map(Value::as_str) {
            if let Some(v) = src.get(k) {
                e.insert(k.to_string(), v.clone());
            }
        }
        Ok(new_map(e))
    }));
    out.push(func_variadic("omit", vec![m()], GoType::String, m(), |a| {
        let mut e = entries(&arg(a, 0));
        for k in a.iter().skip(1).filter_map(Value::as_str) {
            e.remove(k);
        }
        Ok(new_map(e))
    }));
    out.push(func("values", vec![m()], GoType::list(), |a| {
        Ok(Value::list(entries(&arg(a, 0)).into_values().collect()))
    }));
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        out.push(func_variadic(
            name,
            vec![m()],
            m(),
            GoType::Interface,
            move |a| merge_all(a, overwrite),
        ));
    }
    for name in ["deepCopy", "mustDeepCopy"] {
        out.push(func(
            name,
            vec![GoType::Interface],
            GoType::Interface,
            |a| deep_copy(&arg(a, 0)),
        ));
    }
    out.push(func_variadic(
        "dig",
        vec![],
        GoType::Interface,
        GoType::Interface,
        dig,
    ));
}

#[cfg(test)]
mod tests {
    use charthouse_gotmpl::{MissingKey, Templates, Value};

    fn run(src: &str) -> Result<String, String> {
        let mut t = Templates::named("gotpl");
        t.set_missing_key(MissingKey::Zero);
        t.add_funcs(crate::functions(&crate::Options::new()));
        t.parse("t", src).map_err(|e| e.to_string())?;
        t.execute("t", &Value::map(Default::default()))
            .map_err(|e| e.to_string())
    }

    /// `$d` holds itself: Go would overflow its stack on every walk below (except
    /// encoding/json and reflect.DeepEqual, which notice cycles); we must end, with an
    /// error where Go has none to give.
    const CYCLE: &str = r#"{{ $d := dict "a" 1 }}{{ $_ := set $d "self" $d }}"#;

    #[test]
    fn walks_of_a_map_that_contains_itself_end() {
        assert_eq!(
            run(&format!("{CYCLE}{{{{ $d.self.self.a }}}} {{{{ $d }}}}")).unwrap(),
            "1 map[a:1 self:%!v(CYCLE)]"
        );
        assert_eq!(
            run(&format!("{CYCLE}{{{{ deepCopy $d }}}}")).unwrap_err(),
            "template: t:1:53: executing \"t\" at <deepCopy $d>: error calling deepCopy: \
             cannot walk a map that contains itself (reference cycle)"
        );
        assert_eq!(
            run(&format!("{CYCLE}{{{{ mustToJson $d }}}}")).unwrap_err(),
            "template: t:1:53: executing \"t\" at <mustToJson $d>: error calling mustToJson: \
             json: unsupported value: encountered a cycle via map[string]interface {}"
        );
        assert_eq!(run(&format!("{CYCLE}{{{{ toJson $d }}}}")).unwrap(), "");
        assert!(
            run(&format!("{CYCLE}{{{{ merge $d $d }}}}"))
                .unwrap_err()
                .ends_with("reference cycle)")
        );
        assert_eq!(
            run(&format!("{CYCLE}{{{{ toToml $d }}}}")).unwrap(),
            "toml: cannot encode a map that contains itself"
        );
        let two = r#"{{ $e := dict "a" 1 }}{{ $_ := set $e "self" $e }}"#;
        assert_eq!(
            run(&format!(
                "{CYCLE}{two}{{{{ deepEqual $d $e }}}} {{{{ deepEqual $d $d }}}}"
            ))
            .unwrap(),
            "true true"
        );
    }

    #[test]
    fn merge_into_a_map_that_holds_the_source_is_not_a_cycle() {
        // Sharing without a cycle: `$d.n` is `$s`, merged into itself.
        assert_eq!(
            run(r#"{{ $s := dict "x" 1 }}{{ $d := dict "n" $s }}{{ $_ := merge $d (dict "n" $s) }}{{ $d }}"#)
                .unwrap(),
            "map[n:map[x:1]]"
        );
    }
}

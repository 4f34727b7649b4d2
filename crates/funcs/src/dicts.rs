//! Dictionary functions: Sprig's dict.go (`dict`, `get`, `set`, `unset`, `hasKey`,
//! `pluck`, `keys`, `pick`, `omit`, `values`, `dig`, `merge`, `mergeOverwrite`,
//! `deepCopy` and their `must` variants).
//!
//! # Caveats
//!
//! Go maps are references: `set`, `unset`, `merge` and `mergeOverwrite` change their
//! first argument in place, and charts rely on it (`{{ $_ := set $d "k" 1 }}`). The
//! gotmpl crate's maps are immutable shared values, so these functions return the
//! changed map and leave the argument as it was; only their result shows the change.

use std::collections::BTreeMap;
use std::sync::Arc;

use charthouse_gotmpl::{Func, FuncError, GoType, Map, Value};

use crate::conv::{arg, arg_str, func, func_variadic, strval};
use crate::flow::is_empty;

fn entries(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => m.entries.clone(),
        _ => BTreeMap::new(),
    }
}

fn new_map(e: BTreeMap<String, Value>) -> Value {
    Value::map(e)
}

/// `set`/`unset` return their argument as Go's static `map[string]interface {}`.
fn same_type(_orig: &Value, e: BTreeMap<String, Value>) -> Value {
    new_map(e)
}

/// mergo's `isEmptyValue` with dereferencing, on an interface element.
fn mergo_empty(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        v => is_empty(v),
    }
}

/// mergo `deepMerge` of two `map[string]interface {}` (Sprig's `merge` with
/// `overwrite == false`, `mergeOverwrite` with `true`). Per source key: a nil source
/// value is copied only when overwriting; a map merges recursively into a map already
/// there; anything else (slices included: mergo's slice branch ends the same way)
/// replaces the destination when overwriting or when the destination is missing or
/// empty (nil, 0, "", false, empty list or map).
pub(crate) fn mergo_merge(
    dst: &BTreeMap<String, Value>,
    src: &BTreeMap<String, Value>,
    overwrite: bool,
) -> BTreeMap<String, Value> {
    let mut out = dst.clone();
    for (key, s) in src {
        if s.is_nil() {
            if overwrite {
                out.insert(key.clone(), Value::Nil);
            }
            continue;
        }
        let d = out.get(key).cloned();
        if let (Value::Map(sm), Some(Value::Map(dm))) = (s, &d) {
            let merged = mergo_merge(&dm.entries, &sm.entries, overwrite);
            out.insert(
                key.clone(),
                Value::Map(Arc::new(Map {
                    elem: dm.elem.clone(),
                    name: dm.name.clone(),
                    entries: merged,
                })),
            );
            continue;
        }
        if overwrite || d.as_ref().is_none_or(mergo_empty) {
            out.insert(key.clone(), s.clone());
        }
    }
    out
}

fn merge_all(a: &[Value], overwrite: bool) -> Value {
    let first = arg(a, 0);
    let mut acc = entries(&first);
    for src in a.iter().skip(1) {
        acc = mergo_merge(&acc, &entries(src), overwrite);
    }
    // Go returns dst, a map[string]interface {} (a named map passed in loses its name).
    new_map(acc)
}

/// `copystructure.Copy`: values here are immutable, so a copy is the value itself with
/// named map and list types kept.
fn deep_copy(v: &Value) -> Result<Value, FuncError> {
    if v.is_nil() {
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    Ok(v.clone())
}

fn type_assert_map(v: &Value) -> Result<&Map, FuncError> {
    match v {
        Value::Map(m) if m.name.is_none() && m.elem == GoType::Interface => Ok(m),
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
        let Some(step) = dict.entries.get(k) else {
            return Ok(def.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step.clone());
        }
        dict = type_assert_map(step)?;
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
            Ok(entries(&arg(a, 0))
                .get(arg_str(a, 1))
                .cloned()
                .unwrap_or_else(|| Value::from("")))
        },
    ));
    out.push(func(
        "set",
        vec![m(), GoType::String, GoType::Interface],
        m(),
        |a| {
            let d = arg(a, 0);
            let mut e = entries(&d);
            e.insert(arg_str(a, 1).to_string(), arg(a, 2));
            Ok(same_type(&d, e))
        },
    ));
    out.push(func("unset", vec![m(), GoType::String], m(), |a| {
        let d = arg(a, 0);
        let mut e = entries(&d);
        e.remove(arg_str(a, 1));
        Ok(same_type(&d, e))
    }));
    out.push(func(
        "hasKey",
        vec![m(), GoType::String],
        GoType::Bool,
        |a| Ok(Value::Bool(entries(&arg(a, 0)).contains_key(arg_str(a, 1)))),
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
                    .filter_map(|d| d.as_map().and_then(|m| m.entries.get(key)).cloned())
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
                    k.extend(m.entries.keys().cloned());
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
            move |a| Ok(merge_all(a, overwrite)),
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

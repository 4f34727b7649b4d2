//! Defaults and flow control: `default`, `empty`, `coalesce`, `ternary`, `all`, `any`
//! (Sprig's defaults.go) and `fail` as helm overrides it (pkg/engine/engine.go). helm's
//! `required` lives in the helm module.

use charthouse_gotmpl::{Func, FuncError, GoType, Value};

use crate::Options;
use crate::conv::{arg, arg_str, func, func_variadic};

/// Sprig's `empty`: nil, zero numbers, `false`, and empty strings, lists and maps.
/// Structs (host objects) are never empty.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Missing | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i, _) => *i == 0,
        Value::Uint(u, _) => *u == 0,
        Value::Float(f, _) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.items.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.as_data() {
            Some(d) => is_empty(&d),
            None => false,
        },
        Value::Func(_) => false,
    }
}

pub(crate) fn register(out: &mut Vec<Func>, options: &Options) {
    // helm's fail: the message travels between HELM_ERR_START/HELM_ERR_END so that helm's
    // error rewrite prints it alone; in lint mode it renders nothing instead.
    let lint = options.lint_mode;
    out.push(func(
        "fail",
        vec![GoType::String],
        GoType::String,
        move |a| {
            if lint {
                return Ok(Value::from(""));
            }
            Err(FuncError::new(format!(
                "HELM_ERR_START{}HELM_ERR_END",
                arg_str(a, 0)
            )))
        },
    ));
    // default: the given value unless it is missing or empty.
    out.push(func_variadic(
        "default",
        vec![GoType::Interface],
        GoType::Interface,
        GoType::Interface,
        |a| {
            let given = &a[1.min(a.len())..];
            match given.first() {
                Some(g) if !is_empty(g) => Ok(g.clone()),
                _ => Ok(arg(a, 0)),
            }
        },
    ));
    out.push(func("empty", vec![GoType::Interface], GoType::Bool, |a| {
        Ok(Value::Bool(is_empty(&arg(a, 0))))
    }));
    out.push(func_variadic(
        "coalesce",
        vec![],
        GoType::Interface,
        GoType::Interface,
        |a| {
            Ok(a.iter()
                .find(|v| !is_empty(v))
                .cloned()
                .unwrap_or(Value::Nil))
        },
    ));
    out.push(func_variadic(
        "all",
        vec![],
        GoType::Interface,
        GoType::Bool,
        |a| Ok(Value::Bool(a.iter().all(|v| !is_empty(v)))),
    ));
    out.push(func_variadic(
        "any",
        vec![],
        GoType::Interface,
        GoType::Bool,
        |a| Ok(Value::Bool(a.iter().any(|v| !is_empty(v)))),
    ));
    out.push(func(
        "ternary",
        vec![GoType::Interface, GoType::Interface, GoType::Bool],
        GoType::Interface,
        |a| {
            Ok(if a.get(2).and_then(Value::as_bool).unwrap_or(false) {
                arg(a, 0)
            } else {
                arg(a, 1)
            })
        },
    ));
}

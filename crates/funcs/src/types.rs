//! Type and kind inspection: `typeOf`, `typeIs`, `typeIsLike`, `kindOf`, `kindIs`,
//! `deepEqual` (Sprig's reflect.go and `reflect.DeepEqual`).

use std::collections::HashSet;

use charthouse_gotmpl::{Func, GoType, Value};

use crate::conv::{arg, arg_str, func};

/// `fmt.Sprintf("%T", v)`: Go's type name, `<nil>` for nil.
pub(crate) fn type_of(v: &Value) -> String {
    v.type_name().into_owned()
}

/// `reflect.ValueOf(v).Kind().String()`: `invalid` for nil.
pub(crate) fn kind_of(v: &Value) -> String {
    v.kind_name().to_string()
}

/// `reflect.DeepEqual`: same dynamic types and deeply equal contents. Floats compare by
/// value (so NaN is never equal to itself).
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_in(a, b, &mut HashSet::new())
}

/// `visited` holds the pairs of maps already being compared: like reflect.DeepEqual,
/// a pair met again is taken as equal, which ends the walk of maps that contain
/// themselves.
fn deep_equal_in(a: &Value, b: &Value, visited: &mut HashSet<(usize, usize)>) -> bool {
    match (a, b) {
        (Value::Missing | Value::Nil, Value::Missing | Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x, t), Value::Int(y, u)) => t == u && x == y,
        (Value::Uint(x, t), Value::Uint(y, u)) => t == u && x == y,
        (Value::Float(x, t), Value::Float(y, u)) => t == u && x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.type_name() == y.type_name()
                && x.items.len() == y.items.len()
                && x.items
                    .iter()
                    .zip(&y.items)
                    .all(|(p, q)| deep_equal_in(p, q, visited))
        }
        (Value::Map(x), Value::Map(y)) => {
            // The same Go map is deeply equal to itself (reflect.DeepEqual's shortcut,
            // which also ends the walk of a map that contains itself).
            x.type_name() == y.type_name()
                && (charthouse_gotmpl::Map::ptr_eq(x, y) || !visited.insert((x.id(), y.id())) || {
                    let (x_entries, y_entries) = (x.snapshot(), y.snapshot());
                    x_entries.len() == y_entries.len()
                        && x_entries.iter().all(|(k, v)| {
                            y_entries
                                .get(k)
                                .is_some_and(|w| deep_equal_in(v, w, visited))
                        })
                })
        }
        (Value::Object(x), Value::Object(y)) => {
            std::sync::Arc::ptr_eq(x, y)
                || (x.type_name() == y.type_name()
                    && x.as_data()
                        .zip(y.as_data())
                        .is_some_and(|(p, q)| deep_equal_in(&p, &q, visited)))
        }
        _ => false,
    }
}

pub(crate) fn register(out: &mut Vec<Func>) {
    out.push(func(
        "typeOf",
        vec![GoType::Interface],
        GoType::String,
        |a| Ok(Value::from(type_of(&arg(a, 0)))),
    ));
    out.push(func(
        "typeIs",
        vec![GoType::String, GoType::Interface],
        GoType::Bool,
        |a| Ok(Value::Bool(arg_str(a, 0) == type_of(&arg(a, 1)))),
    ));
    out.push(func(
        "typeIsLike",
        vec![GoType::String, GoType::Interface],
        GoType::Bool,
        |a| {
            let t = type_of(&arg(a, 1));
            let target = arg_str(a, 0);
            Ok(Value::Bool(target == t || format!("*{target}") == t))
        },
    ));
    out.push(func(
        "kindOf",
        vec![GoType::Interface],
        GoType::String,
        |a| Ok(Value::from(kind_of(&arg(a, 0)))),
    ));
    out.push(func(
        "kindIs",
        vec![GoType::String, GoType::Interface],
        GoType::Bool,
        |a| Ok(Value::Bool(arg_str(a, 0) == kind_of(&arg(a, 1)))),
    ));
    out.push(func(
        "deepEqual",
        vec![GoType::Interface, GoType::Interface],
        GoType::Bool,
        |a| Ok(Value::Bool(deep_equal(&arg(a, 0), &arg(a, 1)))),
    ));
}

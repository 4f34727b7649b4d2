//! List functions: Sprig's list.go (`list`, `first`, `rest`, `append`, `uniq`, `slice`,
//! `concat`, `chunk`, ... and their `must` variants), plus `until`, `untilStep`, `seq`.
//!
//! Sprig accepts any slice or array through reflection and returns `[]interface {}`.
//! Its non-`must` variants panic where the `must` ones return an error; Go's template
//! engine turns both into the same `error calling NAME: MESSAGE`. A nil argument makes
//! `reflect.TypeOf(nil).Kind()` dereference a nil pointer.

use std::sync::Arc;

use charthouse_gotmpl::{Func, FuncError, GoType, List, Value};

use crate::conv::{INT, arg, arg_int, func, func_variadic, to_int64};
use crate::flow::is_empty;
use crate::types::deep_equal;

const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// The elements of a slice value (`[]T` or `[]byte`), or the kind name Sprig reports.
pub(crate) fn items(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::List(l) => Ok(l.items.clone()),
        Value::Bytes(b) => Ok(b
            .iter()
            .map(|&x| Value::Uint(u64::from(x), charthouse_gotmpl::UintType::Uint8))
            .collect()),
        Value::Object(o) => match o.as_data() {
            Some(Value::List(l)) => Ok(l.items.clone()),
            _ => Err(o.kind().to_string()),
        },
        other => Err(other.kind_name().to_string()),
    }
}

/// Runs `f` on a list argument, with Sprig's "Cannot X on type K" error (`msg` holds
/// the text before the kind) and the nil-pointer panic for nil.
fn with_list<T>(v: &Value, msg: &str, f: impl FnOnce(Vec<Value>) -> T) -> Result<T, FuncError> {
    if v.is_nil() {
        return Err(FuncError::new(NIL_DEREF));
    }
    match items(v) {
        Ok(items) => Ok(f(items)),
        Err(kind) => Err(FuncError::new(format!("{msg} {kind}"))),
    }
}

fn list_of(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn any_list() -> GoType {
    GoType::list()
}

/// Sprig's `untilStep`, as Go ints.
pub(crate) fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let mut v = Vec::new();
    // Guard against building lists no chart could use (Go would exhaust memory).
    let limit = 10_000_000usize;
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let mut i = start;
        while i > stop {
            v.push(i);
            if v.len() > limit {
                return Err(FuncError::new("runtime error: list too long"));
            }
            i = match i.checked_add(step) {
                Some(n) => n,
                None => break,
            };
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let mut i = start;
    while i < stop {
        v.push(i);
        if v.len() > limit {
            return Err(FuncError::new("runtime error: list too long"));
        }
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(v)
}

fn int_list(v: Vec<i64>) -> Value {
    Value::List(Arc::new(List::typed(
        INT,
        v.into_iter().map(Value::int).collect(),
    )))
}

/// Sprig's `seq`, printed as `fmt.Sprint` of the ints joined by spaces.
fn seq(params: &[i64]) -> Result<String, FuncError> {
    let list = match *params {
        [] => return Ok(String::new()),
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(1, end + inc, inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end + step, step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(start, end + inc, step)?
        }
        _ => return Ok(String::new()),
    };
    Ok(list
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" "))
}

/// Go's `reflect.Value.Slice(i, j)` bounds check.
fn slice_bounds(len: usize, start: i64, end: i64) -> Result<(usize, usize), FuncError> {
    if start < 0 || end < start || end as u64 > len as u64 {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    Ok((start as usize, end as usize))
}

fn register_pair(
    out: &mut Vec<Func>,
    names: &[&str],
    params: Vec<GoType>,
    result: GoType,
    f: fn(&[Value]) -> Result<Value, FuncError>,
) {
    for name in names {
        out.push(func(name, params.clone(), result.clone(), f));
    }
}

pub(crate) fn register(out: &mut Vec<Func>) {
    for name in ["list", "tuple"] {
        out.push(func_variadic(
            name,
            vec![],
            GoType::Interface,
            any_list(),
            |a| Ok(list_of(a.to_vec())),
        ));
    }
    let two = vec![GoType::Interface, GoType::Interface];
    let one = vec![GoType::Interface];
    register_pair(
        out,
        &["append", "push", "mustAppend", "mustPush"],
        two.clone(),
        any_list(),
        |a| {
            let v = arg(a, 1);
            with_list(&arg(a, 0), "Cannot push on type", |mut l| {
                l.push(v);
                list_of(l)
            })
        },
    );
    register_pair(
        out,
        &["prepend", "mustPrepend"],
        two.clone(),
        any_list(),
        |a| {
            let v = arg(a, 1);
            with_list(&arg(a, 0), "Cannot prepend on type", |mut l| {
                l.insert(0, v);
                list_of(l)
            })
        },
    );
    register_pair(
        out,
        &["first", "mustFirst"],
        one.clone(),
        GoType::Interface,
        |a| {
            with_list(&arg(a, 0), "Cannot find first on type", |l| {
                l.first().cloned().unwrap_or(Value::Nil)
            })
        },
    );
    register_pair(
        out,
        &["last", "mustLast"],
        one.clone(),
        GoType::Interface,
        |a| {
            with_list(&arg(a, 0), "Cannot find last on type", |l| {
                l.last().cloned().unwrap_or(Value::Nil)
            })
        },
    );
    register_pair(out, &["rest", "mustRest"], one.clone(), any_list(), |a| {
        with_list(&arg(a, 0), "Cannot find rest on type", |l| {
            list_of(l.into_iter().skip(1).collect())
        })
    });
    register_pair(
        out,
        &["initial", "mustInitial"],
        one.clone(),
        any_list(),
        |a| {
            with_list(&arg(a, 0), "Cannot find initial on type", |mut l| {
                l.pop();
                list_of(l)
            })
        },
    );
    register_pair(
        out,
        &["reverse", "mustReverse"],
        one.clone(),
        any_list(),
        |a| {
            with_list(&arg(a, 0), "Cannot find reverse on type", |mut l| {
                l.reverse();
                list_of(l)
            })
        },
    );
    register_pair(
        out,
        &["compact", "mustCompact"],
        one.clone(),
        any_list(),
        |a| {
            with_list(&arg(a, 0), "Cannot compact on type", |l| {
                list_of(l.into_iter().filter(|v| !is_empty(v)).collect())
            })
        },
    );
    register_pair(out, &["uniq", "mustUniq"], one.clone(), any_list(), |a| {
        with_list(&arg(a, 0), "Cannot find uniq on type", |l| {
            let mut dest: Vec<Value> = Vec::new();
            for v in l {
                if !dest.iter().any(|d| deep_equal(&v, d)) {
                    dest.push(v);
                }
            }
            list_of(dest)
        })
    });
    for name in ["without", "mustWithout"] {
        out.push(func_variadic(
            name,
            vec![GoType::Interface],
            GoType::Interface,
            any_list(),
            |a| {
                let omit = &a[1.min(a.len())..];
                with_list(&arg(a, 0), "Cannot find without on type", |l| {
                    list_of(
                        l.into_iter()
                            .filter(|v| !omit.iter().any(|o| deep_equal(v, o)))
                            .collect(),
                    )
                })
            },
        ));
    }
    register_pair(out, &["has", "mustHas"], two.clone(), GoType::Bool, |a| {
        let (needle, hay) = (arg(a, 0), arg(a, 1));
        if hay.is_nil() {
            return Ok(Value::Bool(false));
        }
        match items(&hay) {
            Ok(l) => Ok(Value::Bool(l.iter().any(|v| deep_equal(&needle, v)))),
            Err(kind) => Err(FuncError::new(format!("Cannot find has on type {kind}"))),
        }
    });
    for name in ["slice", "mustSlice"] {
        out.push(func_variadic(
            name,
            vec![GoType::Interface],
            GoType::Interface,
            GoType::Interface,
            |a| {
                let v = arg(a, 0);
                if v.is_nil() {
                    return Err(FuncError::new(NIL_DEREF));
                }
                let len = match items(&v) {
                    Ok(l) => l.len(),
                    Err(kind) => {
                        return Err(FuncError::new(format!(
                            "list should be type of slice or array but {kind}"
                        )));
                    }
                };
                if len == 0 {
                    return Ok(Value::Nil);
                }
                let start = a.get(1).map_or(0, to_int64);
                let end = a.get(2).map_or(len as i64, to_int64);
                let (s, e) = slice_bounds(len, start, end)?;
                // reflect's Slice keeps the slice's own type ([]string stays []string).
                Ok(match &v {
                    Value::List(l) => Value::List(Arc::new(List {
                        elem: l.elem.clone(),
                        name: l.name.clone(),
                        items: l.items[s..e].to_vec(),
                    })),
                    Value::Bytes(b) => Value::Bytes(Arc::from(&b[s..e])),
                    other => list_of(items(other).unwrap_or_default()[s..e].to_vec()),
                })
            },
        ));
    }
    out.push(func_variadic(
        "concat",
        vec![],
        GoType::Interface,
        GoType::Interface,
        |a| {
            let mut res = Vec::new();
            for v in a {
                if v.is_nil() {
                    return Err(FuncError::new(NIL_DEREF));
                }
                match items(v) {
                    Ok(l) => res.extend(l),
                    Err(kind) => {
                        return Err(FuncError::new(format!("Cannot concat type {kind} as list")));
                    }
                }
            }
            Ok(list_of(res))
        },
    ));
    for name in ["chunk", "mustChunk"] {
        out.push(func(
            name,
            vec![INT, GoType::Interface],
            GoType::Slice(Box::new(any_list())),
            |a| {
                let size = arg_int(a, 0);
                with_list(&arg(a, 1), "Cannot chunk type", |l| {
                    if size <= 0 {
                        return Err(FuncError::new("runtime error: integer divide by zero"));
                    }
                    let chunks: Vec<Value> = l
                        .chunks(size as usize)
                        .map(|c| list_of(c.to_vec()))
                        .collect();
                    Ok(Value::List(Arc::new(List::typed(any_list(), chunks))))
                })?
            },
        ));
    }
    out.push(func(
        "until",
        vec![INT],
        GoType::Slice(Box::new(INT)),
        |a| {
            let n = arg_int(a, 0);
            Ok(int_list(until_step(0, n, if n < 0 { -1 } else { 1 })?))
        },
    ));
    out.push(func(
        "untilStep",
        vec![INT, INT, INT],
        GoType::Slice(Box::new(INT)),
        |a| {
            Ok(int_list(until_step(
                arg_int(a, 0),
                arg_int(a, 1),
                arg_int(a, 2),
            )?))
        },
    ));
    out.push(func_variadic("seq", vec![], INT, GoType::String, |a| {
        let params: Vec<i64> = a.iter().map(|v| v.as_i64().unwrap_or(0)).collect();
        Ok(Value::from(seq(&params)?))
    }));
}

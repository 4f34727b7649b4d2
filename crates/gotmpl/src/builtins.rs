//! text/template's builtin functions (Go's `funcs.go`), with Go's exact rules and error
//! messages. `and`, `or` and `call` are evaluated specially by the executor.

use std::sync::Arc;

use crate::func::Signature;
use crate::gofmt;
use crate::value::{GoType, IntType, List, UintType, Value};

/// A value as the executor holds it: `iface` is true when its static Go type is
/// `interface {}` (an element read from a `[]interface {}` or `map[string]interface {}`).
/// Go's messages sometimes print that static type instead of the dynamic one.
#[derive(Clone, Debug)]
pub(crate) struct Rv {
    pub v: Value,
    pub iface: bool,
}

impl Rv {
    pub fn plain(v: Value) -> Rv {
        let iface = matches!(v, Value::Nil);
        Rv { v, iface }
    }

    /// The type `reflect.Value.Type()` would report.
    pub fn static_type(&self) -> String {
        if self.iface || matches!(self.v, Value::Nil) {
            "interface {}".to_string()
        } else {
            self.v.type_name().into_owned()
        }
    }
}

type Builtin = fn(&[Rv]) -> Result<Value, String>;

pub(crate) fn is_builtin(name: &str) -> bool {
    lookup(name).is_some()
}

fn rv() -> GoType {
    GoType::ReflectValue
}

/// The builtin `name`: its signature and implementation (`None` for `and`/`or`/`call`,
/// which the executor handles itself).
pub(crate) fn lookup(name: &str) -> Option<&'static (Signature, Option<Builtin>)> {
    type Table = std::collections::HashMap<
        &'static str,
        (Signature, Option<Builtin>),
        foldhash::fast::FixedState,
    >;
    static TABLE: std::sync::LazyLock<Table> = std::sync::LazyLock::new(|| {
        NAMES
            .iter()
            .filter_map(|n| make(n).map(|e| (*n, e)))
            .collect()
    });
    TABLE.get(name)
}

const NAMES: [&str; 19] = [
    "and", "or", "call", "html", "index", "slice", "js", "len", "not", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

fn make(name: &str) -> Option<(Signature, Option<Builtin>)> {
    let any = GoType::Interface;
    let b = GoType::Bool;
    let s = GoType::String;
    Some(match name {
        "and" | "or" => (Signature::variadic(vec![rv()], rv(), rv()), None),
        "call" => (Signature::variadic(vec![rv()], rv(), rv()), None),
        "html" => (Signature::variadic(vec![], any, s), Some(html as Builtin)),
        "index" => (
            Signature::variadic(vec![rv()], rv(), rv()),
            Some(index as Builtin),
        ),
        "slice" => (
            Signature::variadic(vec![rv()], rv(), rv()),
            Some(slice as Builtin),
        ),
        "js" => (Signature::variadic(vec![], any, s), Some(js as Builtin)),
        "len" => (
            Signature::new(vec![rv()], GoType::Int(IntType::Int)),
            Some(length as Builtin),
        ),
        "not" => (Signature::new(vec![rv()], b), Some(not as Builtin)),
        "print" => (Signature::variadic(vec![], any, s), Some(print as Builtin)),
        "printf" => (
            Signature::variadic(vec![GoType::String], any, s),
            Some(printf as Builtin),
        ),
        "println" => (
            Signature::variadic(vec![], any, s),
            Some(println as Builtin),
        ),
        "urlquery" => (
            Signature::variadic(vec![], any, s),
            Some(urlquery as Builtin),
        ),
        "eq" => (
            Signature::variadic(vec![rv()], rv(), b),
            Some(eq as Builtin),
        ),
        "ge" => (Signature::new(vec![rv(), rv()], b), Some(ge as Builtin)),
        "gt" => (Signature::new(vec![rv(), rv()], b), Some(gt as Builtin)),
        "le" => (Signature::new(vec![rv(), rv()], b), Some(le as Builtin)),
        "lt" => (Signature::new(vec![rv(), rv()], b), Some(lt as Builtin)),
        "ne" => (Signature::new(vec![rv(), rv()], b), Some(ne as Builtin)),
        _ => return None,
    })
}

fn vals(args: &[Rv]) -> Vec<Value> {
    args.iter().map(|a| a.v.clone()).collect()
}

/// Go's `indirectInterface`: a nil interface becomes the invalid value.
fn ind(v: &Value) -> Value {
    match v {
        Value::Nil => Value::Missing,
        v => v.clone(),
    }
}

/// Plain data behind a host object, for `len`/`index`/`range`.
pub(crate) fn data_of(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.as_data().unwrap_or_else(|| v.clone()),
        v => v.clone(),
    }
}

fn not(a: &[Rv]) -> Result<Value, String> {
    Ok(Value::Bool(!a[0].v.truth()))
}

fn length(a: &[Rv]) -> Result<Value, String> {
    match data_of(&a[0].v) {
        Value::Nil => Err("len of nil pointer".into()),
        Value::Missing => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Value::String(s) => Ok(Value::int(s.len() as i64)),
        Value::Bytes(b) => Ok(Value::int(b.len() as i64)),
        Value::List(l) => Ok(Value::int(l.items.len() as i64)),
        Value::Map(m) => Ok(Value::int(m.len() as i64)),
        v => Err(format!("len of type {}", v.type_name())),
    }
}

fn index_arg(index: &Rv, cap: usize) -> Result<usize, String> {
    let x: i64 = match &index.v {
        _ if index.iface && !matches!(index.v, Value::Missing) => {
            return Err("cannot index slice/array with type interface {}".into());
        }
        Value::Int(i, _) => *i,
        Value::Uint(u, _) => *u as i64,
        Value::Missing => return Err("cannot index slice/array with nil".into()),
        v => {
            return Err(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(a: &[Rv]) -> Result<Value, String> {
    let mut item = ind(&a[0].v);
    if matches!(item, Value::Missing) {
        return Err("index of untyped nil".into());
    }
    for idx in &a[1..] {
        let idx = Rv {
            v: ind(&idx.v),
            iface: false,
        };
        item = data_of(&item);
        match &item {
            Value::Nil => return Err("index of nil pointer".into()),
            Value::List(l) => {
                let x = index_arg(&idx, l.items.len())?;
                item = l
                    .items
                    .get(x)
                    .cloned()
                    .ok_or("reflect: slice index out of range")?;
            }
            Value::Bytes(b) => {
                let x = index_arg(&idx, b.len())?;
                let c = *b.get(x).ok_or("reflect: slice index out of range")?;
                item = Value::Uint(u64::from(c), UintType::Uint8);
            }
            Value::String(s) => {
                let x = index_arg(&idx, s.len())?;
                let c = *s
                    .as_bytes()
                    .get(x)
                    .ok_or("reflect: string index out of range")?;
                item = Value::Uint(u64::from(c), UintType::Uint8);
            }
            Value::Map(m) => {
                let key = match &idx.v {
                    Value::String(k) => k.clone(),
                    Value::Missing => return Err("value is nil; should be of type string".into()),
                    v => {
                        return Err(format!(
                            "value has type {}; should be string",
                            v.type_name()
                        ));
                    }
                };
                item = match m.get(&key) {
                    Some(v) => v,
                    None => m.elem.zero(),
                };
            }
            v => return Err(format!("can't index item of type {}", v.type_name())),
        }
    }
    Ok(item)
}

fn slice(a: &[Rv]) -> Result<Value, String> {
    let item = data_of(&ind(&a[0].v));
    if matches!(item, Value::Missing) {
        return Err("slice of untyped nil".into());
    }
    let indexes = &a[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        Value::Bytes(b) => b.len(),
        v => return Err(format!("can't slice item of type {}", v.type_name())),
    };
    let mut idx = [0usize, len, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(match &item {
        Value::String(s) => {
            let b = &s.as_bytes()[i..j];
            Value::String(Arc::from(String::from_utf8_lossy(b).as_ref()))
        }
        Value::List(l) => Value::List(Arc::new(List {
            elem: l.elem.clone(),
            name: l.name.clone(),
            items: l.items[i..j].to_vec(),
        })),
        Value::Bytes(b) => Value::Bytes(Arc::from(&b[i..j])),
        _ => Value::Missing,
    })
}

// ---- comparison -----------------------------------------------------------------------

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(..) => Kind::Int,
        Value::Uint(..) => Kind::Uint,
        Value::Float(..) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

/// The `reflect.Kind` of a non-basic value, for `canCompare`.
fn reflect_kind(v: &Value) -> u8 {
    match v {
        Value::Missing | Value::Nil => 0,
        Value::List(_) | Value::Bytes(_) => 1,
        Value::Map(_) => 2,
        Value::Object(_) => 3,
        Value::Func(_) => 4,
        _ => 5,
    }
}

fn eq_values(arg1: &Value, arg2: &[Value]) -> Result<bool, String> {
    let arg1 = ind(arg1);
    if arg2.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(&arg1);
    for arg in arg2 {
        let arg = ind(arg);
        let k2 = basic_kind(&arg);
        let truth = if k1 != k2 {
            match (&arg1, &arg) {
                (Value::Int(i, _), Value::Uint(u, _)) => *i >= 0 && *i as u64 == *u,
                (Value::Uint(u, _), Value::Int(i, _)) => *i >= 0 && *u == *i as u64,
                _ => {
                    if !arg1.is_nil() && !arg.is_nil() {
                        return Err(format!(
                            "incompatible types for comparison: {} and {}",
                            arg1.type_name(),
                            arg.type_name()
                        ));
                    }
                    false
                }
            }
        } else {
            match (&arg1, &arg) {
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::Float(a, _), Value::Float(b, _)) => a == b,
                (Value::Int(a, _), Value::Int(b, _)) => a == b,
                (Value::String(a), Value::String(b)) => a == b,
                (Value::Uint(a, _), Value::Uint(b, _)) => a == b,
                _ => {
                    let (r1, r2) = (reflect_kind(&arg1), reflect_kind(&arg));
                    if !(r1 == r2 || r1 == 0 || r2 == 0) {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            gofmt::format_value(&arg1, 's'),
                            arg1.type_name(),
                            arg.type_name(),
                            gofmt::format_value(&arg, 'v')
                        ));
                    }
                    if arg1.is_nil() || arg.is_nil() {
                        arg1.is_nil() == arg.is_nil()
                    } else {
                        match (&arg1, &arg) {
                            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
                            _ => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    gofmt::format_value(&arg, 's'),
                                    arg.type_name()
                                ));
                            }
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn eq(a: &[Rv]) -> Result<Value, String> {
    let v = vals(a);
    eq_values(&v[0], &v[1..]).map(Value::Bool)
}

fn ne(a: &[Rv]) -> Result<Value, String> {
    let v = vals(a);
    eq_values(&v[0], &v[1..2]).map(|b| Value::Bool(!b))
}

fn lt_values(a1: &Value, a2: &Value) -> Result<bool, String> {
    let a1 = ind(a1);
    let k1 = basic_kind(&a1);
    if k1 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    let a2 = ind(a2);
    let k2 = basic_kind(&a2);
    if k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    Ok(match (&a1, &a2) {
        (Value::Int(i, _), Value::Uint(u, _)) => *i < 0 || (*i as u64) < *u,
        (Value::Uint(u, _), Value::Int(i, _)) => *i >= 0 && *u < *i as u64,
        _ if k1 != k2 => {
            return Err(format!(
                "incompatible types for comparison: {} and {}",
                a1.type_name(),
                a2.type_name()
            ));
        }
        (Value::Bool(_), _) => return Err("invalid type for comparison".into()),
        (Value::Float(x, _), Value::Float(y, _)) => x < y,
        (Value::Int(x, _), Value::Int(y, _)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        (Value::Uint(x, _), Value::Uint(y, _)) => x < y,
        _ => return Err("invalid type for comparison".into()),
    })
}

fn le_values(a1: &Value, a2: &Value) -> Result<bool, String> {
    if lt_values(a1, a2)? {
        return Ok(true);
    }
    eq_values(a1, std::slice::from_ref(a2))
}

fn lt(a: &[Rv]) -> Result<Value, String> {
    lt_values(&a[0].v, &a[1].v).map(Value::Bool)
}

fn le(a: &[Rv]) -> Result<Value, String> {
    le_values(&a[0].v, &a[1].v).map(Value::Bool)
}

fn gt(a: &[Rv]) -> Result<Value, String> {
    le_values(&a[0].v, &a[1].v).map(|b| Value::Bool(!b))
}

fn ge(a: &[Rv]) -> Result<Value, String> {
    lt_values(&a[0].v, &a[1].v).map(|b| Value::Bool(!b))
}

// ---- printing and escaping ------------------------------------------------------------

fn print(a: &[Rv]) -> Result<Value, String> {
    Ok(Value::from(gofmt::sprint(&vals(a))))
}

fn println(a: &[Rv]) -> Result<Value, String> {
    Ok(Value::from(gofmt::sprintln(&vals(a))))
}

fn printf(a: &[Rv]) -> Result<Value, String> {
    let f = a[0].v.as_str().unwrap_or_default().to_string();
    Ok(Value::from(gofmt::sprintf(&f, &vals(&a[1..]))))
}

/// Go's `evalArgs`: `fmt.Sprint` of the arguments, where a nil prints `<no value>`.
fn eval_args(a: &[Rv]) -> String {
    if a.len() == 1
        && let Value::String(s) = &a[0].v
    {
        return s.to_string();
    }
    let args: Vec<Value> = a
        .iter()
        .map(|x| {
            if x.v.is_nil() {
                Value::from("<no value>")
            } else {
                x.v.clone()
            }
        })
        .collect();
    gofmt::sprint(&args)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c if gofmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn html(a: &[Rv]) -> Result<Value, String> {
    Ok(Value::from(html_escape(&eval_args(a))))
}

fn js(a: &[Rv]) -> Result<Value, String> {
    Ok(Value::from(js_escape(&eval_args(a))))
}

fn urlquery(a: &[Rv]) -> Result<Value, String> {
    Ok(Value::from(query_escape(&eval_args(a))))
}

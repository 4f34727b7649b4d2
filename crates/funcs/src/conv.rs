//! Conversions: Sprig's `atoi`, `int`, `int64`, `float64`, `toString`, `toStrings`,
//! `toDecimal`, and the casting rules the other families share.
//!
//! Sprig converts with github.com/spf13/cast v1.7.0 (`ToInt64`, `ToFloat64`, ...: any
//! failure gives 0) and prints with `strval` (`fmt.Sprintf("%v")` unless the value is
//! a string, bytes, an error or a Stringer). Strings are parsed with Go's `strconv`
//! rules: `ParseInt(s, 0, 0)` accepts `0x`/`0o`/`0b`/leading-`0` prefixes and
//! underscores between digits, `ParseFloat` accepts exponents, hex floats, `inf`/`nan`.

use charthouse_gotmpl::{Func, FuncError, GoType, IntType, Signature, Value, gofmt};

/// A Go function value with the given signature.
pub(crate) fn func<F>(name: &str, params: Vec<GoType>, result: GoType, f: F) -> Func
where
    F: Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
{
    Func::new(name, Signature::new(params, result), move |_, args| f(args))
}

/// A variadic Go function value.
pub(crate) fn func_variadic<F>(
    name: &str,
    params: Vec<GoType>,
    rest: GoType,
    result: GoType,
    f: F,
) -> Func
where
    F: Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
{
    Func::new(
        name,
        Signature::variadic(params, rest, result),
        move |_, args| f(args),
    )
}

/// Go's `int`.
pub(crate) const INT: GoType = GoType::Int(IntType::Int);
/// Go's `int64`.
pub(crate) const INT64: GoType = GoType::Int(IntType::Int64);
/// Go's `float64`.
pub(crate) const FLOAT64: GoType = GoType::Float(charthouse_gotmpl::FloatType::Float64);

/// Argument `i` as a string (the executor already checked its Go type).
pub(crate) fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// Argument `i` as an integer (the executor already checked its Go type).
pub(crate) fn arg_int(args: &[Value], i: usize) -> i64 {
    args.get(i).and_then(Value::as_i64).unwrap_or_default()
}

/// Argument `i`, or nil.
pub(crate) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// Sprig's `strval`: strings and bytes as they are, everything else as `%v` prints it.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        v => gofmt::sprint(std::slice::from_ref(v)),
    }
}

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value for NaN and
/// out-of-range floats.
pub(crate) fn float_to_int64(f: f64) -> i64 {
    if f.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        i64::MIN
    } else {
        f.trunc() as i64
    }
}

/// cast's `ToInt64E`.
pub(crate) fn to_int64_e(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i, _) => Ok(*i),
        // Go's int64(uint64) wraps.
        Value::Uint(u, _) => Ok(*u as i64),
        Value::Float(f, _) => Ok(float_to_int64(*f)),
        Value::String(s) => parse_int(&trim_zero_decimal(s), 0)
            .map_err(|_| format!("unable to cast {} of type string to int64", gofmt::quote(s))),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Missing | Value::Nil => Ok(0),
        other => Err(format!(
            "unable to cast {} of type {} to int64",
            gofmt::sprintf("%#v", std::slice::from_ref(other)),
            other.type_name()
        )),
    }
}

/// cast's `ToInt64` (0 on failure).
pub(crate) fn to_int64(v: &Value) -> i64 {
    to_int64_e(v).unwrap_or(0)
}

/// cast's `ToFloat64E`.
pub(crate) fn to_float64_e(v: &Value) -> Result<f64, String> {
    match v {
        Value::Int(i, _) => Ok(*i as f64),
        Value::Uint(u, _) => Ok(*u as f64),
        Value::Float(f, _) => Ok(*f),
        Value::String(s) => parse_float(s).map_err(|_| {
            format!(
                "unable to cast {} of type string to float64",
                gofmt::quote(s)
            )
        }),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::Missing | Value::Nil => Ok(0.0),
        other => Err(format!(
            "unable to cast {} of type {} to float64",
            gofmt::sprintf("%#v", std::slice::from_ref(other)),
            other.type_name()
        )),
    }
}

/// cast's `ToFloat64` (0 on failure).
pub(crate) fn to_float64(v: &Value) -> f64 {
    to_float64_e(v).unwrap_or(0.0)
}

/// cast's `trimZeroDecimal`: `"12.00"` → `"12"`; anything else unchanged.
fn trim_zero_decimal(s: &str) -> String {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return s[..i - 1].to_string();
                }
            }
            b'0' => found_zero = true,
            _ => return s.to_string(),
        }
    }
    s.to_string()
}

/// Go's `underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some((&c, rest)) = b.split_first()
        && (c == b'-' || c == b'+')
    {
        b = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 0 or 10 (`Atoi`).
pub(crate) fn parse_int(s: &str, base: u32) -> Result<i64, ()> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_uint(body, base, base == 0 && underscore_ok(s))?;
    if neg {
        if mag > 1u64 << 63 {
            return Err(());
        }
        Ok((mag as i64).wrapping_neg())
    } else {
        i64::try_from(mag).map_err(|_| ())
    }
}

fn parse_uint(s: &str, base: u32, underscores: bool) -> Result<u64, ()> {
    if s.is_empty() {
        return Err(());
    }
    let b = s.as_bytes();
    let (radix, digits) = if base == 0 {
        if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'x' | b'o' | b'b') {
            let r = match b[1] | 0x20 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (r, &s[2..])
        } else if b[0] == b'0' && b.len() > 1 {
            (8, &s[1..])
        } else {
            (10, s)
        }
    } else {
        (base, s)
    };
    let mut n: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' && underscores {
            continue;
        }
        let d = c.to_digit(radix).ok_or(())?;
        n = n
            .checked_mul(u64::from(radix))
            .and_then(|n| n.checked_add(u64::from(d)))
            .ok_or(())?;
        any = true;
    }
    // A lone leading 0 (octal prefix) is itself the number 0.
    if !(any || base == 0 && radix == 8) {
        return Err(());
    }
    Ok(n)
}

/// Go's `strconv.ParseFloat(s, 64)`; out-of-range values are errors.
pub(crate) fn parse_float(s: &str) -> Result<f64, ()> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            if body.contains('_') && !underscore_ok(s) {
                return Err(());
            }
            let clean: String = body.chars().filter(|&c| c != '_').collect();
            if clean.len() > 2 && clean[..2].eq_ignore_ascii_case("0x") {
                parse_hex_float(&clean[2..])?
            } else {
                // Rust accepts "inf"/"nan" spellings and a leading sign, which Go's
                // decimal syntax does not at this point.
                if !clean
                    .bytes()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
                {
                    return Err(());
                }
                if clean.starts_with(['+', '-']) {
                    return Err(());
                }
                let v: f64 = clean.parse().map_err(|_| ())?;
                if v.is_infinite() {
                    return Err(());
                }
                v
            }
        }
    };
    Ok(if neg { -v } else { v })
}

/// Hex float mantissa `h.hhh` with a mandatory `p` exponent.
fn parse_hex_float(s: &str) -> Result<f64, ()> {
    let (mant, exp) = s.split_once(['p', 'P']).ok_or(())?;
    let exp: i32 = exp.parse().map_err(|_| ())?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(());
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16).ok_or(())?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16).ok_or(())?) * scale;
        scale /= 16.0;
    }
    let v = v * 2f64.powi(exp);
    if v.is_infinite() {
        return Err(());
    }
    Ok(v)
}

/// Sprig's `strslice`: a list's non-nil elements through `strval`; a lone value as a
/// one-element list; nil as an empty list.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Missing | Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

pub(crate) fn register(out: &mut Vec<Func>) {
    // atoi wraps strconv.Atoi and drops its error.
    out.push(func("atoi", vec![GoType::String], INT, |a| {
        Ok(Value::int(parse_int(arg_str(a, 0), 10).unwrap_or(0)))
    }));
    out.push(func("int", vec![GoType::Interface], INT, |a| {
        Ok(Value::int(to_int64(&arg(a, 0))))
    }));
    out.push(func("int64", vec![GoType::Interface], INT64, |a| {
        Ok(Value::int64(to_int64(&arg(a, 0))))
    }));
    out.push(func("float64", vec![GoType::Interface], FLOAT64, |a| {
        Ok(Value::float(to_float64(&arg(a, 0))))
    }));
    out.push(func(
        "toString",
        vec![GoType::Interface],
        GoType::String,
        |a| Ok(Value::from(strval(&arg(a, 0)))),
    ));
    out.push(func(
        "toStrings",
        vec![GoType::Interface],
        GoType::Slice(Box::new(GoType::String)),
        |a| Ok(Value::string_list(strslice(&arg(a, 0)))),
    ));
    // toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error.
    out.push(func("toDecimal", vec![GoType::Interface], INT64, |a| {
        let s = gofmt::sprint(&[arg(a, 0)]);
        Ok(Value::int64(parse_int(&s, 8).unwrap_or(0)))
    }));
}

//! Arithmetic: Sprig's integer functions (`add`, `sub`, `mul`, `div`, `mod`, `max`,
//! `min`, ... on cast's `ToInt64`, with Go's wrapping int64 arithmetic), the float
//! functions (`floor`, `ceil`, `round`, `maxf`, `minf`), and the decimal ones (`addf`,
//! `subf`, `mulf`, `divf`, `add1f`), which Sprig computes with shopspring/decimal on the
//! shortest decimal form of each float64 before converting back.

use charthouse_gotmpl::{Func, FuncError, GoType, Value};

use crate::conv::{FLOAT64, INT, INT64, arg, arg_int, func, func_variadic, to_float64, to_int64};

const DIV_ZERO: &str = "runtime error: integer divide by zero";

/// A decimal `mantissa × 10^exp`, exact while it fits in an i128.
#[derive(Clone, Copy, Debug)]
struct Decimal {
    m: i128,
    e: i32,
}

impl Decimal {
    /// shopspring's `NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_float(f: f64) -> Result<Decimal, FuncError> {
        if !f.is_finite() {
            let shown = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            return Err(FuncError::new(format!(
                "Cannot create a Decimal from {shown}"
            )));
        }
        let text = format!("{f:e}");
        let (mant, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let neg = mant.starts_with('-');
        let mant = mant.trim_start_matches('-');
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let m: i128 = digits.parse().unwrap_or(0);
        Ok(Decimal {
            m: if neg { -m } else { m },
            e: exp - frac.len() as i32,
        })
    }

    fn to_float(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(0.0)
    }

    fn pow10(n: u32) -> Option<i128> {
        10i128.checked_pow(n)
    }

    /// Both mantissas at the smaller exponent.
    fn align(a: Decimal, b: Decimal) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let am = a.m.checked_mul(Decimal::pow10((a.e - e) as u32)?)?;
        let bm = b.m.checked_mul(Decimal::pow10((b.e - e) as u32)?)?;
        Some((am, bm, e))
    }

    fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
        let (x, y, e) = Decimal::align(a, b)?;
        Some(Decimal {
            m: x.checked_add(y)?,
            e,
        })
    }

    fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
        let (x, y, e) = Decimal::align(a, b)?;
        Some(Decimal {
            m: x.checked_sub(y)?,
            e,
        })
    }

    fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
        Some(Decimal {
            m: a.m.checked_mul(b.m)?,
            e: a.e.checked_add(b.e)?,
        })
    }

    /// shopspring's `Div`: `DivRound` to 16 decimal places, halves away from zero.
    fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
        const PREC: i32 = 16;
        // a/b × 10^PREC = (a.m / b.m) × 10^(a.e - b.e + PREC).
        let shift = a.e - b.e + PREC;
        let (num, den) = if shift >= 0 {
            (a.m.checked_mul(Decimal::pow10(shift as u32)?)?, b.m)
        } else {
            (a.m, b.m.checked_mul(Decimal::pow10((-shift) as u32)?)?)
        };
        let q = num / den;
        let r = num - q * den;
        let q = if r.unsigned_abs().checked_mul(2)? >= den.unsigned_abs() {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Decimal { m: q, e: -PREC })
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// Sprig's `execDecimalOp`; when a result outgrows the exact representation the
/// float64 operation stands in (only for magnitudes no chart uses).
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> Result<Value, FuncError> {
    let mut acc = Decimal::from_float(to_float64(first))?;
    let mut approx: Option<f64> = None;
    for x in rest {
        let f = to_float64(x);
        let d = Decimal::from_float(f)?;
        if matches!(op, Op::Div) && d.m == 0 {
            return Err(FuncError::new("decimal division by 0"));
        }
        if let Some(v) = approx.as_mut() {
            *v = apply_f64(*v, f, op);
            continue;
        }
        let next = match op {
            Op::Add => Decimal::add(acc, d),
            Op::Sub => Decimal::sub(acc, d),
            Op::Mul => Decimal::mul(acc, d),
            Op::Div => Decimal::div(acc, d),
        };
        match next {
            Some(n) => acc = n,
            None => approx = Some(apply_f64(acc.to_float(), f, op)),
        }
    }
    Ok(Value::float(approx.unwrap_or_else(|| acc.to_float())))
}

fn apply_f64(a: f64, b: f64, op: Op) -> f64 {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
    }
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

/// Go's `math.Pow(10, p)` for the integral exponents `round` passes.
fn pow10(p: f64) -> f64 {
    if p.fract() != 0.0 || p.abs() > 400.0 {
        return 10f64.powf(p);
    }
    let mut ans = 1.0;
    for _ in 0..(p.abs() as u32) {
        ans *= 10.0;
    }
    if p < 0.0 { 1.0 / ans } else { ans }
}

/// Sprig's `round(a, places, roundOn)`.
fn round(v: f64, places: i64, round_on: f64) -> f64 {
    let pow = pow10(places as f64);
    let digit = pow * v;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

fn int_fn<F>(name: &str, params: Vec<GoType>, f: F) -> Func
where
    F: Fn(&[Value]) -> Result<i64, FuncError> + Send + Sync + 'static,
{
    func(name, params, INT64, move |a| Ok(Value::int64(f(a)?)))
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let any = || GoType::Interface;
    out.push(func_variadic("add", vec![], any(), INT64, |a| {
        Ok(Value::int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        ))
    }));
    out.push(int_fn("add1", vec![any()], |a| {
        Ok(to_int64(&arg(a, 0)).wrapping_add(1))
    }));
    out.push(int_fn("sub", vec![any(), any()], |a| {
        Ok(to_int64(&arg(a, 0)).wrapping_sub(to_int64(&arg(a, 1))))
    }));
    out.push(int_fn("div", vec![any(), any()], |a| {
        let b = to_int64(&arg(a, 1));
        if b == 0 {
            return Err(FuncError::new(DIV_ZERO));
        }
        Ok(to_int64(&arg(a, 0)).wrapping_div(b))
    }));
    out.push(int_fn("mod", vec![any(), any()], |a| {
        let b = to_int64(&arg(a, 1));
        if b == 0 {
            return Err(FuncError::new(DIV_ZERO));
        }
        Ok(to_int64(&arg(a, 0)).wrapping_rem(b))
    }));
    out.push(func_variadic("mul", vec![any()], any(), INT64, |a| {
        Ok(Value::int64(
            a.iter()
                .skip(1)
                .fold(to_int64(&arg(a, 0)), |acc, v| acc.wrapping_mul(to_int64(v))),
        ))
    }));
    for name in ["max", "biggest"] {
        out.push(func_variadic(name, vec![any()], any(), INT64, |a| {
            Ok(Value::int64(
                a.iter()
                    .skip(1)
                    .map(to_int64)
                    .fold(to_int64(&arg(a, 0)), i64::max),
            ))
        }));
    }
    out.push(func_variadic("min", vec![any()], any(), INT64, |a| {
        Ok(Value::int64(
            a.iter()
                .skip(1)
                .map(to_int64)
                .fold(to_int64(&arg(a, 0)), i64::min),
        ))
    }));
    out.push(func_variadic("maxf", vec![any()], any(), FLOAT64, |a| {
        Ok(Value::float(
            a.iter()
                .skip(1)
                .map(to_float64)
                .fold(to_float64(&arg(a, 0)), go_max),
        ))
    }));
    out.push(func_variadic("minf", vec![any()], any(), FLOAT64, |a| {
        Ok(Value::float(
            a.iter()
                .skip(1)
                .map(to_float64)
                .fold(to_float64(&arg(a, 0)), go_min),
        ))
    }));
    out.push(func("floor", vec![any()], FLOAT64, |a| {
        Ok(Value::float(to_float64(&arg(a, 0)).floor()))
    }));
    out.push(func("ceil", vec![any()], FLOAT64, |a| {
        Ok(Value::float(to_float64(&arg(a, 0)).ceil()))
    }));
    out.push(func_variadic(
        "round",
        vec![any(), INT],
        FLOAT64,
        FLOAT64,
        |a| {
            let on = a.get(2).and_then(Value::as_f64).unwrap_or(0.5);
            Ok(Value::float(round(
                to_float64(&arg(a, 0)),
                arg_int(a, 1),
                on,
            )))
        },
    ));
    out.push(func_variadic("addf", vec![], any(), FLOAT64, |a| {
        decimal_op(&Value::float(0.0), a, Op::Add)
    }));
    out.push(func("add1f", vec![any()], FLOAT64, |a| {
        decimal_op(&arg(a, 0), &[Value::int(1)], Op::Add)
    }));
    out.push(func_variadic("subf", vec![any()], any(), FLOAT64, |a| {
        decimal_op(&arg(a, 0), &a[1.min(a.len())..], Op::Sub)
    }));
    out.push(func_variadic("mulf", vec![any()], any(), FLOAT64, |a| {
        decimal_op(&arg(a, 0), &a[1.min(a.len())..], Op::Mul)
    }));
    out.push(func_variadic("divf", vec![any()], any(), FLOAT64, |a| {
        decimal_op(&arg(a, 0), &a[1.min(a.len())..], Op::Div)
    }));
}

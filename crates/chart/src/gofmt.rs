//! Go's `fmt` `%v` (and `%T`, `%t`) for decoded values: helm prints values
//! this way in warnings and builds import-values paths with `%v`.

use charthouse_goyaml::Value;

/// Splits `f`'s shortest round-trip decimal form into digits and the
/// decimal-point position (`0.ddd × 10^dp`), as strconv's `decimal` does.
fn shortest_digits(f: f64, bits32: bool) -> (String, i32) {
    // Rust's `{:e}` prints the shortest digits that round-trip.
    let s = if bits32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let s = s.trim_start_matches('-');
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return ("0".to_owned(), 1);
    }
    (digits.to_owned(), exp + 1)
}

/// `strconv.FormatFloat(f, 'g', -1, 64|32)`: shortest digits, in exponent
/// form when the decimal exponent is below -4 or at least 6 (strconv uses a
/// fixed threshold of 6 for shortest formatting).
pub(crate) fn format_float_g(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let neg = f.is_sign_negative() && f != 0.0;
    let sign = if neg { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    let (digits, dp) = shortest_digits(f, bits32);
    let nd = digits.len() as i32;
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        let mut out = String::from(sign);
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
        return out;
    }
    let mut out = String::from(sign);
    if dp <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(dp.unsigned_abs() as usize));
        out.push_str(&digits);
    } else if dp >= nd {
        out.push_str(&digits);
        out.push_str(&"0".repeat((dp - nd) as usize));
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

/// Go's `fmt.Sprintf("%v", v)` for a value decoded from YAML/JSON.
pub(crate) fn sprint_v(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v);
    out
}

fn write_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&format_float_g(*f, false)),
        Value::String(s) => out.push_str(s),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, item);
            }
            out.push(']');
        }
    }
}

/// Go's `%T` for a value decoded from YAML/JSON or set by strvals.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

/// Go's `fmt.Sprintf("%t", v)`: booleans print, anything else is a
/// bad-verb marker `%!t(type=value)` (applied per element in slices).
pub(crate) fn sprint_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Null => "%!t(<nil>)".to_owned(),
        Value::Seq(items) => {
            let inner: Vec<String> = items.iter().map(sprint_t).collect();
            format!("[{}]", inner.join(" "))
        }
        other => format!("%!t({}={})", type_name(other), sprint_v(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_go() {
        assert_eq!(format_float_g(3.0, false), "3");
        assert_eq!(format_float_g(1e6, false), "1e+06");
        assert_eq!(format_float_g(123456.0, false), "123456");
        assert_eq!(format_float_g(123456789.0, false), "1.23456789e+08");
        assert_eq!(format_float_g(0.0001, false), "0.0001");
        assert_eq!(format_float_g(0.00001, false), "1e-05");
        assert_eq!(format_float_g(-2.5, false), "-2.5");
        assert_eq!(format_float_g(1.1, true), "1.1");
        assert_eq!(format_float_g(12345678.0, true), "1.2345678e+07");
    }

    #[test]
    fn values_like_go() {
        let v = charthouse_goyaml::unmarshal(b"{b: [1, x], a: null}").unwrap();
        assert_eq!(sprint_v(&v), "map[a:<nil> b:[1 x]]");
        assert_eq!(sprint_t(&Value::String("x".into())), "%!t(string=x)");
    }
}

//! Go's `strconv.FormatFloat` with precision -1 (shortest round-trip digits)
//! in the `'e'`, `'f'` and `'g'` formats, plus encoding/json's float rule.
//!
//! Mirrors `strconv/ftoa.go` (`fmtE`, `fmtF`, and the `%g` choice that uses
//! an exponent below 1e-4 or from 1e6 on when the precision is shortest) and
//! `encoding/json/encode.go` `floatEncoder`. Rust's `{:e}` formatting
//! yields the same shortest digits as Go's Ryū-based shortest mode, so we
//! take the digits from it and lay them out the Go way.

/// Shortest digits of a finite, non-zero magnitude and the decimal point
/// position: value = 0.d1d2d3... × 10^dp.
fn digits(abs: f64, bits32: bool) -> (Vec<u8>, i32) {
    let s = if bits32 {
        format!("{:e}", abs as f32)
    } else {
        format!("{abs:e}")
    };
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    (d, exp + 1)
}

fn push_e(out: &mut String, d: &[u8], dp: i32) {
    out.push(char::from(d[0]));
    if d.len() > 1 {
        out.push('.');
        out.extend(d[1..].iter().map(|&b| char::from(b)));
    }
    out.push('e');
    let exp = dp - 1;
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn push_f(out: &mut String, d: &[u8], dp: i32) {
    let nd = d.len() as i32;
    if dp > 0 {
        let m = nd.min(dp);
        out.extend(d[..m as usize].iter().map(|&b| char::from(b)));
        for _ in m..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    let prec = (nd - dp).max(0);
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = dp + i - 1;
            out.push(if (0..nd).contains(&j) {
                char::from(d[j as usize])
            } else {
                '0'
            });
        }
    }
}

/// The format letter of `strconv.FormatFloat`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fmt {
    E,
    F,
    G,
}

/// `strconv.FormatFloat(f, fmt, -1, bits)`.
pub(crate) fn format_float(f: f64, fmt: Fmt, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let mut out = String::new();
    let neg = if bits32 {
        (f as f32).is_sign_negative()
    } else {
        f.is_sign_negative()
    };
    if neg {
        out.push('-');
    }
    let is_zero = if bits32 { f as f32 == 0.0 } else { f == 0.0 };
    if is_zero {
        out.push_str(if fmt == Fmt::E { "0e+00" } else { "0" });
        return out;
    }
    let (d, dp) = digits(f.abs(), bits32);
    match fmt {
        Fmt::E => push_e(&mut out, &d, dp),
        Fmt::F => push_f(&mut out, &d, dp),
        Fmt::G => {
            let exp = dp - 1;
            if !(-4..6).contains(&exp) {
                push_e(&mut out, &d, dp);
            } else {
                push_f(&mut out, &d, dp);
            }
        }
    }
    out
}

/// How encoding/json writes a float64 (`1e+21`, `1e-7`, `0.1`, `-0`), or
/// `None` for NaN and ±Inf, which it refuses ("json: unsupported value").
pub fn json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    let fmt = if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        Fmt::E
    } else {
        Fmt::F
    };
    let mut s = format_float(f, fmt, false);
    if fmt == Fmt::E {
        // encoding/json cleans up "e-09" to "e-9".
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    Some(s)
}

/// The text yaml.v2 writes for a float64 (`encode.go` `floatv`).
pub(crate) fn yaml_float(f: f64) -> String {
    match format_float(f, Fmt::G, false).as_str() {
        "+Inf" => ".inf".to_owned(),
        "-Inf" => "-.inf".to_owned(),
        "NaN" => ".nan".to_owned(),
        s => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        let cases = [
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1234567.5, "1.2345675e+06"),
            (-0.0, "-0"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f, Fmt::G, false), want, "{f}");
        }
        assert_eq!(format_float(0.1, Fmt::G, true), "0.1");
        assert_eq!(format_float(1.234_567_891_2, Fmt::G, true), "1.2345679");
    }

    #[test]
    fn json_floats() {
        let cases = [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (0.000001, "0.000001"),
            (-0.0, "-0"),
            (12.5, "12.5"),
        ];
        for (f, want) in cases {
            assert_eq!(json_float(f).as_deref(), Some(want), "{f}");
        }
        assert_eq!(json_float(f64::NAN), None);
    }
}

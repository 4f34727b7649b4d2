//! Go's `time.Duration`: `String`, `ParseDuration`, `Round` and `Truncate`, with Go's
//! exact texts (`1h2m3.5s`, `1.5µs`, `time: invalid duration "x"`).

/// One nanosecond, in nanoseconds.
pub(crate) const NANOSECOND: i64 = 1;
/// One microsecond, in nanoseconds.
pub(crate) const MICROSECOND: i64 = 1000 * NANOSECOND;
/// One millisecond, in nanoseconds.
pub(crate) const MILLISECOND: i64 = 1000 * MICROSECOND;
/// One second, in nanoseconds.
pub(crate) const SECOND: i64 = 1000 * MILLISECOND;
/// One minute, in nanoseconds.
pub(crate) const MINUTE: i64 = 60 * SECOND;
/// One hour, in nanoseconds.
pub(crate) const HOUR: i64 = 60 * MINUTE;

/// Go's `Duration.String`.
pub(crate) fn format(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < SECOND as u64 {
        if u == 0 {
            return "0s".to_string();
        }
        let (prec, unit) = if u < MICROSECOND as u64 {
            (0, "ns")
        } else if u < MILLISECOND as u64 {
            (3, "µs")
        } else {
            (6, "ms")
        };
        let (frac, int) = frac(u, prec);
        out.push_str(&int.to_string());
        out.push_str(&frac);
        out.push_str(unit);
    } else {
        let (fr, secs) = frac(u, 9);
        u = secs;
        let s = u % 60;
        u /= 60;
        if u > 0 {
            let m = u % 60;
            u /= 60;
            if u > 0 {
                out.push_str(&u.to_string());
                out.push('h');
            }
            out.push_str(&m.to_string());
            out.push('m');
        }
        out.push_str(&s.to_string());
        out.push_str(&fr);
        out.push('s');
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `fmtFrac`: the fraction of `v / 10^prec` as `.ddd` without trailing zeros (empty
/// when zero), and the integer part.
fn frac(mut v: u64, prec: u32) -> (String, u64) {
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            digits.push(char::from(b'0' + digit as u8));
        }
        v /= 10;
    }
    if !print {
        return (String::new(), v);
    }
    digits.push('.');
    (digits.into_iter().rev().collect(), v)
}

fn quote(s: &str) -> String {
    charthouse_gotmpl::gofmt::quote(s)
}

fn unit(u: &str) -> Option<u64> {
    Some(match u {
        "ns" => NANOSECOND as u64,
        "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND as u64,
        "ms" => MILLISECOND as u64,
        "s" => SECOND as u64,
        "m" => MINUTE as u64,
        "h" => HOUR as u64,
        _ => return None,
    })
}

const LIMIT: u64 = 1 << 63;

/// Go's `time.ParseDuration`.
///
/// # Errors
///
/// Go's messages: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
/// `time: unknown unit "d" in duration "1d"`.
pub(crate) fn parse(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", quote(orig));
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading integer.
        let mut v: u64 = 0;
        let mut i = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(s[i] - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        // Fraction.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut i = 0;
            let mut overflow = false;
            while i < s.len() && s[i].is_ascii_digit() {
                if !overflow {
                    if f > (LIMIT - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(s[i] - b'0');
                        if y > LIMIT {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i > 0;
            s = &s[i..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit.
        let mut i = 0;
        while i < s.len() && !(s[i] == b'.' || s[i].is_ascii_digit()) {
            i += 1;
        }
        if i == 0 {
            return Err(format!("time: missing unit in duration {}", quote(orig)));
        }
        let u = String::from_utf8_lossy(&s[..i]).into_owned();
        s = &s[i..];
        let Some(unit) = unit(&u) else {
            return Err(format!(
                "time: unknown unit {} in duration {}",
                quote(&u),
                quote(orig)
            ));
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        d += v;
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Go's `Duration.Round`.
pub(crate) fn round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        // Go's arithmetic wraps; a wrapped result means overflow.
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        return if d1 < d { d1 } else { i64::MIN };
    }
    if less_than_half(r, m) {
        return d - r;
    }
    let d1 = d.wrapping_add(m - r);
    if d1 > d { d1 } else { i64::MAX }
}

/// Go's `Duration.Truncate`.
pub(crate) fn truncate(d: i64, m: i64) -> i64 {
    if m <= 0 { d } else { d - d % m }
}

/// Go's `Duration.Seconds`.
pub(crate) fn seconds(d: i64) -> f64 {
    (d / SECOND) as f64 + (d % SECOND) as f64 / 1e9
}

/// Go's `Duration.Minutes`.
pub(crate) fn minutes(d: i64) -> f64 {
    (d / MINUTE) as f64 + (d % MINUTE) as f64 / (60.0 * 1e9)
}

/// Go's `Duration.Hours`.
pub(crate) fn hours(d: i64) -> f64 {
    (d / HOUR) as f64 + (d % HOUR) as f64 / (60.0 * 60.0 * 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_as_go_prints_them() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (4 * MINUTE + 5 * SECOND, "4m5s"),
            (4 * MINUTE + 5_001_000_000, "4m5.001s"),
            (5 * HOUR + 6 * MINUTE + 7_001_000_000, "5h6m7.001s"),
            (8 * MINUTE + 1, "8m0.000000001s"),
            (i64::MAX, "2562047h47m16.854775807s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
            (-90 * SECOND, "-1m30s"),
            (HOUR, "1h0m0s"),
        ];
        for (d, want) in cases {
            assert_eq!(format(d), want);
        }
    }

    #[test]
    fn parsing_as_go_does() {
        assert_eq!(parse("1h2m3.5s"), Ok(HOUR + 2 * MINUTE + 3_500_000_000));
        assert_eq!(parse("-1.5h"), Ok(-90 * MINUTE));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("1µs"), Ok(1000));
        assert_eq!(parse(".5s"), Ok(500_000_000));
        assert_eq!(parse("9223372036854775807ns"), Ok(i64::MAX));
        assert_eq!(parse("-9223372036854775808ns"), Ok(i64::MIN));
        assert_eq!(
            parse("9223372036854775808ns"),
            Err("time: invalid duration \"9223372036854775808ns\"".into())
        );
        assert_eq!(parse(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(
            parse("1"),
            Err("time: missing unit in duration \"1\"".into())
        );
        assert_eq!(
            parse("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(parse("."), Err("time: invalid duration \".\"".into()));
    }

    proptest::proptest! {
        #[test]
        fn string_parses_back(d in proptest::num::i64::ANY) {
            proptest::prop_assert_eq!(parse(&format(d)), Ok(d));
        }

        #[test]
        fn parse_never_panics(s in "[-+.0-9a-zµ]{0,20}") {
            let _ = parse(&s);
        }
    }

    #[test]
    fn rounding() {
        assert_eq!(round(1_500_000_000, SECOND), 2 * SECOND);
        assert_eq!(round(-1_500_000_000, SECOND), -2 * SECOND);
        assert_eq!(round(1_499_999_999, SECOND), SECOND);
        assert_eq!(round(i64::MAX, HOUR), i64::MAX);
        assert_eq!(round(i64::MIN, HOUR), i64::MIN);
        assert_eq!(round(i64::MIN + 1, 3), i64::MIN + 2);
        assert_eq!(truncate(-1_500_000_000, SECOND), -SECOND);
        assert_eq!(truncate(5, 0), 5);
    }
}

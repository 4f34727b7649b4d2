//! Go's `strconv`: float formatting (`FormatFloat`), quoting (`Quote`, `QuoteRune`,
//! `CanBackquote`) and the `IsPrint` rune classification they rely on.

/// Decimal digits of a float: `0.d1d2d3... × 10^dp`, trailing zeros trimmed (Go's
/// `decimalSlice`). Zero has no digits and `dp == 0`.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

/// Digits from Rust's exact `{:e}` rendering (`d.ddde±x`), which rounds the exact binary
/// value correctly with ties to even, as Go's `strconv` does.
fn digits_from_exp(s: &str) -> Digits {
    let (mant, exp) = match s.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

fn shortest(v: f64, bits32: bool) -> Digits {
    if v == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    let s = if bits32 {
        format!("{:e}", v.abs() as f32)
    } else {
        format!("{:e}", v.abs())
    };
    digits_from_exp(&s)
}

fn significant(v: f64, n: usize) -> Digits {
    if v == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    // A float64 has at most 767 significant decimal digits: the rest are zeros (and
    // Rust's formatter refuses precisions above 65535).
    let n = n.clamp(1, 800);
    digits_from_exp(&format!("{:.*e}", n - 1, v.abs()))
}

fn fmt_e(out: &mut String, neg: bool, d: &Digits, prec: usize, fmt: char) {
    if neg {
        out.push('-');
    }
    out.push(d.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let mut i = 1;
        let m = d.d.len().min(prec + 1);
        while i < m {
            out.push(d.d[i] as char);
            i += 1;
        }
        if i <= prec {
            push_zeros(out, prec + 1 - i);
        }
    }
    out.push(fmt);
    let mut exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, neg: bool, d: &Digits, prec: usize) {
    if neg {
        out.push('-');
    }
    if d.dp > 0 {
        let dp = d.dp as usize;
        let m = d.d.len().min(dp);
        for &c in &d.d[..m] {
            out.push(c as char);
        }
        for _ in m..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        // Digits up to the last known one, then zeros in bulk (precisions reach 10^6).
        let mut written = 0usize;
        for i in 1..=prec as i64 {
            let j = d.dp as i64 + i - 1;
            if j >= d.d.len() as i64 {
                break;
            }
            out.push(if j >= 0 { d.d[j as usize] as char } else { '0' });
            written += 1;
        }
        push_zeros(out, prec - written);
    }
}

/// Appends `n` zeros with bulk copies.
pub(crate) fn push_repeated(out: &mut String, c: char, n: usize) {
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    const SPACES: &str = "                                                                ";
    let chunk = if c == '0' { ZEROS } else { SPACES };
    let mut left = n;
    out.reserve(n);
    while left >= chunk.len() {
        out.push_str(chunk);
        left -= chunk.len();
    }
    out.push_str(&chunk[..left]);
}

fn push_zeros(out: &mut String, n: usize) {
    push_repeated(out, '0', n);
}

/// `%x` of a float: `-0x1.yyyyp±dd`.
fn fmt_x(out: &mut String, v: f64, prec: i32, fmt: char, bits32: bool) {
    let neg = v.is_sign_negative();
    let (mut mant, mut exp, mantbits): (u64, i32, u32) = if bits32 {
        let b = (v as f32).to_bits();
        let e = ((b >> 23) & 0xff) as i32;
        let m = (b & 0x7f_ffff) as u64;
        match e {
            0 => (m, 1 - 127, 23),
            _ => (m | 1 << 23, e - 127, 23),
        }
    } else {
        let b = v.to_bits();
        let e = ((b >> 52) & 0x7ff) as i32;
        let m = b & ((1u64 << 52) - 1);
        match e {
            0 => (m, 1 - 1023, 52),
            _ => (m | 1 << 52, e - 1023, 52),
        }
    };
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - mantbits;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8] = if fmt == 'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(fmt);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == 'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// Go's `strconv.FormatFloat(v, fmt, prec, bitSize)` for `fmt` in `e E f F g G x X b`;
/// `prec < 0` means the shortest representation that round-trips.
pub fn format_float(v: f64, fmt: char, prec: i32, bit_size: u32) -> String {
    let mut out = String::new();
    append_float(&mut out, v, fmt, prec, bit_size);
    out
}

/// Appends [`format_float`]'s result to `out`.
pub fn append_float(out: &mut String, v: f64, fmt: char, prec: i32, bit_size: u32) {
    let bits32 = bit_size == 32;
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    let neg = v.is_sign_negative();
    match fmt {
        'x' | 'X' => return fmt_x(out, v, prec, fmt, bits32),
        'b' => {
            // mantissa "p" exponent, as Go's %b.
            let (m, e) = if bits32 {
                let b = (v as f32).to_bits();
                let e = ((b >> 23) & 0xff) as i32;
                let m = (b & 0x7f_ffff) as u64;
                if e == 0 {
                    (m, 1 - 127 - 23)
                } else {
                    (m | 1 << 23, e - 127 - 23)
                }
            } else {
                let b = v.to_bits();
                let e = ((b >> 52) & 0x7ff) as i32;
                let m = b & ((1u64 << 52) - 1);
                if e == 0 {
                    (m, 1 - 1023 - 52)
                } else {
                    (m | 1 << 52, e - 1023 - 52)
                }
            };
            if neg {
                out.push('-');
            }
            out.push_str(&m.to_string());
            out.push('p');
            if e >= 0 {
                out.push('+');
            }
            out.push_str(&e.to_string());
            return;
        }
        _ => {}
    }
    let shortest_mode = prec < 0;
    let lower = match fmt {
        'E' => 'e',
        'G' => 'g',
        'F' => 'f',
        c => c,
    };
    let mut prec = prec;
    let digs;
    if shortest_mode {
        digs = shortest(v, bits32);
        prec = match lower {
            'e' => (digs.d.len() as i32 - 1).max(0),
            'f' => (digs.d.len() as i32 - digs.dp).max(0),
            _ => digs.d.len() as i32,
        };
    } else if lower == 'f' {
        // Exact fixed-point rendering, then back to digits. A float64 has at most 1074
        // fractional digits, so digits past 1100 are zeros (and Rust's formatter
        // refuses precisions above 65535; Go allows 10^6).
        let s = format!("{:.*}", (prec as usize).min(1100), v.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut d: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        let mut dp = int.len() as i32;
        while d.first() == Some(&b'0') {
            d.remove(0);
            dp -= 1;
        }
        while d.last() == Some(&b'0') {
            d.pop();
        }
        if d.is_empty() {
            dp = 0;
        }
        digs = Digits { d, dp };
    } else {
        let n = match lower {
            'e' => prec + 1,
            'g' => {
                if prec == 0 {
                    prec = 1;
                }
                prec
            }
            _ => 1,
        };
        digs = significant(v, n as usize);
    }
    match lower {
        'e' => fmt_e(
            out,
            neg,
            &digs,
            prec.max(0) as usize,
            if fmt == 'E' { 'E' } else { 'e' },
        ),
        'f' => fmt_f(out, neg, &digs, prec.max(0) as usize),
        'g' => {
            let nd = digs.d.len() as i32;
            let mut eprec = prec;
            if eprec > nd && nd >= digs.dp {
                eprec = nd;
            }
            if shortest_mode {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            let e = if fmt == 'G' { 'E' } else { 'e' };
            if exp < -4 || exp >= eprec {
                let p = if prec > nd { nd } else { prec };
                fmt_e(out, neg, &digs, (p - 1).max(0) as usize, e);
            } else {
                let p = if prec > digs.dp { nd } else { prec };
                fmt_f(out, neg, &digs, (p - digs.dp).max(0) as usize);
            }
        }
        _ => {
            out.push('%');
            out.push(fmt);
        }
    }
}

/// Go's `strconv.IsPrint`, approximated without Unicode category tables: control,
/// format, separator (other than U+0020), private-use and non-character code points are
/// not printable; every other assigned or unassigned code point is.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xFFFE | 0xFFFF | 0xE000..=0xF8FF | 0xD800..=0xDFFF | 0x110BD | 0x110CD
        | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001
        | 0xE0020..=0xE007F | 0xF0000..=0x10FFFF)
}

const LOWERHEX: &[u8] = b"0123456789abcdef";

fn append_escaped_rune(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if (r as u32) < 0x80 && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        _ => {
            let u = r as u32;
            if u < 0x20 || u == 0x7f {
                out.push_str("\\x");
                out.push(LOWERHEX[(u >> 4) as usize & 15] as char);
                out.push(LOWERHEX[u as usize & 15] as char);
            } else if u < 0x10000 {
                out.push_str("\\u");
                for s in (0..=12).rev().step_by(4) {
                    out.push(LOWERHEX[(u >> s) as usize & 15] as char);
                }
            } else {
                out.push_str("\\U");
                for s in (0..=28).rev().step_by(4) {
                    out.push(LOWERHEX[(u >> s) as usize & 15] as char);
                }
            }
        }
    }
}

/// Quotes possibly invalid UTF-8 bytes as Go's `strconv.Quote` does (`\xNN` for bytes
/// that are not valid UTF-8).
pub fn quote_bytes_with(out: &mut String, b: &[u8], quote: char, ascii_only: bool) {
    out.push(quote);
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            append_escaped_rune(out, c, quote, ascii_only);
        }
        for &x in chunk.invalid() {
            out.push_str("\\x");
            out.push(LOWERHEX[(x >> 4) as usize] as char);
            out.push(LOWERHEX[(x & 15) as usize] as char);
        }
    }
    out.push(quote);
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_bytes_with(&mut out, s.as_bytes(), '"', false);
    out
}

/// Go's `strconv.QuoteToASCII`.
pub fn quote_to_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_bytes_with(&mut out, s.as_bytes(), '"', true);
    out
}

/// Go's `strconv.QuoteRune` (`ascii_only`: `QuoteRuneToASCII`).
pub fn quote_rune(r: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    append_escaped_rune(&mut out, r, '\'', ascii_only);
    out.push('\'');
    out
}

/// Go's `strconv.CanBackquote`.
pub fn can_backquote(b: &[u8]) -> bool {
    for chunk in b.utf8_chunks() {
        if !chunk.invalid().is_empty() {
            return false;
        }
        for c in chunk.valid().chars() {
            if c == '\u{feff}' {
                return false;
            }
            if (c as u32) < 0x80 && ((c < ' ' && c != '\t') || c == '`' || c == '\u{7f}') {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
#[allow(clippy::approx_constant)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go_prints_them() {
        let g = |v: f64| format_float(v, 'g', -1, 64);
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(100000.0), "100000");
        assert_eq!(g(3.5), "3.5");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(1e21), "1e+21");
        assert_eq!(g(123456789.0), "1.23456789e+08");
        assert_eq!(g(f64::INFINITY), "+Inf");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(format_float(3.14159, 'f', 2, 64), "3.14");
        assert_eq!(format_float(0.125, 'f', 2, 64), "0.12");
        assert_eq!(format_float(1234.5678, 'e', 3, 64), "1.235e+03");
        assert_eq!(format_float(1e100, 'e', -1, 64), "1e+100");
        assert_eq!(format_float(1.0, 'g', 3, 64), "1");
        assert_eq!(format_float(100000.0, 'g', 3, 64), "1e+05");
        assert_eq!(format_float(123.456, 'g', 4, 64), "123.5");
        assert_eq!(format_float(1.5, 'x', -1, 64), "0x1.8p+00");
        assert_eq!(format_float(0.1, 'f', -1, 64), "0.1");
        assert_eq!(format_float(0.1, 'e', -1, 64), "1e-01");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b\n\u{7f}é\u{a0}"), "\"a\\\"b\\n\\x7fé\\u00a0\"");
        assert_eq!(quote_to_ascii("é😀"), "\"\\u00e9\\U0001f600\"");
        assert_eq!(quote_rune('\'', false), "'\\''");
    }
}

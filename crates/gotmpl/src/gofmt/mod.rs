//! Go's `fmt` printing of [`Value`]s: `Sprint`, `Sprintln`, `Sprintf` with every verb,
//! flag, width and precision text/template and Sprig can reach, including Go's error
//! forms (`%!d(string=x)`, `%!(EXTRA int=1)`, `%!v(MISSING)`, `%!(NOVERB)`,
//! `%!(BADWIDTH)`, `%!(BADPREC)`, `%!d(BADINDEX)`).
//!
//! ```
//! use charthouse_gotmpl::{gofmt, Value};
//! assert_eq!(gofmt::sprintf("%05.1f|%-4d|%q", &[Value::float(3.14159), Value::int(7), Value::from("é")]),
//!            "003.1|7   |\"é\"");
//! assert_eq!(gofmt::sprint(&[Value::float(1e6)]), "1e+06");
//! ```

mod strconv;

pub use strconv::{
    append_float, can_backquote, format_float, is_print, quote, quote_rune, quote_to_ascii,
};

use crate::value::{FloatType, Value};

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";

/// Go's `fmt.Sprint`: operands printed with `%v`, separated by a space when neither
/// neighbour is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    fprint(&mut out, args);
    out
}

/// Go's `fmt.Fprint` into a `String`.
pub fn fprint(out: &mut String, args: &[Value]) {
    let mut p = Printer::new(out);
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
}

/// Go's `fmt.Sprintln`: operands printed with `%v`, always separated by spaces, then a
/// newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    let mut p = Printer::new(&mut out);
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(arg, 'v');
    }
    out.push('\n');
    out
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    fprintf(&mut out, format, args);
    out
}

/// Go's `fmt.Fprintf` into a `String`.
pub fn fprintf(out: &mut String, format: &str, args: &[Value]) {
    Printer::new(out).do_printf(format, args);
}

/// Formats one value with one verb and default flags (`fmt.Sprintf("%"+verb, v)`).
pub fn format_value(v: &Value, verb: char) -> String {
    let mut out = String::new();
    Printer::new(&mut out).print_arg(v, verb);
    out
}

#[derive(Default, Clone, Copy)]
struct Flags {
    wid: usize,
    prec: usize,
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

struct Printer<'a> {
    buf: &'a mut String,
    f: Flags,
    reordered: bool,
    good_arg_num: bool,
    /// The [`crate::Map::id`]s of the maps being printed (the current path): a map met
    /// again inside itself is a reference cycle (a map `set` into itself), which Go's fmt
    /// follows until its stack overflows; we print `%!v(CYCLE)` there instead.
    maps: std::collections::HashSet<usize>,
}

fn too_large(x: i64) -> bool {
    !(-1_000_000..=1_000_000).contains(&x)
}

fn parsenum(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (num as usize, isnum, i)
}

fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let mut new_arg = arg_num;
    let mut num = 0i64;
    let mut is_int = false;
    if let Some(v) = a.get(arg_num) {
        match v {
            Value::Int(i, _) => {
                num = *i;
                is_int = true;
            }
            Value::Uint(u, _) => {
                if let Ok(i) = i64::try_from(*u) {
                    num = i;
                    is_int = true;
                }
            }
            _ => {}
        }
        new_arg = arg_num + 1;
        if too_large(num) {
            num = 0;
            is_int = false;
        }
    }
    (num, is_int, new_arg)
}

impl<'a> Printer<'a> {
    fn new(buf: &'a mut String) -> Printer<'a> {
        Printer {
            buf,
            f: Flags::default(),
            reordered: false,
            good_arg_num: true,
            maps: std::collections::HashSet::new(),
        }
    }

    // ---- padding -------------------------------------------------------------------

    fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        // Widths reach 10^7 (Go's parsenum limit): fill with bulk copies.
        strconv::push_repeated(self.buf, pad, n);
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present
            && let Some((i, _)) = s.char_indices().nth(self.f.prec)
        {
            return &s[..i];
        }
        s
    }

    // ---- basic formatters ------------------------------------------------------------

    fn fmt_boolean(&mut self, b: bool) {
        self.pad(if b { "true" } else { "false" });
    }

    fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, digits: &[u8]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec: usize = 0;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid;
                self.write_padding(w);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut buf: Vec<u8> = Vec::with_capacity(24 + prec);
        match base {
            10 => {
                while u >= 10 {
                    buf.push(b'0' + (u % 10) as u8);
                    u /= 10;
                }
            }
            16 => {
                while u >= 16 {
                    buf.push(digits[(u & 0xf) as usize]);
                    u >>= 4;
                }
            }
            8 => {
                while u >= 8 {
                    buf.push(b'0' + (u & 7) as u8);
                    u >>= 3;
                }
            }
            _ => {
                while u >= 2 {
                    buf.push(b'0' + (u & 1) as u8);
                    u >>= 1;
                }
            }
        }
        buf.push(digits[u as usize]);
        if buf.len() < prec {
            buf.resize(prec, b'0');
        }
        if self.f.sharp {
            match base {
                2 => {
                    buf.push(b'b');
                    buf.push(b'0');
                }
                8 if buf.last() != Some(&b'0') => {
                    buf.push(b'0');
                }
                16 => {
                    buf.push(digits[16]);
                    buf.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            buf.push(b'o');
            buf.push(b'0');
        }
        if negative {
            buf.push(b'-');
        } else if self.f.plus {
            buf.push(b'+');
        } else if self.f.space {
            buf.push(b' ');
        }
        buf.reverse();
        let s = String::from_utf8(buf).unwrap_or_default();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    fn fmt_0x64(&mut self, v: u64, leading0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading0x;
        self.fmt_integer(v, 16, false, 'v', LDIGITS);
        self.f.sharp = sharp;
    }

    fn fmt_c(&mut self, c: u64) {
        let r = u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}');
        let mut b = [0u8; 4];
        let s: &str = r.encode_utf8(&mut b);
        self.pad(s);
    }

    fn fmt_qc(&mut self, c: u64) {
        let r = u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}');
        let q = quote_rune(r, self.f.plus);
        self.pad(&q);
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4usize;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut hex = format!("{u:X}");
        if hex.len() < prec {
            hex = format!("{}{hex}", "0".repeat(prec - hex.len()));
        }
        let mut s = format!("U+{hex}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_print(c)
        {
            s.push_str(" '");
            s.push(c);
            s.push('\'');
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    fn fmt_float(&mut self, v: f64, size: u32, verb: char, prec: i32) {
        let prec = if self.f.prec_present {
            self.f.prec as i32
        } else {
            prec
        };
        let mut num = String::from("+");
        append_float(&mut num, v, verb, prec, size);
        let mut num: Vec<u8> = num.into_bytes();
        if num[1] == b'-' || num[1] == b'+' {
            num.remove(0);
        } else {
            num[0] = b'+';
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num[1] == b'I' || num[1] == b'N' {
            let old = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            let s = String::from_utf8(num).unwrap_or_default();
            self.pad(&s);
            self.f.zero = old;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i64 = 0;
            if matches!(verb, 'v' | 'g' | 'G' | 'x') {
                digits = i64::from(prec);
                if digits == -1 {
                    digits = 6;
                }
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != 'x' && verb != 'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            if digits > 0 {
                num.resize(num.len() + digits as usize, b'0');
            }
            num.extend_from_slice(&tail);
        }
        let s = String::from_utf8(num).unwrap_or_default();
        if self.f.plus || !s.starts_with('+') {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > s.len() {
                self.buf.push_str(&s[..1]);
                let n = self.f.wid - s.len();
                self.write_padding(n);
                self.buf.push_str(&s[1..]);
                return;
            }
            self.pad(&s);
            return;
        }
        self.pad(&s[1..]);
    }

    fn fmt_sbx(&mut self, b: &[u8], digits: &[u8]) {
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                let w = self.f.wid;
                self.write_padding(w);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            let n = self.f.wid - width;
            self.write_padding(n);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xf) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            let n = self.f.wid - width;
            self.write_padding(n);
        }
    }

    fn fmt_q_bytes(&mut self, b: &[u8]) {
        let b = if self.f.prec_present {
            // Truncate to prec runes (invalid bytes count as one rune each).
            let mut n = 0;
            let mut end = b.len();
            let mut i = 0;
            while i < b.len() {
                if n == self.f.prec {
                    end = i;
                    break;
                }
                let w = utf8_width(&b[i..]);
                i += w;
                n += 1;
            }
            &b[..end]
        } else {
            b
        };
        if self.f.sharp && can_backquote(b) {
            let s = format!("`{}`", String::from_utf8_lossy(b));
            self.pad(&s);
            return;
        }
        let mut s = String::new();
        strconv::quote_bytes_with(&mut s, b, '"', self.f.plus);
        self.pad(&s);
    }

    // ---- verbs per type --------------------------------------------------------------

    fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match v {
            Some(v) if !v.is_nil() => {
                let t = v.type_name().into_owned();
                self.buf.push_str(&t);
                self.buf.push('=');
                self.print_arg(v, 'v');
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
    }

    fn fmt_bool(&mut self, b: bool, verb: char, v: &Value) {
        match verb {
            't' | 'v' => self.fmt_boolean(b),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_int(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    self.fmt_0x64(u, true);
                } else {
                    self.fmt_integer(u, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_flt(&mut self, x: f64, size: u32, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(x, size, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => {
                if self.f.sharp_v {
                    self.fmt_float(x, size, 'g', -1);
                } else {
                    self.fmt_float(x, size, verb, -1);
                }
            }
            'f' | 'e' | 'E' | 'F' => self.fmt_float(x, size, verb, 6),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q_bytes(s.as_bytes());
                } else {
                    let t = self.truncate(s).to_owned();
                    self.pad(&t);
                }
            }
            's' => {
                let t = self.truncate(s).to_owned();
                self.pad(&t);
            }
            'x' => self.fmt_sbx(s.as_bytes(), LDIGITS),
            'X' => self.fmt_sbx(s.as_bytes(), UDIGITS),
            'q' => self.fmt_q_bytes(s.as_bytes()),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_string: &str, v: &Value) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str(type_string);
                    self.buf.push('{');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.fmt_0x64(u64::from(c), true);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(u64::from(c), 10, false, verb, LDIGITS);
                    }
                    self.buf.push(']');
                }
            }
            's' => {
                let s = String::from_utf8_lossy(b).into_owned();
                let t = self.truncate(&s).to_owned();
                self.pad(&t);
            }
            'x' => self.fmt_sbx(b, LDIGITS),
            'X' => self.fmt_sbx(b, UDIGITS),
            'q' => self.fmt_q_bytes(b),
            _ => {
                // Go's printValue of a []uint8 with another verb: element-wise.
                self.buf.push('[');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    let e = Value::Uint(u64::from(c), crate::value::UintType::Uint8);
                    self.fmt_int(u64::from(c), false, verb, &e);
                }
                self.buf.push(']');
                let _ = v;
            }
        }
    }

    /// Go's `printArg` (depth 0) and `printValue` (depth > 0) merged: our values carry
    /// their dynamic type, so the two paths differ only in small details.
    fn print_arg(&mut self, v: &Value, verb: char) {
        self.print_value(v, verb, 0);
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.print_value_inner(v, verb, depth)
        });
    }

    fn print_value_inner(&mut self, v: &Value, verb: char, depth: usize) {
        if verb == 'T' && depth == 0 {
            if v.is_nil() {
                self.pad("<nil>");
                return;
            }
            let t = v.type_name().into_owned();
            let t = self.truncate(&t).to_owned();
            self.pad(&t);
            return;
        }
        if verb == 'p' && depth == 0 {
            self.bad_verb(verb, Some(v));
            return;
        }
        match v {
            Value::Missing | Value::Nil => {
                if self.f.sharp_v && depth > 0 {
                    self.buf.push_str("interface {}(nil)");
                } else if verb == 'v' || verb == 'T' || depth > 0 {
                    self.pad("<nil>");
                } else {
                    self.bad_verb(verb, None);
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Int(i, _) => self.fmt_int(*i as u64, true, verb, v),
            Value::Uint(u, _) => self.fmt_int(*u, false, verb, v),
            Value::Float(x, t) => {
                let size = if *t == FloatType::Float32 { 32 } else { 64 };
                self.fmt_flt(*x, size, verb, v)
            }
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::Bytes(b) => {
                let ts = if depth == 0 { "[]byte" } else { "[]uint8" };
                self.fmt_bytes(b, verb, ts, v)
            }
            Value::List(l) => {
                if self.f.sharp_v {
                    let t = l.type_name().into_owned();
                    self.buf.push_str(&t);
                    self.buf.push('{');
                    for (i, e) in l.items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(e, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, e) in l.items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(e, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Map(m) => {
                let id = m.id();
                if self.maps.contains(&id) {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(CYCLE)");
                    return;
                }
                if self.f.sharp_v && m.is_nil() {
                    // Go's printValue: `%#v` of a nil map is `T(nil)`.
                    let t = m.type_name().into_owned();
                    self.buf.push_str(&t);
                    self.buf.push_str("(nil)");
                    return;
                }
                self.maps.insert(id);
                if self.f.sharp_v {
                    let t = m.type_name().into_owned();
                    self.buf.push_str(&t);
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                // A snapshot: printing must not hold the map's lock.
                for (i, (k, e)) in m.snapshot().iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    let key = Value::String(crate::value::Str::from(k.as_str()));
                    self.print_value(&key, verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(e, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
                self.maps.remove(&id);
            }
            Value::Object(o) => {
                let mut s = String::new();
                o.fmt_value(&mut s);
                if s.is_empty() {
                    // A named map or slice type without its own printing prints as its
                    // data, as Go's fmt prints any map or slice.
                    if let Some(d) = o.as_data() {
                        self.print_value(&d, verb, depth);
                        return;
                    }
                    s.push_str("{}");
                }
                match verb {
                    'v' | 's' | 'x' | 'X' | 'q' => self.fmt_string(&s, verb, v),
                    _ => self.bad_verb(verb, Some(v)),
                }
            }
            Value::Func(_) => {
                if matches!(verb, 'v' | 'p') {
                    self.fmt_0x64(0, !self.f.sharp);
                } else {
                    self.bad_verb(verb, Some(v));
                }
            }
        }
    }

    // ---- Printf ----------------------------------------------------------------------

    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    fn do_printf(&mut self, format: &str, a: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        'format_loop: while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            // simple flags and fast path
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&a[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format_loop;
                        }
                        break;
                    }
                }
                i += 1;
            }
            let r = self.arg_number(arg_num, fb, i, a.len());
            arg_num = r.0;
            i = r.1;
            after_index = r.2;
            // width
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, na) = int_from_arg(a, arg_num);
                arg_num = na;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    self.f.wid = w.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = w as usize;
                }
                after_index = false;
            } else {
                let (w, ok, ni) = parsenum(fb, i, end);
                self.f.wid = w;
                self.f.wid_present = ok;
                i = ni;
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }
            // precision
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                let r = self.arg_number(arg_num, fb, i, a.len());
                arg_num = r.0;
                i = r.1;
                after_index = r.2;
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, ok, na) = int_from_arg(a, arg_num);
                    arg_num = na;
                    self.f.prec_present = ok;
                    if p < 0 {
                        self.f.prec = 0;
                        self.f.prec_present = false;
                    } else {
                        self.f.prec = p as usize;
                    }
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, ok, ni) = parsenum(fb, i, end);
                    i = ni;
                    self.f.prec = p;
                    self.f.prec_present = true;
                    if !ok {
                        self.f.prec = 0;
                    }
                }
            }
            if !after_index {
                let r = self.arg_number(arg_num, fb, i, a.len());
                arg_num = r.0;
                i = r.1;
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(BADINDEX)");
            } else if arg_num >= a.len() {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < a.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in a[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    let t = arg.type_name().into_owned();
                    self.buf.push_str(&t);
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }
}

fn parse_arg_number(format: &[u8]) -> (i64, usize, bool) {
    if format.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..format.len() {
        if format[i] == b']' {
            let (width, ok, newi) = parsenum(format, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width as i64 - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

fn utf8_width(b: &[u8]) -> usize {
    let n = match b.first() {
        Some(&c) if c < 0x80 => 1,
        Some(&c) if c >> 5 == 0b110 => 2,
        Some(&c) if c >> 4 == 0b1110 => 3,
        Some(&c) if c >> 3 == 0b11110 => 4,
        _ => 1,
    };
    if n > 1 && (b.len() < n || std::str::from_utf8(&b[..n]).is_err()) {
        return 1;
    }
    n
}

#[cfg(test)]
#[allow(clippy::approx_constant)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    #[test]
    fn printf_forms() {
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%5d", &[s("x")]), "%!d(string=    x)");
        assert_eq!(sprintf("%d %d", &[Value::int(1)]), "1 %!d(MISSING)");
        assert_eq!(
            sprintf("%d", &[Value::int(1), s("a")]),
            "1%!(EXTRA string=a)"
        );
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(
            sprintf(
                "%08.3f|%-5d|%+d",
                &[Value::float(3.14159), Value::int(42), Value::int(5)]
            ),
            "0003.142|42   |+5"
        );
        assert_eq!(
            sprintf(
                "%x %X %o %O %b %#x",
                &[
                    Value::int(255),
                    Value::int(255),
                    Value::int(8),
                    Value::int(8),
                    Value::int(5),
                    Value::int(255)
                ]
            ),
            "ff FF 10 0o10 101 0xff"
        );
        assert_eq!(
            sprintf(
                "%c|%U|%#U|%q",
                &[
                    Value::int(65),
                    Value::int(0x1F600),
                    Value::int(65),
                    Value::int(10)
                ]
            ),
            "A|U+1F600|U+0041 'A'|'\\n'"
        );
        assert_eq!(
            sprintf(
                "%v",
                &[Value::list(vec![Value::int(1), s("a"), Value::Nil])]
            ),
            "[1 a <nil>]"
        );
        assert_eq!(
            sprintf("%#v", &[Value::list(vec![Value::int(1), s("a")])]),
            "[]interface {}{1, \"a\"}"
        );
        assert_eq!(
            sprintf("%[2]d %[1]d", &[Value::int(1), Value::int(2)]),
            "2 1"
        );
        assert_eq!(sprintf("%[3]d", &[Value::int(1)]), "%!d(BADINDEX)");
        assert_eq!(sprintf("%*d", &[Value::int(4), Value::int(7)]), "   7");
        assert_eq!(sprintf("%x", &[s("hi")]), "6869");
        assert_eq!(sprintf("% x", &[s("hi")]), "68 69");
        assert_eq!(
            sprintf(
                "%e %g %.3g",
                &[
                    Value::float(1e21),
                    Value::float(1e-7),
                    Value::float(3.14159)
                ]
            ),
            "1.000000e+21 1e-07 3.14"
        );
        assert_eq!(
            sprintf("%t %v", &[Value::Bool(true), Value::Nil]),
            "true <nil>"
        );
        assert_eq!(sprintf("%d", &[Value::Nil]), "%!d(<nil>)");
        assert_eq!(sprintf("%6.2f%%", &[Value::float(12.345)]), " 12.35%");
    }

    #[test]
    fn sprint_spacing() {
        assert_eq!(
            sprint(&[
                Value::int(1),
                Value::int(2),
                s("a"),
                Value::int(3),
                s("b"),
                s("c")
            ]),
            "1 2a3bc"
        );
        assert_eq!(sprintln(&[s("a"), Value::int(1)]), "a 1\n");
    }
}

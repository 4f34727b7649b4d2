//! Go's `encoding/json` decoder into `interface{}` (`scanner.go`,
//! `decode.go`): the same syntax errors with the same wording, every number
//! a float64, strings unquoted with U+FFFD for bad bytes and lone
//! surrogates, and duplicate keys resolved last-wins.
//!
//! The parser is iterative (an explicit stack), so nesting depth is bounded
//! only by Go's own limit of 10000, never by our call stack.

use crate::error::Error;
use crate::value::{Map, Value};

/// encoding/json's `maxNestingDepth`.
const MAX_DEPTH: usize = 10_000;

/// A decoded document plus the first type error encoding/json would
/// report after filling in what it could (a number out of float64 range).
pub(crate) struct Decoded {
    pub(crate) value: Value,
    pub(crate) type_error: Option<String>,
}

/// encoding/json's `quoteChar`: the byte shown as a Go rune literal.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let inner = match c {
                0x07 => "\\a".to_owned(),
                0x08 => "\\b".to_owned(),
                0x0c => "\\f".to_owned(),
                b'\n' => "\\n".to_owned(),
                b'\r' => "\\r".to_owned(),
                b'\t' => "\\t".to_owned(),
                0x0b => "\\v".to_owned(),
                b'\\' => "\\\\".to_owned(),
                c if c < 0x20 || c == 0x7f => format!("\\x{c:02x}"),
                // Bytes above 0x7f are shown as the Latin-1 rune of that value.
                c if (0x80..0xa1).contains(&c) || c == 0xad => format!("\\u{c:04x}"),
                c => char::from(c).to_string(),
            };
            format!("'{inner}'")
        }
    }
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
    type_error: Option<String>,
    /// Where the escape sequence being read starts (its backslash).
    escape_start: usize,
    /// Text of a number that overflowed float64, until its path is known.
    overflow: Option<String>,
}

/// Go's `strconv.Quote` for error text.
fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    let mut rest = bytes;
    while !rest.is_empty() {
        let (c, n) = match std::str::from_utf8(&rest[..rest.len().min(4)]) {
            Ok(s) => s
                .chars()
                .next()
                .map_or((None, 1), |c| (Some(c), c.len_utf8())),
            Err(e) if e.valid_up_to() > 0 => {
                let s = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                s.chars()
                    .next()
                    .map_or((None, 1), |c| (Some(c), c.len_utf8()))
            }
            Err(_) => (None, 1),
        };
        match c {
            None => out.push_str(&format!("\\x{:02x}", rest[0])),
            Some('"') => out.push_str("\\\""),
            Some('\\') => out.push_str("\\\\"),
            Some('\u{7}') => out.push_str("\\a"),
            Some('\u{8}') => out.push_str("\\b"),
            Some('\u{c}') => out.push_str("\\f"),
            Some('\n') => out.push_str("\\n"),
            Some('\r') => out.push_str("\\r"),
            Some('\t') => out.push_str("\\t"),
            Some('\u{b}') => out.push_str("\\v"),
            Some(c) if c == ' ' || !(c.is_control() || c.is_whitespace()) => out.push(c),
            Some(c) if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            Some(c) if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Some(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
        rest = &rest[n..];
    }
    out.push('"');
    out
}

/// encoding/json (v2 engine) `InvalidTextError` for an escape sequence:
/// the raw text in backquotes, or Go-quoted when it holds odd characters.
fn escape_error(what: &[u8]) -> String {
    let text = crate::decode::go_string_from_bytes(what);
    let odd = std::str::from_utf8(what).is_err()
        || text
            .chars()
            .any(|c| c == '`' || c.is_whitespace() || c.is_control());
    let shown = if odd {
        go_quote(what)
    } else {
        format!("`{text}`")
    };
    format!("invalid escape sequence {shown} in string")
}

enum Frame {
    Arr(Vec<Value>),
    Obj(Map, String),
}

fn syntax(msg: String, offset: usize) -> Error {
    Error::DecodeJson {
        message: msg,
        offset,
    }
}

impl Parser<'_> {
    fn bad_escape(&self, len: usize) -> Error {
        self.bad_escape_at(self.pos, len)
    }

    fn bad_escape_at(&self, start: usize, len: usize) -> Error {
        let end = (start + len).min(self.b.len());
        syntax(escape_error(&self.b[start..end]), start)
    }

    fn eof(&self) -> Error {
        syntax("unexpected end of JSON input".to_owned(), self.pos)
    }

    fn invalid(&self, context: &str) -> Error {
        match self.b.get(self.pos) {
            Some(&c) => syntax(
                format!("invalid character {} {context}", quote_char(c)),
                self.pos,
            ),
            None => self.eof(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn key(&mut self) -> Result<String, Error> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(self.invalid("looking for beginning of object key string"));
        }
        let k = self.string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return Err(self.invalid("after object key"));
        }
        self.pos += 1;
        Ok(k)
    }

    fn parse(&mut self) -> Result<Value, Error> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            // Expect a value.
            self.ws();
            let mut v = match self.peek() {
                None => return Err(self.eof()),
                Some(b'{') => {
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::Map(Map::new())
                    } else {
                        let k = self.key()?;
                        if stack.len() >= MAX_DEPTH {
                            return Err(syntax("exceeded max depth".to_owned(), self.pos));
                        }
                        stack.push(Frame::Obj(Map::new(), k));
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::Seq(Vec::new())
                    } else {
                        if stack.len() >= MAX_DEPTH {
                            return Err(syntax("exceeded max depth".to_owned(), self.pos));
                        }
                        stack.push(Frame::Arr(Vec::new()));
                        continue;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b'-' | b'0'..=b'9') => {
                    let v = self.number()?;
                    if let Some(text) = self.overflow.take() {
                        self.type_error = Some(Self::range_error(&text, &stack));
                    }
                    v
                }
                Some(b't') => self.literal(b"true", Value::Bool(true))?,
                Some(b'f') => self.literal(b"false", Value::Bool(false))?,
                Some(b'n') => self.literal(b"null", Value::Null)?,
                Some(_) => return Err(self.invalid("looking for beginning of value")),
            };
            // Attach the finished value to its parents.
            loop {
                self.ws();
                match stack.last_mut() {
                    None => {
                        if self.pos < self.b.len() {
                            return Err(self.invalid("after top-level value"));
                        }
                        return Ok(v);
                    }
                    Some(Frame::Arr(items)) => {
                        items.push(v);
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                break;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                let Some(Frame::Arr(items)) = stack.pop() else {
                                    return Err(self.eof());
                                };
                                v = Value::Seq(items);
                            }
                            _ => return Err(self.invalid("after array element")),
                        }
                    }
                    Some(Frame::Obj(map, key)) => {
                        map.insert(std::mem::take(key), v);
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                let k = self.key()?;
                                if let Some(Frame::Obj(_, key)) = stack.last_mut() {
                                    *key = k;
                                }
                                break;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let Some(Frame::Obj(map, _)) = stack.pop() else {
                                    return Err(self.eof());
                                };
                                v = Value::Map(map);
                            }
                            _ => return Err(self.invalid("after object key:value pair")),
                        }
                    }
                }
            }
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Result<Value, Error> {
        let name = std::str::from_utf8(word).unwrap_or_default();
        for &expect in &word[1..] {
            self.pos += 1;
            match self.peek() {
                None => return Err(self.eof()),
                Some(c) if c == expect => {}
                Some(_) => {
                    return Err(self.invalid(&format!(
                        "in literal {name} (expecting {})",
                        quote_char(expect)
                    )));
                }
            }
        }
        self.pos += 1;
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            match self.peek() {
                None => return Err(self.eof()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("in numeric literal")),
            }
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            match self.peek() {
                None => return Err(self.eof()),
                Some(b'0'..=b'9') => {
                    self.digits();
                }
                Some(_) => return Err(self.invalid("in numeric literal")),
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            match self.peek() {
                None => return Err(self.eof()),
                Some(b'0'..=b'9') => {
                    self.digits();
                }
                Some(_) => return Err(self.invalid("in numeric literal")),
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.pos]).unwrap_or_default();
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.type_error.is_none() && self.overflow.is_none() {
                    self.overflow = Some(text.to_owned());
                }
                // The v2-based decoder stores the zero float64.
                Ok(Value::Float(0.0))
            }
        }
    }

    /// encoding/json's `UnmarshalTypeError` for a number beyond float64,
    /// with the JSON path written with dots (`.a.0`); a path ending in an
    /// index drops the "Go struct field" wording.
    fn range_error(text: &str, stack: &[Frame]) -> String {
        let path: Vec<String> = stack
            .iter()
            .map(|f| match f {
                Frame::Arr(items) => items.len().to_string(),
                Frame::Obj(_, key) => key.clone(),
            })
            .collect();
        if path.is_empty() {
            return format!("json: cannot unmarshal number {text} into Go value of type float64");
        }
        let field = path.join(".");
        let last = path.last().map_or("", String::as_str);
        let into = if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
            ""
        } else {
            "Go struct field "
        };
        format!("json: cannot unmarshal number {text} into {into}.{field} of type float64")
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut r = 0u32;
        for _ in 0..4 {
            let Some(c) = self.peek() else {
                return Err(self.eof());
            };
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(self.bad_escape_at(self.escape_start, 6)),
            };
            r = r * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(r)
    }

    /// A string starting at the opening quote; returns its unquoted text.
    fn string(&mut self) -> Result<String, Error> {
        self.pos += 1;
        // Most strings have no escapes and are valid UTF-8: one scan to the closing
        // quote and one copy. Anything else (escapes, control bytes, invalid UTF-8, no
        // closing quote) takes the byte-by-byte path below, which owns the errors.
        let rest = self.b.get(self.pos..).unwrap_or_default();
        if let Some(end) = rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            && rest[end] == b'"'
            && let Ok(text) = std::str::from_utf8(&rest[..end])
        {
            self.pos += end + 1;
            return Ok(text.to_owned());
        }
        let mut out = String::new();
        let mut raw_start = self.pos;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.eof());
            };
            match c {
                b'"' => {
                    out.push_str(&crate::decode::go_string_from_bytes(
                        &self.b[raw_start..self.pos],
                    ));
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&crate::decode::go_string_from_bytes(
                        &self.b[raw_start..self.pos],
                    ));
                    self.escape_start = self.pos;
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.eof());
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let r = self.hex4()?;
                            out.push(self.surrogate(r)?);
                        }
                        _ => {
                            self.pos -= 2;
                            return Err(self.bad_escape(2));
                        }
                    }
                    raw_start = self.pos;
                }
                c if c < 0x20 => return Err(self.invalid("in string")),
                _ => self.pos += 1,
            }
        }
    }

    /// Pairs a UTF-16 high surrogate with a following `\uDC00`-`\uDFFF`
    /// escape; anything else becomes U+FFFD, as Go's `unquote` does.
    fn surrogate(&mut self, r: u32) -> Result<char, Error> {
        if !(0xD800..0xE000).contains(&r) {
            return Ok(char::from_u32(r).unwrap_or('\u{FFFD}'));
        }
        if r < 0xDC00
            && self.b.get(self.pos) == Some(&b'\\')
            && self.b.get(self.pos + 1) == Some(&b'u')
        {
            let save = self.pos;
            self.escape_start = save;
            self.pos += 2;
            // The scanner has already checked the whole input, so a bad hex
            // digit here is reported the same way.
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        Ok('\u{FFFD}')
    }
}

/// Decodes JSON text as `json.Unmarshal` into `interface{}` does.
pub(crate) fn decode(input: &[u8]) -> Result<Decoded, Error> {
    let mut p = Parser {
        b: input,
        pos: 0,
        type_error: None,
        escape_start: 0,
        overflow: None,
    };
    let value = p.parse()?;
    Ok(Decoded {
        value,
        type_error: p.type_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        match decode(s.as_bytes()) {
            Err(e) => e.to_string(),
            Ok(_) => "ok".to_owned(),
        }
    }

    #[test]
    fn go_messages() {
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(err("{"), "unexpected end of JSON input");
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(err("{\"a\" 1}"), "invalid character '1' after object key");
        assert_eq!(
            err("{\"a\":1,}"),
            "invalid character '}' looking for beginning of object key string"
        );
        assert_eq!(err("[1 2]"), "invalid character '2' after array element");
        assert_eq!(err("1 2"), "invalid character '2' after top-level value");
        assert_eq!(err("tru"), "unexpected end of JSON input");
        assert_eq!(
            err("trux"),
            "invalid character 'x' in literal true (expecting 'e')"
        );
        assert_eq!(err("01"), "invalid character '1' after top-level value");
        assert_eq!(err("\"\\x\""), "invalid escape sequence `\\x` in string");
        assert_eq!(
            err("'a'"),
            "invalid character '\\'' looking for beginning of value"
        );
    }

    #[test]
    fn values() {
        let d = decode(br#"{"a":[1,2.5,"\u00e9\ud83d\ude00"],"a":null}"#).unwrap();
        let Value::Map(m) = d.value else { panic!() };
        assert_eq!(m["a"], Value::Null);
        let d = decode(br#"[1e400]"#).unwrap();
        assert_eq!(d.value, Value::Seq(vec![Value::Float(0.0)]));
        assert!(d.type_error.is_some());
    }
}

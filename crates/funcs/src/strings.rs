//! String functions: Sprig's strings.go and the Go library calls its map points at
//! (`strings`, github.com/Masterminds/goutils v1.1.1, github.com/huandu/xstrings v1.5).
//!
//! Go strings are bytes: `trunc`, `substr`, `abbrev`, `wrap` and friends cut at byte
//! offsets. Cutting inside a multi-byte character yields invalid UTF-8 in Go; here the
//! broken bytes become U+FFFD (the gotmpl crate's string model).

use charthouse_gotmpl::{Func, FuncError, GoType, Value, gofmt};

use crate::conv::{INT, arg, arg_int, arg_str, func, func_variadic, strslice, strval};

fn s1() -> Vec<GoType> {
    vec![GoType::String]
}

fn s2() -> Vec<GoType> {
    vec![GoType::String, GoType::String]
}

fn str_list() -> GoType {
    GoType::Slice(Box::new(GoType::String))
}

/// `s[a:b]` on bytes, with Go's panic text when out of range.
pub(crate) fn byte_slice(s: &str, a: i64, b: i64) -> Result<String, FuncError> {
    let len = s.len() as i64;
    if b < 0 || b > len {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{b}] with length {len}"
        )));
    }
    if a < 0 || a > b {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [{a}:{b}]"
        )));
    }
    Ok(String::from_utf8_lossy(&s.as_bytes()[a as usize..b as usize]).into_owned())
}

/// `strings.Repeat`, with its panics.
pub(crate) fn repeat(s: &str, count: i64) -> Result<String, FuncError> {
    if count < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    let total = (s.len() as u128) * (count as u128);
    // Go would try to allocate this much; refuse beyond a sane bound instead of aborting.
    if total > (1u128 << 31) {
        return Err(FuncError::new("strings: Repeat output length overflow"));
    }
    Ok(s.repeat(count as usize))
}

/// Go's `unicode.ToUpper` (simple case mapping: one rune to one rune).
fn to_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower` (simple case mapping).
fn to_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: as upper case, except the digraphs that have a title form.
fn to_title(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        c => to_upper(c),
    }
}

fn is_title_case(c: char) -> bool {
    matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ')
        || ('\u{1F88}'..='\u{1FAF}').contains(&c) && (c as u32 & 0x8) != 0
}

/// Go's `unicode.IsPunct` (general category P), closely enough: ASCII exactly, and the
/// common punctuation blocks beyond.
pub(crate) fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A
        | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20 | 0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B | 0xFF5D)
}

/// Go's `strings.Title`: upper-case the first letter of each word, where anything but
/// ASCII alphanumerics, `_`, letters and digits separates words.
fn title(s: &str) -> String {
    fn is_separator(r: char) -> bool {
        if r.is_ascii() {
            return !(r.is_ascii_alphanumeric() || r == '_');
        }
        if r.is_alphabetic() || r.is_numeric() {
            return false;
        }
        r.is_whitespace()
    }
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if is_separator(prev) { to_title(r) } else { r };
            prev = r;
            out
        })
        .collect()
}

/// goutils `Uncapitalize`: lower-case the first letter of each whitespace-separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if c.is_whitespace() {
                next = true;
                c
            } else if next {
                next = false;
                to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase`.
fn swapcase(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() || is_title_case(c) {
                whitespace = false;
                to_lower(c)
            } else if c.is_lowercase() {
                if whitespace {
                    whitespace = false;
                    to_title(c)
                } else {
                    to_upper(c)
                }
            } else {
                whitespace = c.is_whitespace();
                c
            }
        })
        .collect()
}

/// goutils `DeleteWhiteSpace`: walks *bytes* as if each were a rune (so multi-byte
/// characters are re-encoded as Latin-1 runes) but returns the input untouched when
/// nothing was removed.
fn nospace(s: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for &b in s.as_bytes() {
        let c = char::from(b);
        if !c.is_whitespace() {
            out.push(c);
            count += 1;
        }
    }
    if count == s.len() { s.to_string() } else { out }
}

/// goutils `Initials`, byte-wise like `DeleteWhiteSpace`.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &b in s.as_bytes() {
        let c = char::from(b);
        if c.is_whitespace() {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// goutils `AbbreviateFull` (after Sprig's own width checks).
fn abbreviate_full(s: &str, offset: i64, width: i64) -> String {
    if s.is_empty() || width < 4 {
        return String::new();
    }
    let len = s.len() as i64;
    if len <= width {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    let cut = |a: i64, b: i64| {
        String::from_utf8_lossy(&s.as_bytes()[a.max(0) as usize..b.max(0) as usize]).into_owned()
    };
    if offset <= 4 {
        return cut(0, width - 3) + "...";
    }
    if width < 7 {
        return String::new();
    }
    if offset + width - 3 < len {
        let rest = cut(offset, len);
        return format!("...{}", abbreviate_full(&rest, 0, width - 3));
    }
    format!("...{}", cut(len - (width - 3), len))
}

/// goutils `WrapCustom`: wraps at spaces, byte-counted.
fn wrap_custom(s: &str, width: i64, newline: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        match b[offset..end].iter().rposition(|&c| c == b' ') {
            Some(p) => {
                out.extend_from_slice(&b[offset..offset + p]);
                out.extend_from_slice(newline.as_bytes());
                offset += p + 1;
            }
            None => {
                let end = width + offset;
                if long_words {
                    out.extend_from_slice(&b[offset..end]);
                    out.extend_from_slice(newline.as_bytes());
                    offset += width;
                } else {
                    match b[end..].iter().position(|&c| c == b' ') {
                        None => {
                            out.extend_from_slice(&b[offset..]);
                            offset = len;
                        }
                        Some(i) => {
                            out.extend_from_slice(&b[offset..end + i]);
                            out.extend_from_slice(newline.as_bytes());
                            offset = end + i + 1;
                        }
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `strings.SplitN` (`n < 0`: all; `n == 0`: none), including the split into
/// characters for an empty separator.
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<char> = s.chars().collect();
        let limit = if n < 0 || n as usize > chars.len() {
            chars.len()
        } else {
            n as usize
        };
        let mut out: Vec<String> = chars[..limit.saturating_sub(1)]
            .iter()
            .map(|c| c.to_string())
            .collect();
        if limit > 0 {
            out.push(chars[limit - 1..].iter().collect());
        }
        return out;
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

fn indexed_map(parts: Vec<String>) -> Value {
    let entries = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    Value::Map(std::sync::Arc::new(charthouse_gotmpl::Map::typed(
        GoType::String,
        entries,
    )))
}

/// xstrings word classes (convert.go `nextWord`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alpha,
    Connector,
    Punct,
    Other,
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    let u = c as u32;
    !((0x4E00..=0x9FCC).contains(&u)
        || (0x3400..=0x4D85).contains(&u)
        || (0x20000..=0x2B81D).contains(&u))
}

/// Splits off the next word: (class, word, rest).
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (Word::Invalid, "", "");
    };
    let end_of = |it: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                  pred: &dyn Fn(char) -> bool|
     -> usize {
        while let Some(&(i, c)) = it.peek() {
            if !pred(c) {
                return i;
            }
            it.next();
        }
        s.len()
    };
    if r == '\u{FFFD}' {
        let n = r.len_utf8();
        return (Word::Invalid, &s[..n], &s[n..]);
    }
    let (wt, end) = if is_connector(r) {
        (Word::Connector, end_of(&mut it, &is_connector))
    } else if is_punct(r) {
        (Word::Punct, end_of(&mut it, &is_punct))
    } else if r.is_uppercase() {
        let first_end = r.len_utf8();
        match it.peek().map(|&(_, c)| c) {
            None => (Word::Upper, first_end),
            Some(c) if c.is_uppercase() => {
                // A run of capitals; if a lower-case letter follows, its last capital
                // starts the next word ("HTTPServer" → "HTTP", "Server").
                let mut last_start = first_end;
                let mut end = s.len();
                while let Some(&(i, c)) = it.peek() {
                    if !c.is_uppercase() {
                        end = i;
                        break;
                    }
                    last_start = i;
                    it.next();
                }
                if end < s.len() && s[end..].chars().next().is_some_and(is_alphabet) {
                    end = last_start;
                }
                (Word::Upper, end)
            }
            Some(c) if is_alphabet(c) => (
                Word::Upper,
                end_of(&mut it, &|c| is_alphabet(c) && !c.is_uppercase()),
            ),
            Some(_) => (Word::Upper, first_end),
        }
    } else if is_alphabet(r) {
        (
            Word::Alpha,
            end_of(&mut it, &|c| is_alphabet(c) && !c.is_uppercase()),
        )
    } else if r.is_numeric() {
        (Word::Number, end_of(&mut it, &char::is_numeric))
    } else {
        (
            Word::Other,
            end_of(&mut it, &|c| {
                !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
            }),
        )
    };
    (wt, &s[..end], &s[end..])
}

fn push_lower(buf: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        buf.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            buf.push(connector);
        } else if c.is_uppercase() {
            buf.push(to_lower(c));
        } else {
            buf.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (snakecase, kebabcase).
fn camel_to_lower(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut buf = String::new();
    let (mut wt, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_word(rest);
        match prev {
            Word::Number => {
                while wt == Word::Alpha || wt == Word::Number {
                    push_lower(&mut buf, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    buf.push(connector);
                }
            }
            Word::Connector => push_lower(&mut buf, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let num = word;
                (wt, word, rest) = next_word(rest);
                if wt != Word::Alpha {
                    push_lower(&mut buf, Word::Number, num, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                buf.push(connector);
                push_lower(&mut buf, Word::Number, num, connector);
                while wt == Word::Alpha || wt == Word::Number {
                    push_lower(&mut buf, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    buf.push(connector);
                }
            }
        }
    }
    push_lower(&mut buf, wt, word, connector);
    buf
}

/// xstrings `ToPascalCase`: drop connectors, upper-case the first letter and every
/// letter after a connector; runs of connectors keep all but the last.
fn pascalcase(s: &str) -> String {
    let mut chars = s.chars();
    let mut buf = String::new();
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = Some(to_upper(c));
            break;
        }
        buf.push(c);
    }
    let Some(mut r0) = r0 else {
        return buf;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            r0 = to_upper(r0);
        } else {
            buf.push(r1);
        }
    }
    buf.push(r0);
    buf
}

/// Sprig's `substring`.
fn substr(start: i64, end: i64, s: &str) -> Result<String, FuncError> {
    let len = s.len() as i64;
    if start < 0 {
        return byte_slice(s, 0, end);
    }
    if end < 0 || end > len {
        if start > len {
            return Err(FuncError::new(format!(
                "runtime error: slice bounds out of range [{start}:{len}]"
            )));
        }
        return byte_slice(s, start, len);
    }
    byte_slice(s, start, end)
}

fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return String::from_utf8_lossy(&s.as_bytes()[(len + c) as usize..]).into_owned();
    }
    if c >= 0 && len > c {
        return String::from_utf8_lossy(&s.as_bytes()[..c as usize]).into_owned();
    }
    s.to_string()
}

fn indent(spaces: i64, v: &str) -> Result<String, FuncError> {
    let pad = repeat(" ", spaces)?;
    Ok(format!("{pad}{}", v.replace('\n', &format!("\n{pad}"))))
}

fn string_fn(name: &str, f: fn(&str) -> String) -> Func {
    func(name, s1(), GoType::String, move |a| {
        Ok(Value::from(f(arg_str(a, 0))))
    })
}

pub(crate) fn register(out: &mut Vec<Func>) {
    out.push(func("hello", vec![], GoType::String, |_| {
        Ok(Value::from("Hello!"))
    }));
    out.push(func(
        "abbrev",
        vec![INT, GoType::String],
        GoType::String,
        |a| {
            let (w, s) = (arg_int(a, 0), arg_str(a, 1));
            Ok(Value::from(if w < 4 {
                s.to_string()
            } else {
                abbreviate_full(s, 0, w)
            }))
        },
    ));
    out.push(func(
        "abbrevboth",
        vec![INT, INT, GoType::String],
        GoType::String,
        |a| {
            let (l, r, s) = (arg_int(a, 0), arg_int(a, 1), arg_str(a, 2));
            Ok(Value::from(if r < 4 || l > 0 && r < 7 {
                s.to_string()
            } else {
                abbreviate_full(s, l, r)
            }))
        },
    ));
    out.push(func(
        "trunc",
        vec![INT, GoType::String],
        GoType::String,
        |a| Ok(Value::from(trunc(arg_int(a, 0), arg_str(a, 1)))),
    ));
    out.push(string_fn("trim", |s| s.trim().to_string()));
    out.push(string_fn("upper", |s| s.chars().map(to_upper).collect()));
    out.push(string_fn("lower", |s| s.chars().map(to_lower).collect()));
    out.push(string_fn("title", title));
    out.push(string_fn("untitle", untitle));
    out.push(func(
        "substr",
        vec![INT, INT, GoType::String],
        GoType::String,
        |a| {
            Ok(Value::from(substr(
                arg_int(a, 0),
                arg_int(a, 1),
                arg_str(a, 2),
            )?))
        },
    ));
    out.push(func(
        "repeat",
        vec![INT, GoType::String],
        GoType::String,
        |a| Ok(Value::from(repeat(arg_str(a, 1), arg_int(a, 0))?)),
    ));
    for name in ["trimall", "trimAll"] {
        out.push(func(name, s2(), GoType::String, |a| {
            let cut = arg_str(a, 0);
            Ok(Value::from(arg_str(a, 1).trim_matches(|c| cut.contains(c))))
        }));
    }
    out.push(func("trimSuffix", s2(), GoType::String, |a| {
        let (suf, s) = (arg_str(a, 0), arg_str(a, 1));
        Ok(Value::from(s.strip_suffix(suf).unwrap_or(s)))
    }));
    out.push(func("trimPrefix", s2(), GoType::String, |a| {
        let (pre, s) = (arg_str(a, 0), arg_str(a, 1));
        Ok(Value::from(s.strip_prefix(pre).unwrap_or(s)))
    }));
    out.push(string_fn("nospace", nospace));
    out.push(string_fn("initials", initials));
    out.push(string_fn("swapcase", swapcase));
    out.push(string_fn("snakecase", |s| camel_to_lower(s, '_')));
    out.push(string_fn("kebabcase", |s| camel_to_lower(s, '-')));
    out.push(string_fn("camelcase", pascalcase));
    out.push(func(
        "wrap",
        vec![INT, GoType::String],
        GoType::String,
        |a| {
            Ok(Value::from(wrap_custom(
                arg_str(a, 1),
                arg_int(a, 0),
                "",
                false,
            )))
        },
    ));
    out.push(func(
        "wrapWith",
        vec![INT, GoType::String, GoType::String],
        GoType::String,
        |a| {
            Ok(Value::from(wrap_custom(
                arg_str(a, 2),
                arg_int(a, 0),
                arg_str(a, 1),
                true,
            )))
        },
    ));
    out.push(func("contains", s2(), GoType::Bool, |a| {
        Ok(Value::Bool(arg_str(a, 1).contains(arg_str(a, 0))))
    }));
    out.push(func("hasPrefix", s2(), GoType::Bool, |a| {
        Ok(Value::Bool(arg_str(a, 1).starts_with(arg_str(a, 0))))
    }));
    out.push(func("hasSuffix", s2(), GoType::Bool, |a| {
        Ok(Value::Bool(arg_str(a, 1).ends_with(arg_str(a, 0))))
    }));
    out.push(func_variadic(
        "quote",
        vec![],
        GoType::Interface,
        GoType::String,
        |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !v.is_nil())
                .map(|v| gofmt::quote(&strval(v)))
                .collect();
            Ok(Value::from(parts.join(" ")))
        },
    ));
    out.push(func_variadic(
        "squote",
        vec![],
        GoType::Interface,
        GoType::String,
        |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !v.is_nil())
                .map(|v| format!("'{}'", gofmt::sprint(std::slice::from_ref(v))))
                .collect();
            Ok(Value::from(parts.join(" ")))
        },
    ));
    out.push(func_variadic(
        "cat",
        vec![],
        GoType::Interface,
        GoType::String,
        |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !v.is_nil())
                .map(|v| gofmt::sprint(std::slice::from_ref(v)))
                .collect();
            Ok(Value::from(parts.join(" ")))
        },
    ));
    out.push(func(
        "indent",
        vec![INT, GoType::String],
        GoType::String,
        |a| Ok(Value::from(indent(arg_int(a, 0), arg_str(a, 1))?)),
    ));
    out.push(func(
        "nindent",
        vec![INT, GoType::String],
        GoType::String,
        |a| {
            Ok(Value::from(format!(
                "\n{}",
                indent(arg_int(a, 0), arg_str(a, 1))?
            )))
        },
    ));
    out.push(func(
        "replace",
        vec![GoType::String, GoType::String, GoType::String],
        GoType::String,
        |a| {
            Ok(Value::from(
                arg_str(a, 2).replace(arg_str(a, 0), arg_str(a, 1)),
            ))
        },
    ));
    out.push(func(
        "plural",
        vec![GoType::String, GoType::String, INT],
        GoType::String,
        |a| {
            Ok(Value::from(if arg_int(a, 2) == 1 {
                arg_str(a, 0)
            } else {
                arg_str(a, 1)
            }))
        },
    ));
    out.push(func(
        "split",
        s2(),
        GoType::Map(Box::new(GoType::String)),
        |a| Ok(indexed_map(go_split(arg_str(a, 1), arg_str(a, 0), -1))),
    ));
    out.push(func(
        "splitn",
        vec![GoType::String, INT, GoType::String],
        GoType::Map(Box::new(GoType::String)),
        |a| {
            Ok(indexed_map(go_split(
                arg_str(a, 2),
                arg_str(a, 0),
                arg_int(a, 1),
            )))
        },
    ));
    out.push(func("splitList", s2(), str_list(), |a| {
        Ok(Value::string_list(go_split(
            arg_str(a, 1),
            arg_str(a, 0),
            -1,
        )))
    }));
    out.push(func(
        "join",
        vec![GoType::String, GoType::Interface],
        GoType::String,
        |a| Ok(Value::from(strslice(&arg(a, 1)).join(arg_str(a, 0)))),
    ));
    out.push(func(
        "sortAlpha",
        vec![GoType::Interface],
        str_list(),
        |a| {
            let v = arg(a, 0);
            let mut items = match &v {
                Value::List(_) | Value::Bytes(_) => strslice(&v),
                other => vec![strval(other)],
            };
            items.sort();
            Ok(Value::string_list(items))
        },
    ));
}

//! helm's `--set` syntax (`pkg/strvals/parser.go` and `literal_parser.go`):
//! `a.b=1,c[0]=x,d={y,z}` with `\` escapes, typed scalars (`int64`, bools,
//! `null`), list indexes up to 65536, nesting up to 30 names, and every
//! error text helm prints. Go panics inside the parser (a type assertion on
//! an existing value) become `unable to parse key: ...` errors, as helm's
//! `recover` does.

use charthouse_goyaml::{Map, Value};

use crate::gofmt::type_name;

/// helm's `MaxIndex`.
pub const MAX_INDEX: i64 = 65536;
/// helm's `MaxNestedNameLevel`.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// How the value after `=` is read.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// `--set`: typed scalars.
    Typed,
    /// `--set-string`: always strings.
    String,
    /// `--set-file`: the value is a path whose contents become the string.
    File,
    /// `--set-json`: the value is JSON.
    Json,
}

/// A strvals error: either an end of input (helm's `io.EOF`, which ends
/// parsing quietly at the top) or a message.
#[derive(Debug)]
enum Stop {
    Eof,
    Msg(String),
}

type PResult<T> = std::result::Result<T, Stop>;

fn msg(s: impl Into<String>) -> Stop {
    Stop::Msg(s.into())
}

/// Reads a `--set-file` path and returns the file's contents.
pub type FileReader<'a> = dyn FnMut(&str) -> std::result::Result<String, String> + 'a;

struct Parser<'a, 'r> {
    chars: Vec<char>,
    pos: usize,
    mode: Mode,
    reader: Option<&'a mut FileReader<'r>>,
}

/// Go's `%q` of `string(runes)`, as helm quotes keys.
fn quote(chars: &[char]) -> String {
    crate::metadata::go_quote(&chars.iter().collect::<String>())
}

/// Go's `%q` of a `[]rune` itself: each rune as a quoted rune literal.
fn quote_runes(chars: &[char]) -> String {
    let parts: Vec<String> = chars
        .iter()
        .map(|c| match c {
            '\'' => "'\\''".to_owned(),
            '\\' => "'\\\\'".to_owned(),
            '\n' => "'\\n'".to_owned(),
            '\t' => "'\\t'".to_owned(),
            '\r' => "'\\r'".to_owned(),
            c if c.is_control() => format!("'\\x{:02x}'", *c as u32),
            c => format!("'{c}'"),
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

fn panic_conversion(found: &Value, want: &str) -> Stop {
    let found = match found {
        Value::Null => "nil",
        other => type_name(other),
    };
    msg(format!(
        "unable to parse key: interface conversion: interface {{}} is {found}, not {want}"
    ))
}

/// `fmt.Errorf("error parsing index: %w", err)`: helm's top loop treats a
/// wrapped EOF as the end of input, so it stays an EOF.
fn index_error(e: Stop) -> Stop {
    match e {
        Stop::Eof => Stop::Eof,
        Stop::Msg(m) => msg(format!("error parsing index: {m}")),
    }
}

impl Parser<'_, '_> {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// `runesUntil`: reads to a stop rune, honouring `\` escapes (not in
    /// literal mode). Returns the text, the stop rune, and whether input ended.
    fn until(&mut self, stop: &[char], escapes: bool) -> (Vec<char>, Option<char>) {
        let mut v = Vec::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') if escapes => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn typed(&mut self, rs: &[char]) -> PResult<Value> {
        let s: String = rs.iter().collect();
        match self.mode {
            Mode::String => Ok(Value::String(s)),
            Mode::File => match self.reader.as_mut() {
                Some(r) => r(&s).map(Value::String).map_err(Stop::Msg),
                None => Ok(Value::String(s)),
            },
            _ => Ok(typed_val(&s)),
        }
    }

    fn key(&mut self, data: &mut Map, level: usize) -> PResult<()> {
        let (k, last) = self.until(&['=', '[', ',', '.'], true);
        let key: String = k.iter().collect();
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(msg(format!("key {} has no value", quote(&k))))
                }
            }
            Some('[') => {
                let i = self.key_index().map_err(index_error)?;
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(Value::Seq(l)) => l.clone(),
                    Some(other) => return Err(panic_conversion(other, "[]interface {}")),
                };
                let (list, err) = self.list_item(list, i, level);
                set(data, &key, Value::Seq(list));
                match err {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
            Some('=') => {
                if self.mode == Mode::Json {
                    if self.empty_val() {
                        set(data, &key, Value::Null);
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &key, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(list) => {
                        set(data, &key, Value::Seq(list));
                        Ok(())
                    }
                    Err(ListErr::Eof) => {
                        set(data, &key, Value::String(String::new()));
                        Err(Stop::Eof)
                    }
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[','], true);
                        let v = self.typed(&rs)?;
                        set(data, &key, v);
                        Ok(())
                    }
                    Err(ListErr::Other(e)) => Err(e),
                }
            }
            Some(',') => {
                set(data, &key, Value::String(String::new()));
                Err(msg(format!(
                    "key {} has no value (cannot end with ,)",
                    quote(&k)
                )))
            }
            Some(_) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&key) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m.clone(),
                    Some(other) => {
                        return Err(panic_conversion(other, "map[string]interface {}"));
                    }
                };
                let e = self.key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(msg(format!("key map {} has no value", quote(&k))));
                }
                if !inner.is_empty() {
                    set(data, &key, Value::Map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, last) = self.until(&[']'], true);
        if last.is_none() {
            return Err(Stop::Eof);
        }
        let s: String = v.iter().collect();
        go_atoi(&s).map_err(msg)
    }

    /// `listItem`: returns the list and the error, as Go returns both.
    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, Option<Stop>) {
        if i < 0 {
            return (list, Some(msg(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '='], true);
        if !k.is_empty() {
            return (
                list,
                Some(msg(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&k)
                ))),
            );
        }
        match last {
            None => (list, Some(Stop::Eof)),
            Some('=') => {
                if self.mode == Mode::Json {
                    if self.empty_val() {
                        return match set_index(list, i, Value::Null) {
                            Ok(l) => (l, None),
                            Err((l, e)) => (l, Some(e)),
                        };
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Some(e)),
                    };
                    let list = match set_index(list, i, v) {
                        Ok(l) => l,
                        Err((l, e)) => return (l, Some(e)),
                    };
                    self.empty_val();
                    return (list, None);
                }
                let v = match self.val_list() {
                    Ok(vl) => Value::Seq(vl),
                    Err(ListErr::Eof) => Value::String(String::new()),
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[','], true);
                        match self.typed(&rs) {
                            Ok(v) => v,
                            Err(e) => return (list, Some(e)),
                        }
                    }
                    Err(ListErr::Other(e)) => return (list, Some(e)),
                };
                match set_index(list, i, v) {
                    Ok(l) => (l, None),
                    Err((l, e)) => (l, Some(e)),
                }
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => {
                        return (list, Some(index_error(e)));
                    }
                };
                let current = match list.get(i as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Seq(l)) => l.clone(),
                    Some(other) => {
                        let e = panic_conversion(other, "[]interface {}");
                        return (list, Some(e));
                    }
                };
                let (inner, err) = self.list_item(current, next, level);
                if let Some(e) = err {
                    return (list, Some(e));
                }
                match set_index(list, i, Value::Seq(inner)) {
                    Ok(l) => (l, None),
                    Err((l, e)) => (l, Some(e)),
                }
            }
            Some(_) => {
                let mut list = list;
                let mut inner = Map::new();
                if let Some(slot) = list.get_mut(i as usize) {
                    match slot {
                        Value::Map(m) => inner = m.clone(),
                        // Indices out of order: helm starts a fresh map.
                        other => *other = Value::Map(Map::new()),
                    }
                }
                if let Err(e) = self.key(&mut inner, level) {
                    return (list, Some(e));
                }
                match set_index(list, i, Value::Map(inner)) {
                    Ok(l) => (l, None),
                    Err((l, e)) => (l, Some(e)),
                }
            }
        }
    }

    fn val_list(&mut self) -> std::result::Result<Vec<Value>, ListErr> {
        match self.read() {
            None => return Err(ListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.pos -= 1;
                return Err(ListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}'], true);
            match last {
                None => {
                    return Err(ListErr::Other(msg("list must terminate with '}'")));
                }
                Some('}') => {
                    if let Some(c) = self.read()
                        && c != ','
                    {
                        self.pos -= 1;
                    }
                    let v = self.typed(&rs).map_err(ListErr::Other)?;
                    list.push(v);
                    return Ok(list);
                }
                Some(_) => {
                    let v = self.typed(&rs).map_err(ListErr::Other)?;
                    list.push(v);
                }
            }
        }
    }

    /// `emptyVal`: skips blanks; true at end of input or after a comma.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.pos -= 1;
                    return false;
                }
            }
        }
    }

    /// The JSON value after `=` in `--set-json`, read as Go's
    /// `json.Decoder.Decode` reads one value from the rest of the input.
    fn json_value(&mut self) -> PResult<Value> {
        let rest: String = self.chars[self.pos..].iter().collect();
        let (value, used) = decode_json_prefix(&rest).map_err(Stop::Msg)?;
        self.pos += rest.get(..used).unwrap_or(&rest).chars().count();
        Ok(value)
    }
}

enum ListErr {
    Eof,
    NotList,
    Other(Stop),
}

/// Decodes the first JSON value of `s` as `json.Decoder` does; returns it
/// and the bytes it used (whitespace before it included).
fn decode_json_prefix(s: &str) -> std::result::Result<(Value, usize), String> {
    match charthouse_goyaml::json_unmarshal(s.as_bytes()) {
        Ok(v) => Ok((v, s.len())),
        Err(charthouse_goyaml::Error::DecodeJson { message, offset })
            if message.ends_with("after top-level value") && s.is_char_boundary(offset) =>
        {
            let head = s.get(..offset).unwrap_or(s);
            charthouse_goyaml::json_unmarshal(head.as_bytes())
                .map(|v| (v, offset))
                .map_err(|e| e.to_string())
        }
        Err(e) => {
            let text = e.to_string();
            if text == "unexpected end of JSON input" {
                Err("unexpected EOF".to_owned())
            } else {
                Err(text)
            }
        }
    }
}

/// `setIndex`: grows the list with nulls up to `index`.
fn set_index(
    mut list: Vec<Value>,
    index: i64,
    val: Value,
) -> std::result::Result<Vec<Value>, (Vec<Value>, Stop)> {
    if index < 0 {
        return Err((list, msg(format!("negative {index} index not allowed"))));
    }
    if index > MAX_INDEX {
        return Err((
            list,
            msg(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            )),
        ));
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = val;
    Ok(list)
}

fn set(data: &mut Map, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_owned(), val);
    }
}

/// Go's `strconv.Atoi` with its error text.
fn go_atoi(s: &str) -> std::result::Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            crate::metadata::go_quote(s)
        ));
    }
    s.parse::<i64>().map_err(|_| {
        format!(
            "strconv.Atoi: parsing {}: value out of range",
            crate::metadata::go_quote(s)
        )
    })
}

/// helm's `typedVal`: `true`/`false`/`null` (any case), `0`, and decimal
/// int64s not starting with `0` are typed; everything else is a string.
fn typed_val(s: &str) -> Value {
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if s == "0" {
        return Value::Int(0);
    }
    if !s.is_empty()
        && !s.starts_with('0')
        && let Some(i) = go_parse_int(s)
    {
        return Value::Int(i);
    }
    Value::String(s.to_owned())
}

/// `strconv.ParseInt(s, 10, 64)` success (sign allowed, `_` not in base 10).
fn go_parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn run(
    s: &str,
    dest: &mut Map,
    mode: Mode,
    reader: Option<&mut FileReader<'_>>,
) -> Result<(), String> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        mode,
        reader,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Msg(m)) => return Err(m),
        }
    }
}

/// `strvals.ParseInto` (`--set`): parses `s` into `dest`.
///
/// # Errors
/// helm's parser message, e.g. `key "a" has no value`.
pub fn parse_into(s: &str, dest: &mut Map) -> Result<(), String> {
    run(s, dest, Mode::Typed, None)
}

/// `strvals.ParseIntoString` (`--set-string`): every value a string.
///
/// # Errors
/// As [`parse_into`].
pub fn parse_into_string(s: &str, dest: &mut Map) -> Result<(), String> {
    run(s, dest, Mode::String, None)
}

/// `strvals.ParseIntoFile` (`--set-file`): each value is a path that
/// `reader` turns into the string stored.
///
/// # Errors
/// As [`parse_into`], plus the reader's error.
pub fn parse_into_file(s: &str, dest: &mut Map, reader: &mut FileReader<'_>) -> Result<(), String> {
    run(s, dest, Mode::File, Some(reader))
}

/// `strvals.ParseJSON` (`--set-json` in `key=json` form).
///
/// # Errors
/// As [`parse_into`], plus encoding/json's message for a bad value.
pub fn parse_json(s: &str, dest: &mut Map) -> Result<(), String> {
    run(s, dest, Mode::Json, None)
}

/// `strvals.Parse`: a fresh map from one `--set` argument.
///
/// # Errors
/// As [`parse_into`].
pub fn parse(s: &str) -> Result<Map, String> {
    let mut m = Map::new();
    parse_into(s, &mut m)?;
    Ok(m)
}

/// `strvals.ParseLiteralInto` (`--set-literal`): the value after the first
/// `=` is taken verbatim (commas, braces and backslashes included).
///
/// # Errors
/// helm's literal-parser messages.
pub fn parse_literal_into(s: &str, dest: &mut Map) -> Result<(), String> {
    let mut p = Literal {
        chars: s.chars().collect(),
        pos: 0,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Msg(m)) => return Err(m),
        }
    }
}

struct Literal {
    chars: Vec<char>,
    pos: usize,
}

impl Literal {
    fn until(&mut self, stop: &[char]) -> (Vec<char>, Option<char>) {
        let mut v = Vec::new();
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if stop.contains(&c) {
                return (v, Some(c));
            }
            v.push(c);
        }
        (v, None)
    }

    fn key(&mut self, data: &mut Map, level: usize) -> PResult<()> {
        let (k, last) = self.until(&['=', '[', '.']);
        let key: String = k.iter().collect();
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(msg(format!("key {} has no value", quote(&k))))
                }
            }
            Some('=') => {
                let (v, _) = self.until(&[]);
                set(data, &key, Value::String(v.iter().collect()));
                Ok(())
            }
            Some('.') => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&key) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m.clone(),
                    Some(other) => return Err(panic_conversion(other, "map[string]interface {}")),
                };
                let e = self.key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(msg(format!("key map {} has no value", quote(&k))));
                }
                if !inner.is_empty() {
                    set(data, &key, Value::Map(inner));
                }
                e
            }
            Some(_) => {
                let i = self.key_index().map_err(index_error)?;
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(Value::Seq(l)) => l.clone(),
                    Some(other) => return Err(panic_conversion(other, "[]interface {}")),
                };
                let (list, err) = self.list_item(list, i, level);
                set(data, &key, Value::Seq(list));
                match err {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Stop::Eof);
        }
        go_atoi(&v.iter().collect::<String>()).map_err(msg)
    }

    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, Option<Stop>) {
        if i < 0 {
            return (list, Some(msg(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Some(msg(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&k)
                ))),
            );
        }
        let result = match last {
            None => return (list, Some(Stop::Eof)),
            Some('=') => {
                let (v, _) = self.until(&[]);
                set_index(list, i, Value::String(v.iter().collect()))
            }
            Some('.') => {
                let mut list = list;
                let mut inner = Map::new();
                if let Some(slot) = list.get_mut(i as usize) {
                    match slot {
                        Value::Map(m) => inner = m.clone(),
                        other => *other = Value::Map(Map::new()),
                    }
                }
                if let Err(e) = self.key(&mut inner, level) {
                    return (list, Some(e));
                }
                set_index(list, i, Value::Map(inner))
            }
            Some(_) => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => {
                        return (list, Some(index_error(e)));
                    }
                };
                let current = match list.get(i as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Seq(l)) => l.clone(),
                    Some(other) => {
                        let e = panic_conversion(other, "[]interface {}");
                        return (list, Some(e));
                    }
                };
                let (inner, err) = self.list_item(current, next, level);
                if let Some(e) = err {
                    return (list, Some(e));
                }
                set_index(list, i, Value::Seq(inner))
            }
        };
        match result {
            Ok(l) => (l, None),
            Err((l, e)) => (l, Some(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<String, String> {
        let m = parse(s)?;
        Ok(crate::gofmt::sprint_v(&Value::Map(m)))
    }

    #[test]
    fn basics() {
        assert_eq!(
            p("a=1,b=true,c=null,d=010,e=x").unwrap(),
            "map[a:1 b:true c:<nil> d:010 e:x]"
        );
        assert_eq!(p("a.b=1").unwrap(), "map[a:map[b:1]]");
        assert_eq!(p("a[1]=x").unwrap(), "map[a:[<nil> x]]");
        assert_eq!(p("a={x,y}").unwrap(), "map[a:[x y]]");
        assert_eq!(p("a=x\\,y,b\\.c=1").unwrap(), "map[a:x,y b.c:1]");
        assert_eq!(p("a[0].b=1,a[0].c=2").unwrap(), "map[a:[map[b:1 c:2]]]");
        assert_eq!(p("a[0][1]=z").unwrap(), "map[a:[[<nil> z]]]");
    }

    #[test]
    fn errors() {
        assert_eq!(p("a").unwrap_err(), "key \"a\" has no value");
        assert_eq!(
            p("a,b=1").unwrap_err(),
            "key \"a\" has no value (cannot end with ,)"
        );
        assert_eq!(p("a.=1").unwrap_err(), "key map \"a\" has no value");
        assert_eq!(
            p("a[x]=1").unwrap_err(),
            "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(p("a[-1]=1").unwrap_err(), "negative -1 index not allowed");
        assert_eq!(
            p("a[65537]=1").unwrap_err(),
            "index of 65537 is greater than maximum supported index of 65536"
        );
        assert_eq!(p("a={x").unwrap_err(), "list must terminate with '}'");
        assert_eq!(
            p("a=1,a.b=2").unwrap_err(),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
    }

    #[test]
    fn json_and_literal() {
        let mut m = Map::new();
        parse_json("a={\"b\":[1,2]},c=\"x\"", &mut m).unwrap();
        assert_eq!(
            crate::gofmt::sprint_v(&Value::Map(m)),
            "map[a:map[b:[1 2]] c:x]"
        );
        let mut m = Map::new();
        parse_literal_into("a.b=x,y=\\z", &mut m).unwrap();
        assert_eq!(
            crate::gofmt::sprint_v(&Value::Map(m)),
            "map[a:map[b:x,y=\\z]]"
        );
    }
}

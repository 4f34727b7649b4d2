//! Regular expressions: Sprig's regex.go on Go's `regexp` (RE2 syntax, leftmost-first).
//!
//! Patterns are translated to the `regex` crate's dialect where Go differs: `\d`, `\w`,
//! `\s`, `\b` are ASCII-only in Go, `\Q…\E` quotes, and a `{` that starts no valid
//! repeat is a literal. Iteration (`FindAll`, `ReplaceAll`, `Split`) and `$1`/`${name}`
//! expansion follow Go's own loops, which treat empty matches differently from Rust's.
//! Non-`must` functions panic on a bad pattern (`regexp: Compile(…): …`); the `must`
//! ones return Go's `error parsing regexp: …`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use charthouse_gotmpl::{Func, FuncError, GoType, Value};
use regex::Regex;

use crate::conv::{INT, arg_int, arg_str, func};

/// Rewrites a Go pattern into the `regex` crate's syntax.
fn translate(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            i += 2;
            match (n, in_class) {
                ('d', false) => out.push_str("[0-9]"),
                ('D', false) => out.push_str("[^0-9]"),
                ('w', false) => out.push_str("[0-9A-Za-z_]"),
                ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                ('s', false) => out.push_str("[\\t\\n\\f\\r ]"),
                ('S', false) => out.push_str("[^\\t\\n\\f\\r ]"),
                ('d', true) => out.push_str("0-9"),
                ('w', true) => out.push_str("0-9A-Za-z_"),
                ('s', true) => out.push_str("\\t\\n\\f\\r "),
                ('p' | 'P', _) if chars.get(i) == Some(&'{') => {
                    out.push('\\');
                    out.push(n);
                    while i < chars.len() {
                        out.push(chars[i]);
                        i += 1;
                        if chars[i - 1] == '}' {
                            break;
                        }
                    }
                }
                ('b', false) => out.push_str("(?-u:\\b)"),
                ('B', false) => out.push_str("(?-u:\\B)"),
                ('Q', _) => {
                    let mut lit = String::new();
                    while i < chars.len() {
                        if chars[i] == '\\' && chars.get(i + 1) == Some(&'E') {
                            i += 2;
                            break;
                        }
                        lit.push(chars[i]);
                        i += 1;
                    }
                    out.push_str(&regex::escape(&lit));
                }
                (n, _) => {
                    out.push('\\');
                    out.push(n);
                }
            }
            continue;
        }
        if in_class {
            if c == '[' && chars.get(i + 1) == Some(&':') {
                // A POSIX class [:name:] inside a bracket expression.
                if let Some(end) = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == ':' && chars[j + 1] == ']')
                {
                    out.extend(&chars[i..end + 2]);
                    i = end + 2;
                    continue;
                }
            }
            if c == '[' {
                out.push_str("\\[");
                i += 1;
                continue;
            }
            if c == ']' {
                in_class = false;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A ']' first in a class is a literal in Go.
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            '{' => {
                let rest: String = chars[i..].iter().collect();
                if valid_repeat(&rest) {
                    out.push('{');
                } else {
                    out.push_str("\\{");
                }
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Whether text starting at `{` is a Go repeat `{n}`, `{n,}` or `{n,m}`.
fn valid_repeat(s: &str) -> bool {
    let Some(end) = s.find('}') else {
        return false;
    };
    let body = &s[1..end];
    let (a, b) = match body.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (body, None),
    };
    !a.is_empty()
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.is_none_or(|b| b.bytes().all(|c| c.is_ascii_digit()))
}

/// Go's `regexp.Compile` error for the mistakes charts make, from our own scan of the
/// pattern: Go rejects some patterns the `regex` crate accepts (`a**`, `{2,1}`,
/// counts over 1000), and the crate words its errors differently.
fn go_syntax_error(p: &str) -> Option<String> {
    let b: Vec<char> = p.chars().collect();
    let text = |from: usize, to: usize| -> String { b[from..to.min(b.len())].iter().collect() };
    let mut depth = 0i32;
    let mut i = 0;
    let mut prev_atom = false;
    // Where the repetition operator just seen began, to report nested ones.
    let mut last_rep: Option<usize> = None;
    while i < b.len() {
        let c = b[i];
        let is_rep = matches!(c, '*' | '+' | '?') || (c == '{' && valid_repeat(&text(i, b.len())));
        if is_rep {
            if !prev_atom && last_rep.is_none() {
                let end = if c == '{' {
                    b[i..]
                        .iter()
                        .position(|&x| x == '}')
                        .map_or(i + 1, |e| i + e + 1)
                } else {
                    i + 1
                };
                return Some(format!(
                    "missing argument to repetition operator: `{}`",
                    text(i, end)
                ));
            }
            let end = if c == '{' {
                let e = b[i..]
                    .iter()
                    .position(|&x| x == '}')
                    .map_or(b.len(), |e| i + e + 1);
                let body = text(i + 1, e - 1);
                let (lo, hi) = match body.split_once(',') {
                    Some((lo, "")) => (lo.parse::<u64>().unwrap_or(u64::MAX), None),
                    Some((lo, hi)) => (
                        lo.parse::<u64>().unwrap_or(u64::MAX),
                        Some(hi.parse::<u64>().unwrap_or(u64::MAX)),
                    ),
                    None => (
                        body.parse::<u64>().unwrap_or(u64::MAX),
                        Some(body.parse::<u64>().unwrap_or(u64::MAX)),
                    ),
                };
                if lo > 1000 || hi.is_some_and(|h| h > 1000 || h < lo) {
                    return Some(format!("invalid repeat count: `{}`", text(i, e)));
                }
                e
            } else {
                i + 1
            };
            // A '?' right after an operator makes it lazy.
            let end = if b.get(end) == Some(&'?') {
                end + 1
            } else {
                end
            };
            if let Some(start) = last_rep {
                return Some(format!(
                    "invalid nested repetition operator: `{}`",
                    text(start, end)
                ));
            }
            last_rep = Some(i);
            prev_atom = false;
            i = end;
            continue;
        }
        last_rep = None;
        match c {
            '\\' => {
                if i + 1 >= b.len() {
                    return Some("trailing backslash at end of expression: ``".to_string());
                }
                if matches!(b[i + 1], 'p' | 'P') && b.get(i + 2) == Some(&'{') {
                    i = b[i..]
                        .iter()
                        .position(|&x| x == '}')
                        .map_or(b.len(), |e| i + e + 1);
                } else if b[i + 1] == 'Q' {
                    i += 2;
                    while i < b.len() && !(b[i] == '\\' && b.get(i + 1) == Some(&'E')) {
                        i += 1;
                    }
                    i += 2;
                } else {
                    i += 2;
                }
                prev_atom = true;
                continue;
            }
            '[' => {
                let start = i;
                i += 1;
                if b.get(i) == Some(&'^') {
                    i += 1;
                }
                if b.get(i) == Some(&']') {
                    i += 1;
                }
                while i < b.len() && b[i] != ']' {
                    if b[i] == '\\' {
                        i += 1;
                    } else if b[i] == '['
                        && b.get(i + 1) == Some(&':')
                        && let Some(e) = (i + 2..b.len().saturating_sub(1))
                            .find(|&j| b[j] == ':' && b[j + 1] == ']')
                    {
                        i = e + 1;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return Some(format!("missing closing ]: `{}`", text(start, b.len())));
                }
                prev_atom = true;
            }
            '(' => {
                depth += 1;
                prev_atom = false;
                if b.get(i + 1) == Some(&'?') {
                    let rest = text(i, b.len());
                    if rest.starts_with("(?P<") || rest.starts_with("(?<") {
                        let open = if rest.starts_with("(?P<") { 4 } else { 3 };
                        match b[i + open..].iter().position(|&x| x == '>') {
                            Some(e)
                                if e > 0
                                    && b[i + open..i + open + e]
                                        .iter()
                                        .all(|c| c.is_alphanumeric() || *c == '_') =>
                            {
                                i += open + e + 1
                            }
                            Some(e) => {
                                return Some(format!(
                                    "invalid named capture: `{}`",
                                    text(i, i + open + e + 1)
                                ));
                            }
                            None => return Some(format!("invalid named capture: `{rest}`")),
                        }
                    } else {
                        // Flags: (?i) or (?i:...).
                        match b[i + 2..].iter().position(|&x| x == ')' || x == ':') {
                            Some(e) => {
                                if b[i + 2 + e] == ')' {
                                    depth -= 1;
                                }
                                i += 2 + e + 1;
                            }
                            None => return Some(format!("missing closing ): `{p}`")),
                        }
                    }
                    continue;
                }
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Some(format!("unexpected ): `{p}`"));
                }
                prev_atom = true;
            }
            '|' => prev_atom = false,
            '^' | '$' => prev_atom = true,
            _ => prev_atom = true,
        }
        i += 1;
    }
    if depth > 0 {
        return Some(format!("missing closing ): `{p}`"));
    }
    None
}

/// How many compiled patterns the process keeps. Charts use a handful of distinct
/// patterns (bitnami's image-tag check runs once per image), so a small bound suffices;
/// it only guards against a template that builds patterns from data in a loop.
const CACHE_LIMIT: usize = 256;

/// Compiled patterns (or their compile errors) by source text. Go compiles on every
/// call, which its lazy NFA makes cheap; the `regex` crate does more work up front
/// (a full DFA for small patterns), so a chart that checks every image tag against
/// Masterminds' semver pattern would spend most of its render compiling. Entries are
/// shared through `Arc`: a `Regex` clone shares the program but starts an empty pool of
/// match caches, which the next match would build again.
static CACHE: LazyLock<Mutex<HashMap<String, Compiled>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A compiled pattern, or Go's compile error text.
type Compiled = Result<Arc<Regex>, String>;

/// `regexp.Compile`, with Go's error text, through the process-wide [`CACHE`].
fn compile(p: &str) -> Compiled {
    if let Ok(cache) = CACHE.lock()
        && let Some(hit) = cache.get(p)
    {
        return hit.clone();
    }
    let compiled = compile_uncached(p).map(Arc::new);
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(p.to_owned(), compiled.clone());
    }
    compiled
}

/// `regexp.Compile`, with Go's error text.
fn compile_uncached(p: &str) -> Result<Regex, String> {
    if let Some(e) = go_syntax_error(p) {
        return Err(format!("error parsing regexp: {e}"));
    }
    Regex::new(&translate(p)).map_err(|e| {
        let detail = e.to_string();
        let last = detail
            .lines()
            .last()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        format!("error parsing regexp: {last}")
    })
}

/// `regexp.MustCompile`'s panic text.
fn must_compile(p: &str) -> Result<Arc<Regex>, FuncError> {
    compile(p).map_err(|e| {
        let q = if charthouse_gotmpl::gofmt::can_backquote(p.as_bytes()) {
            format!("`{p}`")
        } else {
            charthouse_gotmpl::gofmt::quote(p)
        };
        FuncError::new(format!("regexp: Compile({q}): {e}"))
    })
}

fn char_width_at(s: &str, pos: usize) -> usize {
    s[pos..].chars().next().map_or(1, char::len_utf8)
}

/// Go's `allMatches`: successive matches, skipping an empty match that abuts the
/// previous one; at most `n` (all if `n < 0`). Each entry is the capture-group spans.
fn all_matches(re: &Regex, s: &str, n: i64) -> Vec<Vec<Option<(usize, usize)>>> {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while out.len() < limit && pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += if pos < s.len() {
                char_width_at(s, pos)
            } else {
                1
            };
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push(
                caps.iter()
                    .map(|g| g.map(|g| (g.start(), g.end())))
                    .collect(),
            );
        }
    }
    out
}

/// Go's `Regexp.Expand` of a `$1`/`${name}` template.
fn expand(
    re: &Regex,
    template: &str,
    src: &str,
    groups: &[Option<(usize, usize)>],
    dst: &mut String,
) {
    let names: Vec<Option<&str>> = re.capture_names().collect();
    let mut t = template;
    while let Some(i) = t.find('$') {
        dst.push_str(&t[..i]);
        t = &t[i + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            dst.push('$');
            t = rest;
            continue;
        }
        let brace = t.starts_with('{');
        let body = if brace { &t[1..] } else { t };
        let len: usize = body
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if len == 0 || (brace && !body[len..].starts_with('}')) {
            dst.push('$');
            continue;
        }
        let name = &body[..len];
        t = &body[len + usize::from(brace)..];
        let num: Option<usize> = if name.bytes().all(|c| c.is_ascii_digit())
            && !(name.starts_with('0') && name.len() > 1)
            && name.len() <= 8
        {
            name.parse().ok()
        } else {
            None
        };
        let idx = match num {
            Some(n) => Some(n),
            None => names.iter().position(|n| *n == Some(name)),
        };
        if let Some(Some((a, b))) = idx.and_then(|i| groups.get(i)) {
            dst.push_str(&src[*a..*b]);
        }
    }
    dst.push_str(t);
}

/// Go's `replaceAll` loop.
fn replace_all(re: &Regex, src: &str, repl: &str, literal: bool) -> String {
    let mut buf = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= src.len() {
        let Some(caps) = re.captures_at(src, search) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        buf.push_str(&src[last_end..m.start()]);
        if m.end() > last_end || m.start() == 0 {
            if literal {
                buf.push_str(repl);
            } else {
                let groups: Vec<Option<(usize, usize)>> = caps
                    .iter()
                    .map(|g| g.map(|g| (g.start(), g.end())))
                    .collect();
                expand(re, repl, src, &groups, &mut buf);
            }
        }
        last_end = m.end();
        let width = if search < src.len() {
            char_width_at(src, search)
        } else {
            1
        };
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
    }
    buf.push_str(&src[last_end.min(src.len())..]);
    buf
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches = all_matches(re, s, n);
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for m in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        let Some((a, b)) = m[0] else { continue };
        end = a;
        if b != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = b;
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn str_list(v: Vec<String>) -> Value {
    Value::string_list(v)
}

fn list_type() -> GoType {
    GoType::Slice(Box::new(GoType::String))
}

/// Registers a non-`must` and a `must` function sharing `body`: the first panics with
/// `MustCompile`'s text, the second returns `Compile`'s error.
fn pair(
    out: &mut Vec<Func>,
    name: &str,
    params: Vec<GoType>,
    result: GoType,
    body: fn(&Regex, &[Value]) -> Value,
) {
    out.push(func(name, params.clone(), result.clone(), move |a| {
        Ok(body(&*must_compile(arg_str(a, 0))?, a))
    }));
    let must = format!("must{}{}", name[..1].to_uppercase(), &name[1..]);
    out.push(func(&must, params, result, move |a| {
        match compile(arg_str(a, 0)) {
            Ok(re) => Ok(body(&re, a)),
            Err(e) => Err(FuncError::new(e)),
        }
    }));
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let s2 = || vec![GoType::String, GoType::String];
    // regexMatch drops the compile error; mustRegexMatch returns it.
    out.push(func("regexMatch", s2(), GoType::Bool, |a| {
        Ok(Value::Bool(
            compile(arg_str(a, 0)).is_ok_and(|re| re.is_match(arg_str(a, 1))),
        ))
    }));
    out.push(func(
        "mustRegexMatch",
        s2(),
        GoType::Bool,
        |a| match compile(arg_str(a, 0)) {
            Ok(re) => Ok(Value::Bool(re.is_match(arg_str(a, 1)))),
            Err(e) => Err(FuncError::new(e)),
        },
    ));
    pair(
        out,
        "regexFindAll",
        vec![GoType::String, GoType::String, INT],
        list_type(),
        |re, a| {
            let s = arg_str(a, 1);
            str_list(
                all_matches(re, s, arg_int(a, 2))
                    .into_iter()
                    .filter_map(|m| m[0].map(|(x, y)| s[x..y].to_string()))
                    .collect(),
            )
        },
    );
    pair(out, "regexFind", s2(), GoType::String, |re, a| {
        Value::from(re.find(arg_str(a, 1)).map_or("", |m| m.as_str()))
    });
    pair(
        out,
        "regexReplaceAll",
        vec![GoType::String; 3],
        GoType::String,
        |re, a| Value::from(replace_all(re, arg_str(a, 1), arg_str(a, 2), false)),
    );
    pair(
        out,
        "regexReplaceAllLiteral",
        vec![GoType::String; 3],
        GoType::String,
        |re, a| Value::from(replace_all(re, arg_str(a, 1), arg_str(a, 2), true)),
    );
    pair(
        out,
        "regexSplit",
        vec![GoType::String, GoType::String, INT],
        list_type(),
        |re, a| str_list(split(re, arg_str(a, 1), arg_int(a, 2))),
    );
    out.push(func(
        "regexQuoteMeta",
        vec![GoType::String],
        GoType::String,
        |a| Ok(Value::from(quote_meta(arg_str(a, 0)))),
    ));
}

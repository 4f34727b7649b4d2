//! A byte-oriented reader for the everyday subset of YAML, straight to [`Value`].
//!
//! Values files, Chart.yaml and rendered manifests use a small part of YAML:
//! block mappings and sequences, plain, quoted and block scalars, comments and
//! one-line flow collections. For those this reader gives exactly what the
//! libyaml path ([`crate::compose`] then [`crate::decode`]) gives, without its
//! char-by-char scanner, event stream and node tree; anchors on values and
//! aliases to finished nodes are followed too. On anything else (tags, `?` keys,
//! merge keys, tabs in structure, carriage returns, several documents, anything
//! libyaml would reject...) it answers `None`, "not handled", and the caller runs
//! the libyaml path, which produces the result or the exact error message. It
//! never answers with an error of its own.
//!
//! Each rule below mirrors libyaml's scanner (`scanner.c`: `scan_plain_scalar`,
//! `scan_flow_scalar`, `scan_block_scalar`, `scan_to_next_token`) for the inputs
//! it accepts; the differential tests and the `differential` fuzz target check
//! that both readers agree wherever this one answers.

use crate::decode::{from_resolved, json_key};
use crate::resolve::{Resolved, resolve_plain};
use crate::value::{Map, Value};

/// Deepest nesting handled here; deeper input goes to the libyaml path, which
/// has its own limit and message.
const MAX_DEPTH: usize = 200;

/// Longest simple key handled here, in bytes (libyaml allows 1024 characters
/// between a key's start and its `:`).
const MAX_KEY: usize = 1000;

/// Decodes `input` as yaml.v2 would into `interface{}` (with sigs.k8s.io/yaml's
/// string keys), or `None` when the input is outside the subset read here.
pub(crate) fn decode(input: &[u8]) -> Option<Value> {
    // Input starting like a byte order mark gets one added by the libyaml path.
    if input.first() == Some(&0xef) {
        return None;
    }
    let text = std::str::from_utf8(input).ok()?;
    if !allowed_chars(text) {
        return None;
    }
    let mut r = Reader {
        text,
        s: input,
        pos: 0,
        line_start: 0,
        depth: 0,
        anchors: Vec::new(),
        aliased: 0,
    };
    r.document()
}

/// Whether every character is one libyaml reads as plain content or as `\n`,
/// `\t` and space: no control characters, no `\r`, no byte order mark, and none
/// of the other line breaks (NEL, U+2028, U+2029) libyaml knows.
fn allowed_chars(text: &str) -> bool {
    let ascii_ok = |b: u8| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t';
    if text.is_ascii() {
        return text.bytes().all(ascii_ok);
    }
    text.chars().all(|c| {
        let u = c as u32;
        if u < 0x80 {
            ascii_ok(u as u8)
        } else {
            // yaml's printable set minus the breaks and the BOM.
            (0xa0..=0xd7ff).contains(&u) && u != 0x2028 && u != 0x2029
                || (0xe000..=0xfffd).contains(&u) && u != 0xfeff
                || u >= 0x10000
        }
    })
}

struct Reader<'a> {
    text: &'a str,
    s: &'a [u8],
    pos: usize,
    line_start: usize,
    depth: usize,
    /// Complete anchored values by name, latest last (yaml.v2 decodes an alias
    /// as its anchor's node again, which gives an equal value).
    anchors: Vec<(&'a str, Value)>,
    /// Nodes copied through aliases so far; kept far below the 100 that can
    /// start yaml.v2's excessive-aliasing check.
    aliased: usize,
}

/// How many nodes yaml.v2 decodes for a value.
fn node_count(v: &Value) -> usize {
    match v {
        Value::Seq(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Map(m) => 1 + m.values().map(|v| 1 + node_count(v)).sum::<usize>(),
        _ => 1,
    }
}

/// Space, tab, line break or end of input (libyaml `IS_BLANKZ`).
fn blankz(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\n'))
}

impl<'a> Reader<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.s.get(i).copied()
    }

    fn cur(&self) -> Option<u8> {
        self.at(self.pos)
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn eof(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn blankz_at(&self, i: usize) -> bool {
        blankz(self.s.get(i))
    }

    /// A `---` or `...` line start (document marker).
    fn at_marker(&self) -> bool {
        self.col() == 0
            && (self.s[self.pos..].starts_with(b"---") || self.s[self.pos..].starts_with(b"..."))
            && self.blankz_at(self.pos + 3)
    }

    fn slice(&self, a: usize, b: usize) -> Option<&'a str> {
        self.text.get(a..b)
    }

    /// Skips spaces; a tab is outside the subset.
    fn spaces(&mut self) -> Option<()> {
        while let Some(b) = self.cur() {
            match b {
                b' ' => self.pos += 1,
                b'\t' => return None,
                _ => break,
            }
        }
        Some(())
    }

    /// libyaml `scan_to_next_token`: spaces, comments and line breaks, up to the
    /// next content or the end. A comment must follow a space or start its line
    /// here; a document marker, a directive line or a tab is outside the subset.
    fn skip_to_content(&mut self) -> Option<()> {
        loop {
            self.spaces()?;
            match self.cur() {
                Some(b'#') => {
                    if self.pos != self.line_start && self.s[self.pos - 1] != b' ' {
                        return None;
                    }
                    self.skip_line_rest();
                }
                Some(b'\n') => {}
                None => return Some(()),
                Some(_) => {
                    if self.col() == 0 && (self.at_marker() || self.cur() == Some(b'%')) {
                        return None;
                    }
                    return Some(());
                }
            }
            if self.cur() == Some(b'\n') {
                self.pos += 1;
                self.line_start = self.pos;
            }
        }
    }

    /// Moves to the line break (or end) ending the current line.
    fn skip_line_rest(&mut self) {
        self.pos = match self.s[self.pos..].iter().position(|&b| b == b'\n') {
            Some(i) => self.pos + i,
            None => self.s.len(),
        };
    }

    /// After a node that ends mid-line: only spaces and a comment may follow
    /// on its line; then on to the next content.
    fn end_line(&mut self) -> Option<()> {
        self.spaces()?;
        match self.cur() {
            None | Some(b'\n') => {}
            Some(b'#') if self.s[self.pos - 1] == b' ' => {}
            Some(_) => return None,
        }
        self.skip_to_content()
    }

    fn document(&mut self) -> Option<Value> {
        // Leading comments and blank lines, then an optional `---` line.
        loop {
            self.spaces()?;
            match self.cur() {
                Some(b'#') => self.skip_line_rest(),
                Some(b'\n') => {}
                _ => break,
            }
            if self.cur() == Some(b'\n') {
                self.pos += 1;
                self.line_start = self.pos;
            }
        }
        if self.col() == 0 && self.s[self.pos..].starts_with(b"---") && self.blankz_at(self.pos + 3)
        {
            self.pos += 3;
            self.end_line()?;
        } else {
            self.skip_to_content()?;
        }
        if self.eof() {
            // An empty stream and an empty document both decode to nil.
            return Some(Value::Null);
        }
        let root = self.node(-1, true, true)?;
        self.eof().then_some(root)
    }

    /// A node starting at the current (non-space) byte. `parent` is the
    /// indentation of the enclosing block collection (libyaml `parser->indent`,
    /// -1 at the root); `key_ok` says whether a simple key may start here (at a
    /// line start or after `- `), `line_first` whether this is the first
    /// content of its line. Returns positioned at the next content (or end).
    fn node(&mut self, parent: i64, key_ok: bool, line_first: bool) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let v = self.node_inner(parent, key_ok, line_first);
        self.depth -= 1;
        v
    }

    fn node_inner(&mut self, parent: i64, key_ok: bool, line_first: bool) -> Option<Value> {
        match self.cur()? {
            b'&' => self.anchored(parent),
            b'*' => {
                let name = self.anchor_name()?;
                let v = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())?;
                self.aliased += node_count(&v);
                if self.aliased > 50 {
                    return None;
                }
                self.end_line()?;
                Some(v)
            }
            _ => self.unanchored(parent, key_ok, line_first),
        }
    }

    /// `&name` or `*name` (position at the indicator), followed by a space or
    /// line break.
    fn anchor_name(&mut self) -> Option<&'a str> {
        self.pos += 1;
        let start = self.pos;
        while self
            .cur()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.pos += 1;
        }
        if self.pos == start || !matches!(self.cur(), None | Some(b' ' | b'\n')) {
            return None;
        }
        self.slice(start, self.pos)
    }

    /// A node with an anchor, as a value (not a key).
    fn anchored(&mut self, parent: i64) -> Option<Value> {
        let name = self.anchor_name()?;
        // yaml.v2 registers the anchor when its node starts: an alias inside
        // it would refer to the node itself, an error left to libyaml.
        self.anchors.retain(|(n, _)| *n != name);
        self.spaces()?;
        let v = match self.cur() {
            None | Some(b'\n' | b'#') => {
                self.skip_to_content()?;
                if self.eof() || (self.col() as i64) <= parent {
                    // Also `a: &x` then an indentless sequence: left to libyaml.
                    return None;
                }
                if matches!(self.cur(), Some(b'&' | b'*')) {
                    // A second anchor (or an alias) for the same node on the next line:
                    // libyaml's answer differs from a plain reading; left to it.
                    return None;
                }
                self.node(parent, true, true)?
            }
            Some(b'&' | b'*') => return None,
            Some(_) => self.unanchored(parent, false, false)?,
        };
        self.anchors.push((name, v.clone()));
        Some(v)
    }

    fn unanchored(&mut self, parent: i64, key_ok: bool, line_first: bool) -> Option<Value> {
        let c = self.col();
        let b = self.cur()?;
        let next_blank = self.blankz_at(self.pos + 1);
        match b {
            b'-' if next_blank => {
                if !line_first {
                    return None;
                }
                self.block_seq(c, false)
            }
            b'|' | b'>' => {
                let s = self.block_scalar(parent)?;
                self.skip_to_content()?;
                Some(Value::String(s))
            }
            b'[' | b'{' => {
                let v = self.flow_node()?;
                self.end_line()?;
                Some(v)
            }
            b'"' | b'\'' => {
                let start = self.pos;
                let (s, multiline) = self.quoted()?;
                if key_ok && !multiline {
                    self.spaces()?;
                    if self.cur() == Some(b':') && self.blankz_at(self.pos + 1) {
                        if self.pos - start > MAX_KEY {
                            return None;
                        }
                        let key = key_string(s, false)?;
                        return self.block_map(c, key);
                    }
                }
                self.end_line()?;
                Some(Value::String(s))
            }
            _ => {
                if !plain_start(b, next_blank) {
                    return None;
                }
                let start = self.pos;
                let (s, multiline, colon) = self.plain(parent)?;
                if colon {
                    if !key_ok || multiline || self.pos - start > MAX_KEY {
                        return None;
                    }
                    let key = key_string(s, true)?;
                    return self.block_map(c, key);
                }
                self.end_line()?;
                Some(plain_value(s))
            }
        }
    }

    /// A block mapping at column `c` whose first key has been read; the
    /// position is at that key's `:`... or the spaces before it.
    fn block_map(&mut self, c: usize, first: String) -> Option<Value> {
        let mut map = Map::new();
        let mut key = first;
        loop {
            self.spaces()?;
            if self.cur() != Some(b':') {
                return None;
            }
            self.pos += 1;
            let value = self.map_value(c)?;
            map.insert(key, value);
            if self.eof() {
                break;
            }
            let col = self.col();
            if col < c {
                break;
            }
            if col > c {
                return None;
            }
            key = self.key()?;
        }
        Some(Value::Map(map))
    }

    /// A mapping key at the start of a line, up to its `:`.
    fn key(&mut self) -> Option<String> {
        let b = self.cur()?;
        let start = self.pos;
        let next_blank = self.blankz_at(self.pos + 1);
        let (s, plain) = match b {
            b'"' | b'\'' => {
                let (s, multiline) = self.quoted()?;
                if multiline {
                    return None;
                }
                self.spaces()?;
                (s, false)
            }
            _ => {
                if !plain_start(b, next_blank) {
                    return None;
                }
                let (s, multiline, colon) = self.plain(self.col() as i64)?;
                if multiline || !colon {
                    return None;
                }
                (s, true)
            }
        };
        if self.cur() != Some(b':') || !self.blankz_at(self.pos + 1) || self.pos - start > MAX_KEY {
            return None;
        }
        key_string(s, plain)
    }

    /// The value after a block mapping key's `:` (the mapping is at column `c`).
    fn map_value(&mut self, c: usize) -> Option<Value> {
        self.spaces()?;
        match self.cur() {
            None | Some(b'\n' | b'#') => {
                self.skip_to_content()?;
                if self.eof() {
                    return Some(Value::Null);
                }
                let col = self.col();
                if col > c {
                    self.node(c as i64, true, true)
                } else if col == c && self.cur() == Some(b'-') && self.blankz_at(self.pos + 1) {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return None;
                    }
                    let v = self.block_seq(c, true);
                    self.depth -= 1;
                    v
                } else {
                    Some(Value::Null)
                }
            }
            Some(b'-') if self.blankz_at(self.pos + 1) => None,
            Some(_) => self.node(c as i64, false, false),
        }
    }

    /// A block sequence whose first `-` is at column `c`; `indentless` for one
    /// that is a mapping value at the mapping's own column.
    fn block_seq(&mut self, c: usize, indentless: bool) -> Option<Value> {
        let mut items = Vec::new();
        loop {
            // At a `-` followed by a blank.
            self.pos += 1;
            items.push(self.seq_entry(c)?);
            if self.eof() {
                break;
            }
            let col = self.col();
            if col < c {
                break;
            }
            if col > c {
                return None;
            }
            if !(self.cur() == Some(b'-') && self.blankz_at(self.pos + 1)) {
                if indentless {
                    break;
                }
                return None;
            }
        }
        Some(Value::Seq(items))
    }

    fn seq_entry(&mut self, c: usize) -> Option<Value> {
        self.spaces()?;
        match self.cur() {
            None | Some(b'\n' | b'#') => {
                self.skip_to_content()?;
                if !self.eof() && self.col() > c {
                    self.node(c as i64, true, true)
                } else {
                    Some(Value::Null)
                }
            }
            // `- - x`: compact nested sequences are left to libyaml.
            Some(b'-') if self.blankz_at(self.pos + 1) => None,
            Some(_) => self.node(c as i64, true, false),
        }
    }

    /// libyaml `scan_plain_scalar` in block context. Returns the text, whether
    /// it spans lines, and whether it stopped at a `: ` (position at the `:`).
    /// Otherwise the position is just after its last character.
    fn plain(&mut self, parent: i64) -> Option<(String, bool, bool)> {
        let start = self.pos;
        let min_col = parent + 1;
        let mut built: Option<String> = None;
        let mut last_end = self.pos;
        let mut last_line_start = self.line_start;
        let mut run_start = self.pos;
        let mut colon = false;
        loop {
            // A run of non-blank characters.
            while let Some(b) = self.cur() {
                if b == b' ' || b == b'\t' || b == b'\n' {
                    break;
                }
                if b == b':' && self.blankz_at(self.pos + 1) {
                    colon = true;
                    break;
                }
                self.pos += 1;
            }
            if self.pos > run_start {
                if let Some(out) = built.as_mut() {
                    out.push_str(self.slice(run_start, self.pos)?);
                }
                last_end = self.pos;
                last_line_start = self.line_start;
            }
            if colon || self.eof() {
                break;
            }
            let ws_start = self.pos;
            self.spaces()?;
            if self.cur() == Some(b'\n') {
                let mut breaks = 0usize;
                while self.cur() == Some(b'\n') {
                    breaks += 1;
                    self.pos += 1;
                    self.line_start = self.pos;
                    self.spaces()?;
                }
                if self.eof()
                    || (self.col() as i64) < min_col
                    || self.at_marker()
                    || self.cur() == Some(b'#')
                {
                    break;
                }
                let out = built.get_or_insert_with(|| self.text[start..last_end].to_owned());
                if breaks == 1 {
                    out.push(' ');
                } else {
                    for _ in 1..breaks {
                        out.push('\n');
                    }
                }
                run_start = self.pos;
                continue;
            }
            match self.cur() {
                None | Some(b'#') => break,
                Some(b':') if self.blankz_at(self.pos + 1) => {
                    colon = true;
                    break;
                }
                Some(_) => {
                    // Inner spaces belong to the scalar.
                    if let Some(out) = built.as_mut() {
                        out.push_str(self.slice(ws_start, self.pos)?);
                    }
                    run_start = ws_start;
                    if built.is_some() {
                        run_start = self.pos;
                    }
                }
            }
        }
        let multiline = built.is_some();
        let text = match built {
            Some(s) => s,
            None => self.slice(start, last_end)?.to_owned(),
        };
        if !colon {
            self.pos = last_end;
            self.line_start = last_line_start;
        }
        Some((text, multiline, colon))
    }

    /// libyaml `scan_flow_scalar`: a single- or double-quoted scalar, possibly
    /// over several lines. Returns the text and whether it spans lines; the
    /// position is after the closing quote.
    fn quoted(&mut self) -> Option<(String, bool)> {
        let single = self.cur() == Some(b'\'');
        let quote = if single { b'\'' } else { b'"' };
        self.pos += 1;
        let mut out = String::new();
        let mut multiline = false;
        loop {
            if self.eof() || self.at_marker() {
                return None;
            }
            let mut leading_blanks = false;
            let mut run = self.pos;
            loop {
                let b = self.cur()?;
                match b {
                    b' ' | b'\t' | b'\n' => break,
                    b'\'' if single => {
                        if self.at(self.pos + 1) == Some(b'\'') {
                            out.push_str(self.slice(run, self.pos + 1)?);
                            self.pos += 2;
                            run = self.pos;
                        } else {
                            break;
                        }
                    }
                    b'"' if !single => break,
                    b'\\' if !single => {
                        out.push_str(self.slice(run, self.pos)?);
                        if self.at(self.pos + 1) == Some(b'\n') {
                            self.pos += 2;
                            self.line_start = self.pos;
                            multiline = true;
                            leading_blanks = true;
                            run = self.pos;
                            break;
                        }
                        self.escape(&mut out)?;
                        run = self.pos;
                    }
                    _ => self.pos += 1,
                }
            }
            out.push_str(self.slice(run, self.pos)?);
            if self.cur() == Some(quote) {
                self.pos += 1;
                return Some((out, multiline));
            }
            let ws_start = self.pos;
            let mut ws_end = self.pos;
            let mut leading_break = false;
            let mut trailing_breaks = 0usize;
            while let Some(b) = self.cur() {
                match b {
                    b' ' | b'\t' => {
                        self.pos += 1;
                        if !leading_blanks {
                            ws_end = self.pos;
                        }
                    }
                    b'\n' => {
                        self.pos += 1;
                        self.line_start = self.pos;
                        multiline = true;
                        if leading_blanks {
                            trailing_breaks += 1;
                        } else {
                            leading_break = true;
                            leading_blanks = true;
                        }
                    }
                    _ => break,
                }
            }
            if leading_blanks {
                if leading_break && trailing_breaks == 0 {
                    out.push(' ');
                } else {
                    for _ in 0..trailing_breaks {
                        out.push('\n');
                    }
                }
            } else {
                out.push_str(self.slice(ws_start, ws_end)?);
            }
        }
    }

    /// One escape sequence in a double-quoted scalar (position at the `\`).
    /// `\/` is outside the subset: yaml.v2 rejects it, libyaml does not.
    fn escape(&mut self, out: &mut String) -> Option<()> {
        let e = self.at(self.pos + 1)?;
        let simple = match e {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            b'x' | b'u' | b'U' => None,
            _ => return None,
        };
        self.pos += 2;
        if let Some(c) = simple {
            out.push(c);
            return Some(());
        }
        let len = match e {
            b'x' => 2,
            b'u' => 4,
            _ => 8,
        };
        let hex = self.s.get(self.pos..self.pos + len)?;
        let mut code: u32 = 0;
        for &h in hex {
            code = (code << 4) | (h as char).to_digit(16)?;
        }
        out.push(char::from_u32(code)?);
        self.pos += len;
        Some(())
    }

    /// libyaml `scan_block_scalar` (position at `|` or `>`). Returns positioned
    /// at the first non-space of the line that ends it (or at the end).
    fn block_scalar(&mut self, parent: i64) -> Option<String> {
        let literal = self.cur() == Some(b'|');
        self.pos += 1;
        let mut chomping = 0i8;
        let mut increment = 0i64;
        let chomp = |b: Option<u8>| match b {
            Some(b'+') => Some(1i8),
            Some(b'-') => Some(-1i8),
            _ => None,
        };
        // An indentation indicator of 0 is an error, left to libyaml.
        let digit = |b: Option<u8>| match b {
            Some(d @ b'0'..=b'9') => Some(i64::from(d - b'0')),
            _ => None,
        };
        if let Some(c) = chomp(self.cur()) {
            chomping = c;
            self.pos += 1;
            if let Some(d) = digit(self.cur()) {
                increment = d;
                self.pos += 1;
            }
        } else if let Some(d) = digit(self.cur()) {
            increment = d;
            self.pos += 1;
            if let Some(c) = chomp(self.cur()) {
                chomping = c;
                self.pos += 1;
            }
        }
        if self.s[..self.pos].iter().rev().take(2).any(|&b| b == b'0') {
            return None;
        }
        self.spaces()?;
        if self.cur() == Some(b'#') {
            self.skip_line_rest();
        }
        if self.cur() != Some(b'\n') {
            return None;
        }
        self.pos += 1;
        self.line_start = self.pos;
        let mut indent: i64 = if increment == 0 {
            0
        } else if parent >= 0 {
            parent + increment
        } else {
            increment
        };
        let mut trailing_breaks = 0usize;
        self.block_breaks(&mut indent, &mut trailing_breaks, parent)?;
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while !self.eof() && self.col() as i64 == indent {
            let trailing_blank = matches!(self.cur(), Some(b' ' | b'\t'));
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            for _ in 0..trailing_breaks {
                out.push('\n');
            }
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            let start = self.pos;
            self.skip_line_rest();
            if self.eof() {
                // libyaml-safer fails on a block scalar ending the input
                // without a line break; the libyaml path deals with it.
                return None;
            }
            out.push_str(self.slice(start, self.pos)?);
            self.pos += 1;
            self.line_start = self.pos;
            leading_break = true;
            self.block_breaks(&mut indent, &mut trailing_breaks, parent)?;
        }
        if chomping != -1 && leading_break {
            out.push('\n');
        }
        if chomping == 1 {
            for _ in 0..trailing_breaks {
                out.push('\n');
            }
        }
        Some(out)
    }

    /// libyaml `scan_block_scalar_breaks`: empty lines before block scalar
    /// content, and the indentation detection when none was given.
    fn block_breaks(&mut self, indent: &mut i64, breaks: &mut usize, parent: i64) -> Option<()> {
        let mut max_indent = 0i64;
        loop {
            while (*indent == 0 || (self.col() as i64) < *indent) && self.cur() == Some(b' ') {
                self.pos += 1;
            }
            max_indent = max_indent.max(self.col() as i64);
            if (*indent == 0 || (self.col() as i64) < *indent) && self.cur() == Some(b'\t') {
                return None;
            }
            if self.cur() != Some(b'\n') {
                break;
            }
            self.pos += 1;
            self.line_start = self.pos;
            *breaks += 1;
        }
        if *indent == 0 {
            *indent = max_indent.max(parent + 1).max(1);
        }
        Some(())
    }

    /// A flow collection or scalar inside `[...]`/`{...}`, all on one line.
    fn flow_node(&mut self) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let v = match self.cur()? {
            b'[' => self.flow_seq(),
            b'{' => self.flow_map(),
            b'"' | b'\'' => {
                let (s, multiline) = self.quoted()?;
                (!multiline).then_some(Value::String(s))
            }
            _ => self.flow_plain().map(plain_value),
        };
        self.depth -= 1;
        v
    }

    /// Steps over a flow collection's opening bracket; `Some(true)` when `close`
    /// follows at once (an empty collection, closed).
    fn flow_open(&mut self, close: u8) -> Option<bool> {
        self.pos += 1;
        self.spaces()?;
        Some(self.flow_at(close))
    }

    /// After a flow collection's entry: `,` goes on to the next entry
    /// (`Some(false)`), `close` ends the collection (`Some(true)`); anything
    /// else is outside the subset.
    fn flow_entry_end(&mut self, close: u8) -> Option<bool> {
        self.spaces()?;
        if self.flow_at(close) {
            return Some(true);
        }
        if self.cur() != Some(b',') {
            return None;
        }
        self.pos += 1;
        Some(false)
    }

    /// Steps over `close` when it is the current byte.
    fn flow_at(&mut self, close: u8) -> bool {
        let at = self.cur() == Some(close);
        if at {
            self.pos += 1;
        }
        at
    }

    fn flow_seq(&mut self) -> Option<Value> {
        let mut items = Vec::new();
        if self.flow_open(b']')? {
            return Some(Value::Seq(items));
        }
        loop {
            self.spaces()?;
            items.push(self.flow_node()?);
            if self.flow_entry_end(b']')? {
                return Some(Value::Seq(items));
            }
        }
    }

    fn flow_map(&mut self) -> Option<Value> {
        let mut map = Map::new();
        if self.flow_open(b'}')? {
            return Some(Value::Map(map));
        }
        loop {
            self.spaces()?;
            let start = self.pos;
            let (k, plain) = match self.cur()? {
                b'"' | b'\'' => {
                    let (s, multiline) = self.quoted()?;
                    if multiline {
                        return None;
                    }
                    (s, false)
                }
                _ => (self.flow_plain()?, true),
            };
            self.spaces()?;
            if self.cur() != Some(b':') || self.pos - start > MAX_KEY {
                return None;
            }
            if plain && !self.blankz_at(self.pos + 1) {
                return None;
            }
            self.pos += 1;
            self.spaces()?;
            if matches!(self.cur(), Some(b',' | b'}') | None) {
                return None;
            }
            let key = key_string(k, plain)?;
            let value = self.flow_node()?;
            map.insert(key, value);
            if self.flow_entry_end(b'}')? {
                return Some(Value::Map(map));
            }
        }
    }

    /// A plain scalar in flow context, on one line: up to a flow indicator,
    /// a `: ` or a ` #`; any other `:` is outside the subset.
    fn flow_plain(&mut self) -> Option<String> {
        let start = self.pos;
        let first = self.cur()?;
        let ok_first = match first {
            b'-' => self
                .at(self.pos + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.'),
            _ => !is_indicator(first) && first != b' ' && first != b'\t' && first != b'\n',
        };
        if !ok_first {
            return None;
        }
        let mut end = self.pos;
        while let Some(b) = self.cur() {
            match b {
                b',' | b'[' | b']' | b'{' | b'}' | b'\n' => break,
                b'\t' => return None,
                b':' => {
                    if self.blankz_at(self.pos + 1) {
                        break;
                    }
                    return None;
                }
                b' ' => {
                    if self.at(self.pos + 1) == Some(b'#') {
                        return None;
                    }
                    self.pos += 1;
                }
                _ => {
                    self.pos += 1;
                    end = self.pos;
                }
            }
        }
        self.pos = end;
        Some(self.slice(start, end)?.to_owned())
    }
}

/// libyaml's indicator characters, which cannot start a plain scalar
/// (`-`, `?` and `:` can when a non-blank follows, in block context).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Whether a plain scalar may start with `b` in block context.
fn plain_start(b: u8, next_blank: bool) -> bool {
    match b {
        b'-' | b'?' | b':' => !next_blank,
        b' ' | b'\t' | b'\n' => false,
        _ => !is_indicator(b),
    }
}

/// A plain scalar's value (yaml.v2 `resolve`), keeping the text when it is a
/// string.
fn plain_value(s: String) -> Value {
    match resolve_plain(&s) {
        // The common case moves the text instead of copying it.
        Resolved::Str => Value::String(s),
        r => from_resolved(r, &s),
    }
}

/// A mapping key as sigs.k8s.io/yaml makes it a string; `None` for the merge
/// key and for keys it refuses (null, uint64), which the libyaml path reports.
fn key_string(s: String, plain: bool) -> Option<String> {
    if !plain {
        return Some(s);
    }
    match resolve_plain(&s) {
        Resolved::Str | Resolved::Timestamp => Some(s),
        Resolved::Merge => None,
        _ => json_key(&plain_value(s), &Value::Null).ok(),
    }
}

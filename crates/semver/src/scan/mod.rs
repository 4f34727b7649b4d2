//! Hand-written recognizers for Masterminds' regular expressions (version.go's
//! `looseSemVerRegex`, constraints.go's `cvRegex` and the four constraint patterns built
//! on it), with the match RE2's leftmost-first rule picks.
//!
//! Why no backtracking is needed: the parts of a version use disjoint characters
//! (segments `[0-9|xX*]` or `[0-9]`, the `.` that starts the next segment, the `-` that
//! starts a pre-release, the `+` that starts metadata, identifiers `[0-9A-Za-z-]`), none
//! of them whitespace, `,` or an operator character. So the greedy reading of a version
//! is the only one, a version ends exactly where its token ends, and the operator is
//! the whole run of operator characters before it. Go's `\s` is ASCII `[\t\n\f\r ]`.

use std::ops::Range;

/// Masterminds' operators in the order of its alternation `=||!=|>|<|>=|=>|<=|=<|~|~>|\^`:
/// the first one after which the rest matches wins.
pub(crate) const OPS: [&str; 12] = [
    "=", "", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^",
];

/// Go's `\s` (RE2 Perl class: no vertical tab).
fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// A character of a constraint version's segment, `[0-9|x|X|\*]` (the `|` is literal).
fn is_cv_segment(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'|' | b'x' | b'X' | b'*')
}

/// A character of a pre-release or metadata identifier, `[0-9A-Za-z\-]`.
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A character an operator is made of.
fn is_op(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'>' | b'<' | b'~' | b'^')
}

/// The end of the run of `class` characters starting at `i`.
fn run(s: &[u8], mut i: usize, class: fn(u8) -> bool) -> usize {
    while i < s.len() && class(s[i]) {
        i += 1;
    }
    i
}

fn skip_ws(s: &[u8], i: usize) -> usize {
    run(s, i, is_ws)
}

/// `X(\.X)*` for identifiers `X`, from `i` (which must start an identifier).
fn identifiers(s: &[u8], i: usize) -> usize {
    let mut end = run(s, i, is_ident);
    while end + 1 < s.len() && s[end] == b'.' && is_ident(s[end + 1]) {
        end = run(s, end + 1, is_ident);
    }
    end
}

/// Where the optional `.segment`, `-pre-release` or `+metadata` part starting at `i`
/// ends: `lead` must be followed by at least one character of the part.
fn part(s: &[u8], i: usize, lead: u8, class: fn(u8) -> bool, dotted: bool) -> Option<usize> {
    if i + 1 < s.len() && s[i] == lead && class(s[i + 1]) {
        Some(if dotted {
            identifiers(s, i + 1)
        } else {
            run(s, i + 1, class)
        })
    } else {
        None
    }
}

/// The spans of a version's parts, as the regular expressions' groups capture them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Spans {
    /// The whole version, `v` prefix included.
    pub(crate) whole: Range<usize>,
    /// The major segment.
    pub(crate) major: Range<usize>,
    /// The minor segment with its leading `.`; empty when absent.
    pub(crate) minor: Range<usize>,
    /// The patch segment with its leading `.`; empty when absent.
    pub(crate) patch: Range<usize>,
    /// The pre-release with its leading `-`; empty when absent.
    pub(crate) pre: Range<usize>,
    /// The metadata with its leading `+`; empty when absent.
    pub(crate) metadata: Range<usize>,
}

/// The greedy match of a version starting at `start`, segments made of `segment`
/// characters (`[0-9]` for `looseSemVerRegex`, [`is_cv_segment`] for `cvRegex`).
fn version_at(s: &[u8], start: usize, segment: fn(u8) -> bool) -> Option<Spans> {
    let mut i = start;
    if s.get(i) == Some(&b'v') {
        i += 1;
    }
    let major_end = run(s, i, segment);
    if major_end == i {
        return None;
    }
    let mut spans = Spans {
        major: i..major_end,
        ..Spans::default()
    };
    i = major_end;
    for slot in [&mut spans.minor, &mut spans.patch] {
        *slot = i..i;
        if let Some(end) = part(s, i, b'.', segment, false) {
            *slot = i..end;
            i = end;
        }
    }
    spans.pre = i..i;
    if let Some(end) = part(s, i, b'-', is_ident, true) {
        spans.pre = i..end;
        i = end;
    }
    spans.metadata = i..i;
    if let Some(end) = part(s, i, b'+', is_ident, true) {
        spans.metadata = i..end;
        i = end;
    }
    spans.whole = start..i;
    Some(spans)
}

/// `^looseSemVerRegex$`: the spans of a whole-string loose version.
pub(crate) fn loose_version(v: &str) -> Option<Spans> {
    let s = v.as_bytes();
    version_at(s, 0, |b| b.is_ascii_digit()).filter(|m| m.whole.end == s.len())
}

/// `cvRegex` at `start`, greedy.
fn cv_at(s: &[u8], start: usize) -> Option<Spans> {
    version_at(s, start, is_cv_segment)
}

/// `^\s*(ops)\s*(cv)\s*$` (`constraintRegex`): the operator and the version's spans.
pub(crate) fn one_constraint(c: &str) -> Option<(&'static str, Spans)> {
    let s = c.as_bytes();
    let i = skip_ws(s, 0);
    OPS.iter().find_map(|&op| {
        if !s[i..].starts_with(op.as_bytes()) {
            return None;
        }
        let m = cv_at(s, skip_ws(s, i + op.len()))?;
        (skip_ws(s, m.whole.end) == s.len()).then_some((op, m))
    })
}

/// `(ops)\s*(cv)` (`findConstraintRegex`) at `start`: where the match ends.
fn find_at(s: &[u8], start: usize) -> Option<usize> {
    OPS.iter().find_map(|&op| {
        if !s[start..].starts_with(op.as_bytes()) {
            return None;
        }
        cv_at(s, skip_ws(s, start + op.len())).map(|m| m.whole.end)
    })
}

/// `findConstraintRegex.FindAllString(part, -1)`: the comparisons in one `||` branch.
pub(crate) fn find_constraints(part: &str) -> Vec<&str> {
    let s = part.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match find_at(s, i) {
            Some(end) => {
                out.push(&part[i..end]);
                i = end;
            }
            // A match starts with an ASCII character, so byte steps skip nothing.
            None => i += 1,
        }
    }
    out
}

/// `^(\s*(ops)\s*(cv)\s*)((?:\s+|,\s*)(ops)\s*(cv)\s*)*$` (`validConstraintRegex`).
pub(crate) fn valid_constraint(part: &str) -> bool {
    let s = part.as_bytes();
    let mut i = skip_ws(s, 0);
    loop {
        let op_end = run(s, i, is_op);
        if !OPS.contains(&&part[i..op_end]) {
            return false;
        }
        let start = skip_ws(s, op_end);
        let token_end = run(s, start, |b| !is_ws(b) && b != b',');
        match cv_at(s, start) {
            Some(m) if m.whole.end == token_end => {}
            _ => return false,
        }
        let next = skip_ws(s, token_end);
        if next == s.len() {
            return true;
        }
        if s[next] == b',' {
            i = skip_ws(s, next + 1);
        } else if next > token_end {
            i = next;
        } else {
            return false;
        }
    }
}

/// `\s*(cv)\s+-\s+(cv)\s*` (`constraintRangeRegex`) at `start`: the match's end and the
/// two versions' spans.
fn range_at(s: &[u8], start: usize) -> Option<(usize, Range<usize>, Range<usize>)> {
    let low = cv_at(s, skip_ws(s, start))?;
    let dash = skip_ws(s, low.whole.end);
    if dash == low.whole.end || s.get(dash) != Some(&b'-') {
        return None;
    }
    let high_start = skip_ws(s, dash + 1);
    if high_start == dash + 1 {
        return None;
    }
    let high = cv_at(s, high_start)?;
    Some((skip_ws(s, high.whole.end), low.whole, high.whole))
}

/// Masterminds' `rewriteRange`: each `A - B` becomes `>= A, <= B ` (Go's
/// `strings.Replace(.., 1)` of the matched text, so the first occurrence is replaced).
pub(crate) fn rewrite_ranges(input: &str) -> String {
    let s = input.as_bytes();
    let mut out = input.to_owned();
    let mut i = 0;
    while i < s.len() {
        match range_at(s, i) {
            Some((end, low, high)) => {
                let replacement = format!(">= {}, <= {} ", &input[low], &input[high]);
                out = out.replacen(&input[i..end], &replacement, 1);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests;

//! helm's `toYamlPretty`: go.yaml.in/yaml/v3's `Encoder` with `SetIndent(2)`, writing
//! the value as it is (no JSON round trip, unlike `toYaml`).
//!
//! What differs from `toYaml`'s yaml.v2 output, and is done here: sequences are indented
//! under their key, floats print with `strconv.FormatFloat(f, 'g', -1, 64)` (`1e+08`,
//! not `100000000`), and long lines are never folded. Each scalar's style (plain,
//! quoted, literal block) is chosen by the same libyaml emitter rules in both versions,
//! so it comes from the `goyaml` crate, rendered alone and then re-indented.

use charthouse_gotmpl::gofmt;
use charthouse_goyaml::Value as Yaml;
use charthouse_goyaml::helm::to_yaml;

/// The document yaml.v3 writes for `v`, without the final newline (helm trims it).
pub(super) fn to_yaml_pretty(v: &Yaml) -> String {
    let mut out = String::new();
    match v {
        Yaml::Map(m) if !m.is_empty() => map(&mut out, m, 0, false),
        Yaml::Seq(s) if !s.is_empty() => seq(&mut out, s, 0, false),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn is_block(v: &Yaml) -> bool {
    match v {
        Yaml::Map(m) => !m.is_empty(),
        Yaml::Seq(s) => !s.is_empty(),
        _ => false,
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A block mapping whose keys sit at column `indent`; the first key continues the
/// current line when `inline` (after a sequence dash).
fn map(out: &mut String, m: &charthouse_goyaml::Map, indent: usize, inline: bool) {
    let mut entries: Vec<(&String, &Yaml)> = m.iter().collect();
    entries.sort_by(|a, b| key_order(a.0, b.0));
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 || !inline {
            pad(out, indent);
        }
        out.push_str(&string(k, indent));
        out.push(':');
        match v {
            Yaml::Map(m) if !m.is_empty() => {
                out.push('\n');
                map(out, m, indent + 2, false);
            }
            Yaml::Seq(s) if !s.is_empty() => {
                out.push('\n');
                seq(out, s, indent + 2, false);
            }
            _ => {
                out.push(' ');
                out.push_str(&scalar(v, indent));
                out.push('\n');
            }
        }
    }
}

/// yaml.v3's `keyList.Less` for string keys: letters sort after other characters
/// except right after digits, and runs of digits compare as numbers.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut digits = false;
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            digits = ar[i].is_numeric();
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            let a_first = if digits { al } else { bl };
            return if a_first {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            // A zero inside a number (after a non-zero digit) still counts.
            for j in (0..i).rev() {
                if !ar[j].is_numeric() {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_numeric() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai].to_digit(10).unwrap_or(0)));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_numeric() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi].to_digit(10).unwrap_or(0)));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

/// A block sequence whose dashes sit at column `indent`.
fn seq(out: &mut String, s: &[Yaml], indent: usize, inline: bool) {
    for (i, v) in s.iter().enumerate() {
        if i > 0 || !inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match v {
            Yaml::Map(m) if is_block(v) => map(out, m, indent + 2, true),
            Yaml::Seq(s) if is_block(v) => seq(out, s, indent + 2, true),
            _ => {
                out.push_str(&scalar(v, indent));
                out.push('\n');
            }
        }
    }
}

/// A scalar (or empty collection) whose node starts at column `indent`.
fn scalar(v: &Yaml, indent: usize) -> String {
    match v {
        Yaml::Null => "null".to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Int(i) => i.to_string(),
        Yaml::Uint(u) => u.to_string(),
        Yaml::Float(f) => float(*f),
        Yaml::String(s) => string(s, indent),
        Yaml::Seq(_) => "[]".to_string(),
        Yaml::Map(_) => "{}".to_string(),
    }
}

/// yaml.v3's float: Go's shortest `'g'` form, or `.inf`/`-.inf`/`.nan`.
fn float(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".to_string()
        } else {
            "-.inf".to_string()
        }
    } else {
        gofmt::format_float(f, 'g', -1, 64)
    }
}

/// A string scalar in the style libyaml picks, with block content at `indent + 2` and
/// no folding of long lines.
fn string(s: &str, indent: usize) -> String {
    let alone = to_yaml(&Yaml::String(s.to_string()));
    if alone.starts_with('|') || alone.starts_with('>') {
        // A block scalar rendered at the top level has its content at column 2.
        let mut lines = alone.split('\n');
        let mut out = lines.next().unwrap_or_default().to_string();
        for line in lines {
            out.push('\n');
            if !line.is_empty() {
                pad(&mut out, indent + 2);
                out.push_str(line.strip_prefix("  ").unwrap_or(line));
            }
        }
        return out;
    }
    if s.contains('\n') || !alone.contains('\n') {
        return alone;
    }
    // yaml.v2 folded a long one-line scalar at 80 columns; yaml.v3 does not.
    match alone.chars().next() {
        Some('\'') => format!("'{}'", s.replace('\'', "''")),
        Some('"') => double_quoted(s),
        _ => s.to_string(),
    }
}

/// libyaml's double-quoted scalar, unfolded.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        let code = c as u32;
        let printable = code == 0x0A
            || (0x20..=0x7E).contains(&code)
            || code == 0x85
            || ((0xA0..=0xD7FF).contains(&code))
            || ((0xE000..=0xFFFD).contains(&code) && code != 0xFEFF)
            || (0x10000..=0x10FFFF).contains(&code);
        match c {
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            _ if printable => out.push(c),
            _ if code <= 0xFF => out.push_str(&format!("\\x{code:02X}")),
            _ if code <= 0xFFFF => out.push_str(&format!("\\u{code:04X}")),
            _ => out.push_str(&format!("\\U{code:08X}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: Vec<(&str, Yaml)>) -> Yaml {
        Yaml::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn sequences_are_indented_and_blocks_reindented() {
        let v = m(vec![(
            "a",
            m(vec![
                (
                    "b",
                    Yaml::Seq(vec![
                        Yaml::String("x\ny".into()),
                        Yaml::Seq(vec![
                            Yaml::String("p\nq".into()),
                            Yaml::String(" lead\nx".into()),
                        ]),
                        m(vec![("k", Yaml::String("m\nn\n".into()))]),
                    ]),
                ),
                ("c", Yaml::String("x\n".into())),
            ]),
        )]);
        // Expected text from helm v4.3.1's toYamlPretty on the same value.
        let want = "a:\n  b:\n    - |-\n      x\n      y\n    - - |-\n        p\n        q\n      - |2-\n         lead\n        x\n    - k: |\n        m\n        n\n  c: |\n    x";
        assert_eq!(to_yaml_pretty(&v), want);
    }

    #[test]
    fn keys_in_yaml_v3_order() {
        let mut keys = vec!["on", "a10", "~", "a2", "1", "", "-x", "B", "a"];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(keys, vec!["", "-x", "~", "1", "B", "a", "a2", "a10", "on"]);
    }

    #[test]
    fn floats_and_long_lines_as_v3_writes_them() {
        let long = "a very long string that goes past eighty columns for sure: yes it does, really it goes on and on and on";
        let v = m(vec![
            (
                "f",
                Yaml::Seq(vec![Yaml::Float(1.5), Yaml::Float(1e8), Yaml::Float(-0.0)]),
            ),
            ("lq", Yaml::String(long.into())),
            ("dq", Yaml::String(format!("{long}\t"))),
        ]);
        let want = format!("dq: \"{long}\\t\"\nf:\n  - 1.5\n  - 1e+08\n  - -0\nlq: '{long}'");
        assert_eq!(to_yaml_pretty(&v), want);
        assert_eq!(to_yaml_pretty(&Yaml::Null), "null");
        assert_eq!(to_yaml_pretty(&Yaml::Map(Default::default())), "{}");
    }
}

//! `.env` files: `KEY=value` lines (optionally `export KEY=value`), `#` comments, values
//! unquoted (trimmed, ` #` starts a comment), single-quoted (literal) or double-quoted
//! (`\n`, `\t`, `\"`, `\\`, `\$` escapes).

use std::collections::BTreeMap;

use crate::error::{Error, Loc, Result};

/// Parses `.env` text (named `file` in errors).
///
/// # Errors
/// [`Error::Syntax`] naming the file, line and column of a malformed line.
pub fn parse_dotenv(file: &str, text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (n, raw) in text.lines().enumerate() {
        let fail = |column: usize, message: String| Error::Syntax {
            loc: Loc {
                file: file.to_owned(),
                line: n + 1,
                column,
            },
            message,
        };
        let line = raw.trim_start();
        let indent = raw.len() - line.len();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (line, indent) = match line.strip_prefix("export ") {
            Some(r) => (r.trim_start(), raw.len() - r.trim_start().len()),
            None => (line, indent),
        };
        let Some(eq) = line.find('=') else {
            return Err(fail(
                indent + 1,
                format!("expected KEY=VALUE, found {line:?}"),
            ));
        };
        let key = line[..eq].trim_end();
        if key.is_empty()
            || key.starts_with(|c: char| c.is_ascii_digit())
            || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(fail(indent + 1, format!("bad variable name {key:?}")));
        }
        let value_raw = line[eq + 1..].trim_start();
        let vcol = raw.len() - value_raw.len() + 1;
        let value = if let Some(body) = value_raw.strip_prefix('\'') {
            let Some(end) = body.find('\'') else {
                return Err(fail(vcol, "unterminated single-quoted value".to_owned()));
            };
            body[..end].to_owned()
        } else if let Some(body) = value_raw.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = body.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('n') => v.push('\n'),
                        Some('t') => v.push('\t'),
                        Some(c @ ('"' | '\\' | '$')) => v.push(c),
                        Some(c) => {
                            v.push('\\');
                            v.push(c);
                        }
                        None => v.push('\\'),
                    },
                    c => v.push(c),
                }
            }
            if !closed {
                return Err(fail(vcol, "unterminated double-quoted value".to_owned()));
            }
            v
        } else {
            let v = match value_raw.find(" #") {
                Some(i) => &value_raw[..i],
                None => value_raw,
            };
            v.trim_end().to_owned()
        };
        out.insert(key.to_owned(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let m = parse_dotenv(
            ".env",
            "# c\n\nA=1\nexport B = two words # note\nC='x # $y'\nD=\"l1\\nl2 \\\"q\\\"\"\nE=\n",
        )
        .unwrap();
        assert_eq!(m["A"], "1");
        assert_eq!(m["B"], "two words");
        assert_eq!(m["C"], "x # $y");
        assert_eq!(m["D"], "l1\nl2 \"q\"");
        assert_eq!(m["E"], "");
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(
            parse_dotenv(".env", "A=1\n  oops\n")
                .unwrap_err()
                .to_string(),
            ".env:2:3: expected KEY=VALUE, found \"oops\""
        );
        assert_eq!(
            parse_dotenv(".env", "1A=1\n").unwrap_err().to_string(),
            ".env:1:1: bad variable name \"1A\""
        );
        assert_eq!(
            parse_dotenv(".env", "A=\"open\n").unwrap_err().to_string(),
            ".env:1:3: unterminated double-quoted value"
        );
    }
}

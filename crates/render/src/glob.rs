//! Glob patterns as `github.com/gobwas/glob` compiles them with `/` as the separator,
//! which helm's `.Files.Glob` uses (pkg/engine/files.go).
//!
//! `*` matches within one path segment, `**` across segments, `?` one non-separator
//! character, `[abc]`/`[a-z]`/`[!abc]` one character from (or not from) a class,
//! `{a,b}` alternatives (nestable), and `\` escapes the next character.

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    /// `*`: any run of non-separator characters.
    Star,
    /// `**`: any run of characters.
    SuperStar,
    /// `?`: one non-separator character.
    Any,
    /// A character class: (negated, ranges).
    Class(bool, Vec<(char, char)>),
    /// Alternatives, each a token sequence.
    Alt(Vec<Vec<Token>>),
}

/// A compiled glob.
#[derive(Debug, Clone, PartialEq)]
pub struct Glob {
    tokens: Vec<Token>,
}

impl Glob {
    /// Compiles `pattern`, or returns `None` where gobwas/glob reports a syntax error
    /// (unclosed class or alternative, dangling escape).
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse_seq(&chars, &mut pos, false)?;
        if pos != chars.len() {
            return None;
        }
        Some(Glob { tokens })
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        match_seq(&self.tokens, &chars, &mut |rest| rest.is_empty())
    }
}

/// Parses tokens until the end, or (inside `{}`) until an unescaped `,` or `}`.
fn parse_seq(chars: &[char], pos: &mut usize, in_alt: bool) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            ',' | '}' if in_alt => return Some(out),
            '\\' => {
                let next = *chars.get(*pos + 1)?;
                out.push(Token::Literal(next));
                *pos += 2;
            }
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    out.push(Token::SuperStar);
                    *pos += 2;
                } else {
                    out.push(Token::Star);
                    *pos += 1;
                }
            }
            '?' => {
                out.push(Token::Any);
                *pos += 1;
            }
            '[' => {
                *pos += 1;
                out.push(parse_class(chars, pos)?);
            }
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse_seq(chars, pos, true)?);
                    match chars.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Token::Alt(alts));
            }
            _ => {
                out.push(Token::Literal(c));
                *pos += 1;
            }
        }
    }
    Some(out)
}

fn parse_class(chars: &[char], pos: &mut usize) -> Option<Token> {
    let negated = chars.get(*pos) == Some(&'!');
    if negated {
        *pos += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(*pos)?;
        if c == ']' {
            *pos += 1;
            return Some(Token::Class(negated, ranges));
        }
        if chars.get(*pos + 1) == Some(&'-') && chars.get(*pos + 2).is_some_and(|e| *e != ']') {
            let end = chars[*pos + 2];
            ranges.push((c, end));
            *pos += 3;
        } else {
            ranges.push((c, c));
            *pos += 1;
        }
    }
}

/// Matches `tokens` against a prefix of `s`, calling `k` with each possible rest.
fn match_seq(tokens: &[Token], s: &[char], k: &mut dyn FnMut(&[char]) -> bool) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return k(s);
    };
    match first {
        Token::Literal(c) => s.first() == Some(c) && match_seq(rest, &s[1..], k),
        Token::Any => s.first().is_some_and(|c| *c != '/') && match_seq(rest, &s[1..], k),
        Token::Class(neg, ranges) => {
            s.first()
                .is_some_and(|c| ranges.iter().any(|(a, b)| a <= c && c <= b) != *neg)
                && match_seq(rest, &s[1..], k)
        }
        Token::Star | Token::SuperStar => {
            let cross = matches!(first, Token::SuperStar);
            let mut i = 0;
            loop {
                if match_seq(rest, &s[i..], k) {
                    return true;
                }
                if i >= s.len() || (!cross && s[i] == '/') {
                    return false;
                }
                i += 1;
            }
        }
        Token::Alt(alts) => alts
            .iter()
            .any(|alt| match_seq(alt, s, &mut |after| match_seq(rest, after, k))),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, s: &str) -> bool {
        Glob::compile(p).unwrap().matches(s)
    }

    #[test]
    fn gobwas_semantics() {
        assert!(m("files/*", "files/a.txt"));
        assert!(!m("files/*", "files/sub/a.txt"));
        assert!(m("files/**", "files/sub/a.txt"));
        assert!(m("**.yaml", "a/b/c.yaml"));
        assert!(m("*.{yaml,json}", "x.json"));
        assert!(!m("*.{yaml,json}", "x.toml"));
        assert!(m("f?le", "file"));
        assert!(!m("a?b", "a/b"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[!a-c]x", "bx"));
        assert!(m("a\\*", "a*"));
        assert!(Glob::compile("a[b").is_none());
        assert!(Glob::compile("{a,b").is_none());
    }
}

//! Regular expressions of a values schema (`pattern`, `patternProperties`), compiled once
//! per validation.
//!
//! helm's validator (santhosh-tekuri/jsonschema) compiles them with Go's `regexp`, whose
//! lazy NFA makes compiling nearly free. The `regex` crate builds several engines up front
//! (a third of a millisecond for a pattern with a dozen groups, more than the rest of a
//! small chart's validation), so patterns go to `regex-lite` first: it compiles in a few
//! microseconds and, like Go, gives `\d`, `\w`, `\s` and `\b` their ASCII meaning. What it
//! cannot compile (Unicode classes such as `\pL`) goes to `regex`.

use std::collections::HashMap;

/// One compiled pattern.
enum Compiled {
    Lite(regex_lite::Regex),
    Full(regex::Regex),
}

impl Compiled {
    fn compile(pattern: &str) -> Option<Compiled> {
        match regex_lite::Regex::new(pattern) {
            Ok(re) => Some(Compiled::Lite(re)),
            Err(_) => regex::Regex::new(pattern).ok().map(Compiled::Full),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            Compiled::Lite(re) => re.is_match(text),
            Compiled::Full(re) => re.is_match(text),
        }
    }
}

/// The patterns seen so far in one validation, by source text.
#[derive(Default)]
pub(crate) struct Patterns {
    compiled: HashMap<String, Option<Compiled>>,
}

impl Patterns {
    /// Whether `text` matches `pattern`; `None` when the pattern does not compile (the
    /// validator then skips the keyword, as it always has).
    pub(crate) fn is_match(&mut self, pattern: &str, text: &str) -> Option<bool> {
        if !self.compiled.contains_key(pattern) {
            self.compiled
                .insert(pattern.to_owned(), Compiled::compile(pattern));
        }
        self.compiled
            .get(pattern)
            .and_then(Option::as_ref)
            .map(|re| re.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::Patterns;

    #[test]
    fn matches_like_go_regexp() {
        let mut p = Patterns::default();
        // prometheus-community's duration pattern (alertmanager's values.schema.json).
        let duration = r"^((([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?|0)$";
        assert_eq!(p.is_match(duration, "1h30m"), Some(true));
        assert_eq!(p.is_match(duration, "90 minutes"), Some(false));
        // Go's \d is ASCII: an Arabic-Indic digit is not one.
        assert_eq!(p.is_match(r"^\d+$", "\u{0663}"), Some(false));
        assert_eq!(p.is_match(r"^\d+$", "42"), Some(true));
        // Unicode classes still work (through the full engine).
        assert_eq!(p.is_match(r"^\pL+$", "héllo"), Some(true));
        // A pattern that compiles nowhere is skipped, every time.
        assert_eq!(p.is_match(r"(", "x"), None);
        assert_eq!(p.is_match(r"(", "x"), None);
    }
}

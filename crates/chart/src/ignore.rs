//! `.helmignore` rules as helm's `pkg/ignore` applies them when loading a
//! chart directory: one `filepath.Match` glob a line, `#` comments, `!`
//! negation, a trailing `/` for directories only, a leading `/` anchors at
//! the chart root, and a pattern without `/` tests the base name only.
//! Evaluation stops at the first rule that decides. `**` is refused.

use crate::error::{Error, Result};
use crate::gomatch::go_match;

/// How a rule compares a path.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// The pattern has a `/`: match the whole relative path.
    Path,
    /// No `/`: match the last path element only.
    Base,
}

#[derive(Debug, Clone)]
struct Rule {
    glob: String,
    scope: Scope,
    negate: bool,
    must_dir: bool,
}

impl Rule {
    fn matches(&self, path: &str) -> bool {
        let target = match self.scope {
            Scope::Path => path,
            Scope::Base => base_name(path),
        };
        // helm logs and treats a failing match as "no match"; the pattern was
        // already checked when parsed, so this only happens for odd names.
        go_match(&self.glob, target).unwrap_or(false)
    }
}

/// Go's `filepath.Base` for the slash-separated relative paths we pass.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// A parsed `.helmignore` plus helm's default rule.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    /// Parses the text of a `.helmignore` file (a leading UTF-8 BOM is dropped).
    ///
    /// # Errors
    /// [`Error::ParseHelmignore`] for a rule with `**` or a malformed glob.
    pub fn parse(text: &[u8]) -> Result<Rules> {
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        let mut rules = Rules::default();
        // bufio.Scanner splits on \n and drops one trailing \r per line.
        for line in text.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            rules.add(&String::from_utf8_lossy(line))?;
        }
        Ok(rules)
    }

    /// Adds helm's default rule, `templates/.?*` (dot files in templates/).
    pub fn add_defaults(&mut self) {
        // The default rule is a valid constant pattern.
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, raw: &str) -> Result<()> {
        let rule = raw.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(Error::ParseHelmignore {
                rule: rule.to_owned(),
                message: "double-star (**) syntax is not supported".to_owned(),
            });
        }
        if let Err(e) = go_match(rule, "abc") {
            return Err(Error::ParseHelmignore {
                rule: rule.to_owned(),
                message: e.to_string(),
            });
        }
        let mut glob = rule;
        let negate = glob.starts_with('!');
        if negate {
            glob = &glob[1..];
        }
        let must_dir = glob.ends_with('/');
        if must_dir {
            glob = &glob[..glob.len() - 1];
        }
        let (glob, scope) = if let Some(anchored) = glob.strip_prefix('/') {
            (anchored, Scope::Path)
        } else if glob.contains('/') {
            (glob, Scope::Path)
        } else {
            (glob, Scope::Base)
        };
        self.rules.push(Rule {
            glob: glob.to_owned(),
            scope,
            negate,
            must_dir,
        });
        Ok(())
    }

    /// `Rules.Ignore`: should the chart-relative `path` be skipped?
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for rule in &self.rules {
            if rule.negate {
                // helm: a negated directory rule ignores every non-directory,
                // and a negated rule ignores whatever it does not match.
                if rule.must_dir && !is_dir {
                    return true;
                }
                if !rule.matches(path) {
                    return true;
                }
                continue;
            }
            if rule.must_dir && !is_dir {
                continue;
            }
            if rule.matches(path) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Rules {
        let mut r = Rules::parse(text.as_bytes()).unwrap();
        r.add_defaults();
        r
    }

    #[test]
    fn helm_rules() {
        let r = rules("# c\n*.tgz\n/root.txt\ndocs/\nsecret/*.key\n");
        assert!(r.ignore("a.tgz", false));
        assert!(r.ignore("charts/x.tgz", false));
        assert!(r.ignore("root.txt", false));
        assert!(!r.ignore("sub/root.txt", false));
        assert!(r.ignore("docs", true));
        assert!(!r.ignore("docs", false));
        assert!(r.ignore("secret/a.key", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("templates/ok.yaml", false));
    }

    #[test]
    fn negation_ignores_non_matches() {
        let r = rules("!keep.txt\n");
        assert!(!r.ignore("keep.txt", false));
        assert!(r.ignore("other.txt", false));
    }

    #[test]
    fn errors() {
        assert_eq!(
            Rules::parse(b"a/**/b\n").unwrap_err().to_string(),
            "double-star (**) syntax is not supported"
        );
        assert_eq!(
            Rules::parse(b"[\n").unwrap_err().to_string(),
            "syntax error in pattern"
        );
    }
}

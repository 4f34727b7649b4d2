//! Semantic versions and ranges as Masterminds/semver v3 reads them
//! (`version.go`, `constraints.go`): helm validates `Chart.yaml` versions
//! with its loose `NewVersion` (so `1`, `1.2` and `v1.2.3` pass) and matches
//! dependency version ranges with `NewConstraint(..).Check(..)`.

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

mod order;

/// The loose version pattern `NewVersion` uses when coercing.
const LOOSE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

/// A version inside a constraint: `x`, `X` and `*` wildcards allowed.
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

#[allow(clippy::expect_used)] // the patterns are constants; a typo fails every test
fn compile(pattern: String) -> Regex {
    Regex::new(&pattern).expect("constant regex compiles")
}

static LOOSE_RE: LazyLock<Regex> = LazyLock::new(|| compile(format!("^{LOOSE}$")));
static CONSTRAINT_RE: LazyLock<Regex> =
    LazyLock::new(|| compile(format!(r"^\s*({OPS})\s*({CV})\s*$")));
static RANGE_RE: LazyLock<Regex> = LazyLock::new(|| compile(format!(r"\s*({CV})\s+-\s+({CV})\s*")));
static FIND_RE: LazyLock<Regex> = LazyLock::new(|| compile(format!(r"({OPS})\s*({CV})")));
static VALID_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$"
    ))
});

const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

/// A parsed semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
}

fn only(s: &str, set: &str) -> bool {
    s.chars().all(|c| set.contains(c))
}

fn valid_prerelease(p: &str) -> bool {
    p.split('.').all(|part| {
        if part.is_empty() {
            false
        } else if only(part, "0123456789") {
            !(part.len() > 1 && part.starts_with('0'))
        } else {
            only(part, ALLOWED)
        }
    })
}

fn valid_metadata(m: &str) -> bool {
    m.split('.')
        .all(|part| !part.is_empty() && only(part, ALLOWED))
}

impl Version {
    /// `semver.NewVersion` in its default coercing mode. `None` when helm
    /// would call the version invalid.
    pub fn parse(v: &str) -> Option<Version> {
        let caps = LOOSE_RE.captures(v)?;
        let seg = |i: usize| -> Option<u64> {
            match caps.get(i) {
                Some(m) => m.as_str().trim_start_matches('.').parse().ok(),
                None => Some(0),
            }
        };
        let version = Version {
            major: seg(1)?,
            minor: seg(2)?,
            patch: seg(3)?,
            pre: caps.get(5).map_or("", |m| m.as_str()).to_owned(),
            metadata: caps.get(8).map_or("", |m| m.as_str()).to_owned(),
        };
        if !version.pre.is_empty() && !valid_prerelease(&version.pre) {
            return None;
        }
        if !version.metadata.is_empty() && !valid_metadata(&version.metadata) {
            return None;
        }
        Some(version)
    }

    fn compare(&self, o: &Version) -> Ordering {
        let base = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if base != Ordering::Equal {
            return base;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }
}

fn compare_prerelease(v: &str, o: &str) -> Ordering {
    let a: Vec<&str> = v.split('.').collect();
    let b: Vec<&str> = o.split('.').collect();
    for i in 0..a.len().max(b.len()) {
        let s = a.get(i).copied().unwrap_or("");
        let t = b.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, t);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A version range (`^1.2`, `>= 1.0, < 2 || 3.x`), as `semver.NewConstraint` parses it.
#[derive(Debug, Clone)]
pub struct Constraints {
    ors: Vec<(Vec<Constraint>, bool)>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_op(s: &str) -> Op {
    match s {
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => Op::TildeOrEqual,
    }
}

fn parse_constraint(c: &str) -> Option<Constraint> {
    if c.is_empty() {
        return Some(Constraint {
            op: Op::TildeOrEqual,
            con: Version::parse("0.0.0")?,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let m = CONSTRAINT_RE.captures(c)?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let (m3, m4, m5, m6) = (g(3), g(4), g(5), g(6));
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(m3) || m3.is_empty() {
        dirty = true;
        format!("0.0.0{m6}")
    } else if is_x(m4.trim_start_matches('.')) || m4.is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{m3}.0.0{m6}")
    } else if is_x(m5.trim_start_matches('.')) || m5.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{m3}{m4}.0{m6}")
    } else {
        g(2).to_owned()
    };
    Some(Constraint {
        op: parse_op(g(1)),
        con: Version::parse(&ver)?,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

fn rewrite_range(input: &str) -> String {
    let mut out = input.to_owned();
    for caps in RANGE_RE.captures_iter(input) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let lo = caps.get(1).map_or("", |m| m.as_str());
        let hi = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {lo}, <= {hi} "), 1);
    }
    out
}

impl Constraints {
    /// `semver.NewConstraint`; `None` when helm would get an error.
    pub fn parse(c: &str) -> Option<Constraints> {
        let c = rewrite_range(c);
        let mut ors = Vec::new();
        for part in c.split("||") {
            if !VALID_RE.is_match(part) {
                return None;
            }
            let mut found: Vec<&str> = FIND_RE.find_iter(part).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(part);
            }
            let mut list = Vec::new();
            let mut has_pre = false;
            for s in found {
                let pc = parse_constraint(s)?;
                has_pre |= !pc.con.pre.is_empty();
                list.push(pc);
            }
            ors.push((list, has_pre));
        }
        Some(Constraints { ors })
    }

    /// `Constraints.Check`: does any `||` branch accept `v`?
    pub fn check(&self, v: &Version) -> bool {
        self.ors
            .iter()
            .any(|(list, pre)| list.iter().all(|c| check_one(c, v, *pre)))
    }
}

fn tilde(v: &Version, c: &Constraint) -> bool {
    if v.compare(&c.con) == Ordering::Less {
        return false;
    }
    if c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minor_dirty && !c.patch_dirty
    {
        return true;
    }
    if v.major != c.con.major {
        return false;
    }
    v.minor == c.con.minor || c.minor_dirty
}

fn check_one(c: &Constraint, v: &Version, include_pre: bool) -> bool {
    if !v.pre.is_empty() && !include_pre {
        return false;
    }
    let cmp = v.compare(&c.con);
    match c.op {
        Op::TildeOrEqual => {
            if c.dirty {
                tilde(v, c)
            } else {
                cmp == Ordering::Equal
            }
        }
        Op::Tilde => tilde(v, c),
        Op::NotEqual => {
            if c.dirty {
                if c.con.major != v.major {
                    return true;
                }
                if c.con.minor != v.minor && !c.minor_dirty {
                    return true;
                } else if c.minor_dirty {
                    return false;
                } else if c.con.patch != v.patch && !c.patch_dirty {
                    return true;
                } else if c.patch_dirty {
                    if !v.pre.is_empty() || !c.con.pre.is_empty() {
                        return compare_prerelease(&v.pre, &c.con.pre) != Ordering::Equal;
                    }
                    return false;
                }
            }
            cmp != Ordering::Equal
        }
        Op::Greater => {
            if !c.dirty {
                return cmp == Ordering::Greater;
            }
            if v.major > c.con.major {
                true
            } else if v.major < c.con.major || c.minor_dirty {
                false
            } else if c.patch_dirty {
                v.minor > c.con.minor
            } else {
                cmp == Ordering::Greater
            }
        }
        Op::Less => cmp == Ordering::Less,
        Op::GreaterEqual => cmp != Ordering::Less,
        Op::LessEqual => {
            if !c.dirty {
                return cmp != Ordering::Greater;
            }
            !(v.major > c.con.major
                || (v.major == c.con.major && v.minor > c.con.minor && !c.minor_dirty))
        }
        Op::Caret => {
            if cmp == Ordering::Less {
                return false;
            }
            if c.con.major > 0 || c.minor_dirty {
                return v.major == c.con.major;
            }
            if v.major > 0 {
                return false;
            }
            if c.con.minor > 0 || c.patch_dirty {
                return v.minor == c.con.minor;
            }
            if v.minor > 0 {
                return false;
            }
            c.con.patch == v.patch
        }
    }
}

/// helm's `IsCompatibleRange`: `ver` parses and satisfies `constraint`.
pub fn is_compatible_range(constraint: &str, ver: &str) -> bool {
    match (Version::parse(ver), Constraints::parse(constraint)) {
        (Some(v), Some(c)) => c.check(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_versions() {
        for ok in ["1", "1.2", "v1.2.3", "1.2.3-rc.1+b.5", "01.2.3"] {
            assert!(Version::parse(ok).is_some(), "{ok}");
        }
        for bad in ["", "1.x", "1.2.3-", "1.2.3-01", "a", "1.2.3.4", "1.2.3+"] {
            assert!(Version::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert!(is_compatible_range("^1.2.0", "1.9.9"));
        assert!(!is_compatible_range("^1.2.0", "2.0.0"));
        assert!(is_compatible_range("~1.2", "1.2.7"));
        assert!(!is_compatible_range("~1.2", "1.3.0"));
        assert!(is_compatible_range(">=1.0.0, <2.0.0", "1.5.0"));
        assert!(is_compatible_range("1.x || 3.x", "3.1.0"));
        assert!(is_compatible_range("1.0.0 - 2.0.0", "1.5.0"));
        assert!(is_compatible_range("*", "4.5.6"));
        assert!(!is_compatible_range("*", "4.5.6-rc1"));
        assert!(is_compatible_range(">=1.0.0-0", "1.5.0-rc1"));
        assert!(!is_compatible_range("", "1.0.0"));
        assert!(is_compatible_range("1.2.3", "1.2.3"));
        assert!(!is_compatible_range("1.2.3", "1.2.4"));
    }
}

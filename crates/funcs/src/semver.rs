//! Sprig's `semver` and `semverCompare` (sprig v3.3.0 semver.go) on
//! github.com/Masterminds/semver/v3 as helm v4.3.1 links it (v3.5.0: `NewVersion`
//! coerces loose versions such as `v1.2` or `01.2.3`).
//!
//! Masterminds' rules differ from the `semver` crate's (partial versions, `x`
//! wildcards, hyphen ranges, `||`, and a constraint only admits prereleases when one of
//! its own comparisons names a prerelease), so they are written here after
//! version.go and constraints.go. The regular expressions are Masterminds' own, with
//! Go's ASCII meaning of `\s` spelled out.

use std::cmp::Ordering;
use std::sync::{Arc, LazyLock};

use charthouse_gotmpl::{Context, Func, FuncError, GoType, Object, Signature, UintType, Value};
use regex::Regex;

/// The Go type name `typeOf` prints for a parsed version.
const TYPE_PTR: &str = "*semver.Version";
/// The Go type of the values `IncPatch` and friends return.
const TYPE_VALUE: &str = "semver.Version";

/// Masterminds' errors, with their exact texts.
const ERR_INVALID: &str = "invalid semantic version";
const ERR_PRERELEASE: &str = "invalid prerelease string";
const ERR_METADATA: &str = "invalid metadata string";
const ERR_ZERO: &str = "version segment starts with 0";

/// `looseSemVerRegex`, anchored: what `NewVersion` accepts when coercing.
static LOOSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
    )
    .ok()
});

/// Masterminds' `cvRegex`: a version in a constraint (wildcards allowed; note the
/// literal `|` its character classes admit, kept for fidelity).
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
/// The operators, in Masterminds' order (an empty operator is the second choice).
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
/// Go's `\s`.
const WS: &str = r"[\t\n\f\r ]";

struct ConstraintRegexes {
    one: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

static CONSTRAINT_RE: LazyLock<Option<ConstraintRegexes>> = LazyLock::new(|| {
    Some(ConstraintRegexes {
        one: Regex::new(&format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$")).ok()?,
        range: Regex::new(&format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")).ok()?,
        find: Regex::new(&format!(r"({OPS}){WS}*({CV})")).ok()?,
        valid: Regex::new(&format!(
            r"^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$"
        ))
        .ok()?,
    })
});

/// A parsed version (Masterminds' `Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
    /// Whether this is the `*semver.Version` `semver` returns (else a `semver.Version`
    /// value, as `IncPatch` returns).
    pointer: bool,
}

fn digits_only(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn allowed_ident(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(ERR_PRERELEASE.into());
        } else if digits_only(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(ERR_ZERO.into());
            }
        } else if !allowed_ident(part) {
            return Err(ERR_PRERELEASE.into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    if m.split('.').any(|p| p.is_empty() || !allowed_ident(p)) {
        return Err(ERR_METADATA.into());
    }
    Ok(())
}

/// Go's `strconv.ParseUint(s, 10, 64)` on a string of ASCII digits, with Masterminds'
/// wrapping of its range error.
fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            quote(s)
        )
    })
}

fn quote(s: &str) -> String {
    charthouse_gotmpl::gofmt::quote(s)
}

impl Version {
    /// Masterminds' `NewVersion` with coercion (`v1`, `1.2`, `01.02.03` are versions).
    ///
    /// # Errors
    ///
    /// Masterminds' error texts: `invalid semantic version`, `invalid prerelease
    /// string`, `version segment starts with 0`, `invalid metadata string`,
    /// `error parsing version segment: ...`.
    pub fn parse(v: &str) -> Result<Version, String> {
        let re = LOOSE.as_ref().ok_or_else(|| ERR_INVALID.to_string())?;
        let m = re.captures(v).ok_or_else(|| ERR_INVALID.to_string())?;
        let get = |i: usize| m.get(i).map(|g| g.as_str()).unwrap_or_default();
        let major = parse_segment(get(1))?;
        let minor = if get(2).is_empty() {
            0
        } else {
            parse_segment(&get(2)[1..])?
        };
        let patch = if get(3).is_empty() {
            0
        } else {
            parse_segment(&get(3)[1..])?
        };
        let (pre, metadata) = (get(5).to_string(), get(8).to_string());
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
            pointer: true,
        })
    }

    /// `major.minor.patch[-pre][+metadata]`.
    pub fn render(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    /// Masterminds' `Compare`: precedence by segments, then prerelease (metadata
    /// ignored).
    pub fn compare(&self, o: &Version) -> Ordering {
        let segs = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if segs != Ordering::Equal {
            return segs;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    /// `IncPatch`, `IncMinor`, `IncMajor`: a `semver.Version` value. Go panics on
    /// overflow.
    fn increment(&self, which: &str) -> Result<Version, String> {
        let mut n = self.clone();
        n.pointer = false;
        n.metadata.clear();
        let overflow = |seg: &str| format!("{seg} version increment would overflow uint64");
        match which {
            "IncPatch" => {
                if self.pre.is_empty() {
                    n.patch = self.patch.checked_add(1).ok_or_else(|| overflow("patch"))?;
                }
                n.pre.clear();
            }
            "IncMinor" => {
                n.pre.clear();
                n.patch = 0;
                n.minor = self.minor.checked_add(1).ok_or_else(|| overflow("minor"))?;
            }
            _ => {
                n.pre.clear();
                n.patch = 0;
                n.minor = 0;
                n.major = self.major.checked_add(1).ok_or_else(|| overflow("major"))?;
            }
        }
        n.original = format!("{}{}", self.v_prefix(), n.render());
        Ok(n)
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (ap, bp): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..ap.len().max(bp.len()) {
        let d = compare_pre_part(
            ap.get(i).copied().unwrap_or(""),
            bp.get(i).copied().unwrap_or(""),
        );
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

/// Masterminds' `comparePrePart`: a missing part sorts first, numbers before words,
/// numbers numerically, words byte-wise.
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
    match (
        s.parse::<u64>().ok().filter(|_| digits_only(s)),
        o.parse::<u64>().ok().filter(|_| digits_only(o)),
    ) {
        (None, None) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(si), Some(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

/// One comparison of a constraint.
#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraint {
    fn parse(c: &str, re: &ConstraintRegexes) -> Result<Constraint, String> {
        if c.is_empty() {
            let con = Version::parse("0.0.0")?;
            return Ok(Constraint {
                con,
                op: String::new(),
                minor_dirty: false,
                patch_dirty: false,
                dirty: true,
            });
        }
        let m = re
            .one
            .captures(c)
            .ok_or_else(|| format!("improper constraint: {}", quote(c)))?;
        let get = |i: usize| m.get(i).map(|g| g.as_str()).unwrap_or_default();
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        let ver = if is_x(get(3)) || get(3).is_empty() {
            dirty = true;
            format!("0.0.0{}", get(6))
        } else if is_x(get(4).trim_start_matches('.')) || get(4).is_empty() {
            minor_dirty = true;
            dirty = true;
            format!("{}.0.0{}", get(3), get(6))
        } else if is_x(get(5).trim_start_matches('.')) || get(5).is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{}{}.0{}", get(3), get(4), get(6))
        } else {
            get(2).to_string()
        };
        let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
        Ok(Constraint {
            con,
            op: get(1).to_string(),
            minor_dirty,
            patch_dirty,
            dirty,
        })
    }

    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => self.not_equal(v),
            ">" => {
                if !self.dirty || (v.major == c.major && !self.minor_dirty && !self.patch_dirty) {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                // Same major: `>1.x` admits nothing more; `>1.2.x` needs a higher minor.
                !self.minor_dirty && v.minor > c.minor
            }
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            "~" | "~>" => self.tilde(v),
            _ => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                }
                return false;
            }
        }
        v.compare(c) != Ordering::Equal
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

/// A parsed constraint: OR groups of AND-ed comparisons (Masterminds' `Constraints`).
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<(Vec<Constraint>, bool)>,
}

impl Constraints {
    /// Masterminds' `NewConstraint`.
    ///
    /// # Errors
    ///
    /// `improper constraint: "..."` or `constraint parser error`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let re = CONSTRAINT_RE
            .as_ref()
            .ok_or_else(|| "constraint parser error".to_string())?;
        let c = rewrite_range(c, re);
        let mut groups = Vec::new();
        for part in c.split("||") {
            if !re.valid.is_match(part) {
                return Err(format!("improper constraint: {}", quote(part)));
            }
            let mut found: Vec<&str> = re.find.find_iter(part).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(part);
            }
            let mut cs = Vec::with_capacity(found.len());
            let mut has_pre = false;
            for s in found {
                let pc = Constraint::parse(s, re)?;
                has_pre |= !pc.con.pre.is_empty();
                cs.push(pc);
            }
            groups.push((cs, has_pre));
        }
        Ok(Constraints { groups })
    }

    /// Masterminds' `Check`: some OR group whose comparisons all hold.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(cs, pre)| cs.iter().all(|c| c.check(v, *pre)))
    }
}

/// Masterminds' `rewriteRange`: `A - B` becomes `>= A, <= B `.
fn rewrite_range(input: &str, re: &ConstraintRegexes) -> String {
    let mut out = input.to_string();
    for m in re.range.captures_iter(input) {
        let whole = m.get(0).map(|g| g.as_str()).unwrap_or_default();
        let a = m.get(1).map(|g| g.as_str()).unwrap_or_default();
        let b = m.get(11).map(|g| g.as_str()).unwrap_or_default();
        out = out.replacen(whole, &format!(">= {a}, <= {b} "), 1);
    }
    out
}

impl Object for Version {
    fn type_name(&self) -> &str {
        if self.pointer { TYPE_PTR } else { TYPE_VALUE }
    }

    fn kind(&self) -> &str {
        if self.pointer { "ptr" } else { "struct" }
    }

    fn method(&self, name: &str) -> Option<Signature> {
        let other = || GoType::Named(Arc::from(TYPE_PTR));
        let value = || GoType::Named(Arc::from(TYPE_VALUE));
        // Go's method set of a `semver.Version` value lacks the pointer-receiver methods.
        let pointer_only = matches!(
            name,
            "Original"
                | "Compare"
                | "LessThan"
                | "LessThanEqual"
                | "GreaterThan"
                | "GreaterThanEqual"
                | "Equal"
        );
        if pointer_only && !self.pointer {
            return None;
        }
        Some(match name {
            "Major" | "Minor" | "Patch" => Signature::new(vec![], GoType::Uint(UintType::Uint64)),
            "Prerelease" | "Metadata" | "Original" | "String" => {
                Signature::new(vec![], GoType::String)
            }
            "Compare" => {
                Signature::new(vec![other()], GoType::Int(charthouse_gotmpl::IntType::Int))
            }
            "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal" => {
                Signature::new(vec![other()], GoType::Bool)
            }
            "IncPatch" | "IncMinor" | "IncMajor" => Signature::new(vec![], value()),
            "SetPrerelease" | "SetMetadata" => Signature::new(vec![GoType::String], value()),
            _ => return None,
        })
    }

    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        let other = || args.first().and_then(|v| v.downcast_object::<Version>());
        let cmp = || other().map(|o| self.compare(o));
        Ok(match name {
            "Major" => Value::uint64(self.major),
            "Minor" => Value::uint64(self.minor),
            "Patch" => Value::uint64(self.patch),
            "Prerelease" => Value::from(self.pre.as_str()),
            "Metadata" => Value::from(self.metadata.as_str()),
            "Original" => Value::from(self.original.as_str()),
            "String" => Value::from(self.render()),
            "Compare" => Value::int(cmp().map(|o| o as i64).unwrap_or(0)),
            "LessThan" => Value::Bool(cmp() == Some(Ordering::Less)),
            "LessThanEqual" => Value::Bool(matches!(cmp(), Some(Ordering::Less | Ordering::Equal))),
            "GreaterThan" => Value::Bool(cmp() == Some(Ordering::Greater)),
            "GreaterThanEqual" => {
                Value::Bool(matches!(cmp(), Some(Ordering::Greater | Ordering::Equal)))
            }
            "Equal" => Value::Bool(cmp() == Some(Ordering::Equal)),
            "IncPatch" | "IncMinor" | "IncMajor" => {
                Value::Object(Arc::new(self.increment(name).map_err(FuncError::new)?))
            }
            "SetPrerelease" | "SetMetadata" => {
                let s = args.first().and_then(Value::as_str).unwrap_or_default();
                let mut n = self.clone();
                n.pointer = false;
                if !s.is_empty() {
                    if name == "SetPrerelease" {
                        validate_prerelease(s).map_err(FuncError::new)?;
                    } else {
                        validate_metadata(s).map_err(FuncError::new)?;
                    }
                }
                if name == "SetPrerelease" {
                    n.pre = s.to_string();
                } else {
                    n.metadata = s.to_string();
                }
                n.original = format!("{}{}", self.v_prefix(), n.render());
                Value::Object(Arc::new(n))
            }
            _ => {
                return Err(FuncError::new(format!(
                    "can't call method {name} on type {}",
                    self.type_name()
                )));
            }
        })
    }

    /// Go prints a version through its `String` method.
    fn fmt_value(&self, out: &mut String) {
        out.push_str(&self.render());
    }
}

/// `encoding/json`'s view of a version (`MarshalJSON` writes `String()`).
pub(crate) fn json_of(v: &Value) -> Option<charthouse_goyaml::Value> {
    v.downcast_object::<Version>()
        .map(|x| charthouse_goyaml::Value::String(x.render()))
}

pub(crate) fn register(out: &mut Vec<Func>) {
    out.push(Func::new(
        "semver",
        Signature::new(vec![GoType::String], GoType::Named(Arc::from(TYPE_PTR))),
        |_, a| {
            let s = a.first().and_then(Value::as_str).unwrap_or_default();
            Version::parse(s)
                .map(|v| Value::Object(Arc::new(v)))
                .map_err(FuncError::new)
        },
    ));
    out.push(Func::new(
        "semverCompare",
        Signature::new(vec![GoType::String, GoType::String], GoType::Bool),
        |_, a| {
            let c = a.first().and_then(Value::as_str).unwrap_or_default();
            let v = a.get(1).and_then(Value::as_str).unwrap_or_default();
            let cs = Constraints::parse(c).map_err(FuncError::new)?;
            let ver = Version::parse(v).map_err(FuncError::new)?;
            Ok(Value::Bool(cs.check(&ver)))
        },
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        match (Constraints::parse(c), Version::parse(v)) {
            (Ok(c), Ok(v)) => c.check(&v),
            (a, b) => panic!("{c} {v}: {:?} {:?}", a.err(), b.err()),
        }
    }

    #[test]
    fn coerced_parsing_and_errors() {
        let v = Version::parse("v1.2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (v.render().as_str(), v.original.as_str()),
            ("1.2.0", "v1.2")
        );
        assert_eq!(
            Version::parse("01.02.03").map(|v| v.render()),
            Ok("1.2.3".to_string())
        );
        assert_eq!(Version::parse("1.2.3-01").err().as_deref(), Some(ERR_ZERO));
        assert_eq!(
            Version::parse("1.2.3.4").err().as_deref(),
            Some(ERR_INVALID)
        );
        assert_eq!(Version::parse("").err().as_deref(), Some(ERR_INVALID));
        assert_eq!(
            Version::parse("99999999999999999999").err().as_deref(),
            Some(
                "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
            )
        );
    }

    #[test]
    fn precedence() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for w in order.windows(2) {
            let (a, b) = (Version::parse(w[0]), Version::parse(w[1]));
            assert_eq!(
                a.and_then(|a| b.map(|b| a.compare(&b))),
                Ok(Ordering::Less),
                "{w:?}"
            );
        }
    }

    #[test]
    fn constraint_operators() {
        let cases = [
            ("^1.2.3", "1.9.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1", "1.9.9", true),
            (">=1.2, <2", "1.5.0", true),
            (">=1.2 <2", "2.0.0", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("1.x", "1.8.0", true),
            ("1.2.x", "1.3.0", false),
            ("*", "4.5.6", true),
            ("<1 || >=3", "2.0.0", false),
            ("<1 || >=3", "3.1.0", true),
            ("!=1.2.3", "1.2.3", false),
            (">1.2", "1.2.5", false),
            (">1.2", "1.3.0", true),
            (">1.x", "1.9.0", false),
            (">1.x", "2.0.0", true),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            (">=1.0.0", "1.1.0-beta", false),
            (">=1.0.0-0", "1.1.0-beta", true),
            (">=1.23.0-0", "v1.28.3-gke.100", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(check(c, v), want, "{c} {v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(c in "[-0-9xX*^~<>=!|,. a-z+]{0,20}", v in "[-0-9v.+a-z]{0,16}") {
            if let (Ok(c), Ok(v)) = (Constraints::parse(&c), Version::parse(&v)) {
                let _ = c.check(&v);
            }
        }
    }

    #[test]
    fn constraint_errors() {
        assert_eq!(
            Constraints::parse("~~1").err().as_deref(),
            Some("improper constraint: \"~~1\"")
        );
        assert_eq!(
            Constraints::parse("").err().as_deref(),
            Some("improper constraint: \"\"")
        );
        assert_eq!(
            Constraints::parse(">1 || x y").err().as_deref(),
            Some("improper constraint: \" x y\"")
        );
    }
}

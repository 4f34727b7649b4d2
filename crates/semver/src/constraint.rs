//! Masterminds' `Constraints` (constraints.go): `NewConstraint` and `Check`.

use std::cmp::Ordering;

use crate::error::Error;
use crate::scan;
use crate::version::{Version, compare_prerelease};

/// A comparison operator (`constraintOps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `` or `=`: equal, or a tilde range when the version has wildcards.
    TildeOrEqual,
    /// `!=`.
    NotEqual,
    /// `>`.
    Greater,
    /// `<`.
    Less,
    /// `>=` or `=>`.
    GreaterEqual,
    /// `<=` or `=<`.
    LessEqual,
    /// `~` or `~>`.
    Tilde,
    /// `^`.
    Caret,
}

impl Op {
    fn from_text(s: &str) -> Op {
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
}

/// One comparison: an operator and a version whose wildcards (`x`, `X`, `*` or missing
/// parts) are recorded as "dirty" flags.
#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraint {
    /// `parseConstraint`.
    fn parse(c: &str) -> Result<Constraint, Error> {
        if c.is_empty() {
            return Ok(Constraint {
                op: Op::TildeOrEqual,
                con: Version::parse("0.0.0")?,
                minor_dirty: false,
                patch_dirty: false,
                dirty: true,
            });
        }
        let (op, m) = scan::one_constraint(c).ok_or_else(|| Error::ImproperConstraint {
            constraint: c.to_owned(),
        })?;
        let text = |r: std::ops::Range<usize>| c.get(r).unwrap_or_default();
        let (major, minor, patch, pre) = (text(m.major), text(m.minor), text(m.patch), text(m.pre));
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        let ver = if is_x(major) || major.is_empty() {
            dirty = true;
            format!("0.0.0{pre}")
        } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
            minor_dirty = true;
            dirty = true;
            format!("{major}.0.0{pre}")
        } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{major}{minor}.0{pre}")
        } else {
            text(m.whole).to_owned()
        };
        let con = Version::parse(&ver).map_err(|_| Error::ConstraintVersion {
            constraint: c.to_owned(),
        })?;
        Ok(Constraint {
            op: Op::from_text(op),
            con,
            minor_dirty,
            patch_dirty,
            dirty,
        })
    }

    /// `constraint.check`: whether `v` satisfies this comparison.
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if v.is_prerelease() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v.compare(c) == Ordering::Less,
            Op::GreaterEqual => v.compare(c) != Ordering::Less,
            Op::LessEqual => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major() > c.major()
                    || (v.major() == c.major() && v.minor() > c.minor() && !self.minor_dirty))
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    /// `constraintGreaterThan`.
    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) == Ordering::Greater;
        }
        if v.major() != c.major() {
            return v.major() > c.major();
        }
        if self.minor_dirty {
            // `>11` is not satisfied by 11.1.0: that needs 12 or higher.
            return false;
        }
        if self.patch_dirty {
            return v.minor() > c.minor();
        }
        v.compare(c) == Ordering::Greater
    }

    /// `constraintNotEqual`.
    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major() != v.major() {
                return true;
            }
            if c.minor() != v.minor() && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch() != v.patch() && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if v.is_prerelease() || c.is_prerelease() {
                    return compare_prerelease(v.prerelease(), c.prerelease()) != Ordering::Equal;
                }
                return false;
            }
        }
        v.compare(c) != Ordering::Equal
    }

    /// `constraintTilde`.
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major() == 0
            && c.minor() == 0
            && c.patch() == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return true;
        }
        if v.major() != c.major() {
            return false;
        }
        v.minor() == c.minor() || self.minor_dirty
    }

    /// `constraintCaret`.
    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major() > 0 || self.minor_dirty {
            return v.major() == c.major();
        }
        if v.major() > 0 {
            return false;
        }
        if c.minor() > 0 || self.patch_dirty {
            return v.minor() == c.minor();
        }
        if v.minor() > 0 {
            return false;
        }
        c.patch() == v.patch()
    }
}

/// A version range (`^1.2`, `>= 1.0, < 2 || 3.x`, `1.0 - 2.0`): OR groups of AND-ed
/// comparisons, as `semver.NewConstraint` parses it.
#[derive(Debug, Clone)]
pub struct Constraints {
    /// Each `||` branch, with whether one of its comparisons names a pre-release (only
    /// then does the branch admit pre-release versions).
    groups: Vec<(Vec<Constraint>, bool)>,
}

impl Constraints {
    /// `semver.NewConstraint`.
    ///
    /// # Errors
    ///
    /// [`Error::ImproperConstraint`] (`improper constraint: "…"`) or
    /// [`Error::ConstraintVersion`] (`constraint parser error`).
    pub fn parse(c: &str) -> Result<Constraints, Error> {
        let c = scan::rewrite_ranges(c);
        let mut groups = Vec::new();
        for part in c.split("||") {
            if !scan::valid_constraint(part) {
                return Err(Error::ImproperConstraint {
                    constraint: part.to_owned(),
                });
            }
            let mut found = scan::find_constraints(part);
            if found.is_empty() {
                found.push(part);
            }
            let mut list = Vec::with_capacity(found.len());
            let mut has_pre = false;
            for s in found {
                let parsed = Constraint::parse(s)?;
                has_pre |= parsed.con.is_prerelease();
                list.push(parsed);
            }
            groups.push((list, has_pre));
        }
        Ok(Constraints { groups })
    }

    /// `Constraints.Check`: whether some `||` branch accepts `v` in all its comparisons.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(list, pre)| list.iter().all(|c| c.check(v, *pre)))
    }
}

/// helm's `IsCompatibleRange`: `version` parses and satisfies `constraint`.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Constraints::parse(constraint), Version::parse(version)) {
        (Ok(c), Ok(v)) => c.check(&v),
        _ => false,
    }
}

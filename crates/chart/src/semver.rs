//! Semantic versions and ranges as helm reads them: Masterminds/semver v3's coercing
//! `NewVersion` for `Chart.yaml` versions (so `1`, `1.2` and `v1.2.3` pass) and
//! `NewConstraint(..).Check(..)` for dependency ranges.
//!
//! The rules live in [`charthouse_semver`], which the template functions share; this
//! module keeps the chart crate's answer-only API (`None` where helm reports an error).

use std::cmp::Ordering;

/// A parsed semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(charthouse_semver::Version);

impl Version {
    /// `semver.NewVersion` in its default coercing mode. `None` when helm would call the
    /// version invalid.
    pub fn parse(v: &str) -> Option<Version> {
        charthouse_semver::Version::parse(v).ok().map(Version)
    }

    /// Masterminds' `Compare`: precedence by major, minor, patch, then pre-release (a
    /// release sorts above its pre-releases); build metadata is ignored.
    pub fn cmp_precedence(&self, other: &Version) -> Ordering {
        self.0.compare(&other.0)
    }

    /// Whether the version has a pre-release part (`1.0.0-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        self.0.is_prerelease()
    }

    /// The full version, with Masterminds' error texts and edits.
    pub fn as_semver(&self) -> &charthouse_semver::Version {
        &self.0
    }
}

/// A version range (`^1.2`, `>= 1.0, < 2 || 3.x`), as `semver.NewConstraint` parses it.
#[derive(Debug, Clone)]
pub struct Constraints(charthouse_semver::Constraints);

impl Constraints {
    /// `semver.NewConstraint`; `None` when helm would get an error.
    pub fn parse(c: &str) -> Option<Constraints> {
        charthouse_semver::Constraints::parse(c)
            .ok()
            .map(Constraints)
    }

    /// `Constraints.Check`: does any `||` branch accept `v`?
    pub fn check(&self, v: &Version) -> bool {
        self.0.check(&v.0)
    }
}

/// helm's `IsCompatibleRange`: `ver` parses and satisfies `constraint`.
pub fn is_compatible_range(constraint: &str, ver: &str) -> bool {
    charthouse_semver::is_compatible_range(constraint, ver)
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
        assert!(is_compatible_range("1.0.0 - 2.0.0", "1.5.0"));
        assert!(!is_compatible_range("*", "4.5.6-rc1"));
        assert!(!is_compatible_range("", "1.0.0"));
        let c = Constraints::parse(">=1.0.0-0").unwrap();
        let v = Version::parse("1.5.0-rc1").unwrap();
        assert!(c.check(&v) && v.is_prerelease());
        assert_eq!(
            v.cmp_precedence(&Version::parse("1.5.0").unwrap()),
            Ordering::Less
        );
    }
}

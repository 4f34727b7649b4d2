//! Masterminds' `Version`: coerced parsing (`NewVersion` with `CoerceNewVersion`, the
//! default), precedence (`Compare`) and the value-returning edits (`IncPatch`, …).

use std::cmp::Ordering;
use std::fmt;

use crate::error::Error;
use crate::scan;

/// A parsed semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

/// Whether `s` is all ASCII digits (Masterminds' `containsOnly(s, num)`).
fn digits_only(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` is all `[0-9A-Za-z-]` (Masterminds' `containsOnly(s, allowed)`).
fn allowed_only(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Masterminds' `validatePrerelease`.
fn validate_prerelease(p: &str) -> Result<(), Error> {
    for part in p.split('.') {
        let bad = if part.is_empty() {
            true
        } else if digits_only(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(Error::SegmentStartsWithZero {
                    prerelease: p.to_owned(),
                });
            }
            false
        } else {
            !allowed_only(part)
        };
        if bad {
            return Err(Error::InvalidPrerelease {
                prerelease: p.to_owned(),
            });
        }
    }
    Ok(())
}

/// Masterminds' `validateMetadata`.
fn validate_metadata(m: &str) -> Result<(), Error> {
    if m.split('.').any(|p| p.is_empty() || !allowed_only(p)) {
        return Err(Error::InvalidMetadata {
            metadata: m.to_owned(),
        });
    }
    Ok(())
}

/// `strconv.ParseUint(s, 10, 64)` on ASCII digits: only the range can fail.
fn parse_segment(s: &str) -> Result<u64, Error> {
    s.parse::<u64>().map_err(|_| Error::SegmentOutOfRange {
        segment: s.to_owned(),
    })
}

impl Version {
    /// Masterminds' `NewVersion` in its default coercing mode: `v1`, `1.2`, `01.02.03`
    /// and `1.2.3-rc.1+build.5` are versions; `1.2.3.4`, `1.x` and `` are not.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidVersion`], [`Error::SegmentOutOfRange`],
    /// [`Error::SegmentStartsWithZero`] (a numeric pre-release part like `01`).
    pub fn parse(v: &str) -> Result<Version, Error> {
        let m = scan::loose_version(v).ok_or_else(|| Error::InvalidVersion {
            input: v.to_owned(),
        })?;
        let segment = |r: std::ops::Range<usize>| -> Result<u64, Error> {
            match v.get(r) {
                Some(s) if !s.is_empty() => parse_segment(s.trim_start_matches('.')),
                _ => Ok(0),
            }
        };
        let pre = v.get(m.pre.clone()).unwrap_or_default();
        let metadata = v.get(m.metadata.clone()).unwrap_or_default();
        let version = Version {
            major: segment(m.major)?,
            minor: segment(m.minor)?,
            patch: segment(m.patch)?,
            pre: pre.strip_prefix('-').unwrap_or(pre).to_owned(),
            metadata: metadata.strip_prefix('+').unwrap_or(metadata).to_owned(),
            original: v.to_owned(),
        };
        if !version.pre.is_empty() {
            validate_prerelease(&version.pre)?;
        }
        if !version.metadata.is_empty() {
            validate_metadata(&version.metadata)?;
        }
        Ok(version)
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number (0 when the text had none).
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number (0 when the text had none).
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The pre-release, without its `-` (empty when none).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+` (empty when none).
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from (`Original`), or for an edited version its
    /// `v` prefix, if the source had one, and its [`Display`](fmt::Display) text.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Whether the version has a pre-release part (`1.0.0-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// Masterminds' `Compare`: precedence by major, minor, patch, then pre-release (a
    /// release sorts above its pre-releases); build metadata is ignored.
    pub fn compare(&self, o: &Version) -> Ordering {
        let segments = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if segments != Ordering::Equal {
            return segments;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    /// `v` when the original text started with one (`originalVPrefix`).
    fn v_prefix(&self) -> &'static str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    /// The edited copy's `original`: the source's `v` prefix and the new text.
    fn with_original(mut self, source: &Version) -> Version {
        self.original = format!("{}{self}", source.v_prefix());
        self
    }

    /// `IncPatch`: drops pre-release and metadata; bumps the patch unless there was a
    /// pre-release (`1.2.3-rc` becomes `1.2.3`).
    ///
    /// # Errors
    ///
    /// [`Error::IncrementOverflow`] (Go panics).
    pub fn inc_patch(&self) -> Result<Version, Error> {
        let mut next = self.clone();
        next.metadata.clear();
        if self.pre.is_empty() {
            next.patch = self
                .patch
                .checked_add(1)
                .ok_or(Error::IncrementOverflow { segment: "patch" })?;
        }
        next.pre.clear();
        Ok(next.with_original(self))
    }

    /// `IncMinor`: `x.(y+1).0`, pre-release and metadata dropped.
    ///
    /// # Errors
    ///
    /// [`Error::IncrementOverflow`] (Go panics).
    pub fn inc_minor(&self) -> Result<Version, Error> {
        let mut next = self.clone();
        next.metadata.clear();
        next.pre.clear();
        next.patch = 0;
        next.minor = self
            .minor
            .checked_add(1)
            .ok_or(Error::IncrementOverflow { segment: "minor" })?;
        Ok(next.with_original(self))
    }

    /// `IncMajor`: `(x+1).0.0`, pre-release and metadata dropped.
    ///
    /// # Errors
    ///
    /// [`Error::IncrementOverflow`] (Go panics).
    pub fn inc_major(&self) -> Result<Version, Error> {
        let mut next = self.clone();
        next.metadata.clear();
        next.pre.clear();
        next.patch = 0;
        next.minor = 0;
        next.major = self
            .major
            .checked_add(1)
            .ok_or(Error::IncrementOverflow { segment: "major" })?;
        Ok(next.with_original(self))
    }

    /// `SetPrerelease`: the same version with another pre-release (empty removes it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPrerelease`], [`Error::SegmentStartsWithZero`].
    pub fn set_prerelease(&self, pre: &str) -> Result<Version, Error> {
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        let mut next = self.clone();
        next.pre = pre.to_owned();
        Ok(next.with_original(self))
    }

    /// `SetMetadata`: the same version with other build metadata (empty removes it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetadata`].
    pub fn set_metadata(&self, metadata: &str) -> Result<Version, Error> {
        if !metadata.is_empty() {
            validate_metadata(metadata)?;
        }
        let mut next = self.clone();
        next.metadata = metadata.to_owned();
        Ok(next.with_original(self))
    }
}

/// Masterminds' `String`: `major.minor.patch[-pre][+metadata]`, without any `v`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

/// Masterminds' `comparePrerelease`: part by part, a missing part sorting first.
pub(crate) fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (mut ap, mut bp) = (a.split('.'), b.split('.'));
    loop {
        match (ap.next(), bp.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => {
                let d = compare_pre_part(x.unwrap_or(""), y.unwrap_or(""));
                if d != Ordering::Equal {
                    return d;
                }
            }
        }
    }
}

/// Masterminds' `comparePrePart`: an empty part sorts first, numbers before words,
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
    let number = |x: &str| x.parse::<u64>().ok().filter(|_| digits_only(x));
    match (number(s), number(o)) {
        (None, None) => s.cmp(o),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        // Equal numbers spelled differently (`1`, `01`) sort as "less", as in Go.
        (Some(a), Some(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

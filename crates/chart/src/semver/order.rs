//! Public ordering of versions, for callers that sort index entries (the repo crate).

use std::cmp::Ordering;

use super::Version;

impl Version {
    /// Masterminds' `Compare`: precedence by major, minor, patch, then pre-release (a
    /// release sorts above its pre-releases); build metadata is ignored.
    pub fn cmp_precedence(&self, other: &Version) -> Ordering {
        self.compare(other)
    }

    /// Whether the version has a pre-release part (`1.0.0-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

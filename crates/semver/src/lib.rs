//! Semantic versions and version constraints exactly as github.com/Masterminds/semver/v3
//! (v3.5.0, the version helm v4.3.1 links) reads them.
//!
//! helm validates `Chart.yaml` versions with Masterminds' coercing `NewVersion` (so `1`,
//! `1.2` and `v1.2.3` are versions), resolves dependency ranges with
//! `NewConstraint(..).Check(..)`, and Sprig's `semver`/`semverCompare` template functions
//! use the same library. Both the chart loader and the template functions build on this
//! crate, so there is one implementation of these rules.
//!
//! Masterminds matches with regular expressions; compiling them costs more than a whole
//! small chart render, so this crate recognizes the same languages by hand. They are simple
//! enough for that: each part of a version uses characters the neighbouring parts do not,
//! so the parse RE2's leftmost-first rule picks is the greedy one, with no backtracking
//! (the integration tests compare both on generated input).
//!
//! ```
//! use charthouse_semver::{Constraints, Version};
//!
//! let v = Version::parse("v1.2")?;
//! assert_eq!(v.to_string(), "1.2.0");
//! assert!(Constraints::parse(">= 1.0, < 2 || 3.x")?.check(&v));
//! assert!(!Constraints::parse("^1.3")?.check(&v));
//! # Ok::<(), charthouse_semver::Error>(())
//! ```

mod constraint;
mod error;
mod scan;
mod version;

pub use constraint::{Constraints, is_compatible_range};
pub use error::Error;
pub use version::Version;

//! The crate's one error type, with Masterminds' error texts.

/// Why a version or a constraint did not parse. `Display` gives Masterminds' exact text,
/// which helm and Sprig pass on to the user.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is not a (loose) semantic version (`ErrInvalidSemVer`).
    #[error("invalid semantic version")]
    InvalidVersion {
        /// The text given.
        input: String,
    },
    /// A pre-release identifier is empty or has characters outside `[0-9A-Za-z-]`
    /// (`ErrInvalidPrerelease`).
    #[error("invalid prerelease string")]
    InvalidPrerelease {
        /// The pre-release part.
        prerelease: String,
    },
    /// A build metadata identifier is empty or has characters outside `[0-9A-Za-z-]`
    /// (`ErrInvalidMetadata`).
    #[error("invalid metadata string")]
    InvalidMetadata {
        /// The metadata part.
        metadata: String,
    },
    /// A numeric pre-release identifier has a leading zero (`ErrSegmentStartsZero`).
    #[error("version segment starts with 0")]
    SegmentStartsWithZero {
        /// The pre-release part.
        prerelease: String,
    },
    /// A major, minor or patch number does not fit in 64 bits (`strconv.ParseUint`'s
    /// range error, wrapped as Masterminds wraps it).
    #[error("error parsing version segment: strconv.ParseUint: parsing {}: value out of range", go_quote(.segment))]
    SegmentOutOfRange {
        /// The digits.
        segment: String,
    },
    /// Incrementing a segment would overflow (Go panics with this text).
    #[error("{segment} version increment would overflow uint64")]
    IncrementOverflow {
        /// `major`, `minor` or `patch`.
        segment: &'static str,
    },
    /// One `||` branch of a constraint, or one comparison in it, is not a constraint.
    #[error("improper constraint: {}", go_quote(.constraint))]
    ImproperConstraint {
        /// The offending text.
        constraint: String,
    },
    /// A constraint's version, after wildcards are filled in, is not a version.
    #[error("constraint parser error")]
    ConstraintVersion {
        /// The comparison whose version failed.
        constraint: String,
    },
}

impl Error {
    /// A stable CamelCase label for the failure.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::InvalidVersion { .. } => "InvalidVersion",
            Error::InvalidPrerelease { .. } => "InvalidPrerelease",
            Error::InvalidMetadata { .. } => "InvalidMetadata",
            Error::SegmentStartsWithZero { .. } => "SegmentStartsWithZero",
            Error::SegmentOutOfRange { .. } => "SegmentOutOfRange",
            Error::IncrementOverflow { .. } => "IncrementOverflow",
            Error::ImproperConstraint { .. } => "ImproperConstraint",
            Error::ConstraintVersion { .. } => "ConstraintVersion",
        }
    }
}

/// Go's `%q` of a string (`strconv.Quote`): double quotes; `"`, `\\` and control
/// characters escaped as Go escapes them; other characters kept when printable. For
/// non-ASCII characters Rust's printability stands in for Go's `unicode.IsPrint` (both
/// follow the Unicode categories: letters, marks, numbers, punctuation, symbols and the
/// ASCII space print).
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() || prints(c) => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Whether a non-ASCII character prints as itself. `str::escape_debug` escapes exactly
/// the non-printable characters after the first one (it also escapes a leading
/// combining mark, which Go prints, hence the prefix).
fn prints(c: char) -> bool {
    let mut probe = String::from("a");
    probe.push(c);
    probe.escape_debug().to_string() == probe
}

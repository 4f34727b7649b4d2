//! Errors, printed exactly as Go's text/template prints them.

use std::fmt;

/// A parse or execution error. `Display` prints Go's exact text, e.g.
/// `template: t:1: function "foo" not defined` or
/// `template: t:1:2: executing "t" at <.a.b>: nil pointer evaluating interface {}.b`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Parsing a template failed.
    #[error("{0}")]
    Parse(ParseError),
    /// Executing a template failed.
    #[error("{0}")]
    Exec(ExecError),
    /// `execute` was asked for a template the set does not hold (Go's
    /// `ExecuteTemplate` error).
    #[error("template: no template {name:?} associated with template {set:?}", name = .name, set = .set)]
    NoTemplate {
        /// The requested name.
        name: String,
        /// The name of the set (Go: the receiving template).
        set: String,
    },
}

impl Error {
    /// A stable CamelCase reason, for metrics and conditions.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Parse(_) => "ParseTemplate",
            Error::Exec(_) => "ExecuteTemplate",
            Error::NoTemplate { .. } => "NoSuchTemplate",
        }
    }
}

/// A parse error: `template: NAME:LINE: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The name given to `parse` (Go's `ParseName`: the file, not a `define` name).
    pub name: String,
    /// The line of the token the parser had read last.
    pub line: usize,
    /// Go's message, e.g. `unexpected "}" in operand`.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template: {}:{}: {}", self.name, self.line, self.message)
    }
}

/// An execution error:
/// `template: FILE:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    /// The template being executed (a `define` name or the file name).
    pub template: String,
    /// `FILE:LINE:COL` of the node being evaluated, where the node is known.
    pub location: Option<String>,
    /// The node being evaluated, printed as Go prints it (`.Values.a.b`).
    pub context: Option<String>,
    /// Go's message, e.g. `error calling index: index out of range: 5`.
    pub message: String,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, &self.context) {
            (Some(loc), Some(ctx)) => write!(
                f,
                "template: {}: executing {} at <{}>: {}",
                loc,
                crate::gofmt::quote(&self.template),
                ctx,
                self.message
            ),
            _ => write!(f, "template: {}: {}", self.template, self.message),
        }
    }
}

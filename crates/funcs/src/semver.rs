//! Sprig's `semver` and `semverCompare` (sprig v3.3.0 semver.go) on
//! github.com/Masterminds/semver/v3 as helm v4.3.1 links it (v3.5.0: `NewVersion`
//! coerces loose versions such as `v1.2` or `01.2.3`).
//!
//! The parsing and comparison rules are [`charthouse_semver`]'s (shared with the chart
//! loader); this module makes a version a template value with Go's method set.

use std::cmp::Ordering;
use std::sync::Arc;

use charthouse_gotmpl::{Context, Func, FuncError, GoType, Object, Signature, UintType, Value};
use charthouse_semver::{Constraints, Error};

/// The Go type name `typeOf` prints for a parsed version.
const TYPE_PTR: &str = "*semver.Version";
/// The Go type of the values `IncPatch` and friends return.
const TYPE_VALUE: &str = "semver.Version";

/// A version as a template value (Masterminds' `Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    inner: charthouse_semver::Version,
    /// Whether this is the `*semver.Version` `semver` returns (else a `semver.Version`
    /// value, as `IncPatch` returns).
    pointer: bool,
}

/// Masterminds' error text, with `%q` as Go's `strconv.Quote` writes it (the semver
/// crate approximates Go's printability outside ASCII; the template engine has Go's
/// tables).
fn error_text(e: &Error) -> String {
    match e {
        Error::ImproperConstraint { constraint } => {
            format!(
                "improper constraint: {}",
                charthouse_gotmpl::gofmt::quote(constraint)
            )
        }
        e => e.to_string(),
    }
}

fn func_error(e: Error) -> FuncError {
    FuncError::new(error_text(&e))
}

impl Version {
    /// Masterminds' `NewVersion` with coercion, as the pointer `semver` returns.
    ///
    /// # Errors
    ///
    /// Masterminds' error text.
    pub fn parse(v: &str) -> Result<Version, String> {
        charthouse_semver::Version::parse(v)
            .map(|inner| Version {
                inner,
                pointer: true,
            })
            .map_err(|e| error_text(&e))
    }

    /// `major.minor.patch[-pre][+metadata]` (Go's `String`).
    pub fn render(&self) -> String {
        self.inner.to_string()
    }

    fn compare(&self, o: &Version) -> Ordering {
        self.inner.compare(&o.inner)
    }

    /// A `semver.Version` value made by one of the edit methods.
    fn edited(inner: Result<charthouse_semver::Version, Error>) -> Result<Value, FuncError> {
        let inner = inner.map_err(func_error)?;
        Ok(Value::Object(Arc::new(Version {
            inner,
            pointer: false,
        })))
    }
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
            "Major" => Value::uint64(self.inner.major()),
            "Minor" => Value::uint64(self.inner.minor()),
            "Patch" => Value::uint64(self.inner.patch()),
            "Prerelease" => Value::from(self.inner.prerelease()),
            "Metadata" => Value::from(self.inner.metadata()),
            "Original" => Value::from(self.inner.original()),
            "String" => Value::from(self.render()),
            "Compare" => Value::int(cmp().map(|o| o as i64).unwrap_or(0)),
            "LessThan" => Value::Bool(cmp() == Some(Ordering::Less)),
            "LessThanEqual" => Value::Bool(matches!(cmp(), Some(Ordering::Less | Ordering::Equal))),
            "GreaterThan" => Value::Bool(cmp() == Some(Ordering::Greater)),
            "GreaterThanEqual" => {
                Value::Bool(matches!(cmp(), Some(Ordering::Greater | Ordering::Equal)))
            }
            "Equal" => Value::Bool(cmp() == Some(Ordering::Equal)),
            "IncPatch" => Version::edited(self.inner.inc_patch())?,
            "IncMinor" => Version::edited(self.inner.inc_minor())?,
            "IncMajor" => Version::edited(self.inner.inc_major())?,
            "SetPrerelease" | "SetMetadata" => {
                let s = args.first().and_then(Value::as_str).unwrap_or_default();
                Version::edited(if name == "SetPrerelease" {
                    self.inner.set_prerelease(s)
                } else {
                    self.inner.set_metadata(s)
                })?
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
            let cs = Constraints::parse(c).map_err(func_error)?;
            let ver = charthouse_semver::Version::parse(v).map_err(func_error)?;
            Ok(Value::Bool(cs.check(&ver)))
        },
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_and_value_methods() {
        let v = Version::parse("v1.2.3-rc.1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (v.type_name(), v.render().as_str()),
            (TYPE_PTR, "1.2.3-rc.1")
        );
        assert!(v.method("Compare").is_some());
        let value = Version {
            pointer: false,
            ..v.clone()
        };
        assert_eq!(value.type_name(), TYPE_VALUE);
        assert!(value.method("Compare").is_none() && value.method("IncPatch").is_some());
    }

    #[test]
    fn improper_constraint_quotes_as_go() {
        let e = Constraints::parse("\u{a0}1").map(|_| ()).unwrap_err();
        assert_eq!(error_text(&e), "improper constraint: \"\\u00a01\"");
    }
}

//! `-l/--selector key=value,key!=value`: releases whose labels match. `name`, `namespace`
//! and `chart` are matched against the release itself unless a label of that name is set.
//! Several `-l` flags are alternatives (any may match); the terms of one are all required.

use crate::error::{Error, Result};
use crate::model::ResolvedRelease;

/// One `key=value` or `key!=value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The label (or `name`, `namespace`, `chart`).
    pub key: String,
    /// The value compared with.
    pub value: String,
    /// `!=` instead of `=`.
    pub negated: bool,
}

/// One `-l` argument: all its terms must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The terms.
    pub terms: Vec<Term>,
}

impl Selector {
    /// Parses `key=value,key!=value` (`==` is accepted for `=`).
    ///
    /// # Errors
    /// [`Error::Selector`] for an empty term, a term without `=`, or an empty key.
    pub fn parse(text: &str) -> Result<Selector> {
        let fail = |message: String| Error::Selector {
            selector: text.to_owned(),
            message,
        };
        let mut terms = Vec::new();
        for raw in text.split(',') {
            let raw = raw.trim();
            if raw.is_empty() {
                return Err(fail("empty term".to_owned()));
            }
            let (key, value, negated) = if let Some((k, v)) = raw.split_once("!=") {
                (k, v, true)
            } else if let Some((k, v)) = raw.split_once("==") {
                (k, v, false)
            } else if let Some((k, v)) = raw.split_once('=') {
                (k, v, false)
            } else {
                return Err(fail(format!("term {raw:?} is not key=value or key!=value")));
            };
            let key = key.trim();
            if key.is_empty() {
                return Err(fail(format!("term {raw:?} has no key")));
            }
            terms.push(Term {
                key: key.to_owned(),
                value: value.trim().to_owned(),
                negated,
            });
        }
        Ok(Selector { terms })
    }

    /// Whether `r` matches every term.
    pub fn matches(&self, r: &ResolvedRelease) -> bool {
        self.terms.iter().all(|t| {
            let actual = match r.labels.get(&t.key) {
                Some(v) => Some(v.clone()),
                None => match t.key.as_str() {
                    "name" => Some(r.name.clone()),
                    "namespace" => Some(r.namespace.clone()),
                    "chart" => Some(r.chart.to_string()),
                    _ => None,
                },
            };
            let equal = actual.as_deref() == Some(t.value.as_str());
            equal != t.negated
        })
    }
}

/// The releases any of `selectors` matches (all when there are none).
pub fn select<'a>(
    releases: &'a [ResolvedRelease],
    selectors: &[Selector],
) -> Vec<&'a ResolvedRelease> {
    releases
        .iter()
        .filter(|r| selectors.is_empty() || selectors.iter().any(|s| s.matches(r)))
        .collect()
}

//! `${NAME}` references in stackfiles and overlays: `${NAME}` (an error when unset),
//! `${NAME:-default}` (default when unset or empty), `${NAME-default}` (default when
//! unset), and `$$` for a literal `$`. Names come from the stack's `variables` first, then
//! the process environment, then the `.env` file.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::view::{child, index};
use crate::yaml::{Kind, Node};

/// Where `${NAME}` looks names up.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// The stack's `variables` (top level, then the environment's), as text.
    pub variables: BTreeMap<String, String>,
    /// The process environment.
    pub env: BTreeMap<String, String>,
    /// The `.env` file's entries (the process environment wins over them).
    pub dotenv: BTreeMap<String, String>,
}

impl Vars {
    /// The value of `name`: a stack variable, else an environment variable, else `.env`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.variables
            .get(name)
            .or_else(|| self.env.get(name))
            .or_else(|| self.dotenv.get(name))
            .map(String::as_str)
    }

    /// An environment variable (process environment, else `.env`), for templates' `env`.
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .or_else(|| self.dotenv.get(name))
            .map(String::as_str)
    }
}

/// Why a substitution failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SubstError {
    /// `${NAME}` with `NAME` unset.
    Unset(String),
    /// `${` without `}`, or a bad name.
    Malformed(String),
}

/// Expands the references in `text`.
pub(crate) fn substitute(text: &str, vars: &Vars) -> Result<String, SubstError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let Some(body_start) = after.strip_prefix('{') else {
            out.push('$');
            rest = after;
            continue;
        };
        let Some(end) = body_start.find('}') else {
            return Err(SubstError::Malformed(format!(
                "unterminated reference {:?}",
                &rest[i..]
            )));
        };
        let body = &body_start[..end];
        rest = &body_start[end + 1..];
        let (name, default) = match body.find([':', '-']) {
            Some(p) if body[p..].starts_with(":-") => (&body[..p], Some((&body[p + 2..], true))),
            Some(p) if body[p..].starts_with('-') => (&body[..p], Some((&body[p + 1..], false))),
            Some(_) => {
                return Err(SubstError::Malformed(format!(
                    "bad reference ${{{body}}} (use ${{NAME}}, ${{NAME:-default}} or ${{NAME-default}})"
                )));
            }
            None => (body, None),
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return Err(SubstError::Malformed(format!(
                "bad variable name {name:?} in ${{{body}}}"
            )));
        }
        match (vars.get(name), default) {
            (Some(""), Some((d, true))) => out.push_str(d),
            (Some(v), _) => out.push_str(v),
            (None, Some((d, _))) => out.push_str(d),
            (None, None) => return Err(SubstError::Unset(name.to_owned())),
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Expands references in every scalar value (not keys) of `node`, in place.
pub(crate) fn expand(node: &mut Node, path: &str, vars: &Vars) -> Result<()> {
    match &mut node.kind {
        Kind::Scalar { text, .. } => {
            if text.contains('$') {
                *text = substitute(text, vars).map_err(|e| match e {
                    SubstError::Unset(name) => Error::UnsetVariable {
                        loc: node.loc.clone(),
                        key: path.to_owned(),
                        name,
                    },
                    SubstError::Malformed(message) => Error::Invalid {
                        loc: node.loc.clone(),
                        key: path.to_owned(),
                        message,
                    },
                })?;
            }
            Ok(())
        }
        Kind::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                expand(item, &index(path, i), vars)?;
            }
            Ok(())
        }
        Kind::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                let p = child(path, &k.key_text());
                expand(v, &p, vars)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.variables.insert("domain".into(), "example.org".into());
        v.env.insert("EMPTY".into(), String::new());
        v.env.insert("HOME".into(), "/root".into());
        v.dotenv.insert("HOME".into(), "/ignored".into());
        v.dotenv.insert("TOKEN".into(), "t0k".into());
        v
    }

    #[test]
    fn forms() {
        let v = vars();
        assert_eq!(substitute("a.${domain}", &v).unwrap(), "a.example.org");
        assert_eq!(substitute("${HOME}/${TOKEN}", &v).unwrap(), "/root/t0k");
        assert_eq!(substitute("${NOPE:-x}", &v).unwrap(), "x");
        assert_eq!(substitute("${EMPTY:-x}", &v).unwrap(), "x");
        assert_eq!(substitute("${EMPTY-x}", &v).unwrap(), "");
        assert_eq!(substitute("${NOPE-}", &v).unwrap(), "");
        assert_eq!(substitute("$$HOME $5 $", &v).unwrap(), "$HOME $5 $");
        assert_eq!(
            substitute("${NOPE}", &v),
            Err(SubstError::Unset("NOPE".into()))
        );
        assert!(matches!(
            substitute("${HOME", &v),
            Err(SubstError::Malformed(_))
        ));
        assert!(matches!(
            substitute("${A:?x}", &v),
            Err(SubstError::Malformed(_))
        ));
    }
}

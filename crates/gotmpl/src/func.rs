//! Functions: the registry the embedder fills, and the [`Context`] through which a
//! function calls back into the executing template set (helm's `include` and `tpl`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::exec::{self, ExecOptions};
use crate::template::Templates;
use crate::value::{GoType, Value};

/// The Go signature of a function or method: parameter types (which decide Go's argument
/// checks and conversions) and the result type (printed by `%T` of a function value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Fixed parameters.
    pub params: Vec<GoType>,
    /// The element type of a final `...T` parameter, if variadic.
    pub variadic: Option<GoType>,
    /// The result type (a second `error` result is implied by the Rust `Result`).
    pub result: GoType,
}

impl Signature {
    /// `func(params...) result`.
    pub fn new(params: Vec<GoType>, result: GoType) -> Signature {
        Signature {
            params,
            variadic: None,
            result,
        }
    }

    /// `func(params..., ...rest) result`.
    pub fn variadic(params: Vec<GoType>, rest: GoType, result: GoType) -> Signature {
        Signature {
            params,
            variadic: Some(rest),
            result,
        }
    }

    /// The Go spelling, e.g. `func(string, ...interface {}) string`.
    pub fn type_name(&self) -> String {
        let mut s = String::from("func(");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&p.name());
        }
        if let Some(v) = &self.variadic {
            if !self.params.is_empty() {
                s.push_str(", ");
            }
            s.push_str("...");
            s.push_str(&v.name());
        }
        s.push_str(") ");
        s.push_str(&self.result.name());
        s
    }

    /// The parameter type of argument `i` (0-based).
    pub(crate) fn param(&self, i: usize) -> &GoType {
        match self.params.get(i) {
            Some(t) => t,
            None => self.variadic.as_ref().unwrap_or(&GoType::Interface),
        }
    }
}

/// An error returned by a function. Go prints it as `error calling NAME: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncError {
    message: String,
}

impl FuncError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FuncError {}

impl From<Error> for FuncError {
    /// Nested template errors (from `include`/`tpl`) keep Go's full text.
    fn from(e: Error) -> FuncError {
        FuncError::new(e.to_string())
    }
}

type FuncImpl = dyn Fn(&Context<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync;

/// A function callable from templates: a name, a Go [`Signature`] and a Rust closure.
///
/// The executor evaluates and checks the arguments against the signature first, with
/// Go's messages (`wrong number of args for X: want N got M`,
/// `wrong type for value; expected string; got float64`, `expected integer; found "a"`),
/// then calls the closure with one [`Value`] per argument (variadic ones included).
#[derive(Clone)]
pub struct Func {
    name: Arc<str>,
    sig: Arc<Signature>,
    imp: Arc<FuncImpl>,
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Func({}: {})", self.name, self.sig.type_name())
    }
}

impl Func {
    /// A function `name` with signature `sig` implemented by `f`.
    pub fn new<F>(name: &str, sig: Signature, f: F) -> Func
    where
        F: Fn(&Context<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Func {
            name: Arc::from(name),
            sig: Arc::new(sig),
            imp: Arc::new(f),
        }
    }

    /// The name used in error messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.sig
    }

    /// Calls the function directly (no argument checks).
    ///
    /// # Errors
    ///
    /// Whatever the function returns.
    pub fn call(&self, ctx: &Context<'_>, args: &[Value]) -> Result<Value, FuncError> {
        (self.imp)(ctx, args)
    }

    pub(crate) fn ptr_eq(&self, other: &Func) -> bool {
        Arc::ptr_eq(&self.imp, &other.imp)
    }
}

/// The functions of a template set, by name (Go's `FuncMap`).
pub type FuncMap = HashMap<String, Func, foldhash::fast::RandomState>;

/// What a function sees of the execution that calls it.
///
/// Through it a function can execute a named template of the *current* set (helm's
/// `include`), or execute another set, such as a clone of the current set into which it
/// parsed a string (helm's `tpl`).
///
/// # Example: `include` and `tpl`
///
/// ```
/// use charthouse_gotmpl::{Func, FuncError, GoType, Signature, Templates, Value};
///
/// let mut t = Templates::new();
/// t.add_func(Func::new(
///     "include",
///     Signature::new(vec![GoType::String, GoType::Interface], GoType::String),
///     |ctx, args| {
///         let name = args[0].as_str().unwrap_or_default();
///         Ok(Value::from(ctx.execute(name, &args[1])?))
///     },
/// ));
/// t.add_func(Func::new(
///     "tpl",
///     Signature::new(vec![GoType::String, GoType::Interface], GoType::String),
///     |ctx, args| {
///         let mut set = ctx.templates().clone(); // cheap: trees are shared
///         set.parse("tpl", args[0].as_str().unwrap_or_default())?;
///         Ok(Value::from(ctx.execute_in(&set, "tpl", &args[1])?))
///     },
/// ));
/// t.parse("main", r#"{{define "x"}}[{{.}}]{{end}}{{include "x" 1}} {{tpl "{{include \"x\" .}}" 2}}"#).unwrap();
/// assert_eq!(t.execute("main", &Value::Nil).unwrap(), "[1] [2]");
/// ```
pub struct Context<'a> {
    pub(crate) set: &'a Templates,
    pub(crate) options: ExecOptions,
    pub(crate) nesting: usize,
    pub(crate) template: &'a str,
}

impl<'a> Context<'a> {
    /// The set being executed.
    pub fn templates(&self) -> &'a Templates {
        self.set
    }

    /// The execution options in force.
    pub fn options(&self) -> ExecOptions {
        self.options
    }

    /// The name of the template whose action called the function.
    pub fn template_name(&self) -> &str {
        self.template
    }

    /// How many `execute`/`execute_in` calls enclose this one (0 at top level). The
    /// embedder uses it to bound recursion through functions (helm's `include` limit);
    /// Go's own depth limit counts only `{{template}}` calls within one execution.
    pub fn nesting(&self) -> usize {
        self.nesting
    }

    /// Executes template `name` of the current set with `data`, as Go's
    /// `ExecuteTemplate` does (a fresh execution: no variables, depth 0).
    ///
    /// # Errors
    ///
    /// The template is missing or its execution fails.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        self.execute_in(self.set, name, data)
    }

    /// Executes template `name` of another set (for example a clone of
    /// [`Context::templates`] with more templates parsed into it).
    ///
    /// # Errors
    ///
    /// The template is missing or its execution fails.
    pub fn execute_in(&self, set: &Templates, name: &str, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        let nesting = self.nesting + 1;
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || {
            exec::execute(set, name, data, &mut out, set.options(), nesting)
        })?;
        Ok(out)
    }
}

//! Go's `text/template` engine and Go's `fmt` printing, as built into helm v4.3.1.
//!
//! This crate lexes, parses and executes Go templates with Go's exact semantics,
//! output and error messages. It knows nothing of Helm, YAML or Kubernetes: helm's
//! functions (`include`, `tpl`, Sprig) are registered by the embedder as [`Func`]s, and
//! helm's objects (`.Files`, `.Capabilities`) are host [`Object`]s.
//!
//! Principal types:
//! - [`Templates`]: a set of named templates (parse, clone, look up, execute);
//! - [`Value`]: the dynamic Go value templates run on, cheap to clone;
//! - [`Func`], [`Signature`], [`Context`]: functions and their callback into the set;
//! - [`Object`]: host objects with fields and methods;
//! - [`gofmt`]: Go's `fmt` (`Sprint`, `Sprintf`, ...) for Sprig's printing functions.
//!
//! ```
//! use charthouse_gotmpl::{MissingKey, Templates, Value};
//!
//! let mut t = Templates::named("gotpl");
//! t.set_missing_key(MissingKey::Zero);
//! t.parse("c/templates/a.yaml", "{{ range $i, $v := .list }}{{ $i }}={{ printf \"%05.1f\" $v }} {{ end }}")?;
//! let data = Value::map_from([("list", Value::list(vec![Value::float(1.5), Value::float(20.25)]))]);
//! assert_eq!(t.execute("c/templates/a.yaml", &data)?, "0=001.5 1=020.2 ");
//! # Ok::<(), charthouse_gotmpl::Error>(())
//! ```
//!
//! # Caveats
//!
//! Strings are Rust strings: bytes that are not valid UTF-8 (from `"\xff"` escapes or
//! `slice` in the middle of a character) become U+FFFD. `slice` treats a list's
//! capacity as its length. Complex numbers are rejected at execution.

mod builtins;
mod error;
mod exec;
mod func;
pub mod gofmt;
mod lex;
mod node;
mod parse;
mod template;
mod value;

pub use builtins::{html_escape, js_escape, query_escape};
pub use error::{Error, ExecError, ParseError};
pub use exec::{ExecOptions, MAX_EXEC_DEPTH, MissingKey};
pub use func::{Context, Func, FuncError, FuncMap, Signature};
pub use template::Templates;
pub use value::{FloatType, GoType, IntType, List, Map, Object, Str, UintType, Value};

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
//! # Embedding (how `funcs` and `render` build on it)
//!
//! - **Functions**: `Func::new(name, Signature, closure)`, added with
//!   [`Templates::add_func`] *before* parsing (Go's parser rejects unknown names). The
//!   [`Signature`]'s [`GoType`] parameters decide Go's argument checks and conversions
//!   (`interface {}` takes anything, `string` rejects a `float64` with Go's message,
//!   literals are converted as Go does). The closure gets the evaluated arguments and
//!   returns a [`Value`] or a [`FuncError`], printed by the executor as
//!   `error calling NAME: MESSAGE`. A registered function shadows a builtin of the same
//!   name (helm's Sprig `slice` does).
//! - **Callbacks** (`include`, `tpl`): the closure's [`Context`] gives the running set
//!   ([`Context::templates`]), executes one of its templates ([`Context::execute`]) or a
//!   template of another set such as a clone with more parsed into it
//!   ([`Context::execute_in`]), and tells how deeply such calls are nested
//!   ([`Context::nesting`]) so the embedder can bound recursion as helm does.
//! - **Host objects**: implement [`Object`] (Go type name, fields, methods with
//!   signatures, `%v` printing, and for map or slice types a data view used by
//!   `range`/`len`/`index`/missing keys/typed parameters); downcast in functions with
//!   [`Value::downcast_object`].
//! - **Errors**: [`Error`] displays Go's exact text; helm rewrites some of them
//!   (`parse error at (...)`, its multi-line form of execution errors), which is the
//!   embedder's job (see `tests/golden.rs` for the exact rules).
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
pub use template::{BodyKind, Templates};
pub use value::{FloatType, GoType, IntType, List, Map, Object, Str, UintType, Value};

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

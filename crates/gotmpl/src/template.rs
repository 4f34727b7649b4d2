//! Template sets: parsing many named templates into one set, `define` override rules,
//! cloning and lookup.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Error;
use crate::exec::{self, ExecOptions, MissingKey};
use crate::func::{Func, FuncMap};
use crate::parse::{self, Tree};
use crate::value::Value;

/// Templates by name. Iteration order never shows (names are sorted where listed).
type TreeMap = HashMap<String, Arc<Tree>, foldhash::fast::RandomState>;

/// Whether a parsed text's own body (outside its `define`s) has anything to execute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Only whitespace, comments and `define`s.
    Empty,
    /// Text or actions to execute.
    NonEmpty,
}

/// A set of named templates sharing functions, delimiters and options (Go's
/// `*template.Template` and its associated templates).
///
/// Cloning is cheap (the parsed trees are shared); parsing into a clone leaves the
/// original untouched, which is what helm's `tpl` needs.
///
/// # Example
///
/// ```
/// use charthouse_gotmpl::{MissingKey, Templates, Value};
///
/// let mut set = Templates::new();
/// set.set_missing_key(MissingKey::Zero);
/// set.parse("a.yaml", r#"{{define "name"}}{{.x}}{{end}}a: {{template "name" .}}"#).unwrap();
/// set.parse("b.yaml", r#"{{define "name"}}[{{.x}}]{{end}}"#).unwrap(); // later files override
/// let data = Value::map_from([("x", Value::int(1))]);
/// assert_eq!(set.execute("a.yaml", &data).unwrap(), "a: [1]");
/// ```
#[derive(Clone)]
pub struct Templates {
    name: Arc<str>,
    /// The templates parsed into this set since it was split from `base` (or all of
    /// them when there is no base); they take precedence over `base`.
    trees: Arc<TreeMap>,
    /// The templates of the set this one was cloned from, shared and never changed:
    /// helm's `tpl` clones the whole set for every call and parses a few templates into
    /// the clone, which then costs a small map instead of a copy of every name.
    base: Option<Arc<TreeMap>>,
    funcs: Arc<FuncMap>,
    /// Strings shared by the nodes of the templates parsed into this set.
    strings: parse::Interner,
    left: Arc<str>,
    right: Arc<str>,
    options: ExecOptions,
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::new()
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = self.names();
        f.debug_struct("Templates")
            .field("name", &self.name)
            .field("templates", &names)
            .finish()
    }
}

impl Templates {
    /// An empty set with default delimiters, `missingkey=default` and only the builtin
    /// functions. Its own name (used in Go's "no template associated with" error) is
    /// empty; see [`Templates::named`].
    pub fn new() -> Templates {
        Templates::named("")
    }

    /// An empty set named `name` (helm names its set `gotpl`).
    pub fn named(name: &str) -> Templates {
        Templates {
            name: Arc::from(name),
            trees: Arc::new(TreeMap::default()),
            base: None,
            funcs: Arc::new(FuncMap::default()),
            strings: parse::Interner::default(),
            left: Arc::from("{{"),
            right: Arc::from("}}"),
            options: ExecOptions::default(),
        }
    }

    /// The set's own name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sets the action delimiters for later `parse` calls (empty means the default,
    /// as in Go's `Delims`).
    pub fn delims(&mut self, left: &str, right: &str) -> &mut Templates {
        self.left = Arc::from(if left.is_empty() { "{{" } else { left });
        self.right = Arc::from(if right.is_empty() { "}}" } else { right });
        self
    }

    /// Adds (or replaces) a function. Functions must be added before parsing templates
    /// that use them, as in Go (the parser rejects unknown function names).
    pub fn add_func(&mut self, f: Func) -> &mut Templates {
        Arc::make_mut(&mut self.funcs).insert(f.name().to_string(), f);
        self
    }

    /// Adds every function of `funcs`.
    pub fn add_funcs(&mut self, funcs: impl IntoIterator<Item = Func>) -> &mut Templates {
        let map = Arc::make_mut(&mut self.funcs);
        for f in funcs {
            map.insert(f.name().to_string(), f);
        }
        self
    }

    /// The function `name`, if registered (builtins are not listed here).
    pub fn func(&self, name: &str) -> Option<&Func> {
        self.funcs.get(name)
    }

    /// Sets the `missingkey` behaviour.
    pub fn set_missing_key(&mut self, m: MissingKey) -> &mut Templates {
        self.options.missing_key = m;
        self
    }

    /// Sets the maximum depth of nested `{{template}}` calls (Go: 100000).
    pub fn set_max_depth(&mut self, depth: usize) -> &mut Templates {
        self.options.max_depth = depth;
        self
    }

    /// Sets (or clears) a budget of evaluation steps per execution; see
    /// [`ExecOptions::max_steps`].
    pub fn set_max_steps(&mut self, steps: Option<u64>) -> &mut Templates {
        self.options.max_steps = steps;
        self
    }

    /// Go's `Option("missingkey=...")`.
    ///
    /// # Errors
    ///
    /// An unknown option, with Go's panic message.
    pub fn option(&mut self, opt: &str) -> Result<&mut Templates, String> {
        let m = match opt {
            "missingkey=default" | "missingkey=invalid" => MissingKey::Default,
            "missingkey=zero" => MissingKey::Zero,
            "missingkey=error" => MissingKey::Error,
            _ => return Err(format!("unrecognized option: {opt}")),
        };
        self.options.missing_key = m;
        Ok(self)
    }

    /// The execution options.
    pub fn options(&self) -> ExecOptions {
        self.options
    }

    /// Parses `text` as template `name` (Go's `t.New(name).Parse(text)`), adding it and
    /// every template it `define`s or `block`s to the set.
    ///
    /// Go's rules: within one `parse`, defining a name twice (both non-empty) is an
    /// error; across calls, a later non-empty definition replaces an earlier one, and an
    /// empty (whitespace/comments only) one never replaces a non-empty one.
    ///
    /// # Errors
    ///
    /// A parse error, as Go prints it. Nothing is added to the set then.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<&mut Templates, Error> {
        self.parse_body(name, text)?;
        Ok(self)
    }

    /// Parses like [`Templates::parse`] and tells whether the text's own body (what is
    /// left outside its `define`s) is empty.
    ///
    /// Go's `t.New(name).Parse(text)` returns a template holding that body even when the
    /// set keeps an earlier non-empty `name`; executing the returned template then
    /// prints nothing. helm's `tpl` executes that returned template, so it needs to
    /// know (`{{ tpl "" . }}` inside a `tpl` string prints "", not the outer text).
    ///
    /// # Errors
    ///
    /// A parse error, as Go prints it. Nothing is added to the set then.
    pub fn parse_body(&mut self, name: &str, text: &str) -> Result<BodyKind, Error> {
        let funcs = self.funcs.clone();
        let has = move |n: &str| funcs.contains_key(n);
        let trees = parse::parse(name, text, &self.left, &self.right, &has, &mut self.strings)
            .map_err(Error::Parse)?;
        if self.base.is_none() && Arc::strong_count(&self.trees) > 1 {
            // A clone of a shared set (helm's `tpl`): keep the shared templates as the
            // base and parse into a new, small layer above them.
            self.base = Some(std::mem::take(&mut self.trees));
        }
        let mut body = BodyKind::Empty;
        for tree in trees {
            let empty = crate::node::is_empty_tree(&tree.root);
            if tree.name == name && !empty {
                body = BodyKind::NonEmpty;
            }
            if empty && self.has(&tree.name) {
                continue;
            }
            Arc::make_mut(&mut self.trees).insert(tree.name.clone(), Arc::new(tree));
        }
        Ok(body)
    }

    /// Whether the set holds template `name`.
    pub fn has(&self, name: &str) -> bool {
        self.tree(name).is_some()
    }

    /// The names of the templates in the set, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.keys().map(String::as_str).collect();
        if let Some(base) = &self.base {
            v.extend(
                base.keys()
                    .filter(|k| !self.trees.contains_key(k.as_str()))
                    .map(String::as_str),
            );
        }
        v.sort_unstable();
        v
    }

    pub(crate) fn tree(&self, name: &str) -> Option<&Tree> {
        match self.trees.get(name) {
            Some(t) => Some(t),
            None => self.base.as_ref()?.get(name).map(|t| &**t),
        }
    }

    /// Executes template `name` with `data` (Go's `ExecuteTemplate`).
    ///
    /// # Errors
    ///
    /// No such template, or an execution error as Go prints it.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        self.execute_to(name, data, &mut out)?;
        Ok(out)
    }

    /// Like [`Templates::execute`], appending to `out`. On error, `out` holds the output
    /// written before the error, as Go's writer would.
    ///
    /// # Errors
    ///
    /// No such template, or an execution error as Go prints it.
    pub fn execute_to(&self, name: &str, data: &Value, out: &mut String) -> Result<(), Error> {
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || {
            exec::execute(self, name, data, out, self.options, 0)
        })
    }
}

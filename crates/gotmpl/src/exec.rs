//! The executor: a transcription of Go's `text/template/exec.go`. Each `at(node)` call
//! is kept where Go has it, because the node being evaluated when an error happens is
//! printed in the error (`executing "t" at <.a.b>: ...`).

use std::sync::Arc;

use crate::builtins::{self, Rv};
use crate::error::{Error, ExecError};
use crate::func::{Context, Signature};
use crate::gofmt;
use crate::node::{Arg, Branch, BranchKind, Command, ListNode, Node, NodeRef, Number, Pipe};
use crate::parse::Tree;
use crate::template::Templates;
use crate::value::{GoType, IntType, Map, Object, Str, Value};

/// Go's `maxExecDepth`: nested `{{template}}` calls in one execution.
pub const MAX_EXEC_DEPTH: usize = 100_000;

/// What to do when a map has no entry for a key (Go's `missingkey` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` (or `invalid`): the invalid value, printed `<no value>`.
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type (helm's setting).
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key "x"`
    /// (helm's `--strict` lint).
    Error,
}

/// Options for executing a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecOptions {
    /// The `missingkey` behaviour.
    pub missing_key: MissingKey,
    /// The maximum depth of nested `{{template}}` calls; Go's is [`MAX_EXEC_DEPTH`].
    pub max_depth: usize,
    /// An optional budget of evaluation steps (actions, control structures and range
    /// iterations). Go has none; a server rendering untrusted templates can set one so
    /// that `{{range 100000000000}}` or exponential template calls stop with an error.
    pub max_steps: Option<u64>,
}

impl Default for ExecOptions {
    fn default() -> ExecOptions {
        ExecOptions {
            missing_key: MissingKey::Default,
            max_depth: MAX_EXEC_DEPTH,
            max_steps: None,
        }
    }
}

type R<T> = Result<T, Error>;

#[derive(PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'t> {
    set: &'t Templates,
    tree: &'t Tree,
    node: Option<NodeRef<'t>>,
    vars: Vec<(&'t str, Rv)>,
    depth: usize,
    opts: ExecOptions,
    nesting: usize,
    steps: u64,
}

/// Executes template `name` of `set` with `data`, appending to `out`.
pub(crate) fn execute(
    set: &Templates,
    name: &str,
    data: &Value,
    out: &mut String,
    opts: ExecOptions,
    nesting: usize,
) -> R<()> {
    let Some(tree) = set.tree(name) else {
        return Err(Error::NoTemplate {
            name: name.to_string(),
            set: set.name().to_string(),
        });
    };
    let dot = Rv {
        v: data.clone(),
        iface: false,
    };
    let mut s = State {
        set,
        tree,
        node: None,
        vars: vec![("$", dot.clone())],
        depth: 0,
        opts,
        nesting,
        steps: 0,
    };
    s.walk_list(&dot, &tree.root, out)?;
    Ok(())
}

type BuiltinFn = fn(&[Rv]) -> Result<Value, String>;

enum Callee<'c> {
    Builtin(&'c str, Option<BuiltinFn>),
    Func(&'c crate::func::Func),
    Method(Arc<dyn Object>),
}

impl<'t> State<'t> {
    fn at(&mut self, n: NodeRef<'t>) {
        self.node = Some(n);
    }

    fn errorf(&self, msg: impl Into<String>) -> Error {
        let message = msg.into();
        match self.node {
            None => Error::Exec(ExecError {
                template: self.tree.name.clone(),
                location: None,
                context: None,
                message,
            }),
            Some(n) => {
                let pos = n.pos().min(self.tree.text.len());
                let text = self.tree.text.get(..pos).unwrap_or("");
                let (line, col) = match text.rfind('\n') {
                    None => (1, pos),
                    Some(i) => (1 + text.matches('\n').count(), pos - (i + 1)),
                };
                Error::Exec(ExecError {
                    template: self.tree.name.clone(),
                    location: Some(format!("{}:{}:{}", self.tree.parse_name, line, col)),
                    context: Some(n.to_string()),
                    message,
                })
            }
        }
    }

    fn mark(&self) -> usize {
        self.vars.len()
    }

    fn pop(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }

    fn set_var(&mut self, name: &str, v: Rv) -> R<()> {
        for slot in self.vars.iter_mut().rev() {
            if slot.0 == name {
                slot.1 = v;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, v: Rv) {
        let len = self.vars.len();
        if n <= len {
            self.vars[len - n].1 = v;
        }
    }

    fn var_value(&self, name: &str) -> R<Rv> {
        for slot in self.vars.iter().rev() {
            if slot.0 == name {
                return Ok(slot.1.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    // ---- walking ---------------------------------------------------------------------

    fn walk_list(&mut self, dot: &Rv, list: &'t ListNode, out: &mut String) -> R<Flow> {
        self.at(NodeRef::List(list));
        for n in &list.nodes {
            let f = self.walk(dot, n, out)?;
            if f != Flow::Normal {
                return Ok(f);
            }
        }
        Ok(Flow::Normal)
    }

    fn step(&mut self) -> R<()> {
        self.steps += 1;
        match self.opts.max_steps {
            Some(max) if self.steps > max => {
                Err(self.errorf(format!("exceeded the execution budget of {max} steps")))
            }
            _ => Ok(()),
        }
    }

    fn walk(&mut self, dot: &Rv, node: &'t Node, out: &mut String) -> R<Flow> {
        self.at(NodeRef::Node(node));
        self.step()?;
        match node {
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(dot, Some(pipe))?;
                if pipe.decl.is_empty() {
                    self.print_value(NodeRef::Node(node), &val, out)?;
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::Comment { .. } => {}
            Node::Branch(b) => {
                return stacker::maybe_grow(64 * 1024, 1024 * 1024, || match b.kind {
                    BranchKind::Range => self.walk_range(dot, node, b, out),
                    _ => self.walk_if_or_with(dot, b, out),
                });
            }
            Node::Template { name, pipe, .. } => {
                return stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    self.walk_template(dot, node, name, pipe.as_ref(), out)
                });
            }
            Node::Text { text, .. } => out.push_str(text),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, dot: &Rv, b: &'t Branch, out: &mut String) -> R<Flow> {
        let mark = self.mark();
        let r = (|| {
            let val = self.eval_pipeline(dot, Some(&b.pipe))?;
            if val.truth() {
                if b.kind == BranchKind::With {
                    self.walk_list(&Rv::plain(val), &b.list, out)
                } else {
                    self.walk_list(dot, &b.list, out)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(dot, e, out)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.pop(mark);
        r
    }

    fn walk_range(&mut self, dot: &Rv, node: &'t Node, r: &'t Branch, out: &mut String) -> R<Flow> {
        self.at(NodeRef::Node(node));
        let mark0 = self.mark();
        let res = self.walk_range_inner(dot, r, out);
        self.pop(mark0);
        res.map(|_| Flow::Normal)
    }

    fn one_iteration(
        &mut self,
        r: &'t Branch,
        mark: usize,
        index: Rv,
        elem: Rv,
        out: &mut String,
    ) -> R<Flow> {
        self.step()?;
        let decl = &r.pipe.decl;
        if !decl.is_empty() {
            if r.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0].name, index.clone())?;
                } else {
                    self.set_var(&decl[0].name, elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if r.pipe.is_assign {
                self.set_var(&decl[1].name, elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let f = self.walk_list(&elem, &r.list, out);
        self.pop(mark);
        f
    }

    fn walk_range_inner(&mut self, dot: &Rv, r: &'t Branch, out: &mut String) -> R<()> {
        let val = self.eval_pipeline(dot, Some(&r.pipe))?;
        let mark = self.mark();
        let data = builtins::data_of(&val);
        match &data {
            Value::List(l) if !l.items.is_empty() => {
                let iface = l.elem == GoType::Interface;
                for (i, e) in l.items.iter().enumerate() {
                    let f = self.one_iteration(
                        r,
                        mark,
                        Rv::plain(Value::int(i as i64)),
                        Rv {
                            v: e.clone(),
                            iface,
                        },
                        out,
                    )?;
                    if f == Flow::Break {
                        break;
                    }
                }
                return Ok(());
            }
            Value::Bytes(b) if !b.is_empty() => {
                for (i, c) in b.iter().enumerate() {
                    let e = Value::Uint(u64::from(*c), crate::value::UintType::Uint8);
                    let f = self.one_iteration(
                        r,
                        mark,
                        Rv::plain(Value::int(i as i64)),
                        Rv::plain(e),
                        out,
                    )?;
                    if f == Flow::Break {
                        break;
                    }
                }
                return Ok(());
            }
            Value::Map(m) if !m.is_empty() => {
                let iface = m.elem == GoType::Interface;
                // Go's walkRange sorts the map with internal/fmtsort, which copies
                // every key and value before the first iteration: changes the body
                // makes to the map (Sprig's set/unset) are not seen by this loop. A
                // snapshot does the same and holds no lock while the body runs.
                for (k, e) in m.snapshot() {
                    let key = Rv::plain(Value::String(Arc::from(k.as_str())));
                    let f = self.one_iteration(
                        r,
                        mark,
                        key,
                        Rv {
                            v: e.clone(),
                            iface,
                        },
                        out,
                    )?;
                    if f == Flow::Break {
                        break;
                    }
                }
                return Ok(());
            }
            Value::Int(..) | Value::Uint(..) => {
                if r.pipe.decl.len() > 1 {
                    let msg = format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint(std::slice::from_ref(&val))
                    );
                    return Err(self.errorf(msg));
                }
                let mut ran = false;
                match &data {
                    Value::Int(n, t) => {
                        for i in 0..(*n).max(0) {
                            ran = true;
                            let f = self.one_iteration(
                                r,
                                mark,
                                Rv::plain(Value::Missing),
                                Rv::plain(Value::Int(i, *t)),
                                out,
                            )?;
                            if f == Flow::Break {
                                break;
                            }
                        }
                    }
                    Value::Uint(n, t) => {
                        for i in 0..*n {
                            ran = true;
                            let f = self.one_iteration(
                                r,
                                mark,
                                Rv::plain(Value::Missing),
                                Rv::plain(Value::Uint(i, *t)),
                                out,
                            )?;
                            if f == Flow::Break {
                                break;
                            }
                        }
                    }
                    _ => {}
                }
                if ran {
                    return Ok(());
                }
            }
            Value::List(_) | Value::Bytes(_) | Value::Map(_) | Value::Missing | Value::Nil => {}
            _ => {
                let msg = format!(
                    "range can't iterate over {}",
                    gofmt::sprint(std::slice::from_ref(&val))
                );
                return Err(self.errorf(msg));
            }
        }
        if let Some(e) = &r.else_list {
            self.walk_list(dot, e, out)?;
        }
        Ok(())
    }

    fn walk_template(
        &mut self,
        dot: &Rv,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t Pipe>,
        out: &mut String,
    ) -> R<Flow> {
        self.at(NodeRef::Node(node));
        let Some(tmpl) = self.set.tree(name) else {
            return Err(self.errorf(format!("template {} not defined", gofmt::quote(name))));
        };
        if self.depth >= self.opts.max_depth {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({})",
                self.opts.max_depth
            )));
        }
        let newdot = Rv::plain(self.eval_pipeline(dot, pipe)?);
        let saved_tree = std::mem::replace(&mut self.tree, tmpl);
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$", newdot.clone())]);
        let saved_node = self.node;
        self.depth += 1;
        let r = self.walk_list(&newdot, &tmpl.root, out);
        self.depth -= 1;
        self.tree = saved_tree;
        self.vars = saved_vars;
        if r.is_ok() {
            self.node = saved_node;
        }
        r?;
        Ok(Flow::Normal)
    }

    // ---- evaluation ------------------------------------------------------------------

    fn eval_pipeline(&mut self, dot: &Rv, pipe: Option<&'t Pipe>) -> R<Value> {
        let Some(pipe) = pipe else {
            return Ok(Value::Missing);
        };
        self.at(NodeRef::Pipe(pipe));
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                self.eval_command(dot, cmd, value.take())
            })?;
            // An interface{} is unwrapped: a nil interface becomes the invalid value.
            value = Some(Rv {
                v: if matches!(v.v, Value::Nil) {
                    Value::Missing
                } else {
                    v.v
                },
                iface: false,
            });
        }
        let value = value.map(|r| r.v).unwrap_or(Value::Missing);
        for d in &pipe.decl {
            let rv = Rv {
                v: value.clone(),
                iface: false,
            };
            if pipe.is_assign {
                self.set_var(&d.name, rv)?;
            } else {
                self.vars.push((&d.name, rv));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'t [Arg], final_: &Option<Rv>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            let mut s = String::new();
            crate::node::write_arg(&mut s, &args[0]);
            return Err(self.errorf(format!("can't give argument to non-function {s}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'t Command, final_: Option<Rv>) -> R<Rv> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { idents, .. } => {
                return self.eval_field_chain_node(
                    dot,
                    first,
                    dot.clone(),
                    idents,
                    Some(&cmd.args),
                    final_,
                );
            }
            Arg::Chain { node, fields, .. } => {
                return self.eval_chain_node(dot, first, node, fields, Some(&cmd.args), final_);
            }
            Arg::Identifier { name, .. } => {
                return self.eval_function(
                    dot,
                    first,
                    name,
                    NodeRef::Cmd(cmd),
                    Some(&cmd.args),
                    final_,
                );
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return Ok(Rv::plain(self.eval_pipeline(dot, Some(p))?));
            }
            Arg::Variable { idents, .. } => {
                return self.eval_variable_node(dot, first, idents, Some(&cmd.args), final_);
            }
            _ => {}
        }
        self.at(NodeRef::Arg(first));
        self.not_a_function(&cmd.args, &final_)?;
        match first {
            Arg::Bool { val, .. } => Ok(Rv::plain(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.errorf("nil is not a command")),
            Arg::Number { num, .. } => Ok(Rv::plain(self.ideal_constant(first, num)?)),
            Arg::String { value, .. } => Ok(Rv::plain(value.clone())),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                gofmt::quote(&NodeRef::Arg(first).to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, n: &'t Arg, c: &Number) -> R<Value> {
        self.at(NodeRef::Arg(n));
        let t = &c.text;
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if c.is_complex {
            return Err(self.errorf(format!("complex constant {t} is not supported")));
        }
        if c.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::float(c.float64));
        }
        if c.is_int {
            return Ok(Value::Int(c.int64, IntType::Int));
        }
        if c.is_uint {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(Value::Missing)
    }

    fn eval_field_chain_node(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        receiver: Rv,
        idents: &'t [Str],
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Arg(node));
        self.eval_field_chain(dot, receiver, node, idents, args, final_)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Rv,
        chain: &'t Arg,
        inner: &'t Arg,
        fields: &'t [Str],
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Arg(chain));
        if fields.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if let Arg::Nil { .. } = inner {
            return Err(self.errorf(format!(
                "indirection through explicit nil in {}",
                NodeRef::Arg(chain)
            )));
        }
        let pipe = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(dot, pipe, chain, fields, args, final_)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Rv,
        var: &'t Arg,
        idents: &'t [Str],
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Arg(var));
        let value = self.var_value(&idents[0])?;
        if idents.len() == 1 {
            if let Some(a) = args {
                self.not_a_function(a, &final_)?;
            } else if final_.is_some() {
                return Err(self.errorf(format!(
                    "can't give argument to non-function {}",
                    NodeRef::Arg(var)
                )));
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, value, var, &idents[1..], args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        mut receiver: Rv,
        node: &'t Arg,
        idents: &'t [Str],
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        let n = idents.len();
        for id in &idents[..n - 1] {
            receiver = self.eval_field(dot, id, node, None, None, receiver)?;
        }
        self.eval_field(dot, &idents[n - 1], node, args, final_, receiver)
    }

    fn eval_function(
        &mut self,
        dot: &Rv,
        ident: &'t Arg,
        name: &'t str,
        cmd: NodeRef<'t>,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Arg(ident));
        let set: &'t Templates = self.set;
        if let Some(f) = set.func(name) {
            return self.eval_call(dot, Callee::Func(f), f.signature(), cmd, name, args, final_);
        }
        match builtins::lookup(name) {
            Some((sig, b)) => {
                self.eval_call(dot, Callee::Builtin(name, *b), sig, cmd, name, args, final_)
            }
            None => Err(self.errorf(format!("{} is not a defined function", gofmt::quote(name)))),
        }
    }

    fn eval_field(
        &mut self,
        dot: &Rv,
        name: &'t str,
        node: &'t Arg,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
        receiver: Rv,
    ) -> R<Rv> {
        if matches!(receiver.v, Value::Missing) {
            if self.opts.missing_key == MissingKey::Error {
                return Err(
                    self.errorf(format!("nil data; no entry for key {}", gofmt::quote(name)))
                );
            }
            return Ok(Rv::plain(Value::Missing));
        }
        if matches!(receiver.v, Value::Nil) {
            return Err(self.errorf(format!(
                "nil pointer evaluating {}.{name}",
                receiver.static_type()
            )));
        }
        if let Value::Object(o) = &receiver.v
            && let Some(sig) = o.method(name)
        {
            return self.eval_call(
                dot,
                Callee::Method(o.clone()),
                &sig,
                NodeRef::Arg(node),
                name,
                args,
                final_,
            );
        }
        let has_args = args.is_some_and(|a| a.len() > 1) || final_.is_some();
        let map_lookup = |s: &Self, m: &Map| -> R<Rv> {
            if has_args {
                return Err(s.errorf(format!("{name} is not a method but has arguments")));
            }
            let iface = m.elem == GoType::Interface;
            match m.get(name) {
                Some(v) => Ok(Rv { v, iface }),
                None => match s.opts.missing_key {
                    MissingKey::Default => Ok(Rv::plain(Value::Missing)),
                    MissingKey::Zero => Ok(Rv {
                        v: m.elem.zero(),
                        iface,
                    }),
                    MissingKey::Error => {
                        Err(s.errorf(format!("map has no entry for key {}", gofmt::quote(name))))
                    }
                },
            }
        };
        match &receiver.v {
            Value::Map(m) => return map_lookup(self, m),
            Value::Object(o) => {
                if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Rv::plain(v));
                }
                if let Some(Value::Map(m)) = o.as_data() {
                    return map_lookup(self, &m);
                }
            }
            _ => {}
        }
        Err(self.errorf(format!(
            "can't evaluate field {name} in type {}",
            receiver.static_type()
        )))
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        dot: &Rv,
        callee: Callee<'_>,
        sig: &Signature,
        node: NodeRef<'t>,
        name: &str,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        let args: &'t [Arg] = match args {
            Some(a) if !a.is_empty() => &a[1..],
            _ => &[],
        };
        let num_in = args.len() + usize::from(final_.is_some());
        let mut num_fixed = args.len();
        if sig.variadic.is_some() {
            num_fixed = sig.params.len();
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    sig.params.len(),
                    args.len()
                )));
            }
        } else if num_in != sig.params.len() {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {} got {num_in}",
                sig.params.len()
            )));
        }

        let is_builtin = matches!(callee, Callee::Builtin(..));
        if is_builtin && (name == "and" || name == "or") {
            let mut v = Rv::plain(Value::Missing);
            for a in args {
                v = self.eval_arg_rv(dot, Some(&GoType::ReflectValue), a)?;
                if v.v.truth() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = final_ {
                v = Rv {
                    v: self.validate_type(f, Some(&GoType::ReflectValue))?,
                    iface: false,
                };
            }
            return Ok(v);
        }

        let mut argv: Vec<Rv> = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            argv.push(self.eval_arg_rv(dot, Some(sig.param(i)), &args[i])?);
            i += 1;
        }
        if let Some(vt) = &sig.variadic {
            while i < args.len() {
                argv.push(self.eval_arg_rv(dot, Some(vt), &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = final_ {
            let t = match &sig.variadic {
                Some(vt) => {
                    if num_in - 1 < num_fixed {
                        sig.params[num_in - 1].clone()
                    } else {
                        vt.clone()
                    }
                }
                None => sig.params.last().cloned().unwrap_or(GoType::Interface),
            };
            let keep_iface = t == GoType::ReflectValue && f.iface;
            let v = self.validate_type(f, Some(&t))?;
            argv.push(Rv {
                v,
                iface: keep_iface,
            });
        }

        let result = match callee {
            Callee::Builtin("call", _) => self.builtin_call(args, &argv),
            Callee::Builtin(_, Some(b)) => b(&argv),
            Callee::Builtin(..) => Err("unreachable".to_string()),
            Callee::Func(f) => {
                let vals: Vec<Value> = argv.into_iter().map(|r| r.v).collect();
                let ctx = Context {
                    set: self.set,
                    options: self.opts,
                    nesting: self.nesting,
                    template: &self.tree.name,
                };
                f.call(&ctx, &vals).map_err(|e| e.to_string())
            }
            Callee::Method(o) => {
                let vals: Vec<Value> = argv.into_iter().map(|r| r.v).collect();
                let ctx = Context {
                    set: self.set,
                    options: self.opts,
                    nesting: self.nesting,
                    template: &self.tree.name,
                };
                o.call_method(name, &ctx, &vals).map_err(|e| e.to_string())
            }
        };
        match result {
            Ok(v) => Ok(Rv::plain(v)),
            Err(e) => {
                self.at(node);
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    /// The `call` builtin: `call fn args...`.
    fn builtin_call(&mut self, args: &'t [Arg], argv: &[Rv]) -> Result<Value, String> {
        let callee_name = args
            .first()
            .map(|a| NodeRef::Arg(a).to_string())
            .unwrap_or_default();
        let fnv = match argv.first().map(|r| &r.v) {
            Some(Value::Nil | Value::Missing) | None => return Err("call of nil".into()),
            Some(v) => v.clone(),
        };
        let Value::Func(f) = fnv else {
            return Err(format!(
                "non-function {} of type {}",
                callee_name,
                fnv.type_name()
            ));
        };
        let sig = f.signature().clone();
        let rest = &argv[1..];
        if sig.variadic.is_some() {
            if rest.len() < sig.params.len() {
                return Err(format!(
                    "wrong number of args for {callee_name}: got {} want at least {}",
                    rest.len(),
                    sig.params.len()
                ));
            }
        } else if rest.len() != sig.params.len() {
            return Err(format!(
                "wrong number of args for {callee_name}: got {} want {}",
                rest.len(),
                sig.params.len()
            ));
        }
        let mut vals = Vec::with_capacity(rest.len());
        for (i, a) in rest.iter().enumerate() {
            let t = sig.param(i);
            let v = if a.v.is_nil() {
                Value::Missing
            } else {
                a.v.clone()
            };
            let v = match v {
                Value::Missing => {
                    if !t.can_be_nil() {
                        return Err(format!("arg {i}: value is nil; should be of type {t}"));
                    }
                    t.zero()
                }
                v if t.accepts(&v) => v,
                Value::Int(x, _) if matches!(t, GoType::Int(_)) => match t {
                    GoType::Int(it) => Value::Int(x, *it),
                    _ => v,
                },
                v => {
                    return Err(format!(
                        "arg {i}: value has type {}; should be {t}",
                        v.type_name()
                    ));
                }
            };
            vals.push(v);
        }
        let ctx = Context {
            set: self.set,
            options: self.opts,
            nesting: self.nesting,
            template: &self.tree.name,
        };
        f.call(&ctx, &vals).map_err(|e| e.to_string())
    }

    fn validate_type(&mut self, value: Rv, typ: Option<&GoType>) -> R<Value> {
        if matches!(value.v, Value::Missing) {
            return match typ {
                None => Ok(Value::Missing),
                Some(t) if t.can_be_nil() => Ok(t.zero()),
                Some(t) => Err(self.errorf(format!("invalid value; expected {t}"))),
            };
        }
        if let Some(t) = typ
            && !t.accepts(&value.v)
        {
            // A host object whose Go type is a named map or slice type (helm's
            // `common.Values`, `engine.files`) is assignable to its underlying type.
            if let Value::Object(o) = &value.v
                && let Some(d) = o.as_data()
                && t.accepts(&d)
            {
                return Ok(d);
            }
            return Err(self.errorf(format!(
                "wrong type for value; expected {t}; got {}",
                value_type_for_error(&value.v)
            )));
        }
        Ok(value.v)
    }

    fn eval_arg_rv(&mut self, dot: &Rv, typ: Option<&GoType>, n: &'t Arg) -> R<Rv> {
        let keep_iface = matches!(typ, Some(GoType::ReflectValue));
        self.at(NodeRef::Arg(n));
        let (v, iface) = match n {
            Arg::Dot { .. } => (self.validate_type(dot.clone(), typ)?, dot.iface),
            Arg::Field { idents, .. } => {
                let r = self.eval_field_chain_node(
                    dot,
                    n,
                    dot.clone(),
                    idents,
                    Some(std::slice::from_ref(n)),
                    None,
                )?;
                let iface = r.iface;
                (self.validate_type(r, typ)?, iface)
            }
            Arg::Variable { idents, .. } => {
                let r = self.eval_variable_node(dot, n, idents, None, None)?;
                let iface = r.iface;
                (self.validate_type(r, typ)?, iface)
            }
            Arg::Chain { node, fields, .. } => {
                let r = self.eval_chain_node(dot, n, node, fields, None, None)?;
                let iface = r.iface;
                (self.validate_type(r, typ)?, iface)
            }
            _ => (self.eval_arg(dot, typ, n)?.v, false),
        };
        Ok(Rv {
            v,
            iface: keep_iface && iface,
        })
    }

    fn eval_arg(&mut self, dot: &Rv, typ: Option<&GoType>, n: &'t Arg) -> R<Rv> {
        self.at(NodeRef::Arg(n));
        match n {
            Arg::Dot { .. } => {
                return Ok(Rv {
                    v: self.validate_type(dot.clone(), typ)?,
                    iface: dot.iface && typ.is_none(),
                });
            }
            Arg::Nil { .. } => {
                return match typ {
                    Some(t) if t.can_be_nil() => Ok(Rv::plain(t.zero())),
                    Some(t) => Err(self.errorf(format!("cannot assign nil to {t}"))),
                    None => Err(self.errorf("cannot assign nil to <nil>")),
                };
            }
            Arg::Field { idents, .. } => {
                let r = self.eval_field_chain_node(
                    dot,
                    n,
                    dot.clone(),
                    idents,
                    Some(std::slice::from_ref(n)),
                    None,
                )?;
                let iface = r.iface && typ.is_none();
                return Ok(Rv {
                    v: self.validate_type(r, typ)?,
                    iface,
                });
            }
            Arg::Variable { idents, .. } => {
                let r = self.eval_variable_node(dot, n, idents, None, None)?;
                let iface = r.iface && typ.is_none();
                return Ok(Rv {
                    v: self.validate_type(r, typ)?,
                    iface,
                });
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, Some(p))?;
                return Ok(Rv::plain(self.validate_type(Rv::plain(v), typ)?));
            }
            Arg::Identifier { name, .. } => {
                let r = self.eval_function(dot, n, name, NodeRef::Arg(n), None, None)?;
                return Ok(Rv::plain(self.validate_type(r, typ)?));
            }
            Arg::Chain { node, fields, .. } => {
                let r = self.eval_chain_node(dot, n, node, fields, None, None)?;
                let iface = r.iface && typ.is_none();
                return Ok(Rv {
                    v: self.validate_type(r, typ)?,
                    iface,
                });
            }
            _ => {}
        }
        let Some(typ) = typ else {
            return Err(self.errorf(format!(
                "can't handle {} for arg of type <nil>",
                NodeRef::Arg(n)
            )));
        };
        let found = || NodeRef::Arg(n).to_string();
        let v = match typ {
            GoType::Bool => match n {
                Arg::Bool { val, .. } => Value::Bool(*val),
                _ => return Err(self.errorf(format!("expected bool; found {}", found()))),
            },
            GoType::Float(t) => match n {
                Arg::Number { num, .. } if num.is_float => Value::Float(num.float64, *t),
                _ => return Err(self.errorf(format!("expected float; found {}", found()))),
            },
            GoType::Int(t) => match n {
                Arg::Number { num, .. } if num.is_int => {
                    Value::Int(truncate_int(num.int64, *t), *t)
                }
                _ => return Err(self.errorf(format!("expected integer; found {}", found()))),
            },
            GoType::Uint(t) => match n {
                Arg::Number { num, .. } if num.is_uint => Value::Uint(num.uint64, *t),
                _ => {
                    return Err(
                        self.errorf(format!("expected unsigned integer; found {}", found()))
                    );
                }
            },
            GoType::String => match n {
                Arg::String { value, .. } => value.clone(),
                _ => return Err(self.errorf(format!("expected string; found {}", found()))),
            },
            GoType::Interface | GoType::ReflectValue => self.eval_empty_interface(n)?,
            _ => return Err(self.errorf(format!("can't handle {} for arg of type {typ}", found()))),
        };
        Ok(Rv::plain(v))
    }

    fn eval_empty_interface(&mut self, n: &'t Arg) -> R<Value> {
        self.at(NodeRef::Arg(n));
        match n {
            Arg::Bool { val, .. } => Ok(Value::Bool(*val)),
            Arg::Number { num, .. } => self.ideal_constant(n, num),
            Arg::String { value, .. } => Ok(value.clone()),
            _ => Err(self.errorf(format!(
                "can't handle assignment of {} to empty interface argument",
                NodeRef::Arg(n)
            ))),
        }
    }

    fn print_value(&mut self, n: NodeRef<'t>, v: &Value, out: &mut String) -> R<()> {
        self.at(n);
        match v {
            Value::Missing | Value::Nil => out.push_str("<no value>"),
            Value::Func(_) => {
                return Err(self.errorf(format!("can't print {} of type {}", n, v.type_name())));
            }
            Value::String(s) => out.push_str(s),
            v => gofmt::fprint(out, std::slice::from_ref(v)),
        }
        Ok(())
    }
}

fn value_type_for_error(v: &Value) -> String {
    match v {
        Value::Nil => "interface {}".to_string(),
        v => v.type_name().into_owned(),
    }
}

fn truncate_int(i: i64, t: IntType) -> i64 {
    match t {
        IntType::Int8 => i64::from(i as i8),
        IntType::Int16 => i64::from(i as i16),
        IntType::Int32 => i64::from(i as i32),
        _ => i,
    }
}

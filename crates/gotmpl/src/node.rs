//! The parse tree, as Go's `text/template/parse/node.go`, with Go's `String()` forms
//! (used verbatim in error messages).

use std::fmt::{self, Write as _};
use std::sync::Arc;

use crate::value::{Str, Value};

/// A parsed number literal with every interpretation Go's `NumberNode` records.
#[derive(Debug, Clone)]
pub(crate) struct Number {
    pub text: String,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int64: i64,
    pub uint64: u64,
    pub float64: f64,
}

/// An operand (Go's argument nodes).
#[derive(Debug)]
pub(crate) enum Arg {
    Identifier {
        pos: usize,
        name: Str,
    },
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Bool {
        pos: usize,
        val: bool,
    },
    Number {
        pos: usize,
        num: Box<Number>,
    },
    String {
        pos: usize,
        quoted: Str,
        value: Value,
    },
    Field {
        pos: usize,
        idents: Vec<Str>,
    },
    Variable {
        pos: usize,
        idents: Vec<Str>,
    },
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<Str>,
    },
    Pipe(Box<Pipe>),
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. }
            | Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Chain { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug)]
pub(crate) struct VarDecl {
    pub name: Str,
}

#[derive(Debug)]
pub(crate) struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<VarDecl>,
    pub cmds: Vec<Command>,
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // Deeply nested parenthesized pipelines: drop without overflowing the stack.
        let cmds = std::mem::take(&mut self.cmds);
        if !cmds.is_empty() {
            stacker::maybe_grow(32 * 1024, 1024 * 1024, move || drop(cmds));
        }
    }
}

#[derive(Debug)]
pub(crate) struct ListNode {
    pub pos: usize,
    pub nodes: Vec<Node>,
}

impl Drop for ListNode {
    fn drop(&mut self) {
        let nodes = std::mem::take(&mut self.nodes);
        if !nodes.is_empty() {
            stacker::maybe_grow(32 * 1024, 1024 * 1024, move || drop(nodes));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BranchKind {
    If,
    Range,
    With,
}

#[derive(Debug)]
pub(crate) struct Branch {
    pub kind: BranchKind,
    pub pos: usize,
    pub pipe: Pipe,
    pub list: ListNode,
    pub else_list: Option<ListNode>,
}

#[derive(Debug)]
pub(crate) enum Node {
    Text {
        pos: usize,
        text: Arc<str>,
    },
    Action {
        pos: usize,
        pipe: Pipe,
    },
    Comment {
        pos: usize,
        text: String,
    },
    Branch(Box<Branch>),
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break {
        pos: usize,
    },
    Continue {
        pos: usize,
    },
}

impl Node {
    pub fn pos(&self) -> usize {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Comment { pos, .. }
            | Node::Template { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos } => *pos,
            Node::Branch(b) => b.pos,
        }
    }
}

/// A reference to any node, for error context (`s.at(node)` in Go).
#[derive(Clone, Copy)]
pub(crate) enum NodeRef<'t> {
    Node(&'t Node),
    List(&'t ListNode),
    Pipe(&'t Pipe),
    Cmd(&'t Command),
    Arg(&'t Arg),
}

impl NodeRef<'_> {
    pub fn pos(&self) -> usize {
        match self {
            NodeRef::Node(n) => n.pos(),
            NodeRef::List(l) => l.pos,
            NodeRef::Pipe(p) => p.pos,
            NodeRef::Cmd(c) => c.pos,
            NodeRef::Arg(a) => a.pos(),
        }
    }
}

impl fmt::Display for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        match self {
            NodeRef::Node(n) => write_node(&mut s, n),
            NodeRef::List(l) => write_list(&mut s, l),
            NodeRef::Pipe(p) => write_pipe(&mut s, p),
            NodeRef::Cmd(c) => write_cmd(&mut s, c),
            NodeRef::Arg(a) => write_arg(&mut s, a),
        }
        f.write_str(&s)
    }
}

pub(crate) fn write_arg(s: &mut String, a: &Arg) {
    match a {
        Arg::Identifier { name, .. } => s.push_str(name),
        Arg::Dot { .. } => s.push('.'),
        Arg::Nil { .. } => s.push_str("nil"),
        Arg::Bool { val, .. } => s.push_str(if *val { "true" } else { "false" }),
        Arg::Number { num, .. } => s.push_str(&num.text),
        Arg::String { quoted, .. } => s.push_str(quoted),
        Arg::Field { idents, .. } => {
            for i in idents {
                s.push('.');
                s.push_str(i);
            }
        }
        Arg::Variable { idents, .. } => s.push_str(&idents.join(".")),
        Arg::Chain { node, fields, .. } => {
            if let Arg::Pipe(p) = &**node {
                s.push('(');
                write_pipe(s, p);
                s.push(')');
            } else {
                write_arg(s, node);
            }
            for f in fields {
                s.push('.');
                s.push_str(f);
            }
        }
        Arg::Pipe(p) => write_pipe(s, p),
    }
}

pub(crate) fn write_cmd(s: &mut String, c: &Command) {
    for (i, a) in c.args.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        if let Arg::Pipe(p) = a {
            s.push('(');
            write_pipe(s, p);
            s.push(')');
            continue;
        }
        write_arg(s, a);
    }
}

pub(crate) fn write_pipe(s: &mut String, p: &Pipe) {
    stacker::maybe_grow(32 * 1024, 1024 * 1024, || {
        if !p.decl.is_empty() {
            for (i, v) in p.decl.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&v.name);
            }
            s.push_str(if p.is_assign { " = " } else { " := " });
        }
        for (i, c) in p.cmds.iter().enumerate() {
            if i > 0 {
                s.push_str(" | ");
            }
            write_cmd(s, c);
        }
    })
}

pub(crate) fn write_list(s: &mut String, l: &ListNode) {
    for n in &l.nodes {
        write_node(s, n);
    }
}

pub(crate) fn write_node(s: &mut String, n: &Node) {
    stacker::maybe_grow(32 * 1024, 1024 * 1024, || match n {
        Node::Text { text, .. } => s.push_str(text),
        Node::Action { pipe, .. } => {
            s.push_str("{{");
            write_pipe(s, pipe);
            s.push_str("}}");
        }
        Node::Comment { text, .. } => {
            let _ = write!(s, "{{{{{text}}}}}");
        }
        Node::Branch(b) => {
            let name = match b.kind {
                BranchKind::If => "if",
                BranchKind::Range => "range",
                BranchKind::With => "with",
            };
            s.push_str("{{");
            s.push_str(name);
            s.push(' ');
            write_pipe(s, &b.pipe);
            s.push_str("}}");
            write_list(s, &b.list);
            if let Some(e) = &b.else_list {
                s.push_str("{{else}}");
                write_list(s, e);
            }
            s.push_str("{{end}}");
        }
        Node::Template { name, pipe, .. } => {
            s.push_str("{{template ");
            s.push_str(&crate::gofmt::quote(name));
            if let Some(p) = pipe {
                s.push(' ');
                write_pipe(s, p);
            }
            s.push_str("}}");
        }
        Node::Break { .. } => s.push_str("{{break}}"),
        Node::Continue { .. } => s.push_str("{{continue}}"),
    })
}

/// Go's `parse.IsEmptyTree`: only whitespace text and comments.
pub(crate) fn is_empty_tree(l: &ListNode) -> bool {
    l.nodes.iter().all(|n| match n {
        Node::Comment { .. } => true,
        Node::Text { text, .. } => text.trim_matches(is_go_space).is_empty(),
        _ => false,
    })
}

/// `unicode.IsSpace` as `bytes.TrimSpace` uses it.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

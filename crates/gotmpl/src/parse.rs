//! The parser: a transcription of Go's `text/template/parse/parse.go` with its
//! three-token look-ahead, so that error messages and their line numbers match Go's.

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::ParseError;
use crate::lex::{Item, ItemType, Lexer};
use crate::node::{Arg, Branch, BranchKind, Command, ListNode, Node, Number, Pipe, VarDecl};
use crate::value::{Str, Value};

/// Go's `maxStackDepth` for nested parenthesized pipelines.
const MAX_STACK_DEPTH: usize = 10000;
/// Go's `maxPipelineCmds`.
const MAX_PIPELINE_CMDS: usize = 100000;
/// Our own bound on nested control structures (Go has none; it relies on growable
/// stacks). Real templates never come close.
const MAX_CONTROL_DEPTH: usize = 10000;

/// One parsed template: a file or a `define`/`block` within one.
#[derive(Debug)]
pub(crate) struct Tree {
    pub name: String,
    /// The name given to `parse` (the file), for error locations.
    pub parse_name: Arc<str>,
    /// The whole text that was parsed, for error line/column computation.
    pub text: Arc<str>,
    pub root: ListNode,
}

type PResult<T> = Result<T, ParseError>;

/// Texts longer than this are not looked up in the [`Interner`]: long text between
/// actions rarely repeats, and hashing it would cost more than it saves.
const MAX_INTERNED_TEXT: usize = 64;

/// The names, literals and short texts already allocated by the parses of a set, so
/// that nodes repeating them (`.Values`, `include`, `"common.names.fullname"`, a newline
/// and indentation) share one allocation instead of making (and later freeing) their own.
///
/// Cloning gives an empty interner: a clone of a set only needs the strings of what is
/// parsed into it afterwards.
#[derive(Default)]
pub(crate) struct Interner(HashSet<Str, foldhash::fast::RandomState>);

impl Clone for Interner {
    fn clone(&self) -> Interner {
        Interner::default()
    }
}

impl Interner {
    fn get(&mut self, s: &str) -> Str {
        if let Some(x) = self.0.get(s) {
            return x.clone();
        }
        let x: Str = Arc::from(s);
        self.0.insert(x.clone());
        x
    }
}

/// What `action()` returns: a node, or the `{{end}}`/`{{else}}` that ends a list.
enum Parsed {
    Node(Node),
    End,
    Else { pos: usize },
}

impl Parsed {
    fn describe(&self) -> &'static str {
        match self {
            Parsed::End => "{{end}}",
            Parsed::Else { .. } => "{{else}}",
            Parsed::Node(_) => "node",
        }
    }
}

/// Per-tree parsing state (Go keeps it in each `Tree`; `define` and `block` start a new
/// one on the shared lexer).
struct TreeState<'a> {
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
    stack_depth: usize,
}

fn eof_item() -> Item<'static> {
    Item {
        typ: ItemType::Eof,
        pos: 0,
        val: std::borrow::Cow::Borrowed(""),
        line: 1,
    }
}

impl TreeState<'_> {
    fn new() -> Self {
        TreeState {
            token: [eof_item(), eof_item(), eof_item()],
            peek_count: 0,
            vars: vec!["$".to_string()],
            action_line: 0,
            range_depth: 0,
            stack_depth: 0,
        }
    }
}

pub(crate) struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    strings: &'f mut Interner,
    st: TreeState<'a>,
    parse_name: Arc<str>,
    text: Arc<str>,
    has_func: &'f dyn Fn(&str) -> bool,
    /// Trees defined during this parse, in order.
    pub trees: Vec<Tree>,
    control_depth: usize,
}

/// Parses `text` (named `name`) into trees: the top-level one first, then every
/// `define`/`block`, applying Go's per-parse duplicate rules.
pub(crate) fn parse(
    name: &str,
    text: &str,
    left: &str,
    right: &str,
    has_func: &dyn Fn(&str) -> bool,
    strings: &mut Interner,
) -> PResult<Vec<Tree>> {
    let shared: Arc<str> = Arc::from(text);
    let parse_name: Arc<str> = Arc::from(name);
    let mut lex = Lexer::new(text, left, right);
    lex.break_ok = !has_func("break");
    lex.continue_ok = !has_func("continue");
    let mut p = Parser {
        lex,
        strings,
        st: TreeState::new(),
        parse_name,
        text: shared,
        has_func,
        trees: Vec::new(),
        control_depth: 0,
    };
    let root = p.parse_top()?;
    p.add(name.to_string(), root)?;
    // Go's Parse adds the top-level tree after the definitions; keep it first in ours.
    let top = p.trees.pop();
    let mut trees = p.trees;
    if let Some(t) = top {
        trees.insert(0, t);
    }
    Ok(trees)
}

impl<'a, 'f> Parser<'a, 'f> {
    // ---- token plumbing --------------------------------------------------------------

    fn next(&mut self) -> Item<'a> {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.token[0] = self.lex.next_item();
        }
        self.st.token[self.st.peek_count].clone()
    }

    fn backup(&mut self) {
        self.st.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.st.token[1] = t1;
        self.st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.st.token[1] = t1;
        self.st.token[2] = t2;
        self.st.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        if self.st.peek_count > 0 {
            return self.st.token[self.st.peek_count - 1].clone();
        }
        self.st.peek_count = 1;
        self.st.token[0] = self.lex.next_item();
        self.st.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf(&self, msg: impl Into<String>) -> ParseError {
        ParseError {
            name: self.parse_name.to_string(),
            line: self.st.token[0].line,
            message: msg.into(),
        }
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item<'a>> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, token: &Item<'_>, context: &str) -> ParseError {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.st.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    // ---- trees -----------------------------------------------------------------------

    /// Go's `Tree.add` within one parse: a second non-empty definition of a name is an
    /// error; an empty one never replaces a non-empty one.
    fn add(&mut self, name: String, root: ListNode) -> PResult<()> {
        if let Some(i) = self.trees.iter().position(|t| t.name == name) {
            if crate::node::is_empty_tree(&self.trees[i].root) {
                self.trees.remove(i);
            } else if !crate::node::is_empty_tree(&root) {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    crate::gofmt::quote(&name)
                )));
            } else {
                return Ok(());
            }
        }
        self.trees.push(Tree {
            name,
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root,
        });
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let pos = self.peek().pos;
        let mut root = ListNode {
            pos,
            nodes: Vec::new(),
        };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    let saved = std::mem::replace(&mut self.st, TreeState::new());
                    let r = self.parse_definition();
                    self.st = saved;
                    r?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                p @ (Parsed::End | Parsed::Else { .. }) => {
                    return Err(self.errorf(format!("unexpected {}", p.describe())));
                }
                Parsed::Node(n) => root.nodes.push(n),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name = self.next_non_space();
        if name.typ != ItemType::String && name.typ != ItemType::RawString {
            return Err(self.unexpected(&name, context));
        }
        let tname = unquote(&name.val).map_err(|e| self.errorf(e))?;
        self.expect(ItemType::RightDelim, context)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {}", end.describe(), context)));
        }
        self.add(tname, root)
    }

    fn item_list(&mut self) -> PResult<(ListNode, Parsed)> {
        let pos = self.peek_non_space().pos;
        let mut list = ListNode {
            pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                p @ (Parsed::End | Parsed::Else { .. }) => return Ok((list, p)),
                Parsed::Node(n) => list.nodes.push(n),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text {
                pos: token.pos,
                text: if token.val.len() <= MAX_INTERNED_TEXT {
                    self.strings.get(&token.val)
                } else {
                    Arc::from(&*token.val)
                },
            })),
            ItemType::LeftDelim => {
                self.st.action_line = token.line;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            ItemType::Comment => Ok(Parsed::Node(Node::Comment {
                pos: token.pos,
                text: token.val.into_owned(),
            })),
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control().map(Parsed::Node),
            ItemType::Break => return self.break_control(token.pos, true).map(Parsed::Node),
            ItemType::Continue => return self.break_control(token.pos, false).map(Parsed::Node),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => return self.control(BranchKind::If).map(Parsed::Node),
            ItemType::Range => return self.control(BranchKind::Range).map(Parsed::Node),
            ItemType::Template => return self.template_control().map(Parsed::Node),
            ItemType::With => return self.control(BranchKind::With).map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action {
            pos: token.pos,
            pipe,
        }))
    }

    fn break_control(&mut self, pos: usize, is_break: bool) -> PResult<Node> {
        let token = self.next_non_space();
        let name = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        if token.typ != ItemType::RightDelim {
            return Err(self.unexpected(&token, name));
        }
        if self.st.range_depth == 0 {
            return Err(self.errorf(format!("{name} outside {{{{range}}}}")));
        }
        Ok(if is_break {
            Node::Break { pos }
        } else {
            Node::Continue { pos }
        })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe {
            pos: token.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        // Declarations.
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let token_after = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(VarDecl {
                    name: self.strings.get(&v.val),
                });
                self.st.vars.push(v.val.to_string());
                break;
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(VarDecl {
                    name: self.strings.get(&v.val),
                });
                self.st.vars.push(v.val.to_string());
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue;
                        }
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if token_after.typ == ItemType::Space {
                self.backup3(v, token_after);
                break;
            } else {
                self.backup2(v);
                break;
            }
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                    if pipe.cmds.len() > MAX_PIPELINE_CMDS {
                        return Err(self.errorf("pipeline too long"));
                    }
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                )
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn control(&mut self, kind: BranchKind) -> PResult<Node> {
        if self.control_depth >= MAX_CONTROL_DEPTH {
            return Err(self.errorf("max nesting depth exceeded"));
        }
        self.control_depth += 1;
        let r = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.parse_control(kind));
        self.control_depth -= 1;
        r
    }

    fn parse_control(&mut self, kind: BranchKind) -> PResult<Node> {
        let context = match kind {
            BranchKind::If => "if",
            BranchKind::Range => "range",
            BranchKind::With => "with",
        };
        let nvars = self.st.vars.len();
        let r = self.parse_control_inner(kind, context);
        self.st.vars.truncate(nvars);
        r
    }

    fn parse_control_inner(&mut self, kind: BranchKind, context: &str) -> PResult<Node> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if kind == BranchKind::Range {
            self.st.range_depth += 1;
        }
        let r = self.item_list();
        if kind == BranchKind::Range {
            self.st.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        match next {
            Parsed::End => {}
            Parsed::Else { pos } => {
                let pk = self.peek().typ;
                if kind == BranchKind::If && pk == ItemType::If {
                    self.next();
                    let n = self.control(BranchKind::If)?;
                    else_list = Some(ListNode {
                        pos,
                        nodes: vec![n],
                    });
                } else if kind == BranchKind::With && pk == ItemType::With {
                    self.next();
                    let n = self.control(BranchKind::With)?;
                    else_list = Some(ListNode {
                        pos,
                        nodes: vec![n],
                    });
                } else {
                    let (l, next) = self.item_list()?;
                    if !matches!(next, Parsed::End) {
                        return Err(self.errorf(format!("expected end; found {}", next.describe())));
                    }
                    else_list = Some(l);
                }
            }
            Parsed::Node(_) => {}
        }
        Ok(Node::Branch(Box::new(Branch {
            kind,
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else { pos: peek.pos });
        }
        let token = self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else { pos: token.pos })
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let saved = std::mem::replace(&mut self.st, TreeState::new());
        let r = (|| -> PResult<ListNode> {
            let (root, end) = self.item_list()?;
            if !matches!(end, Parsed::End) {
                return Err(self.errorf(format!("unexpected {} in {}", end.describe(), context)));
            }
            Ok(root)
        })();
        self.st = saved;
        let root = r?;
        self.add(name.clone(), root)?;
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe,
        })
    }

    fn parse_template_name(&self, token: &Item<'_>, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                unquote(&token.val).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ == ItemType::Field {
            let chain_pos = self.peek().pos;
            let mut fields = Vec::new();
            while self.peek().typ == ItemType::Field {
                let f = self.next().val;
                let f: &str = &f;
                fields.push(self.strings.get(&f[1..]));
            }
            return Ok(Some(match node {
                Arg::Field { mut idents, .. } => {
                    idents.extend(fields);
                    Arg::Field {
                        pos: chain_pos,
                        idents,
                    }
                }
                Arg::Variable { mut idents, .. } => {
                    idents.extend(fields);
                    Arg::Variable {
                        pos: chain_pos,
                        idents,
                    }
                }
                Arg::Bool { .. }
                | Arg::String { .. }
                | Arg::Number { .. }
                | Arg::Nil { .. }
                | Arg::Dot { .. } => {
                    let mut s = String::new();
                    crate::node::write_arg(&mut s, &node);
                    return Err(self.errorf(format!(
                        "unexpected . after term {}",
                        crate::gofmt::quote(&s)
                    )));
                }
                other => Arg::Chain {
                    pos: chain_pos,
                    node: Box::new(other),
                    fields,
                },
            }));
        }
        Ok(Some(node))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let arg = match token.typ {
            ItemType::Identifier => {
                if !(self.has_func)(&token.val) && !crate::builtins::is_builtin(&token.val) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::gofmt::quote(&token.val)
                    )));
                }
                Arg::Identifier {
                    pos: token.pos,
                    name: self.strings.get(&token.val),
                }
            }
            ItemType::Dot => Arg::Dot { pos: token.pos },
            ItemType::Nil => Arg::Nil { pos: token.pos },
            ItemType::Variable => {
                let idents: Vec<Str> = token.val.split('.').map(|x| self.strings.get(x)).collect();
                if !self.st.vars.iter().any(|v| v.as_str() == &*idents[0]) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        crate::gofmt::quote(&idents[0])
                    )));
                }
                Arg::Variable {
                    pos: token.pos,
                    idents,
                }
            }
            ItemType::Field => Arg::Field {
                pos: token.pos,
                idents: token.val[1..]
                    .split('.')
                    .map(|x| self.strings.get(x))
                    .collect(),
            },
            ItemType::Bool => Arg::Bool {
                pos: token.pos,
                val: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let num = new_number(&token.val, token.typ).map_err(|e| self.errorf(e))?;
                Arg::Number {
                    pos: token.pos,
                    num: Box::new(num),
                }
            }
            ItemType::LeftParen => {
                if self.st.stack_depth >= MAX_STACK_DEPTH {
                    return Err(self.errorf("max expression depth exceeded"));
                }
                self.st.stack_depth += 1;
                let r = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    self.pipeline("parenthesized pipeline", ItemType::RightParen)
                });
                self.st.stack_depth -= 1;
                Arg::Pipe(Box::new(r?))
            }
            ItemType::String | ItemType::RawString => {
                let value = match unquote_cow(&token.val) {
                    Ok(s) => Value::String(self.strings.get(&s)),
                    Err(e) => return Err(self.errorf(e)),
                };
                Arg::String {
                    pos: token.pos,
                    quoted: self.strings.get(&token.val),
                    value,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}

// ---- literals ---------------------------------------------------------------------------

fn unhex(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// Go's `strconv.UnquoteChar`: (value, multibyte, rest).
fn unquote_char(s: &str, quote: u8) -> Result<(u32, bool, &str), ()> {
    let b = s.as_bytes();
    let Some(&c) = b.first() else { return Err(()) };
    if c == quote && (quote == b'\'' || quote == b'"') {
        return Err(());
    }
    if c >= 0x80 {
        let ch = s.chars().next().ok_or(())?;
        return Ok((ch as u32, true, &s[ch.len_utf8()..]));
    }
    if c != b'\\' {
        return Ok((u32::from(c), false, &s[1..]));
    }
    if b.len() <= 1 {
        return Err(());
    }
    let c = b[1];
    if !c.is_ascii() {
        // `\` followed by a multi-byte character: no such escape.
        return Err(());
    }
    let rest = &s[2..];
    let v = match c {
        b'a' => 7,
        b'b' => 8,
        b'f' => 12,
        b'n' => 10,
        b'r' => 13,
        b't' => 9,
        b'v' => 11,
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let rb = rest.as_bytes();
            if rb.len() < n {
                return Err(());
            }
            let mut v: u32 = 0;
            for &d in &rb[..n] {
                v = (v << 4) | unhex(d).ok_or(())?;
            }
            let rest = &rest[n..];
            if c == b'x' {
                return Ok((v, false, rest));
            }
            if char::from_u32(v).is_none() {
                return Err(());
            }
            return Ok((v, true, rest));
        }
        b'0'..=b'7' => {
            let rb = rest.as_bytes();
            if rb.len() < 2 {
                return Err(());
            }
            let mut v = u32::from(c - b'0');
            for &d in &rb[..2] {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(());
                }
                v = (v << 3) | u32::from(d - b'0');
            }
            if v > 255 {
                return Err(());
            }
            return Ok((v, false, &rest[2..]));
        }
        b'\\' => 92,
        b'\'' | b'"' => {
            if c != quote {
                return Err(());
            }
            u32::from(c)
        }
        _ => return Err(()),
    };
    Ok((v, false, rest))
}

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` strings. Bytes that are not valid
/// UTF-8 (from `\x` or octal escapes) become U+FFFD.
pub(crate) fn unquote(s: &str) -> Result<String, String> {
    unquote_cow(s).map(std::borrow::Cow::into_owned)
}

/// [`unquote`], borrowing from `s` when the string has no escapes to decode.
fn unquote_cow(s: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    use std::borrow::Cow;
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SYNTAX.into());
    }
    let q = b[0];
    if q != b[b.len() - 1] {
        return Err(SYNTAX.into());
    }
    let inner = &s[1..s.len() - 1];
    if q == b'`' {
        if inner.contains('`') {
            return Err(SYNTAX.into());
        }
        if !inner.contains('\r') {
            return Ok(Cow::Borrowed(inner));
        }
        return Ok(Cow::Owned(inner.replace('\r', "")));
    }
    if q != b'"' {
        return Err(SYNTAX.into());
    }
    if !inner.contains(['\\', '"', '\n']) {
        return Ok(Cow::Borrowed(inner));
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut rest = &s[1..];
    while !rest.is_empty() && rest.as_bytes()[0] != q {
        if rest.as_bytes()[0] == b'\n' {
            return Err(SYNTAX.into());
        }
        let (v, multibyte, r) = unquote_char(rest, q).map_err(|()| SYNTAX.to_string())?;
        rest = r;
        if v < 0x80 || !multibyte {
            out.push(v as u8);
        } else if let Some(c) = char::from_u32(v) {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    if rest != "\"" {
        return Err(SYNTAX.into());
    }
    Ok(Cow::Owned(String::from_utf8_lossy(&out).into_owned()))
}

fn underscore_ok(s: &str) -> bool {
    let mut saw = b'^';
    let mut b = s.as_bytes();
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        b = &b[1..];
    }
    let mut hex = false;
    let mut i = 0;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
            i += 1;
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            i += 1;
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
fn parse_uint0(s0: &str) -> Option<u64> {
    let mut s = s0.as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut base = 10u64;
    if s[0] == b'0' {
        if s.len() >= 3 && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
            base = match s[1] | 0x20 {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            };
            s = &s[2..];
        } else {
            base = 8;
            s = &s[1..];
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            _ if (c | 0x20).is_ascii_lowercase() => u64::from((c | 0x20) - b'a') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn parse_int0(s0: &str) -> Option<i64> {
    let (neg, s) = match s0.as_bytes().first() {
        Some(b'+') => (false, &s0[1..]),
        Some(b'-') => (true, &s0[1..]),
        _ => (false, s0),
    };
    let u = parse_uint0(s)?;
    if s.contains('_') && !underscore_ok(s0) {
        return None;
    }
    if neg {
        if u > 1u64 << 63 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms the lexer produces (decimal and hex
/// floats, underscores); out-of-range values are errors, as in Go.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'+') => (false, &clean[1..]),
        Some(b'-') => (true, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let v = if body.len() > 2 && body.as_bytes()[0] == b'0' && body.as_bytes()[1] | 0x20 == b'x' {
        parse_hex_float(&body[2..])?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        if !body.bytes().any(|c| c.is_ascii_digit()) {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => return None,
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    if ip.is_empty() && fp.is_empty() {
        return None;
    }
    let mut m: f64 = 0.0;
    for c in ip.chars() {
        m = m * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in fp.chars() {
        m += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(m * 2f64.powi(exp))
}

/// Go's `parse.newNumber`.
fn new_number(text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int64: 0,
        uint64: 0,
        float64: 0.0,
    };
    match typ {
        ItemType::CharConstant => {
            let (r, _, tail) =
                unquote_char(&text[1..], b'\'').map_err(|()| "invalid syntax".to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int64 = i64::from(r);
            n.is_int = true;
            n.uint64 = u64::from(r);
            n.is_uint = true;
            n.float64 = f64::from(r);
            n.is_float = true;
            return Ok(n);
        }
        ItemType::Complex => {
            n.is_complex = true;
            return Ok(n);
        }
        _ => {}
    }
    if text.ends_with('i') && parse_float(&text[..text.len() - 1]).is_some() {
        n.is_complex = true;
        return Ok(n);
    }
    let u = parse_uint0(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = parse_int0(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::gofmt::quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if !n.is_int && (f as i64) as f64 == f && f.fract() == 0.0 && f.abs() < 9.3e18 {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if !n.is_uint && f >= 0.0 && (f as u64) as f64 == f && f.fract() == 0.0 && f < 1.8e19 {
            n.is_uint = true;
            n.uint64 = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::gofmt::quote(text)
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let n = new_number("0x1F", ItemType::Number).unwrap();
        assert!(n.is_int && n.int64 == 31);
        let n = new_number("1_000", ItemType::Number).unwrap();
        assert_eq!(n.int64, 1000);
        let n = new_number("0o17", ItemType::Number).unwrap();
        assert_eq!(n.int64, 15);
        let n = new_number("1e3", ItemType::Number).unwrap();
        assert!(n.is_float && n.is_int && n.int64 == 1000);
        assert!(new_number("089", ItemType::Number).is_err());
        let n = new_number("'\\n'", ItemType::CharConstant).unwrap();
        assert_eq!(n.int64, 10);
        assert_eq!(unquote("\"a\\tb\\u00e9\"").unwrap(), "a\tbé");
        assert_eq!(unquote("`a\r\nb`").unwrap(), "a\nb");
        // Found by the fuzzer: a backslash before a multi-byte character.
        assert_eq!(unquote("\"\\\u{79c}\""), Err("invalid syntax".to_string()));
        assert!(new_number("'\\\u{79c}'", ItemType::CharConstant).is_err());
    }
}

//! Event stream to node tree, as yaml.v2's `decode.go` `parser` builds it.
//!
//! The scanner and parser are libyaml's, through `libyaml-safer` (a safe
//! Rust port of the same C code yaml.v2 was translated from), so syntax
//! errors carry libyaml's exact problem strings. We reproduce yaml.v2's
//! `parser.fail` to turn them into `yaml: line N: problem` messages.

use std::collections::HashMap;

use libyaml_safer::{ErrorKind, Event, EventData, Parser, ScalarStyle};

/// Deepest nesting we build. yaml.v2 has no limit (Go stacks grow to 1 GB);
/// we stop well before our own stack would, with an error instead of a crash.
pub(crate) const MAX_DEPTH: usize = 1000;

/// A parsed node.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
}

/// What a node holds; children are indices into [`Doc::nodes`].
#[derive(Debug)]
pub(crate) enum Kind {
    Scalar {
        value: String,
        /// The resolved tag (`tag:yaml.org,2002:str`, `!foo`), if written.
        tag: Option<String>,
        /// libyaml's `plain_implicit`: plain style and no tag (or `!`).
        plain: bool,
    },
    Seq(Vec<usize>),
    /// Keys and values alternate.
    Map(Vec<usize>),
    Alias {
        name: String,
        target: usize,
    },
}

/// One document: its nodes and the root.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<usize>,
}

/// A yaml.v2 error message (already `yaml: `-prefixed) and where it is.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub(crate) message: String,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
}

impl YamlError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        YamlError {
            message: format!("yaml: {}", message.into()),
            line: None,
            column: None,
        }
    }
}

/// yaml.v2 `parser.fail`: scanner errors report the problem line + 1,
/// parser errors the 0-based problem line (a long-standing quirk), and a
/// problem on line 0 falls back to the context line, or to no line at all.
fn fail(err: &libyaml_safer::Error) -> YamlError {
    let problem = err.problem();
    let problem = if problem.is_empty() {
        "unknown problem parsing YAML content"
    } else {
        problem
    };
    let pm = err.problem_mark();
    let mut line = None;
    if let Some(m) = pm.filter(|m| m.line != 0) {
        let l = m.line as usize;
        line = Some(if err.kind() == ErrorKind::Scanner {
            l + 1
        } else {
            l
        });
    } else if let Some(m) = err.context_mark().filter(|m| m.line != 0) {
        line = Some(m.line as usize);
    }
    let message = match line {
        Some(l) => format!("yaml: line {l}: {problem}"),
        None => format!("yaml: {problem}"),
    };
    YamlError {
        message,
        line,
        column: pm.map(|m| m.column as usize + 1),
    }
}

/// What the parser reads: an optional BOM, the text, an optional final newline.
type Input<'a> = std::io::Chain<std::io::Chain<&'static [u8], &'a [u8]>, &'static [u8]>;

/// Reads events one document at a time.
pub(crate) struct Composer<'a> {
    parser: Parser<Input<'a>>,
    /// The text after any byte order mark, which is what marks index.
    input: &'a [u8],
    /// Set once libyaml-safer has panicked.
    poisoned: bool,
    /// A newline was appended to the input (see [`Composer::with_final_newline`]).
    final_newline_added: bool,
    started: bool,
    done: bool,
}

impl<'a> Composer<'a> {
    /// yaml.v2 `newParser`: empty input is read as a single newline.
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self::build(input, false)
    }

    /// Like [`Composer::new`], reading one more `\n` after the input, and taking it back
    /// from the document's last scalar when that is a block scalar.
    ///
    /// libyaml-safer 0.3 panics on a block scalar that ends the input without a line
    /// break (`b: |\n  y`), which C libyaml and yaml.v2 read as `y`. With the newline the
    /// scanner reads it as `y\n`; clip and keep chomping then hold exactly that one extra
    /// break, strip chomping none. Only used to retry such a panic.
    pub(crate) fn with_final_newline(input: &'a [u8]) -> Self {
        Self::build(input, true)
    }

    /// Whether the last parse ended in a contained libyaml-safer panic.
    pub(crate) fn panicked(&self) -> bool {
        self.poisoned
    }

    /// Whether the input ends inside a double-quoted escape, a panic that a retry with a
    /// final newline must not turn into an (escaped) line break.
    pub(crate) fn ends_with_escape(&self) -> bool {
        self.input.ends_with(b"\\")
    }

    fn build(input: &'a [u8], final_newline: bool) -> Self {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let input: &'a [u8] = if input.is_empty() { b"\n" } else { input };
        // libyaml-safer rejects any input whose first byte is 0xEF but
        // which does not start with a UTF-8 BOM (e.g. U+F000 first), where
        // yaml.v2 simply reads UTF-8; giving it a BOM first avoids that.
        let (prefix, input): (&'static [u8], &'a [u8]) = match input.strip_prefix(BOM) {
            Some(rest) => (BOM, rest),
            None if input[0] == 0xEF => (BOM, input),
            None => (b"", input),
        };
        let suffix: &'static [u8] = if final_newline { b"\n" } else { b"" };
        let mut parser = Parser::new();
        parser.set_input(std::io::Read::chain(
            std::io::Read::chain(prefix, input),
            suffix,
        ));
        Composer {
            parser,
            input,
            poisoned: false,
            final_newline_added: final_newline,
            started: false,
            done: false,
        }
    }

    fn next_event(&mut self) -> Result<Event, YamlError> {
        if self.poisoned {
            return Err(self.panic_error());
        }
        // libyaml-safer 0.3 still has panicking paths where C libyaml reads
        // its NUL padding (e.g. a `\` as the very last byte inside double
        // quotes). Those are inputs yaml.v2 rejects, so a panic becomes the
        // error yaml.v2 would give; the parser is not used again after it.
        let parser = &mut self.parser;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse())) {
            Ok(r) => r.map_err(|e| fail(&e)),
            Err(_) => {
                self.poisoned = true;
                Err(self.panic_error())
            }
        }
    }

    /// What yaml.v2 reports where libyaml-safer panics: those paths are
    /// all reading past the end of the input.
    fn panic_error(&self) -> YamlError {
        if self.input.ends_with(b"\\") {
            YamlError::new("found unknown escape character")
        } else {
            YamlError::new("found unexpected end of stream")
        }
    }

    /// The next document, or `None` at the end of the stream.
    pub(crate) fn next_doc(&mut self) -> Result<Option<Doc>, YamlError> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            let ev = self.next_event()?;
            if !matches!(ev.data, EventData::StreamStart { .. }) {
                return Err(YamlError::new("expected STREAM-START"));
            }
        }
        let ev = self.next_event()?;
        match ev.data {
            EventData::StreamEnd => {
                self.done = true;
                Ok(None)
            }
            EventData::DocumentStart { .. } => {
                let doc = self.document()?;
                Ok(Some(doc))
            }
            _ => Err(YamlError::new("expected DOCUMENT-START")),
        }
    }

    /// libyaml 0.2 (and so `libyaml-safer`) accepts YAML 1.2's `\/` escape
    /// in double-quoted scalars; yaml.v2's older scanner rejects it.
    fn check_escapes(&self, start: usize, end: usize) -> Result<(), YamlError> {
        let Some(raw) = self.input.get(start..end) else {
            return Ok(());
        };
        let mut i = 0;
        while i + 1 < raw.len() {
            if raw[i] == b'\\' {
                if raw[i + 1] == b'/' {
                    let at = start + i;
                    let line = self.input[..at].iter().filter(|&&b| b == b'\n').count();
                    let col = at
                        - self.input[..at]
                            .iter()
                            .rposition(|&b| b == b'\n')
                            .map_or(0, |p| p + 1);
                    let message = if line == 0 {
                        "yaml: found unknown escape character".to_owned()
                    } else {
                        format!("yaml: line {}: found unknown escape character", line + 1)
                    };
                    return Err(YamlError {
                        message,
                        line: (line > 0).then_some(line + 1),
                        column: Some(col + 1),
                    });
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        Ok(())
    }

    /// Builds one document's tree without recursion, so hostile nesting
    /// cannot exhaust the stack.
    fn document(&mut self) -> Result<Doc, YamlError> {
        let mut doc = Doc::default();
        let mut anchors: HashMap<String, usize> = HashMap::new();
        let mut stack: Vec<usize> = Vec::new();
        // The node of the last scalar event, when it was a block scalar.
        let mut last_block_scalar: Option<usize> = None;
        loop {
            let ev = self.next_event()?;
            if let EventData::Scalar {
                style: ScalarStyle::DoubleQuoted,
                ..
            } = ev.data
            {
                self.check_escapes(ev.start_mark.index as usize, ev.end_mark.index as usize)?;
            }
            last_block_scalar = match ev.data {
                EventData::Scalar {
                    style: ScalarStyle::Literal | ScalarStyle::Folded,
                    ..
                } => Some(doc.nodes.len()),
                EventData::Scalar { .. } | EventData::Alias { .. } => None,
                _ => last_block_scalar,
            };
            let (kind, anchor, opens) = match ev.data {
                EventData::DocumentEnd { .. } => {
                    if self.final_newline_added {
                        take_back_final_newline(&mut doc, last_block_scalar);
                    }
                    return Ok(doc);
                }
                EventData::SequenceEnd | EventData::MappingEnd => {
                    stack.pop();
                    continue;
                }
                EventData::Scalar {
                    anchor,
                    tag,
                    value,
                    plain_implicit,
                    ..
                } => (
                    Kind::Scalar {
                        value,
                        tag,
                        plain: plain_implicit,
                    },
                    anchor,
                    false,
                ),
                EventData::Alias { anchor } => {
                    let Some(&target) = anchors.get(&anchor) else {
                        return Err(YamlError::new(format!(
                            "unknown anchor '{anchor}' referenced"
                        )));
                    };
                    (
                        Kind::Alias {
                            name: anchor,
                            target,
                        },
                        None,
                        false,
                    )
                }
                EventData::SequenceStart { anchor, .. } => (Kind::Seq(Vec::new()), anchor, true),
                EventData::MappingStart { anchor, .. } => (Kind::Map(Vec::new()), anchor, true),
                EventData::StreamStart { .. }
                | EventData::StreamEnd
                | EventData::DocumentStart { .. } => {
                    return Err(YamlError::new("unexpected event in document"));
                }
            };
            let id = doc.nodes.len();
            doc.nodes.push(Node { kind });
            // yaml.v2 registers the anchor when the node starts, before its
            // children, so `&a [*a]` finds itself (and fails later).
            if let Some(a) = anchor {
                anchors.insert(a, id);
            }
            match stack.last() {
                Some(&parent) => match &mut doc.nodes[parent].kind {
                    Kind::Seq(items) | Kind::Map(items) => items.push(id),
                    _ => return Err(YamlError::new("internal error: scalar parent")),
                },
                None => doc.root = Some(id),
            }
            if opens {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError::new(format!("exceeded max depth of {MAX_DEPTH}")));
                }
                stack.push(id);
            }
        }
    }
}

/// Removes the line break [`Composer::with_final_newline`] added from the block scalar
/// that read it.
fn take_back_final_newline(doc: &mut Doc, last_block_scalar: Option<usize>) {
    if let Some(node) = last_block_scalar.and_then(|i| doc.nodes.get_mut(i))
        && let Kind::Scalar { value, .. } = &mut node.kind
        && value.ends_with('\n')
    {
        value.pop();
    }
}

//! YAML read into a tree that remembers where each node is, so every load error can name
//! the file, line, column and key. libyaml (through `libyaml-safer`, the parser yaml.v2 and
//! our `goyaml` build on) does the scanning; aliases are expanded and `<<` merge keys
//! applied here. Scalars are typed on demand: plain scalars as yaml.v2 reads them (through
//! `goyaml`), quoted and block scalars as strings.

use std::collections::HashMap;

use charthouse_goyaml::Value;
use libyaml_safer::{Event, EventData, Parser, ScalarStyle};

use crate::error::{Error, Loc, Result};

/// Deepest nesting accepted; deeper input is an error rather than a stack overflow.
const MAX_DEPTH: usize = 200;

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) loc: Loc,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A scalar's text; `plain` is libyaml's plain style without a tag.
    Scalar {
        text: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<Node>),
    /// Keys and values in file order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The name of this node's type for "expected X, found Y" messages.
    pub(crate) fn found(&self) -> &'static str {
        match &self.kind {
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a map",
            Kind::Scalar { .. } => match self.to_value() {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Int(_) | Value::Uint(_) | Value::Float(_) => "a number",
                _ => "a string",
            },
        }
    }

    /// Whether this is a null scalar (`~`, `null`, or nothing).
    pub(crate) fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Scalar { .. }) && self.to_value() == Value::Null
    }

    /// The value as helm's values reader (sigs.k8s.io/yaml) would decode it: numbers are
    /// float64, YAML 1.1 booleans, map keys as strings.
    pub(crate) fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Scalar { text, plain, tag } => scalar_value(text, *plain, tag.as_deref()),
            Kind::Seq(items) => Value::Seq(items.iter().map(Node::to_value).collect()),
            Kind::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// A map key as text (sigs.k8s.io/yaml turns every key into a string).
    pub(crate) fn key_text(&self) -> String {
        match &self.kind {
            Kind::Scalar { text, plain, tag } => match scalar_value(text, *plain, tag.as_deref()) {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                Value::Bool(b) => b.to_string(),
                Value::Float(f) => charthouse_goyaml::json_float(f).unwrap_or_default(),
                other => charthouse_goyaml::helm::to_json(&other),
            },
            _ => charthouse_goyaml::helm::to_json(&self.to_value()),
        }
    }
}

/// Types one scalar: quoted, block and `!!str` scalars are strings; a plain scalar is
/// whatever yaml.v2 reads from its text.
fn scalar_value(text: &str, plain: bool, tag: Option<&str>) -> Value {
    if tag == Some("tag:yaml.org,2002:str") || (!plain && tag.is_none()) {
        return Value::String(text.to_owned());
    }
    if text.is_empty() {
        return Value::Null;
    }
    match charthouse_goyaml::unmarshal(text.as_bytes()) {
        Ok(v @ (Value::Null | Value::Bool(_) | Value::Float(_) | Value::Int(_))) => v,
        _ => Value::String(text.to_owned()),
    }
}

fn loc_of(file: &str, mark: libyaml_safer::Mark) -> Loc {
    Loc {
        file: file.to_owned(),
        line: mark.line as usize + 1,
        column: mark.column as usize + 1,
    }
}

/// Parses the first document of `input` (named `file` in errors). An empty document is an
/// empty map.
pub(crate) fn parse(file: &str, input: &[u8]) -> Result<Node> {
    match parse_once(file, input) {
        // libyaml-safer panics on a block scalar that ends the input without a line
        // break, which libyaml reads; with the line break added it reads (keeping it).
        Err(Error::Syntax { message, .. }) if message == PANICKED && !input.ends_with(b"\n") => {
            parse_once(file, &[input, b"\n"].concat())
        }
        other => other,
    }
}

/// The message of a contained libyaml-safer panic.
const PANICKED: &str = "found unexpected end of stream";

fn parse_once(file: &str, input: &[u8]) -> Result<Node> {
    let mut parser = Parser::new();
    let mut reader: &[u8] = input;
    parser.set_input(&mut reader);
    let mut poisoned = false;
    let mut next = || -> Result<Event> {
        // libyaml-safer 0.3 still panics on a few malformed inputs that read past the end
        // (goyaml contains the same ones); such a panic becomes a syntax error and the
        // parser is not used again.
        let end = Loc {
            file: file.to_owned(),
            line: input.iter().filter(|&&b| b == b'\n').count() + 1,
            column: 1,
        };
        if poisoned {
            return Err(Error::Syntax {
                loc: end,
                message: PANICKED.to_owned(),
            });
        }
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse()));
        let Ok(parsed) = parsed else {
            poisoned = true;
            return Err(Error::Syntax {
                loc: end,
                message: PANICKED.to_owned(),
            });
        };
        parsed.map_err(|e| {
            let mark = e.problem_mark().or(e.context_mark()).unwrap_or_default();
            Error::Syntax {
                loc: loc_of(file, mark),
                message: e.problem().to_owned(),
            }
        })
    };
    let mut anchors: HashMap<String, Node> = HashMap::new();
    // Frames under construction: the node and, for maps, a key waiting for its value.
    let mut stack: Vec<(Node, Option<Node>, Option<String>)> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let ev = next()?;
        let loc = loc_of(file, ev.start_mark);
        let is_seq = matches!(ev.data, EventData::SequenceStart { .. });
        let (node, anchor) = match ev.data {
            EventData::StreamStart { .. } | EventData::DocumentStart { .. } => continue,
            EventData::DocumentEnd { .. } | EventData::StreamEnd => break,
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                plain_implicit,
                ..
            } => {
                let plain = style == ScalarStyle::Plain && plain_implicit;
                (
                    Node {
                        kind: Kind::Scalar {
                            text: value,
                            plain,
                            tag: tag.filter(|t| t != "!"),
                        },
                        loc,
                    },
                    anchor,
                )
            }
            EventData::Alias { anchor } => match anchors.get(&anchor) {
                Some(n) => (
                    Node {
                        kind: n.kind.clone(),
                        loc,
                    },
                    None,
                ),
                None => {
                    return Err(Error::Syntax {
                        loc,
                        message: format!("unknown anchor '{anchor}' referenced"),
                    });
                }
            },
            EventData::SequenceStart { anchor, .. } | EventData::MappingStart { anchor, .. } => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::Syntax {
                        loc,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
                let kind = if is_seq {
                    Kind::Seq(Vec::new())
                } else {
                    Kind::Map(Vec::new())
                };
                stack.push((Node { kind, loc }, None, anchor));
                continue;
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                let Some((mut node, _, anchor)) = stack.pop() else {
                    continue;
                };
                apply_merge_keys(&mut node)?;
                (node, anchor)
            }
        };
        if let Some(a) = anchor {
            anchors.insert(a, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some((parent, pending, _)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(entries) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => entries.push((key, node)),
                },
                Kind::Scalar { .. } => {}
            },
        }
    }
    Ok(root.filter(|n| !n.is_null()).unwrap_or_else(|| Node {
        kind: Kind::Map(Vec::new()),
        loc: Loc {
            file: file.to_owned(),
            line: 1,
            column: 1,
        },
    }))
}

/// yaml.v2's `<<` merge key: the entries of the merged map (or maps) that the map does not
/// set itself.
fn apply_merge_keys(node: &mut Node) -> Result<()> {
    let Kind::Map(entries) = &mut node.kind else {
        return Ok(());
    };
    if !entries
        .iter()
        .any(|(k, _)| matches!(&k.kind, Kind::Scalar { text, plain: true, .. } if text == "<<"))
    {
        return Ok(());
    }
    let mut own = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in std::mem::take(entries) {
        if matches!(&k.kind, Kind::Scalar { text, plain: true, .. } if text == "<<") {
            let sources = match v.kind {
                Kind::Map(m) => vec![m],
                Kind::Seq(items) => {
                    let mut maps = Vec::new();
                    for item in items {
                        match item.kind {
                            Kind::Map(m) => maps.push(m),
                            _ => {
                                return Err(Error::Syntax {
                                    loc: item.loc,
                                    message:
                                        "map merge requires map or sequence of maps as the value"
                                            .to_owned(),
                                });
                            }
                        }
                    }
                    maps
                }
                _ => {
                    return Err(Error::Syntax {
                        loc: v.loc,
                        message: "map merge requires map or sequence of maps as the value"
                            .to_owned(),
                    });
                }
            };
            for m in sources {
                for (mk, mv) in m {
                    let name = mk.key_text();
                    if !merged.iter().any(|(k, _)| k.key_text() == name) {
                        merged.push((mk, mv));
                    }
                }
            }
        } else {
            own.push((k, v));
        }
    }
    for (mk, mv) in merged {
        let name = mk.key_text();
        if !own.iter().any(|(k, _)| k.key_text() == name) {
            own.push((mk, mv));
        }
    }
    *entries = own;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let n = parse("f.yaml", b"a:\n  b: [1, x]\n").unwrap();
        let Kind::Map(e) = &n.kind else { panic!() };
        assert_eq!(e[0].0.loc.line, 1);
        let Kind::Map(inner) = &e[0].1.kind else {
            panic!()
        };
        assert_eq!((inner[0].0.loc.line, inner[0].0.loc.column), (2, 3));
        assert_eq!(
            n.to_value(),
            charthouse_goyaml::unmarshal(b"a:\n  b: [1, x]\n").unwrap()
        );
    }

    #[test]
    fn quoted_scalars_stay_strings_and_merge_keys_apply() {
        let n = parse("f.yaml", b"base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: '3'\n").unwrap();
        let v = n.to_value();
        let m = v.as_map().unwrap()["m"].as_map().unwrap().clone();
        assert_eq!(m["x"], Value::Float(1.0));
        assert_eq!(m["z"], Value::String("3".into()));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("f.yaml", b"a: 1\nb: [\n").unwrap_err();
        assert_eq!(e.reason(), "Syntax");
        assert!(e.to_string().starts_with("f.yaml:3:1: "), "{e}");
    }

    #[test]
    fn inputs_libyaml_safer_panics_on_are_errors() {
        // A block scalar ending the input without a line break, a `\` ending a quoted one.
        let n = parse("f.yaml", b"b: |\n  y").unwrap();
        assert_eq!(
            n.to_value().as_map().unwrap()["b"],
            Value::String("y\n".into())
        );
        for input in [&b"a: \"x\\"[..], b"a: \"\\"] {
            let e = parse("f.yaml", input).unwrap_err();
            assert_eq!(e.reason(), "Syntax");
        }
    }

    #[test]
    fn empty_document_is_an_empty_map() {
        assert_eq!(parse("f", b"").unwrap().kind, Kind::Map(Vec::new()));
        assert_eq!(parse("f", b"# c\n").unwrap().kind, Kind::Map(Vec::new()));
    }
}

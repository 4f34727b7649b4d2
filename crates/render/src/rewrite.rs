//! helm's rewriting of template errors before it reports them (pkg/engine/engine.go:
//! `cleanupParseError`, `reformatExecErrorMsg`, `parseTemplateExecErrorString` and the
//! `HELM_ERR_START`/`HELM_ERR_END` markers of `fail` and `required`).
//!
//! Go walks the `errors.Unwrap` chain of the execution error. Our engine flattens that
//! chain into one message, so we walk the text instead: a function error is wrapped as
//! `error calling NAME: INNER`, and the chain continues while `INNER` is itself a
//! template error (`template: ...`), as it is for `include`.

/// The marker `fail` and `required` put before their message.
pub const WARN_START: &str = "HELM_ERR_START";
/// The marker after it.
pub const WARN_END: &str = "HELM_ERR_END";

/// `cleanupParseError`: `parse error at (LOCATION): LAST-PART` from a Go parse error
/// `template: LOCATION: ...: MESSAGE`.
pub fn cleanup_parse_error(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {message}");
    }
    let location = tokens[1];
    let last = tokens[tokens.len() - 1];
    format!("parse error at ({location}): {last}")
}

/// One entry of helm's traceable error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Traceable {
    location: String,
    message: String,
    executed: String,
}

impl Traceable {
    fn write(&self, out: &mut String) {
        if !self.location.is_empty() {
            out.push_str(&self.location);
            out.push_str("\n  ");
        }
        if !self.executed.is_empty() {
            out.push_str(&self.executed);
            out.push_str("\n    ");
        }
        if !self.message.is_empty() {
            out.push_str(&self.message);
            out.push('\n');
        }
    }
}

/// Cuts a chained ` template:` suffix off a message, as helm does.
fn cut_chained(msg: &str) -> &str {
    match msg.find(" template:") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// `parseTemplateExecErrorString` on one error text, plus the text of the error it
/// wraps (our substitute for `errors.Unwrap`).
fn parse_one(s: &str) -> Option<(Traceable, Option<&str>)> {
    let rest = s.strip_prefix("template: ")?;
    if rest.starts_with("no template ") {
        return Some((
            Traceable {
                message: s.to_string(),
                ..Traceable::default()
            },
            None,
        ));
    }
    if let Some((name, after)) = rest.split_once(": executing ")
        && let Some(t) = parse_executing(name, after)
    {
        return Some(t);
    }
    let sep = rest.rfind(": ")?;
    let msg = cut_chained(&rest[sep + 2..]);
    Some((
        Traceable {
            location: rest[..sep].to_string(),
            message: msg.to_string(),
            ..Traceable::default()
        },
        None,
    ))
}

fn parse_executing<'a>(name: &str, after: &'a str) -> Option<(Traceable, Option<&'a str>)> {
    let after = after.strip_prefix('"')?;
    let end = after.find('"')?;
    let function = &after[..end];
    let after_at = after[end + 1..].strip_prefix(" at <")?;
    let (node, msg) = after_at.split_once(">: ")?;
    let t = Traceable {
        location: name.to_string(),
        message: cut_chained(msg).to_string(),
        executed: format!("executing \"{function}\" at <{node}>:"),
    };
    // A function's error wraps the function's own error, which continues the chain.
    let inner = msg
        .strip_prefix("error calling ")
        .and_then(|m| m.split_once(": "))
        .map(|(_, inner)| inner);
    Some((t, inner))
}

/// `reformatExecErrorMsg`: helm's text for an execution error of `filename` whose Go
/// text is `message`.
pub fn reformat_exec_error(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {message}");
    }
    let location = tokens[1];
    if let (Some(start), Some(end)) = (tokens[2].find(WARN_START), tokens[2].rfind(WARN_END)) {
        let from = start + WARN_START.len();
        if from <= end {
            return format!("execution error at ({location}): {}", &tokens[2][from..end]);
        }
    }
    let mut chain: Vec<Traceable> = Vec::new();
    let mut current = Some(message);
    while let Some(text) = current {
        let Some((t, inner)) = parse_one(text) else {
            return message.to_string();
        };
        if chain.last() != Some(&t) {
            chain.push(t);
        }
        current = inner;
    }
    let mut out = String::new();
    for t in &chain {
        t.write(&mut out);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors() {
        assert_eq!(
            cleanup_parse_error(
                "a/templates/f.yaml",
                "template: a/templates/f.yaml:1: function \"x\" not defined"
            ),
            "parse error at (a/templates/f.yaml:1): function \"x\" not defined"
        );
    }

    #[test]
    fn include_of_missing_template() {
        let go = "template: u/templates/s.yaml:1:4: executing \"u/templates/s.yaml\" at <include \"l.s\" .>: \
                  error calling include: template: no template \"l.s\" associated with template \"gotpl\"";
        assert_eq!(
            reformat_exec_error("u/templates/s.yaml", go),
            "u/templates/s.yaml:1:4\n  executing \"u/templates/s.yaml\" at <include \"l.s\" .>:\n    \
             error calling include:\ntemplate: no template \"l.s\" associated with template \"gotpl\""
        );
    }

    #[test]
    fn plain_function_error_is_kept() {
        let go = "template: c/templates/a.yaml:1:3: executing \"c/templates/a.yaml\" at <index .a 5>: \
                  error calling index: index out of range: 5";
        assert_eq!(reformat_exec_error("c/templates/a.yaml", go), go);
    }

    #[test]
    fn fail_markers() {
        let go = "template: c/templates/a.yaml:2:9: executing \"c/templates/a.yaml\" at <fail \"x\">: \
                  error calling fail: HELM_ERR_STARTboom: badHELM_ERR_END";
        assert_eq!(
            reformat_exec_error("c/templates/a.yaml", go),
            "execution error at (c/templates/a.yaml:2:9): boom: bad"
        );
    }
}

//! helm's rewrite of template errors before it prints them (pkg/engine/engine.go).

use charthouse_gotmpl::{Error, ExecError};

/// The message helm prints (after `Error: `) for a template error of file `filename`:
/// helm's `cleanupParseError` for parse errors and `reformatExecErrorMsg` for execution
/// errors (pkg/engine/engine.go).
///
/// A `fail`/`required` message wrapped in `HELM_ERR_START…HELM_ERR_END` becomes
/// `execution error at (FILE:LINE:COL): MESSAGE`; other execution errors become helm's
/// indented trace (one entry per nested `include`), except that an error returned by a
/// function other than a nested template is printed as Go wrote it.
///
/// # Caveats
///
/// gotmpl flattens a function's error to text, so Go's `errors.Unwrap` chain is
/// recovered from the text (`error calling NAME: ` starts a wrapped error).
///
/// ```
/// use charthouse_funcs::{Options, functions, helm_error_message};
/// use charthouse_gotmpl::{Templates, Value};
///
/// let mut set = Templates::named("gotpl");
/// set.add_funcs(functions(&Options::default()));
/// set.parse("c/templates/a.yaml", "{{ fail \"no\" }}").unwrap();
/// let err = set.execute("c/templates/a.yaml", &Value::Nil).unwrap_err();
/// assert_eq!(helm_error_message("c/templates/a.yaml", &err), "execution error at (c/templates/a.yaml:1:3): no");
/// ```
pub fn helm_error_message(filename: &str, err: &Error) -> String {
    match err {
        Error::Parse(p) => cleanup_parse_error(filename, &p.to_string()),
        Error::Exec(e) => reformat_exec_error(filename, e),
        other => other.to_string(),
    }
}

fn cleanup_parse_error(filename: &str, text: &str) -> String {
    let tokens: Vec<&str> = text.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {text}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

fn reformat_exec_error(filename: &str, e: &ExecError) -> String {
    let text = e.to_string();
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {text}");
    }
    // warnRegex = HELM_ERR_START((?s).*)HELM_ERR_END: first start, last end.
    if let Some(start) = tokens[2].find("HELM_ERR_START") {
        let after = &tokens[2][start + "HELM_ERR_START".len()..];
        if let Some(end) = after.rfind("HELM_ERR_END") {
            return format!("execution error at ({}): {}", tokens[1], &after[..end]);
        }
    }
    // Go walks the errors.Unwrap chain. An ExecError unwraps to its fmt.Errorf error
    // (same text); only "error calling NAME: %w" wraps further, to the function's own
    // error. A link whose text is not a template error makes helm print the original.
    let mut traces: Vec<Trace> = Vec::new();
    let mut current = Some(text.clone());
    while let Some(cur) = current.take() {
        let Some(tr) = parse_trace(&cur) else {
            return text;
        };
        if traces.last() != Some(&tr) {
            traces.push(tr);
        }
        current = unwrap_call_error(&cur);
    }
    let mut out = String::new();
    for t in &traces {
        out.push_str(&t.render());
    }
    out.trim().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Trace {
    location: String,
    message: String,
    executed: String,
}

impl Trace {
    fn render(&self) -> String {
        let mut s = String::new();
        if !self.location.is_empty() {
            s.push_str(&self.location);
            s.push_str("\n  ");
        }
        if !self.executed.is_empty() {
            s.push_str(&self.executed);
            s.push_str("\n    ");
        }
        if !self.message.is_empty() {
            s.push_str(&self.message);
            s.push('\n');
        }
        s
    }
}

fn cut_template(msg: &str) -> &str {
    match msg.find(" template:") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// helm's `parseTemplateExecErrorString`.
fn parse_trace(s: &str) -> Option<Trace> {
    let rem = s.strip_prefix("template: ")?;
    if rem.starts_with("no template ") {
        return Some(Trace {
            message: s.to_string(),
            ..Trace::default()
        });
    }
    if let Some(t) = parse_executing(rem) {
        return Some(t);
    }
    let sep = rem.rfind(": ")?;
    Some(Trace {
        location: rem[..sep].to_string(),
        message: cut_template(&rem[sep + 2..]).to_string(),
        executed: String::new(),
    })
}

fn parse_executing(rem: &str) -> Option<Trace> {
    let (name, after) = rem.split_once(": executing ")?;
    let after = after.strip_prefix('"')?;
    let end = after.find('"')?;
    let func = &after[..end];
    let at = after[end + 1..].strip_prefix(" at <")?;
    let (loc, msg) = at.split_once(">: ")?;
    Some(Trace {
        location: name.to_string(),
        message: cut_template(msg).to_string(),
        executed: format!("executing \"{func}\" at <{loc}>:"),
    })
}

/// The error a function-call error wraps (`error calling NAME: %w`), if any.
fn unwrap_call_error(s: &str) -> Option<String> {
    let rem = s.strip_prefix("template: ")?;
    let (_, after) = rem.split_once(": executing ")?;
    let (_, msg) = after.split_once(">: ")?;
    let rest = msg.strip_prefix("error calling ")?;
    let (_, inner) = rest.split_once(": ")?;
    Some(inner.to_string())
}

//! The lines helm v4 writes to stderr for warnings: Go's `log/slog` text
//! handler without a time (`level=WARN msg="..." key=value`). helm's
//! `log.Printf` calls go through the same handler at level INFO.

use crate::metadata::go_quote;

/// slog's `needsQuoting`: empty, or any space, `=`, `"`, or non-printable character.
fn needs_quoting(s: &str) -> bool {
    s.is_empty()
        || s.chars()
            .any(|c| c == ' ' || c == '=' || c == '"' || c.is_whitespace() || c.is_control())
}

fn text_value(s: &str) -> String {
    if needs_quoting(s) {
        go_quote(s)
    } else {
        s.to_owned()
    }
}

/// One slog text line: `level=LEVEL msg=MSG k1=v1 ...`.
pub(crate) fn line(level: &str, msg: &str, attrs: &[(&str, &str)]) -> String {
    let mut out = format!("level={level} msg={}", text_value(msg));
    for (k, v) in attrs {
        out.push(' ');
        out.push_str(k);
        out.push('=');
        out.push_str(&text_value(v));
    }
    out
}

/// What helm's `log.Printf(msg)` prints.
pub(crate) fn printf(msg: String) -> String {
    line("INFO", &msg, &[])
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_slog() {
        assert_eq!(
            super::line(
                "WARN",
                "returned non-bool value",
                &[("path", "a.b"), ("chart", "x")]
            ),
            "level=WARN msg=\"returned non-bool value\" path=a.b chart=x"
        );
        assert_eq!(
            super::line("INFO", "ok", &[("e", "\"a\" is")]),
            "level=INFO msg=ok e=\"\\\"a\\\" is\""
        );
    }
}

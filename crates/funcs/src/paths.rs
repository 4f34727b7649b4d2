//! Paths: `base`, `dir`, `clean`, `ext`, `isAbs` (Go's `path`) and the `os…` variants
//! (Go's `path/filepath`, which on Linux, where helm runs, behaves the same).

use charthouse_gotmpl::{Func, GoType, Value};

use crate::conv::{arg_str, func};

/// Go's `path.Clean`: the shortest equivalent path, by lexical processing.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// Go's `path.Base`.
pub(crate) fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let p = p.trim_end_matches('/');
    if p.is_empty() {
        return "/".to_string();
    }
    match p.rfind('/') {
        Some(i) => p[i + 1..].to_string(),
        None => p.to_string(),
    }
}

/// Go's `path.Dir`.
pub(crate) fn dir(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..cut])
}

/// Go's `path.Ext`.
pub(crate) fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let s = || vec![GoType::String];
    for (plain, os) in [
        ("base", "osBase"),
        ("dir", "osDir"),
        ("clean", "osClean"),
        ("ext", "osExt"),
    ] {
        let f: fn(&str) -> String = match plain {
            "base" => base,
            "dir" => dir,
            "clean" => clean,
            _ => ext,
        };
        for name in [plain, os] {
            out.push(func(name, s(), GoType::String, move |a| {
                Ok(Value::from(f(arg_str(a, 0))))
            }));
        }
    }
    for name in ["isAbs", "osIsAbs"] {
        out.push(func(name, s(), GoType::Bool, |a| {
            Ok(Value::Bool(arg_str(a, 0).starts_with('/')))
        }));
    }
}

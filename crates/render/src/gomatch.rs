//! Go's `path/filepath.Match` on `/`-separated names, which `helm template
//! --show-only` uses to compare a pattern with a template path.

/// Whether `name` matches the shell pattern `pattern` as Go's `filepath.Match` decides
/// (a malformed pattern matches nothing, as helm ignores Match's error).
pub fn go_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    matches(&p, &n).unwrap_or(false)
}

fn matches(p: &[char], n: &[char]) -> Option<bool> {
    if p.is_empty() {
        return Some(n.is_empty());
    }
    match p[0] {
        '*' => {
            let rest = &p[1..];
            let mut i = 0;
            loop {
                if matches(rest, &n[i..])? {
                    return Some(true);
                }
                if i >= n.len() || n[i] == '/' {
                    // Go still validates the rest of the pattern before giving up.
                    validate(rest)?;
                    return Some(false);
                }
                i += 1;
            }
        }
        '?' => {
            if n.first().is_some_and(|c| *c != '/') {
                matches(&p[1..], &n[1..])
            } else {
                validate(&p[1..]).map(|_| false)
            }
        }
        '[' => {
            let (ok, len) = class(&p[1..], n.first().copied())?;
            if ok {
                matches(&p[1 + len..], &n[1..])
            } else {
                validate(&p[1 + len..]).map(|_| false)
            }
        }
        '\\' => {
            let c = *p.get(1)?;
            if n.first() == Some(&c) {
                matches(&p[2..], &n[1..])
            } else {
                validate(&p[2..]).map(|_| false)
            }
        }
        c => {
            if n.first() == Some(&c) {
                matches(&p[1..], &n[1..])
            } else {
                validate(&p[1..]).map(|_| false)
            }
        }
    }
}

/// Parses a class after `[`: whether `c` is in it and the class length (through `]`).
/// `None` for a malformed class (Go's `ErrBadPattern`).
fn class(p: &[char], c: Option<char>) -> Option<(bool, usize)> {
    let mut i = 0;
    let negated = p.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, used) = class_char(&p[i..])?;
        i += used;
        let mut hi = lo;
        if p.get(i) == Some(&'-') {
            let (h, used) = class_char(&p[i + 1..])?;
            hi = h;
            i += 1 + used;
        }
        if c.is_some_and(|c| lo <= c && c <= hi) {
            hit = true;
        }
    }
    let inside = c.is_some_and(|c| c != '/') && hit != negated;
    Some((inside, i))
}

fn class_char(p: &[char]) -> Option<(char, usize)> {
    match p.first()? {
        '\\' => Some((*p.get(1)?, 2)),
        '-' | ']' => None,
        c => Some((*c, 1)),
    }
}

/// Checks the rest of a pattern for syntax errors.
fn validate(p: &[char]) -> Option<()> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                p.get(i + 1)?;
                i += 2;
            }
            '[' => {
                let (_, len) = class(&p[i + 1..], None)?;
                i += 1 + len;
            }
            _ => i += 1,
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::go_match;

    #[test]
    fn filepath_match() {
        assert!(go_match("templates/*.yaml", "templates/a.yaml"));
        assert!(!go_match("templates/*", "templates/x/a.yaml"));
        assert!(go_match("templates/[a-c].yaml", "templates/b.yaml"));
        assert!(!go_match("templates/[^a-c].yaml", "templates/b.yaml"));
        assert!(!go_match("templates/[", "templates/["));
        assert!(go_match(
            "charts/sub/templates/x.yaml",
            "charts/sub/templates/x.yaml"
        ));
    }
}

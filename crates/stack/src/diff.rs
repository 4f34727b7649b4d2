//! `stack diff`'s text: a unified diff of the live and proposed manifests, with Secret
//! values masked (a short digest shows that a value changed without showing it).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use similar::{ChangeTag, TextDiff};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of `live` against `proposed` for release `id`, coloured with ANSI
/// escapes when `color`. Secrets' `data`/`stringData` values are masked on both sides.
pub fn manifest_diff(id: &str, live: &str, proposed: &str, color: bool) -> String {
    let live = mask_secrets(live);
    let proposed = mask_secrets(proposed);
    let diff = TextDiff::from_lines(&live, &proposed);
    let mut out = String::new();
    let (red, green, cyan, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let _ = writeln!(out, "{cyan}--- {id} (live){reset}");
    let _ = writeln!(out, "{cyan}+++ {id} (proposed){reset}");
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        let _ = writeln!(
            out,
            "{cyan}@@ -{},{} +{},{} @@{reset}",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        );
        for op in &group {
            for change in diff.iter_changes(op) {
                let (sign, colour) = match change.tag() {
                    ChangeTag::Delete => ('-', red),
                    ChangeTag::Insert => ('+', green),
                    ChangeTag::Equal => (' ', ""),
                };
                let text = change.value();
                let newline = if text.ends_with('\n') { "" } else { "\n" };
                let end = if colour.is_empty() { "" } else { reset };
                let _ = write!(out, "{colour}{sign}{text}{newline}{end}");
            }
        }
    }
    out
}

/// Replaces each value under a Secret's top-level `data:`/`stringData:` with
/// `(masked sha256:XXXXXXXX)`.
pub fn mask_secrets(manifest: &str) -> String {
    let mut out = String::with_capacity(manifest.len());
    for doc in split_keep(manifest) {
        let is_secret = doc.lines().any(|l| l.trim_end() == "kind: Secret");
        if !is_secret {
            out.push_str(doc);
            continue;
        }
        let mut in_data = false;
        for line in doc.split_inclusive('\n') {
            let body = line.trim_end_matches('\n');
            if !body.starts_with(' ') && !body.is_empty() {
                in_data = body == "data:" || body == "stringData:";
                out.push_str(line);
                continue;
            }
            if in_data
                && let Some((key, value)) = body.split_once(": ")
                && key.starts_with("  ")
                && !key.starts_with("   ")
            {
                let digest = Sha256::digest(value.trim().as_bytes());
                let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
                let _ = write!(out, "{key}: (masked sha256:{short})");
                if line.ends_with('\n') {
                    out.push('\n');
                }
                continue;
            }
            out.push_str(line);
        }
    }
    out
}

/// Documents of a manifest, each with its leading `---` line.
fn split_keep(manifest: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in manifest.split_inclusive('\n') {
        if line.trim_end() == "---" && pos > start {
            docs.push(&manifest[start..pos]);
            start = pos;
        }
        pos += line.len();
    }
    if start < manifest.len() {
        docs.push(&manifest[start..]);
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "---\n# Source: c/templates/s.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMg==\n---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\ndata:\n  password: visible\n";

    #[test]
    fn secrets_are_masked_configmaps_are_not() {
        let masked = mask_secrets(SECRET);
        assert!(!masked.contains("aHVudGVyMg=="), "{masked}");
        assert!(masked.contains("  password: (masked sha256:"), "{masked}");
        assert!(masked.contains("  password: visible"), "{masked}");
    }

    #[test]
    fn a_changed_secret_shows_as_a_changed_digest() {
        let changed = SECRET.replace("aHVudGVyMg==", "c2VjcmV0");
        let d = manifest_diff("apps/web", SECRET, &changed, false);
        assert!(d.contains("-  password: (masked sha256:"), "{d}");
        assert!(d.contains("+  password: (masked sha256:"), "{d}");
        assert!(!d.contains("c2VjcmV0") && !d.contains("aHVudGVyMg=="));
        assert!(
            d.starts_with("--- apps/web (live)\n+++ apps/web (proposed)\n@@ "),
            "{d}"
        );
    }

    #[test]
    fn identical_manifests_have_only_headers() {
        let d = manifest_diff("a/b", SECRET, SECRET, true);
        assert_eq!(d.lines().count(), 2);
    }
}

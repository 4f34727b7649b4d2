//! The fast YAML reader against the libyaml one: wherever the fast reader
//! answers, both must give the same value (and libyaml no error).

use std::path::Path;

use charthouse_goyaml::testing::{fast_decode, libyaml_decode};
use proptest::prelude::*;

/// Checks one input; returns whether the fast reader handled it.
fn agree(input: &[u8]) -> bool {
    let Some(fast) = fast_decode(input) else {
        return false;
    };
    match libyaml_decode(input) {
        // Debug text compares NaN and -0.0 as well.
        Ok(slow) => assert_eq!(
            format!("{fast:?}"),
            format!("{slow:?}"),
            "input: {:?}",
            String::from_utf8_lossy(input)
        ),
        Err(e) => panic!(
            "fast reader accepted what libyaml rejects ({e}): {:?}",
            String::from_utf8_lossy(input)
        ),
    }
    true
}

/// A file, then each of its `---`-separated documents, as helm's readers
/// split streams.
fn agree_file(text: &[u8]) -> (usize, usize) {
    let (mut seen, mut fast) = (1, usize::from(agree(text)));
    let mut start = 0;
    let mut pos = 0;
    while pos <= text.len() {
        let end = text[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].starts_with(b"---") || end == text.len() {
            let doc = if end == text.len() && !text[pos..end].starts_with(b"---") {
                &text[start..end]
            } else {
                &text[start..pos]
            };
            seen += 1;
            fast += usize::from(agree(doc));
            start = end;
        }
        if end == text.len() {
            break;
        }
        pos = end;
    }
    (seen, fast)
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else {
            files.push(p);
        }
    }
}

/// [`agree_file`] over every file under `dir`: (files, inputs, inputs the fast
/// reader handled).
fn agree_dir(dir: &Path) -> (usize, usize, usize) {
    let mut files = Vec::new();
    walk(dir, &mut files);
    let (mut seen, mut fast) = (0, 0);
    for f in &files {
        let text = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let (s, h) = agree_file(&text);
        seen += s;
        fast += h;
    }
    (files.len(), seen, fast)
}

/// Real charts' values files and rendered manifests, checked in.
#[test]
fn checked_in_inputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fast");
    let (files, seen, fast) = agree_dir(&dir);
    assert!(files > 10, "inputs missing in {}", dir.display());
    // Most of these are in the subset; a drop means the fast reader stopped
    // handling what it should.
    assert!(
        fast * 10 > seen * 8,
        "fast reader took only {fast} of {seen}"
    );
}

/// Every file under `$GOYAML_DIFF_DIR` (a chart corpus), when set.
#[test]
fn directory_from_env() {
    let Some(dir) = std::env::var_os("GOYAML_DIFF_DIR") else {
        return;
    };
    let (files, seen, fast) = agree_dir(Path::new(&dir));
    eprintln!("{files} files, {seen} inputs, fast reader took {fast}");
}

/// Hand-picked corners of the subset and just outside it.
#[test]
fn corners() {
    let cases: &[&str] = &[
        "",
        "\n",
        "# c\n",
        "---\n",
        "--- # c\na: 1\n",
        "a: 1\n",
        "a: 1",
        "a:\n",
        "a:",
        "a:\nb: 2\n",
        "a: b\n  c\n",
        "a: b\n\n  c\n\n\n  d\n",
        "a: b # c\n",
        "a: b#c\n",
        "a: 'x''y'\n",
        "a: \"x\\ty\\u00e9\\x41\\U0001F600\"\n",
        "a: \"x\n  y\n\n  z\"\n",
        "a: \"x\\\n  y\"\n",
        "a: 'x\n  y'\n",
        "a: |\n  x\n  y\n",
        "a: |-\n  x\n\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: >\n  x\n  y\n\n  z\n   w\n",
        "a: |2\n    x\n",
        "- |1\n  x\n",
        "a: |\n\n     \n  x\n",
        "a: |\n  x\n     \n  y\n",
        "a: |\n  x\n# c\nb: 1\n",
        "a: |\n  x",
        "a:\n- 1\n- 2\nb: 3\n",
        "a:\n  - 1\n  - 2\n",
        "- a: 1\n  b: 2\n- c\n",
        "- a:\n  - x\n  b: 1\n",
        "-\n- x\n-\n  y: 1\n",
        "a: [1, 'b', \"c\", {d: e}]\n",
        "a: {}\nb: []\n",
        "a: {\"x\":1}\n",
        "a: [1, ]\n",
        "a: [x\n  , y]\n",
        "~: 1\n",
        "1: a\n1.5: b\ntrue: c\n0x10: d\n",
        "18446744073709551615: a\n",
        "<<: {a: 1}\n",
        "a: &x 1\nb: *x\n",
        "a: &x {b: 1}\nc: *x\n",
        "a: &x\n  b: 1\nc: *x\n",
        "a: &x # c\n  - 1\nc: *x\n",
        "a: &x [*x]\n",
        "a: &x 1\nb: &x [*x]\n",
        "- &a x\n- *a\n- *b\n",
        "a: &x\nb: 1\n",
        "a: &x\n- 1\n",
        "a: *x\n",
        "&a a: 1\n",
        "- &a b: 1\n",
        "a: !!str 1\n",
        "a: b: c\n",
        "a: 1\n- b\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: \"x\\/y\"\n",
        "a: 'x\n---\ny'\n",
        "a: 1\n---\nb: 2\n",
        "a\tb: 1\n",
        "a: 1\r\n",
        "? a\n: b\n",
        "a: -1\nb: -.inf\nc: .nan\nd: 1e3\ne: 0o17\nf: 2001-12-14\n",
        "foo\nbar\n",
        "foo\n- bar\n",
        "\"a\": 1\n'b' : 2\n",
        "a:\n  \"b\"\n",
        "a: x\n  # c\nb: 1\n",
        "key: http://x:80/y\n",
        "a: - b\n",
        "- - a\n",
        "a: @x\n",
        "a: `x\n",
    ];
    for c in cases {
        agree(c.as_bytes());
    }
}

/// YAML-ish text from a small alphabet of the bytes that matter.
fn yamlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_owned()),
        Just(" ".to_owned()),
        Just("  ".to_owned()),
        Just("- ".to_owned()),
        Just(": ".to_owned()),
        Just(":".to_owned()),
        Just("#".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("|".to_owned()),
        Just(">".to_owned()),
        Just("-".to_owned()),
        Just("+".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(",".to_owned()),
        Just("---".to_owned()),
        Just("\t".to_owned()),
        Just("2".to_owned()),
        Just("é".to_owned()),
        "[a-z0-9.~]{1,4}",
        Just("key: ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("\n  ".to_owned()),
        Just("\n    ".to_owned()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Block structure built from a grammar, so most of it is valid.
fn structured() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        "[a-z][a-z0-9 ]{0,6}",
        "[0-9]{1,3}",
        Just("true".to_owned()),
        Just("~".to_owned()),
        Just("''".to_owned()),
        Just("'a''b'".to_owned()),
        Just("\"a\\nb\"".to_owned()),
        Just("|\n  x\n".to_owned()),
        Just("[a, 1]".to_owned()),
        Just("{a: 1}".to_owned()),
        Just("".to_owned()),
    ];
    let line = (
        0usize..4,
        prop_oneof![
            Just("- "),
            Just("k: "),
            Just("k2:"),
            Just("- k: "),
            Just("")
        ],
        scalar,
        prop_oneof![Just(""), Just(" # c"), Just("  ")],
    )
        .prop_map(|(ind, lead, s, tail)| format!("{}{lead}{s}{tail}\n", "  ".repeat(ind)));
    prop::collection::vec(line, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_text_agrees(s in yamlish()) {
        agree(s.as_bytes());
    }

    #[test]
    fn random_structure_agrees(s in structured()) {
        agree(s.as_bytes());
    }
}

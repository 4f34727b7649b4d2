//! Inputs that once broke us, named after what they exercise.

use charthouse_goyaml::{load_values, unmarshal};

/// libyaml-safer panics on a backslash as the last byte inside double
/// quotes (C libyaml reads its NUL padding there); yaml.v2 reports an
/// unknown escape.
#[test]
fn backslash_at_end_of_double_quoted() {
    let err = unmarshal(b"a: \"\\").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error converting YAML to JSON: yaml: found unknown escape character"
    );
}

/// libyaml-safer rejects a first byte of 0xEF without a full BOM; yaml.v2
/// reads U+F000 and friends like any other character.
#[test]
fn private_use_character_first() {
    let m = load_values("\u{f000}: x\n".as_bytes()).unwrap();
    assert!(m.contains_key("\u{f000}"));
}

/// Nesting deeper than our limit is an error, not a stack overflow.
#[test]
fn deep_nesting_is_an_error() {
    let deep = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
    let err = unmarshal(deep.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("exceeded max depth"), "{err}");
}

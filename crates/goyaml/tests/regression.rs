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

/// Chart.yaml's `appVersion: 1.10` reaches helm's string field as "1.1"
/// (float32 `%g`); a big int keeps all its digits.
#[test]
fn string_fields_format_numbers_like_sigs_yaml() {
    use charthouse_goyaml::{Value, string_field, unmarshal_keep_numbers};
    let v = unmarshal_keep_numbers(b"a: 1.10\nb: 123456789\nc: 1.123456789\nd: yes\n").unwrap();
    let Value::Map(m) = v else { panic!("map") };
    assert_eq!(string_field(&m["a"]).as_deref(), Some("1.1"));
    assert_eq!(string_field(&m["b"]).as_deref(), Some("123456789"));
    assert_eq!(string_field(&m["c"]).as_deref(), Some("1.1234568"));
    assert_eq!(string_field(&m["d"]).as_deref(), Some("true"));
}

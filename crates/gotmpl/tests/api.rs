//! API tests: host objects, functions calling back into the set, options.

use charthouse_gotmpl::{MissingKey, Templates, Value};

#[test]
fn placeholder_set_executes() {
    let mut t = Templates::new();
    t.set_missing_key(MissingKey::Error);
    t.parse("t", "{{ .a }}").unwrap();
    assert_eq!(t.execute("t", &Value::map_from([("a", Value::int(1))])).unwrap(), "1");
}

//! parse -> toYaml -> parse must give back the same value, and the JSON
//! and yaml.v3 writers must be readable too, except where Go itself loses
//! information (a NEL folded by the JSON-to-YAML step, a `<<` key written
//! plain and read back as a merge).
#![no_main]

use charthouse_goyaml::{Value, json_marshal, json_unmarshal, marshal, marshal_pretty, unmarshal};
use charthouse_goyaml_fuzz::quiet_caught_panics;
use libfuzzer_sys::fuzz_target;

/// Values whose text helm itself cannot carry through YAML unchanged.
fn lossy(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\u{85}'),
        Value::Seq(items) => items.iter().any(lossy),
        Value::Map(m) => m
            .iter()
            .any(|(k, v)| k == "<<" || k.contains('\u{85}') || lossy(v)),
        _ => false,
    }
}

/// A multi-line string with a line that starts with a tab.
fn tab_line(v: &Value) -> bool {
    let bad = |s: &str| s.contains('\n') && s.split('\n').any(|l| l.starts_with('\t'));
    match v {
        Value::String(s) => bad(s),
        Value::Seq(items) => items.iter().any(tab_line),
        Value::Map(m) => m.iter().any(|(k, v)| bad(k) || tab_line(v)),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let Ok(v) = unmarshal(data) else { return };
    if let Ok(json) = json_marshal(&v) {
        let back = json_unmarshal(json.as_bytes()).expect("our JSON reads back");
        assert_eq!(back, v, "JSON round trip\n{json}");
    }
    if lossy(&v) {
        return;
    }
    // Marshal fails, as helm's does, on keys over 1024 characters and on
    // DEL/C1 control characters; everything else must read back.
    if let Ok(yaml) = marshal(&v) {
        let back = unmarshal(yaml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(back, v, "toYaml round trip\n{yaml}");
    }
    // yaml.v3 (like Go's) writes a line starting with a tab inside a
    // literal block, which libyaml cannot read back.
    if tab_line(&v) {
        return;
    }
    let pretty = marshal_pretty(&v);
    let back = unmarshal(pretty.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{pretty}"));
    assert_eq!(back, v, "toYamlPretty round trip\n{pretty}");
});

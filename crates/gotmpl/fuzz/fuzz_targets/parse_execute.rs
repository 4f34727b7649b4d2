//! Fuzz target: parse arbitrary template text and execute it on a small data value.
//! Property: never panic, never overflow the stack, never hang; parse and execution
//! either succeed or return an error. A parsed set is also executed under every
//! `missingkey` mode and with custom delimiters.
#![no_main]

use charthouse_gotmpl::{Func, GoType, MissingKey, Signature, Templates, Value};
use libfuzzer_sys::fuzz_target;

fn data() -> Value {
    let inner = Value::map_from([
        ("s", Value::from("héllo")),
        ("n", Value::float(2.5)),
        ("i", Value::int64(3)),
        ("l", Value::list(vec![Value::int(1), Value::from("a"), Value::Nil, Value::list(vec![])])),
        ("m", Value::map_from([("k", Value::from("v")), ("z", Value::Nil)])),
        ("b", Value::Bool(true)),
    ]);
    Value::map_from([("Values", inner)])
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    if text.len() > 4096 {
        return;
    }
    // Bound runaway recursion ({{template "x"}} inside "x") and long loops
    // ({{range 99999999}}) to keep each run short: Go's own limits are far larger.
    for (mode, delims) in [(MissingKey::Zero, ("{{", "}}")), (MissingKey::Error, ("{{", "}}")), (MissingKey::Default, ("<<", ">>"))] {
        let mut t = Templates::named("gotpl");
        t.set_missing_key(mode);
        t.set_max_depth(200);
        t.set_max_steps(Some(20_000));
        t.delims(delims.0, delims.1);
        t.add_func(Func::new(
            "include",
            Signature::new(vec![GoType::String, GoType::Interface], GoType::String),
            |ctx, args| {
                if ctx.nesting() > 20 {
                    return Err(charthouse_gotmpl::FuncError::new("too deep"));
                }
                Ok(Value::from(ctx.execute(args[0].as_str().unwrap_or_default(), &args[1])?))
            },
        ));
        if t.parse("f.yaml", text).is_ok() {
            let names: Vec<String> = t.names().iter().map(|s| s.to_string()).collect();
            for n in names.iter().take(4) {
                let _ = t.execute(n, &data());
            }
        }
    }
});

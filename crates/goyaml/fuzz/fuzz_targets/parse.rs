//! Every reader must return a value or an error on any bytes: no panic,
//! no hang, no stack overflow.
#![no_main]

use charthouse_goyaml::{helm, json_unmarshal, load_values, toml_decode, unmarshal};
use libfuzzer_sys::fuzz_target;

/// libfuzzer-sys's panic hook aborts even on panics our crate catches
/// (libyaml-safer's, turned into errors); panics that escape the target are
/// still caught by the `fuzz_target!` wrapper and abort there.
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("{info}"))));
}

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let _ = unmarshal(data);
    let _ = load_values(data);
    let _ = json_unmarshal(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = helm::from_json(s);
        let _ = toml_decode(s);
    }
});

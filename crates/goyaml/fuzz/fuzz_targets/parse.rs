//! Every reader must return a value or an error on any bytes: no panic,
//! no hang, no stack overflow.
#![no_main]

use charthouse_goyaml::{helm, json_unmarshal, load_values, toml_decode, unmarshal};
use charthouse_goyaml_fuzz::quiet_caught_panics;
use libfuzzer_sys::fuzz_target;

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

//! The fast YAML reader must agree with the libyaml one wherever it answers:
//! same value, and no input it accepts that libyaml rejects.
#![no_main]

use charthouse_goyaml::testing::{fast_decode, libyaml_decode};
use libfuzzer_sys::fuzz_target;

/// libfuzzer-sys's panic hook aborts even on panics our crate catches
/// (libyaml-safer's, turned into errors).
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("{info}"))));
}

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    if let Some(fast) = fast_decode(data) {
        match libyaml_decode(data) {
            // Debug text compares NaN and -0.0 as well.
            Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}")),
            Err(e) => panic!("fast reader accepted what libyaml rejects: {e}"),
        }
    }
});

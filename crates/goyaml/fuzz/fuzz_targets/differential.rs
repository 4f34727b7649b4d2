//! The fast YAML reader must agree with the libyaml one wherever it answers:
//! same value, and no input it accepts that libyaml rejects.
#![no_main]

use charthouse_goyaml::testing::{fast_decode, libyaml_decode};
use charthouse_goyaml_fuzz::quiet_caught_panics;
use libfuzzer_sys::fuzz_target;

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

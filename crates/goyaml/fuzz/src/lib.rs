//! What the fuzz targets share.

/// Replaces libfuzzer-sys's panic hook, which aborts even on panics our crate
/// catches (libyaml-safer's, turned into errors), with one that only prints;
/// panics that escape a target are still caught by the `fuzz_target!` wrapper
/// and abort there.
pub fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("{info}"))));
}

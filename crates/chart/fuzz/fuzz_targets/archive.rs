//! Chart archives from arbitrary bytes never panic; a loaded chart always
//! has a valid name and version and only safe, relative file names.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(chart) = charthouse_chart::load_archive(data) {
        assert!(!chart.name().is_empty());
        assert!(!chart.metadata.version.is_empty());
        for f in chart.raw.iter() {
            assert!(!f.name.starts_with('/') && !f.name.starts_with(".."), "{}", f.name);
        }
    }
});

//! `--set` family parsers on arbitrary text: never panic, and parsing is
//! deterministic (the same input into the same map gives the same result).
#![no_main]

use charthouse_chart::strvals;
use charthouse_goyaml::Map;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    type Parser = fn(&str, &mut Map) -> Result<(), String>;
    let parsers: [Parser; 4] = [
        strvals::parse_into,
        strvals::parse_into_string,
        strvals::parse_json,
        strvals::parse_literal_into,
    ];
    for parse in parsers {
        let mut a = Map::new();
        let mut b = Map::new();
        let ra = parse(s, &mut a);
        let rb = parse(s, &mut b);
        assert_eq!(ra, rb);
        assert_eq!(a, b);
    }
});

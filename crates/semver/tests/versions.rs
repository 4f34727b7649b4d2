//! Versions and constraints: cases from Masterminds' own tests whose answers helm
//! v4.3.1 gives (see crates/funcs/tests/data for the helm goldens of the template
//! functions built on this crate).

use std::cmp::Ordering;

use charthouse_semver::{Constraints, Error, Version, is_compatible_range};

fn check(c: &str, v: &str) -> bool {
    match (Constraints::parse(c), Version::parse(v)) {
        (Ok(c), Ok(v)) => c.check(&v),
        (a, b) => panic!("{c} {v}: {:?} {:?}", a.err(), b.err()),
    }
}

#[test]
fn coerced_versions() {
    for ok in [
        "1",
        "1.2",
        "v1.2.3",
        "1.2.3-rc.1+b.5",
        "01.2.3",
        "1-2.3",
        "1.2.3+c-d",
    ] {
        assert!(Version::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "", "1.x", "1.2.3-", "a", "1.2.3.4", "1.2.3+", "vv1", "1.", " 1.2.3", "1.2.3 ",
    ] {
        assert!(
            matches!(Version::parse(bad), Err(Error::InvalidVersion { .. })),
            "{bad}"
        );
    }
    let v = Version::parse("v1.2").unwrap();
    assert_eq!((v.to_string().as_str(), v.original()), ("1.2.0", "v1.2"));
    assert_eq!(Version::parse("01.02.03").unwrap().to_string(), "1.2.3");
    let full = Version::parse("1.2.3-rc.1+b.5").unwrap();
    assert_eq!(
        (
            full.major(),
            full.minor(),
            full.patch(),
            full.prerelease(),
            full.metadata()
        ),
        (1, 2, 3, "rc.1", "b.5")
    );
}

#[test]
fn version_errors_have_masterminds_texts() {
    let text = |v: &str| Version::parse(v).unwrap_err().to_string();
    assert_eq!(text("1.2.3-01"), "version segment starts with 0");
    assert_eq!(text("1.2.3.4"), "invalid semantic version");
    assert_eq!(
        text("99999999999999999999"),
        "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
    );
    assert_eq!(
        Version::parse("1.2.3-01").unwrap_err().reason(),
        "SegmentStartsWithZero"
    );
}

#[test]
fn precedence() {
    let order = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
    ];
    for w in order.windows(2) {
        let (a, b) = (Version::parse(w[0]).unwrap(), Version::parse(w[1]).unwrap());
        assert_eq!(a.compare(&b), Ordering::Less, "{w:?}");
        assert_eq!(b.compare(&a), Ordering::Greater, "{w:?}");
    }
    let plain = Version::parse("1.0.0").unwrap();
    assert_eq!(
        plain.compare(&Version::parse("1.0.0+meta").unwrap()),
        Ordering::Equal
    );
}

#[test]
fn edits() {
    let v = Version::parse("v1.2.3-rc.1+b").unwrap();
    assert_eq!(v.inc_patch().unwrap().original(), "v1.2.3");
    assert_eq!(v.inc_minor().unwrap().original(), "v1.3.0");
    assert_eq!(v.inc_major().unwrap().original(), "v2.0.0");
    assert_eq!(
        Version::parse("1.2.3")
            .unwrap()
            .inc_patch()
            .unwrap()
            .to_string(),
        "1.2.4"
    );
    assert_eq!(v.set_prerelease("").unwrap().to_string(), "1.2.3+b");
    assert_eq!(v.set_metadata("x.y").unwrap().original(), "v1.2.3-rc.1+x.y");
    assert_eq!(
        v.set_prerelease("a..b").unwrap_err().to_string(),
        "invalid prerelease string"
    );
    assert_eq!(
        v.set_metadata("a_b").unwrap_err().to_string(),
        "invalid metadata string"
    );
    let max = Version::parse("18446744073709551615.0.0").unwrap();
    assert_eq!(
        max.inc_major().unwrap_err().to_string(),
        "major version increment would overflow uint64"
    );
}

#[test]
fn constraint_operators() {
    let cases = [
        ("^1.2.3", "1.9.0", true),
        ("^1.2.3", "2.0.0", false),
        ("^0.2.3", "0.2.9", true),
        ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.4", false),
        ("~1.2.3", "1.2.9", true),
        ("~1.2.3", "1.3.0", false),
        ("~1", "1.9.9", true),
        (">=1.2, <2", "1.5.0", true),
        (">=1.2 <2", "2.0.0", false),
        ("1.2 - 1.4.5", "1.4.5", true),
        ("1.2 - 1.4.5", "1.4.6", false),
        ("1.x", "1.8.0", true),
        ("1.2.x", "1.3.0", false),
        ("2.x.x", "2.31.4", true),
        ("*", "4.5.6", true),
        ("*", "4.5.6-rc1", false),
        ("<1 || >=3", "2.0.0", false),
        ("<1 || >=3", "3.1.0", true),
        ("!=1.2.3", "1.2.3", false),
        (">1.2", "1.2.5", false),
        (">1.2", "1.3.0", true),
        (">1.x", "1.9.0", false),
        (">1.x", "2.0.0", true),
        ("<=1.2", "1.2.9", true),
        ("<=1.2", "1.3.0", false),
        (">=1.0.0", "1.1.0-beta", false),
        (">=1.0.0-0", "1.1.0-beta", true),
        (">=1.23.0-0", "v1.28.3-gke.100", true),
        (" >= 1.0 , <= 2.0 ", "1.5.0", true),
        ("=> 1.0 =< 2.0", "2.0.0", true),
        ("~> 1.2", "1.2.7", true),
        ("1.2.3", "1.2.3", true),
        ("1.2.3", "1.2.4", false),
    ];
    for (c, v, want) in cases {
        assert_eq!(check(c, v), want, "{c} {v}");
    }
    assert!(!is_compatible_range("", "1.0.0"));
    assert!(!is_compatible_range("^1", "not-a-version"));
    assert!(is_compatible_range("^1", "1.4.0"));
}

#[test]
fn constraint_errors() {
    let text = |c: &str| Constraints::parse(c).unwrap_err().to_string();
    assert_eq!(text("~~1"), "improper constraint: \"~~1\"");
    assert_eq!(text(""), "improper constraint: \"\"");
    assert_eq!(text(">1 || x y"), "improper constraint: \" x y\"");
    assert_eq!(text("1.0,"), "improper constraint: \"1.0,\"");
    assert_eq!(text("é\t1"), "improper constraint: \"é\\t1\"");
    assert_eq!(text("\u{a0}1"), "improper constraint: \"\\u00a01\"");
    assert_eq!(text("1x"), "constraint parser error");
}

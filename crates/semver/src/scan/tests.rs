//! The recognizers against the regular expressions Masterminds uses (the `regex`
//! crate's leftmost-first matching is RE2's), on generated constraint and version texts.

use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;

use super::*;

/// Go's `\s`.
const WS: &str = r"[\t\n\f\r ]";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const RE_OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

fn re(p: &str) -> Regex {
    Regex::new(p).unwrap()
}

static LOOSE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
    )
});
static ONE: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^{WS}*({RE_OPS}){WS}*({CV}){WS}*$")));
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")));
static FIND: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"({RE_OPS}){WS}*({CV})")));
static VALID: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^({WS}*({RE_OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({RE_OPS}){WS}*({CV}){WS}*)*$"
    ))
});

/// A capture group's span, empty at the end of the previous part when it did not
/// participate (our convention for absent parts).
fn span(m: &regex::Captures<'_>, i: usize) -> Option<Range<usize>> {
    m.get(i).map(|g| g.range())
}

fn same_part(ours: &Range<usize>, theirs: Option<Range<usize>>) -> bool {
    match theirs {
        Some(r) => *ours == r,
        None => ours.is_empty(),
    }
}

fn reference_rewrite(c: &str) -> String {
    let mut out = c.to_owned();
    for caps in RANGE.captures_iter(c) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let lo = caps.get(1).map_or("", |m| m.as_str());
        let hi = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {lo}, <= {hi} "), 1);
    }
    out
}

fn version_text() -> impl Strategy<Value = String> {
    "v?[0-9x*|]{1,3}(\\.[0-9xX*|a]{0,2}){0,3}(-[0-9A-Za-z.-]{0,5})?(\\+[0-9A-Za-z.-]{0,4})?"
}

fn constraint_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        version_text(),
        Just(" ".to_owned()),
        Just(",".to_owned()),
        Just(" - ".to_owned()),
        Just("-".to_owned()),
        Just("||".to_owned()),
        Just("|".to_owned()),
        Just("\t".to_owned()),
        Just("é".to_owned()),
        prop::sample::select(vec![
            "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^", "!", "=="
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn loose_version_matches_the_regex(v in prop_oneof![version_text(), "[ v0-9.+a-z-]{0,12}"]) {
        let ours = loose_version(&v);
        let theirs = LOOSE.captures(&v);
        prop_assert_eq!(ours.is_some(), theirs.is_some(), "{:?}", v);
        if let (Some(o), Some(t)) = (ours, theirs) {
            prop_assert!(same_part(&o.major, span(&t, 1)), "{v:?}");
            prop_assert!(same_part(&o.minor, span(&t, 2)), "{v:?}");
            prop_assert!(same_part(&o.patch, span(&t, 3)), "{v:?}");
            prop_assert!(same_part(&o.pre, span(&t, 4)), "{v:?}");
            prop_assert!(same_part(&o.metadata, span(&t, 7)), "{v:?}");
        }
    }

    #[test]
    fn constraint_scans_match_the_regexes(c in constraint_text()) {
        prop_assert_eq!(rewrite_ranges(&c), reference_rewrite(&c), "{:?}", c);
        for part in c.split("||") {
            prop_assert_eq!(valid_constraint(part), VALID.is_match(part), "{:?}", part);
            let theirs: Vec<&str> = FIND.find_iter(part).map(|m| m.as_str()).collect();
            prop_assert_eq!(find_constraints(part), theirs.clone(), "{:?}", part);
            for s in theirs.into_iter().chain([part]) {
                let ours = one_constraint(s);
                let theirs = ONE.captures(s);
                prop_assert_eq!(ours.is_some(), theirs.is_some(), "{:?}", s);
                if let (Some((op, o)), Some(t)) = (ours, theirs) {
                    prop_assert_eq!(Some(op), t.get(1).map(|g| g.as_str()), "{:?}", s);
                    prop_assert!(same_part(&o.whole, span(&t, 2)), "{s:?}");
                    prop_assert!(same_part(&o.major, span(&t, 3)), "{s:?}");
                    prop_assert!(same_part(&o.minor, span(&t, 4)), "{s:?}");
                    prop_assert!(same_part(&o.patch, span(&t, 5)), "{s:?}");
                    prop_assert!(same_part(&o.pre, span(&t, 6)), "{s:?}");
                }
            }
        }
    }
}

#[test]
fn hand_picked_scans() {
    assert_eq!(
        find_constraints(">= 1.0 <2, !=1.5"),
        vec![">= 1.0", "<2", "!=1.5"]
    );
    assert_eq!(find_constraints("1.0  2.0"), vec!["1.0", "  2.0"]);
    assert!(valid_constraint(" >= 1.0 , <= 2.0 "));
    assert!(!valid_constraint("1.0>2.0"));
    assert!(!valid_constraint("1.0,"));
    assert_eq!(rewrite_ranges("1.2 - 1.4.5"), ">= 1.2, <= 1.4.5 ");
    assert_eq!(rewrite_ranges("a 1 - 2"), "a>= 1, <= 2 ");
    assert_eq!(one_constraint("=>1").map(|(op, _)| op), Some("=>"));
}

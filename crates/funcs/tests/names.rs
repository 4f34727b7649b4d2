//! `functions()` offers exactly the functions helm v4.3.1 offers.

use std::collections::BTreeSet;

use charthouse_funcs::{HELM_FUNCTION_NAMES, Options, functions};

#[test]
fn every_helm_function_is_provided_and_nothing_else() {
    let ours: BTreeSet<String> = functions(&Options::default())
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let helm: BTreeSet<String> = HELM_FUNCTION_NAMES.iter().map(|s| s.to_string()).collect();
    let missing: Vec<&String> = helm.difference(&ours).collect();
    let extra: Vec<&String> = ours.difference(&helm).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} of {} helm functions missing: {missing:?}\nunknown extras: {extra:?}",
        missing.len(),
        helm.len()
    );
}

#[test]
fn names_list_is_sorted_unique_and_without_env() {
    let mut sorted = HELM_FUNCTION_NAMES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted, HELM_FUNCTION_NAMES,
        "HELM_FUNCTION_NAMES must be sorted and unique"
    );
    assert_eq!(HELM_FUNCTION_NAMES.len(), 233);
    for removed in ["env", "expandenv"] {
        assert!(
            !HELM_FUNCTION_NAMES.contains(&removed),
            "helm deletes {removed}"
        );
    }
}

#[test]
fn no_function_is_registered_twice() {
    let mut seen = BTreeSet::new();
    let dups: Vec<String> = functions(&Options::default())
        .iter()
        .map(|f| f.name().to_string())
        .filter(|n| !seen.insert(n.clone()))
        .collect();
    assert!(dups.is_empty(), "registered more than once: {dups:?}");
}

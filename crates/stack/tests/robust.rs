//! The parsers never panic, whatever the input: stackfiles, overlays, `.env`, selectors,
//! git URLs.

use proptest::prelude::*;

use crate::common::{chart, options, write};

/// YAML-ish text built from the format's own keys and punctuation, so cases reach deep
/// into the reader instead of failing at the first byte.
fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "releases:",
        "environments:",
        "helmDefaults:",
        "variables:",
        "repositories:",
        "- name: a",
        "name: b",
        "chart: c",
        "needs: [a]",
        "needs: [x/y]",
        "set:",
        "values:",
        "overlay: [o.yaml]",
        "overlays:",
        "ignore: true",
        "timeout: 5m",
        "wait: yes",
        "${A}",
        "${A:-d}",
        "$$",
        "&x",
        "*x",
        "<<: *x",
        "{",
        "}",
        "[",
        "]",
        ":",
        "- ",
        "  ",
        "    ",
        "\n",
        "'",
        "\"",
        "#",
        "~",
        "null",
        "1.5",
        "-1",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn stackfiles_and_overlays_never_panic(stackfile in yamlish(), overlay in yamlish()) {
        let dir = tempfile::tempdir().unwrap();
        chart(dir.path(), "c");
        write(dir.path(), &[("stackfile.yaml", &stackfile), ("o.yaml", &overlay)]);
        let _ = charthouse_stack::load(&options(dir.path(), None, &[("A", "1")]));
        let _ = charthouse_stack::load(&options(dir.path(), Some("dev"), &[]));
    }

    #[test]
    fn arbitrary_bytes_never_panic(text in "\\PC{0,200}") {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("stackfile.yaml", &text)]);
        let _ = charthouse_stack::load(&options(dir.path(), None, &[]));
        let _ = charthouse_stack::parse_dotenv(".env", &text);
        let _ = charthouse_stack::Selector::parse(&text);
        let _ = charthouse_stack::parse_git_url(&format!("git+{text}"));
    }
}

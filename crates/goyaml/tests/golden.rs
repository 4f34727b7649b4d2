//! Compares our pipelines with outputs recorded from helm v4.3.1 by
//! `tests/data/regen.py` (see its doc for the layout of `tests/data/golden`).

// Test helpers: a missing or unreadable golden file is a failed test.
#![allow(clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use charthouse_goyaml::helm;
use charthouse_goyaml::{Value, load_values};

/// `tests/data/golden`, or `$GOYAML_GOLDEN_DIR` (e.g. goldens made from
/// the chart corpus with `regen.py --corpus DIR`, which stay out of git).
fn suite_dir(suite: &str) -> PathBuf {
    let root = std::env::var_os("GOYAML_GOLDEN_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden"),
        PathBuf::from,
    );
    root.join(suite)
}

/// Case names (file stems) of a suite, by input extension.
fn cases(suite: &str, ext: &str) -> Vec<PathBuf> {
    let Ok(dir) = fs::read_dir(suite_dir(suite)) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// Counts matches and keeps readable diffs of mismatches.
#[derive(Default)]
struct Tally {
    pass: usize,
    fail: Vec<String>,
}

impl Tally {
    fn check(&mut self, case: &Path, what: &str, want: &str, got: &str) {
        if want == got {
            self.pass += 1;
        } else {
            self.fail.push(format!(
                "{} [{what}]\n  want: {want:?}\n  got:  {got:?}",
                case.display()
            ));
        }
    }

    fn finish(self, suite: &str) {
        eprintln!(
            "golden {suite}: {} passed, {} failed",
            self.pass,
            self.fail.len()
        );
        let show = if std::env::var_os("GOYAML_GOLDEN_ALL").is_some() {
            usize::MAX
        } else {
            25
        };
        for f in self.fail.iter().take(show) {
            eprintln!("{f}");
        }
        if std::env::var_os("GOYAML_GOLDEN_DIR").is_none() {
            assert!(self.pass > 0, "{suite}: no golden cases found");
        }
        assert!(
            self.fail.is_empty(),
            "{suite}: {} mismatches",
            self.fail.len()
        );
    }
}

fn read(p: &Path) -> String {
    let bytes = fs::read(p).expect("golden file");
    String::from_utf8(bytes).expect("golden files are UTF-8")
}

/// What `.Files.Get` returns: helm's loader strips a UTF-8 BOM.
fn read_input(p: &Path) -> String {
    let s = read(p);
    s.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(s)
}

/// Helm's chart coalescing drops map entries whose value is null from a
/// chart's own values before templates see `.Values` (that is the chart
/// crate's job, not this crate's; the golden test mimics it).
fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .filter(|(_, v)| *v != Value::Null)
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A chart's values.yaml echoed through `toYaml`, `toJson`,
/// `toPrettyJson` and `toRawJson`, or helm's load error.
#[test]
fn values_files() {
    let mut t = Tally::default();
    for input in cases("values", "yaml") {
        let bytes = fs::read(&input).expect("input");
        let loaded = load_values(&bytes);
        let err_file = input.with_extension("err");
        if err_file.exists() {
            let want = read(&err_file);
            let got = match &loaded {
                Err(e) => format!("Error: cannot load values.yaml: {e}\n"),
                Ok(m) => format!("loaded: {}", helm::to_json(&Value::Map(m.clone()))),
            };
            t.check(&input, "err", &want, &got);
            continue;
        }
        let v = match loaded {
            Ok(m) => drop_nulls(Value::Map(m)),
            Err(e) => {
                t.check(&input, "load", "ok", &e.to_string());
                continue;
            }
        };
        let outputs: [(&str, String); 4] = [
            ("toYaml", helm::to_yaml(&v)),
            ("toJson", helm::to_json(&v)),
            ("toPrettyJson", helm::to_pretty_json(&v)),
            ("toRawJson", helm::to_raw_json(&v).unwrap_or_default()),
        ];
        for (fname, got) in outputs {
            let want = read(&input.with_extension(fname));
            t.check(&input, fname, &want, &got);
        }
    }
    t.finish("values");
}

/// `.Files.Get | fromYaml | toJson`, `fromYamlArray | toJson` and
/// `fromYaml | toYaml`.
#[test]
fn from_yaml() {
    let mut t = Tally::default();
    for input in cases("fromyaml", "in") {
        let s = read_input(&input);
        let m = Value::Map(helm::from_yaml(&s));
        let a = Value::Seq(helm::from_yaml_array(&s));
        t.check(
            &input,
            "fromYaml",
            &read(&input.with_extension("fromYaml")),
            &helm::to_json(&m),
        );
        t.check(
            &input,
            "fromYamlArray",
            &read(&input.with_extension("fromYamlArray")),
            &helm::to_json(&a),
        );
        t.check(
            &input,
            "fromYaml.toYaml",
            &read(&input.with_extension("fromYaml.toYaml")),
            &helm::to_yaml(&m),
        );
    }
    t.finish("fromyaml");
}

/// `.Files.Get | fromJson | toJson`, `fromJsonArray | toJson` and
/// `fromJson | toYaml`.
#[test]
fn from_json() {
    let mut t = Tally::default();
    for input in cases("fromjson", "in") {
        let s = read_input(&input);
        let m = helm::from_json(&s);
        let a = helm::from_json_array(&s);
        t.check(
            &input,
            "fromJson",
            &read(&input.with_extension("fromJson")),
            &helm::to_json(&m),
        );
        t.check(
            &input,
            "fromJsonArray",
            &read(&input.with_extension("fromJsonArray")),
            &helm::to_json(&a),
        );
        t.check(
            &input,
            "fromJson.toYaml",
            &read(&input.with_extension("fromJson.toYaml")),
            &helm::to_yaml(&m),
        );
    }
    t.finish("fromjson");
}

/// `fromToml | toJson` and `fromYaml | toToml`.
#[test]
fn toml() {
    let mut t = Tally::default();
    let mut errors_skipped = 0;
    for input in cases("toml", "in") {
        let s = read_input(&input);
        let from = input.with_extension("fromToml");
        if from.exists() {
            let want = read(&from);
            // BurntSushi's parse error wording is not reproduced (see the
            // crate docs); only that an error happened is checked.
            if want.starts_with("{\"Error\":\"toml:") {
                let got = helm::from_toml(&s);
                assert!(
                    got.contains_key("Error"),
                    "{}: expected an error",
                    input.display()
                );
                errors_skipped += 1;
                continue;
            }
            t.check(
                &input,
                "fromToml",
                &want,
                &helm::to_json(&Value::Map(helm::from_toml(&s))),
            );
        }
        let to = input.with_extension("toToml");
        if to.exists() {
            let v = Value::Map(helm::from_yaml(&s));
            t.check(&input, "toToml", &read(&to), &helm::to_toml(&v));
        }
    }
    eprintln!("golden toml: {errors_skipped} parse errors checked for presence only");
    t.finish("toml");
}

/// `fromYaml | toYamlPretty`.
#[test]
fn yaml_pretty() {
    let mut t = Tally::default();
    for input in cases("pretty", "in") {
        let v = Value::Map(helm::from_yaml(&read_input(&input)));
        t.check(
            &input,
            "toYamlPretty",
            &read(&input.with_extension("toYamlPretty")),
            &helm::to_yaml_pretty(&v),
        );
    }
    t.finish("pretty");
}

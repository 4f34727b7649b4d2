//! Golden tests: each release record helm v4.3.1 wrote, and what helm printed for it
//! (`tests/data/release_output`, made by `regen.sh` there).

use std::collections::BTreeMap;
use std::path::PathBuf;

use charthouse_goyaml::Map as YamlMap;
use charthouse_release::{Release, storage};
use serde_json::Value;

use super::*;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/release_output")
}

fn golden(case: &str) -> String {
    let path = data_dir().join("out").join(format!("{case}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn object(file: &str) -> Value {
    let path = data_dir().join("records").join(format!("{file}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A record as helm's storage driver returns it.
fn record(file: &str) -> Release {
    storage::from_object(&object(file)).unwrap()
}

/// All labels of the record's Secret (helm's metadata shows them all).
fn storage_labels(file: &str) -> BTreeMap<String, String> {
    object(file)["metadata"]["labels"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// The coalesced values helm computed (input to the printer, from `get values --all`).
fn computed(case: &str) -> YamlMap {
    match charthouse_goyaml::json_unmarshal(golden(case).as_bytes()).unwrap() {
        charthouse_goyaml::Value::Map(m) => m,
        other => panic!("{case}: not a map: {other:?}"),
    }
}

/// The resources as the status action fetches them: Tables for the table format, the
/// objects (taken from helm's own JSON status) for JSON and YAML.
fn with_resources(mut release: Release, resources: Value) -> Release {
    let info = release.info.get_or_insert_with(Default::default);
    info.resources = resources.as_object().unwrap().clone();
    release
}

fn tables(name: &str) -> Value {
    object(&format!("{name}.tables"))
}

fn resources_of(case: &str) -> Value {
    let status: Value = serde_json::from_str(&golden(case)).unwrap();
    status["info"]["resources"].clone()
}

/// Replaces the AGE cells of RESOURCES tables (relative to the moment of printing).
fn normalise_age(text: &str) -> String {
    let mut in_resources = false;
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line == "RESOURCES:" {
            in_resources = true;
        } else if line.starts_with("TEST SUITE") || line == "NOTES:" {
            in_resources = false;
        }
        let age = line.rsplit_once(' ').filter(|(_, last)| {
            last.len() > 1
                && last.ends_with(['s', 'm', 'h', 'd'])
                && last[..last.len() - 1].chars().all(|c| c.is_ascii_digit())
        });
        match age {
            Some((head, _)) if in_resources => out.push(format!("{head} <age>")),
            _ => out.push(line.to_owned()),
        }
    }
    out.join("\n")
}

#[track_caller]
fn check(case: &str, ours: anyhow::Result<String>) {
    let ours = ours.unwrap();
    let helm = golden(case);
    assert!(
        ours == helm,
        "{case}: ours differs from helm's\n--- ours\n{ours}\n--- helm\n{helm}"
    );
}

fn status_opts(format: OutputFormat) -> StatusOptions<'static> {
    StatusOptions {
        format,
        ..StatusOptions::default()
    }
}

#[test]
fn install_and_upgrade() {
    let opts = |format| StatusOptions {
        format,
        include_chart: true,
        ..StatusOptions::default()
    };
    check(
        "install_table",
        install(&record("demo.v1.after_install"), &opts(OutputFormat::Table)),
    );
    check(
        "install_json",
        install(&record("alpha.v1.after_install"), &opts(OutputFormat::Json)),
    );
    check(
        "install_yaml",
        install(&record("zeta.v1.after_install"), &opts(OutputFormat::Yaml)),
    );
    check(
        "install_nst",
        install(&record("nst.v1"), &opts(OutputFormat::Table)),
    );
    check(
        "upgrade_table",
        upgrade(&record("demo.v2.after_upgrade"), &opts(OutputFormat::Table)),
    );
    check(
        "upgrade_json",
        upgrade(&record("alpha.v2.after_upgrade"), &opts(OutputFormat::Json)),
    );
}

#[test]
fn messages() {
    check("rollback", Ok(rollback().to_owned()));
    check("uninstall", Ok(uninstall("zeta", "")));
    check(
        "uninstall_two",
        Ok(uninstall("alpha", "") + &uninstall("demo", "")),
    );
    check("test_table", test(&record("demo.v3"), None, false));
}

#[test]
fn status_in_every_format() {
    for (case, rev) in [("status", "demo.v3"), ("status_rev2", "demo.v2")] {
        let table = with_resources(record(rev), tables("demo"));
        let ours = status(&table, &status_opts(OutputFormat::Table)).unwrap();
        let helm = golden(&format!("{case}_table"));
        assert_eq!(normalise_age(&ours), normalise_age(&helm), "{case}_table");
        assert_ne!(
            normalise_age(&helm),
            helm,
            "{case}_table: no AGE cell was normalised"
        );

        let full = with_resources(record(rev), resources_of(&format!("{case}_json")));
        for format in [OutputFormat::Json, OutputFormat::Yaml] {
            let name = format!(
                "{case}_{}",
                if format == OutputFormat::Json {
                    "json"
                } else {
                    "yaml"
                }
            );
            check(&name, status(&full, &status_opts(format)));
        }
    }
    let alpha = with_resources(record("alpha.v2"), tables("alpha"));
    let ours = status(&alpha, &status_opts(OutputFormat::Table)).unwrap();
    assert_eq!(normalise_age(&ours), normalise_age(&golden("status_alpha")));
}

/// `tables` with its kinds in the order helm printed them (Go's map order is random).
fn in_printed_order(tables: Value, printed: &str) -> Value {
    let mut tables = tables.as_object().unwrap().clone();
    let mut ordered = serde_json::Map::new();
    for kind in printed.lines().filter_map(|l| l.strip_prefix("==> ")) {
        let (k, v) = tables.remove_entry(kind).unwrap();
        ordered.insert(k, v);
    }
    assert!(tables.is_empty(), "kinds helm did not print: {tables:?}");
    Value::Object(ordered)
}

#[test]
fn status_with_two_kinds_and_colour() {
    for (case, color) in [("status_plain", false), ("status_plain_color", true)] {
        let helm = golden(case);
        let resources = in_printed_order(tables("plain"), &helm);
        let release = with_resources(record("plain.v1.after_install"), resources);
        let opts = StatusOptions {
            color,
            ..status_opts(OutputFormat::Table)
        };
        let ours = status(&release, &opts).unwrap();
        assert_eq!(normalise_age(&ours), normalise_age(&helm), "{case}");
    }
    let opts = ListOptions {
        color: true,
        local_zone: Some(chrono_tz::UTC),
        ..ListOptions::default()
    };
    check(
        "list_extra_color",
        list(&[record("plain.v1.after_install")], &opts),
    );
    check(
        "history_plain_color",
        history(
            &[record("plain.v1.after_install")],
            &HistoryOptions::default(),
        ),
    );
}

#[test]
fn install_debug_upgrade_install_and_dry_run() {
    let computed = computed("get_values_all_plain_json");
    let debug = StatusOptions {
        include_chart: true,
        hide_notes: true,
        debug: Some(&computed),
        ..status_opts(OutputFormat::Table)
    };
    check(
        "install_debug",
        install(&record("plain.v1.after_install"), &debug),
    );

    let opts = StatusOptions {
        include_chart: true,
        ..status_opts(OutputFormat::Table)
    };
    let ours = upgrade_installing_notice("fresh", OutputFormat::Table)
        + &install(&record("fresh.v1.after_install"), &opts).unwrap();
    check("upgrade_install", Ok(ours));
    assert_eq!(upgrade_installing_notice("fresh", OutputFormat::Json), "");

    // A dry run stores nothing: the record is what helm printed as JSON in another run,
    // so only the times (now-based) may differ from the table run.
    let dry: Release = serde_json::from_str(&golden("install_dry_json")).unwrap();
    let deployed = |text: &str| -> String {
        text.lines()
            .map(|l| {
                if l.starts_with("LAST DEPLOYED: ") {
                    "LAST DEPLOYED: <now>"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let ours = install(&dry, &opts).unwrap();
    assert_eq!(deployed(&ours), deployed(&golden("install_dry_table")));
    assert!(ours.contains("\nHOOKS:\n") && ours.contains("\nMANIFEST:\n"));
}

#[test]
fn history_in_every_format() {
    let revisions: Vec<Release> = ["demo.v2", "demo.v3", "demo.v1"].map(record).into();
    for (case, format) in [
        ("history_table", OutputFormat::Table),
        ("history_json", OutputFormat::Json),
        ("history_yaml", OutputFormat::Yaml),
    ] {
        let opts = HistoryOptions {
            format,
            ..HistoryOptions::default()
        };
        check(case, history(&revisions, &opts));
    }
    let max2 = HistoryOptions {
        max: 2,
        ..HistoryOptions::default()
    };
    check("history_max2", history(&revisions, &max2));
    let rollback = HistoryOptions {
        show_rollback_revision: true,
        ..HistoryOptions::default()
    };
    check("history_rollback", history(&revisions, &rollback));
    check(
        "history_nst",
        history(&[record("nst.v1")], &HistoryOptions::default()),
    );
}

#[test]
fn list_formats_and_sorting() {
    let latest: Vec<Release> = ["zeta.v1", "demo.v3", "alpha.v2"].map(record).into();
    let utc = ListOptions {
        local_zone: Some(chrono_tz::UTC),
        ..ListOptions::default()
    };
    let sorted = |by_date, reverse| {
        let mut r = latest.clone();
        sort_releases(&mut r, by_date, reverse);
        r
    };
    let by_name = sorted(false, false);
    for (suffix, format) in [
        ("table", OutputFormat::Table),
        ("json", OutputFormat::Json),
        ("yaml", OutputFormat::Yaml),
    ] {
        let opts = ListOptions {
            format,
            ..utc.clone()
        };
        check(&format!("list_{suffix}"), list(&by_name, &opts));
        let short = ListOptions {
            short: true,
            ..opts
        };
        check(&format!("list_short_{suffix}"), list(&by_name, &short));
    }
    check("list_date", list(&sorted(true, false), &utc));
    check("list_reverse", list(&sorted(false, true), &utc));
    check("list_date_reverse", list(&sorted(true, true), &utc));
    let no_headers = ListOptions {
        no_headers: true,
        ..utc.clone()
    };
    check("list_no_headers", list(&by_name, &no_headers));
    for (case, layout) in [
        ("list_time_format", "2006-01-02 15:04:05Z0700"),
        (
            "list_time_format2",
            "Mon Jan _2 3:04:05.000PM MST 06 .999999999 Z07:00",
        ),
    ] {
        let opts = ListOptions {
            time_format: Some(layout.to_owned()),
            ..utc.clone()
        };
        check(case, list(&by_name, &opts));
    }
}

#[test]
fn list_names_zones_as_go_does() {
    let nst = [record("nst.v1")];
    let layout = "3:04PM pm January Monday __2 002 06 Jan Janx Janu 1 _2006 -07 -0700 -07:00 \
                  -070000 -07:00:00 Z07:00 Z07 Z0700 05.000 05,999 05.9 .99999 .0000000000 MST";
    let st_johns: chrono_tz::Tz = "America/St_Johns".parse().unwrap();
    for (case, zone, time_format) in [
        ("list_nst", chrono_tz::UTC, None),
        ("list_nst_layout", chrono_tz::UTC, Some(layout)),
        ("list_nst_local", st_johns, None),
        ("list_nst_local_layout", st_johns, Some(layout)),
    ] {
        let opts = ListOptions {
            time_format: time_format.map(str::to_owned),
            local_zone: Some(zone),
            ..ListOptions::default()
        };
        check(case, list(&nst, &opts));
    }
}

#[test]
fn get_values_in_every_format() {
    for (suffix, format) in [
        ("table", OutputFormat::Table),
        ("json", OutputFormat::Json),
        ("yaml", OutputFormat::Yaml),
    ] {
        for (case, rev) in [
            ("get_values", "demo.v3"),
            ("get_values_rev2", "demo.v2"),
            ("get_values_zeta", "zeta.v1"),
            ("get_values_alpha", "alpha.v2"),
            ("get_values_alpha_rev1", "alpha.v1"),
        ] {
            check(
                &format!("{case}_{suffix}"),
                get_values(&record(rev), format),
            );
        }
        check(
            &format!("get_values_all_{suffix}"),
            get_values_all(&computed("get_values_all_json"), format),
        );
    }
}

#[test]
fn get_subcommands() {
    let demo = record("demo.v3");
    check("get_manifest", Ok(get_manifest(&demo)));
    check("get_hooks", Ok(get_hooks(&demo)));
    check("get_notes", Ok(get_notes(&demo)));
    check("get_notes_alpha", Ok(get_notes(&record("alpha.v2"))));
    check(
        "get_all",
        get_all(&demo, &computed("get_values_all_json"), false),
    );
    check(
        "get_all_rev2",
        get_all(
            &record("demo.v2"),
            &computed("get_values_all_rev2_json"),
            false,
        ),
    );
}

#[test]
fn get_metadata_in_every_format() {
    for (suffix, format) in [
        ("table", OutputFormat::Table),
        ("json", OutputFormat::Json),
        ("yaml", OutputFormat::Yaml),
    ] {
        let ours = get_metadata(&record("demo.v3"), &storage_labels("demo.v3"), format);
        check(&format!("get_metadata_{suffix}"), ours);
    }
    for (case, rev) in [
        ("get_metadata_alpha", "alpha.v2"),
        ("get_metadata_nst", "nst.v1"),
    ] {
        let ours = get_metadata(&record(rev), &storage_labels(rev), OutputFormat::Table);
        check(case, ours);
    }
}

#[test]
fn metadata_needs_a_chart() {
    let err = get_metadata(&Release::default(), &BTreeMap::new(), OutputFormat::Table);
    assert!(err.is_err());
}

#[test]
fn empty_results() {
    let utc = ListOptions {
        local_zone: Some(chrono_tz::UTC),
        ..ListOptions::default()
    };
    check("list_empty", list(&[], &utc));
    let no_headers = ListOptions {
        no_headers: true,
        ..utc.clone()
    };
    check("list_empty_no_headers", list(&[], &no_headers));
    let short = ListOptions {
        short: true,
        format: OutputFormat::Json,
        ..utc
    };
    check("list_empty_short_json", list(&[], &short));
}

//! Focused tests of the public API on charts built in temporary directories.

use charthouse_chart::{Error, File, ValuesOptions, load, load_files};

fn file(name: &str, data: &str) -> File {
    File {
        name: name.to_owned(),
        data: data.as_bytes().to_vec(),
    }
}

#[test]
fn load_files_sorts_files() {
    let chart = load_files(vec![
        file("templates/b.yaml", "b"),
        file("Chart.yaml", "apiVersion: v2\nname: x\nversion: 1.0.0\n"),
        file("templates/a.yaml", "a"),
        file("README.md", "r"),
        file("values.yaml", "a: 1\n"),
        file("charts/sub/Chart.yaml", "name: sub\nversion: 0.1.0\n"),
        file("charts/sub.prov", "p"),
    ])
    .unwrap();
    let templates: Vec<&str> = chart.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(templates, ["templates/b.yaml", "templates/a.yaml"]);
    let files: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(files, ["README.md", "charts/sub.prov"]);
    assert_eq!(chart.dependencies.len(), 1);
    assert_eq!(chart.dependencies[0].metadata.api_version, "v1");
    assert_eq!(chart.dependencies[0].full_path(), "x/charts/sub");
}

#[test]
fn missing_chart_yaml() {
    let e = load_files(vec![file("values.yaml", "a: 1\n")]).unwrap_err();
    assert_eq!(e.to_string(), "Chart.yaml file is missing");
    assert_eq!(e.reason(), "ChartYamlMissing");
}

#[test]
fn directory_symlinks_and_irregular_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Chart.yaml"),
        "apiVersion: v2\nname: x\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::create_dir(root.join("real")).unwrap();
    std::fs::write(root.join("real/f.txt"), "f").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("real"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    }
    let e = load(root).unwrap_err();
    // A symlink to an ancestor would recurse forever in helm; we stop.
    assert!(matches!(e, Error::ReadChartFile { .. }), "{e}");
    #[cfg(unix)]
    {
        std::fs::remove_file(root.join("loop")).unwrap();
        let chart = load(root).unwrap();
        let files: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files, ["linked/f.txt", "real/f.txt"]);
    }
}

#[test]
fn invalid_utf8_and_bom_in_files() {
    let chart = load_files(vec![
        File {
            name: "Chart.yaml".into(),
            data: b"\xEF\xBB\xBFapiVersion: v2\nname: x\nversion: 1.0.0\n".to_vec(),
        },
        File {
            name: "bin.dat".into(),
            data: vec![0xff, 0xfe, 0],
        },
    ])
    .unwrap();
    assert_eq!(chart.name(), "x");
    assert_eq!(chart.files[0].data, [0xff, 0xfe, 0]);
}

#[test]
fn values_options_reader_errors() {
    let opts = ValuesOptions {
        value_files: vec!["nope.yaml".into()],
        ..Default::default()
    };
    let e = opts
        .merge_with(&mut |p: &str| Err(format!("open {p}: no such file or directory")))
        .unwrap_err();
    assert_eq!(e.to_string(), "open nope.yaml: no such file or directory");
}

/// Texts from helm v4.3.1: `helm template Bad_Name ...`, `helm template "" ...`.
#[test]
fn release_names() {
    use charthouse_chart::validate_release_name;
    assert!(validate_release_name("my-release.v2").is_ok());
    assert_eq!(
        validate_release_name("Bad_Name").unwrap_err().to_string(),
        r#"release name check failed: release name "Bad_Name": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"#
    );
    assert_eq!(
        validate_release_name("").unwrap_err().to_string(),
        r#"release name check failed: release name "": no name provided"#
    );
    assert!(validate_release_name(&"a".repeat(54)).is_err());
    assert!(validate_release_name(&"a".repeat(53)).is_ok());
    assert!(validate_release_name("a..b").is_err());
    assert!(validate_release_name("-a").is_err());
}

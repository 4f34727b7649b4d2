//! Chart archives as helm writes them (`pkg/chart/v2/util/save.go`): `NAME-VERSION.tgz` with
//! every file under `NAME/`, `Chart.yaml` re-marshalled from the metadata, subcharts as
//! directories under `NAME/charts/`, a gzip header carrying helm's extra field and comment.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use charthouse_chart::semver::Version;
use charthouse_chart::{Chart, Dependency, Lock};
use charthouse_goyaml::{Map, Value};

use crate::error::{Error, Result};

/// helm's gzip header extra field (`save.go`'s `headerBytes`).
const HEADER_EXTRA: &[u8] = b"rr\x28\x00aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

/// What `package` may change on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageOptions {
    /// `--version`: replaces the chart version.
    pub version: String,
    /// `--app-version`: replaces the app version.
    pub app_version: String,
}

/// `Chart.lock` as helm marshals it (sorted keys; dependency fields by their JSON tags).
pub fn lock_to_yaml(lock: &Lock) -> Result<String> {
    let mut m = Map::new();
    m.insert(
        "dependencies".into(),
        Value::Seq(
            lock.dependencies
                .iter()
                .map(|d| d.as_ref().map_or(Value::Null, Dependency::to_json_value))
                .collect(),
        ),
    );
    m.insert("digest".into(), Value::String(lock.digest.clone()));
    m.insert("generated".into(), Value::String(lock.generated.clone()));
    charthouse_goyaml::marshal(&Value::Map(m)).map_err(|e| Error::Package {
        chart: "Chart.lock".into(),
        message: e.to_string(),
    })
}

/// Packages the chart directory `dir` into `dest` as helm's `package` does; returns the
/// archive path. Dependencies declared in `Chart.yaml` must be present in `charts/`.
pub fn package_dir(dir: &Path, dest: &Path, opts: &PackageOptions) -> Result<PathBuf> {
    let mut chart = charthouse_chart::load_dir(dir)?;
    if !opts.version.is_empty() {
        chart.metadata.version = opts.version.clone();
    }
    if Version::parse(&chart.metadata.version).is_none() {
        return Err(Error::Package {
            chart: chart.metadata.name.clone(),
            message: "Invalid Semantic Version".into(),
        });
    }
    if !opts.app_version.is_empty() {
        chart.metadata.app_version = opts.app_version.clone();
    }
    // helm's `action.CheckDependencies`, with the message `helm package` prints.
    let missing: Vec<String> = chart
        .metadata
        .deps()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Dependency {
            message: format!(
                "found in Chart.yaml, but missing in charts/ directory: {}",
                missing.join(", ")
            ),
        });
    }
    save(&chart, dest)
}

/// Writes `chart` as `dest/NAME-VERSION.tgz` (helm's `chartutil.Save`).
pub fn save(chart: &Chart, dest: &Path) -> Result<PathBuf> {
    let name = &chart.metadata.name;
    let fail = |message: String| Error::Package {
        chart: name.clone(),
        message,
    };
    let mut tar = tar::Builder::new(Vec::new());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    write_chart(&mut tar, chart, "", now).map_err(|e| fail(e.to_string()))?;
    let body = tar.into_inner().map_err(|e| fail(e.to_string()))?;
    let mut gz = flate2::GzBuilder::new()
        .extra(HEADER_EXTRA)
        .comment("Helm")
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).map_err(|e| fail(e.to_string()))?;
    let data = gz.finish().map_err(|e| fail(e.to_string()))?;
    std::fs::create_dir_all(dest).map_err(|e| Error::io("creating directory", dest, e))?;
    let path = dest.join(format!("{name}-{}.tgz", chart.metadata.version));
    std::fs::write(&path, data).map_err(|e| Error::io("writing", &path, e))?;
    Ok(path)
}

fn write_chart(
    tar: &mut tar::Builder<Vec<u8>>,
    chart: &Chart,
    prefix: &str,
    mtime: u64,
) -> std::io::Result<()> {
    let base = format!("{prefix}{}", chart.metadata.name);
    let mut meta = chart.metadata.clone();
    if meta.api_version == "v1" {
        meta.dependencies.clear();
    }
    let chart_yaml = charthouse_goyaml::marshal(&meta.to_json_value())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    add(
        tar,
        &format!("{base}/Chart.yaml"),
        chart_yaml.as_bytes(),
        mtime,
    )?;
    if meta.api_version == "v2"
        && let Some(lock) = &chart.lock
    {
        let text = lock_to_yaml(lock).map_err(|e| std::io::Error::other(e.to_string()))?;
        add(tar, &format!("{base}/Chart.lock"), text.as_bytes(), mtime)?;
    }
    if let Some(values) = chart.raw.iter().find(|f| f.name == "values.yaml") {
        add(tar, &format!("{base}/values.yaml"), &values.data, mtime)?;
    }
    if let Some(schema) = &chart.schema {
        add(tar, &format!("{base}/values.schema.json"), schema, mtime)?;
    }
    for f in chart.templates.iter().chain(chart.files.iter()) {
        add(tar, &format!("{base}/{}", f.name), &f.data, mtime)?;
    }
    for dep in &chart.dependencies {
        write_chart(tar, dep, &format!("{base}/charts/"), mtime)?;
    }
    Ok(())
}

fn add(
    tar: &mut tar::Builder<Vec<u8>>,
    name: &str,
    data: &[u8],
    mtime: u64,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_mode(0o644);
    header.set_size(data.len() as u64);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, name, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_layout_and_version_override() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c");
        std::fs::create_dir_all(c.join("templates")).unwrap();
        std::fs::write(
            c.join("Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        )
        .unwrap();
        std::fs::write(c.join("values.yaml"), "a: 1\n").unwrap();
        std::fs::write(c.join("templates/x.yaml"), "kind: X\n").unwrap();
        std::fs::write(c.join("README.md"), "hi\n").unwrap();
        let out = dir.path().join("out");
        let opts = PackageOptions {
            version: "1.2.3".into(),
            app_version: "9".into(),
        };
        let path = package_dir(&c, &out, &opts).unwrap();
        assert!(path.ends_with("c-1.2.3.tgz"));
        let data = std::fs::read(&path).unwrap();
        let chart = charthouse_chart::load_archive(&data).unwrap();
        assert_eq!(chart.metadata.version, "1.2.3");
        assert_eq!(chart.metadata.app_version, "9");
        let mut names: Vec<String> = tar::Archive::new(flate2::read::GzDecoder::new(&data[..]))
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "c/Chart.yaml",
                "c/README.md",
                "c/templates/x.yaml",
                "c/values.yaml"
            ]
        );
        let bad = PackageOptions {
            version: "x.y".into(),
            ..PackageOptions::default()
        };
        assert!(package_dir(&c, &out, &bad).is_err());
    }
}

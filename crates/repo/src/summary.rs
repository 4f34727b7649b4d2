//! A compact summary of a cached index beside helm's cache (`.charthouse/NAME-index.json`),
//! so `search repo` need not parse a multi-megabyte `index.yaml` on every run. It records the
//! size and modification time of the YAML it was made from and is ignored (and rebuilt) when
//! either differs, e.g. after helm itself updated the repository.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::index::{ChartVersion, IndexFile};

fn summary_path(cache: &Path, name: &str) -> PathBuf {
    cache.join(".charthouse").join(format!("{name}-index.json"))
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), mtime))
}

/// One version in the summary: version, appVersion, description, keywords, deprecated.
type Row = (String, String, String, Vec<String>, bool);

/// The summary file.
#[derive(serde::Serialize, serde::Deserialize)]
struct Summary {
    size: u64,
    mtime: String,
    #[serde(rename = "apiVersion")]
    api_version: String,
    entries: std::collections::BTreeMap<String, Vec<Row>>,
}

/// Writes the summary of `index`, read from `yaml`; failures only cost speed later.
pub fn write(cache: &Path, name: &str, yaml: &Path, index: &IndexFile) {
    let Some((size, mtime)) = stamp(yaml) else {
        return;
    };
    let summary = Summary {
        size,
        mtime: mtime.to_string(),
        api_version: index.api_version.clone(),
        entries: index
            .entries
            .iter()
            .map(|(chart, versions)| {
                let rows = versions
                    .iter()
                    .map(|v| {
                        (
                            v.version.clone(),
                            v.app_version.clone(),
                            v.description.clone(),
                            v.keywords.clone(),
                            v.deprecated,
                        )
                    })
                    .collect();
                (chart.clone(), rows)
            })
            .collect(),
    };
    if let Ok(text) = serde_json::to_vec(&summary) {
        let _ = crate::fsutil::atomic_write(&summary_path(cache, name), &text, 0o644);
    }
}

/// The summary as an index whose entries carry only what search shows (no URLs, digests or
/// raw metadata).
fn read(cache: &Path, name: &str, yaml: &Path) -> Option<IndexFile> {
    let (size, mtime) = stamp(yaml)?;
    let data = std::fs::read(summary_path(cache, name)).ok()?;
    let summary: Summary = serde_json::from_slice(&data).ok()?;
    if summary.size != size || summary.mtime != mtime.to_string() {
        return None;
    }
    let entries = summary
        .entries
        .into_iter()
        .map(|(chart, rows)| {
            let versions = rows
                .into_iter()
                .map(
                    |(version, app_version, description, keywords, deprecated)| ChartVersion {
                        name: chart.clone(),
                        version,
                        app_version,
                        description,
                        keywords,
                        urls: Vec::new(),
                        digest: String::new(),
                        deprecated,
                        raw: Default::default(),
                    },
                )
                .collect();
            (chart, versions)
        })
        .collect();
    Some(IndexFile {
        api_version: summary.api_version,
        entries,
        ..IndexFile::default()
    })
}

/// The cached index of repository `name` for searching: from the summary when it is
/// current, else parsed from `NAME-index.yaml` (and the summary rewritten).
pub fn load_for_search(cache: &Path, name: &str) -> Result<IndexFile> {
    let yaml = crate::repos::cache_index_file(cache, name);
    if let Some(index) = read(cache, name, &yaml) {
        return Ok(index);
    }
    let index = IndexFile::load(&yaml)?;
    write(cache, name, &yaml, &index);
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_round_trip_and_staleness() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = crate::repos::cache_index_file(dir.path(), "r");
        std::fs::write(&yaml, "apiVersion: v1\nentries:\n  a:\n  - {name: a, version: 1.0.0, description: d, keywords: [k], urls: [a.tgz]}\n").unwrap();
        let first = load_for_search(dir.path(), "r").unwrap();
        let second = read(dir.path(), "r", &yaml).unwrap();
        assert_eq!(second.entries["a"][0].description, "d");
        assert_eq!(
            second.entries["a"][0].keywords,
            first.entries["a"][0].keywords
        );
        std::fs::write(
            &yaml,
            "apiVersion: v1\nentries:\n  b:\n  - {name: b, version: 2.0.0, urls: [b.tgz]}\n",
        )
        .unwrap();
        let third = load_for_search(dir.path(), "r").unwrap();
        assert!(third.entries.contains_key("b") && !third.entries.contains_key("a"));
    }
}

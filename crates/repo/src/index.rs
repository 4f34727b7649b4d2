//! Repository index files (`index.yaml`, helm's `pkg/repo/v1/index.go`): loading with helm's
//! validation and ordering, version selection with Masterminds constraints, generation from a
//! directory of archives (`repo index`), merging, and writing in helm's layout.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

use charthouse_chart::semver::{Constraints, Version};
use charthouse_goyaml::{Map, Value};

use crate::error::{Error, Result};

/// One version of one chart in an index (helm's `repo.ChartVersion`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartVersion {
    /// Chart name.
    pub name: String,
    /// Chart version.
    pub version: String,
    /// `appVersion`.
    pub app_version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// Download URLs, absolute or relative to the repository URL.
    pub urls: Vec<String>,
    /// sha256 of the archive, hex (may be empty).
    pub digest: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// The whole entry as helm would marshal it, for writing the index back unchanged.
    pub raw: Map,
}

/// The newest-first list of a chart's versions.
pub type ChartVersions = Vec<ChartVersion>;

/// A repository index (helm's `repo.IndexFile`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexFile {
    /// `apiVersion` (helm writes `v1`).
    pub api_version: String,
    /// `generated`, as Go's time text.
    pub generated: String,
    /// Chart name to versions, newest first once sorted.
    pub entries: BTreeMap<String, ChartVersions>,
    /// Other top-level fields kept as read (`annotations`, `publicKeys`).
    pub extra: Map,
}

/// Go's `time.Now()` as encoding/json writes it (RFC 3339 with nanoseconds, trailing zeros
/// of the fraction dropped, `Z` for UTC).
pub fn go_time_now() -> String {
    go_time(chrono::Local::now().fixed_offset())
}

/// A time as encoding/json writes `time.Time`.
pub fn go_time(t: chrono::DateTime<chrono::FixedOffset>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.timestamp_subsec_nanos();
    let frac = if nanos == 0 {
        String::new()
    } else {
        let s = format!(".{nanos:09}");
        s.trim_end_matches('0').to_owned()
    };
    let offset = t.offset().local_minus_utc();
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        t.format("%:z").to_string()
    };
    format!("{base}{frac}{zone}")
}

/// Masterminds' ordering of two version strings; unparsable ones sort lowest.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (Some(x), Some(y)) => x.cmp_precedence(&y),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn str_field(m: &Map, k: &str) -> String {
    m.get(k)
        .and_then(charthouse_goyaml::string_field)
        .unwrap_or_default()
}

fn str_list(m: &Map, k: &str) -> Vec<String> {
    match m.get(k) {
        Some(Value::Seq(list)) => list
            .iter()
            .filter_map(charthouse_goyaml::string_field)
            .collect(),
        _ => Vec::new(),
    }
}

impl ChartVersion {
    /// Reads one entry of `entries`; `None` when helm would skip it as invalid.
    pub fn from_map(raw: Map) -> Option<ChartVersion> {
        let cv = ChartVersion {
            name: str_field(&raw, "name"),
            version: str_field(&raw, "version"),
            app_version: str_field(&raw, "appVersion"),
            description: str_field(&raw, "description"),
            keywords: str_list(&raw, "keywords"),
            urls: str_list(&raw, "urls"),
            digest: str_field(&raw, "digest"),
            deprecated: matches!(raw.get("deprecated"), Some(Value::Bool(true))),
            raw,
        };
        // helm's Metadata.Validate: a name and a semantic version are required.
        if cv.name.is_empty() || Version::parse(&cv.version).is_none() {
            return None;
        }
        Some(cv)
    }

    /// The entry for a chart archive: its metadata plus URL, creation time and digest
    /// (helm's `IndexFile.MustAdd`).
    pub fn for_archive(meta: &charthouse_chart::Metadata, url: String, digest: String) -> Self {
        let mut meta = meta.clone();
        if meta.api_version.is_empty() {
            meta.api_version = "v1".into();
        }
        let mut raw = match meta.to_json_value() {
            Value::Map(m) => m,
            _ => Map::new(),
        };
        raw.insert("urls".into(), Value::Seq(vec![Value::String(url.clone())]));
        raw.insert("created".into(), Value::String(go_time_now()));
        raw.insert("digest".into(), Value::String(digest.clone()));
        ChartVersion {
            name: meta.name.clone(),
            version: meta.version.clone(),
            app_version: meta.app_version.clone(),
            description: meta.description.clone(),
            keywords: meta.keywords.clone(),
            urls: vec![url],
            digest,
            deprecated: meta.deprecated,
            raw,
        }
    }
}

impl IndexFile {
    /// An empty index as helm's `NewIndexFile` makes it.
    pub fn new() -> Self {
        IndexFile {
            api_version: "v1".into(),
            generated: go_time_now(),
            entries: BTreeMap::new(),
            extra: Map::new(),
        }
    }

    /// Reads an index file (helm's `LoadIndexFile`).
    pub fn load(path: &Path) -> Result<IndexFile> {
        let data = std::fs::read(path).map_err(|e| Error::io("reading", path, e))?;
        Self::parse(&data, &path.display().to_string())
    }

    /// Parses index data (YAML or JSON) as helm's `loadIndex`: invalid entries are dropped,
    /// versions sorted newest first, a missing `apiVersion` is an error.
    pub fn parse(data: &[u8], source_name: &str) -> Result<IndexFile> {
        let fail = |message: String| Error::Index {
            source_name: source_name.to_owned(),
            message,
        };
        if data.is_empty() {
            return Err(fail("empty index.yaml file".into()));
        }
        let doc =
            charthouse_goyaml::unmarshal_keep_numbers(data).map_err(|e| fail(e.to_string()))?;
        let Value::Map(mut top) = doc else {
            return Err(fail(
                "error unmarshaling JSON: json: cannot unmarshal into Go value of type repo.IndexFile"
                    .into(),
            ));
        };
        let api_version = str_field(&top, "apiVersion");
        let generated = str_field(&top, "generated");
        let mut entries = BTreeMap::new();
        if let Some(Value::Map(raw_entries)) = top.remove("entries") {
            for (name, list) in raw_entries {
                let Value::Seq(list) = list else { continue };
                let versions: Vec<ChartVersion> = list
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Map(m) => ChartVersion::from_map(m),
                        _ => None,
                    })
                    .collect();
                entries.insert(name, versions);
            }
        }
        for k in ["apiVersion", "generated", "serverInfo"] {
            top.remove(k);
        }
        let mut index = IndexFile {
            api_version,
            generated,
            entries,
            extra: top,
        };
        index.sort_entries();
        if index.api_version.is_empty() {
            return Err(fail("no API version specified".into()));
        }
        Ok(index)
    }

    /// Sorts every chart's versions newest first (helm's `SortEntries`).
    pub fn sort_entries(&mut self) {
        for versions in self.entries.values_mut() {
            versions.sort_by(|a, b| compare_versions(&b.version, &a.version));
        }
    }

    /// Whether `name` at exactly `version` is present.
    pub fn has(&self, name: &str, version: &str) -> bool {
        self.entries
            .get(name)
            .is_some_and(|vs| vs.iter().any(|v| v.version == version))
    }

    /// Appends an entry (may leave the index unsorted, as helm's `MustAdd`).
    pub fn add(&mut self, cv: ChartVersion) {
        self.entries.entry(cv.name.clone()).or_default().push(cv);
    }

    /// Adds the entries of `other` that this index lacks (helm's `Merge`).
    pub fn merge(&mut self, other: &IndexFile) {
        for versions in other.entries.values() {
            for cv in versions {
                if !self.has(&cv.name, &cv.version) {
                    self.add(cv.clone());
                }
            }
        }
    }

    /// The version of `name` that `version` selects (helm's `IndexFile.Get`): the exact
    /// version when present, else the newest matching the constraint; empty means the
    /// newest stable version.
    pub fn get(&self, name: &str, version: &str) -> std::result::Result<&ChartVersion, String> {
        let Some(versions) = self.entries.get(name) else {
            return Err("no chart name found".into());
        };
        if versions.is_empty() {
            return Err("no chart version found".into());
        }
        let constraint = if version.is_empty() { "*" } else { version };
        let Some(constraints) = Constraints::parse(constraint) else {
            return Err(format!("improper constraint: {version}"));
        };
        if !version.is_empty()
            && let Some(exact) = versions.iter().find(|v| v.version == version)
        {
            return Ok(exact);
        }
        versions
            .iter()
            .find(|cv| Version::parse(&cv.version).is_some_and(|v| constraints.check(&v)))
            .ok_or_else(|| format!("no chart version found for {name}-{version}"))
    }

    /// Up to `n` versions of `name`, newest first, to suggest when a version is missing.
    pub fn nearest_versions(&self, name: &str, n: usize) -> Vec<String> {
        self.entries
            .get(name)
            .map(|vs| vs.iter().take(n).map(|v| v.version.clone()).collect())
            .unwrap_or_default()
    }

    /// The index as helm marshals it (sigs.k8s.io/yaml of `repo.IndexFile`).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        let entries: Map = self
            .entries
            .iter()
            .map(|(name, vs)| {
                (
                    name.clone(),
                    Value::Seq(vs.iter().map(|v| Value::Map(v.raw.clone())).collect()),
                )
            })
            .collect();
        m.insert("entries".into(), Value::Map(entries));
        m.insert("generated".into(), Value::String(self.generated.clone()));
        for (k, v) in &self.extra {
            let empty = match v {
                Value::Seq(s) => s.is_empty(),
                Value::Map(x) => x.is_empty(),
                Value::Null => true,
                _ => false,
            };
            if !empty {
                m.insert(k.clone(), v.clone());
            }
        }
        Value::Map(m)
    }

    /// Writes the index as YAML (or indented JSON) like helm's `WriteFile`/`WriteJSONFile`.
    pub fn write(&self, path: &Path, json: bool) -> Result<()> {
        let v = self.to_value();
        let text = if json {
            charthouse_goyaml::json_marshal_indent(&v, "  ")
        } else {
            charthouse_goyaml::marshal(&v)
        }
        .map_err(|e| Error::Index {
            source_name: path.display().to_string(),
            message: e.to_string(),
        })?;
        crate::fsutil::atomic_write(path, text.as_bytes(), 0o644)
    }

    /// Indexes the chart archives in `dir` and its direct subdirectories (helm's
    /// `IndexDirectory`; Go's `filepath.Glob` reads `**` as one directory level). Files that
    /// do not load as charts are skipped.
    pub fn from_directory(dir: &Path, base_url: &str) -> Result<IndexFile> {
        let mut archives = tgz_files(dir)?;
        let mut subdirs: Vec<_> = read_dir_sorted(dir)?
            .into_iter()
            .filter(|p| p.is_dir())
            .collect();
        subdirs.sort();
        for sub in subdirs {
            archives.extend(tgz_files(&sub)?);
        }
        let mut index = IndexFile::new();
        for arch in archives {
            let rel = arch.strip_prefix(dir).unwrap_or(&arch);
            let file = rel
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let parent = rel
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Ok(chart) = charthouse_chart::load(&arch) else {
                continue;
            };
            let digest = crate::digest::file_digest(&arch)?;
            let parent_url = url_join(base_url, &parent);
            let url = if parent_url.is_empty() {
                file
            } else {
                url_join(&parent_url, &file)
            };
            index.add(ChartVersion::for_archive(&chart.metadata, url, digest));
        }
        Ok(index)
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("reading directory", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    Ok(out)
}

fn tgz_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    Ok(read_dir_sorted(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tgz"))
        .collect())
}

/// helm's `urlutil.URLJoin`: `path.Join` of the URL's path with `part`.
pub fn url_join(base: &str, part: &str) -> String {
    if part.is_empty() {
        return base.to_owned();
    }
    if base.is_empty() {
        return part.to_owned();
    }
    let (scheme_host, path) = match base.split_once("://") {
        Some((scheme, rest)) => match rest.find('/') {
            Some(i) => (format!("{scheme}://{}", &rest[..i]), rest[i..].to_owned()),
            None => (format!("{scheme}://{rest}"), String::new()),
        },
        None => (String::new(), base.to_owned()),
    };
    let joined = clean_path(&format!("{path}/{part}"));
    if scheme_host.is_empty() {
        joined.trim_start_matches('/').to_owned()
    } else if joined.starts_with('/') {
        format!("{scheme_host}{joined}")
    } else {
        format!("{scheme_host}/{joined}")
    }
}

/// Go's `path.Clean` for the joined URL path.
fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    if rooted { format!("/{body}") } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "apiVersion: v1\nentries:\n  nginx:\n  - name: nginx\n    version: 1.0.0\n    urls: [nginx-1.0.0.tgz]\n  - name: nginx\n    version: 2.0.0-rc.1\n    urls: [nginx-2.0.0-rc.1.tgz]\n  - name: nginx\n    version: 1.2.0\n    description: web\n    urls: [nginx-1.2.0.tgz]\n  - name: nginx\n    version: not-semver\n  broken: nope\ngenerated: \"2020-01-01T00:00:00Z\"\n";

    #[test]
    fn loads_sorts_and_drops_invalid() {
        let i = IndexFile::parse(INDEX.as_bytes(), "t").unwrap();
        let v: Vec<_> = i.entries["nginx"]
            .iter()
            .map(|v| v.version.as_str())
            .collect();
        assert_eq!(v, ["2.0.0-rc.1", "1.2.0", "1.0.0"]);
        assert!(!i.entries.contains_key("broken"));
    }

    #[test]
    fn get_follows_helm() {
        let i = IndexFile::parse(INDEX.as_bytes(), "t").unwrap();
        assert_eq!(i.get("nginx", "").unwrap().version, "1.2.0");
        assert_eq!(i.get("nginx", "^1.0").unwrap().version, "1.2.0");
        assert_eq!(i.get("nginx", "1.0.0").unwrap().version, "1.0.0");
        assert_eq!(i.get("nginx", ">=2.0.0-0").unwrap().version, "2.0.0-rc.1");
        assert_eq!(
            i.get("nginx", "3.x").unwrap_err(),
            "no chart version found for nginx-3.x"
        );
        assert_eq!(i.get("nope", "").unwrap_err(), "no chart name found");
    }

    #[test]
    fn missing_api_version_and_empty() {
        assert!(IndexFile::parse(b"entries: {}\n", "t").is_err());
        assert!(IndexFile::parse(b"", "t").is_err());
    }

    #[test]
    fn url_join_like_go() {
        assert_eq!(
            url_join("http://x/charts", "a.tgz"),
            "http://x/charts/a.tgz"
        );
        assert_eq!(url_join("http://x/charts/", "sub"), "http://x/charts/sub");
        assert_eq!(url_join("http://x", "a.tgz"), "http://x/a.tgz");
        assert_eq!(url_join("", "sub"), "sub");
        assert_eq!(url_join("sub", "a.tgz"), "sub/a.tgz");
    }

    #[test]
    fn go_time_text() {
        let t =
            chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.120000000+00:00").unwrap();
        assert_eq!(go_time(t), "2024-05-06T07:08:09.12Z");
        let t = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09+02:00").unwrap();
        assert_eq!(go_time(t), "2024-05-06T07:08:09+02:00");
    }
}

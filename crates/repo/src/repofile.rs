//! helm's repositories file (`repositories.yaml`, `pkg/repo/v1/repo.go`): read it as helm
//! does and write it back in helm's layout, so helm and charthouse can share one.

use std::path::Path;

use charthouse_goyaml::{Map, Value};

use crate::error::{Error, Result};
use crate::http::HttpOptions;

/// One configured chart repository (helm's `repo.Entry`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The repository name (`REPO` in `REPO/CHART`).
    pub name: String,
    /// The repository URL.
    pub url: String,
    /// Basic-auth user name.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// Client certificate file.
    pub cert_file: String,
    /// Client key file.
    pub key_file: String,
    /// CA bundle file.
    pub ca_file: String,
    /// Skip TLS verification.
    pub insecure_skip_tls_verify: bool,
    /// Send credentials to every host.
    pub pass_credentials_all: bool,
}

impl Entry {
    /// The HTTP settings for talking to this repository.
    pub fn http_options(&self) -> HttpOptions {
        let path = |s: &str| (!s.is_empty()).then(|| s.into());
        HttpOptions {
            username: self.username.clone(),
            password: self.password.clone(),
            credentials_url: self.url.clone(),
            pass_credentials_all: self.pass_credentials_all,
            ca_file: path(&self.ca_file),
            cert_file: path(&self.cert_file),
            key_file: path(&self.key_file),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            timeout: None,
        }
    }

    fn from_map(m: &Map) -> Entry {
        let s = |k: &str| {
            m.get(k)
                .and_then(charthouse_goyaml::string_field)
                .unwrap_or_default()
        };
        let b = |k: &str| matches!(m.get(k), Some(Value::Bool(true)));
        Entry {
            name: s("name"),
            url: s("url"),
            username: s("username"),
            password: s("password"),
            cert_file: s("certFile"),
            key_file: s("keyFile"),
            ca_file: s("caFile"),
            insecure_skip_tls_verify: b("insecure_skip_tls_verify"),
            pass_credentials_all: b("pass_credentials_all"),
        }
    }

    fn to_value(&self) -> Value {
        let s = |v: &str| Value::String(v.to_owned());
        let mut m = Map::new();
        m.insert("name".into(), s(&self.name));
        m.insert("url".into(), s(&self.url));
        m.insert("username".into(), s(&self.username));
        m.insert("password".into(), s(&self.password));
        m.insert("certFile".into(), s(&self.cert_file));
        m.insert("keyFile".into(), s(&self.key_file));
        m.insert("caFile".into(), s(&self.ca_file));
        m.insert(
            "insecure_skip_tls_verify".into(),
            Value::Bool(self.insecure_skip_tls_verify),
        );
        m.insert(
            "pass_credentials_all".into(),
            Value::Bool(self.pass_credentials_all),
        );
        Value::Map(m)
    }
}

/// The repositories file (helm's `repo.File`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoFile {
    /// `apiVersion` as read (helm writes `v1`).
    pub api_version: String,
    /// `generated` as read.
    pub generated: String,
    /// The repositories, in file order.
    pub repositories: Vec<Entry>,
}

impl RepoFile {
    /// An empty file as helm's `NewFile` makes it.
    pub fn new() -> Self {
        RepoFile {
            api_version: "v1".into(),
            generated: crate::index::go_time_now(),
            repositories: Vec::new(),
        }
    }

    /// Reads `path`; `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<RepoFile>> {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("reading", path, e)),
        };
        Self::parse(&data, path).map(Some)
    }

    /// Reads `path`, an absent file being an empty one.
    pub fn load_or_default(path: &Path) -> Result<RepoFile> {
        Ok(Self::load(path)?.unwrap_or_default())
    }

    fn parse(data: &[u8], path: &Path) -> Result<RepoFile> {
        let fail = |message: String| Error::RepoFile {
            path: path.to_owned(),
            message,
        };
        let doc =
            charthouse_goyaml::unmarshal_keep_numbers(data).map_err(|e| fail(e.to_string()))?;
        let map = match doc {
            Value::Null => return Ok(RepoFile::default()),
            Value::Map(m) => m,
            _ => return Err(fail("not a mapping".into())),
        };
        let s = |k: &str| {
            map.get(k)
                .and_then(charthouse_goyaml::string_field)
                .unwrap_or_default()
        };
        let repositories = match map.get("repositories") {
            Some(Value::Seq(list)) => list
                .iter()
                .filter_map(|v| v.as_map().map(Entry::from_map))
                .collect(),
            _ => Vec::new(),
        };
        Ok(RepoFile {
            api_version: s("apiVersion"),
            generated: s("generated"),
            repositories,
        })
    }

    /// The entry named `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.repositories.iter().find(|e| e.name == name)
    }

    /// Replaces the entry of the same name, or appends it (helm's `Update`).
    pub fn update(&mut self, entry: Entry) {
        match self.repositories.iter_mut().find(|e| e.name == entry.name) {
            Some(slot) => *slot = entry,
            None => self.repositories.push(entry),
        }
    }

    /// Removes the entry named `name`; false when there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.repositories.len();
        self.repositories.retain(|e| e.name != name);
        before != self.repositories.len()
    }

    /// Writes the file as helm does (sigs.k8s.io/yaml of `repo.File`, mode 0600).
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        m.insert("generated".into(), Value::String(self.generated.clone()));
        m.insert(
            "repositories".into(),
            Value::Seq(self.repositories.iter().map(Entry::to_value).collect()),
        );
        let text = charthouse_goyaml::marshal(&Value::Map(m)).map_err(|e| Error::RepoFile {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        crate::fsutil::atomic_write(path, text.as_bytes(), 0o600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/repositories.yaml");
        let mut f = RepoFile::new();
        f.update(Entry {
            name: "a".into(),
            url: "http://x".into(),
            insecure_skip_tls_verify: true,
            ..Entry::default()
        });
        f.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("apiVersion: v1\ngenerated: "), "{text}");
        assert!(
            text.contains("- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: true\n"),
            "{text}"
        );
        let back = RepoFile::load(&path).unwrap().unwrap();
        assert_eq!(back.repositories, f.repositories);
        assert!(RepoFile::load(&dir.path().join("none")).unwrap().is_none());
    }
}

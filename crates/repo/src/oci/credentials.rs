//! helm's registry credentials file (`HELM_REGISTRY_CONFIG`, Docker's `config.json` layout:
//! `{"auths": {"HOST": {"auth": base64("user:pass")}}}`), which `helm registry login` writes
//! through oras. Other keys in the file are kept as they are.

use std::path::Path;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};

/// The credentials file, as JSON.
#[derive(Debug, Clone, Default)]
pub struct CredentialsFile {
    doc: Map<String, Value>,
}

fn bad(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Usage {
        message: format!(
            "unable to read registry config {}: {message}",
            path.display()
        ),
    }
}

/// The keys Docker and oras may have used for a host.
fn candidate_keys(host: &str) -> [String; 3] {
    [
        host.to_owned(),
        format!("https://{host}"),
        format!("http://{host}"),
    ]
}

impl CredentialsFile {
    /// Reads the file; an absent file has no credentials.
    pub fn load(path: &Path) -> Result<Self> {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(Error::io("reading", path, e)),
        };
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        match serde_json::from_slice(&data).map_err(|e| bad(path, e))? {
            Value::Object(doc) => Ok(Self { doc }),
            _ => Err(bad(path, "not a JSON object")),
        }
    }

    /// The user name and password stored for `host`.
    pub fn get(&self, host: &str) -> Option<(String, String)> {
        let auths = self.doc.get("auths")?.as_object()?;
        let entry = candidate_keys(host)
            .iter()
            .find_map(|k| auths.get(k))?
            .as_object()?;
        if let Some(auth) = entry.get("auth").and_then(Value::as_str)
            && let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(auth)
            && let Ok(text) = String::from_utf8(raw)
            && let Some((u, p)) = text.split_once(':')
        {
            return Some((u.to_owned(), p.to_owned()));
        }
        let user = entry.get("username").and_then(Value::as_str)?;
        let pass = entry.get("password").and_then(Value::as_str).unwrap_or("");
        Some((user.to_owned(), pass.to_owned()))
    }

    /// Stores credentials for `host`.
    pub fn set(&mut self, host: &str, username: &str, password: &str) {
        let auth =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        let auths = self
            .doc
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        if !auths.is_object() {
            *auths = Value::Object(Map::new());
        }
        if let Some(map) = auths.as_object_mut() {
            map.insert(host.to_owned(), json!({ "auth": auth }));
        }
    }

    /// Removes the credentials for `host`; false when there were none.
    pub fn remove(&mut self, host: &str) -> bool {
        let Some(auths) = self.doc.get_mut("auths").and_then(Value::as_object_mut) else {
            return false;
        };
        let mut removed = false;
        for k in candidate_keys(host) {
            removed |= auths.remove(&k).is_some();
        }
        removed
    }

    /// Writes the file (mode 0600: it holds passwords).
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(&Value::Object(self.doc.clone()))
            .map_err(|e| bad(path, e))?;
        crate::fsutil::atomic_write(path, text.as_bytes(), 0o600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_remove_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry/config.json");
        let mut f = CredentialsFile::load(&path).unwrap();
        assert!(f.get("h:5000").is_none());
        f.set("h:5000", "user", "p:w");
        f.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"auth\": \"dXNlcjpwOnc=\""), "{text}");
        let mut f = CredentialsFile::load(&path).unwrap();
        assert_eq!(f.get("h:5000"), Some(("user".into(), "p:w".into())));
        assert!(f.remove("h:5000"));
        assert!(!f.remove("h:5000"));
    }
}

//! Which kinds the cluster serves, and where: aggregated discovery (`/api` + `/apis`, two
//! requests), kept in memory and on disk so later runs skip it, as kubectl's discovery
//! cache does (same six-hour lifetime). A kind the cache does not know triggers one
//! refresh, because a CRD may have been installed since.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kube::discovery::ApiResource;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::{Error, Resource, Result};

/// How long a cached discovery stays valid (kubectl's default).
const CACHE_TTL: Duration = Duration::from_secs(6 * 60 * 60);

/// The Accept header asking for aggregated discovery, falling back to the legacy form.
const AGGREGATED_ACCEPT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

/// One served kind, as cached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    group: String,
    version: String,
    kind: String,
    plural: String,
    namespaced: bool,
}

/// The on-disk form.
#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    fetched_unix: u64,
    /// `/version`'s `gitVersion`.
    #[serde(default)]
    git_version: String,
    resources: Vec<Entry>,
}

#[derive(Debug, Default)]
struct State {
    /// (group, version, kind) → entry.
    kinds: HashMap<(String, String, String), Entry>,
    /// Whether `kinds` was fetched from the server during this process.
    fresh: bool,
    /// The server's `gitVersion`.
    git_version: String,
    loaded: bool,
}

/// Cached discovery for one cluster. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct Discovery {
    client: kube::Client,
    cache_file: Option<PathBuf>,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discovery")
            .field("cache_file", &self.cache_file)
            .finish_non_exhaustive()
    }
}

impl Discovery {
    /// Discovery for the cluster at `server`, cached under
    /// `CACHE_DIR/discovery/HOST_PORT/` when `cache_dir` is given.
    pub fn new(client: kube::Client, server: &str, cache_dir: Option<&Path>) -> Discovery {
        let cache_file = cache_dir.map(|dir| {
            dir.join("discovery")
                .join(host_dir(server))
                .join("aggregated.json")
        });
        Discovery {
            client,
            cache_file,
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Resolves `apiVersion` + `kind`; `Ok(None)` when the cluster does not serve it even
    /// after a refresh.
    ///
    /// # Errors
    ///
    /// Discovery requests that fail.
    pub async fn resolve(&self, api_version: &str, kind: &str) -> Result<Option<Resource>> {
        let (group, version) = split_api_version(api_version);
        let key = (group.to_string(), version.to_string(), kind.to_string());
        let mut state = self.state.lock().await;
        if !state.loaded {
            self.load(&mut state).await?;
        }
        if let Some(entry) = state.kinds.get(&key) {
            return Ok(Some(to_resource(entry)));
        }
        if !state.fresh {
            self.refresh(&mut state).await?;
            if let Some(entry) = state.kinds.get(&key) {
                return Ok(Some(to_resource(entry)));
            }
        }
        Ok(None)
    }

    /// Forgets what is known, so the next lookup asks the server (after CRDs change).
    pub async fn invalidate(&self) {
        let mut state = self.state.lock().await;
        state.loaded = false;
        state.fresh = false;
        state.kinds.clear();
    }

    /// Every served kind, for `.Capabilities.APIVersions`: `group/version` and
    /// `group/version/Kind` strings.
    ///
    /// # Errors
    ///
    /// Discovery requests that fail.
    pub async fn api_versions(&self) -> Result<Vec<String>> {
        let mut state = self.state.lock().await;
        if !state.loaded {
            self.load(&mut state).await?;
        }
        let mut out: Vec<String> = Vec::new();
        for e in state.kinds.values() {
            let gv = if e.group.is_empty() {
                e.version.clone()
            } else {
                format!("{}/{}", e.group, e.version)
            };
            out.push(format!("{gv}/{}", e.kind));
            out.push(gv);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The server's version (`/version` `gitVersion`, e.g. `v1.36.2`), cached with the
    /// rest of discovery.
    ///
    /// # Errors
    ///
    /// Discovery requests that fail.
    pub async fn server_version(&self) -> Result<String> {
        let mut state = self.state.lock().await;
        if !state.loaded {
            self.load(&mut state).await?;
        }
        Ok(state.git_version.clone())
    }

    async fn load(&self, state: &mut State) -> Result<()> {
        if let Some(path) = &self.cache_file
            && let Some(file) = read_cache(path)
            && !file.git_version.is_empty()
        {
            state.git_version = file.git_version;
            let entries = file.resources;
            state.kinds = index(entries);
            state.loaded = true;
            state.fresh = false;
            return Ok(());
        }
        self.refresh(state).await
    }

    async fn refresh(&self, state: &mut State) -> Result<()> {
        let (api, apis, version) = futures::future::try_join3(
            self.fetch("/api"),
            self.fetch("/apis"),
            self.fetch_json("/version", "application/json"),
        )
        .await?;
        let mut entries = parse_aggregated(&api);
        entries.extend(parse_aggregated(&apis));
        state.git_version = version
            .get("gitVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(path) = &self.cache_file {
            // A cache we cannot write only costs the next run three requests.
            if let Err(err) = write_cache(path, &entries, &state.git_version) {
                tracing::debug!(error = %err, "discovery cache not written");
            }
        }
        state.kinds = index(entries);
        state.loaded = true;
        state.fresh = true;
        Ok(())
    }

    async fn fetch(&self, path: &str) -> Result<Value> {
        self.fetch_json(path, AGGREGATED_ACCEPT).await
    }

    async fn fetch_json(&self, path: &str, accept: &str) -> Result<Value> {
        let request = http::Request::get(path)
            .header(http::header::ACCEPT, accept)
            .body(Vec::new())
            .map_err(|e| Error::InvalidObject {
                message: format!("discovery request {path}: {e}"),
            })?;
        let body: Value = self
            .client
            .request(request)
            .await
            .map_err(|source| Error::Api {
                step: "discover",
                object: path.to_string(),
                source,
            })?;
        Ok(body)
    }
}

/// Reads an `APIGroupDiscoveryList` (apidiscovery.k8s.io/v2).
fn parse_aggregated(body: &Value) -> Vec<Entry> {
    let mut out = Vec::new();
    let items = body.get("items").and_then(Value::as_array);
    for item in items.into_iter().flatten() {
        let group = item
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let versions = item.get("versions").and_then(Value::as_array);
        for v in versions.into_iter().flatten() {
            let Some(version) = v.get("version").and_then(Value::as_str) else {
                continue;
            };
            let resources = v.get("resources").and_then(Value::as_array);
            for r in resources.into_iter().flatten() {
                let (Some(plural), Some(kind)) = (
                    r.get("resource").and_then(Value::as_str),
                    r.pointer("/responseKind/kind").and_then(Value::as_str),
                ) else {
                    continue;
                };
                out.push(Entry {
                    group: group.to_string(),
                    version: version.to_string(),
                    kind: kind.to_string(),
                    plural: plural.to_string(),
                    namespaced: r.get("scope").and_then(Value::as_str) == Some("Namespaced"),
                });
            }
        }
    }
    out
}

fn index(entries: Vec<Entry>) -> HashMap<(String, String, String), Entry> {
    entries
        .into_iter()
        .map(|e| ((e.group.clone(), e.version.clone(), e.kind.clone()), e))
        .collect()
}

fn to_resource(e: &Entry) -> Resource {
    let api_version = if e.group.is_empty() {
        e.version.clone()
    } else {
        format!("{}/{}", e.group, e.version)
    };
    Resource {
        api: ApiResource {
            group: e.group.clone(),
            version: e.version.clone(),
            api_version,
            kind: e.kind.clone(),
            plural: e.plural.clone(),
        },
        namespaced: e.namespaced,
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// kubectl's cache directory name for a server: host and port, other characters made
/// safe for a path.
fn host_dir(server: &str) -> String {
    let rest = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    rest.trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn read_cache(path: &Path) -> Option<CacheFile> {
    let data = std::fs::read(path).ok()?;
    let file: CacheFile = serde_json::from_slice(&data).ok()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    (now.saturating_sub(file.fetched_unix) < CACHE_TTL.as_secs()).then_some(file)
}

fn write_cache(path: &Path, entries: &[Entry], git_version: &str) -> Result<()> {
    let err = |source| Error::Cache {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let fetched_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let file = CacheFile {
        fetched_unix,
        git_version: git_version.to_string(),
        resources: entries.to_vec(),
    };
    let data = serde_json::to_vec(&file).map_err(|e| err(std::io::Error::other(e)))?;
    // Write then rename, so a concurrent reader never sees half a file.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, data).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recorded_aggregated_discovery() {
        let body = serde_json::json!({"items": [
            {"metadata": {}, "versions": [{"version": "v1", "resources": [
                {"resource": "configmaps", "responseKind": {"group": "", "version": "", "kind": "ConfigMap"}, "scope": "Namespaced"},
                {"resource": "namespaces", "responseKind": {"group": "", "version": "", "kind": "Namespace"}, "scope": "Cluster"}]}]},
            {"metadata": {"name": "apps"}, "versions": [{"version": "v1", "resources": [
                {"resource": "deployments", "responseKind": {"group": "", "version": "", "kind": "Deployment"}, "scope": "Namespaced"}]}]}
        ]});
        let entries = parse_aggregated(&body);
        assert_eq!(entries.len(), 3);
        let r = to_resource(&entries[2]);
        assert_eq!(r.api.api_version, "apps/v1");
        assert_eq!(r.api.plural, "deployments");
        assert!(r.namespaced);
        assert!(!entries[1].namespaced);
    }

    #[test]
    fn cache_directory_names() {
        assert_eq!(host_dir("https://127.0.0.1:6443/"), "127.0.0.1_6443");
        assert_eq!(host_dir("https://kube.example.com"), "kube.example.com");
    }

    #[test]
    fn api_versions_split() {
        assert_eq!(split_api_version("apps/v1"), ("apps", "v1"));
        assert_eq!(split_api_version("v1"), ("", "v1"));
    }
}

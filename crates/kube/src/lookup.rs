//! helm's `lookup` template function backed by the cluster
//! (`pkg/engine/lookup_func.go`).
//!
//! Rendering is synchronous, so each lookup blocks on the runtime handle it was created
//! with: render on a blocking thread (`tokio::task::spawn_blocking`), never on a runtime
//! worker.

use charthouse_funcs::{Lookup, LookupError};
use kube::Api;
use kube::api::{DynamicObject, ListParams};
use serde_json::Value;

use crate::Cluster;

/// Answers `lookup` from a connected cluster.
#[derive(Debug, Clone)]
pub struct ClusterLookup {
    cluster: Cluster,
    runtime: tokio::runtime::Handle,
}

impl ClusterLookup {
    /// A lookup that runs its requests on `runtime`.
    pub fn new(cluster: Cluster, runtime: tokio::runtime::Handle) -> ClusterLookup {
        ClusterLookup { cluster, runtime }
    }

    async fn run(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, LookupError> {
        let resource = self
            .cluster
            .discovery()
            .resolve(api_version, kind)
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        let Some(resource) = resource else {
            let (group, version) = crate::discovery::split_api_version(api_version);
            return Err(LookupError(format!(
                "unable to get apiresource from unstructured: {group}/{version}, Kind={kind}: resource not found"
            )));
        };
        let client = self.cluster.client().clone();
        let api: Api<DynamicObject> = if resource.namespaced && !namespace.is_empty() {
            Api::namespaced_with(client, namespace, &resource.api)
        } else {
            Api::all_with(client, &resource.api)
        };
        let answer = if name.is_empty() {
            api.list(&ListParams::default())
                .await
                .and_then(|list| serde_json::to_value(list).map_err(kube::Error::SerdeError))
        } else {
            api.get(name)
                .await
                .and_then(|obj| serde_json::to_value(obj).map_err(kube::Error::SerdeError))
        };
        match answer {
            Ok(v) => Ok(Some(v)),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
            Err(e) => Err(LookupError(e.to_string())),
        }
    }
}

impl Lookup for ClusterLookup {
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<charthouse_goyaml::Map>, LookupError> {
        let found = self
            .runtime
            .block_on(self.run(api_version, kind, namespace, name))?;
        let Some(json) = found else {
            return Ok(None);
        };
        let text = serde_json::to_vec(&json).map_err(|e| LookupError(e.to_string()))?;
        // Through sigs.k8s.io/yaml's reading, so integers stay int64 as in unstructured.
        match charthouse_goyaml::unmarshal(&text) {
            Ok(charthouse_goyaml::Value::Map(map)) => Ok(Some(map)),
            Ok(_) => Ok(None),
            Err(e) => Err(LookupError(e.to_string())),
        }
    }
}

//! Naming one object on the cluster: its resolved API resource, namespace and name.

use kube::Api;
use kube::api::DynamicObject;
use kube::discovery::ApiResource;

/// A kind resolved through discovery: where its objects live in the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Group, version, kind and plural, as kube-rs addresses them.
    pub api: ApiResource,
    /// Whether objects of this kind live in a namespace.
    pub namespaced: bool,
}

/// One object on the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// Its kind, resolved.
    pub resource: Resource,
    /// Its namespace; `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl ObjectRef {
    /// A dynamic API handle scoped to this object's namespace (or the cluster).
    pub fn api(&self, client: &kube::Client) -> Api<DynamicObject> {
        match (&self.namespace, self.resource.namespaced) {
            (Some(ns), true) => Api::namespaced_with(client.clone(), ns, &self.resource.api),
            _ => Api::all_with(client.clone(), &self.resource.api),
        }
    }
}

/// helm's way of naming an object in messages: `Kind/namespace/name`, or `Kind/name`
/// for cluster-scoped objects.
impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) if self.resource.namespaced => {
                write!(f, "{}/{}/{}", self.resource.api.kind, ns, self.name)
            }
            _ => write!(f, "{}/{}", self.resource.api.kind, self.name),
        }
    }
}

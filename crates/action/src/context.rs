//! What every action needs: the cluster, where records live, the release namespace.

use charthouse_kube::Cluster;
use charthouse_release::storage::DriverKind;
use charthouse_render::{Capabilities, KubeVersion};

use crate::storage::Storage;
use crate::{Error, Result};

/// helm's `action.Configuration`: one cluster, one namespace, one storage driver.
#[derive(Debug, Clone)]
pub struct Context {
    /// The connected cluster.
    pub cluster: Cluster,
    /// Where release records live.
    pub storage: Storage,
    /// The release namespace (`-n`).
    pub namespace: String,
    /// Our identity in release leases.
    pub holder: String,
}

impl Context {
    /// A context for `namespace` with records kept by `driver`.
    pub fn new(cluster: Cluster, namespace: impl Into<String>, driver: DriverKind) -> Context {
        let storage = Storage::new(driver, cluster.client().clone());
        Context {
            cluster,
            storage,
            namespace: namespace.into(),
            holder: crate::lease::holder_identity(),
        }
    }

    /// The kube-rs client.
    pub fn client(&self) -> &kube::Client {
        self.cluster.client()
    }

    /// `.Capabilities` for rendering against this cluster: its version and every served
    /// `group/version` and `group/version/Kind` (from cached discovery).
    ///
    /// # Errors
    ///
    /// Discovery failures.
    pub async fn capabilities(&self) -> Result<Capabilities> {
        let discovery = self.cluster.discovery();
        let version = discovery.server_version().await?;
        let kube_version = KubeVersion::parse(&version).map_err(|e| {
            Error::Invalid(format!(
                "the cluster reports an unreadable version {version:?}: {e}"
            ))
        })?;
        Ok(Capabilities {
            kube_version,
            api_versions: discovery.api_versions().await?,
            ..Capabilities::default()
        })
    }
}

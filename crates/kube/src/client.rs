//! Connecting to a cluster the way helm does: kubeconfig files, contexts, impersonation,
//! or the in-cluster service account.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::discovery::Discovery;
use crate::{Error, Result};

/// helm's cluster flags (`--kubeconfig`, `--kube-context`, `--kube-as-user`,
/// `--kube-as-group`, `--kube-apiserver`, `--kube-token`, `--kube-insecure-skip-tls-verify`).
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// An explicit kubeconfig file; otherwise `KUBECONFIG` (a path list), then
    /// `~/.kube/config`, then the in-cluster service account.
    pub kubeconfig: Option<PathBuf>,
    /// The context to use instead of the kubeconfig's current one.
    pub context: Option<String>,
    /// A user to impersonate.
    pub impersonate_user: Option<String>,
    /// Groups to impersonate.
    pub impersonate_groups: Vec<String>,
    /// Overrides the server address.
    pub api_server: Option<String>,
    /// A bearer token to use instead of the kubeconfig's credentials.
    pub token: Option<String>,
    /// Skip verifying the server's certificate.
    pub insecure_skip_tls_verify: bool,
    /// Where the discovery cache lives (`$HELM_CACHE_HOME`); `None` disables it.
    pub cache_dir: Option<PathBuf>,
}

/// A connected cluster: the client, the namespace the kubeconfig context defaults to,
/// and cached discovery.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    default_namespace: String,
    discovery: Discovery,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("default_namespace", &self.default_namespace)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Connects with helm's rules for finding the configuration. Nothing is sent to the
    /// server yet.
    ///
    /// # Errors
    ///
    /// Unreadable or inconsistent kubeconfig, a missing context, or no configuration at all.
    pub async fn connect(opts: &ClusterOptions) -> Result<Cluster> {
        let mut config = load_config(opts).await?;
        if let Some(user) = &opts.impersonate_user {
            config.auth_info.impersonate = Some(user.clone());
        }
        if !opts.impersonate_groups.is_empty() {
            config.auth_info.impersonate_groups = Some(opts.impersonate_groups.clone());
        }
        if let Some(server) = &opts.api_server {
            config.cluster_url = server.parse().map_err(|e| Error::Kubeconfig {
                message: format!("invalid --kube-apiserver {server:?}: {e}"),
            })?;
        }
        if let Some(token) = &opts.token {
            config.auth_info.token = Some(token.clone().into());
            config.auth_info.token_file = None;
            config.auth_info.client_certificate = None;
            config.auth_info.client_certificate_data = None;
            config.auth_info.client_key = None;
            config.auth_info.client_key_data = None;
        }
        if opts.insecure_skip_tls_verify {
            config.accept_invalid_certs = true;
        }
        let server = config.cluster_url.to_string();
        let default_namespace = config.default_namespace.clone();
        let client = kube::Client::try_from(config).map_err(|source| Error::Client { source })?;
        let discovery = Discovery::new(client.clone(), &server, opts.cache_dir.as_deref());
        Ok(Cluster {
            client,
            default_namespace,
            discovery,
        })
    }

    /// Wraps an existing client (tests, the sandbox), with an optional discovery cache.
    pub fn from_client(client: kube::Client, server: &str, cache_dir: Option<&Path>) -> Cluster {
        let discovery = Discovery::new(client.clone(), server, cache_dir);
        Cluster {
            default_namespace: client.default_namespace().to_string(),
            client,
            discovery,
        }
    }

    /// The kube-rs client.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The namespace of the kubeconfig context (or the service account's), `default` when
    /// none is set.
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// The cached discovery of this cluster.
    pub fn discovery(&self) -> &Discovery {
        &self.discovery
    }
}

/// Finds the configuration as helm (client-go's loading rules) does.
async fn load_config(opts: &ClusterOptions) -> Result<kube::Config> {
    let kubeconfig_opts = KubeConfigOptions {
        context: opts.context.clone(),
        ..Default::default()
    };
    let kubeconfig = match &opts.kubeconfig {
        Some(path) => Some(Kubeconfig::read_from(path).map_err(|e| Error::Kubeconfig {
            message: format!("{}: {e}", path.display()),
        })?),
        None => match Kubeconfig::from_env().map_err(|e| Error::Kubeconfig {
            message: format!("$KUBECONFIG: {e}"),
        })? {
            Some(config) => Some(config),
            None => default_kubeconfig()?,
        },
    };
    match kubeconfig {
        Some(kubeconfig) => kube::Config::from_custom_kubeconfig(kubeconfig, &kubeconfig_opts)
            .await
            .map_err(|e| Error::Kubeconfig {
                message: e.to_string(),
            }),
        None => kube::Config::incluster().map_err(|e| Error::Kubeconfig {
            message: format!(
                "no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config) and not running in a cluster: {e}"
            ),
        }),
    }
}

/// `~/.kube/config`, when it exists.
fn default_kubeconfig() -> Result<Option<Kubeconfig>> {
    let Some(home) = std::env::var_os("HOME") else {
        return Ok(None);
    };
    let path = PathBuf::from(home).join(".kube").join("config");
    if !path.exists() {
        return Ok(None);
    }
    Kubeconfig::read_from(&path)
        .map(Some)
        .map_err(|e| Error::Kubeconfig {
            message: format!("{}: {e}", path.display()),
        })
}

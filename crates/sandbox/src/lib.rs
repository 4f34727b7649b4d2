//! An in-memory Kubernetes API server over real HTTP(S), for tests and demos.
//!
//! The sandbox speaks the Kubernetes REST API in JSON closely enough that the real
//! `kubectl` and `helm` work against it unmodified: discovery (legacy and aggregated),
//! OpenAPI v2/v3, CRUD with `resourceVersion` conflicts, selectors and paging, watch with
//! resume and bookmarks, JSON/merge/strategic patches, finalizers and garbage collection,
//! CustomResourceDefinitions, bearer-token authentication and `Status` errors matching a
//! v1.36 API server's. It knows nothing of charts or releases.
//!
//! # Guarantees
//! - Every acknowledged write has a unique, increasing `resourceVersion`; watches replay
//!   changes in that order without gaps, or end with 410 `Expired` when the bounded history
//!   no longer reaches back far enough.
//! - Error bodies are `Status` objects with the API server's codes, reasons, messages and
//!   details (tests compare them byte for byte with recorded v1.36.2 answers).
//! - With `data_dir`, a write is fsynced before it is acknowledged.
//!
//! # Differences from a real kube-apiserver
//! Nothing should rely on these behaving like a cluster:
//! - **Encoding**: answers are always JSON (also to clients preferring protobuf or CBOR);
//!   protobuf request bodies are decoded, with zero numbers and `false` kept explicitly;
//!   YAML bodies are accepted only in their JSON form.
//! - **Versions**: one stored copy per group/resource; other served versions only get
//!   their `apiVersion` rewritten (no conversion, no conversion webhooks).
//! - **Defaulting and validation**: defaults only for workloads, pod templates, Pods,
//!   Services, Namespaces and CRD status; validation only of names, `resourceVersion`
//!   preconditions, and unknown/duplicate fields (`fieldValidation=Strict` rejects them;
//!   `Warn`, the default, drops unknown fields with `Warning` headers; `Ignore` drops them
//!   silently); no required-field or immutability checks.
//! - **Admission**: none. Webhook configurations, quotas, limit ranges and pod security
//!   are stored but never enforced; no service account token injection.
//! - **Controllers**: none, unless `simulate_workloads`, which writes status and keeps one
//!   ReplicaSet per Deployment template (no Pods for workloads, no Endpoints/EndpointSlices,
//!   no CronJob runs, no Events). Garbage collection, namespace and CRD cleanup run synchronously inside the
//!   deleting request; Pods are deleted without a grace period.
//! - **Lists**: `continue` pages are consistent with the first page only while the watch
//!   history reaches back to it (then 410, as etcd compaction causes), and so are lists
//!   with `resourceVersionMatch=Exact`; other list `resourceVersion`s read the latest state.
//! - **Watches**: history of `watch_history` events (default 10,000); bookmarks every 10 s;
//!   default timeout 30 min; no progress notifications.
//! - **Tables**: server-side columns for the common built-in types and for CRD
//!   `additionalPrinterColumns` with simple dotted JSON paths; other types get NAME and AGE.
//! - **Auth**: static bearer tokens only (no client certificates, OIDC or service account
//!   tokens). RBAC is evaluated from stored roles and bindings, without aggregated
//!   ClusterRoles; only the `cluster-admin` bootstrap role exists; non-resource URLs
//!   (discovery, OpenAPI, health) are open to every authenticated user.
//! - **Subresources**: `status`, `scale`, namespace `finalize` and an always-empty
//!   `pods/log`; no exec, attach, port-forward, proxy, eviction, binding or token requests.
//! - **OpenAPI**: the recorded v1.36 documents without descriptions (`kubectl explain`
//!   shows no help text); CRD documents carry only schemas and patch/validation hints.
//! - **OpenAPI v2** is served as JSON only; kubectl falls back to it (asking for protobuf)
//!   only for kinds missing from the v3 documents, e.g. a custom resource whose CRD is
//!   created by the same `kubectl apply`, which then fails validation with a decoding error
//!   (a real server fails that apply too, with a different message).
//! - **Other**: no API aggregation (APIServices), metrics, priority and fairness or rate
//!   limits; immediate deletions answer with a `Status` for every type.
//!
//! Principal types: [`SandboxConfig`] (what to start), [`Sandbox::start`], and the
//! [`SandboxHandle`] it returns (URL, kubeconfig, a kube-rs [`kube::Client`], shutdown).
//!
//! # Example
//! ```no_run
//! use charthouse_sandbox::{Sandbox, SandboxConfig};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let dir = tempfile::tempdir()?;
//! let kubeconfig = dir.path().join("kubeconfig");
//! sandbox.write_kubeconfig(&kubeconfig)?;
//! // KUBECONFIG=<kubeconfig> kubectl get namespaces   now works, and so does:
//! let client = sandbox.client().await?;
//! let namespaces: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(client);
//! assert!(!namespaces.list(&Default::default()).await?.items.is_empty());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod audit;
mod auth;
mod authz;
mod defaults;
mod discovery;
mod error;
mod gc;
mod handlers;
mod kubeconfig;
mod objects;
mod openapi;
mod persist;
mod proto;
mod registry;
mod selectors;
mod server;
mod simulate;
mod status;
mod store;
mod table;
mod tls;
mod util;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

#[doc(inline)]
pub use auth::UserSpec;
#[doc(inline)]
pub use error::Error;
#[doc(inline)]
pub use simulate::READY_AFTER_ANNOTATION;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to start.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Serve HTTPS with a generated CA (the default) instead of plain HTTP.
    pub tls: bool,
    /// Persist every acknowledged write to `DIR/objects.log` and replay it on start.
    pub data_dir: Option<PathBuf>,
    /// Fill in workload status (ready Deployments, running or succeeded Pods, complete
    /// Jobs, bound PVCs) after [`SandboxConfig::simulate_delay`].
    pub simulate_workloads: bool,
    /// How long simulated workloads take to become ready.
    pub simulate_delay: Duration,
    /// Append one JSON line per request to this file.
    pub audit_log: Option<PathBuf>,
    /// The users and their bearer tokens. The first one is written into kubeconfigs.
    pub users: Vec<UserSpec>,
    /// How many change events watches can resume from; older versions get 410 Gone.
    pub watch_history: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: true,
            data_dir: None,
            simulate_workloads: false,
            simulate_delay: Duration::from_millis(500),
            audit_log: None,
            users: vec![UserSpec::admin(format!(
                "sandbox-admin-{}",
                util::new_uid()
            ))],
            watch_history: 10_000,
        }
    }
}

/// Namespaces every cluster starts with.
const INITIAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Entry point: starts sandboxes.
#[derive(Debug)]
pub struct Sandbox;

/// A running sandbox. Dropping it without [`SandboxHandle::shutdown`] leaves the server
/// running until the tokio runtime ends.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    scheme: &'static str,
    ca_pem: Option<String>,
    token: String,
    shutdown: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    state: Arc<server::State>,
}

impl Sandbox {
    /// Starts a sandbox on a tokio runtime and returns once it accepts connections.
    ///
    /// # Errors
    /// Binding the socket, generating certificates, replaying `data_dir` or opening the
    /// audit log can fail.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle> {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| Error::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
        let registry = registry::Registry::builtin()?;
        let (log, replayed) = match &config.data_dir {
            Some(dir) => {
                let (log, r) = persist::Log::open(dir)?;
                (Some(log), r)
            }
            None => (None, persist::Replayed::default()),
        };
        let certs = if config.tls {
            Some(tls::generate(Some(config.listen.ip()))?)
        } else {
            None
        };
        let ca_pem = certs.as_ref().map(|c| c.ca_pem.clone()).unwrap_or_default();
        let patch_schema = charthouse_patch::Schema::load_builtin()
            .unwrap_or_else(|_| charthouse_patch::Schema::empty());
        for (key, obj) in &replayed.objects {
            if key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions" {
                registry.register_crd(obj);
            }
        }
        let fresh = replayed.objects.is_empty();
        let store = store::Store::new(config.watch_history, replayed.objects, replayed.rv, log);
        let audit = match &config.audit_log {
            Some(p) => Some(audit::Audit::open(p)?),
            None => None,
        };
        let version: Value =
            serde_json::from_str(include_str!("../data/version.json")).map_err(|e| {
                Error::EmbeddedData {
                    what: "data/version.json",
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                }
            })?;
        let state = Arc::new(server::State {
            registry,
            store,
            auth: auth::Authenticator::new(&config.users),
            openapi: openapi::OpenApi,
            audit,
            version,
            ca_pem,
            cluster_ips: AtomicU32::new(10),
            watch_epoch: tokio::sync::watch::channel(0).0,
            advertise: client_addr(addr),
            patch_schema: std::sync::RwLock::new(patch_schema),
        });
        {
            let mut g = state.store.lock();
            for (key, obj) in g
                .all()
                .map(|(k, o)| (k.clone(), o.clone()))
                .collect::<Vec<_>>()
            {
                if key.group == "apiextensions.k8s.io"
                    && key.resource == "customresourcedefinitions"
                {
                    handlers::patch::register_crd_schema(&state, &obj);
                }
            }
            if fresh {
                seed(&state, &mut g).map_err(|e| Error::Persistence {
                    path: config.data_dir.clone().unwrap_or_default(),
                    source: std::io::Error::other(e.message),
                })?;
            }
        }

        let (shutdown, rx) = tokio::sync::watch::channel(false);
        let mut tasks = vec![tokio::spawn(server::serve(
            state.clone(),
            listener,
            certs.as_ref().map(|c| c.server_config.clone()),
            rx.clone(),
        ))];
        if config.simulate_workloads {
            tasks.push(tokio::spawn(simulate::run(
                state.clone(),
                config.simulate_delay,
                rx,
            )));
        }
        Ok(SandboxHandle {
            addr,
            scheme: if config.tls { "https" } else { "http" },
            ca_pem: certs.map(|c| c.ca_pem),
            token: config
                .users
                .first()
                .map(|u| u.token.clone())
                .unwrap_or_default(),
            shutdown,
            tasks,
            state,
        })
    }
}

/// The objects a new cluster has: the initial namespaces (with their default
/// ServiceAccount and root CA ConfigMap) and the `kubernetes` Service.
fn seed(state: &server::State, g: &mut store::StoreGuard<'_>) -> Result<(), status::ApiError> {
    let Some(ns_type) = state.registry.find("", "v1", "namespaces") else {
        return Ok(());
    };
    for ns in INITIAL_NAMESPACES {
        let mut obj = json!({"metadata": {"name": ns, "uid": util::new_uid(), "creationTimestamp": util::now_rfc3339()}});
        objects::defaults_on_create(&ns_type, &mut obj, String::new);
        let obj = objects::canonical(obj, &ns_type);
        handlers::write::commit_create(state, g, store::Key::new("", "namespaces", "", ns), obj)?;
    }
    if let Some(cr) = state
        .registry
        .find("rbac.authorization.k8s.io", "v1", "clusterroles")
    {
        let obj = json!({"metadata": {"name": "cluster-admin", "uid": util::new_uid(), "creationTimestamp": util::now_rfc3339(),
            "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}, "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
            "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]});
        let obj = objects::canonical(obj, &cr);
        handlers::write::commit_create(
            state,
            g,
            store::Key::new(
                "rbac.authorization.k8s.io",
                "clusterroles",
                "",
                "cluster-admin",
            ),
            obj,
        )?;
    }
    if let Some(node) = state.registry.find("", "v1", "nodes") {
        // One Ready node, so `kubectl get nodes` and node-aware tools see a cluster.
        let now = util::now_rfc3339();
        let obj = json!({"metadata": {"name": "sandbox-node", "uid": util::new_uid(), "creationTimestamp": now,
            "labels": {"kubernetes.io/hostname": "sandbox-node", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/control-plane": ""}},
            "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
            "status": {
                "capacity": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": now, "lastTransitionTime": now,
                    "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": "sandbox-node"}],
                "nodeInfo": {"kubeletVersion": "v1.36.2", "containerRuntimeVersion": "sandbox://0", "operatingSystem": "linux",
                    "architecture": "amd64", "osImage": "charthouse sandbox", "kernelVersion": "", "kubeProxyVersion": "",
                    "machineID": "", "systemUUID": "", "bootID": ""}}});
        let obj = objects::canonical(obj, &node);
        handlers::write::commit_create(
            state,
            g,
            store::Key::new("", "nodes", "", "sandbox-node"),
            obj,
        )?;
    }
    if let Some(svc) = state.registry.find("", "v1", "services") {
        let obj = json!({"metadata": {"name": "kubernetes", "namespace": "default", "uid": util::new_uid(),
            "creationTimestamp": util::now_rfc3339(), "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                "ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}]},
            "status": {"loadBalancer": {}}});
        let obj = objects::canonical(obj, &svc);
        handlers::write::commit_create(
            state,
            g,
            store::Key::new("", "services", "default", "kubernetes"),
            obj,
        )?;
    }
    Ok(())
}

/// The address clients should dial: a wildcard listen address is reached on loopback
/// (which the serving certificate covers).
fn client_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

impl server::State {
    /// The next free Service cluster IP (10.96.0.10 onwards).
    pub(crate) fn next_cluster_ip(&self) -> String {
        let n = self.cluster_ips.fetch_add(1, Ordering::Relaxed);
        format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff)
    }
}

impl SandboxHandle {
    /// The server's base URL, e.g. `https://127.0.0.1:34567`.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, client_addr(self.addr))
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token written into kubeconfigs (the first configured user's).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// PEM of the generated CA, when serving HTTPS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// A kubeconfig (context `sandbox`, namespace `default`) for this server.
    pub fn kubeconfig_yaml(&self) -> String {
        kubeconfig::render(&self.url(), self.ca_pem.as_deref(), &self.token)
    }

    /// Writes [`SandboxHandle::kubeconfig_yaml`] to `path` (mode 0600 on Unix).
    ///
    /// # Errors
    /// [`Error::WriteKubeconfig`] when the file cannot be written.
    pub fn write_kubeconfig(&self, path: &Path) -> Result<()> {
        kubeconfig::write(path, &self.kubeconfig_yaml())
    }

    /// A kube-rs client configured from this sandbox's kubeconfig.
    ///
    /// # Errors
    /// [`Error::Client`] if kube-rs rejects the configuration.
    pub async fn client(&self) -> Result<kube::Client> {
        let kc = kube::config::Kubeconfig::from_yaml(&self.kubeconfig_yaml())
            .map_err(|e| Error::Client(Box::new(e)))?;
        let config =
            kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
                .await
                .map_err(|e| Error::Client(Box::new(e)))?;
        kube::Client::try_from(config).map_err(|e| Error::Client(Box::new(e)))
    }

    /// Ends every open watch stream at once, as an API server restart or a dropped
    /// connection would. Clients resume from the last version they saw.
    pub fn close_watches(&self) {
        self.state.watch_epoch.send_modify(|e| *e += 1);
    }

    /// The newest `resourceVersion` the sandbox has handed out.
    pub fn resource_version(&self) -> u64 {
        self.state.store.lock().rv()
    }

    /// Stops accepting connections, closes open ones (ending watches) and waits for the
    /// server's tasks to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

//! Connecting as helm does: kubeconfig contexts, impersonation, the discovery cache.

use std::path::Path;

use charthouse_kube::{Cluster, ClusterOptions};
use charthouse_sandbox::{Sandbox, SandboxConfig, UserSpec};
use kube::config::{Kubeconfig, NamedContext};

/// A kubeconfig with the sandbox under context `sandbox` (namespace `team-a`) and a
/// current context `broken` that points at a closed port.
fn two_contexts(sandbox_yaml: &str, path: &Path) {
    let mut config = Kubeconfig::from_yaml(sandbox_yaml).unwrap();
    let good = config.contexts[0].clone();
    let mut sandbox_ctx = good.clone();
    sandbox_ctx.name = "sandbox".into();
    if let Some(ctx) = sandbox_ctx.context.as_mut() {
        ctx.namespace = Some("team-a".into());
    }
    let mut broken_cluster = config.clusters[0].clone();
    broken_cluster.name = "broken".into();
    if let Some(c) = broken_cluster.cluster.as_mut() {
        c.server = Some("https://127.0.0.1:1".into());
    }
    let mut broken_ctx: NamedContext = good.clone();
    broken_ctx.name = "broken".into();
    if let Some(ctx) = broken_ctx.context.as_mut() {
        ctx.cluster = "broken".into();
    }
    config.clusters.push(broken_cluster);
    config.contexts = vec![sandbox_ctx, broken_ctx];
    config.current_context = Some("broken".into());
    std::fs::write(path, serde_json::to_string(&config).unwrap()).unwrap();
}

fn requests(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["requestURI"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn contexts_namespaces_and_the_discovery_cache() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let sandbox = Sandbox::start(SandboxConfig {
        audit_log: Some(audit.clone()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let kubeconfig = dir.path().join("config");
    two_contexts(&sandbox.kubeconfig_yaml(), &kubeconfig);
    let cache = dir.path().join("cache");
    let opts = |context: Option<&str>| ClusterOptions {
        kubeconfig: Some(kubeconfig.clone()),
        context: context.map(str::to_string),
        cache_dir: Some(cache.clone()),
        ..ClusterOptions::default()
    };

    // The current context points nowhere.
    let broken = Cluster::connect(&opts(None)).await.unwrap();
    assert!(broken.discovery().server_version().await.is_err());

    // --kube-context picks the sandbox and its namespace.
    let cluster = Cluster::connect(&opts(Some("sandbox"))).await.unwrap();
    assert_eq!(cluster.default_namespace(), "team-a");
    assert!(
        cluster
            .discovery()
            .server_version()
            .await
            .unwrap()
            .starts_with("v1.")
    );
    let deployments = cluster
        .discovery()
        .resolve("apps/v1", "Deployment")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deployments.api.plural, "deployments");
    assert!(deployments.namespaced);
    assert!(
        cluster
            .discovery()
            .resolve("example.com/v1", "Nothing")
            .await
            .unwrap()
            .is_none()
    );
    let discovery_requests = || {
        requests(&audit)
            .iter()
            .filter(|u| matches!(u.as_str(), "/api" | "/apis" | "/version"))
            .count()
    };
    assert_eq!(
        discovery_requests(),
        3,
        "fetched once: discovery this process fetched is trusted"
    );

    // A new process (a new Cluster) reads discovery from disk: no request at all.
    let before = requests(&audit).len();
    let again = Cluster::connect(&opts(Some("sandbox"))).await.unwrap();
    assert!(
        again
            .discovery()
            .resolve("v1", "ConfigMap")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        again
            .discovery()
            .server_version()
            .await
            .unwrap()
            .starts_with("v1.")
    );
    assert_eq!(requests(&audit).len(), before);

    // A kind the disk cache does not know may be new (a CRD installed since): one refresh.
    assert!(
        again
            .discovery()
            .resolve("example.com/v1", "Nothing")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(discovery_requests(), 6);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn impersonation_acts_as_the_user_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(SandboxConfig {
        users: vec![
            UserSpec::admin("admin-token"),
            UserSpec {
                name: "dev".into(),
                token: "dev-token".into(),
                groups: Vec::new(),
            },
        ],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, sandbox.kubeconfig_yaml()).unwrap();
    let connect = |user: Option<&str>, token: Option<&str>| ClusterOptions {
        kubeconfig: Some(kubeconfig.clone()),
        impersonate_user: user.map(str::to_string),
        impersonate_groups: if user.is_some() {
            vec!["developers".into()]
        } else {
            Vec::new()
        },
        token: token.map(str::to_string),
        ..ClusterOptions::default()
    };
    let list = |cluster: Cluster| async move {
        let api: kube::Api<k8s_openapi::api::core::v1::Secret> =
            kube::Api::namespaced(cluster.client().clone(), "default");
        api.list(&Default::default()).await.map(|l| l.items.len())
    };

    // The admin may list secrets, and may impersonate jane, who may not.
    assert!(
        list(Cluster::connect(&connect(None, None)).await.unwrap())
            .await
            .is_ok()
    );
    let err = list(
        Cluster::connect(&connect(Some("jane"), None))
            .await
            .unwrap(),
    )
    .await
    .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("{err}")
    };
    assert_eq!(status.code, 403);
    assert_eq!(
        status.message,
        "secrets is forbidden: User \"jane\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\""
    );

    // dev is no admin: impersonating is refused.
    let err = list(
        Cluster::connect(&connect(Some("jane"), Some("dev-token")))
            .await
            .unwrap(),
    )
    .await
    .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("{err}")
    };
    assert_eq!(status.code, 403);
    assert_eq!(
        status.message,
        "users \"jane\" is forbidden: User \"dev\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"
    );
    sandbox.shutdown().await;
}

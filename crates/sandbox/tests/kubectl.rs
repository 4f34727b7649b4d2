//! The real kubectl v1.37 against the sandbox.

use crate::common::Env;

#[tokio::test(flavor = "multi_thread")]
async fn get_namespaces_and_api_resources() {
    let env = Env::start().await;
    let out = env.kubectl(&["get", "namespaces"]);
    assert!(out.contains("NAME"), "{out}");
    assert!(out.contains("kube-system"), "{out}");
    let out = env.kubectl(&["api-resources"]);
    assert!(out.contains("deployments"), "{out}");
    assert!(out.contains("deploy"), "{out}");
    env.sandbox.shutdown().await;
}

//! A sandbox and a context on it, and charts built from strings.

use charthouse_action::Context;
use charthouse_chart::{Chart, File};
use charthouse_kube::Cluster;
use charthouse_release::storage::DriverKind;
use charthouse_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

pub struct Env {
    pub sandbox: SandboxHandle,
    pub ctx: Context,
    pub _cache: tempfile::TempDir,
}

pub async fn env() -> Env {
    let sandbox = Sandbox::start(SandboxConfig {
        simulate_workloads: true,
        simulate_delay: std::time::Duration::from_millis(100),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = sandbox.client().await.unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cluster = Cluster::from_client(client, &sandbox.url(), Some(cache.path()));
    let ctx = Context::new(cluster, "default", DriverKind::Secret);
    Env {
        sandbox,
        ctx,
        _cache: cache,
    }
}

pub fn chart(version: &str, files: &[(&str, &str)]) -> Chart {
    let mut all = vec![File {
        name: "Chart.yaml".into(),
        data: format!("apiVersion: v2\nname: demo\nversion: {version}\nappVersion: \"1.0\"\n")
            .into_bytes(),
    }];
    all.extend(files.iter().map(|(n, d)| File {
        name: (*n).into(),
        data: d.as_bytes().to_vec(),
    }));
    charthouse_chart::load_files(all).unwrap()
}

pub const CONFIGMAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  greeting: {{ .Values.greeting | default \"hello\" | quote }}\n";
pub const EXTRA: &str = "{{ if .Values.extra }}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  a: b\n{{ end }}";
pub const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n  ports:\n  - port: 80\n";

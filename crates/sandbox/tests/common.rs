//! Shared test helpers: start a sandbox, write its kubeconfig, run the oracle binaries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use charthouse_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use http_body_util::BodyExt as _;

/// A running sandbox with a kubeconfig and isolated helm directories.
pub struct Env {
    pub sandbox: SandboxHandle,
    /// An admin client, made once (building one per request is slow in debug builds).
    pub client: kube::Client,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

impl Env {
    pub async fn start() -> Env {
        Self::with(SandboxConfig::default()).await
    }

    pub async fn with(config: SandboxConfig) -> Env {
        let sandbox = Sandbox::start(config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        sandbox.write_kubeconfig(&kubeconfig).unwrap();
        let client = sandbox.client().await.unwrap();
        Env {
            sandbox,
            client,
            dir,
            kubeconfig,
        }
    }

    fn command(&self, bin: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(bin);
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CONFIG_HOME", self.dir.path().join("helm-config"))
            .env("HELM_CACHE_HOME", self.dir.path().join("helm-cache"))
            .env("HELM_DATA_HOME", self.dir.path().join("helm-data"));
        c
    }

    /// Runs kubectl; returns its output (without asserting success).
    pub fn kubectl_output(&self, args: &[&str]) -> Output {
        let mut c = self.command(kubectl(), args);
        tokio::task::block_in_place(|| c.output().unwrap())
    }

    /// Runs kubectl and asserts it succeeded; returns stdout.
    pub fn kubectl(&self, args: &[&str]) -> String {
        let out = self.kubectl_output(args);
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs kubectl with stdin.
    pub fn kubectl_stdin(&self, args: &[&str], input: &str) -> String {
        use std::io::Write as _;
        let mut c = self.command(kubectl(), args);
        c.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let out = tokio::task::block_in_place(|| {
            let mut child = c.spawn().unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        });
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs helm and returns its output.
    pub fn helm_output(&self, args: &[&str]) -> Output {
        let mut c = self.command(helm(), args);
        tokio::task::block_in_place(|| c.output().unwrap())
    }

    /// Runs helm and asserts it succeeded; returns stdout.
    pub fn helm(&self, args: &[&str]) -> String {
        let out = self.helm_output(args);
        assert!(
            out.status.success(),
            "helm {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends a raw request with the admin token; returns status and body bytes.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &str,
        user_agent: &str,
    ) -> (u16, Vec<u8>) {
        let client = self.client.clone();
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("Content-Type", content_type)
            .header("User-Agent", user_agent)
            .body(body.as_bytes().to_vec())
            .unwrap();
        let resp = client.send(req.map(Into::into)).await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, bytes)
    }
}

fn oracle(flag: Option<&str>) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/helm-oracle");
    let mut c = Command::new(script);
    if let Some(f) = flag {
        c.arg(f);
    }
    let out = c.output().expect("running scripts/helm-oracle");
    assert!(
        out.status.success(),
        "helm-oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// The kubectl v1.37 binary.
pub fn kubectl() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| oracle(Some("--kubectl")))
}

/// The helm v4.3.1 binary.
pub fn helm() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| oracle(None))
}

/// A test data path.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

//! Helpers shared by the topic modules.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A `charthouse` command with a clean, predictable environment: no user kubeconfig, no
/// helm settings from the developer's shell, and `HOME` pointing at `home`.
pub fn charthouse(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_charthouse"));
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KUBECONFIG", home.join("no-kubeconfig"));
    cmd
}

/// The oracle binary: helm v4.3.1, or kubectl with `kubectl`, installed by
/// `scripts/helm-oracle` on first use (its path asked once per test binary).
pub fn oracle(kubectl: bool) -> String {
    static HELM: OnceLock<String> = OnceLock::new();
    static KUBECTL: OnceLock<String> = OnceLock::new();
    let cell = if kubectl { &KUBECTL } else { &HELM };
    cell.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/helm-oracle");
        let mut cmd = Command::new("bash");
        cmd.arg(script);
        if kubectl {
            cmd.arg("--kubectl");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    })
    .clone()
}

/// A `charthouse sandbox` process on a free port, killed on drop.
pub struct SandboxProcess {
    child: Child,
    /// Its kubeconfig.
    pub kubeconfig: PathBuf,
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a sandbox writing its kubeconfig into `home`, with simulated workloads when
/// `simulate`, and waits until it serves.
pub fn sandbox_process(home: &Path, simulate: bool) -> SandboxProcess {
    let kubeconfig = home.join("sandbox.kubeconfig");
    let mut cmd = charthouse(home);
    cmd.args(["sandbox", "--listen", "127.0.0.1:0", "--kubeconfig-out"])
        .arg(&kubeconfig);
    if simulate {
        cmd.arg("--simulate-workloads");
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !kubeconfig.exists() {
        assert!(Instant::now() < deadline, "sandbox did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    SandboxProcess { child, kubeconfig }
}

/// Runs `cmd` and returns its output, with stdout and stderr as strings.
pub fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().expect("charthouse binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// Asserts two strings are equal, printing both in full when they are not.
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let expected: &str = &$expected;
        let got: &str = &$got;
        if expected != got {
            panic!("\n--- expected ---\n{expected}\n--- got ---\n{got}\n---");
        }
    }};
}

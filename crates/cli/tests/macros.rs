//! Helpers shared by the topic modules.

use std::process::{Command, Output};

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

//! `charthouse demo`, the README's first command, end to end.

use crate::macros::{charthouse, run};

#[test]
fn demo_syncs_the_example_stack_and_shows_history() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("demo.kubeconfig");
    let repo_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (out, stdout, stderr) = run(charthouse(home.path())
        .current_dir(&repo_root)
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--once",
            "--kubeconfig-out",
        ])
        .arg(&kubeconfig));
    assert!(out.status.success(), "stderr:\n{stderr}");
    // dev installs two releases, prod upgrades them and installs the worker, the
    // second prod sync changes nothing.
    assert!(
        stderr.contains("demo/cache: installed (revision 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("demo/web: upgraded (revision 2)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("demo/worker: installed (revision 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("demo/worker: unchanged (revision 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("export KUBECONFIG={}", kubeconfig.display())),
        "{stderr}"
    );
    // Summary tables, then the history of the web release.
    let history: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("REVISION\tUPDATED"))
        .collect();
    assert!(!history.is_empty(), "{stdout}");
    assert!(
        history[1].contains("superseded") && history[1].contains("Install complete"),
        "{stdout}"
    );
    assert!(
        history[2].contains("deployed") && history[2].contains("Upgrade complete"),
        "{stdout}"
    );
    assert_eq!(history.len(), 3, "{stdout}");
}

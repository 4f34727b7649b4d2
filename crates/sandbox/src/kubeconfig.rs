//! Writing kubeconfig files for a sandbox.

use std::path::Path;

use base64::Engine as _;

use crate::Error;

/// A kubeconfig with one cluster, user and context, all named `sandbox`.
pub(crate) fn render(url: &str, ca_pem: Option<&str>, token: &str) -> String {
    let cluster = match ca_pem {
        Some(pem) => format!(
            "    certificate-authority-data: {}\n    server: {url}\n",
            base64::engine::general_purpose::STANDARD.encode(pem)
        ),
        None => format!("    server: {url}\n"),
    };
    // YAML double-quoted scalars use JSON escapes, so serde_json quotes the token safely.
    let token = serde_json::to_string(token).unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: sandbox\n  cluster:\n{cluster}users:\n- name: sandbox\n  user:\n    token: {token}\ncontexts:\n- name: sandbox\n  context:\n    cluster: sandbox\n    user: sandbox\n    namespace: default\ncurrent-context: sandbox\npreferences: {{}}\n"
    )
}

/// Writes a kubeconfig, readable only by its owner (helm warns about group/world-readable ones).
pub(crate) fn write(path: &Path, text: &str) -> Result<(), Error> {
    let err = |source| Error::WriteKubeconfig {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(path, text).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ca_and_token() {
        let y = render("https://127.0.0.1:1", Some("PEM"), "t\"k");
        assert!(y.contains("certificate-authority-data: UEVN"));
        assert!(y.contains("token: \"t\\\"k\""));
        assert!(render("http://x", None, "t").contains("server: http://x\n"));
    }
}

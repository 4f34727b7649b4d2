//! helm's environment settings (`cli.EnvSettings`), resolved once from flags and environment.
//!
//! Precedence is helm's: a flag beats its environment variable, which beats the default.
//! Directory defaults follow helm's `helmpath` rules: `HELM_*_HOME`, else the XDG base
//! directory plus `helm`, else `~/.cache`, `~/.config`, `~/.local/share` plus `helm`, so an
//! existing helm setup (repositories, registry logins, caches) is used as it is.

use std::path::{Path, PathBuf};

use kube::config::Kubeconfig;

use crate::cli::GlobalArgs;

/// The namespace used when neither a flag, `HELM_NAMESPACE` nor the kubeconfig names one.
const DEFAULT_NAMESPACE: &str = "default";
/// helm's default for `HELM_MAX_HISTORY`.
const DEFAULT_MAX_HISTORY: u32 = 10;

/// Everything a command may need to know about its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Namespace scope for the request.
    pub namespace: String,
    /// The kubeconfig context to use, when one was named.
    pub kube_context: Option<String>,
    /// The kubeconfig file(s): `--kubeconfig`, else the `KUBECONFIG` list.
    pub kubeconfig: Option<String>,
    /// Verbose output.
    pub debug: bool,
    /// Release storage driver as given by `HELM_DRIVER` (empty means Secrets).
    pub driver: String,
    /// Revisions kept per release by upgrades (`HELM_MAX_HISTORY`).
    pub max_history: u32,
    /// Helm's cache home (`HELM_CACHE_HOME`).
    pub cache_home: PathBuf,
    /// Helm's config home (`HELM_CONFIG_HOME`).
    pub config_home: PathBuf,
    /// Helm's data home (`HELM_DATA_HOME`).
    pub data_home: PathBuf,
    /// The repositories file (`HELM_REPOSITORY_CONFIG`).
    pub repository_config: PathBuf,
    /// The repository index cache (`HELM_REPOSITORY_CACHE`).
    pub repository_cache: PathBuf,
    /// The registry credentials file (`HELM_REGISTRY_CONFIG`).
    pub registry_config: PathBuf,
    /// The content cache for downloaded charts (`HELM_CONTENT_CACHE`).
    pub content_cache: PathBuf,
}

impl Settings {
    /// Resolves the settings from the parsed flags and the process environment.
    pub fn from_process(global: &GlobalArgs) -> Self {
        Self::resolve(global, |name| std::env::var(name).ok())
    }

    /// Resolves the settings from the parsed flags and an environment lookup.
    ///
    /// The lookup is injected so tests do not have to mutate the process environment.
    pub fn resolve(global: &GlobalArgs, env: impl Fn(&str) -> Option<String>) -> Self {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let home = env("HOME").map(PathBuf::from).unwrap_or_default();
        let helm_home = |helm_var: &str, xdg_var: &str, default: &str| match env(helm_var) {
            Some(dir) => PathBuf::from(dir),
            None => env(xdg_var)
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(default))
                .join("helm"),
        };
        let cache_home = helm_home("HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache");
        let config_home = helm_home("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config");
        let data_home = helm_home("HELM_DATA_HOME", "XDG_DATA_HOME", ".local/share");
        let path_or = |flag: &Option<PathBuf>, var: &str, default: PathBuf| {
            flag.clone()
                .or_else(|| env(var).map(PathBuf::from))
                .unwrap_or(default)
        };

        let kubeconfig = global
            .kubeconfig
            .as_ref()
            .map(|p| p.display().to_string())
            .or_else(|| env("KUBECONFIG"));
        let namespace = global
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .or_else(|| {
                kubeconfig_namespace(kubeconfig.as_deref(), global.kube_context.as_deref(), &home)
            })
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());

        Self {
            namespace,
            kube_context: global.kube_context.clone().filter(|c| !c.is_empty()),
            kubeconfig,
            debug: global.debug,
            driver: env("HELM_DRIVER").unwrap_or_default(),
            max_history: env("HELM_MAX_HISTORY")
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_MAX_HISTORY),
            repository_config: path_or(
                &global.repository_config,
                "HELM_REPOSITORY_CONFIG",
                config_home.join("repositories.yaml"),
            ),
            repository_cache: path_or(
                &global.repository_cache,
                "HELM_REPOSITORY_CACHE",
                cache_home.join("repository"),
            ),
            registry_config: path_or(
                &global.registry_config,
                "HELM_REGISTRY_CONFIG",
                config_home.join("registry").join("config.json"),
            ),
            content_cache: path_or(
                &global.content_cache,
                "HELM_CONTENT_CACHE",
                cache_home.join("content"),
            ),
            cache_home,
            config_home,
            data_home,
        }
    }

    /// The settings as `helm env` prints them: `(NAME, value)` pairs sorted by name.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        let path = |p: &Path| p.display().to_string();
        vec![
            ("HELM_CACHE_HOME", path(&self.cache_home)),
            ("HELM_CONFIG_HOME", path(&self.config_home)),
            ("HELM_CONTENT_CACHE", path(&self.content_cache)),
            ("HELM_DATA_HOME", path(&self.data_home)),
            ("HELM_DEBUG", self.debug.to_string()),
            ("HELM_DRIVER", self.driver.clone()),
            (
                "HELM_KUBECONTEXT",
                self.kube_context.clone().unwrap_or_default(),
            ),
            ("HELM_MAX_HISTORY", self.max_history.to_string()),
            ("HELM_NAMESPACE", self.namespace.clone()),
            ("HELM_REGISTRY_CONFIG", path(&self.registry_config)),
            ("HELM_REPOSITORY_CACHE", path(&self.repository_cache)),
            ("HELM_REPOSITORY_CONFIG", path(&self.repository_config)),
            ("KUBECONFIG", self.kubeconfig.clone().unwrap_or_default()),
        ]
    }
}

/// The namespace of the selected kubeconfig context, as helm's `Namespace()` reads it.
///
/// Like helm, an unreadable or absent kubeconfig is not an error here: the namespace then
/// falls back to "default", and the command that needs the cluster reports the problem.
fn kubeconfig_namespace(
    kubeconfig: Option<&str>,
    context: Option<&str>,
    home: &Path,
) -> Option<String> {
    let paths: Vec<PathBuf> = match kubeconfig {
        Some(list) => std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => vec![home.join(".kube").join("config")],
    };
    let mut merged: Option<Kubeconfig> = None;
    for path in paths.iter().filter(|p| p.exists()) {
        match Kubeconfig::read_from(path) {
            Ok(config) => {
                merged = Some(match merged {
                    Some(acc) => match acc.merge(config) {
                        Ok(m) => m,
                        Err(err) => {
                            tracing::debug!(path = %path.display(), %err, "cannot merge kubeconfig");
                            return None;
                        }
                    },
                    None => config,
                });
            }
            Err(err) => {
                tracing::debug!(path = %path.display(), %err, "cannot read kubeconfig");
                return None;
            }
        }
    }
    let config = merged?;
    let context_name = context
        .map(str::to_owned)
        .or(config.current_context.clone())?;
    config
        .contexts
        .iter()
        .find(|c| c.name == context_name)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| c.namespace.clone())
        .filter(|ns| !ns.is_empty())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn settings(args: &[&str], env: &[(&str, &str)]) -> Settings {
        let mut argv = vec!["charthouse"];
        argv.extend_from_slice(args);
        argv.push("env");
        let cli = Cli::try_parse_from(argv).unwrap();
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::resolve(&cli.global, |k| env.get(k).cloned())
    }

    #[test]
    fn defaults_follow_helmpath() {
        let s = settings(&[], &[("HOME", "/home/u"), ("KUBECONFIG", "/nonexistent")]);
        assert_eq!(s.namespace, "default");
        assert_eq!(s.cache_home, PathBuf::from("/home/u/.cache/helm"));
        assert_eq!(s.config_home, PathBuf::from("/home/u/.config/helm"));
        assert_eq!(s.data_home, PathBuf::from("/home/u/.local/share/helm"));
        assert_eq!(
            s.repository_config,
            PathBuf::from("/home/u/.config/helm/repositories.yaml")
        );
        assert_eq!(
            s.repository_cache,
            PathBuf::from("/home/u/.cache/helm/repository")
        );
        assert_eq!(
            s.registry_config,
            PathBuf::from("/home/u/.config/helm/registry/config.json")
        );
        assert_eq!(
            s.content_cache,
            PathBuf::from("/home/u/.cache/helm/content")
        );
        assert_eq!(s.max_history, 10);
    }

    #[test]
    fn xdg_and_helm_homes() {
        let s = settings(
            &[],
            &[
                ("HOME", "/h"),
                ("XDG_CACHE_HOME", "/xdg/cache"),
                ("HELM_CONFIG_HOME", "/hc"),
            ],
        );
        assert_eq!(s.cache_home, PathBuf::from("/xdg/cache/helm"));
        assert_eq!(s.config_home, PathBuf::from("/hc"));
        assert_eq!(s.repository_config, PathBuf::from("/hc/repositories.yaml"));
    }

    #[test]
    fn kubeconfig_context_namespace_is_the_fallback() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters: []\nusers: []\n\
             contexts:\n- name: a\n  context: {cluster: c, user: u, namespace: from-a}\n\
             - name: b\n  context: {cluster: c, user: u, namespace: from-b}\n",
        )
        .unwrap();
        let kc = path.to_str().unwrap();
        assert_eq!(settings(&[], &[("KUBECONFIG", kc)]).namespace, "from-a");
        assert_eq!(
            settings(&["--kube-context", "b"], &[("KUBECONFIG", kc)]).namespace,
            "from-b"
        );
        assert_eq!(
            settings(&["--kubeconfig", kc, "-n", "flag"], &[]).namespace,
            "flag"
        );
    }
}

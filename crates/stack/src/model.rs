//! The resolved stack: what the commands act on.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use charthouse_goyaml::Map;

use crate::error::Loc;

/// Where a release's chart comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChartRef {
    /// A chart directory or archive on disk, resolved against the stackfile's directory.
    Local(PathBuf),
    /// `REPO/CHART` with `REPO` one of the stack's `repositories`.
    Repo {
        /// The repository name.
        repo: String,
        /// The repository URL.
        url: String,
        /// The chart name in the repository.
        chart: String,
    },
    /// `oci://registry/path/chart`.
    Oci(String),
    /// `git+URL@PATH?ref=REF`.
    Git(GitChart),
}

/// A chart in a git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitChart {
    /// The URL as written (`git+https://host/org/repo@charts/app?ref=v1`).
    pub url: String,
    /// The repository URL without `git+`, path and ref (`https://host/org/repo`).
    pub repo: String,
    /// The chart directory inside the repository (empty for the root).
    pub path: String,
    /// The branch, tag or commit (`HEAD` when not given).
    pub reference: String,
    /// The chart's directory in the cache, once fetched.
    pub checkout: Option<PathBuf>,
}

impl ChartRef {
    /// The chart directory to render from, when it is on disk.
    pub fn local_path(&self) -> Option<&std::path::Path> {
        match self {
            ChartRef::Local(p) => Some(p),
            ChartRef::Git(g) => g.checkout.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ChartRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartRef::Local(p) => write!(f, "{}", p.display()),
            ChartRef::Repo { repo, chart, .. } => write!(f, "{repo}/{chart}"),
            ChartRef::Oci(u) => f.write_str(u),
            ChartRef::Git(g) => f.write_str(&g.url),
        }
    }
}

/// The upgrade flags of `helmDefaults` (and of each release, which override them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flags {
    /// `recreatePods`: restart the release's pods after an upgrade.
    pub recreate_pods: bool,
    /// `force`: replace resources that cannot be patched.
    pub force: bool,
    /// `wait`: wait for the release's resources to be ready.
    pub wait: bool,
    /// `timeout`: how long to wait (helm's default: 5m).
    pub timeout: Duration,
    /// `rollbackOnFailure`: roll back (or uninstall) on failure (helm's `--atomic`).
    pub rollback_on_failure: bool,
    /// `createNamespace`: create the release namespace when missing.
    pub create_namespace: bool,
    /// `historyMax`: revisions kept per release (helm's default: 10; 0 keeps all).
    pub history_max: u64,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            recreate_pods: false,
            force: false,
            wait: false,
            timeout: Duration::from_secs(300),
            rollback_on_failure: false,
            create_namespace: false,
            history_max: 10,
        }
    }
}

/// A chart repository the stack declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Its name, the `REPO` of `REPO/CHART`.
    pub name: String,
    /// Its URL.
    pub url: String,
}

/// One release, with its environment's overlays applied and its values merged.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRelease {
    /// The release name.
    pub name: String,
    /// The namespace.
    pub namespace: String,
    /// The chart.
    pub chart: ChartRef,
    /// The chart version constraint, if any.
    pub version: Option<String>,
    /// `labels`, for selectors.
    pub labels: BTreeMap<String, String>,
    /// The releases this one needs, as `namespace/name` ids.
    pub needs: Vec<String>,
    /// The values files used, in order (after `.gotmpl` rendering).
    pub values_files: Vec<PathBuf>,
    /// The user values: values files in order, then `set`, merged as helm merges `-f` and
    /// `--set`.
    pub values: Map,
    /// The upgrade flags (release settings over `helmDefaults` over helm's defaults).
    pub flags: Flags,
    /// Where the release is defined.
    pub source: Loc,
}

impl ResolvedRelease {
    /// The release's id in the stack: `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The `version` of a chart on disk (its `Chart.yaml`), else the stack's version
    /// constraint, for summaries.
    pub fn chart_version(&self) -> Option<String> {
        let from_disk = self.chart.local_path().and_then(|dir| {
            let raw = std::fs::read(dir.join("Chart.yaml")).ok()?;
            let meta = charthouse_goyaml::unmarshal_keep_numbers(&raw).ok()?;
            charthouse_goyaml::string_field(meta.as_map()?.get("version")?)
        });
        from_disk.or_else(|| self.version.clone())
    }
}

/// A fully resolved stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// The stackfiles, in the order given.
    pub files: Vec<PathBuf>,
    /// The environment in effect (`None`: the stackfiles alone, no overlays).
    pub environment: Option<String>,
    /// The kube context to use (the flag, else the environment's, else the defaults file's).
    pub kube_context: Option<String>,
    /// The kubeconfig file(s) to use, when one was named.
    pub kubeconfig: Option<String>,
    /// The declared repositories.
    pub repositories: Vec<Repository>,
    /// `helmDefaults` applied to helm's defaults.
    pub defaults: Flags,
    /// The stack's variables (top level, then the environment's).
    pub variables: Map,
    /// The releases, in stackfile order (ignored ones dropped).
    pub releases: Vec<ResolvedRelease>,
}

impl Stack {
    /// The environment's name as templates see it (`default` when none was chosen).
    pub fn environment_name(&self) -> &str {
        self.environment.as_deref().unwrap_or("default")
    }
}

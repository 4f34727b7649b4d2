//! Local rendering of a release: `stack template` and `stack lint` run exactly what
//! `charthouse template` / `charthouse lint` run, with the release's name, namespace and
//! merged values.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::model::{ChartRef, ResolvedRelease};

/// Flags of `stack template` passed through to the renderer.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// helm's repository configuration and caches, to fetch `REPO/CHART` and `oci://`
    /// charts; without it such charts are an [`Error::RemoteChart`].
    pub repo_paths: Option<charthouse_repo::Paths>,
}

/// The release's chart on disk: a local directory or archive, a fetched git checkout, or
/// (with `repo_paths`) a repository or OCI chart pulled into helm's cache. Blocking.
pub(crate) fn chart_dir(
    r: &ResolvedRelease,
    repo_paths: Option<&charthouse_repo::Paths>,
) -> Result<PathBuf> {
    if let Some(p) = r.chart.local_path() {
        return Ok(p.to_path_buf());
    }
    let remote = || Error::RemoteChart {
        release: r.id(),
        chart: r.chart.to_string(),
    };
    let paths = repo_paths.ok_or_else(remote)?;
    let (reference, repo_url) = match &r.chart {
        ChartRef::Repo { url, chart, .. } => (chart.clone(), url.clone()),
        ChartRef::Oci(url) => (url.clone(), String::new()),
        _ => return Err(remote()),
    };
    let opts = charthouse_repo::LocateOptions {
        version: r.version.clone().unwrap_or_default(),
        repo_url,
        ..Default::default()
    };
    charthouse_repo::locate_chart(&reference, &opts, paths).map_err(|e| Error::Cluster {
        release: r.id(),
        message: format!("fetching chart {}: {e}", r.chart),
    })
}

/// What `helm template NAME CHART -n NAMESPACE` with the release's values prints.
///
/// # Errors
/// [`Error::RemoteChart`] for a chart that is not on disk, [`Error::Render`] with helm's
/// message.
pub fn template_release(r: &ResolvedRelease, opts: &RenderOptions) -> Result<String> {
    let req = charthouse_render::TemplateRequest {
        release_name: r.name.clone(),
        namespace: r.namespace.clone(),
        chart: chart_dir(r, opts.repo_paths.as_ref())?,
        values: r.values.clone(),
        include_crds: opts.include_crds,
        skip_tests: opts.skip_tests,
        no_hooks: opts.no_hooks,
        kube_version: opts.kube_version.clone(),
        api_versions: opts.api_versions.clone(),
        skip_schema_validation: opts.skip_schema_validation,
        ..charthouse_render::TemplateRequest::default()
    };
    charthouse_render::template(&req).map_err(|source| Error::Render {
        release: r.id(),
        source: Box::new(source),
    })
}

/// The result of linting one release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintResult {
    /// helm's report for the chart (`==> Linting …` block).
    pub report: String,
    /// Whether the chart failed.
    pub failed: bool,
}

/// What `helm lint CHART -n NAMESPACE` with the release's values reports.
///
/// # Errors
/// [`Error::RemoteChart`] for a chart that is not on disk, [`Error::Render`] for an
/// invalid kube version.
pub fn lint_release(r: &ResolvedRelease, strict: bool, opts: &RenderOptions) -> Result<LintResult> {
    let kube_version = opts.kube_version.clone();
    let req = charthouse_render::lint::LintRequest {
        paths: vec![chart_dir(r, opts.repo_paths.as_ref())?],
        values: r.values.clone(),
        namespace: r.namespace.clone(),
        strict,
        quiet: false,
        kube_version,
        skip_schema_validation: false,
    };
    let out = charthouse_render::lint::lint(&req).map_err(|source| Error::Render {
        release: r.id(),
        source: Box::new(source),
    })?;
    Ok(LintResult {
        report: out.report,
        failed: out.failed > 0,
    })
}

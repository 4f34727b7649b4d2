//! Local rendering of a release: `stack template` and `stack lint` run exactly what
//! `charthouse template` / `charthouse lint` run, with the release's name, namespace and
//! merged values.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::model::ResolvedRelease;

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
}

fn chart_dir(r: &ResolvedRelease) -> Result<PathBuf> {
    r.chart
        .local_path()
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| Error::RemoteChart {
            release: r.id(),
            chart: r.chart.to_string(),
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
        chart: chart_dir(r)?,
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
pub fn lint_release(
    r: &ResolvedRelease,
    strict: bool,
    kube_version: Option<String>,
) -> Result<LintResult> {
    let req = charthouse_render::lint::LintRequest {
        paths: vec![chart_dir(r)?],
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

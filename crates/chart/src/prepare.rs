//! The steps `helm template`/`helm install` run between loading a chart and
//! rendering it (`pkg/cmd/install.go` `runInstall`, `pkg/action/install.go`
//! `RunWithContext`, `ToRenderValuesWithSchemaValidation`), in helm's order.

use charthouse_goyaml::Map;

use crate::chart::Chart;
use crate::coalesce::coalesce_values;
use crate::dependencies::{check_dependencies, check_installable, process_dependencies};
use crate::error::{Error, Result};
use crate::schema::validate_against_schema;

/// A chart ready to render: dependencies processed, values final.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The chart after dependency processing: disabled subcharts removed,
    /// aliased ones renamed, import-values applied to `values`.
    pub chart: Chart,
    /// The final values (`.Values` of the top chart; a subchart's are the
    /// map under its name, see [`Prepared::values_for`]).
    pub values: Map,
    /// The warning lines helm prints to stderr during these steps, in
    /// order (load-time warnings are on each chart's [`Chart::warnings`]).
    pub warnings: Vec<String>,
}

impl Prepared {
    /// The `.Values` a chart of the tree sees: the top chart's values, or the
    /// map found by following the chart names below the top (helm's
    /// `values.Table("Values.<name>")`), or an empty map.
    pub fn values_for(&self, chart: &Chart) -> Map {
        let mut cur = &self.values;
        let names = chart
            .parents
            .iter()
            .skip(1)
            .chain(std::iter::once(&chart.metadata.name));
        if chart.is_root() {
            return self.values.clone();
        }
        for name in names {
            match cur.get(name) {
                Some(charthouse_goyaml::Value::Map(m)) => cur = m,
                _ => return Map::new(),
            }
        }
        cur.clone()
    }
}

/// Options of [`prepare`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrepareOptions {
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// The release name, checked where helm checks it (after the chart
    /// checks, before dependency processing); `None` skips the check.
    pub release_name: Option<String>,
}

/// The release name pattern of helm's `ValidateReleaseName` (a DNS-1123 subdomain).
const VALID_NAME: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// helm's `ValidateReleaseName`: non-empty, at most 53 bytes, lower-case
/// DNS-1123 labels separated by dots. helm also logs
/// `level=ERROR msg="release name check failed" error=...` before failing.
///
/// # Errors
/// [`Error::ReleaseName`] with helm's text.
pub fn validate_release_name(name: &str) -> Result<()> {
    let fail = |message: String| Error::ReleaseName {
        name: name.to_owned(),
        quoted: crate::metadata::go_quote(name),
        message,
    };
    if name.is_empty() {
        return Err(fail("no name provided".to_owned()));
    }
    let labels_ok = name.split('.').all(|label| {
        let b = label.as_bytes();
        let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.first().is_some_and(edge)
            && b.last().is_some_and(edge)
            && b.iter().all(|c| edge(c) || *c == b'-')
    });
    if name.len() > 53 || !labels_ok {
        return Err(fail(format!(
            "invalid release name, must match regex {VALID_NAME} and the length must not be longer than 53"
        )));
    }
    Ok(())
}

/// Runs helm's pre-render steps on a loaded chart with the user's merged
/// values: installable check, deprecation warning, dependency check,
/// `ProcessDependencies`, coalescing and schema validation.
///
/// # Errors
/// [`Error::NotInstallable`], [`Error::MissingDependencies`],
/// [`Error::InvalidApiVersion`], [`Error::ReleaseName`], [`Error::ProcessDependencies`],
/// [`Error::CoalesceSubchart`] and [`Error::ValidateSchema`].
pub fn prepare(mut chart: Chart, user: &Map, options: &PrepareOptions) -> Result<Prepared> {
    let mut warnings = Vec::new();
    check_installable(&chart)?;
    if chart.metadata.deprecated {
        warnings.push(crate::slog::line("WARN", "this chart is deprecated", &[]));
    }
    if chart.declared_dependencies().next().is_some() {
        check_dependencies(&chart)?;
    }
    if chart.metadata.api_version == "v3" {
        return Err(Error::InvalidApiVersion {
            api_version: chart.metadata.api_version.clone(),
        });
    }
    if let Some(name) = &options.release_name {
        validate_release_name(name)?;
    }
    process_dependencies(&mut chart, user, &mut warnings).map_err(|e| {
        Error::ProcessDependencies {
            chart: chart.name().to_owned(),
            source: Box::new(e),
        }
    })?;
    let values = coalesce_values(&chart, user, &mut warnings)?;
    if !options.skip_schema_validation {
        validate_against_schema(&chart, &values)?;
    }
    Ok(Prepared {
        chart,
        values,
        warnings,
    })
}

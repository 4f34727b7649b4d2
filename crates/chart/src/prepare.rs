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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrepareOptions {
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// Runs helm's pre-render steps on a loaded chart with the user's merged
/// values: installable check, deprecation warning, dependency check,
/// `ProcessDependencies`, coalescing and schema validation.
///
/// # Errors
/// [`Error::NotInstallable`], [`Error::MissingDependencies`],
/// [`Error::InvalidApiVersion`], [`Error::ProcessDependencies`],
/// [`Error::CoalesceSubchart`] and [`Error::ValidateSchema`].
pub fn prepare(mut chart: Chart, user: &Map, options: PrepareOptions) -> Result<Prepared> {
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

//! Dependency processing before a render, as helm's
//! `pkg/chart/v2/util/dependencies.go` `ProcessDependencies` does: aliases
//! copy and rename subcharts, `tags` and `condition` disable them (the
//! first condition path that resolves to a bool wins, and conditions beat
//! tags), disabled charts are removed, then `import-values` copy child
//! values into parents (both the `exports.<name>` string form and the
//! `{child, parent}` map form), which also leaves each parent's values
//! merged with all its subcharts' defaults.

use charthouse_goyaml::{Map, Value};

use crate::chart::Chart;
use crate::coalesce::{coalesce_values, merge_values};
use crate::error::{Error, Result};
use crate::gofmt::sprint_v;
use crate::metadata::Dependency;
use crate::semver::is_compatible_range;
use crate::shared::{self, Shared};

/// `ProcessDependencies`: prunes disabled subcharts and applies
/// import-values, given the user's values. Warnings helm logs (non-bool
/// conditions or tags, missing import tables) are appended to `warnings`.
///
/// # Errors
/// [`Error::CoalesceSubchart`] when values hold a non-map under a subchart's name.
pub fn process_dependencies(
    chart: &mut Chart,
    vals: &Map,
    warnings: &mut Vec<String>,
) -> Result<()> {
    process_enabled(chart, vals, "", warnings)?;
    process_import_values_rec(chart, warnings)?;
    chart.fix_parents();
    Ok(())
}

/// `Values.Table`: the map at a dotted path, or the key that is not a table.
fn table_or_key<'a, 'p>(vals: &'a Map, path: &'p str) -> Result<&'a Map, &'p str> {
    let mut cur = vals;
    for part in path.split('.') {
        match cur.get(part) {
            Some(Value::Map(m)) => cur = m,
            _ => return Err(part),
        }
    }
    Ok(cur)
}

/// `Values.Table`: the map at a dotted path.
fn table<'a>(vals: &'a Map, path: &str) -> Option<&'a Map> {
    table_or_key(vals, path).ok()
}

/// `Values.PathValue`: a non-map value at a dotted path.
fn path_value<'a>(vals: &'a Map, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return None;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(vals, p)?, k),
        None => (vals, path),
    };
    match parent.get(key) {
        Some(Value::Map(_)) | None => None,
        Some(v) => Some(v),
    }
}

fn process_tags(reqs: &mut [Option<Dependency>], cvals: &Map, warnings: &mut Vec<String>) {
    let Some(tags) = table(cvals, "tags") else {
        return;
    };
    for r in reqs.iter_mut().flatten() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => warnings.push(crate::slog::line(
                    "WARN",
                    "returned non-bool value",
                    &[("tag", k), ("chart", &r.name)],
                )),
                None => {}
            }
        }
        r.enabled = has_true || !has_false;
    }
}

fn process_conditions(
    reqs: &mut [Option<Dependency>],
    cvals: &Map,
    cpath: &str,
    warnings: &mut Vec<String>,
) {
    for r in reqs.iter_mut().flatten() {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{cpath}{c}")) {
                Some(Value::Bool(b)) => {
                    r.enabled = *b;
                    break;
                }
                Some(_) => warnings.push(crate::slog::line(
                    "WARN",
                    "returned non-bool value",
                    &[("path", c), ("chart", &r.name)],
                )),
                None => {}
            }
        }
    }
}

/// `getAliasDependency`: a copy of the first loaded chart matching the
/// dependency's name and version range, renamed to its alias.
fn alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let found = charts
        .iter()
        .find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = found.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

fn process_enabled(
    chart: &mut Chart,
    vals: &Map,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<()> {
    if !chart.metadata.deps_present {
        return Ok(());
    }
    let existing = std::mem::take(&mut chart.dependencies);
    let mut kept: Vec<Chart> = existing
        .iter()
        .filter(|c| {
            !chart.metadata.deps().any(|req| {
                c.name() == req.name && is_compatible_range(&req.version, &c.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        if let Some(c) = alias_dependency(&existing, req) {
            kept.push(c);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    chart.dependencies = kept;
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        req.enabled = true;
    }
    let cvals = coalesce_values(chart, vals, warnings)?;
    process_tags(&mut chart.metadata.dependencies, &cvals, warnings);
    process_conditions(&mut chart.metadata.dependencies, &cvals, path, warnings);

    let removed: Vec<String> = chart
        .metadata
        .deps()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    chart
        .dependencies
        .retain(|c| !removed.iter().any(|r| r == c.name()));
    chart
        .metadata
        .dependencies
        .retain(|d| d.as_ref().is_none_or(|d| !removed.contains(&d.name)));
    for sub in &mut chart.dependencies {
        let subpath = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &subpath, warnings)?;
    }
    // Go rebuilds the list by appending to nil: an empty result is nil.
    chart.metadata.deps_present = !chart.metadata.dependencies.is_empty();
    Ok(())
}

fn process_import_values_rec(chart: &mut Chart, warnings: &mut Vec<String>) -> Result<()> {
    for sub in &mut chart.dependencies {
        process_import_values_rec(sub, warnings)?;
    }
    process_import_values(chart, warnings)
}

/// `processImportValues` in merge mode, as `ProcessDependencies` runs it.
/// Maps are shared the way Go shares them (see [`crate::shared`]).
fn process_import_values(chart: &mut Chart, warnings: &mut Vec<String>) -> Result<()> {
    if !chart.metadata.deps_present {
        return Ok(());
    }
    let merged = merge_values(chart, &Map::new(), warnings)?;
    if chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .all(|r| r.import_values.is_empty())
    {
        // Nothing to import: helm's loop only resets each (already empty) ImportValues,
        // and merging an empty import table into a deep copy of the merged values gives
        // those values back. Skipping the two copies matters for charts with large
        // defaults (prometheus: a tenth of its render).
        chart.values = merged;
        return Ok(());
    }
    let cvals = Shared::from_map(&merged);
    let b = shared::new_cell();
    for r in chart.metadata.dependencies.iter_mut().flatten() {
        let mut out = Vec::new();
        for iv in &r.import_values {
            let (child, parent) = match iv {
                Value::Map(m) => (
                    sprint_v(m.get("child").unwrap_or(&Value::Null)),
                    sprint_v(m.get("parent").unwrap_or(&Value::Null)),
                ),
                Value::String(s) => (format!("exports.{s}"), ".".to_owned()),
                _ => continue,
            };
            let mut entry = Map::new();
            entry.insert("child".into(), Value::String(child.clone()));
            entry.insert("parent".into(), Value::String(parent.clone()));
            out.push(Value::Map(entry));
            let path = format!("{}.{child}", r.name);
            match shared::table(&cvals, &path) {
                Ok(table) => {
                    // `Values.AsMap` hands out a new map for an empty table.
                    let table = if shared::entries(&table).is_empty() {
                        shared::new_cell()
                    } else {
                        table
                    };
                    let src = if iv.as_map().is_some() {
                        shared::under_path(table, &parent)
                    } else {
                        table
                    };
                    shared::coalesce_tables(&b, &src, "", true, warnings);
                }
                Err(key) => {
                    let error = format!("{} is not a table", crate::metadata::go_quote(key));
                    warnings.push(if iv.as_map().is_some() {
                        crate::slog::line(
                            "WARN",
                            "ImportValues missing table from chart",
                            &[("chart", &r.name), ("error", &error)],
                        )
                    } else {
                        crate::slog::line(
                            "WARN",
                            "ImportValues missing table",
                            &[("error", &error)],
                        )
                    });
                }
            }
        }
        r.import_values = out;
    }
    // helm deep-copies the (possibly written-through) values before the
    // final merge, so only `b` may still share maps with them.
    let values = Shared::from_map(&shared::cell_to_map(&cvals));
    shared::coalesce_tables(&values, &b, "", true, warnings);
    chart.values = shared::cell_to_map(&values);
    Ok(())
}

/// helm's `CheckDependencies` (run by `helm template`/`install` before
/// rendering): every dependency declared in metadata must be loaded.
///
/// # Errors
/// [`Error::MissingDependencies`] naming the missing ones.
pub fn check_dependencies(chart: &Chart) -> Result<()> {
    let missing: Vec<String> = chart
        .metadata
        .deps()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::MissingDependencies { missing })
    }
}

/// helm's `checkIfInstallable` plus the apiVersion check of
/// `Install.Run`: only application charts (or untyped ones) of apiVersion
/// v1/v2 can be installed or templated.
///
/// # Errors
/// [`Error::NotInstallable`] for library (or other) chart types.
pub fn check_installable(chart: &Chart) -> Result<()> {
    match chart.metadata.chart_type.as_str() {
        "" | "application" => Ok(()),
        other => Err(Error::NotInstallable {
            chart_type: other.to_owned(),
        }),
    }
}

//! Coalescing user values with chart defaults, as helm's
//! `pkg/chart/common/util/coalesce.go` does (`CoalesceValues`,
//! `MergeValues`, `CoalesceTables`, `MergeTables`): user values win, maps
//! merge, lists and scalars replace, a user `null` deletes the key (when
//! coalescing; merging keeps nulls), `global` flows from each chart into
//! its subcharts, and each subchart's defaults fill its values key.
//!
//! helm prints its warnings with `log.Printf`; here they are collected so
//! the caller decides where they go.

use charthouse_goyaml::{Map, Value};

use crate::chart::Chart;
use crate::error::{Error, Result};
use crate::gofmt::{sprint_t, sprint_v};

/// helm's `GlobalKey`.
pub const GLOBAL_KEY: &str = "global";

/// helm's `log.Printf` warnings, as the lines it prints.
fn log(warnings: &mut Vec<String>, msg: String) {
    warnings.push(crate::slog::printf(msg));
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

/// `CoalesceValues`: the chart's (and its subcharts') defaults under the
/// user's `vals`, nulls removing keys.
///
/// # Errors
/// [`Error::CoalesceSubchart`] when a subchart's key holds a non-map.
pub fn coalesce_values(chart: &Chart, vals: &Map, warnings: &mut Vec<String>) -> Result<Map> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", false, warnings)?;
    Ok(dest)
}

/// `MergeValues`: as [`coalesce_values`] but nulls are kept.
///
/// # Errors
/// As [`coalesce_values`].
pub fn merge_values(chart: &Chart, vals: &Map, warnings: &mut Vec<String>) -> Result<Map> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", true, warnings)?;
    Ok(dest)
}

fn coalesce(
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<()> {
    coalesce_chart_values(chart, dest, prefix, merge, warnings);
    coalesce_deps(chart, dest, prefix, merge, warnings)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<()> {
    for sub in &chart.dependencies {
        let name = sub.name().to_owned();
        let mut sub_map = match dest.remove(&name) {
            None => Map::new(),
            Some(Value::Map(m)) => m,
            Some(other) => {
                let shown = sprint_t(&other);
                dest.insert(name.clone(), other);
                return Err(Error::CoalesceSubchart { key: name, shown });
            }
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&mut sub_map, dest, &sub_prefix, warnings);
        let result = coalesce(sub, &mut sub_map, &sub_prefix, merge, warnings);
        dest.insert(name, Value::Map(sub_map));
        result?;
    }
    Ok(())
}

/// `coalesceGlobals`: copies `src`'s globals into `dest`'s, the parent's
/// values winning for scalars and merging top-down for tables.
fn coalesce_globals(dest: &mut Map, src: &Map, prefix: &str, warnings: &mut Vec<String>) {
    let mut dg = match dest.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            log(
                warnings,
                format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ),
            );
            return;
        }
    };
    let sg = match src.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            log(
                warnings,
                format!("warning: skipping globals because source {GLOBAL_KEY} is not a table."),
            );
            return;
        }
    };
    for (key, val) in sg {
        match val {
            Value::Map(vv) => {
                let mut vv = vv;
                match dg.get(&key) {
                    None => {
                        dg.insert(key, Value::Map(vv));
                    }
                    Some(Value::Map(destv)) => {
                        let mut destv = destv.clone();
                        let sub_prefix = concat_prefix(prefix, &key);
                        // helm merges (keeps nulls) here; the later coalesce removes them.
                        coalesce_tables_full_key(&mut vv, &mut destv, &sub_prefix, true, warnings);
                        dg.insert(key, Value::Map(vv));
                    }
                    Some(_) => log(
                        warnings,
                        format!(
                            "Conflict: cannot merge map onto non-map for {}. Skipping.",
                            crate::metadata::go_quote(&key)
                        ),
                    ),
                }
            }
            other => {
                if matches!(dg.get(&key), Some(Value::Map(_))) {
                    log(warnings, format!("key {key} is table. Skipping"));
                } else {
                    dg.insert(key, other);
                }
            }
        }
    }
    dest.insert(GLOBAL_KEY.to_owned(), Value::Map(dg));
}

/// `coalesceValues`: fills `v` from one chart's own defaults.
fn coalesce_chart_values(
    chart: &Chart,
    v: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    for (key, val) in chart.values.clone() {
        match v.get_mut(&key) {
            Some(Value::Null) if !merge => {
                v.remove(&key);
            }
            Some(Value::Map(dest)) => match val {
                Value::Map(mut src) => {
                    let child_merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    if !child_merge {
                        clean_nil_values(&mut src);
                    }
                    coalesce_tables_full_key(
                        dest,
                        &mut src,
                        &concat_prefix(&sub_prefix, &key),
                        child_merge,
                        warnings,
                    );
                }
                Value::Null => {}
                _ => log(
                    warnings,
                    format!("warning: skipped value for {sub_prefix}.{key}: Not a table."),
                ),
            },
            Some(_) => {}
            None => {
                let mut val = val;
                if !merge {
                    if val == Value::Null {
                        continue;
                    }
                    if let Value::Map(m) = &mut val {
                        clean_nil_values(m);
                    }
                }
                v.insert(key, val);
            }
        }
    }
}

/// `CoalesceTables`: `src` under `dst`, nulls in `dst` deleting keys.
pub fn coalesce_tables(dst: &mut Map, src: &mut Map, warnings: &mut Vec<String>) {
    coalesce_tables_full_key(dst, src, "", false, warnings);
}

/// `MergeTables`: `src` under `dst`, nulls kept.
pub fn merge_tables(dst: &mut Map, src: &mut Map, warnings: &mut Vec<String>) {
    coalesce_tables_full_key(dst, src, "", true, warnings);
}

/// `coalesceTablesFullKey`: `dst` is authoritative. Like helm, `src` is
/// changed too (keys null in `dst` become null in `src`).
fn coalesce_tables_full_key(
    dst: &mut Map,
    src: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) {
    let src_non_nil: Vec<String> = src
        .iter()
        .filter(|(_, v)| **v != Value::Null)
        .map(|(k, _)| k.clone())
        .collect();
    for (key, val) in dst.iter() {
        if *val == Value::Null {
            src.insert(key.clone(), Value::Null);
        }
    }
    for (key, val) in src.iter_mut() {
        let full_key = concat_prefix(prefix, key);
        match dst.get_mut(key) {
            Some(Value::Null) if !merge && src_non_nil.contains(key) => {
                dst.remove(key);
            }
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(dv) => match val {
                Value::Map(sv) => {
                    if let Value::Map(dm) = dv {
                        coalesce_tables_full_key(dm, sv, &full_key, merge, warnings);
                    } else {
                        log(
                            warnings,
                            format!(
                                "warning: cannot overwrite table with non table for {full_key} ({})",
                                sprint_v(val)
                            ),
                        );
                    }
                }
                Value::Null => {}
                other => {
                    if matches!(dv, Value::Map(_)) {
                        log(
                            warnings,
                            format!(
                                "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                                sprint_v(other)
                            ),
                        );
                    }
                }
            },
        }
    }
}

/// `cleanNilValues`: drops null entries, recursively through maps.
fn clean_nil_values(m: &mut Map) {
    m.retain(|_, v| *v != Value::Null);
    for v in m.values_mut() {
        if let Value::Map(sub) = v {
            clean_nil_values(sub);
        }
    }
}

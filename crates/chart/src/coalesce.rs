//! Coalescing user values with chart defaults, as helm's
//! `pkg/chart/common/util/coalesce.go` does (`CoalesceValues`,
//! `MergeValues`, `CoalesceTables`, `MergeTables`): user values win, maps
//! merge, lists and scalars replace, a user `null` deletes the key (when
//! coalescing; merging keeps nulls), `global` flows from each chart into
//! its subcharts, and each subchart's defaults fill its values key.
//!
//! The work is done on [`crate::shared`] cells so that Go's map aliasing
//! (visible through nested globals) comes out as in helm. helm prints its
//! warnings with `log.Printf`; here they are collected so the caller
//! decides where they go.

use charthouse_goyaml::Map;

use crate::chart::Chart;
use crate::error::{Error, Result};
use crate::gofmt::sprint_t;
use crate::shared::{
    Cell, Shared, cell_to_map, clean_nil_values, entries, get, new_cell, put, remove, shallow_copy,
};

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
    let dest = Shared::from_map(vals);
    coalesce(chart, &dest, "", false, warnings)?;
    Ok(cell_to_map(&dest))
}

/// `MergeValues`: as [`coalesce_values`] but nulls are kept.
///
/// # Errors
/// As [`coalesce_values`].
pub fn merge_values(chart: &Chart, vals: &Map, warnings: &mut Vec<String>) -> Result<Map> {
    let dest = Shared::from_map(vals);
    coalesce(chart, &dest, "", true, warnings)?;
    Ok(cell_to_map(&dest))
}

fn coalesce(
    chart: &Chart,
    dest: &Cell,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<()> {
    coalesce_chart_values(chart, dest, prefix, merge, warnings);
    coalesce_deps(chart, dest, prefix, merge, warnings)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &Cell,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<()> {
    for sub in &chart.dependencies {
        let name = sub.name();
        let sub_map = match get(dest, name) {
            None => {
                let c = new_cell();
                put(dest, name, Shared::Map(c.clone()));
                c
            }
            Some(Shared::Map(c)) => c,
            Some(Shared::Leaf(other)) => {
                return Err(Error::CoalesceSubchart {
                    key: name.to_owned(),
                    shown: sprint_t(&other),
                });
            }
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&sub_map, dest, &sub_prefix, warnings);
        coalesce(sub, &sub_map, &sub_prefix, merge, warnings)?;
    }
    Ok(())
}

/// `coalesceGlobals`: copies `src`'s globals into `dest`'s, the parent's
/// values winning for scalars and merging top-down for tables (tables are
/// copied one level deep, as helm's `copyMap` does).
fn coalesce_globals(dest: &Cell, src: &Cell, prefix: &str, warnings: &mut Vec<String>) {
    let dg = match get(dest, GLOBAL_KEY) {
        None => new_cell(),
        Some(Shared::Map(m)) => m,
        Some(Shared::Leaf(_)) => {
            log(
                warnings,
                format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ),
            );
            return;
        }
    };
    let sg = match get(src, GLOBAL_KEY) {
        None => new_cell(),
        Some(Shared::Map(m)) => m,
        Some(Shared::Leaf(_)) => {
            log(
                warnings,
                format!("warning: skipping globals because source {GLOBAL_KEY} is not a table."),
            );
            return;
        }
    };
    for (key, val) in entries(&sg) {
        match val {
            Shared::Map(table) => {
                let vv = shallow_copy(&table);
                match get(&dg, &key) {
                    None => put(&dg, &key, Shared::Map(vv)),
                    Some(Shared::Map(destv)) => {
                        let sub_prefix = concat_prefix(prefix, &key);
                        // helm merges (keeps nulls) here; the later coalesce removes them.
                        crate::shared::coalesce_tables(&vv, &destv, &sub_prefix, true, warnings);
                        put(&dg, &key, Shared::Map(vv));
                    }
                    Some(Shared::Leaf(_)) => log(
                        warnings,
                        format!(
                            "Conflict: cannot merge map onto non-map for {}. Skipping.",
                            crate::metadata::go_quote(&key)
                        ),
                    ),
                }
            }
            other => {
                if matches!(get(&dg, &key), Some(Shared::Map(_))) {
                    log(warnings, format!("key {key} is table. Skipping"));
                } else {
                    put(&dg, &key, other);
                }
            }
        }
    }
    put(dest, GLOBAL_KEY, Shared::Map(dg));
}

/// `coalesceValues`: fills `v` from one chart's own defaults (a fresh deep
/// copy of them, as helm's `copystructure.Copy`).
fn coalesce_chart_values(
    chart: &Chart,
    v: &Cell,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    let defaults = Shared::from_map(&chart.values);
    for (key, val) in entries(&defaults) {
        match get(v, &key) {
            Some(value) if value.is_null() && !merge => remove(v, &key),
            Some(Shared::Map(dest)) => match &val {
                Shared::Map(src) => {
                    let child_merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    if !child_merge {
                        clean_nil_values(src);
                    }
                    crate::shared::coalesce_tables(
                        &dest,
                        src,
                        &concat_prefix(&sub_prefix, &key),
                        child_merge,
                        warnings,
                    );
                }
                other if other.is_null() => {}
                _ => log(
                    warnings,
                    format!("warning: skipped value for {sub_prefix}.{key}: Not a table."),
                ),
            },
            Some(_) => {}
            None => {
                if !merge {
                    if val.is_null() {
                        continue;
                    }
                    if let Shared::Map(m) = &val {
                        clean_nil_values(m);
                    }
                }
                put(v, &key, val);
            }
        }
    }
}

fn write_back(target: &mut Map, cell: &Cell) {
    *target = cell_to_map(cell);
}

/// `CoalesceTables`: `src` under `dst`, nulls in `dst` deleting keys. Like
/// helm, `src` is updated too.
pub fn coalesce_tables(dst: &mut Map, src: &mut Map, warnings: &mut Vec<String>) {
    let (d, s) = (Shared::from_map(dst), Shared::from_map(src));
    crate::shared::coalesce_tables(&d, &s, "", false, warnings);
    write_back(dst, &d);
    write_back(src, &s);
}

/// `MergeTables`: `src` under `dst`, nulls kept. Like helm, `src` is updated too.
pub fn merge_tables(dst: &mut Map, src: &mut Map, warnings: &mut Vec<String>) {
    let (d, s) = (Shared::from_map(dst), Shared::from_map(src));
    crate::shared::coalesce_tables(&d, &s, "", true, warnings);
    write_back(dst, &d);
    write_back(src, &s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use charthouse_goyaml::Value;

    #[test]
    fn tables_merge_and_nulls_delete() {
        let mut dst = charthouse_goyaml::unmarshal_map(b"a: {x: 1}\nb: null\n").unwrap();
        let mut src = charthouse_goyaml::unmarshal_map(b"a: {z: 2}\nb: 3\nc: 4\n").unwrap();
        let mut w = Vec::new();
        coalesce_tables(&mut dst, &mut src, &mut w);
        assert_eq!(
            crate::gofmt::sprint_v(&Value::Map(dst)),
            "map[a:map[x:1 z:2] c:4]"
        );
        assert!(w.is_empty());
    }

    #[test]
    fn table_over_scalar_warns() {
        let mut dst = charthouse_goyaml::unmarshal_map(b"a: 1\n").unwrap();
        let mut src = charthouse_goyaml::unmarshal_map(b"a: {z: 2}\n").unwrap();
        let mut w = Vec::new();
        merge_tables(&mut dst, &mut src, &mut w);
        assert_eq!(
            w,
            ["level=INFO msg=\"warning: cannot overwrite table with non table for a (map[z:2])\""]
        );
    }
}

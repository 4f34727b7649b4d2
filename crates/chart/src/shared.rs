//! Values with Go's map aliasing.
//!
//! Go maps are references, and helm's coalescing relies on that in ways
//! users can see: `coalesceGlobals` copies a parent's global tables only one
//! level deep, so a subchart's nested global defaults are written into the
//! parent's own `global` (helm prints them in the parent's `.Values` too);
//! `processImportValues` hands a child's table itself to the first parent
//! key that imports it, so later imports into that key write through to the
//! child's values and to every other key holding the same map (helm's test
//! chart `subpop` shows `SCB*` keys under `imported-chartA`). To print what
//! helm prints, these steps work on shared cells.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use charthouse_goyaml::{Map, Value};

use crate::gofmt::sprint_v;

/// A Go `map[string]interface{}`: shared by every holder.
pub(crate) type Cell = Rc<RefCell<BTreeMap<String, Shared>>>;

/// A value whose maps may be shared, as Go's are.
#[derive(Clone, Debug)]
pub(crate) enum Shared {
    /// Anything but a map (lists are replaced whole, never merged). Leaves are never
    /// changed in place, so holders share them: the coalescing steps copy entry lists
    /// often, and a deep copy of every list and string each time was most of their cost.
    Leaf(Rc<Value>),
    /// A map, possibly held in several places.
    Map(Cell),
}

/// Nesting beyond which a (theoretical) cycle is cut when copying out.
const MAX_DEPTH: usize = 10_000;

pub(crate) fn new_cell() -> Cell {
    Rc::new(RefCell::new(BTreeMap::new()))
}

pub(crate) fn get(cell: &Cell, key: &str) -> Option<Shared> {
    cell.try_borrow().ok()?.get(key).cloned()
}

pub(crate) fn put(cell: &Cell, key: &str, val: Shared) {
    if let Ok(mut m) = cell.try_borrow_mut() {
        m.insert(key.to_owned(), val);
    }
}

pub(crate) fn remove(cell: &Cell, key: &str) {
    if let Ok(mut m) = cell.try_borrow_mut() {
        m.remove(key);
    }
}

/// The entries at this moment (Go ranges over a live map; helm's loops
/// here never depend on seeing their own writes).
pub(crate) fn entries(cell: &Cell) -> Vec<(String, Shared)> {
    cell.try_borrow()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// Go's `maps.Copy` into a new map: the first level only.
pub(crate) fn shallow_copy(cell: &Cell) -> Cell {
    Rc::new(RefCell::new(
        cell.try_borrow().map(|m| m.clone()).unwrap_or_default(),
    ))
}

impl Shared {
    /// A fresh (unshared) deep copy of a map.
    pub(crate) fn from_map(m: &Map) -> Cell {
        Rc::new(RefCell::new(
            m.iter()
                .map(|(k, v)| (k.clone(), Shared::from_value(v)))
                .collect(),
        ))
    }

    fn from_value(v: &Value) -> Shared {
        match v {
            Value::Map(m) => Shared::Map(Shared::from_map(m)),
            other => Shared::Leaf(Rc::new(other.clone())),
        }
    }

    /// A deep, unshared copy as a plain value.
    pub(crate) fn to_value(&self) -> Value {
        self.to_value_depth(0)
    }

    fn to_value_depth(&self, depth: usize) -> Value {
        match self {
            Shared::Leaf(v) => Value::clone(v),
            Shared::Map(cell) => Value::Map(cell_to_map_depth(cell, depth)),
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Shared::Leaf(v) if matches!(**v, Value::Null))
    }
}

/// A deep, unshared copy of a map.
pub(crate) fn cell_to_map(cell: &Cell) -> Map {
    cell_to_map_depth(cell, 0)
}

fn cell_to_map_depth(cell: &Cell, depth: usize) -> Map {
    if depth > MAX_DEPTH {
        return Map::new();
    }
    match cell.try_borrow() {
        Ok(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.to_value_depth(depth + 1)))
            .collect(),
        Err(_) => Map::new(),
    }
}

/// `Values.Table`: the (shared) map at a dotted path, or the key that is not a table.
pub(crate) fn table<'p>(root: &Cell, path: &'p str) -> Result<Cell, &'p str> {
    let mut cur = root.clone();
    for part in path.split('.') {
        match get(&cur, part) {
            Some(Shared::Map(m)) => cur = m,
            _ => return Err(part),
        }
    }
    Ok(cur)
}

/// `pathToMap`: nests a map under a dotted path (`.` is the root itself).
pub(crate) fn under_path(cell: Cell, path: &str) -> Cell {
    if path == "." {
        return cell;
    }
    let mut cur = cell;
    for part in path.split('.').rev() {
        let next = new_cell();
        put(&next, part, Shared::Map(cur));
        cur = next;
    }
    cur
}

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

/// `coalesceTablesFullKey`: `dst` is authoritative; nulls in `dst` delete
/// keys unless merging. Like helm, `src` is changed too (keys null in
/// `dst` become null in `src`) and absent keys take `src`'s maps themselves.
pub(crate) fn coalesce_tables(
    dst: &Cell,
    src: &Cell,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) {
    if Rc::ptr_eq(dst, src) {
        return;
    }
    let src_non_nil: Vec<String> = entries(src)
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k)
        .collect();
    for (k, v) in entries(dst) {
        if v.is_null() {
            put(src, &k, Shared::Leaf(Rc::new(Value::Null)));
        }
    }
    for (key, val) in entries(src) {
        let full_key = concat_prefix(prefix, &key);
        match get(dst, &key) {
            Some(dv) if dv.is_null() && !merge && src_non_nil.contains(&key) => remove(dst, &key),
            None => put(dst, &key, val),
            Some(dv) => match (&dv, &val) {
                (Shared::Map(d), Shared::Map(s)) => {
                    coalesce_tables(d, s, &full_key, merge, warnings)
                }
                (_, Shared::Map(_)) => log(
                    warnings,
                    format!(
                        "warning: cannot overwrite table with non table for {full_key} ({})",
                        sprint_v(&val.to_value())
                    ),
                ),
                (Shared::Map(_), v) if !v.is_null() => log(
                    warnings,
                    format!(
                        "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                        sprint_v(&v.to_value())
                    ),
                ),
                _ => {}
            },
        }
    }
}

/// `cleanNilValues`: drops null entries in place, recursively through maps.
pub(crate) fn clean_nil_values(cell: &Cell) {
    clean_nil_depth(cell, 0);
}

fn clean_nil_depth(cell: &Cell, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Ok(mut m) = cell.try_borrow_mut() {
        m.retain(|_, v| !v.is_null());
    }
    for (_, v) in entries(cell) {
        if let Shared::Map(sub) = v {
            clean_nil_depth(&sub, depth + 1);
        }
    }
}

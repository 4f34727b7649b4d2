//! Go map aliasing for helm's import-values step.
//!
//! Go maps are references. When `processImportValues` merges a child's
//! table into the import accumulator, an absent key takes the child's map
//! itself, so later imports that merge into that key write through to the
//! child's values and to every other parent key holding the same map (helm's
//! own test chart `subpop` shows `SCB*` keys under `imported-chartA`). To
//! print what helm prints we model maps as shared cells for this step.

use std::cell::RefCell;
use std::rc::Rc;

use charthouse_goyaml::{Map, Value};

use crate::gofmt::sprint_v;

type Cell = Rc<RefCell<Vec<(String, Shared)>>>;

/// A value whose maps may be shared, as Go's are.
#[derive(Clone, Debug)]
pub(crate) enum Shared {
    Leaf(Value),
    Map(Cell),
}

fn get(cell: &Cell, key: &str) -> Option<Shared> {
    cell.try_borrow()
        .ok()?
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

fn put(cell: &Cell, key: &str, val: Shared) {
    if let Ok(mut m) = cell.try_borrow_mut() {
        match m.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = val,
            None => m.push((key.to_owned(), val)),
        }
    }
}

impl Shared {
    /// A fresh (unshared) copy of a map.
    pub(crate) fn from_map(m: &Map) -> Shared {
        Shared::Map(Rc::new(RefCell::new(
            m.iter()
                .map(|(k, v)| (k.clone(), Shared::from_value(v)))
                .collect(),
        )))
    }

    fn from_value(v: &Value) -> Shared {
        match v {
            Value::Map(m) => Shared::from_map(m),
            other => Shared::Leaf(other.clone()),
        }
    }

    /// A deep, unshared copy as a plain value. Depth is bounded so a
    /// (theoretical) cycle cannot recurse forever.
    pub(crate) fn to_value(&self) -> Value {
        self.to_value_depth(0)
    }

    fn to_value_depth(&self, depth: usize) -> Value {
        match self {
            Shared::Leaf(v) => v.clone(),
            Shared::Map(cell) => {
                if depth > 512 {
                    return Value::Map(Map::new());
                }
                let entries: Vec<(String, Shared)> =
                    cell.try_borrow().map(|m| m.clone()).unwrap_or_default();
                Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k, v.to_value_depth(depth + 1)))
                        .collect(),
                )
            }
        }
    }

    pub(crate) fn as_map(&self) -> Option<&Cell> {
        match self {
            Shared::Map(c) => Some(c),
            Shared::Leaf(_) => None,
        }
    }

    /// `Values.Table`: the (shared) map at a dotted path, or the key that is not a table.
    pub(crate) fn table<'p>(&self, path: &'p str) -> Result<Shared, &'p str> {
        let mut cur = self.clone();
        for part in path.split('.') {
            let next = cur.as_map().and_then(|c| get(c, part));
            match next {
                Some(m @ Shared::Map(_)) => cur = m,
                _ => return Err(part),
            }
        }
        Ok(cur)
    }

    /// `pathToMap`: nests this map under a dotted path (`.` is the root).
    pub(crate) fn under_path(self, path: &str) -> Shared {
        if path == "." {
            return self;
        }
        let mut cur = self;
        for part in path.split('.').rev() {
            cur = Shared::Map(Rc::new(RefCell::new(vec![(part.to_owned(), cur)])));
        }
        cur
    }

    /// An empty, unshared map.
    pub(crate) fn empty() -> Shared {
        Shared::Map(Rc::new(RefCell::new(Vec::new())))
    }
}

fn is_null(v: &Shared) -> bool {
    matches!(v, Shared::Leaf(Value::Null))
}

/// `MergeTables` (`coalesceTablesFullKey` with merge set) over shared maps.
pub(crate) fn merge_tables(dst: &Shared, src: &Shared, prefix: &str, warnings: &mut Vec<String>) {
    let (Some(d), Some(s)) = (dst.as_map(), src.as_map()) else {
        return;
    };
    if Rc::ptr_eq(d, s) {
        return;
    }
    let dst_entries: Vec<(String, Shared)> = d.try_borrow().map(|m| m.clone()).unwrap_or_default();
    for (k, v) in &dst_entries {
        if is_null(v) {
            put(s, k, Shared::Leaf(Value::Null));
        }
    }
    let src_entries: Vec<(String, Shared)> = s.try_borrow().map(|m| m.clone()).unwrap_or_default();
    for (key, val) in src_entries {
        let full_key = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match get(d, &key) {
            None => put(d, &key, val),
            Some(dv) => match (&dv, &val) {
                (Shared::Map(_), Shared::Map(_)) => merge_tables(&dv, &val, &full_key, warnings),
                (_, Shared::Map(_)) => warnings.push(crate::slog::printf(format!(
                    "warning: cannot overwrite table with non table for {full_key} ({})",
                    sprint_v(&val.to_value())
                ))),
                (Shared::Map(_), v) if !is_null(v) => warnings.push(crate::slog::printf(format!(
                    "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                    sprint_v(&v.to_value())
                ))),
                _ => {}
            },
        }
    }
}

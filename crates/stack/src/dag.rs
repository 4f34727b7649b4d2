//! The `needs` graph: cycle detection (before anything runs) and dependency order.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::ResolvedRelease;

/// Fails with [`Error::Cycle`] naming the first cycle found (in stackfile order), written
/// as `a -> b -> a` where `a` needs `b`, at the first release's definition. (Loading
/// reports a cycle at the `needs` entry itself.)
///
/// # Errors
/// [`Error::Cycle`].
pub fn check_cycles(releases: &[ResolvedRelease]) -> Result<()> {
    match find_cycle(releases) {
        None => Ok(()),
        Some(cycle) => {
            let first = &releases[cycle[0]];
            Err(Error::Cycle {
                loc: first.source.clone(),
                key: "needs".to_owned(),
                cycle: cycle.iter().map(|&i| releases[i].id()).collect(),
            })
        }
    }
}

/// The first cycle found, as release indices with the first repeated at the end.
pub(crate) fn find_cycle(releases: &[ResolvedRelease]) -> Option<Vec<usize>> {
    let ids: Vec<String> = releases.iter().map(ResolvedRelease::id).collect();
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = releases
        .iter()
        .map(|r| {
            r.needs
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    // 0: unvisited, 1: on the current path, 2: done.
    let mut state = vec![0u8; releases.len()];
    for start in 0..releases.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative DFS: (node, next edge to follow).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(to);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    None
}

/// The releases in an order where each comes after everything it needs (stackfile order
/// among independent ones). Needs outside `releases` are ignored.
pub fn topological_order(releases: &[ResolvedRelease]) -> Vec<usize> {
    let ids: Vec<String> = releases.iter().map(ResolvedRelease::id).collect();
    let mut done = vec![false; releases.len()];
    let mut order = Vec::with_capacity(releases.len());
    while order.len() < releases.len() {
        let before = order.len();
        for (i, r) in releases.iter().enumerate() {
            if done[i] {
                continue;
            }
            let ready = r
                .needs
                .iter()
                .all(|n| ids.iter().position(|id| id == n).is_none_or(|j| done[j]));
            if ready {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle (which check_cycles reports): keep the rest in file order.
            order.extend((0..releases.len()).filter(|i| !done[*i]));
            break;
        }
    }
    order
}

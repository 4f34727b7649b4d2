//! Running an operation over releases in `needs` order, independent releases concurrently.
//!
//! A release starts only when every release it needs (within the plan) succeeded; when a
//! need failed or was skipped the release is skipped with that cause. At most
//! `concurrency` run at once. With `fail_fast`, no release starts after the first failure
//! (running ones finish). [`Direction::Reverse`] runs dependents first, for delete.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::model::ResolvedRelease;

/// Which way the `needs` edges point when running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Needs first (install, upgrade, sync, template).
    Forward,
    /// Dependents first (delete).
    Reverse,
}

/// The releases to run and what each waits for.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The releases, in stackfile order.
    pub releases: Vec<&'a ResolvedRelease>,
    /// For each release, the plan indices it waits for.
    pub waits_for: Vec<Vec<usize>>,
}

impl<'a> Plan<'a> {
    /// A plan over `releases` (typically the selected ones). Needs on releases outside
    /// the plan are taken as met: the stack only orders what it runs.
    pub fn new(releases: Vec<&'a ResolvedRelease>, direction: Direction) -> Plan<'a> {
        let ids: Vec<String> = releases.iter().map(|r| r.id()).collect();
        let mut waits_for = vec![Vec::new(); releases.len()];
        for (i, r) in releases.iter().enumerate() {
            for need in &r.needs {
                if let Some(j) = ids.iter().position(|id| id == need) {
                    match direction {
                        Direction::Forward => waits_for[i].push(j),
                        Direction::Reverse => waits_for[j].push(i),
                    }
                }
            }
        }
        Plan {
            releases,
            waits_for,
        }
    }

    /// How many releases the plan has.
    pub fn len(&self) -> usize {
        self.releases.len()
    }

    /// Whether the plan is empty.
    pub fn is_empty(&self) -> bool {
        self.releases.is_empty()
    }
}

/// How [`run_dag`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Most releases running at once (0 is taken as 1).
    pub concurrency: usize,
    /// Start nothing new after a failure.
    pub fail_fast: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 8,
            fail_fast: false,
        }
    }
}

/// How one release ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status<T, E> {
    /// The operation returned `Ok`.
    Done(T),
    /// The operation returned `Err`.
    Failed(E),
    /// Never started; the cause says why.
    Skipped(String),
}

/// One release's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished<T, E> {
    /// The release's index in the plan.
    pub index: usize,
    /// The release's id (`namespace/name`).
    pub id: String,
    /// How it ended.
    pub status: Status<T, E>,
    /// How long the operation ran (zero when skipped).
    pub elapsed: Duration,
}

/// Told when releases start and end (progress output).
pub trait Observer<T, E> {
    /// `release` (plan index `index`) starts.
    fn started(&mut self, index: usize, release: &ResolvedRelease);
    /// A release ended (or was skipped).
    fn finished(&mut self, result: &Finished<T, E>, release: &ResolvedRelease);
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl<T, E> Observer<T, E> for Quiet {
    fn started(&mut self, _: usize, _: &ResolvedRelease) {}
    fn finished(&mut self, _: &Finished<T, E>, _: &ResolvedRelease) {}
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Ok,
    Bad,
}

type Running<'a, T, E> = Pin<Box<dyn Future<Output = (usize, Result<T, E>, Duration)> + 'a>>;

/// Runs `f` for every release of `plan` in dependency order, at most
/// `opts.concurrency` at once, and returns the results in plan order.
///
/// The futures run on the caller's task (no `Send` needed); CPU-heavy work inside `f`
/// should use `tokio::task::spawn_blocking` to run in parallel.
pub async fn run_dag<'a, T, E, F, Fut>(
    plan: &Plan<'a>,
    opts: RunOptions,
    f: F,
    observer: &mut dyn Observer<T, E>,
) -> Vec<Finished<T, E>>
where
    F: Fn(&'a ResolvedRelease) -> Fut,
    Fut: Future<Output = Result<T, E>> + 'a,
    T: 'a,
    E: 'a,
{
    let n = plan.len();
    let limit = opts.concurrency.max(1);
    let mut state = vec![State::Pending; n];
    let mut results: Vec<Option<Finished<T, E>>> = (0..n).map(|_| None).collect();
    let mut running: FuturesUnordered<Running<'a, T, E>> = FuturesUnordered::new();
    let mut stopped = false;
    loop {
        // Skip what can no longer run, until nothing changes (needs may come later in order).
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..n {
                if state[i] != State::Pending {
                    continue;
                }
                if let Some(&j) = plan.waits_for[i].iter().find(|&&j| state[j] == State::Bad) {
                    let how = match results[j].as_ref().map(|r| &r.status) {
                        Some(Status::Failed(_)) => "failed",
                        _ => "was skipped",
                    };
                    let fin = Finished {
                        index: i,
                        id: plan.releases[i].id(),
                        status: Status::Skipped(format!(
                            "needs {}, which {how}",
                            plan.releases[j].id()
                        )),
                        elapsed: Duration::ZERO,
                    };
                    observer.finished(&fin, plan.releases[i]);
                    results[i] = Some(fin);
                    state[i] = State::Bad;
                    changed = true;
                }
            }
        }
        if !stopped {
            for i in 0..n {
                if running.len() >= limit {
                    break;
                }
                if state[i] == State::Pending
                    && plan.waits_for[i].iter().all(|&j| state[j] == State::Ok)
                {
                    state[i] = State::Running;
                    let release = plan.releases[i];
                    observer.started(i, release);
                    let fut = f(release);
                    running.push(Box::pin(async move {
                        let start = Instant::now();
                        let r = fut.await;
                        (i, r, start.elapsed())
                    }));
                }
            }
        }
        let Some((i, r, elapsed)) = running.next().await else {
            break;
        };
        let status = match r {
            Ok(t) => {
                state[i] = State::Ok;
                Status::Done(t)
            }
            Err(e) => {
                state[i] = State::Bad;
                stopped |= opts.fail_fast;
                Status::Failed(e)
            }
        };
        let fin = Finished {
            index: i,
            id: plan.releases[i].id(),
            status,
            elapsed,
        };
        observer.finished(&fin, plan.releases[i]);
        results[i] = Some(fin);
    }
    // Whatever never started: stopped by --fail-fast (or waiting on a cycle, which
    // loading rejects).
    for (i, slot) in results.iter_mut().enumerate() {
        if slot.is_none() {
            let cause = if stopped {
                "not started: --fail-fast after a failure".to_owned()
            } else {
                "not started: its needs never completed".to_owned()
            };
            let fin = Finished {
                index: i,
                id: plan.releases[i].id(),
                status: Status::Skipped(cause),
                elapsed: Duration::ZERO,
            };
            observer.finished(&fin, plan.releases[i]);
            *slot = Some(fin);
        }
    }
    results.into_iter().flatten().collect()
}

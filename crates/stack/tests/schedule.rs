//! The needs DAG, selectors and the parallel scheduler.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use charthouse_stack::{
    Direction, Observer, Plan, Quiet, ResolvedRelease, RunOptions, Selector, Stack, Status,
};

use crate::common::{chart, load, write};

/// a; b needs a; c needs a; d needs b and c; e independent.
fn diamond() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases:\n  - {name: d, chart: c, needs: [b, c], labels: {tier: web}}\n  - {name: b, chart: c, needs: [a], labels: {tier: api}}\n  - {name: c, namespace: other, chart: c, needs: [a]}\n  - {name: a, chart: c, labels: {tier: data}}\n  - {name: e, chart: c, labels: {tier: web}}\n",
        )],
    );
    let stack = load(dir.path(), None);
    (dir, stack)
}

/// Records start/finish order.
#[derive(Default)]
struct Log(Vec<String>);

impl<T, E> Observer<T, E> for Log {
    fn started(&mut self, _: usize, r: &ResolvedRelease) {
        self.0.push(format!("start {}", r.name));
    }
    fn finished(&mut self, f: &charthouse_stack::Finished<T, E>, r: &ResolvedRelease) {
        let what = match f.status {
            Status::Done(_) => "done",
            Status::Failed(_) => "failed",
            Status::Skipped(_) => "skipped",
        };
        self.0.push(format!("{what} {}", r.name));
    }
}

fn pos(log: &[String], entry: &str) -> usize {
    log.iter()
        .position(|l| l == entry)
        .unwrap_or_else(|| panic!("{entry} not in {log:?}"))
}

#[tokio::test]
async fn needs_run_first_and_independent_releases_overlap() {
    let (_d, stack) = diamond();
    let plan = Plan::new(stack.releases.iter().collect(), Direction::Forward);
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut log = Log::default();
    let results = charthouse_stack::run_dag(
        &plan,
        RunOptions {
            concurrency: 8,
            fail_fast: false,
        },
        |r| {
            let (running, peak) = (running.clone(), peak.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // e ends long before a, so b and c never overlap it.
                let ms = if r.name == "e" { 2 } else { 40 };
                tokio::time::sleep(Duration::from_millis(ms)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                Ok::<_, String>(r.name.clone())
            }
        },
        &mut log,
    )
    .await;
    let log = log.0;
    assert!(pos(&log, "done a") < pos(&log, "start b"));
    assert!(pos(&log, "done a") < pos(&log, "start c"));
    assert!(pos(&log, "done b") < pos(&log, "start d"));
    assert!(pos(&log, "done c") < pos(&log, "start d"));
    // a and e start together; b and c together.
    assert!(pos(&log, "start e") < pos(&log, "done a"));
    assert!(pos(&log, "start c") < pos(&log, "done b"));
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    // Results come back in plan order.
    let names: Vec<String> = results
        .iter()
        .map(|r| match &r.status {
            Status::Done(n) => n.clone(),
            _ => panic!("{r:?}"),
        })
        .collect();
    assert_eq!(names, ["d", "b", "c", "a", "e"]);
}

#[tokio::test]
async fn concurrency_bounds_running_releases() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    let mut text = "releases:\n".to_owned();
    for i in 0..10 {
        text.push_str(&format!("  - {{name: r{i}, chart: c}}\n"));
    }
    write(dir.path(), &[("stackfile.yaml", &text)]);
    let stack = load(dir.path(), None);
    let plan = Plan::new(stack.releases.iter().collect(), Direction::Forward);
    for limit in [1, 3] {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let results = charthouse_stack::run_dag(
            &plan,
            RunOptions {
                concurrency: limit,
                fail_fast: false,
            },
            |_| {
                let (running, peak) = (running.clone(), peak.clone());
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok::<_, String>(())
                }
            },
            &mut Quiet,
        )
        .await;
        assert_eq!(results.len(), 10);
        assert_eq!(peak.load(Ordering::SeqCst), limit);
    }
}

#[tokio::test]
async fn a_failure_skips_dependents_and_others_go_on() {
    let (_d, stack) = diamond();
    let plan = Plan::new(stack.releases.iter().collect(), Direction::Forward);
    let results = charthouse_stack::run_dag(
        &plan,
        RunOptions::default(),
        |r| async move {
            if r.name == "b" {
                Err(format!("{} broke", r.name))
            } else {
                Ok(())
            }
        },
        &mut Quiet,
    )
    .await;
    let by_name = |n: &str| {
        let i = plan.releases.iter().position(|r| r.name == n).unwrap();
        results[i].status.clone()
    };
    assert_eq!(by_name("b"), Status::Failed("b broke".into()));
    assert_eq!(
        by_name("d"),
        Status::Skipped("needs default/b, which failed".into())
    );
    assert_eq!(by_name("c"), Status::Done(()));
    assert_eq!(by_name("e"), Status::Done(()));
}

#[tokio::test]
async fn fail_fast_starts_nothing_after_a_failure() {
    let (_d, stack) = diamond();
    let plan = Plan::new(stack.releases.iter().collect(), Direction::Forward);
    let results = charthouse_stack::run_dag(
        &plan,
        RunOptions {
            concurrency: 1,
            fail_fast: true,
        },
        |r| async move {
            if r.name == "a" {
                Err("no".to_owned())
            } else {
                Ok(())
            }
        },
        &mut Quiet,
    )
    .await;
    let statuses: Vec<String> = results
        .iter()
        .map(|r| match &r.status {
            Status::Done(()) => format!("{} done", r.id),
            Status::Failed(e) => format!("{} failed: {e}", r.id),
            Status::Skipped(c) => format!("{} skipped: {c}", r.id),
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "default/d skipped: needs default/b, which was skipped",
            "default/b skipped: needs default/a, which failed",
            "other/c skipped: needs default/a, which failed",
            "default/a failed: no",
            "default/e skipped: not started: --fail-fast after a failure",
        ]
    );
}

#[tokio::test]
async fn reverse_runs_dependents_first() {
    let (_d, stack) = diamond();
    let plan = Plan::new(stack.releases.iter().collect(), Direction::Reverse);
    let mut log = Log::default();
    charthouse_stack::run_dag(
        &plan,
        RunOptions::default(),
        |_| async { Ok::<_, String>(()) },
        &mut log,
    )
    .await;
    let log = log.0;
    assert!(pos(&log, "done d") < pos(&log, "start b"));
    assert!(pos(&log, "done d") < pos(&log, "start c"));
    assert!(pos(&log, "done b") < pos(&log, "start a"));
    assert!(pos(&log, "done c") < pos(&log, "start a"));
}

#[test]
fn topological_order_and_plan_subsets() {
    let (_d, stack) = diamond();
    let order: Vec<&str> = charthouse_stack::topological_order(&stack.releases)
        .into_iter()
        .map(|i| stack.releases[i].name.as_str())
        .collect();
    assert_eq!(order, ["a", "e", "b", "c", "d"]);
    // Needs outside the plan are met.
    let only_d: Vec<&ResolvedRelease> = stack.releases.iter().filter(|r| r.name == "d").collect();
    let plan = Plan::new(only_d, Direction::Forward);
    assert_eq!(plan.waits_for, vec![Vec::<usize>::new()]);
}

#[test]
fn selectors() {
    let (_d, stack) = diamond();
    let names = |sel: &[&str]| -> Vec<String> {
        let sels: Vec<Selector> = sel.iter().map(|s| Selector::parse(s).unwrap()).collect();
        charthouse_stack::select(&stack.releases, &sels)
            .into_iter()
            .map(|r| r.name.clone())
            .collect()
    };
    assert_eq!(names(&["tier=web"]), ["d", "e"]);
    assert_eq!(names(&["tier!=web"]), ["b", "c", "a"]);
    assert_eq!(names(&["tier=web,name!=e"]), ["d"]);
    assert_eq!(names(&["namespace=other"]), ["c"]);
    assert_eq!(names(&["name==a", "tier=api"]), ["b", "a"]);
    assert_eq!(
        names(&[&format!("chart={}", stack.releases[0].chart)]).len(),
        5
    );
    assert_eq!(names(&[]).len(), 5);
    assert_eq!(
        Selector::parse("tier").unwrap_err().to_string(),
        "selector \"tier\": term \"tier\" is not key=value or key!=value"
    );
    assert_eq!(
        Selector::parse("a=1,,b=2").unwrap_err().to_string(),
        "selector \"a=1,,b=2\": empty term"
    );
    assert_eq!(
        Selector::parse("=x").unwrap_err().to_string(),
        "selector \"=x\": term \"=x\" has no key"
    );
}

#[test]
fn check_cycles_on_resolved_releases() {
    let (_d, mut stack) = diamond();
    assert!(charthouse_stack::check_cycles(&stack.releases).is_ok());
    // a (index 3) now needs d, which needs b and c, which need a.
    stack.releases[3].needs = vec!["default/d".into()];
    let e = charthouse_stack::check_cycles(&stack.releases).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:2:5: needs: needs form a cycle: default/d -> default/b -> default/a -> default/d",
            stack.files[0].display()
        )
    );
    assert_eq!(e.reason(), "Cycle");
}

//! Progress lines, the summary table, failure lines, `stack build` and `stack list`.

use std::time::Duration;

use charthouse_stack::{Action, Finished, Outcome, Row, Status};

use crate::common::{chart, load, write};

#[test]
fn summary_table_is_aligned() {
    let rows = vec![
        Row {
            release: "web".into(),
            namespace: "apps".into(),
            chart: "stable/nginx".into(),
            version: "1.2.3".into(),
            action: "upgraded".into(),
            revision: "4".into(),
            time: "1.2s".into(),
        },
        Row {
            release: "database".into(),
            namespace: "data".into(),
            chart: "./db".into(),
            version: "-".into(),
            action: "unchanged".into(),
            revision: "-".into(),
            time: "80ms".into(),
        },
    ];
    assert_eq!(
        charthouse_stack::summary_table(&rows),
        "RELEASE   NAMESPACE  CHART         VERSION  ACTION     REVISION  TIME\n\
         web       apps       stable/nginx  1.2.3    upgraded   4         1.2s\n\
         database  data       ./db          -        unchanged  -         80ms\n"
    );
}

#[test]
fn rows_lines_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases: [{name: a, namespace: ns, chart: c, version: 1.0.0}]\n",
        )],
    );
    let stack = load(dir.path(), None);
    let r = &stack.releases[0];
    let done: Finished<Outcome, String> = Finished {
        index: 0,
        id: r.id(),
        status: Status::Done(Outcome {
            action: Action::Installed,
            revision: Some(1),
            chart_version: None,
        }),
        elapsed: Duration::from_millis(1500),
    };
    // The version of a chart on disk is its Chart.yaml's.
    let row = charthouse_stack::row(r, &done);
    assert_eq!(
        (
            row.version.as_str(),
            row.action.as_str(),
            row.revision.as_str(),
            row.time.as_str()
        ),
        ("0.1.0", "installed", "1", "1.5s")
    );
    assert_eq!(
        charthouse_stack::finished_text(&done),
        "installed (revision 1) in 1.5s"
    );
    let failed: Finished<Outcome, String> = Finished {
        status: Status::Failed("timed out waiting for the condition".into()),
        elapsed: Duration::from_millis(250),
        ..done.clone()
    };
    assert_eq!(
        charthouse_stack::finished_text(&failed),
        "failed after 250ms: timed out waiting for the condition"
    );
    let skipped: Finished<Outcome, String> = Finished {
        status: Status::Skipped("needs n/db, which failed".into()),
        elapsed: Duration::ZERO,
        ..done.clone()
    };
    assert_eq!(
        charthouse_stack::failure_lines(&[done, failed, skipped]),
        "release ns/a failed: timed out waiting for the condition\nrelease ns/a skipped: needs n/db, which failed\n"
    );
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T21:40:05Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(
        charthouse_stack::plain_line(at, "n/a", "started"),
        "2026-11-21T21:40:05Z n/a: started\n"
    );
    assert_eq!(
        charthouse_stack::format_elapsed(Duration::from_secs(125)),
        "2m5s"
    );
}

/// A plain-mode printer writes one timestamped line per start and end.
#[tokio::test]
async fn plain_printer_lines() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[(
            "stackfile.yaml",
            "releases: [{name: a, chart: c}, {name: b, chart: c, needs: [a]}]\n",
        )],
    );
    let stack = load(dir.path(), None);
    let plan = charthouse_stack::Plan::new(
        stack.releases.iter().collect(),
        charthouse_stack::Direction::Forward,
    );
    let buf = Buf::default();
    let mut printer = charthouse_stack::Printer::new(
        charthouse_stack::Mode::Plain,
        &plan.releases,
        Box::new(buf.clone()),
    );
    charthouse_stack::run_dag(
        &plan,
        charthouse_stack::RunOptions::default(),
        |r| async move {
            if r.name == "a" {
                Err("boom".to_owned())
            } else {
                Ok(Outcome::new(Action::Installed))
            }
        },
        &mut printer,
    )
    .await;
    printer.finish();
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().map(|l| l.split_once(' ').unwrap().1).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "default/a: started");
    assert!(lines[1].starts_with("default/a: failed after ") && lines[1].ends_with(": boom"));
    assert_eq!(
        lines[2],
        "default/b: skipped: needs default/a, which failed"
    );
    for l in text.lines() {
        let stamp = l.split(' ').next().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(stamp).is_ok(), "{l}");
    }
}

#[test]
fn build_yaml_and_list() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), "c");
    write(
        dir.path(),
        &[
            (
                "stackfile.yaml",
                "variables: {team: t}\nrepositories: [{name: r, url: 'https://r.example'}]\nhelmDefaults: {wait: true, timeout: 90}\nenvironments:\n  dev: {kubeContext: dev}\nreleases:\n  - {name: a, namespace: ns, chart: c, labels: {tier: db}, values: [v.yaml], set: {x: 1}}\n  - {name: b, namespace: ns, chart: r/b, version: 1.0.0, needs: [a], historyMax: 2}\n",
            ),
            ("v.yaml", "w: 2\n"),
        ],
    );
    let mut stack = load(dir.path(), Some("dev"));
    let releases: Vec<_> = stack.releases.iter().collect();
    assert_eq!(releases[1].chart_version().as_deref(), Some("1.0.0"));
    let c = dir.path().join("c").display().to_string();
    let v = dir.path().join("v.yaml").display().to_string();
    assert_eq!(
        charthouse_stack::build_yaml(&stack, &releases),
        format!(
            "environment: dev
helmDefaults:
  createNamespace: false
  force: false
  historyMax: 10
  recreatePods: false
  rollbackOnFailure: false
  timeout: 1m30s
  wait: true
kubeContext: dev
releases:
- chart: {c}
  createNamespace: false
  force: false
  historyMax: 10
  labels:
    tier: db
  name: a
  namespace: ns
  recreatePods: false
  rollbackOnFailure: false
  timeout: 1m30s
  values:
    w: 2
    x: 1
  valuesFiles:
  - {v}
  wait: true
- chart: r/b
  createNamespace: false
  force: false
  historyMax: 2
  name: b
  namespace: ns
  needs:
  - ns/a
  recreatePods: false
  rollbackOnFailure: false
  timeout: 1m30s
  values: {{}}
  version: 1.0.0
  wait: true
repositories:
- name: r
  url: https://r.example
variables:
  team: t
"
        )
    );
    assert_eq!(
        charthouse_stack::list_table(&releases),
        format!(
            "NAME  NAMESPACE  CHART{pad}  VERSION  NEEDS  LABELS\na     ns         {c}  {blank}tier=db\nb     ns         r/b{pad3}  1.0.0    ns/a\n",
            pad = " ".repeat(c.len() - 5),
            pad3 = " ".repeat(c.len() - 3),
            blank = " ".repeat(16),
        )
    );
    stack.kubeconfig = Some("/etc/kube/config".into());
    let releases: Vec<_> = stack.releases.iter().collect();
    assert!(
        charthouse_stack::build_yaml(&stack, &releases)
            .contains("kubeContext: dev\nkubeconfig: /etc/kube/config\nreleases:\n")
    );
}

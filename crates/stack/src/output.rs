//! `stack build` and `stack list` output.

use charthouse_goyaml::{Map, Value};

use crate::model::{Flags, ResolvedRelease, Stack};

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// A Go duration's text (`5m0s`, `1h0m0s`, `1.5s`), as helm prints `--timeout`.
pub fn go_duration(d: std::time::Duration) -> String {
    let total = d.as_secs();
    let frac = d.subsec_millis();
    let (h, m, sec) = (total / 3600, (total % 3600) / 60, total % 60);
    let secs = if frac == 0 {
        format!("{sec}s")
    } else {
        let f = format!("{sec}.{frac:03}");
        format!("{}s", f.trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else if total == 0 && frac == 0 {
        "0s".to_owned()
    } else {
        secs
    }
}

fn flags_value(f: &Flags) -> Value {
    let mut m = Map::new();
    m.insert("recreatePods".into(), Value::Bool(f.recreate_pods));
    m.insert("force".into(), Value::Bool(f.force));
    m.insert("wait".into(), Value::Bool(f.wait));
    m.insert("timeout".into(), s(&go_duration(f.timeout)));
    m.insert(
        "rollbackOnFailure".into(),
        Value::Bool(f.rollback_on_failure),
    );
    m.insert("createNamespace".into(), Value::Bool(f.create_namespace));
    #[allow(clippy::cast_possible_wrap)]
    m.insert("historyMax".into(), Value::Int(f.history_max as i64));
    Value::Map(m)
}

fn release_value(r: &ResolvedRelease) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), s(&r.name));
    m.insert("namespace".into(), s(&r.namespace));
    m.insert("chart".into(), s(&r.chart.to_string()));
    if let Some(v) = &r.version {
        m.insert("version".into(), s(v));
    }
    if !r.labels.is_empty() {
        m.insert(
            "labels".into(),
            Value::Map(r.labels.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
        );
    }
    if !r.needs.is_empty() {
        m.insert(
            "needs".into(),
            Value::Seq(r.needs.iter().map(|n| s(n)).collect()),
        );
    }
    if !r.values_files.is_empty() {
        m.insert(
            "valuesFiles".into(),
            Value::Seq(
                r.values_files
                    .iter()
                    .map(|p| s(&p.display().to_string()))
                    .collect(),
            ),
        );
    }
    m.insert("values".into(), Value::Map(r.values.clone()));
    if let Value::Map(flags) = flags_value(&r.flags) {
        m.extend(flags);
    }
    Value::Map(m)
}

/// The resolved stack as YAML (`stack build`): environment, kube context, repositories,
/// helmDefaults, variables and each release with its final values and flags.
pub fn build_yaml(stack: &Stack, releases: &[&ResolvedRelease]) -> String {
    let mut top = Map::new();
    top.insert("environment".into(), s(stack.environment_name()));
    if let Some(c) = &stack.kube_context {
        top.insert("kubeContext".into(), s(c));
    }
    if let Some(k) = &stack.kubeconfig {
        top.insert("kubeconfig".into(), s(k));
    }
    if !stack.repositories.is_empty() {
        top.insert(
            "repositories".into(),
            Value::Seq(
                stack
                    .repositories
                    .iter()
                    .map(|r| {
                        Value::Map(Map::from([
                            ("name".into(), s(&r.name)),
                            ("url".into(), s(&r.url)),
                        ]))
                    })
                    .collect(),
            ),
        );
    }
    top.insert("helmDefaults".into(), flags_value(&stack.defaults));
    if !stack.variables.is_empty() {
        top.insert("variables".into(), Value::Map(stack.variables.clone()));
    }
    top.insert(
        "releases".into(),
        Value::Seq(releases.iter().map(|r| release_value(r)).collect()),
    );
    charthouse_goyaml::helm::to_yaml(&Value::Map(top)) + "\n"
}

/// `stack list`: one line per release (name, namespace, chart, version, needs, labels).
pub fn list_table(releases: &[&ResolvedRelease]) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "NAME".into(),
        "NAMESPACE".into(),
        "CHART".into(),
        "VERSION".into(),
        "NEEDS".into(),
        "LABELS".into(),
    ]];
    for r in releases {
        rows.push([
            r.name.clone(),
            r.namespace.clone(),
            r.chart.to_string(),
            r.version.clone().unwrap_or_default(),
            r.needs.join(","),
            r.labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            line.push_str(c);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn go_durations_print_as_go_does() {
        assert_eq!(go_duration(Duration::from_secs(300)), "5m0s");
        assert_eq!(go_duration(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::ZERO), "0s");
    }
}

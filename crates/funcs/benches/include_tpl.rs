//! Scaling of helm's `include` and `tpl` (issue: helm's `tpl` was once quadratic).
//!
//! Renders `include` of a helper N times and `tpl` over a values tree of N lines, for
//! doubling N, and prints the time per call: flat per-call times mean linear scaling.
//! When `HELM` names a helm binary, the same templates are also rendered by
//! `helm template` for comparison.
//!
//! Run: `cargo bench -p charthouse-funcs --bench include_tpl`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use charthouse_funcs::{Options, functions};
use charthouse_gotmpl::{MissingKey, Templates, Value};

// Both render valid YAML (comment lines and a block scalar) so that `helm template`
// accepts them too.
const INCLUDE_SRC: &str = r#"{{ define "h" }}item-{{ . }}{{ end }}{{ range $i := until .n }}# {{ include "h" $i }}
{{ end }}"#;
const TPL_SRC: &str = r#"{{ range $k, $v := .Values.m }}# {{ tpl $v $ }}
{{ end }}y: |
{{ tpl (toYaml .Values.m) $ | indent 2 }}"#;

fn set(src: &str) -> Templates {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Zero);
    t.add_funcs(functions(&Options::default()));
    if let Err(e) = t.parse("c/templates/x.yaml", src) {
        panic!("parse: {e}");
    }
    t
}

/// The best of five runs (the machine is shared; the minimum is the least disturbed).
fn time(t: &Templates, data: &Value) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            let out = t.execute("c/templates/x.yaml", data);
            let elapsed = start.elapsed();
            if let Err(e) = out {
                panic!("execute: {e}");
            }
            elapsed
        })
        .min()
        .unwrap_or_default()
}

fn tpl_values(n: usize) -> Value {
    let m: BTreeMap<String, Value> = (0..n)
        .map(|i| {
            (
                format!("k{i:06}"),
                Value::from(format!("{{{{ .Values.name }}}}-{i}")),
            )
        })
        .collect();
    let values = Value::map_from([("name", Value::from("x")), ("m", Value::map(m))]);
    Value::map_from([("Values", values)])
}

/// `helm template` time for the same template and values, if `HELM` is set.
fn helm_time(src: &str, values_json: &str) -> Option<Duration> {
    let helm = std::env::var("HELM").ok()?;
    let dir = std::env::temp_dir().join(format!("charthouse-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("c/templates")).ok()?;
    std::fs::write(
        dir.join("c/Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .ok()?;
    std::fs::write(dir.join("c/values.yaml"), values_json).ok()?;
    std::fs::write(dir.join("c/templates/x.yaml"), src).ok()?;
    let start = Instant::now();
    let out = std::process::Command::new(helm)
        .args(["template", "r"])
        .arg(dir.join("c"))
        .env("KUBECONFIG", "/nonexistent")
        .output()
        .ok()?;
    let elapsed = start.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    out.status.success().then_some(elapsed)
}

fn main() {
    println!("include: N calls of a helper");
    for n in [2_500i64, 5_000, 10_000, 20_000] {
        let t = set(INCLUDE_SRC);
        let data = Value::map_from([("n", Value::int(n))]);
        let d = time(&t, &data);
        let helm = helm_time(
            // helm reads numbers from values.yaml as float64; `until` wants an int.
            &INCLUDE_SRC.replace(".n", "(int .Values.n)"),
            &format!("{{\"n\": {n}}}"),
        );
        println!(
            "  N={n:>6}: {:>8.2} ms, {:>6.0} ns/call{}",
            d.as_secs_f64() * 1e3,
            d.as_nanos() as f64 / n as f64,
            helm.map(|h| format!(", helm template {:.0} ms", h.as_secs_f64() * 1e3))
                .unwrap_or_default()
        );
    }
    println!("tpl: one tpl per value of an N-line values map, then tpl of its N-line YAML");
    for n in [250usize, 500, 1_000, 2_000, 4_000, 8_000] {
        let t = set(TPL_SRC);
        let data = tpl_values(n);
        let d = time(&t, &data);
        let m: BTreeMap<String, String> = (0..n)
            .map(|i| (format!("k{i:06}"), format!("{{{{ .Values.name }}}}-{i}")))
            .collect();
        let values = serde_json::json!({"name": "x", "m": m}).to_string();
        let helm = helm_time(TPL_SRC, &values);
        println!(
            "  N={n:>6}: {:>8.2} ms, {:>6.0} ns/line{}",
            d.as_secs_f64() * 1e3,
            d.as_nanos() as f64 / n as f64,
            helm.map(|h| format!(", helm template {:.0} ms", h.as_secs_f64() * 1e3))
                .unwrap_or_default()
        );
    }
}

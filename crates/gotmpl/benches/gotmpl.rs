//! Benchmarks: parsing a real chart template set and executing templates.
//!
//! - `parse/corpus`: parses every `*.tpl`/`*.yaml`/`*.txt` file under `GOTMPL_BENCH_DIR`
//!   (default: the bitnami `common` library chart in ../shared/corpus, if present) into one
//!   set, as helm does. Charts call Sprig and helm functions the engine does not know, so
//!   the bench registers a stub for each such name (it returns its first argument); the
//!   parse work is the same as with real functions. Skipped when the directory is absent.
//! - `execute/corpus_helpers`: executes every `define` of that set once, with stubs for
//!   the functions and a small helm-like data value. Many helpers stop early with an
//!   error (stubs do not return what they expect): this measures the engine on real
//!   template shapes, not complete renderings.
//! - `parse/deployment`: parsing that template set.
//! - `execute/deployment`: a self-contained, deployment-like template set (ranges, ifs,
//!   withs, printf, nested template calls, variables) using only builtins, executed on
//!   a values tree: the steady-state cost of rendering, parse excluded.

#![allow(clippy::expect_used)] // a bench whose fixed template fails should stop loudly

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use charthouse_gotmpl::{Func, GoType, MissingKey, Signature, Templates, Value};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("GOTMPL_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus/charts/bitnami/common/templates"));
    dir.is_dir().then_some(dir)
}

fn collect(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "tpl" || e == "yaml" || e == "txt")
            && let Ok(text) = std::fs::read_to_string(&p)
        {
            out.push((p.display().to_string(), text));
        }
    }
}

fn stub(name: &str) -> Func {
    Func::new(
        name,
        Signature::variadic(vec![], GoType::Interface, GoType::Interface),
        |_, a| Ok(a.first().cloned().unwrap_or(Value::from(""))),
    )
}

/// Parses all files, adding a stub for each unknown function name the parser reports.
/// Returns the set with every file that parses, and the stubs, so later parses are
/// timed without retries.
fn prepare(files: &[(String, String)]) -> (Templates, usize) {
    let mut base = Templates::named("gotpl");
    base.set_missing_key(MissingKey::Zero);
    for n in [
        "include", "tpl", "required", "fail", "lookup", "toYaml", "default", "list", "dict",
    ] {
        base.add_func(stub(n));
    }
    let mut failed = 0;
    for (name, text) in files {
        loop {
            let mut next = base.clone();
            match next.parse(name, text) {
                Ok(_) => {
                    base = next;
                    break;
                }
                Err(e) => {
                    let msg = e.to_string();
                    if let Some(rest) = msg.split("function \"").nth(1) {
                        let f = rest.split('"').next().unwrap_or_default().to_string();
                        if !f.is_empty() && base.func(&f).is_none() {
                            base.add_func(stub(&f));
                            continue;
                        }
                    }
                    eprintln!("parse error (kept out of the set): {msg}");
                    failed += 1;
                    break;
                }
            }
        }
    }
    (base, failed)
}

fn helm_like_data() -> Value {
    let values = Value::map_from([
        (
            "image",
            Value::map_from([
                ("registry", Value::from("docker.io")),
                ("repository", Value::from("bitnami/app")),
                ("tag", Value::from("1.0")),
            ]),
        ),
        ("replicaCount", Value::float(3.0)),
        (
            "global",
            Value::map_from([("imageRegistry", Value::from(""))]),
        ),
        (
            "commonLabels",
            Value::map_from([("team", Value::from("a"))]),
        ),
    ]);
    Value::map_from([
        ("Values", values),
        (
            "Release",
            Value::map_from([
                ("Name", Value::from("r")),
                ("Namespace", Value::from("default")),
                ("Service", Value::from("Helm")),
            ]),
        ),
        (
            "Chart",
            Value::map_from([
                ("Name", Value::from("c")),
                ("Version", Value::from("0.1.0")),
                ("AppVersion", Value::from("1.0")),
            ]),
        ),
    ])
}

const DEPLOYMENT: &str = r#"{{- define "labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .release }}
{{- range $k, $v := .extra }}
{{ $k }}: {{ $v | printf "%q" }}
{{- end }}
{{- end -}}
{{- define "container" -}}
- name: {{ .name }}
  image: {{ printf "%s/%s:%s" .image.registry .image.repository .image.tag }}
  {{- with .ports }}
  ports:
    {{- range . }}
    - name: {{ .name }}
      containerPort: {{ .port }}
      protocol: {{ or .protocol "TCP" }}
    {{- end }}
  {{- end }}
  {{- if .env }}
  env:
    {{- range $name, $value := .env }}
    - name: {{ $name }}
      value: {{ $value | print | printf "%q" }}
    {{- end }}
  {{- end }}
  resources:
    limits: {cpu: {{ .cpu | default "100m" }}, memory: {{ .memory | default "128Mi" }}}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-{{ .Values.name }}
  labels:
    {{- include "labels" (dict "name" .Values.name "release" .Release.Name "extra" .Values.labels) | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        {{- range $i, $c := .Values.containers }}
        {{- if not $c.disabled }}
        {{- template "container" $c }}
        {{- end }}
        {{- end }}
      {{- if and .Values.nodeSelector (gt (len .Values.nodeSelector) 0) }}
      nodeSelector:
        {{- range $k, $v := .Values.nodeSelector }}
        {{ $k }}: {{ $v }}
        {{- end }}
      {{- end }}
"#;

fn deployment_set() -> Templates {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Zero);
    // Minimal Sprig-like helpers so the template reads like a chart's.
    t.add_func(Func::new(
        "default",
        Signature::new(
            vec![GoType::Interface, GoType::Interface],
            GoType::Interface,
        ),
        |_, a| {
            Ok(if a[1].truth() {
                a[1].clone()
            } else {
                a[0].clone()
            })
        },
    ));
    t.add_func(Func::new(
        "dict",
        Signature::variadic(vec![], GoType::Interface, GoType::map()),
        |_, a| {
            let mut m = BTreeMap::new();
            for kv in a.chunks(2) {
                if let [k, v] = kv {
                    m.insert(k.as_str().unwrap_or_default().to_string(), v.clone());
                }
            }
            Ok(Value::map(m))
        },
    ));
    t.add_func(Func::new(
        "nindent",
        Signature::new(
            vec![GoType::Int(charthouse_gotmpl::IntType::Int), GoType::String],
            GoType::String,
        ),
        |_, a| {
            let pad = " ".repeat(a[0].as_i64().unwrap_or(0).max(0) as usize);
            let s = a[1].as_str().unwrap_or_default();
            Ok(Value::from(format!(
                "\n{pad}{}",
                s.replace('\n', &format!("\n{pad}"))
            )))
        },
    ));
    t.add_func(Func::new(
        "include",
        Signature::new(vec![GoType::String, GoType::Interface], GoType::String),
        |ctx, a| {
            Ok(Value::from(
                ctx.execute(a[0].as_str().unwrap_or_default(), &a[1])?,
            ))
        },
    ));
    t.parse("deployment.yaml", DEPLOYMENT)
        .expect("bench template parses");
    t
}

fn deployment_data() -> Value {
    let containers: Vec<Value> = (0..20)
        .map(|i| {
            Value::map_from([
                ("name", Value::from(format!("c{i}"))),
                (
                    "image",
                    Value::map_from([
                        ("registry", Value::from("docker.io")),
                        ("repository", Value::from("org/app")),
                        ("tag", Value::from("1.2.3")),
                    ]),
                ),
                (
                    "ports",
                    Value::list(
                        (0..3)
                            .map(|p| {
                                Value::map_from([
                                    ("name", Value::from(format!("p{p}"))),
                                    ("port", Value::float(8080.0 + p as f64)),
                                ])
                            })
                            .collect(),
                    ),
                ),
                (
                    "env",
                    Value::map_from(
                        (0..5).map(|e| (format!("VAR_{e}"), Value::from(format!("value {e}")))),
                    ),
                ),
                ("cpu", Value::from("250m")),
            ])
        })
        .collect();
    Value::map_from([
        (
            "Values",
            Value::map_from([
                ("name", Value::from("web")),
                ("replicas", Value::float(3.0)),
                (
                    "labels",
                    Value::map_from([
                        ("tier", Value::from("frontend")),
                        ("team", Value::from("a")),
                    ]),
                ),
                ("containers", Value::list(containers)),
                (
                    "nodeSelector",
                    Value::map_from([("disk", Value::from("ssd"))]),
                ),
            ]),
        ),
        ("Release", Value::map_from([("Name", Value::from("rel"))])),
    ])
}

fn benches(c: &mut Criterion) {
    let t = deployment_set();
    let d = deployment_data();
    let out = t
        .execute("deployment.yaml", &d)
        .expect("bench template executes");
    let mut g = c.benchmark_group("execute");
    g.throughput(Throughput::Bytes(out.len() as u64));
    g.bench_function("deployment", |b| {
        b.iter(|| t.execute("deployment.yaml", &d))
    });
    g.finish();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(DEPLOYMENT.len() as u64));
    g.bench_function("deployment", |b| b.iter(deployment_set));
    g.finish();

    let Some(dir) = bench_dir() else {
        eprintln!(
            "GOTMPL_BENCH_DIR not set and the default corpus is absent: skipping corpus benches"
        );
        return;
    };
    let mut files = Vec::new();
    collect(&dir, &mut files);
    if files.is_empty() {
        eprintln!(
            "no template files under {}: skipping corpus benches",
            dir.display()
        );
        return;
    }
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let (set, failed) = prepare(&files);
    eprintln!(
        "corpus {}: {} files, {} bytes, {} failed to parse",
        dir.display(),
        files.len(),
        bytes,
        failed
    );
    let base = {
        let mut b = Templates::named("gotpl");
        for n in set_funcs(&set, &files) {
            b.add_func(stub(&n));
        }
        b
    };
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("corpus", |b| {
        b.iter(|| {
            let mut s = base.clone();
            for (name, text) in &files {
                let _ = s.parse(name, text);
            }
            s
        })
    });
    g.finish();

    let data = helm_like_data();
    let names: Vec<String> = set.names().iter().map(|s| s.to_string()).collect();
    let ok = names
        .iter()
        .filter(|n| set.execute(n, &data).is_ok())
        .count();
    eprintln!(
        "corpus helpers: {} templates, {} execute without error on the stub data",
        names.len(),
        ok
    );
    let mut g = c.benchmark_group("execute");
    g.sample_size(10);
    g.bench_function("corpus_helpers", |b| {
        b.iter(|| {
            for n in &names {
                let _ = set.execute(n, &data);
            }
        })
    });
    g.finish();
}

/// The names of the stub functions `prepare` had to register.
fn set_funcs(set: &Templates, files: &[(String, String)]) -> Vec<String> {
    let mut names = Vec::new();
    for (_, text) in files {
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !word.is_empty() && set.func(word).is_some() && !names.iter().any(|n| n == word) {
                names.push(word.to_string());
            }
        }
    }
    names
}

criterion_group!(gotmpl, benches);
criterion_main!(gotmpl);

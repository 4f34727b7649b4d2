//! Parse and emit throughput on a large values file.
//!
//! The input is `$GOYAML_BENCH_FILE`, or else the largest `values.yaml`
//! under `/work/shared/corpus/charts` when that corpus is present; with
//! neither, the benchmark reports that and does nothing. `vs_helm.sh` in
//! this directory times helm on the same file for comparison.

use std::path::{Path, PathBuf};

use charthouse_goyaml::{Value, helm, json_marshal, load_values, marshal};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn largest_values(dir: &Path, best: &mut Option<(u64, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            largest_values(&p, best);
        } else if p.file_name().is_some_and(|n| n == "values.yaml") {
            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
            if best.as_ref().is_none_or(|(s, _)| size > *s) {
                *best = Some((size, p));
            }
        }
    }
}

fn input() -> Option<(PathBuf, Vec<u8>)> {
    let path = match std::env::var_os("GOYAML_BENCH_FILE") {
        Some(p) => PathBuf::from(p),
        None => {
            let mut best = None;
            largest_values(Path::new("/work/shared/corpus/charts"), &mut best);
            best?.1
        }
    };
    let data = std::fs::read(&path).ok()?;
    Some((path, data))
}

fn bench(c: &mut Criterion) {
    let Some((path, data)) = input() else {
        eprintln!("goyaml bench: no input (set GOYAML_BENCH_FILE); skipping");
        return;
    };
    eprintln!("goyaml bench: {} ({} bytes)", path.display(), data.len());
    let Ok(values) = load_values(&data) else {
        eprintln!("goyaml bench: {} does not load; skipping", path.display());
        return;
    };
    let v = Value::Map(values);
    let yaml_len = marshal(&v).map(|s| s.len()).unwrap_or(0) as u64;
    let json_len = json_marshal(&v).map(|s| s.len()).unwrap_or(0) as u64;

    let mut g = c.benchmark_group("goyaml");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("parse values (LoadValues)", |b| {
        b.iter(|| load_values(std::hint::black_box(&data)))
    });
    g.throughput(Throughput::Bytes(yaml_len));
    g.bench_function("emit toYaml", |b| {
        b.iter(|| helm::to_yaml(std::hint::black_box(&v)))
    });
    g.throughput(Throughput::Bytes(json_len));
    g.bench_function("emit toJson", |b| {
        b.iter(|| helm::to_json(std::hint::black_box(&v)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

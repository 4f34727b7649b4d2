//! The corpus conformance runner: renders every case of a chart corpus (see
//! `../shared/corpus/README.md`) as `helm template rel CHART --namespace ns1 ARGS`
//! would, in-process, and compares the output with helm v4.3.1's golden files.
//!
//! ```text
//! corpus CORPUS_DIR [--min-pass-rate PERCENT] [--filter SUBSTRING] [--verbose]
//! ```
//!
//! Comparison rules:
//! - success cases: byte-identical output, except that the 1-based lines listed in
//!   `golden/ID.mask` match anything. When the mask holds `0` (the line count varies
//!   between helm runs), the lines before the first masked line must match from the
//!   top and the lines after the last masked line must match from the bottom.
//! - error cases (`golden/ID.rc` present): we must fail too, and our first line that
//!   starts with `Error: ` must equal helm's.
//!
//! Prints the first differing line of each failure, then `N passed, M failed`. Exits
//! non-zero only when the pass rate is below `--min-pass-rate` (default 0).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use charthouse_render::template::{TemplateRequest, template};

struct Case {
    id: String,
    chart: String,
    args: Vec<String>,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut corpus: Option<PathBuf> = None;
    let mut min_rate = 0.0f64;
    let mut filter = String::new();
    let mut verbose = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--min-pass-rate" => min_rate = args.next().and_then(|v| v.parse().ok()).unwrap_or(0.0),
            "--filter" => filter = args.next().unwrap_or_default(),
            "--verbose" => verbose = true,
            _ => corpus = Some(PathBuf::from(a)),
        }
    }
    let Some(corpus) = corpus else {
        eprintln!(
            "usage: corpus CORPUS_DIR [--min-pass-rate PERCENT] [--filter SUBSTRING] [--verbose]"
        );
        return ExitCode::from(2);
    };
    let cases = match read_cases(&corpus) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("corpus: cannot read {}/cases.tsv: {e}", corpus.display());
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for case in cases.iter().filter(|c| c.id.contains(&filter)) {
        match run_case(&corpus, case) {
            Ok(()) => passed += 1,
            Err(why) => {
                failed += 1;
                println!(
                    "FAIL {}: {}",
                    case.id,
                    if verbose {
                        why
                    } else {
                        why.lines().next().unwrap_or("").to_string()
                    }
                );
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    let total = passed + failed;
    let rate = if total == 0 {
        100.0
    } else {
        passed as f64 * 100.0 / total as f64
    };
    if rate + 1e-9 < min_rate {
        eprintln!("corpus: pass rate {rate:.1}% is below --min-pass-rate {min_rate}%");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn read_cases(corpus: &Path) -> std::io::Result<Vec<Case>> {
    let text = std::fs::read_to_string(corpus.join("cases.tsv"))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let mut cols = line.splitn(3, '\t');
        let (Some(id), Some(chart), Some(args)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        let args: Vec<String> = serde_json::from_str(args).unwrap_or_default();
        out.push(Case {
            id: id.to_string(),
            chart: chart.to_string(),
            args,
        });
    }
    Ok(out)
}

/// Renders one case; `Err` explains the first difference.
fn run_case(corpus: &Path, case: &Case) -> Result<(), String> {
    let golden = corpus.join("golden");
    let result = std::panic::catch_unwind(|| render(corpus, case)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
        Err(format!("panic: {}", msg.unwrap_or_default()))
    });
    let rc_path = golden.join(format!("{}.rc", case.id));
    if rc_path.exists() {
        let err =
            std::fs::read_to_string(golden.join(format!("{}.err", case.id))).unwrap_or_default();
        let want = err
            .lines()
            .find(|l| l.starts_with("Error: "))
            .unwrap_or("")
            .to_string();
        return match result {
            Ok(_) => Err(format!(
                "expected failure `{want}`, but rendering succeeded"
            )),
            Err(got) => {
                let got_line = format!("Error: {}", got.lines().next().unwrap_or(""));
                if got_line == want {
                    Ok(())
                } else {
                    Err(format!("error differs\n  want: {want}\n  got:  {got_line}"))
                }
            }
        };
    }
    let got = result.map_err(|e| format!("unexpected error: {e}"))?;
    let want = std::fs::read_to_string(golden.join(format!("{}.out", case.id)))
        .map_err(|e| format!("no golden: {e}"))?;
    let mask =
        std::fs::read_to_string(golden.join(format!("{}.mask", case.id))).unwrap_or_default();
    let mask: Vec<usize> = mask
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    compare(&want, &got, &mask)
}

fn render(corpus: &Path, case: &Case) -> Result<String, String> {
    let mut values = charthouse_goyaml::Map::new();
    let mut args = case.args.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-f" | "--values" => {
                let Some(file) = args.next() else {
                    return Err("flag needs an argument: 'f' in -f".into());
                };
                let data =
                    std::fs::read(corpus.join(file)).map_err(|e| format!("open {file}: {e}"))?;
                let current = charthouse_goyaml::load_values(&data)
                    .map_err(|e| format!("failed to parse {file}: {e}"))?;
                values = charthouse_goyaml::merge_maps(values, current);
            }
            other => return Err(format!("corpus runner: unsupported argument {other}")),
        }
    }
    let req = TemplateRequest {
        release_name: "rel".into(),
        namespace: "ns1".into(),
        chart: corpus.join(&case.chart),
        values,
        ..TemplateRequest::default()
    };
    template(&req).map_err(|e| e.to_string())
}

fn compare(want: &str, got: &str, mask: &[usize]) -> Result<(), String> {
    if want == got {
        return Ok(());
    }
    let w: Vec<&str> = want.split('\n').collect();
    let g: Vec<&str> = got.split('\n').collect();
    let masked = |i: usize| mask.contains(&(i + 1));
    let diff = |n: usize, a: &str, b: &str| Err(format!("line {n}\n  want: {a}\n  got:  {b}"));
    if w.len() == g.len() {
        for (i, (a, b)) in w.iter().zip(&g).enumerate() {
            if a != b && !masked(i) {
                return diff(i + 1, a, b);
            }
        }
        return Ok(());
    }
    if !mask.contains(&0) {
        for (i, (a, b)) in w.iter().zip(&g).enumerate() {
            if a != b && !masked(i) {
                return diff(i + 1, a, b);
            }
        }
        return Err(format!(
            "line count differs: want {}, got {}",
            w.len(),
            g.len()
        ));
    }
    // The line count varies between helm runs: compare the stable head and tail.
    let first = mask.iter().filter(|n| **n > 0).min().copied().unwrap_or(1) - 1;
    let last = mask.iter().max().copied().unwrap_or(0);
    let tail = w.len().saturating_sub(last);
    for i in 0..first.min(w.len()).min(g.len()) {
        if w[i] != g[i] {
            return diff(i + 1, w[i], g[i]);
        }
    }
    for k in 1..=tail.min(g.len()) {
        let (a, b) = (w[w.len() - k], g[g.len() - k]);
        if a != b {
            return diff(w.len() - k + 1, a, b);
        }
    }
    Ok(())
}

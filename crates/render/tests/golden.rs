//! Every case under `data/cases/` rendered in-process and compared with what helm
//! v4.3.1 printed for the same `helm template` arguments (`data/regen.sh`).

use std::path::{Path, PathBuf};

use charthouse_render::template::{TemplateRequest, name_and_chart, template};
use charthouse_render::values::ValueOptions;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cases")
}

/// Builds the request `helm template ARGS` would make, run from `dir`.
fn request(dir: &Path, args: &[String]) -> Result<TemplateRequest, String> {
    let mut positional = Vec::new();
    let mut values = ValueOptions::default();
    let mut req = TemplateRequest {
        namespace: "default".into(),
        ..TemplateRequest::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut next = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("flag {a} needs a value"))
        };
        match a.as_str() {
            "-n" | "--namespace" => req.namespace = next()?,
            "-f" | "--values" => values.files.push(dir.join(next()?).display().to_string()),
            "--set" => values.set.push(next()?),
            "--set-string" => values.string.push(next()?),
            "-s" | "--show-only" => req.show_only.push(next()?),
            "--kube-version" => req.kube_version = Some(next()?),
            "-a" | "--api-versions" => req
                .api_versions
                .extend(next()?.split(',').map(str::to_string)),
            "--include-crds" => req.include_crds = true,
            "--skip-crds" => {}
            "--skip-tests" => req.skip_tests = true,
            "--no-hooks" => req.no_hooks = true,
            "--is-upgrade" => req.is_upgrade = true,
            other if other.starts_with('-') => {
                return Err(format!("harness: unsupported flag {other}"));
            }
            _ => positional.push(a.clone()),
        }
    }
    let (name, chart) = name_and_chart(&positional, false, "").map_err(|e| e.to_string())?;
    req.release_name = name;
    req.chart = dir.join(chart);
    req.values = values.merge().map_err(|e| e.to_string())?;
    Ok(req)
}

/// What `helm template` prints for an error: `Error: ` then the message, plus the
/// `--debug` hint for render errors.
fn run(dir: &Path, args: &[String]) -> Result<String, String> {
    let req = request(dir, args).map_err(|e| format!("Error: {e}"))?;
    template(&req).map_err(|e| {
        if e.has_partial_release() {
            format!("Error: {e}\n\nUse --debug flag to render out invalid YAML")
        } else {
            format!("Error: {e}")
        }
    })
}

#[test]
fn helm_template_goldens() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 30, "golden cases missing");
    let mut failures = Vec::new();
    for dir in &dirs {
        let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let got = run(dir, &args);
        if let Ok(want) = std::fs::read_to_string(dir.join("expected.out")) {
            match got {
                Ok(got) if got == want => {}
                Ok(got) => failures.push(format!(
                    "{name}: output differs: {}",
                    first_difference(&want, &got)
                )),
                Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            }
        } else {
            let err = std::fs::read_to_string(dir.join("expected.err")).unwrap();
            // helm logs `level=...` lines before the error; the error is the rest.
            let start = err.find("Error: ").unwrap();
            let want = err[start..].trim_end_matches('\n');
            match got {
                Err(got) if got == want => {}
                Err(got) => failures.push(format!(
                    "{name}: error differs\n--- want\n{want}\n--- got\n{got}"
                )),
                Ok(_) => failures.push(format!("{name}: expected error {want}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

/// The first line where `want` and `got` differ, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.split('\n').collect(), got.split('\n').collect());
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (
            w.get(i).copied().unwrap_or("<end>"),
            g.get(i).copied().unwrap_or("<end>"),
        );
        if a != b {
            return format!("line {}\n  want: {a}\n  got:  {b}", i + 1);
        }
    }
    "no line differs".to_string()
}

/// All files under `root`, by path relative to it.
fn tree(root: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn output_dir_matches_helm() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let tmp = tempfile::tempdir().unwrap();
    let cases = cases_dir();
    let mut stdout = String::new();
    for (chart, release_dir) in [("objects/chart", true), ("crds/chart", false)] {
        let req = TemplateRequest {
            release_name: "r".into(),
            namespace: "default".into(),
            chart: cases.join(chart),
            include_crds: true,
            output_dir: Some(tmp.path().to_path_buf()),
            use_release_name: release_dir,
            ..TemplateRequest::default()
        };
        stdout.push_str(&template(&req).unwrap());
    }
    let stdout = stdout.replace(&tmp.path().display().to_string(), "OUT");
    let want_stdout = std::fs::read_to_string(data.join("output-dir/expected.stdout")).unwrap();
    assert_eq!(stdout, want_stdout);
    assert_eq!(tree(tmp.path()), tree(&data.join("output-dir/expected")));
}

#[test]
fn lint_matches_helm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 4);
    for dir in dirs {
        let strict = std::fs::read_to_string(dir.join("args"))
            .unwrap_or_default()
            .contains("--strict");
        let req = charthouse_render::lint::LintRequest {
            paths: vec![PathBuf::from("chart")],
            namespace: "default".into(),
            strict,
            ..Default::default()
        };
        // helm prints paths as given; lint from inside the case directory.
        let outcome = with_cwd(&dir, || charthouse_render::lint::lint(&req).unwrap());
        let mut got = outcome.report.clone();
        if outcome.failed == 0 && outcome.print_summary {
            got.push_str(&outcome.summary);
            got.push('\n');
        }
        let want = std::fs::read_to_string(dir.join("expected.out")).unwrap();
        let rc: i32 = std::fs::read_to_string(dir.join("expected.rc"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(got, want, "{}", dir.display());
        assert_eq!(outcome.failed > 0, rc != 0, "{}", dir.display());
    }
}

/// Runs `f` with the process working directory set to `dir` (serialized: the working
/// directory is process-wide).
fn with_cwd<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let old = std::env::current_dir().unwrap();
    std::env::set_current_dir(dir).unwrap();
    let out = f();
    std::env::set_current_dir(old).unwrap();
    out
}

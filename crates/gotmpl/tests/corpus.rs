//! Smoke test over real charts: every template file of the shared chart corpus parses
//! (helm renders these charts, so Go's parser accepts them) and executes without panic.
//! Unknown functions (Sprig, helm) get stubs that return their first argument.
//! Run with `GOTMPL_CORPUS_DIR=../shared/corpus/charts cargo test -p charthouse-gotmpl
//! --test tests corpus -- --ignored`.

use std::path::{Path, PathBuf};

use charthouse_gotmpl::{Func, GoType, MissingKey, Signature, Templates, Value};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.components().any(|c| c.as_os_str() == "templates")
            && p.extension()
                .is_some_and(|x| x == "tpl" || x == "yaml" || x == "yml" || x == "txt")
        {
            out.push(p);
        }
    }
}

#[test]
#[ignore = "needs the shared chart corpus (GOTMPL_CORPUS_DIR)"]
fn corpus_templates_parse_and_execute() {
    let dir = std::env::var_os("GOTMPL_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus/charts"));
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no templates under {}", dir.display());
    let mut set = Templates::named("gotpl");
    set.set_missing_key(MissingKey::Zero);
    set.set_max_steps(Some(1_000_000));
    let stub = |n: &str| {
        Func::new(
            n,
            Signature::variadic(vec![], GoType::Interface, GoType::Interface),
            |_, a| Ok(a.first().cloned().unwrap_or(Value::from(""))),
        )
    };
    let mut failures = Vec::new();
    let mut parsed = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let name = f.display().to_string();
        loop {
            let mut next = set.clone();
            match next.parse(&name, &text) {
                Ok(_) => {
                    set = next;
                    parsed += 1;
                    break;
                }
                Err(e) => {
                    let msg = e.to_string();
                    if let Some(fname) = msg
                        .split("function \"")
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        && set.func(fname).is_none()
                    {
                        set.add_func(stub(fname));
                        continue;
                    }
                    failures.push(msg);
                    break;
                }
            }
        }
    }
    let data = Value::map_from([("Values", Value::map(Default::default()))]);
    let mut executed = 0;
    for n in set.names().iter().take(3000) {
        let _ = set.execute(n, &data);
        executed += 1;
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!(
        "corpus: {} files, {parsed} parsed, {} failed; {executed} templates executed",
        files.len(),
        failures.len()
    );
    assert!(failures.is_empty());
}

//! The differential suite: every case in `tests/data/cases/*.txt` rendered by our engine
//! must equal what the real helm v4.3.1 rendered (`tests/data/golden/*.json`, written by
//! `tests/data/regen.py`).
//!
//! The harness reproduces what helm does around Go's text/template:
//! - data: `.` is a `common.Values` map whose `Values` key holds the values (also a
//!   `common.Values`); values come from JSON, so every number is a `float64`; helm's
//!   coalescing drops keys whose value is `null`; `### set:` lines give `int64`s as
//!   `--set` does;
//! - the set is named `gotpl`, runs with `missingkey=zero`, and the case is parsed as
//!   `c/templates/case.yaml`;
//! - output: every `<no value>` is replaced by the empty string, then the text between
//!   the `[[[`/`]]]` sentinels is compared;
//! - errors (helm v4.3.1 `pkg/engine/engine.go`): helm prints `Error: ` followed by
//!   * for parse errors, `parse error at (LOCATION): LAST` where the Go message is split
//!     on `": "`, LOCATION is the second piece and LAST the last one (`cleanupParseError`);
//!   * for execution errors whose error chain holds a non-template error (Go wraps the
//!     error a function returned with `%w`: every `error calling NAME: ...`), Go's text
//!     unchanged;
//!   * for other execution errors, the "traceable" form
//!     `LOCATION\n  executing "NAME" at <NODE>:\n    MESSAGE` (`reformatExecErrorMsg`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use charthouse_gotmpl::{Error, Map, MissingKey, Templates, Value};

struct Case {
    name: String,
    values: String,
    set: Vec<String>,
    template: String,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut cur: Option<(Case, Vec<&str>, bool)> = None;
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("### name: ") {
            if let Some((c, lines, _)) = cur.take() {
                cases.push(finish(c, &lines));
            }
            let c = Case {
                name: name.trim().to_string(),
                values: "{}".into(),
                set: vec![],
                template: String::new(),
            };
            cur = Some((c, Vec::new(), false));
            continue;
        }
        let Some((c, lines, in_body)) = cur.as_mut() else {
            continue;
        };
        if !*in_body {
            if let Some(v) = line.strip_prefix("### values: ") {
                c.values = v.to_string();
                continue;
            }
            if let Some(v) = line.strip_prefix("### set: ") {
                c.set.push(v.to_string());
                continue;
            }
        }
        *in_body = true;
        lines.push(line);
    }
    if let Some((c, lines, _)) = cur.take() {
        cases.push(finish(c, &lines));
    }
    cases
}

fn finish(mut c: Case, lines: &[&str]) -> Case {
    let mut t = lines.join("\n");
    if t.ends_with('\n') {
        t.pop();
    }
    c.template = t;
    c
}

/// JSON as helm's values: numbers are float64; maps reached through maps drop null
/// entries (helm's coalescing), maps inside lists keep them.
fn from_json(v: &serde_json::Value) -> Value {
    json_value(v, false)
}

fn json_value(v: &serde_json::Value, in_list: bool) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::float(n.as_f64().unwrap()),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(|x| json_value(x, true)).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.iter()
                .filter(|(_, v)| in_list || !v.is_null())
                .map(|(k, v)| (k.clone(), json_value(v, in_list)))
                .collect(),
        ),
    }
}

/// `--set a=1,b.c=x`: integers become int64, true/false bools, the rest strings.
fn apply_set(values: &mut BTreeMap<String, Value>, set: &str) {
    for pair in set.split(',') {
        let (path, raw) = pair.split_once('=').unwrap();
        let v = if let Ok(i) = raw.parse::<i64>() {
            Value::int64(i)
        } else if raw == "true" || raw == "false" {
            Value::Bool(raw == "true")
        } else {
            Value::from(raw)
        };
        let keys: Vec<&str> = path.split('.').collect();
        insert(values, &keys, v);
    }
}

fn insert(m: &mut BTreeMap<String, Value>, keys: &[&str], v: Value) {
    if keys.len() == 1 {
        m.insert(keys[0].to_string(), v);
        return;
    }
    let mut inner = match m.get(keys[0]) {
        Some(Value::Map(x)) => x.snapshot(),
        _ => BTreeMap::new(),
    };
    insert(&mut inner, &keys[1..], v);
    m.insert(keys[0].to_string(), Value::map(inner));
}

fn data_for(case: &Case) -> Value {
    let json: serde_json::Value = serde_json::from_str(&case.values).unwrap();
    let mut values = match from_json(&json) {
        Value::Map(m) => m.snapshot(),
        _ => BTreeMap::new(),
    };
    for s in &case.set {
        apply_set(&mut values, s);
    }
    let values = Value::Map(std::sync::Arc::new(Map::named("common.Values", values)));
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), values);
    Value::Map(std::sync::Arc::new(Map::named("common.Values", top)))
}

/// helm's `cleanupParseError` / `reformatExecErrorMsg`, applied to our Go error.
fn helm_error(e: &Error) -> String {
    match e {
        Error::Parse(p) => {
            let s = p.to_string();
            let tokens: Vec<&str> = s.split(": ").collect();
            format!(
                "Error: parse error at ({}): {}",
                tokens[1],
                tokens[tokens.len() - 1]
            )
        }
        Error::Exec(x) => {
            let s = x.to_string();
            if x.message.starts_with("error calling ") {
                return format!("Error: {s}");
            }
            match traceable(&s) {
                Some(t) => format!("Error: {t}"),
                None => format!("Error: {s}"),
            }
        }
        other => format!("Error: {other}"),
    }
}

/// helm's `parseTemplateExecErrorString` + `TraceableError.String()` + TrimSpace.
fn traceable(s: &str) -> Option<String> {
    let rem = s.strip_prefix("template: ")?;
    let cut = |m: &str| -> String {
        match m.find(" template:") {
            Some(i) => m[..i].to_string(),
            None => m.to_string(),
        }
    };
    if let Some((tname, after)) = rem.split_once(": executing ") {
        let after = after.strip_prefix('"')?;
        let end = after.find('"')?;
        let func = &after[..end];
        let after_at = after[end + 1..].strip_prefix(" at <")?;
        let (loc, msg) = after_at.split_once(">: ")?;
        let out = format!(
            "{tname}\n  executing \"{func}\" at <{loc}>:\n    {}\n",
            cut(msg)
        );
        return Some(out.trim().to_string());
    }
    let sep = rem.rfind(": ")?;
    Some(
        format!("{}\n  {}\n", &rem[..sep], cut(&rem[sep + 2..]))
            .trim()
            .to_string(),
    )
}

fn render(case: &Case) -> Result<String, String> {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Zero);
    let name = "c/templates/case.yaml";
    t.parse(name, &format!("[[[{}]]]", case.template))
        .map_err(|e| helm_error(&e))?;
    let out = t
        .execute(name, &data_for(case))
        .map_err(|e| helm_error(&e))?;
    let out = out.replace("<no value>", "");
    let start = out.find("[[[").ok_or("no start sentinel")?;
    let end = out.rfind("]]]").ok_or("no end sentinel")?;
    Ok(out[start + 3..end].to_string())
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

#[test]
fn golden_cases_match_helm() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for f in &files {
        let stem = f.file_stem().unwrap().to_str().unwrap();
        let cases = parse_cases(&std::fs::read_to_string(f).unwrap());
        let golden: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(data_dir().join("golden").join(format!("{stem}.json")))
                .unwrap(),
        )
        .unwrap();
        for c in &cases {
            total += 1;
            let want = &golden[&c.name];
            let got = render(c);
            let ok = match (&got, want.get("out"), want.get("err")) {
                (Ok(o), Some(w), _) => w.as_str() == Some(o.as_str()),
                (Err(e), _, Some(w)) => w.as_str() == Some(e.as_str()),
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{stem}/{}:\n  template: {:?}\n  want: {want}\n  got:  {got:?}",
                    c.name, c.template
                ));
            }
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!(
        "golden: {} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    assert!(total >= 600, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} golden cases differ from helm",
        failures.len()
    );
}

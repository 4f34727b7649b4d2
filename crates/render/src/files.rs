//! `.Files`: the chart's non-template files as helm's `engine.files` (a
//! `map[string][]byte` with methods), from pkg/engine/files.go.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use charthouse_gotmpl::{Context, FuncError, GoType, Map, Object, Signature, UintType, Value};

use crate::glob::Glob;

/// The files of one chart, by path relative to the chart root.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl Files {
    /// Files from `(name, data)` pairs; a later duplicate name wins, as in helm's map.
    pub fn new<'a>(from: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Files {
        let files = from
            .into_iter()
            .map(|(n, d)| (n.to_string(), Arc::from(d)))
            .collect();
        Files {
            files: Arc::new(files),
        }
    }

    /// The template value (`engine.files`).
    pub fn to_value(&self) -> Value {
        Value::Object(Arc::new(self.clone()))
    }

    fn get_bytes(&self, name: &str) -> Arc<[u8]> {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::from(&[][..]))
    }

    /// `Glob`: the files whose path matches `pattern`; an invalid pattern matches all,
    /// as helm falls back to `**`.
    pub fn glob(&self, pattern: &str) -> Files {
        let files = match Glob::compile(pattern) {
            Some(g) => self
                .files
                .iter()
                .filter(|(n, _)| g.matches(n))
                .map(|(n, d)| (n.clone(), d.clone()))
                .collect(),
            None => (*self.files).clone(),
        };
        Files {
            files: Arc::new(files),
        }
    }

    /// `AsConfig`: base names to contents, as YAML (helm's `toYAML`).
    pub fn as_config(&self) -> String {
        let m = self
            .files
            .iter()
            .map(|(k, v)| {
                (
                    base_name(k).to_string(),
                    charthouse_goyaml::Value::String(String::from_utf8_lossy(v).into_owned()),
                )
            })
            .collect();
        charthouse_goyaml::helm::to_yaml(&charthouse_goyaml::Value::Map(m))
    }

    /// `AsSecrets`: base names to base64 of contents, as YAML.
    pub fn as_secrets(&self) -> String {
        let m = self
            .files
            .iter()
            .map(|(k, v)| {
                (
                    base_name(k).to_string(),
                    charthouse_goyaml::Value::String(
                        base64::engine::general_purpose::STANDARD.encode(v),
                    ),
                )
            })
            .collect();
        charthouse_goyaml::helm::to_yaml(&charthouse_goyaml::Value::Map(m))
    }

    /// `Lines`: the file split on `\n`, without a final empty line.
    pub fn lines(&self, name: &str) -> Vec<String> {
        let Some(data) = self.files.get(name).filter(|d| !d.is_empty()) else {
            return Vec::new();
        };
        let mut s = String::from_utf8_lossy(data).into_owned();
        if s.ends_with('\n') {
            s.pop();
        }
        s.split('\n').map(str::to_string).collect()
    }
}

/// Go's `path.Base` for the non-empty, slash-separated names charts hold.
fn base_name(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

fn bytes_type() -> GoType {
    GoType::Slice(Box::new(GoType::Uint(UintType::Uint8)))
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn kind(&self) -> &str {
        "map"
    }
    fn field(&self, name: &str) -> Option<Value> {
        // A map type: `.Files.name` is a key lookup.
        self.files.get(name).map(|d| Value::Bytes(d.clone()))
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let s = match name {
            "Get" => Signature::new(vec![GoType::String], GoType::String),
            "GetBytes" => Signature::new(vec![GoType::String], bytes_type()),
            "Glob" => Signature::new(
                vec![GoType::String],
                GoType::Named(Arc::from("engine.files")),
            ),
            "AsConfig" | "AsSecrets" => Signature::new(vec![], GoType::String),
            "Lines" => Signature::new(
                vec![GoType::String],
                GoType::Slice(Box::new(GoType::String)),
            ),
            _ => return None,
        };
        Some(s)
    }
    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        let arg = args.first().and_then(Value::as_str).unwrap_or_default();
        Ok(match name {
            "Get" => Value::string(String::from_utf8_lossy(&self.get_bytes(arg)).as_ref()),
            "GetBytes" => Value::Bytes(self.get_bytes(arg)),
            "Glob" => self.glob(arg).to_value(),
            "AsConfig" => Value::string(self.as_config()),
            "AsSecrets" => Value::string(self.as_secrets()),
            "Lines" => Value::string_list(self.lines(arg)),
            _ => return Err(FuncError::new(format!("method {name} not implemented"))),
        })
    }
    fn fmt_value(&self, out: &mut String) {
        // Go's `%v` of a map[string][]byte: `map[a:[104 105]]`.
        out.push_str("map[");
        for (i, (k, v)) in self.files.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push_str(":[");
            let bytes: Vec<String> = v.iter().map(u8::to_string).collect();
            out.push_str(&bytes.join(" "));
            out.push(']');
        }
        out.push(']');
    }
    fn as_data(&self) -> Option<Value> {
        let entries = self
            .files
            .iter()
            .map(|(k, v)| (k.clone(), Value::Bytes(v.clone())))
            .collect();
        Some(Value::Map(Arc::new(Map::with_type(
            bytes_type(),
            Some("engine.files"),
            entries,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_base_names() {
        let f = Files::new([("a/b.txt", &b"x\ny\n"[..]), ("empty", &b""[..])]);
        assert_eq!(f.lines("a/b.txt"), vec!["x", "y"]);
        assert!(f.lines("empty").is_empty());
        assert!(f.lines("missing").is_empty());
        assert_eq!(base_name("a/b.txt"), "b.txt");
        assert_eq!(f.glob("a/*").files.len(), 1);
        assert_eq!(f.glob("[").files.len(), 2);
    }
}

//! `Chart.yaml`, `requirements.yaml` and `Chart.lock` as helm's
//! `pkg/chart/v2` structs (`metadata.go`, `dependency.go`): decoding with
//! sigs.k8s.io/yaml's rules, `Validate` with helm's messages, and the
//! Go-field-named map templates see as `.Chart`.

use charthouse_goyaml::{Map, Value};

use crate::godecode::{Decoder, field_for};
use crate::semver::Version;

/// A chart maintainer (`maintainers:` entries).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maintainer {
    /// A user or organisation name.
    pub name: String,
    /// Contact e-mail.
    pub email: String,
    /// Contact URL.
    pub url: String,
}

/// A dependency entry of `Chart.yaml` (v2), `requirements.yaml` (v1) or a lock file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// The dependency's chart name.
    pub name: String,
    /// A version or version range.
    pub version: String,
    /// Where the chart comes from (`https://…`, `oci://…`, `file://…`, `@alias`).
    pub repository: String,
    /// Comma-separated values paths; the first that resolves to a bool decides.
    pub condition: String,
    /// Tags that enable or disable the dependency (`tags:` in values).
    pub tags: Vec<String>,
    /// Set by dependency processing: whether the chart stays.
    pub enabled: bool,
    /// `import-values` entries: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    /// The name the subchart is known by in the parent (values key, `.Chart.Name`).
    pub alias: String,
}

/// `Chart.lock` / `requirements.lock`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// When the lock was generated, as written in the file.
    pub generated: String,
    /// Hash of the dependencies it locks.
    pub digest: String,
    /// The locked dependencies.
    pub dependencies: Vec<Option<Dependency>>,
}

/// `Chart.yaml`: helm's `Metadata` struct.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Chart name.
    pub name: String,
    /// Project home page.
    pub home: String,
    /// Source URLs.
    pub sources: Vec<String>,
    /// Chart version (SemVer).
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Search keywords.
    pub keywords: Vec<String>,
    /// Maintainers (`None` for a null entry, which validation refuses).
    pub maintainers: Vec<Option<Maintainer>>,
    /// Icon URL.
    pub icon: String,
    /// `v1` or `v2` (`v1` when absent).
    pub api_version: String,
    /// Legacy chart-level condition.
    pub condition: String,
    /// Legacy chart-level tags.
    pub tags: String,
    /// Version of the packaged application.
    pub app_version: String,
    /// Whether the chart is deprecated.
    pub deprecated: bool,
    /// Free-form annotations (`None` when absent: Go's nil map).
    pub annotations: Option<Vec<(String, String)>>,
    /// Kubernetes version constraint.
    pub kube_version: String,
    /// Dependencies (`None` for a null entry, which validation refuses).
    pub dependencies: Vec<Option<Dependency>>,
    /// `application`, `library` or empty.
    pub chart_type: String,
    /// Whether the dependency list exists (Go's non-nil slice): `dependencies: []`
    /// counts, an absent or null key does not. helm's dependency processing
    /// skips charts whose list is nil.
    pub(crate) deps_present: bool,
}

const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];
const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];
const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];
const LOCK_FIELDS: &[&str] = &["generated", "digest", "dependencies"];

fn set_string(target: &mut String, got: Option<String>) {
    if let Some(s) = got {
        *target = s;
    }
}

fn decode_maintainer(d: &mut Decoder, m: &Map, path: &str) -> Maintainer {
    let mut out = Maintainer::default();
    for (k, v) in m {
        let Some(field) = field_for(k, MAINTAINER_FIELDS) else {
            continue;
        };
        let p = format!("{path}.{field}");
        match field {
            "name" => set_string(&mut out.name, d.string(v, &p)),
            "email" => set_string(&mut out.email, d.string(v, &p)),
            _ => set_string(&mut out.url, d.string(v, &p)),
        }
    }
    out
}

fn decode_dependency(d: &mut Decoder, m: &Map, path: &str) -> Dependency {
    let mut out = Dependency::default();
    for (k, v) in m {
        let Some(field) = field_for(k, DEPENDENCY_FIELDS) else {
            continue;
        };
        let p = format!("{path}.{field}");
        match field {
            "name" => set_string(&mut out.name, d.string(v, &p)),
            "version" => set_string(&mut out.version, d.string(v, &p)),
            "repository" => set_string(&mut out.repository, d.string(v, &p)),
            "condition" => set_string(&mut out.condition, d.string(v, &p)),
            "alias" => set_string(&mut out.alias, d.string(v, &p)),
            "tags" => {
                if let Some(t) = d.strings(v, &p) {
                    out.tags = t;
                } else if v == &Value::Null {
                    out.tags.clear();
                }
            }
            "enabled" => {
                if let Some(b) = d.bool(v, &p) {
                    out.enabled = b;
                }
            }
            _ => {
                if let Some(list) = d.any_list(v, &p) {
                    out.import_values = list;
                } else if v == &Value::Null {
                    out.import_values.clear();
                }
            }
        }
    }
    out
}

fn decode_dependencies(d: &mut Decoder, v: &Value, path: &str) -> Option<Vec<Option<Dependency>>> {
    d.struct_list(v, path, "v2.Dependency", decode_dependency)
}

impl Metadata {
    /// Fills fields from a decoded `Chart.yaml` or `requirements.yaml`
    /// document, as `yaml.Unmarshal(data, c.Metadata)` does (fields absent
    /// from `doc` keep their value). Returns encoding/json's first type error.
    pub(crate) fn merge_from(&mut self, doc: &Map, raw: &[u8]) -> Option<String> {
        let mut d = Decoder {
            raw: Some(String::from_utf8_lossy(raw).into_owned()),
            ..Decoder::default()
        };
        for (k, v) in doc {
            let Some(field) = field_for(k, METADATA_FIELDS) else {
                continue;
            };
            let p = field;
            match field {
                "name" => set_string(&mut self.name, d.string(v, p)),
                "home" => set_string(&mut self.home, d.string(v, p)),
                "version" => set_string(&mut self.version, d.string(v, p)),
                "description" => set_string(&mut self.description, d.string(v, p)),
                "icon" => set_string(&mut self.icon, d.string(v, p)),
                "apiVersion" => set_string(&mut self.api_version, d.string(v, p)),
                "condition" => set_string(&mut self.condition, d.string(v, p)),
                "tags" => set_string(&mut self.tags, d.string(v, p)),
                "appVersion" => set_string(&mut self.app_version, d.string(v, p)),
                "kubeVersion" => set_string(&mut self.kube_version, d.string(v, p)),
                "type" => set_string(&mut self.chart_type, d.string(v, p)),
                "deprecated" => {
                    if let Some(b) = d.bool(v, p) {
                        self.deprecated = b;
                    }
                }
                "sources" => match d.strings(v, p) {
                    Some(s) => self.sources = s,
                    None if v == &Value::Null => self.sources.clear(),
                    None => {}
                },
                "keywords" => match d.strings(v, p) {
                    Some(s) => self.keywords = s,
                    None if v == &Value::Null => self.keywords.clear(),
                    None => {}
                },
                "annotations" => match d.string_map(v, p) {
                    Some(m) => {
                        // encoding/json decodes into the existing map.
                        let mut existing = self.annotations.take().unwrap_or_default();
                        for (k, v) in m {
                            existing.retain(|(ek, _)| *ek != k);
                            existing.push((k, v));
                        }
                        existing.sort();
                        self.annotations = Some(existing);
                    }
                    None if v == &Value::Null => self.annotations = None,
                    None => {}
                },
                "maintainers" => match d.struct_list(v, p, "v2.Maintainer", decode_maintainer) {
                    Some(m) => self.maintainers = m,
                    None if v == &Value::Null => self.maintainers.clear(),
                    None => {}
                },
                _ => match decode_dependencies(&mut d, v, p) {
                    Some(deps) => {
                        self.dependencies = deps;
                        self.deps_present = true;
                    }
                    None if v == &Value::Null => {
                        self.dependencies.clear();
                        self.deps_present = false;
                    }
                    None => {}
                },
            }
        }
        d.error
    }

    /// helm's `Metadata.Validate`: sanitises strings in place and returns
    /// the validation message (without the `validation: ` prefix) on failure.
    pub fn validate(&mut self) -> Result<(), String> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        if self.api_version.is_empty() {
            return Err("chart.metadata.apiVersion is required".to_owned());
        }
        if self.name.is_empty() {
            return Err("chart.metadata.name is required".to_owned());
        }
        if self.name == "." || self.name == ".." {
            return Err(format!(
                "chart.metadata.name {} is not allowed",
                go_quote(&self.name)
            ));
        }
        if self.name != go_base(&self.name) {
            return Err(format!(
                "chart.metadata.name {} is invalid",
                go_quote(&self.name)
            ));
        }
        if self.version.is_empty() {
            return Err("chart.metadata.version is required".to_owned());
        }
        if Version::parse(&self.version).is_none() {
            return Err(format!(
                "chart.metadata.version {} is invalid",
                go_quote(&self.version)
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return Err("chart.metadata.type must be application or library".to_owned());
        }
        for m in &mut self.maintainers {
            let Some(m) = m else {
                return Err("maintainers must not contain empty or null nodes".to_owned());
            };
            m.name = sanitize(&m.name);
            m.email = sanitize(&m.email);
            m.url = sanitize(&m.url);
        }
        let mut seen: Vec<String> = Vec::new();
        for dep in &mut self.dependencies {
            let Some(dep) = dep else {
                return Err("dependencies must not contain empty or null nodes".to_owned());
            };
            dep.name = sanitize(&dep.name);
            dep.version = sanitize(&dep.version);
            dep.repository = sanitize(&dep.repository);
            dep.condition = sanitize(&dep.condition);
            for t in &mut dep.tags {
                *t = sanitize(t);
            }
            if !dep.alias.is_empty()
                && !dep
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "dependency {} has disallowed characters in the alias",
                    go_quote(&dep.name)
                ));
            }
            let key = if dep.alias.is_empty() {
                dep.name.clone()
            } else {
                dep.alias.clone()
            };
            if seen.contains(&key) {
                return Err(format!(
                    "more than one dependency with name or alias {}",
                    go_quote(&key)
                ));
            }
            seen.push(key);
        }
        Ok(())
    }

    /// The dependencies that are present (null entries skipped).
    pub fn deps(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().flatten()
    }

    /// helm's `MetadataAsMap`, keyed by Go field names (`Name`,
    /// `AppVersion`, `APIVersion`, ...). Lists are never nil;
    /// `Annotations` is null when absent (Go's nil map).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        let s = |v: &str| Value::String(v.to_owned());
        let list = |v: &[String]| Value::Seq(v.iter().map(|x| s(x)).collect());
        m.insert("Name".into(), s(&self.name));
        m.insert("Home".into(), s(&self.home));
        m.insert("Sources".into(), list(&self.sources));
        m.insert("Version".into(), s(&self.version));
        m.insert("Description".into(), s(&self.description));
        m.insert("Keywords".into(), list(&self.keywords));
        m.insert(
            "Maintainers".into(),
            Value::Seq(
                self.maintainers
                    .iter()
                    .map(|mt| match mt {
                        None => Value::Null,
                        Some(mt) => {
                            let mut x = Map::new();
                            x.insert("Name".into(), s(&mt.name));
                            x.insert("Email".into(), s(&mt.email));
                            x.insert("URL".into(), s(&mt.url));
                            Value::Map(x)
                        }
                    })
                    .collect(),
            ),
        );
        m.insert("Icon".into(), s(&self.icon));
        m.insert("APIVersion".into(), s(&self.api_version));
        m.insert("Condition".into(), s(&self.condition));
        m.insert("Tags".into(), s(&self.tags));
        m.insert("AppVersion".into(), s(&self.app_version));
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert(
            "Annotations".into(),
            match &self.annotations {
                // Go's nil map: `toJson` prints null, `%v` prints `map[]`.
                None => Value::Null,
                Some(list) => Value::Map(list.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
            },
        );
        m.insert("KubeVersion".into(), s(&self.kube_version));
        m.insert(
            "Dependencies".into(),
            Value::Seq(
                self.dependencies
                    .iter()
                    .map(|d| d.as_ref().map_or(Value::Null, Dependency::to_value))
                    .collect(),
            ),
        );
        m.insert("Type".into(), s(&self.chart_type));
        Value::Map(m)
    }
}

/// Inserts `v` under `k` unless it is Go's zero value for an `omitempty` field.
fn put_nonempty(m: &mut Map, k: &str, v: Value) {
    let empty = match &v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        Value::Null => true,
        _ => false,
    };
    if !empty {
        m.insert(k.to_owned(), v);
    }
}

fn strings(list: &[String]) -> Value {
    Value::Seq(list.iter().map(|s| Value::String(s.clone())).collect())
}

impl Metadata {
    /// Decodes a `Chart.yaml` without validating it, as helm's
    /// `chartutil.LoadChartfile` does for `helm lint`'s chartfile rules
    /// (no apiVersion default, no sanitising).
    ///
    /// # Errors
    /// The text helm's YAML step prints, e.g. `error converting YAML to JSON: yaml: line 2: ...`.
    pub fn from_yaml(data: &[u8]) -> Result<Metadata, String> {
        let mut meta = Metadata::default();
        match charthouse_goyaml::unmarshal(data).map_err(|e| e.to_string())? {
            Value::Null => Ok(meta),
            Value::Map(m) => match meta.merge_from(&m, data) {
                Some(e) => Err(format!("error unmarshaling JSON: while decoding JSON: {e}")),
                None => Ok(meta),
            },
            other => Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type chart.Metadata",
                match other {
                    Value::Seq(_) => "array",
                    Value::String(_) => "string",
                    Value::Bool(_) => "bool",
                    _ => "number",
                }
            )),
        }
    }

    /// `Chart.yaml` as helm marshals the struct (JSON tag names, `omitempty`
    /// fields dropped), e.g. for `helm show chart`:
    /// `charthouse_goyaml::marshal(&meta.to_json_value())` prints what helm prints.
    pub fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        let s = |v: &str| Value::String(v.to_owned());
        put_nonempty(&mut m, "name", s(&self.name));
        put_nonempty(&mut m, "home", s(&self.home));
        put_nonempty(&mut m, "sources", strings(&self.sources));
        put_nonempty(&mut m, "version", s(&self.version));
        put_nonempty(&mut m, "description", s(&self.description));
        put_nonempty(&mut m, "keywords", strings(&self.keywords));
        put_nonempty(
            &mut m,
            "maintainers",
            Value::Seq(
                self.maintainers
                    .iter()
                    .map(|mt| match mt {
                        None => Value::Null,
                        Some(mt) => {
                            let mut x = Map::new();
                            put_nonempty(&mut x, "name", s(&mt.name));
                            put_nonempty(&mut x, "email", s(&mt.email));
                            put_nonempty(&mut x, "url", s(&mt.url));
                            Value::Map(x)
                        }
                    })
                    .collect(),
            ),
        );
        put_nonempty(&mut m, "icon", s(&self.icon));
        put_nonempty(&mut m, "apiVersion", s(&self.api_version));
        put_nonempty(&mut m, "condition", s(&self.condition));
        put_nonempty(&mut m, "tags", s(&self.tags));
        put_nonempty(&mut m, "appVersion", s(&self.app_version));
        put_nonempty(&mut m, "deprecated", Value::Bool(self.deprecated));
        if let Some(list) = &self.annotations {
            put_nonempty(
                &mut m,
                "annotations",
                Value::Map(list.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
            );
        }
        put_nonempty(&mut m, "kubeVersion", s(&self.kube_version));
        put_nonempty(
            &mut m,
            "dependencies",
            Value::Seq(
                self.dependencies
                    .iter()
                    .map(|d| d.as_ref().map_or(Value::Null, Dependency::to_json_value))
                    .collect(),
            ),
        );
        put_nonempty(&mut m, "type", s(&self.chart_type));
        Value::Map(m)
    }
}

impl Dependency {
    /// The dependency as helm marshals it (JSON tags; `name` and
    /// `repository` always present, the rest `omitempty`).
    pub fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        let s = |v: &str| Value::String(v.to_owned());
        m.insert("name".into(), s(&self.name));
        put_nonempty(&mut m, "version", s(&self.version));
        m.insert("repository".into(), s(&self.repository));
        put_nonempty(&mut m, "condition", s(&self.condition));
        put_nonempty(&mut m, "tags", strings(&self.tags));
        put_nonempty(&mut m, "enabled", Value::Bool(self.enabled));
        put_nonempty(
            &mut m,
            "import-values",
            Value::Seq(self.import_values.clone()),
        );
        put_nonempty(&mut m, "alias", s(&self.alias));
        Value::Map(m)
    }

    /// The dependency as `structToMap` shows it inside `.Chart.Dependencies`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        let s = |v: &str| Value::String(v.to_owned());
        m.insert("Name".into(), s(&self.name));
        m.insert("Version".into(), s(&self.version));
        m.insert("Repository".into(), s(&self.repository));
        m.insert("Condition".into(), s(&self.condition));
        m.insert(
            "Tags".into(),
            Value::Seq(self.tags.iter().map(|t| s(t)).collect()),
        );
        m.insert("Enabled".into(), Value::Bool(self.enabled));
        m.insert(
            "ImportValues".into(),
            Value::Seq(self.import_values.clone()),
        );
        m.insert("Alias".into(), s(&self.alias));
        Value::Map(m)
    }
}

impl Lock {
    /// Decodes a `Chart.lock` document; returns encoding/json's first type error.
    pub(crate) fn decode(doc: &Map) -> (Lock, Option<String>) {
        let mut d = Decoder::default();
        let mut lock = Lock::default();
        for (k, v) in doc {
            match field_for(k, LOCK_FIELDS) {
                Some("generated") => set_string(&mut lock.generated, d.string(v, "generated")),
                Some("digest") => set_string(&mut lock.digest, d.string(v, "digest")),
                Some(_) => {
                    if let Some(deps) = decode_dependencies(&mut d, v, "dependencies") {
                        lock.dependencies = deps;
                    }
                }
                None => {}
            }
        }
        (lock, d.error)
    }
}

/// helm's `sanitizeString`: whitespace becomes a space, other
/// non-printable characters are dropped.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() || is_unprintable(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Characters Go's `unicode.IsPrint` rejects beyond controls: format
/// characters, unassigned private-use and surrogate-adjacent code points.
fn is_unprintable(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{600}'..='\u{605}' | '\u{61C}' | '\u{6DD}' | '\u{70F}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{E000}'..='\u{F8FF}'
        | '\u{F0000}'..='\u{10FFFF}')
}

/// Go's `%q` for the plain strings helm puts in validation messages.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `filepath.Base`.
fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(yaml: &str) -> (Metadata, Option<String>) {
        let doc = charthouse_goyaml::unmarshal_map(yaml.as_bytes()).unwrap();
        let mut m = Metadata::default();
        let e = m.merge_from(&doc, yaml.as_bytes());
        (m, e)
    }

    #[test]
    fn decodes_like_sigs_yaml() {
        let (m, e) = meta("name: x\nversion: 1.0\nappVersion: 1.10\nkeywords: [a, 2]\nNAME: y\n");
        assert_eq!(e, None);
        assert_eq!(m.version, "1");
        assert_eq!(m.app_version, "1.1");
        assert_eq!(m.keywords, vec!["a", "2"]);
        // "NAME" sorts before "name", so the exact key wins last.
        assert_eq!(m.name, "x");
    }

    #[test]
    fn type_errors_name_the_path() {
        let (_, e) = meta("dependencies:\n- name: x\n  enabled: s\n");
        assert_eq!(
            e.as_deref(),
            Some(
                "json: cannot unmarshal string into Go struct field .dependencies.0.enabled of type bool"
            )
        );
    }

    #[test]
    fn validation_messages() {
        let (mut m, _) = meta("apiVersion: v2\nname: a/b\nversion: 1.0.0\n");
        assert_eq!(
            m.validate().unwrap_err(),
            "chart.metadata.name \"a/b\" is invalid"
        );
        let (mut m, _) = meta("apiVersion: v2\nname: a\nversion: 1.x\n");
        assert_eq!(
            m.validate().unwrap_err(),
            "chart.metadata.version \"1.x\" is invalid"
        );
        let (mut m, _) = meta(
            "apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [{name: b}, {name: c, alias: b}]\n",
        );
        assert_eq!(
            m.validate().unwrap_err(),
            "more than one dependency with name or alias \"b\""
        );
    }
}

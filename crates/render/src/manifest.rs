//! The manifest stage of a render: splitting rendered files into YAML documents,
//! reading each document's head, separating hooks, and sorting by kind.
//!
//! Matches helm's pkg/release/v1/util (`SplitManifests`, `SortManifests`,
//! `manifestFile.sort`, `InstallOrder`, `lessByKind`) and the hook annotations of
//! pkg/release/v1/hook.go.

use charthouse_goyaml::Value as Yaml;

use crate::error::Error;

/// `helm.sh/hook`.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// `helm.sh/hook-weight`.
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// `helm.sh/hook-delete-policy`.
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
/// `helm.sh/hook-output-log-policy`.
pub const HOOK_OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

/// helm's `InstallOrder`: kinds installed earlier come first.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The hook events helm knows (`test-success` is Helm 2's spelling of `test`).
const HOOK_EVENTS: &[(&str, &str)] = &[
    ("pre-install", "pre-install"),
    ("post-install", "post-install"),
    ("pre-delete", "pre-delete"),
    ("post-delete", "post-delete"),
    ("pre-upgrade", "pre-upgrade"),
    ("post-upgrade", "post-upgrade"),
    ("pre-rollback", "pre-rollback"),
    ("post-rollback", "post-rollback"),
    ("test", "test"),
    ("test-success", "test"),
];

/// helm's `SimpleHead`: what the manifest stage reads of each document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`, when there is a metadata object.
    pub name: String,
    /// `metadata.annotations`, in key order.
    pub annotations: Vec<(String, String)>,
}

impl Head {
    /// The value of annotation `key`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One document of a rendered file that is not a hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template path, e.g. `mychart/templates/deployment.yaml`.
    pub name: String,
    /// The document text (leading whitespace removed).
    pub content: String,
    /// Its head.
    pub head: Head,
}

/// A hook document (`release.Hook`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// `metadata.name`.
    pub name: String,
    /// `kind`.
    pub kind: String,
    /// The template path.
    pub path: String,
    /// The document text.
    pub manifest: String,
    /// The events (`pre-install`, `test`, ...), lower-cased.
    pub events: Vec<String>,
    /// `helm.sh/hook-weight` (0 when absent or not an integer).
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` entries.
    pub delete_policies: Vec<String>,
    /// `helm.sh/hook-output-log-policy` entries.
    pub output_log_policies: Vec<String>,
}

impl Hook {
    /// Whether this is a test hook (`helm template --skip-tests` drops those).
    pub fn is_test(&self) -> bool {
        self.events.iter().any(|e| e == "test")
    }
}

/// `SplitManifests`: the documents of a rendered file, in order. Documents are
/// separated by lines starting with `---` (the `---` and following blanks are
/// dropped, the rest of the line stays); blank documents are skipped and each
/// document loses its leading whitespace.
pub fn split_manifests(big: &str) -> Vec<&str> {
    let text = big.trim_start();
    let mut docs = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut line = 0;
    while line <= bytes.len() {
        if bytes[line..].starts_with(b"---") {
            docs.push(&text[start..line]);
            let mut after = line + 3;
            while after < bytes.len() && (bytes[after] == b' ' || bytes[after] == b'\t') {
                after += 1;
            }
            start = after;
        }
        match text[line..].find('\n') {
            Some(i) => line += i + 1,
            None => break,
        }
    }
    docs.push(&text[start..]);
    docs.into_iter()
        .filter(|d| !d.trim().is_empty())
        .map(str::trim_start)
        .collect()
}

/// Reads a document's head as `yaml.Unmarshal(doc, &SimpleHead{})` does: scalars are
/// accepted where strings are expected (sigs.k8s.io/yaml converts them), other
/// mismatches are encoding/json's type errors.
///
/// # Errors
///
/// The sigs.k8s.io/yaml error text (without helm's `YAML parse error on` prefix).
pub fn read_head(doc: &str) -> Result<Head, String> {
    // The YAML scanner underneath goyaml (libyaml-safer 0.3) panics when a block scalar
    // ends the input without a line break; a final newline changes no head field. Any
    // other panic must still become an error, not a crash.
    let owned;
    let text = if doc.ends_with('\n') {
        doc
    } else {
        owned = format!("{doc}\n");
        &owned
    };
    let parsed = std::panic::catch_unwind(|| charthouse_goyaml::unmarshal(text.as_bytes()));
    let value = parsed
        .map_err(|_| {
            "error converting YAML to JSON: yaml: internal error in the YAML scanner".to_string()
        })?
        .map_err(|e| e.to_string())?;
    let json_err = |m: String| format!("error unmarshaling JSON: while decoding JSON: json: {m}");
    let mut head = Head::default();
    let map = match &value {
        Yaml::Null => return Ok(head),
        Yaml::Map(m) => m,
        other => {
            return Err(json_err(format!(
                "cannot unmarshal {} into Go value of type util.SimpleHead",
                kind_of(other)
            )));
        }
    };
    let mut first_err: Option<String> = None;
    let mut note = |e: String| {
        if first_err.is_none() {
            first_err = Some(e);
        }
    };
    for (key, v) in map {
        match field(key, &["apiVersion", "kind", "metadata"]) {
            Some("apiVersion") => match scalar(v) {
                Ok(s) => head.api_version = s.unwrap_or(head.api_version.clone()),
                Err(k) => note(type_error(k, ".apiVersion", "string")),
            },
            Some("kind") => match scalar(v) {
                Ok(s) => head.kind = s.unwrap_or(head.kind.clone()),
                Err(k) => note(type_error(k, ".kind", "string")),
            },
            Some(_) => match v {
                Yaml::Null => {}
                Yaml::Map(meta) => read_metadata(meta, &mut head, &mut note),
                other => note(type_error(
                    kind_of(other),
                    ".metadata",
                    "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }",
                )),
            },
            None => {}
        }
    }
    match first_err {
        Some(e) => Err(json_err(e)),
        None => Ok(head),
    }
}

fn read_metadata(meta: &charthouse_goyaml::Map, head: &mut Head, note: &mut dyn FnMut(String)) {
    for (key, v) in meta {
        match field(key, &["name", "annotations"]) {
            Some("name") => match scalar(v) {
                Ok(s) => head.name = s.unwrap_or(head.name.clone()),
                Err(k) => note(type_error(k, ".metadata.name", "string")),
            },
            Some(_) => match v {
                Yaml::Null => head.annotations.clear(),
                Yaml::Map(ann) => {
                    head.annotations.clear();
                    for (k, av) in ann {
                        match scalar(av) {
                            Ok(s) => head.annotations.push((k.clone(), s.unwrap_or_default())),
                            Err(kind) => note(type_error(kind, ".metadata.annotations", "string")),
                        }
                    }
                }
                other => note(type_error(
                    kind_of(other),
                    ".metadata.annotations",
                    "map[string]string",
                )),
            },
            None => {}
        }
    }
}

fn type_error(kind: &str, field: &str, ty: &str) -> String {
    format!("cannot unmarshal {kind} into Go struct field {field} of type {ty}")
}

/// encoding/json's field matching: exact name first, else ASCII case-insensitive.
fn field<'a>(key: &str, fields: &[&'a str]) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| **f == key)
        .or_else(|| fields.iter().find(|f| f.eq_ignore_ascii_case(key)))
        .copied()
}

fn kind_of(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "null",
        Yaml::Bool(_) => "bool",
        Yaml::Int(_) | Yaml::Uint(_) | Yaml::Float(_) => "number",
        Yaml::String(_) => "string",
        Yaml::Seq(_) => "array",
        Yaml::Map(_) => "object",
    }
}

/// A scalar as the string sigs.k8s.io/yaml gives a `string` field (`None` for null),
/// or the JSON kind of a non-scalar.
fn scalar(v: &Yaml) -> Result<Option<String>, &'static str> {
    match v {
        Yaml::Null => Ok(None),
        Yaml::String(s) => Ok(Some(s.clone())),
        Yaml::Bool(b) => Ok(Some(b.to_string())),
        Yaml::Int(i) => Ok(Some(i.to_string())),
        Yaml::Uint(u) => Ok(Some(u.to_string())),
        Yaml::Float(f) => Ok(Some(if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", *f as i64)
        } else {
            f.to_string()
        })),
        other => Err(kind_of(other)),
    }
}

/// The position of `kind` in the install order (unknown kinds sort after, by name).
fn kind_key(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// The result of [`sort_manifests`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorted {
    /// Hooks, stably sorted by kind.
    pub hooks: Vec<Hook>,
    /// Other documents, stably sorted by kind.
    pub manifests: Vec<Manifest>,
}

/// `SortManifests`: every document of every rendered file (files in path order,
/// partials and blank files skipped), split into hooks and manifests, each list
/// stably sorted by [`INSTALL_ORDER`].
///
/// # Errors
///
/// [`Error::ParseManifest`] for the first document whose head cannot be read.
pub fn sort_manifests<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Sorted, Error> {
    let mut files: Vec<(&str, &str)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Sorted::default();
    for (path, content) in files {
        if base_name(path).starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let head = read_head(doc).map_err(|message| Error::ParseManifest {
                path: path.to_string(),
                message,
            })?;
            classify(path, doc, head, &mut out);
        }
    }
    out.hooks
        .sort_by(|a, b| kind_key(&a.kind).cmp(&kind_key(&b.kind)));
    out.manifests
        .sort_by(|a, b| kind_key(&a.head.kind).cmp(&kind_key(&b.head.kind)));
    Ok(out)
}

fn classify(path: &str, doc: &str, head: Head, out: &mut Sorted) {
    let Some(hook_types) = head.annotation(HOOK_ANNOTATION).map(str::to_string) else {
        out.manifests.push(Manifest {
            name: path.to_string(),
            content: doc.to_string(),
            head,
        });
        return;
    };
    let mut events = Vec::new();
    for t in hook_types.split(',') {
        let t = t.trim().to_lowercase();
        match HOOK_EVENTS.iter().find(|(name, _)| *name == t) {
            Some((_, e)) => events.push((*e).to_string()),
            // helm drops a document with an unknown hook type altogether.
            None => return,
        }
    }
    let list = |key: &str| -> Vec<String> {
        head.annotation(key)
            .map(|v| v.split(',').map(|p| p.trim().to_lowercase()).collect())
            .unwrap_or_default()
    };
    out.hooks.push(Hook {
        name: head.name.clone(),
        kind: head.kind.clone(),
        path: path.to_string(),
        manifest: doc.to_string(),
        events,
        weight: head
            .annotation(HOOK_WEIGHT_ANNOTATION)
            .and_then(go_atoi)
            .unwrap_or(0),
        delete_policies: list(HOOK_DELETE_ANNOTATION),
        output_log_policies: list(HOOK_OUTPUT_LOG_ANNOTATION),
    });
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, no spaces.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `path.Base` for slash-separated template names.
pub(crate) fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        assert_eq!(
            split_manifests("\n\na: 1\n---\nb: 2\n--- \n\n---apiVersion: v1\n"),
            vec!["a: 1\n", "b: 2\n", "apiVersion: v1\n"]
        );
        assert_eq!(
            split_manifests("---\n# c\n---\nx: 1"),
            vec!["# c\n", "x: 1"]
        );
        assert!(split_manifests("  \n---\n").is_empty());
    }

    #[test]
    fn heads_and_errors() {
        let h = read_head("apiVersion: 1\nkind: Pod\nmetadata:\n  name: 5\n  annotations:\n    helm.sh/hook-weight: 3\n").unwrap();
        assert_eq!(
            (h.api_version.as_str(), h.kind.as_str(), h.name.as_str()),
            ("1", "Pod", "5")
        );
        assert_eq!(h.annotation(HOOK_WEIGHT_ANNOTATION), Some("3"));
        assert_eq!(
            read_head("kind: [a]").unwrap_err(),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .kind of type string"
        );
        assert_eq!(
            read_head("5").unwrap_err(),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type util.SimpleHead"
        );
    }

    #[test]
    fn sorts_by_kind_and_splits_hooks() {
        let files = [
            (
                "c/templates/b.yaml",
                "kind: Deployment\n---\nkind: Foo\n---\nkind: Bar\n",
            ),
            (
                "c/templates/a.yaml",
                "kind: Service\n---\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n",
            ),
            ("c/templates/_h.tpl", "kind: Secret"),
            (
                "c/templates/t.yaml",
                "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: nope\n",
            ),
        ];
        let s = sort_manifests(files).unwrap();
        let kinds: Vec<&str> = s.manifests.iter().map(|m| m.head.kind.as_str()).collect();
        assert_eq!(kinds, vec!["Service", "Deployment", "Bar", "Foo"]);
        assert_eq!(s.hooks.len(), 1);
        assert_eq!(s.hooks[0].events, vec!["pre-install"]);
    }
}

//! `.Capabilities`: the Kubernetes and helm versions and API versions templates see.
//!
//! Matches helm's `pkg/chart/common/capabilities.go` (`Capabilities`, `KubeVersion`,
//! `VersionSet`, `ParseKubeVersion`) and the defaults `helm template` uses
//! (`DefaultCapabilities`), as printed by helm v4.3.1 itself.

use std::sync::Arc;

use charthouse_gotmpl::{Context, FuncError, GoType, Object, Signature, Value};

/// The default Kubernetes version of helm v4.3.1 (`helm template` without `--kube-version`).
pub const DEFAULT_KUBE_VERSION: &str = "v1.37.0";

/// helm v4.3.1's default API version list (`common.DefaultVersionSet`), in helm's order:
/// the client-go scheme's prioritized versions plus the apiextensions groups.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "lifecycle.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// helm's `BuildInfo` (`internal/version`), as helm v4.3.1 reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// `v4.3.1`.
    pub version: String,
    /// The git commit helm was built from.
    pub git_commit: String,
    /// `clean` or `dirty`.
    pub git_tree_state: String,
    /// The Go version helm was built with.
    pub go_version: String,
    /// The client-go minor version, e.g. `v1.37`.
    pub kube_client_version: String,
}

impl Default for BuildInfo {
    /// The values helm v4.3.1's release binary prints.
    fn default() -> BuildInfo {
        BuildInfo {
            version: "v4.3.1".into(),
            git_commit: "c0d08d0d6d9424d4a14febb5e8a3e51b0dd00dff".into(),
            git_tree_state: "clean".into(),
            go_version: "go1.27.2".into(),
            kube_client_version: "v1.37".into(),
        }
    }
}

/// A Kubernetes version (`common.KubeVersion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// The full version as given, with a `v` prefix (e.g. `v1.33.4-gke.1`).
    pub version: String,
    /// The numeric components only (`v1.33.4`): what `String()` returns and what
    /// `kubeVersion` constraints are checked against.
    pub normalized: String,
    /// The major version.
    pub major: String,
    /// The minor version.
    pub minor: String,
}

impl Default for KubeVersion {
    fn default() -> KubeVersion {
        KubeVersion {
            version: DEFAULT_KUBE_VERSION.into(),
            normalized: DEFAULT_KUBE_VERSION.into(),
            major: "1".into(),
            minor: "37".into(),
        }
    }
}

impl KubeVersion {
    /// Parses a `--kube-version` value as helm's `ParseKubeVersion` does (Kubernetes'
    /// `ParseGeneric`: leading spaces and `v` allowed, at least two numeric components,
    /// no zero-prefixed components, anything after the numbers ignored).
    ///
    /// # Errors
    ///
    /// The message of Kubernetes' version parser, e.g. `could not parse "abc" as version`.
    pub fn parse(input: &str) -> Result<KubeVersion, String> {
        let trimmed = input.trim_start();
        let rest = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let numeric_len = numeric_prefix_len(rest);
        if numeric_len == 0 {
            return Err(format!("could not parse {input:?} as version"));
        }
        let numbers = &rest[..numeric_len];
        let components: Vec<&str> = numbers.split('.').collect();
        if components.len() < 2 {
            return Err(format!("illegal version string {input:?}"));
        }
        let mut parsed = Vec::with_capacity(components.len());
        for c in &components {
            if c.len() > 1 && c.starts_with('0') {
                return Err(format!(
                    "illegal zero-prefixed version component {c:?} in {input:?}"
                ));
            }
            let n: u32 = c
                .parse()
                .map_err(|_| format!("illegal version component {c:?} in {input:?}"))?;
            parsed.push(n);
        }
        let normalized = format!(
            "v{}",
            parsed
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(".")
        );
        let version = if input.starts_with('v') {
            input.to_string()
        } else {
            format!("v{input}")
        };
        Ok(KubeVersion {
            version,
            normalized,
            major: parsed[0].to_string(),
            minor: parsed[1].to_string(),
        })
    }

    /// `String()`: the normalized version.
    pub fn as_str(&self) -> &str {
        if self.normalized.is_empty() {
            &self.version
        } else {
            &self.normalized
        }
    }
}

/// The length of the `N(.N)*` prefix of `s` (0 when it does not start with a digit);
/// a trailing dot not followed by a digit is not part of it.
fn numeric_prefix_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut end = 0;
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return end;
        }
        end = i;
        if i < b.len() && b[i] == b'.' {
            i += 1;
        } else {
            return end;
        }
    }
}

/// What `.Capabilities` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// The Kubernetes version.
    pub kube_version: KubeVersion,
    /// The API versions (`group/version` and `group/version/Kind` entries).
    pub api_versions: Vec<String>,
    /// helm's build information.
    pub helm_version: BuildInfo,
}

impl Default for Capabilities {
    /// `helm template`'s defaults.
    fn default() -> Capabilities {
        Capabilities {
            kube_version: KubeVersion::default(),
            api_versions: DEFAULT_API_VERSIONS
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            helm_version: BuildInfo::default(),
        }
    }
}

impl Capabilities {
    /// The defaults with `--kube-version` and `--api-versions` applied as `helm template`
    /// does: the extra API versions are appended to the default list.
    pub fn for_template(
        kube_version: Option<KubeVersion>,
        extra_api_versions: &[String],
    ) -> Capabilities {
        let mut caps = Capabilities::default();
        if let Some(kv) = kube_version {
            caps.kube_version = kv;
        }
        caps.api_versions.extend(extra_api_versions.iter().cloned());
        caps
    }

    /// The template value: a `*common.Capabilities` host object.
    pub fn to_value(&self) -> Value {
        Value::Object(Arc::new(CapsObject {
            kube: Value::Object(Arc::new(self.kube_version.clone())),
            apis: Value::Object(Arc::new(VersionSet(Arc::new(self.api_versions.clone())))),
            helm: Value::Object(Arc::new(self.helm_version.clone())),
            caps: self.clone(),
        }))
    }
}

fn fmt_list(out: &mut String, items: &[String]) {
    out.push('[');
    out.push_str(&items.join(" "));
    out.push(']');
}

fn fmt_build_info(out: &mut String, b: &BuildInfo) {
    out.push('{');
    out.push_str(
        &[
            &*b.version,
            &b.git_commit,
            &b.git_tree_state,
            &b.go_version,
            &b.kube_client_version,
        ]
        .join(" "),
    );
    out.push('}');
}

fn fmt_kube_struct(out: &mut String, k: &KubeVersion) {
    out.push('{');
    out.push_str(&[&*k.version, &k.normalized, &k.major, &k.minor].join(" "));
    out.push('}');
}

#[derive(Debug)]
struct CapsObject {
    caps: Capabilities,
    kube: Value,
    apis: Value,
    helm: Value,
}

impl Object for CapsObject {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn kind(&self) -> &str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(self.kube.clone()),
            "APIVersions" => Some(self.apis.clone()),
            "HelmVersion" => Some(self.helm.clone()),
            _ => None,
        }
    }
    fn fmt_value(&self, out: &mut String) {
        // Go prints nested structs field by field, without their String methods
        // (those have pointer receivers and the fields are copies).
        out.push('{');
        fmt_kube_struct(out, &self.caps.kube_version);
        out.push(' ');
        fmt_list(out, &self.caps.api_versions);
        out.push(' ');
        fmt_build_info(out, &self.caps.helm_version);
        out.push('}');
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::string(self.version.as_str())),
            "Major" => Some(Value::string(self.major.as_str())),
            "Minor" => Some(Value::string(self.minor.as_str())),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "String" | "GitVersion").then(|| Signature::new(vec![], GoType::String))
    }
    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        _args: &[Value],
    ) -> Result<Value, FuncError> {
        match name {
            "String" => Ok(Value::string(self.as_str())),
            _ => Ok(Value::string(self.version.as_str())),
        }
    }
    fn fmt_value(&self, out: &mut String) {
        // A template action prints the addressable field through its `String` method.
        out.push_str(self.as_str());
    }
}

/// `common.VersionSet`: a `[]string` with a `Has` method.
#[derive(Debug)]
struct VersionSet(Arc<Vec<String>>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn kind(&self) -> &str {
        "slice"
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then(|| Signature::new(vec![GoType::String], GoType::Bool))
    }
    fn call_method(
        &self,
        _name: &str,
        _ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        let want = args.first().and_then(Value::as_str).unwrap_or_default();
        Ok(Value::Bool(self.0.iter().any(|v| v == want)))
    }
    fn fmt_value(&self, out: &mut String) {
        fmt_list(out, &self.0);
    }
    fn as_data(&self) -> Option<Value> {
        Some(Value::string_list(self.0.iter().map(String::as_str)))
    }
}

impl Object for BuildInfo {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let s = match name {
            "Version" => &self.version,
            "GitCommit" => &self.git_commit,
            "GitTreeState" => &self.git_tree_state,
            "GoVersion" => &self.go_version,
            "KubeClientVersion" => &self.kube_client_version,
            _ => return None,
        };
        Some(Value::string(s.as_str()))
    }
    fn fmt_value(&self, out: &mut String) {
        fmt_build_info(out, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kube_versions_like_helm() {
        let kv = KubeVersion::parse("1.30.2-gke.1").unwrap();
        assert_eq!(
            (
                kv.version.as_str(),
                kv.as_str(),
                kv.major.as_str(),
                kv.minor.as_str()
            ),
            ("v1.30.2-gke.1", "v1.30.2", "1", "30")
        );
        let kv = KubeVersion::parse(" 1.31.0+abc").unwrap();
        assert_eq!(
            (kv.version.as_str(), kv.as_str()),
            ("v 1.31.0+abc", "v1.31.0")
        );
        assert_eq!(KubeVersion::parse("1.30x").unwrap().as_str(), "v1.30");
        assert_eq!(
            KubeVersion::parse("abc").unwrap_err(),
            "could not parse \"abc\" as version"
        );
        assert_eq!(
            KubeVersion::parse("1").unwrap_err(),
            "illegal version string \"1\""
        );
        assert_eq!(
            KubeVersion::parse("v01.020.3").unwrap_err(),
            "illegal zero-prefixed version component \"01\" in \"v01.020.3\""
        );
    }
}

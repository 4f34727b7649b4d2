//! The loaded chart: helm's `pkg/chart/v2.Chart`.

use charthouse_goyaml::{Map, Value};

use crate::metadata::{Dependency, Lock, Metadata};

/// A file of a chart: its path relative to the chart root (`/`-separated)
/// and its bytes (a leading UTF-8 BOM already removed, as helm does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the chart root, e.g. `templates/deployment.yaml`.
    pub name: String,
    /// The file's contents.
    pub data: Vec<u8>,
}

/// A chart and its loaded subcharts.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `Chart.yaml` (plus `requirements.yaml` dependencies for apiVersion v1).
    pub metadata: Metadata,
    /// `Chart.lock` or `requirements.lock`, if present.
    pub lock: Option<Lock>,
    /// Files under `templates/`, in load order (directory walk or archive order).
    pub templates: Vec<File>,
    /// Every other file (`.Files` in templates): `crds/`, `README.md`,
    /// `charts/*.prov`, and for v1 charts `requirements.yaml`/`.lock`.
    /// Excludes `Chart.yaml`, `values.yaml`, `values.schema.json`,
    /// `Chart.lock`, templates and subcharts.
    pub files: Vec<File>,
    /// Every file exactly as loaded (helm's `Raw`, used by `helm show values`).
    pub raw: Vec<File>,
    /// `values.yaml` parsed (all documents merged); empty when absent.
    pub values: Map,
    /// `values.schema.json` bytes, if present.
    pub schema: Option<Vec<u8>>,
    /// Loaded subcharts (`charts/*`), in helm's order.
    pub dependencies: Vec<Chart>,
    /// Names from the root chart down to this chart's parent (empty for the root).
    pub parents: Vec<String>,
    /// Lines helm logs while loading this chart (e.g. `requirements.yaml`
    /// in an apiVersion v2 chart), as it prints them.
    pub warnings: Vec<String>,
}

impl Chart {
    /// The chart's name (`.Chart.Name`; an alias after dependency processing).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether this is the top chart.
    pub fn is_root(&self) -> bool {
        self.parents.is_empty()
    }

    /// helm's `ChartFullPath`: `parent/charts/child/charts/grandchild`.
    pub fn full_path(&self) -> String {
        let mut out = String::new();
        for p in &self.parents {
            out.push_str(p);
            out.push_str("/charts/");
        }
        out.push_str(self.name());
        out
    }

    /// helm's `ChartPath`: `parent.child.grandchild`.
    pub fn chart_path(&self) -> String {
        let mut parts = self.parents.clone();
        parts.push(self.name().to_owned());
        parts.join(".")
    }

    /// Whether the chart's type is `library` (case-insensitive, as helm checks).
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }

    /// The `crds/` files with a `.yaml`, `.yml` or `.json` extension, this
    /// chart's first then each subchart's (helm's `CRDObjects`), paired with
    /// their path under the root (`chart/charts/sub/crds/x.yaml`).
    pub fn crd_objects(&self) -> Vec<(String, &File)> {
        let mut out = Vec::new();
        let base = self.full_path();
        for f in &self.files {
            if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
                out.push((format!("{base}/{}", f.name), f));
            }
        }
        for dep in &self.dependencies {
            out.extend(dep.crd_objects());
        }
        out
    }

    /// The map templates see as `.Chart`: [`Metadata::to_value`] plus
    /// `IsRoot`, as helm v4.3.1's engine builds it (`toJson .Chart` prints
    /// these keys sorted).
    pub fn metadata_value(&self) -> Value {
        let mut v = self.metadata.to_value();
        if let Value::Map(m) = &mut v {
            m.insert("IsRoot".into(), Value::Bool(self.is_root()));
        }
        v
    }

    /// The dependencies declared in metadata (null entries skipped).
    pub fn declared_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.metadata.deps()
    }

    /// Re-computes every subchart's `parents` from the names above it
    /// (after loading and after aliases rename charts).
    pub(crate) fn fix_parents(&mut self) {
        let mut chain = self.parents.clone();
        chain.push(self.name().to_owned());
        for dep in &mut self.dependencies {
            dep.parents = chain.clone();
            dep.fix_parents();
        }
    }

    /// A file exactly as loaded (helm's `Raw`), e.g. `values.yaml` for
    /// `helm show values`.
    pub fn raw_file(&self, name: &str) -> Option<&File> {
        self.raw.iter().find(|f| f.name == name)
    }

    /// Visits this chart and all subcharts, parents before children.
    pub fn walk(&self) -> Vec<&Chart> {
        let mut out = vec![self];
        for d in &self.dependencies {
            out.extend(d.walk());
        }
        out
    }
}

/// helm's `hasManifestExtension`.
fn has_manifest_extension(name: &str) -> bool {
    let ext = match name.rfind('.') {
        Some(i) if !name[i..].contains('/') => &name[i..],
        _ => "",
    };
    ext.eq_ignore_ascii_case(".yaml")
        || ext.eq_ignore_ascii_case(".yml")
        || ext.eq_ignore_ascii_case(".json")
}

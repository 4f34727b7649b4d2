//! The chart as a release record carries it: helm's `chart/v2.Chart` JSON, field for field
//! (`pkg/chart/v2/chart.go`, `metadata.go`, `dependency.go`, `pkg/chart/common/file.go`).
//!
//! Unlike [`crate::Release`], several of these Go fields have no `omitempty`, so an unset
//! value is written as `null` (or Go's zero time); `Option` keeps `null` and `[]` apart.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::time::{self, GoTime};

/// A chart inside a release record.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChartRecord {
    /// Chart.yaml.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Chart.lock (or requirements.lock).
    #[serde(default)]
    pub lock: Option<Lock>,
    /// The template files (`templates/...`).
    #[serde(default)]
    pub templates: Option<Vec<File>>,
    /// values.yaml as parsed.
    #[serde(default, serialize_with = "crate::gojson::sorted_option")]
    pub values: Option<Map<String, Value>>,
    /// values.schema.json, as bytes.
    #[serde(default, with = "crate::gojson::bytes")]
    pub schema: Option<Vec<u8>>,
    /// The schema file's modification time (Go's zero time when unknown).
    #[serde(default)]
    pub schemamodtime: GoTime,
    /// Every other file of the chart.
    #[serde(default)]
    pub files: Option<Vec<File>>,
    /// When the chart was loaded.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub modtime: Option<GoTime>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A chart file: its chart-relative name and bytes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct File {
    /// Path relative to the chart root, e.g. `templates/deployment.yaml`.
    #[serde(default)]
    pub name: String,
    /// The file's content.
    #[serde(default, with = "crate::gojson::bytes")]
    pub data: Option<Vec<u8>>,
    /// Its modification time.
    #[serde(
        default,
        with = "time::optional",
        skip_serializing_if = "time::optional::is_unset"
    )]
    pub modtime: Option<GoTime>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Chart.yaml's fields, with helm's JSON names.
#[allow(missing_docs)] // Each field is Chart.yaml's field of the same name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub home: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tags: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_version: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub chart_type: String,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A chart maintainer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Maintainer {
    /// Name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Email address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Web page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A chart dependency (Chart.yaml `dependencies`, Chart.lock entries).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Dependency {
    /// The dependency chart's name.
    #[serde(default)]
    pub name: String,
    /// Version or constraint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Repository URL, `@alias` or `file://` path.
    #[serde(default)]
    pub repository: String,
    /// Values path that enables it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    /// Tags that enable it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Whether it was enabled when the chart was processed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enabled: bool,
    /// `import-values`, in either of its forms.
    #[serde(
        default,
        rename = "import-values",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::gojson::sorted_values"
    )]
    pub import_values: Vec<Value>,
    /// The name it is known by in the parent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alias: String,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Chart.lock.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Lock {
    /// When it was generated.
    #[serde(default)]
    pub generated: GoTime,
    /// helm's digest of the dependencies.
    #[serde(default)]
    pub digest: String,
    /// The locked dependencies.
    #[serde(default)]
    pub dependencies: Option<Vec<Dependency>>,
    /// JSON fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

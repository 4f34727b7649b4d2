//! The crate's one error type.
//!
//! Each variant names the step that failed and carries where (chart, file,
//! flag, key). `Display` prints the exact text helm v4.3.1 prints after
//! `Error: ` for the same input, because users and scripts match on it; the
//! structured fields are there for callers that want to branch or point at
//! a location.

/// Errors from loading charts, reading values and computing render values.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The chart path does not exist or cannot be inspected (`os.Stat`).
    #[error("{message}")]
    StatChart {
        /// The path as given.
        path: String,
        /// Go's `os.PathError` text, e.g. `stat x: no such file or directory`.
        message: String,
    },
    /// A chart directory has no readable `Chart.yaml`.
    #[error("unable to detect chart at {path}: {message}")]
    DetectChart {
        /// Absolute path of the expected `Chart.yaml`.
        path: String,
        /// Go's `os.PathError` text.
        message: String,
    },
    /// No `Chart.yaml` was found among the chart's files.
    #[error("Chart.yaml file is missing")]
    ChartYamlMissing {
        /// The chart (path or subchart name) being loaded.
        chart: String,
    },
    /// An archive holds no top-level `Chart.yaml`.
    #[error("unable to detect chart version, no Chart.yaml found")]
    ArchiveWithoutChartYaml {
        /// The archive path.
        path: String,
    },
    /// `Chart.yaml` could not be decoded (YAML syntax or a field of the wrong type).
    #[error("cannot load Chart.yaml: {message}")]
    ReadChartYaml {
        /// The chart being loaded.
        chart: String,
        /// The YAML or JSON decoding message, as sigs.k8s.io/yaml words it.
        message: String,
        /// The line yaml.v2 reports for syntax errors.
        line: Option<usize>,
    },
    /// `Chart.yaml` names an apiVersion helm has no loader for.
    #[error("unsupported chart version")]
    UnsupportedApiVersion {
        /// The chart being loaded.
        chart: String,
        /// The apiVersion found.
        api_version: String,
    },
    /// A chart's `Chart.lock` or `requirements.lock` could not be decoded.
    #[error("cannot load {file}: {message}")]
    ReadLock {
        /// `Chart.lock` or `requirements.lock`.
        file: String,
        /// The decoding message.
        message: String,
    },
    /// A v1 chart's `requirements.yaml` could not be decoded.
    #[error("cannot load requirements.yaml: {message}")]
    ReadRequirements {
        /// The chart being loaded.
        chart: String,
        /// The decoding message.
        message: String,
    },
    /// A chart's `values.yaml` could not be decoded.
    #[error("cannot load values.yaml: {source}")]
    ReadValuesYaml {
        /// The chart being loaded.
        chart: String,
        /// The goyaml error (it knows the line).
        source: charthouse_goyaml::Error,
    },
    /// Chart metadata failed helm's validation (`validation: ...`).
    #[error("validation: {message}")]
    ValidateChart {
        /// The chart being validated.
        chart: String,
        /// helm's validation message, e.g. `chart.metadata.name is required`.
        message: String,
    },
    /// A subchart under `charts/` failed to load.
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    LoadSubchart {
        /// The entry under `charts/` (directory or `.tgz` name).
        name: String,
        /// The parent chart's name.
        parent: String,
        /// Why it failed.
        source: Box<Error>,
    },
    /// A `charts/*.tgz` entry was not a plain file.
    #[error("error unpacking subchart tar in {parent}: expected {expected}, got {got}")]
    SubchartTar {
        /// The parent chart's name.
        parent: String,
        /// The archive name expected.
        expected: String,
        /// The file found.
        got: String,
    },
    /// The chart archive is malformed, unsafe or too large.
    #[error("{message}")]
    ReadArchive {
        /// The archive path, when loading from a file.
        path: Option<String>,
        /// helm's message, e.g. `chart illegally references parent directory`.
        message: String,
    },
    /// A chart directory could not be walked or one of its files read.
    #[error("{message}")]
    ReadChartFile {
        /// The file or directory involved.
        path: String,
        /// helm's message.
        message: String,
    },
    /// `.helmignore` holds a rule helm refuses.
    #[error("{message}")]
    ParseHelmignore {
        /// The offending rule.
        rule: String,
        /// helm's message, e.g. `double-star (**) syntax is not supported`.
        message: String,
    },
    /// A `-f/--values` file could not be read.
    #[error("{message}")]
    ReadValuesFile {
        /// The path as given.
        file: String,
        /// Go's error text, e.g. `open x.yaml: no such file or directory`.
        message: String,
    },
    /// A `-f/--values` file is not valid YAML or not a map.
    #[error("failed to parse {file}: {source}")]
    ParseValues {
        /// The path as given.
        file: String,
        /// The goyaml error (it knows the line).
        source: charthouse_goyaml::Error,
    },
    /// A `--set`, `--set-string`, `--set-file` or `--set-literal` argument is malformed.
    #[error("failed parsing {flag} data: {message}")]
    SetValue {
        /// The flag, e.g. `--set`.
        flag: &'static str,
        /// The argument as given.
        value: String,
        /// The strvals parser's message.
        message: String,
    },
    /// A `--set-json` argument is malformed (helm hides the cause).
    #[error("failed parsing --set-json data {value}")]
    SetJson {
        /// The argument as given.
        value: String,
        /// What went wrong, for callers (helm does not print it).
        message: String,
    },
    /// A `--set-json` JSON object argument is not valid JSON.
    #[error("failed parsing --set-json data JSON: {value}")]
    SetJsonObject {
        /// The argument as given.
        value: String,
        /// What went wrong, for callers (helm does not print it).
        message: String,
    },
    /// User values hold a non-map where a subchart's values go.
    #[error("type mismatch on {key}: {shown}")]
    CoalesceSubchart {
        /// The subchart's name (the values key).
        key: String,
        /// The value as Go's `%t` verb shows it (`%!t(string=x)`).
        shown: String,
    },
    /// Dependencies named in Chart.yaml are missing from `charts/`.
    #[error(
        "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    )]
    MissingDependencies {
        /// The dependency names missing.
        missing: Vec<String>,
    },
    /// Dependency processing failed (helm's `ProcessDependencies` step).
    #[error("chart dependencies processing failed: {source}")]
    ProcessDependencies {
        /// The chart being processed.
        chart: String,
        /// Why it failed.
        source: Box<Error>,
    },
    /// The release name is empty, too long or not a DNS-1123 subdomain.
    #[error("release name check failed: release name {quoted}: {message}")]
    ReleaseName {
        /// The name as given.
        name: String,
        /// The name as Go's `%q` prints it.
        quoted: String,
        /// helm's reason (`no name provided`, `invalid release name, ...`).
        message: String,
    },
    /// The chart's apiVersion is loaded but cannot be installed (v3 charts).
    #[error("invalid chart apiVersion")]
    InvalidApiVersion {
        /// The apiVersion found.
        api_version: String,
    },
    /// The chart's type cannot be installed or templated (library charts).
    #[error("{chart_type} charts are not installable")]
    NotInstallable {
        /// The chart type.
        chart_type: String,
    },
    /// The final values break a chart's `values.schema.json`.
    #[error(
        "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
    )]
    ValidateSchema {
        /// helm's per-chart report: `chart:\n- at '/x': ...\n`.
        report: String,
    },
}

impl Error {
    /// A stable CamelCase label for metrics and condition reasons.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::StatChart { .. } => "StatChart",
            Error::DetectChart { .. } => "DetectChart",
            Error::ChartYamlMissing { .. } => "ChartYamlMissing",
            Error::ArchiveWithoutChartYaml { .. } => "ArchiveWithoutChartYaml",
            Error::ReadChartYaml { .. } => "ReadChartYaml",
            Error::UnsupportedApiVersion { .. } => "UnsupportedApiVersion",
            Error::ReadLock { .. } => "ReadLock",
            Error::ReadRequirements { .. } => "ReadRequirements",
            Error::ReadValuesYaml { .. } => "ReadValuesYaml",
            Error::ValidateChart { .. } => "ValidateChart",
            Error::LoadSubchart { .. } => "LoadSubchart",
            Error::SubchartTar { .. } => "SubchartTar",
            Error::ReadArchive { .. } => "ReadArchive",
            Error::ReadChartFile { .. } => "ReadChartFile",
            Error::ParseHelmignore { .. } => "ParseHelmignore",
            Error::ReadValuesFile { .. } => "ReadValuesFile",
            Error::ParseValues { .. } => "ParseValues",
            Error::SetValue { .. } => "SetValue",
            Error::SetJson { .. } => "SetJson",
            Error::SetJsonObject { .. } => "SetJsonObject",
            Error::CoalesceSubchart { .. } => "CoalesceSubchart",
            Error::MissingDependencies { .. } => "MissingDependencies",
            Error::NotInstallable { .. } => "NotInstallable",
            Error::ProcessDependencies { .. } => "ProcessDependencies",
            Error::InvalidApiVersion { .. } => "InvalidApiVersion",
            Error::ReleaseName { .. } => "ReleaseName",
            Error::ValidateSchema { .. } => "ValidateSchema",
        }
    }
}

/// Go's text for an I/O error on `path` (`os.PathError`): `op path: reason`,
/// with the reason as Go's `syscall.Errno` prints it (lower-case strerror).
pub(crate) fn go_path_error(op: &str, path: &str, err: &std::io::Error) -> String {
    format!("{op} {path}: {}", go_errno_text(err))
}

/// The lower-case strerror text Go prints for an OS error.
pub(crate) fn go_errno_text(err: &std::io::Error) -> String {
    let text = match err.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => err.to_string(),
    };
    // Rust appends " (os error N)"; Go does not.
    let text = match text.rfind(" (os error ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

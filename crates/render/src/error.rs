//! The crate's one error type. `Display` is the text helm prints after `Error: `.

/// A failed step of rendering, linting or showing a chart.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Loading the chart (or a subchart) failed. Displays helm's text.
    #[error("{source}")]
    LoadChart {
        /// The chart path or reference.
        chart: String,
        /// The loader's error.
        #[source]
        source: charthouse_chart::Error,
    },
    /// Reading or merging user values failed (`-f`, `--set` family).
    #[error("{message}")]
    LoadValues {
        /// helm's message.
        message: String,
    },
    /// The chart cannot be installed (library type) or its dependencies are missing.
    #[error("{source}")]
    CheckChart {
        /// The check's error.
        #[source]
        source: charthouse_chart::Error,
    },
    /// Dependency processing (conditions, tags, import-values) failed.
    #[error("chart dependencies processing failed: {source}")]
    ProcessDependencies {
        /// The processing error.
        #[source]
        source: charthouse_chart::Error,
    },
    /// Coalescing values or validating them against a schema failed.
    #[error("{source}")]
    PrepareValues {
        /// The values error.
        #[source]
        source: charthouse_chart::Error,
    },
    /// The release name is invalid.
    #[error(
        "release name check failed: release name {name:?}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
    )]
    ReleaseName {
        /// The name given.
        name: String,
    },
    /// The command's arguments do not fit together.
    #[error("{message}")]
    Arguments {
        /// helm's message.
        message: String,
    },
    /// `--kube-version` is not a version.
    #[error("invalid kube version '{input}': {message}")]
    KubeVersion {
        /// What the user gave.
        input: String,
        /// The parser's message.
        message: String,
    },
    /// The chart's `kubeVersion` constraint excludes the target version.
    #[error(
        "chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {version}"
    )]
    IncompatibleKubeVersion {
        /// The chart's constraint.
        constraint: String,
        /// The Kubernetes version rendered for.
        version: String,
    },
    /// A template failed to parse (helm's `cleanupParseError` text).
    #[error("{message}")]
    ParseTemplate {
        /// The template path, e.g. `c/templates/a.yaml`.
        file: String,
        /// helm's text, e.g. `parse error at (c/templates/a.yaml:3): unexpected "}"`.
        message: String,
    },
    /// A template failed to execute (helm's `reformatExecErrorMsg` text).
    #[error("{message}")]
    ExecuteTemplate {
        /// The template path.
        file: String,
        /// helm's text.
        message: String,
    },
    /// A rendered document is not valid YAML or has a malformed head.
    #[error("YAML parse error on {path}: {message}")]
    ParseManifest {
        /// The template path.
        path: String,
        /// The YAML library's text.
        message: String,
    },
    /// A requested behaviour charthouse does not offer yet.
    #[error("{message}")]
    Unsupported {
        /// What is missing.
        message: String,
    },
    /// `--show-only` named a template that rendered nothing.
    #[error("could not find template {pattern} in chart")]
    ShowOnly {
        /// The pattern given.
        pattern: String,
    },
    /// Writing `--output-dir` files failed.
    #[error("{path}: {source}")]
    WriteOutput {
        /// The file being written.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Reading a file of the chart (for `show`) failed.
    #[error("{message}")]
    Show {
        /// helm's message.
        message: String,
    },
}

impl Error {
    /// A stable CamelCase reason, for metrics and conditions.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::LoadChart { .. } => "LoadChart",
            Error::LoadValues { .. } => "LoadValues",
            Error::CheckChart { .. } => "CheckChart",
            Error::ProcessDependencies { .. } => "ProcessDependencies",
            Error::PrepareValues { .. } => "PrepareValues",
            Error::ReleaseName { .. } => "ReleaseName",
            Error::Arguments { .. } => "Arguments",
            Error::KubeVersion { .. } => "KubeVersion",
            Error::IncompatibleKubeVersion { .. } => "IncompatibleKubeVersion",
            Error::ParseTemplate { .. } => "ParseTemplate",
            Error::ExecuteTemplate { .. } => "ExecuteTemplate",
            Error::ParseManifest { .. } => "ParseManifest",
            Error::Unsupported { .. } => "Unsupported",
            Error::ShowOnly { .. } => "ShowOnly",
            Error::WriteOutput { .. } => "WriteOutput",
            Error::Show { .. } => "Show",
        }
    }

    /// Whether helm attaches a partial release to this error, so that `helm template`
    /// adds `Use --debug flag to render out invalid YAML` after it.
    pub fn has_partial_release(&self) -> bool {
        matches!(
            self,
            Error::IncompatibleKubeVersion { .. }
                | Error::ParseTemplate { .. }
                | Error::ExecuteTemplate { .. }
                | Error::ParseManifest { .. }
        )
    }
}

//! The one error type of the stack crate. Load errors say where: `FILE:LINE:COLUMN: KEY: what`.

use std::fmt;

/// A place in a stackfile, overlay, `.env` or `.charthouse.yaml` file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    /// The file as the user named it (joined to the directory of the file that named it).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Everything that can fail while loading, planning or rendering a stack.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A stackfile, overlay or defaults file could not be read.
    #[error("{file}: {message}")]
    ReadFile {
        /// The file.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// A file is not valid YAML (or `.env` syntax).
    #[error("{loc}: {message}")]
    Syntax {
        /// Where the parser stopped.
        loc: Loc,
        /// The parser's message.
        message: String,
    },
    /// A key the format does not have (typos are errors, not silently ignored).
    #[error("{loc}: {key}: unknown key (expected one of: {expected})")]
    UnknownKey {
        /// Where the key is.
        loc: Loc,
        /// The key's path, e.g. `releases[0].nmae`.
        key: String,
        /// The keys allowed there.
        expected: String,
    },
    /// A value of the wrong type.
    #[error("{loc}: {key}: expected {expected}, found {found}")]
    Type {
        /// Where the value is.
        loc: Loc,
        /// The key's path.
        key: String,
        /// What the format wants there.
        expected: &'static str,
        /// What the file has.
        found: &'static str,
    },
    /// A value of the right type that is not acceptable (missing required key, bad name,
    /// duplicate release, bad duration, unknown release in an overlay).
    #[error("{loc}: {key}: {message}")]
    Invalid {
        /// Where the value is.
        loc: Loc,
        /// The key's path.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// `${NAME}` names a variable that is neither in `variables`, the environment nor `.env`.
    #[error("{loc}: {key}: environment variable {name} is not set")]
    UnsetVariable {
        /// Where the reference is.
        loc: Loc,
        /// The key's path.
        key: String,
        /// The variable.
        name: String,
    },
    /// A file the stack names (values file, overlay, chart directory) cannot be read.
    #[error("{loc}: {key}: {path}: {message}")]
    MissingFile {
        /// Where the stack names it.
        loc: Loc,
        /// The key's path.
        key: String,
        /// The path, resolved against the naming file's directory.
        path: String,
        /// The operating system's reason.
        message: String,
    },
    /// A values file (or the output of a `.gotmpl` values file) is not a YAML map.
    #[error("{loc}: {key}: {path}: {message}")]
    ValuesFile {
        /// Where the stack names it.
        loc: Loc,
        /// The key's path.
        key: String,
        /// The file.
        path: String,
        /// The YAML reader's message.
        message: String,
    },
    /// A `.gotmpl` values file failed to parse or execute.
    #[error("{loc}: {key}: {path}: {message}")]
    ValuesTemplate {
        /// Where the stack names it.
        loc: Loc,
        /// The key's path.
        key: String,
        /// The file.
        path: String,
        /// The template engine's message.
        message: String,
    },
    /// `-e NAME` names an environment no stackfile defines.
    #[error("environment {name:?} is not defined (defined: {defined})")]
    UnknownEnvironment {
        /// The requested environment.
        name: String,
        /// The environments the stackfiles define.
        defined: String,
    },
    /// `needs` names a release that is not in the stack.
    #[error("{loc}: {key}: release {release} needs {need}, which is not in the stack")]
    UnknownNeed {
        /// Where the need is written.
        loc: Loc,
        /// The key's path.
        key: String,
        /// The release that needs it (`namespace/name`).
        release: String,
        /// The need as written.
        need: String,
    },
    /// `needs` name each other in a circle.
    #[error("{loc}: {key}: needs form a cycle: {}", cycle.join(" -> "))]
    Cycle {
        /// Where the first release of the cycle needs the second.
        loc: Loc,
        /// The key's path (`releases[0].needs[1]`).
        key: String,
        /// The releases of the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A `-l/--selector` argument is malformed.
    #[error("selector {selector:?}: {message}")]
    Selector {
        /// The selector as given.
        selector: String,
        /// What is wrong.
        message: String,
    },
    /// A release named on the command line is not in the stack.
    #[error("release {name:?} is not in the stack (or not in environment {environment:?})")]
    UnknownRelease {
        /// The name as given.
        name: String,
        /// The environment in effect.
        environment: String,
    },
    /// Fetching a chart from git failed.
    #[error("{loc}: {key}: git chart {url}: {message}")]
    Git {
        /// Where the chart is named.
        loc: Loc,
        /// The key's path.
        key: String,
        /// The chart URL as written.
        url: String,
        /// The failed step (`fetch`, `resolve ref`, `read path`, `write`) and the git
        /// library's message.
        message: String,
    },
    /// Rendering or linting a release failed.
    #[error("release {release}: {source}")]
    Render {
        /// The release (`namespace/name`).
        release: String,
        /// The render crate's error.
        #[source]
        source: Box<charthouse_render::Error>,
    },
    /// A release's chart cannot be rendered locally (a repository or OCI chart, which
    /// needs the repo crate to pull it first).
    #[error(
        "release {release}: chart {chart} is not on disk and no repository configuration was given to fetch it"
    )]
    RemoteChart {
        /// The release (`namespace/name`).
        release: String,
        /// The chart reference.
        chart: String,
    },
    /// A cluster operation on a release failed (install, upgrade, uninstall, reading its
    /// history, fetching its chart).
    #[error("release {release}: {message}")]
    Cluster {
        /// The release (`namespace/name`).
        release: String,
        /// The cause, with helm's wording.
        message: String,
    },
}

impl Error {
    /// A stable CamelCase label for the kind of failure.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::ReadFile { .. } => "ReadFile",
            Error::Syntax { .. } => "Syntax",
            Error::UnknownKey { .. } => "UnknownKey",
            Error::Type { .. } => "Type",
            Error::Invalid { .. } => "Invalid",
            Error::UnsetVariable { .. } => "UnsetVariable",
            Error::MissingFile { .. } => "MissingFile",
            Error::ValuesFile { .. } => "ValuesFile",
            Error::ValuesTemplate { .. } => "ValuesTemplate",
            Error::UnknownEnvironment { .. } => "UnknownEnvironment",
            Error::UnknownNeed { .. } => "UnknownNeed",
            Error::Cycle { .. } => "Cycle",
            Error::Selector { .. } => "Selector",
            Error::UnknownRelease { .. } => "UnknownRelease",
            Error::Git { .. } => "Git",
            Error::Render { .. } => "Render",
            Error::RemoteChart { .. } => "RemoteChart",
            Error::Cluster { .. } => "Cluster",
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

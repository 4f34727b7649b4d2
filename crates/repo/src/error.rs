//! The one error type of this crate: each variant names the step that failed and what it
//! failed on (file, URL, repository, chart, version).

use std::path::PathBuf;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to repositories and registries, or writing charts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A local file or directory could not be read or written.
    #[error("{action} {}: {cause}", path.display())]
    Io {
        /// What was being done ("reading", "writing", "creating directory").
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        cause: std::io::Error,
    },
    /// The server could not be reached at all (DNS, connection refused, TLS, timeout).
    #[error("Get \"{url}\": {cause}")]
    Unreachable {
        /// The URL that was requested.
        url: String,
        /// What the HTTP client reported.
        cause: String,
    },
    /// The server answered 401 or 403: credentials are missing or wrong.
    #[error(
        "failed to fetch {url} : {status} (check the credentials: 'repo add --username' or 'registry login')"
    )]
    Unauthorized {
        /// The URL that was requested.
        url: String,
        /// The HTTP status line, e.g. `401 Unauthorized`.
        status: String,
    },
    /// The server answered with another non-success status.
    #[error("failed to fetch {url} : {status}")]
    Status {
        /// The URL that was requested.
        url: String,
        /// The HTTP status line, e.g. `404 Not Found`.
        status: String,
    },
    /// A repository index (index.yaml) could not be parsed.
    #[error("error loading {source_name}: {message}")]
    Index {
        /// The file or URL the index came from.
        source_name: String,
        /// What is wrong with it.
        message: String,
    },
    /// The repositories file could not be parsed or written.
    #[error("couldn't load repositories file ({}): {message}", path.display())]
    RepoFile {
        /// The repositories.yaml path.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// `repo add` of a repository that fails to answer with an index.
    #[error("looks like {url:?} is not a valid chart repository or cannot be reached: {cause}")]
    NotARepository {
        /// The repository URL.
        url: String,
        /// Why fetching or reading its index failed.
        cause: Box<Error>,
    },
    /// A command-level rule of helm was broken (name already taken, no repositories, ...).
    #[error("{message}")]
    Usage {
        /// helm's message for it.
        message: String,
    },
    /// A named repository is not in the repositories file.
    #[error("repo {name} not found")]
    RepoNotFound {
        /// The repository name.
        name: String,
    },
    /// A repository has no cached index: `repo update` was not run.
    #[error("no cached repo found. (try 'helm repo update'): {cause}")]
    NoCachedIndex {
        /// Why the cached index could not be read.
        cause: Box<Error>,
    },
    /// No chart of that name, or no version of it that satisfies the constraint.
    #[error(
        "chart {chart:?} matching {version} not found in {repo} index. (try 'helm repo update'): {reason}{}",
        nearest_text(nearest)
    )]
    ChartNotFound {
        /// The chart name.
        chart: String,
        /// The version or constraint that was asked for (may be empty).
        version: String,
        /// The repository name or URL searched.
        repo: String,
        /// `no chart name found`, or `no chart version found for NAME-VERSION`.
        reason: String,
        /// The versions that do exist, newest first (a few), to help pick one.
        nearest: Vec<String>,
    },
    /// A version constraint does not parse as a Masterminds semver constraint.
    #[error("improper constraint: {constraint}")]
    InvalidConstraint {
        /// The constraint text.
        constraint: String,
    },
    /// A chart reference or URL is not one charthouse understands.
    #[error("invalid chart reference {reference:?}: {message}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// What is wrong with it.
        message: String,
    },
    /// Downloaded content does not hash to the digest the index or manifest promised.
    #[error("digest mismatch for {what}: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The chart, layer or URL.
        what: String,
        /// The digest that was promised.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// A chart archive is not a readable gzip-compressed tar, or not a chart.
    #[error("corrupt chart archive {what}: {message}")]
    CorruptArchive {
        /// The file or URL.
        what: String,
        /// What the reader reported.
        message: String,
    },
    /// Loading or validating a chart failed (the chart crate's error, as helm prints it).
    #[error(transparent)]
    Chart(#[from] charthouse_chart::Error),
    /// An OCI registry answered something helm would not accept.
    #[error("{reference}: {message}")]
    Registry {
        /// The registry reference or URL.
        reference: String,
        /// What went wrong.
        message: String,
    },
    /// A chart's dependencies could not be resolved, downloaded or checked.
    #[error("{message}")]
    Dependency {
        /// helm's message for it.
        message: String,
    },
    /// Writing a chart archive failed.
    #[error("packaging {chart}: {message}")]
    Package {
        /// The chart name or directory.
        chart: String,
        /// What went wrong.
        message: String,
    },
}

fn nearest_text(nearest: &[String]) -> String {
    if nearest.is_empty() {
        String::new()
    } else {
        format!(" (available versions: {})", nearest.join(", "))
    }
}

impl Error {
    /// A stable CamelCase label for the kind of failure, for logs and scripts.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Io { .. } => "Io",
            Error::Unreachable { .. } => "Unreachable",
            Error::Unauthorized { .. } => "Unauthorized",
            Error::Status { .. } => "HttpStatus",
            Error::Index { .. } => "InvalidIndex",
            Error::RepoFile { .. } => "InvalidRepositoriesFile",
            Error::NotARepository { .. } => "NotARepository",
            Error::Usage { .. } => "Usage",
            Error::RepoNotFound { .. } => "RepoNotFound",
            Error::NoCachedIndex { .. } => "NoCachedIndex",
            Error::ChartNotFound { .. } => "ChartNotFound",
            Error::InvalidConstraint { .. } => "InvalidConstraint",
            Error::InvalidReference { .. } => "InvalidReference",
            Error::DigestMismatch { .. } => "DigestMismatch",
            Error::CorruptArchive { .. } => "CorruptArchive",
            Error::Chart(_) => "Chart",
            Error::Registry { .. } => "Registry",
            Error::Dependency { .. } => "Dependency",
            Error::Package { .. } => "Package",
        }
    }

    /// An [`Error::Io`] for `path`.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            cause: source,
        }
    }

    /// An [`Error::Usage`] with helm's message.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
        }
    }
}

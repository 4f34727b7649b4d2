//! The one error type of this crate.

/// Why a release operation failed. Messages follow helm's where helm has one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The release name breaks helm's rules.
    #[error("{0}")]
    InvalidName(String),
    /// No revision of the release exists.
    #[error("release: not found")]
    NotFound,
    /// An upgrade found no deployed revision to start from.
    #[error("{name:?} has no deployed releases")]
    NoDeployedReleases {
        /// The release.
        name: String,
    },
    /// The requested revision does not exist.
    #[error("release has no {revision} version")]
    NoSuchRevision {
        /// The revision asked for.
        revision: i64,
    },
    /// Install of a name that is in use.
    /// helm wraps `availableName`'s error (`pkg/action/install.go`).
    #[error("release name check failed: cannot reuse a name that is still in use")]
    NameInUse,
    /// Another operation holds the release (helm's `errPending`, with the holder when
    /// charthouse knows it).
    #[error("another operation (install/upgrade/rollback) is in progress{holder}")]
    InProgress {
        /// `: held by HOLDER since TIME` when a charthouse process holds the lease.
        holder: String,
    },
    /// Reading or writing release records failed.
    #[error("{step}: {}", storage_message(source.as_ref()))]
    Storage {
        /// What was being done.
        step: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Rendering the chart failed.
    #[error(transparent)]
    Render(#[from] charthouse_render::Error),
    /// A cluster operation failed.
    #[error(transparent)]
    Kube(#[from] charthouse_kube::Error),
    /// An object exists and belongs to someone else.
    #[error("{0}")]
    Ownership(String),
    /// The operation failed after the release record was written; the message is the
    /// one stored in the failed revision's description, or helm's wrapper around it.
    #[error("{0}")]
    Failed(String),
    /// Invalid options.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// A stable CamelCase label for the variant.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::InvalidName(_) => "InvalidName",
            Error::NotFound => "NotFound",
            Error::NoDeployedReleases { .. } => "NoDeployedReleases",
            Error::NoSuchRevision { .. } => "NoSuchRevision",
            Error::NameInUse => "NameInUse",
            Error::InProgress { .. } => "InProgress",
            Error::Storage { .. } => "Storage",
            Error::Render(_) => "Render",
            Error::Kube(_) => "Kube",
            Error::Ownership(_) => "Ownership",
            Error::Failed(_) => "Failed",
            Error::Invalid(_) => "Invalid",
        }
    }

    pub(crate) fn storage(
        step: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::Storage {
            step: step.into(),
            source: Box::new(source),
        }
    }
}

/// An API server's answer as client-go prints it (its message only); other causes as is.
fn storage_message(source: &(dyn std::error::Error + Send + Sync + 'static)) -> String {
    match source.downcast_ref::<kube::Error>() {
        Some(e) => charthouse_kube::apply::api_message(e),
        None => source.to_string(),
    }
}

//! `oci://REGISTRY/PATH/CHART[:TAG][@DIGEST]` references (helm's `pkg/registry/reference.go`).

use crate::error::{Error, Result};

/// helm's URL scheme for registries.
pub const OCI_PREFIX: &str = "oci://";

/// Whether `reference` names a chart in an OCI registry.
pub fn is_oci(reference: &str) -> bool {
    reference.starts_with(OCI_PREFIX)
}

/// A parsed registry reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `host[:port]`.
    pub registry: String,
    /// The repository path inside the registry (`path/chart`).
    pub repository: String,
    /// The tag, if one was given.
    pub tag: Option<String>,
    /// The manifest digest (`sha256:…`), if one was given.
    pub digest: Option<String>,
}

impl Reference {
    /// Parses a reference, with or without the `oci://` prefix.
    pub fn parse(reference: &str) -> Result<Reference> {
        let bad = |message: &str| Error::InvalidReference {
            reference: reference.to_owned(),
            message: message.to_owned(),
        };
        let rest = reference.strip_prefix(OCI_PREFIX).unwrap_or(reference);
        let (rest, digest) = match rest.split_once('@') {
            Some((r, d)) => {
                if !d.starts_with("sha256:") || d.len() != 71 {
                    return Err(bad("invalid digest (want sha256: and 64 hex digits)"));
                }
                (r, Some(d.to_owned()))
            }
            None => (rest, None),
        };
        let Some((registry, path)) = rest.split_once('/') else {
            return Err(bad("missing repository path after the registry host"));
        };
        if registry.is_empty() || path.is_empty() {
            return Err(bad("missing registry host or repository path"));
        }
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match path[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (path[..at].to_owned(), Some(path[at + 1..].to_owned()))
            }
            None => (path.to_owned(), None),
        };
        if repository.is_empty()
            || repository.ends_with('/')
            || repository
                .chars()
                .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c)))
        {
            return Err(bad(
                "invalid repository name (lowercase letters, digits, '.', '_', '-', '/')",
            ));
        }
        if tag.as_deref().is_some_and(|t| t.is_empty()) {
            return Err(bad("empty tag"));
        }
        Ok(Reference {
            registry: registry.to_owned(),
            repository,
            tag,
            digest,
        })
    }

    /// The chart name: the last path segment of the repository.
    pub fn chart_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// `registry/repository[:tag]` as helm prints it after `Pulled:`/`Pushed:`.
    pub fn display_with_tag(&self, tag: &str) -> String {
        format!("{}/{}:{}", self.registry, self.repository, tag)
    }
}

/// An OCI tag for a chart version: `+` is not allowed in tags, helm writes `_`.
pub fn version_to_tag(version: &str) -> String {
    version.replace('+', "_")
}

/// The chart version a tag stands for.
pub fn tag_to_version(tag: &str) -> String {
    tag.replace('_', "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_ports_and_digests() {
        let r = Reference::parse("oci://localhost:5000/charts/web:1.2.3").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "charts/web");
        assert_eq!(r.tag.as_deref(), Some("1.2.3"));
        assert_eq!(r.chart_name(), "web");
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("oci://reg.io/web@{d}")).unwrap();
        assert_eq!(r.tag, None);
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        let r = Reference::parse("oci://reg.io:443/a/b").unwrap();
        assert_eq!((r.repository.as_str(), r.tag), ("a/b", None));
        assert!(Reference::parse("oci://reg.io").is_err());
        assert!(Reference::parse("oci://reg.io/Upper").is_err());
        assert!(Reference::parse("oci://reg.io/a@sha256:12").is_err());
    }

    #[test]
    fn tags_and_versions() {
        assert_eq!(version_to_tag("1.0.0+build.1"), "1.0.0_build.1");
        assert_eq!(tag_to_version("1.0.0_build.1"), "1.0.0+build.1");
    }
}

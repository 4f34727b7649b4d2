//! Charts in OCI registries as helm stores them (`pkg/registry`): one manifest per chart
//! version, tagged with the version, whose config is the chart's metadata as JSON and whose
//! layer is the chart archive.

mod client;
mod credentials;
mod reference;

use std::path::Path;

use charthouse_chart::semver::{Constraints, Version};
use serde_json::{Value, json};

pub use client::{MANIFEST_MEDIA_TYPE, RegistryClient, RegistryOptions};
pub use credentials::CredentialsFile;
pub use reference::{OCI_PREFIX, Reference, is_oci, tag_to_version, version_to_tag};

use crate::error::{Error, Result};

/// The config media type of a helm chart manifest.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// The media type of the chart archive layer.
pub const CHART_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// The media type of the provenance layer.
pub const PROV_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";
/// The chart layer media type of helm before 3.7.
pub const LEGACY_CHART_LAYER_MEDIA_TYPE: &str = "application/tar+gzip";

/// A chart fetched from a registry.
#[derive(Debug, Clone)]
pub struct PulledChart {
    /// The chart archive.
    pub data: Vec<u8>,
    /// `registry/repository:tag` as helm prints it after `Pulled:`.
    pub display: String,
    /// The tag that was pulled.
    pub tag: String,
    /// The manifest digest (`sha256:…`).
    pub manifest_digest: String,
    /// The chart layer digest (`sha256:…`), the content cache key.
    pub layer_digest: String,
    /// The provenance layer, when it was asked for and the manifest has one.
    pub prov: Option<Vec<u8>>,
}

/// The registry options for `host`: flags' credentials, else the credentials file's.
pub fn options_for(
    host: &str,
    mut opts: RegistryOptions,
    registry_config: &Path,
) -> Result<RegistryOptions> {
    if opts.credentials.is_none() && !opts.http.username.is_empty() {
        opts.credentials = Some((opts.http.username.clone(), opts.http.password.clone()));
    }
    if opts.credentials.is_none() {
        opts.credentials = CredentialsFile::load(registry_config)?.get(host);
    }
    Ok(opts)
}

/// Picks the tag a `version` selects among `tags` (helm's `GetTagMatchingVersionOrConstraint`
/// over tags sorted newest first).
pub fn select_tag(reference: &str, tags: &[String], version: &str) -> Result<String> {
    if tags.is_empty() {
        return Err(Error::Registry {
            reference: reference.to_owned(),
            message: "unable to locate any tags in provided repository".into(),
        });
    }
    if !version.is_empty()
        && let Some(t) = tags.iter().find(|t| *t == version)
    {
        return Ok(t.clone());
    }
    let constraint = if version.is_empty() { "*" } else { version };
    let c = Constraints::parse(constraint).ok_or_else(|| Error::InvalidConstraint {
        constraint: version.to_owned(),
    })?;
    let mut versions: Vec<(Version, &String)> = tags
        .iter()
        .filter_map(|t| Version::parse(&tag_to_version(t)).map(|v| (v, t)))
        .collect();
    versions.sort_by(|a, b| b.0.cmp_precedence(&a.0));
    versions
        .iter()
        .find(|(v, _)| c.check(v))
        .map(|(_, t)| (*t).clone())
        .ok_or_else(|| Error::ChartNotFound {
            chart: reference.to_owned(),
            version: version.to_owned(),
            repo: "registry".into(),
            reason: format!(
                "could not locate a version matching provided version string {version}"
            ),
            nearest: versions
                .iter()
                .take(5)
                .map(|(_, t)| tag_to_version(t))
                .collect(),
        })
}

/// Resolves `reference` (+ `--version`) to a tag or digest, as helm's `ValidateReference`.
fn resolve(client: &RegistryClient, r: &Reference, version: &str) -> Result<String> {
    let original = format!("{OCI_PREFIX}{}/{}", r.registry, r.repository);
    let version = version.trim();
    let tag_version = r.tag.as_deref().map(tag_to_version);
    if !version.is_empty()
        && let Some(t) = &tag_version
        && t != version
    {
        return Err(Error::Registry {
            reference: original,
            message: format!("chart reference and version mismatch: {version} is not {t}"),
        });
    }
    if let Some(d) = &r.digest {
        return Ok(d.clone());
    }
    let wanted = if version.is_empty() {
        tag_version.unwrap_or_default()
    } else {
        version.to_owned()
    };
    if !wanted.is_empty() && Version::parse(&wanted).is_some() {
        return Ok(version_to_tag(&wanted));
    }
    let tags = client.tags(&r.repository)?;
    select_tag(&original, &tags, &wanted)
}

/// Pulls a chart: resolves the version, reads the manifest, checks its media types and
/// fetches the chart layer (digest-checked). `cached` is asked first for a layer digest so a
/// chart already in the content cache is not downloaded again.
pub fn pull(
    reference: &str,
    version: &str,
    opts: &RegistryOptions,
    with_prov: bool,
    cached: impl Fn(&str) -> Option<Vec<u8>>,
) -> Result<PulledChart> {
    let r = Reference::parse(reference)?;
    let client = RegistryClient::new(&r.registry, opts)?;
    let target = resolve(&client, &r, version)?;
    let (manifest, manifest_digest) = client.manifest(&r.repository, &target)?;
    let doc: Value = serde_json::from_slice(&manifest).map_err(|e| Error::Registry {
        reference: reference.to_owned(),
        message: format!("invalid manifest: {e}"),
    })?;
    let config_type = doc
        .pointer("/config/mediaType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if config_type != CONFIG_MEDIA_TYPE {
        return Err(Error::Registry {
            reference: reference.to_owned(),
            message: format!("not a helm chart: config media type {config_type:?}"),
        });
    }
    let layer = doc
        .get("layers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|l| {
            matches!(
                l.get("mediaType").and_then(Value::as_str),
                Some(CHART_LAYER_MEDIA_TYPE | LEGACY_CHART_LAYER_MEDIA_TYPE)
            )
        })
        .ok_or_else(|| Error::Registry {
            reference: reference.to_owned(),
            message: format!(
                "manifest does not contain a layer with mediatype {CHART_LAYER_MEDIA_TYPE}"
            ),
        })?;
    let layer_digest = layer
        .get("digest")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let prov = if with_prov {
        let prov_digest = doc
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|l| l.get("mediaType").and_then(Value::as_str) == Some(PROV_LAYER_MEDIA_TYPE))
            .and_then(|l| l.get("digest").and_then(Value::as_str));
        match prov_digest {
            Some(d) => Some(client.blob(&r.repository, d)?),
            None => None,
        }
    } else {
        None
    };
    let data = match cached(&layer_digest) {
        Some(d) => d,
        None => client.blob(&r.repository, &layer_digest)?,
    };
    let tag = if target.starts_with("sha256:") {
        doc.pointer("/annotations/org.opencontainers.image.version")
            .and_then(Value::as_str)
            .map(version_to_tag)
            .unwrap_or_default()
    } else {
        target.clone()
    };
    // helm names a digest reference by its digest.
    let display = if target.starts_with("sha256:") {
        format!("{}/{}@{target}", r.registry, r.repository)
    } else {
        r.display_with_tag(&tag)
    };
    Ok(PulledChart {
        data,
        display,
        tag,
        manifest_digest,
        layer_digest,
        prov,
    })
}

/// What `push` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushResult {
    /// `registry/repository:tag` as helm prints it after `Pushed:`.
    pub display: String,
    /// The manifest digest.
    pub manifest_digest: String,
}

/// Pushes a chart archive under `remote` (`oci://REGISTRY/PATH`): the repository is
/// `PATH/NAME`, the tag the chart version (helm's `Client.Push`). A provenance file, when
/// given, becomes a second layer (layers ordered by digest, as helm orders them).
pub fn push(
    archive: &[u8],
    prov: Option<&[u8]>,
    remote: &str,
    opts: &RegistryOptions,
) -> Result<PushResult> {
    let chart = charthouse_chart::load_archive(archive)?;
    let meta = &chart.metadata;
    let base = remote.trim_end_matches('/');
    if Reference::parse(&format!("{base}/x"))?.tag.is_some() {
        return Err(Error::InvalidReference {
            reference: remote.to_owned(),
            message: "the push destination must not have a tag (the chart version is the tag)"
                .into(),
        });
    }
    let tag = version_to_tag(&meta.version);
    let r = Reference::parse(&format!("{base}/{}:{tag}", meta.name))?;
    let client = RegistryClient::new(&r.registry, opts)?;
    let layer_digest = client.push_blob(&r.repository, archive)?;
    let mut layers = vec![(layer_digest, CHART_LAYER_MEDIA_TYPE, archive.len())];
    if let Some(prov) = prov {
        let digest = client.push_blob(&r.repository, prov)?;
        layers.push((digest, PROV_LAYER_MEDIA_TYPE, prov.len()));
    }
    layers.sort();
    let config = metadata_json(meta);
    let config_digest = client.push_blob(&r.repository, config.as_bytes())?;
    let layers: Vec<Value> = layers
        .into_iter()
        .map(|(digest, media_type, size)| json!({"mediaType": media_type, "digest": digest, "size": size}))
        .collect();
    let manifest = json!({
        "schemaVersion": 2,
        "config": {"mediaType": CONFIG_MEDIA_TYPE, "digest": config_digest, "size": config.len()},
        "layers": layers,
        "annotations": annotations(meta),
    });
    let manifest_bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Registry {
        reference: remote.to_owned(),
        message: e.to_string(),
    })?;
    let manifest_digest = client.push_manifest(&r.repository, &tag, &manifest_bytes)?;
    Ok(PushResult {
        display: r.display_with_tag(&tag),
        manifest_digest,
    })
}

/// The chart metadata as helm's `json.Marshal(meta)` writes it (struct field order).
fn metadata_json(meta: &charthouse_chart::Metadata) -> String {
    let v = to_json(&meta.to_json_value());
    serde_json::to_string(&v).unwrap_or_default()
}

fn to_json(v: &charthouse_goyaml::Value) -> Value {
    use charthouse_goyaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Int(i) => json!(i),
        Y::Float(f) => json!(f),
        Y::String(s) => Value::String(s.clone()),
        Y::Seq(s) => Value::Array(s.iter().map(to_json).collect()),
        Y::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        #[allow(unreachable_patterns)]
        _ => Value::Null,
    }
}

/// helm's `generateOCIAnnotations`: standard OCI annotations from the metadata, then the
/// chart's own annotations (except the version and title helm fixes).
fn annotations(meta: &charthouse_chart::Metadata) -> Value {
    let mut m = std::collections::BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        if !v.trim().is_empty() {
            m.insert(k.to_owned(), v.to_owned());
        }
    };
    put("org.opencontainers.image.description", &meta.description);
    put("org.opencontainers.image.title", &meta.name);
    put("org.opencontainers.image.version", &meta.version);
    put("org.opencontainers.image.url", &meta.home);
    put(
        "org.opencontainers.image.created",
        &chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    if let Some(src) = meta.sources.first() {
        put("org.opencontainers.image.source", src);
    }
    let authors: Vec<String> = meta
        .maintainers
        .iter()
        .map(|mt| match mt {
            Some(mt) if !mt.email.is_empty() => format!("{} ({})", mt.name, mt.email),
            Some(mt) => mt.name.clone(),
            None => String::new(),
        })
        .collect();
    if !authors.is_empty() {
        put("org.opencontainers.image.authors", &authors.join(", "));
    }
    for (k, v) in meta.annotations.iter().flatten() {
        if k != "org.opencontainers.image.version" && k != "org.opencontainers.image.title" {
            m.insert(k.clone(), v.clone());
        }
    }
    json!(m)
}

/// `registry login`: checks the credentials against the registry, then stores them.
pub fn login(
    host: &str,
    username: &str,
    password: &str,
    opts: &RegistryOptions,
    registry_config: &Path,
) -> Result<()> {
    let mut opts = opts.clone();
    opts.credentials = Some((username.to_owned(), password.to_owned()));
    RegistryClient::new(host, &opts)?.ping()?;
    let mut file = CredentialsFile::load(registry_config)?;
    file.set(host, username, password);
    file.write(registry_config)
}

/// `registry logout`: forgets the credentials of `host`. Like helm, a host without stored
/// credentials is not an error; returns whether there were any.
pub fn logout(host: &str, registry_config: &Path) -> Result<bool> {
    let mut file = CredentialsFile::load(registry_config)?;
    let removed = file.remove(host);
    if removed {
        file.write(registry_config)?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_selection() {
        let tags: Vec<String> = ["0.1.0", "0.2.0", "1.0.0-rc.1", "latest", "0.2.1_build.1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(select_tag("r", &tags, "").unwrap(), "0.2.1_build.1");
        assert_eq!(select_tag("r", &tags, "~0.1").unwrap(), "0.1.0");
        assert_eq!(select_tag("r", &tags, "latest").unwrap(), "latest");
        let err = select_tag("r", &tags, "^2").unwrap_err().to_string();
        assert!(err.contains("1.0.0-rc.1"), "{err}");
        assert!(select_tag("r", &[], "").is_err());
    }
}

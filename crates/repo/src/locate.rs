//! Finding a chart from what the user typed (helm's `ChartPathOptions.LocateChart` and
//! `ChartDownloader.DownloadToCache`): a local directory or archive, `REPO/CHART`, a chart in
//! the repository given by `--repo`, an archive URL, or `oci://…`. Remote charts land in the
//! content cache under their sha256, so a second use does not download again.

use std::path::{Path, PathBuf};

use crate::Paths;
use crate::error::{Error, Result};
use crate::http::{Client, HttpOptions};
use crate::index::IndexFile;
use crate::oci::{self, RegistryOptions};
use crate::repofile::{Entry, RepoFile};
use crate::repos::{cache_index_file, resolve_reference_url};

/// The chart-fetching flags helm shares between install, upgrade, template, pull and show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocateOptions {
    /// `--version`: an exact version or a Masterminds constraint; empty means the newest
    /// stable version.
    pub version: String,
    /// `--devel`: with no `--version`, allow pre-releases (`>0.0.0-0`).
    pub devel: bool,
    /// `--repo`: the chart repository URL to look the chart name up in.
    pub repo_url: String,
    /// `--username`.
    pub username: String,
    /// `--password`.
    pub password: String,
    /// `--pass-credentials`.
    pub pass_credentials_all: bool,
    /// `--ca-file`.
    pub ca_file: Option<PathBuf>,
    /// `--cert-file`.
    pub cert_file: Option<PathBuf>,
    /// `--key-file`.
    pub key_file: Option<PathBuf>,
    /// `--insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `--plain-http` (registries only).
    pub plain_http: bool,
    /// `--prov`: also fetch the provenance file (`URL.prov`, or the registry's provenance
    /// layer); it is not verified.
    pub provenance: bool,
}

impl LocateOptions {
    fn http(&self, credentials_url: &str) -> HttpOptions {
        HttpOptions {
            username: self.username.clone(),
            password: self.password.clone(),
            credentials_url: credentials_url.to_owned(),
            pass_credentials_all: self.pass_credentials_all,
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            timeout: None,
        }
    }

    /// The registry settings these flags give.
    pub fn registry(&self) -> RegistryOptions {
        RegistryOptions {
            plain_http: self.plain_http,
            http: self.http(""),
            credentials: (!self.username.is_empty())
                .then(|| (self.username.clone(), self.password.clone())),
        }
    }

    fn effective_version(&self) -> String {
        let v = self.version.trim();
        if v.is_empty() && self.devel {
            ">0.0.0-0".to_owned()
        } else {
            v.to_owned()
        }
    }
}

/// Where a located chart came from, for messages (`Pulled: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The chart directory or archive on disk.
    pub path: PathBuf,
    /// The chart version, when it was chosen from an index or registry.
    pub version: Option<String>,
    /// For OCI pulls: `registry/repository:tag` and the manifest digest.
    pub oci: Option<(String, String)>,
    /// The file name helm would save the archive as (`NAME-VERSION.tgz`) when pulled.
    pub file_name: String,
    /// The provenance file, with [`LocateOptions::provenance`], when the source has one.
    pub prov: Option<Vec<u8>>,
    /// Why a requested provenance file is missing, in helm's words
    /// (`WARNING: Verification not found for …`).
    pub prov_warning: Option<String>,
}

/// Finds the chart `reference` names and returns a path `charthouse_chart::load` can read:
/// a local directory or archive as it is, anything remote downloaded into the content cache
/// (`paths.content_cache/XX/SHA256.chart`, helm's layout).
///
/// This is the one entry point for commands that take a chart (template, install, upgrade,
/// pull, the stack). Errors name what failed: a missing local path, an unknown repository,
/// a chart or version missing from an index (with the versions that exist), an unreachable
/// server (URL and cause), 401/403, a digest mismatch.
pub fn locate_chart(reference: &str, opts: &LocateOptions, paths: &Paths) -> Result<PathBuf> {
    Ok(locate(reference, opts, paths)?.path)
}

/// [`locate_chart`] with the details `pull` prints.
pub fn locate(reference: &str, opts: &LocateOptions, paths: &Paths) -> Result<Located> {
    let name = reference.trim();
    let version = opts.effective_version();
    if oci::is_oci(name) {
        return locate_oci(name, &version, opts, paths);
    }
    if opts.repo_url.is_empty() {
        let p = Path::new(name);
        if p.exists() {
            let abs = std::path::absolute(p).map_err(|e| Error::io("resolving", p, e))?;
            return Ok(Located {
                file_name: abs
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path: abs,
                version: None,
                oci: None,
                prov: None,
                prov_warning: None,
            });
        }
        if p.is_absolute() || name.starts_with('.') {
            return Err(Error::usage(format!("path {name:?} not found")));
        }
    }
    let (url, digest, http, version_found) = if !opts.repo_url.is_empty() {
        find_in_repo_url(name, &version, opts)?
    } else if name.contains("://") {
        let (http, _) = http_for_url(name, opts, paths)?;
        (name.to_owned(), String::new(), http, None)
    } else {
        find_in_named_repo(name, &version, opts, paths)?
    };
    let path = download(&url, &digest, &http, paths)?;
    let (mut prov, mut prov_warning) = (None, None);
    if opts.provenance {
        let prov_url = format!("{url}.prov");
        match Client::new(&http).and_then(|c| c.get(&prov_url, None)) {
            Ok(data) => prov = Some(data),
            Err(e) => {
                prov_warning = Some(format!("WARNING: Verification not found for {name}: {e}"))
            }
        }
    }
    let file_name = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or_default()
        .to_owned();
    Ok(Located {
        path,
        version: version_found,
        oci: None,
        file_name,
        prov,
        prov_warning,
    })
}

/// Downloads a chart archive into the content cache, unless the cache already holds the
/// archive with `digest` (hex, may be empty); checks the digest and that it is a chart.
pub(crate) fn download(
    url: &str,
    digest: &str,
    http: &HttpOptions,
    paths: &Paths,
) -> Result<PathBuf> {
    let cached = (!digest.is_empty())
        .then(|| cache_path(&paths.content_cache, digest))
        .filter(|p| p.metadata().is_ok_and(|m| m.is_file() && m.len() > 0));
    if let Some(p) = cached {
        return Ok(p);
    }
    let client = Client::new(http)?;
    let data = client.get(url, Some("application/gzip,application/octet-stream"))?;
    let actual = crate::digest::digest(&data);
    if !digest.is_empty()
        && !digest
            .trim_start_matches("sha256:")
            .eq_ignore_ascii_case(&actual)
    {
        return Err(Error::DigestMismatch {
            what: url.to_owned(),
            expected: digest.to_owned(),
            actual,
        });
    }
    check_archive(&data, url)?;
    let path = cache_path(&paths.content_cache, &actual);
    crate::fsutil::atomic_write(&path, &data, 0o644)?;
    Ok(path)
}

/// helm's content cache path for a sha256 (hex, optionally `sha256:`-prefixed).
pub fn cache_path(content_cache: &Path, digest: &str) -> PathBuf {
    let hex = digest.trim_start_matches("sha256:").to_ascii_lowercase();
    let prefix = hex.get(..2).unwrap_or("00");
    content_cache.join(prefix).join(format!("{hex}.chart"))
}

/// Refuses data that is not a loadable chart archive.
pub fn check_archive(data: &[u8], what: &str) -> Result<()> {
    charthouse_chart::load_archive(data)
        .map(|_| ())
        .map_err(|e| Error::CorruptArchive {
            what: what.to_owned(),
            message: e.to_string(),
        })
}

fn locate_oci(name: &str, version: &str, opts: &LocateOptions, paths: &Paths) -> Result<Located> {
    let r = oci::Reference::parse(name)?;
    let ropts = oci::options_for(&r.registry, opts.registry(), &paths.registry_config)?;
    let cache = &paths.content_cache;
    let pulled = oci::pull(name, version, &ropts, opts.provenance, |digest| {
        std::fs::read(cache_path(cache, digest))
            .ok()
            .filter(|d| !d.is_empty())
    })?;
    check_archive(&pulled.data, &pulled.display)?;
    let path = cache_path(cache, &pulled.layer_digest);
    if !path.is_file() {
        crate::fsutil::atomic_write(&path, &pulled.data, 0o644)?;
    }
    let version = oci::tag_to_version(&pulled.tag);
    Ok(Located {
        path,
        file_name: format!("{}-{version}.tgz", r.chart_name()),
        version: Some(version),
        prov_warning: (opts.provenance && pulled.prov.is_none()).then(|| {
            format!(
                "WARNING: Verification not found for {name}: no provenance layer in the manifest"
            )
        }),
        prov: pulled.prov,
        oci: Some((pulled.display, pulled.manifest_digest)),
    })
}

/// helm's `FindChartInRepoURL`: fetch the index of `--repo`, pick the version, make the URL
/// absolute. Credentials go along only when the chart lives on the repository's host.
fn find_in_repo_url(
    name: &str,
    version: &str,
    opts: &LocateOptions,
) -> Result<(String, String, HttpOptions, Option<String>)> {
    let http = opts.http(&opts.repo_url);
    let client = Client::new(&http)?;
    let index_url = resolve_reference_url(&opts.repo_url, "index.yaml");
    let index = client
        .get(&index_url, None)
        .and_then(|data| IndexFile::parse(&data, &opts.repo_url))
        .map_err(|e| Error::NotARepository {
            url: opts.repo_url.clone(),
            cause: Box::new(e),
        })?;
    let cv = index
        .get(name, version)
        .map_err(|reason| Error::ChartNotFound {
            chart: name.to_owned(),
            version: version.to_owned(),
            repo: opts.repo_url.clone(),
            reason,
            nearest: index.nearest_versions(name, 5),
        })?;
    let first = cv
        .urls
        .first()
        .ok_or_else(|| Error::usage(format!("chart {name:?} has no downloadable URLs")))?;
    let url = resolve_reference_url(&opts.repo_url, first);
    Ok((url, cv.digest.clone(), http, Some(cv.version.clone())))
}

/// `REPO/CHART`: the cached index of the named repository, its credentials and TLS settings.
fn find_in_named_repo(
    name: &str,
    version: &str,
    opts: &LocateOptions,
    paths: &Paths,
) -> Result<(String, String, HttpOptions, Option<String>)> {
    let Some((repo_name, chart)) = name.split_once('/') else {
        return Err(Error::InvalidReference {
            reference: name.to_owned(),
            message: format!(
                "non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
            ),
        });
    };
    let file = RepoFile::load_or_default(&paths.repository_config)?;
    let entry = file.get(repo_name).ok_or_else(|| Error::RepoNotFound {
        name: repo_name.to_owned(),
    })?;
    if entry.url.is_empty() {
        return Err(Error::usage(format!(
            "no URL found for repository {repo_name}"
        )));
    }
    let index = IndexFile::load(&cache_index_file(&paths.repository_cache, repo_name))
        .map_err(|e| Error::NoCachedIndex { cause: Box::new(e) })?;
    let cv = index
        .get(chart, version)
        .map_err(|reason| Error::ChartNotFound {
            chart: chart.to_owned(),
            version: version.to_owned(),
            repo: repo_name.to_owned(),
            reason,
            nearest: index.nearest_versions(chart, 5),
        })?;
    let first = cv
        .urls
        .first()
        .ok_or_else(|| Error::usage(format!("chart {name:?} has no downloadable URLs")))?;
    let url = resolve_reference_url(&entry.url, first);
    Ok((
        url,
        cv.digest.clone(),
        merged_http(entry, opts),
        Some(cv.version.clone()),
    ))
}

/// The repository's settings, with the command's flags taking over where given.
fn merged_http(entry: &Entry, opts: &LocateOptions) -> HttpOptions {
    let mut http = entry.http_options();
    if !opts.username.is_empty() {
        http.username = opts.username.clone();
        http.password = opts.password.clone();
    }
    http.pass_credentials_all |= opts.pass_credentials_all;
    http.insecure_skip_tls_verify |= opts.insecure_skip_tls_verify;
    if opts.ca_file.is_some() {
        http.ca_file = opts.ca_file.clone();
    }
    if opts.cert_file.is_some() {
        http.cert_file = opts.cert_file.clone();
        http.key_file = opts.key_file.clone();
    }
    http
}

/// A plain URL: if it lies under a configured repository, that repository's credentials and
/// TLS settings apply (helm's `scanReposForURL`).
fn http_for_url(
    url: &str,
    opts: &LocateOptions,
    paths: &Paths,
) -> Result<(HttpOptions, Option<Entry>)> {
    let file = RepoFile::load_or_default(&paths.repository_config)?;
    let owner = file
        .repositories
        .iter()
        .find(|e| !e.url.is_empty() && url.starts_with(e.url.trim_end_matches('/')))
        .cloned();
    match owner {
        Some(e) => Ok((merged_http(&e, opts), Some(e))),
        None => Ok((opts.http(url), None)),
    }
}

//! `dependency update|build|list` (helm's `pkg/downloader/manager.go`,
//! `internal/resolver/resolver.go`, `pkg/action/dependency.go`): resolve `Chart.yaml`
//! dependencies against repositories (by URL, `@name`/`alias:name`, `oci://`, `file://`),
//! download them into `charts/`, and write `Chart.lock` with helm's digest so either tool
//! accepts the other's lock.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use charthouse_chart::semver::{Constraints, Version};
use charthouse_chart::{Dependency, Lock};
use charthouse_goyaml::Value;

use crate::Paths;
use crate::error::{Error, Result};
use crate::index::IndexFile;
use crate::locate::{LocateOptions, download, locate};
use crate::oci;
use crate::repofile::{Entry, RepoFile};
use crate::repos::{cache_index_file, download_index, resolve_reference_url};

/// Options of `dependency update|build`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DependencyOptions {
    /// `--skip-refresh`: do not refresh the configured repositories' indexes first.
    pub skip_refresh: bool,
    /// Registry and download settings (`--plain-http`, TLS, credentials).
    pub locate: LocateOptions,
    /// Print `Pulled:`/`Digest:` for registry charts: helm's `dependency` commands do, the
    /// `--dependency-update` of install, upgrade and template does not.
    pub print_registry_pulls: bool,
}

/// helm's prefix for the cache names of repositories only named by URL in `Chart.yaml`.
const MANAGER_KEY_PREFIX: &str = "helm-manager-";

fn dep_error(message: impl Into<String>) -> Error {
    Error::Dependency {
        message: message.into(),
    }
}

/// encoding/json's text of a string (HTML characters escaped, as `json.Marshal` does).
fn json_str(s: &str) -> String {
    charthouse_goyaml::json_marshal(&Value::String(s.to_owned())).unwrap_or_default()
}

/// A dependency as `json.Marshal` writes helm's `chart.Dependency` (struct field order,
/// `omitempty`), for the lock digest.
fn dependency_json(d: &Dependency) -> String {
    let mut out = format!("{{\"name\":{}", json_str(&d.name));
    if !d.version.is_empty() {
        let _ = write!(out, ",\"version\":{}", json_str(&d.version));
    }
    let _ = write!(out, ",\"repository\":{}", json_str(&d.repository));
    if !d.condition.is_empty() {
        let _ = write!(out, ",\"condition\":{}", json_str(&d.condition));
    }
    if !d.tags.is_empty() {
        let tags: Vec<String> = d.tags.iter().map(|t| json_str(t)).collect();
        let _ = write!(out, ",\"tags\":[{}]", tags.join(","));
    }
    if d.enabled {
        out.push_str(",\"enabled\":true");
    }
    if !d.import_values.is_empty() {
        let values = charthouse_goyaml::json_marshal(&Value::Seq(d.import_values.clone()))
            .unwrap_or_default();
        let _ = write!(out, ",\"import-values\":{values}");
    }
    if !d.alias.is_empty() {
        let _ = write!(out, ",\"alias\":{}", json_str(&d.alias));
    }
    out.push('}');
    out
}

fn deps_json(deps: &[Dependency]) -> String {
    let items: Vec<String> = deps.iter().map(dependency_json).collect();
    format!("[{}]", items.join(","))
}

/// helm's `HashReq`: `sha256:` + sha256 of the JSON of `[requirements, locked]`.
pub fn hash_req(req: &[Dependency], locked: &[Dependency]) -> String {
    let data = format!("[{},{}]", deps_json(req), deps_json(locked));
    format!("sha256:{}", crate::digest::digest(data.as_bytes()))
}

fn constraint(d: &Dependency) -> Result<Constraints> {
    Constraints::parse(&d.version).ok_or_else(|| {
        dep_error(format!(
            "dependency {:?} has an invalid version/constraint format: improper constraint: {}",
            d.name, d.version
        ))
    })
}

/// helm's `GetLocalPath`: a `file://` path relative to the chart directory.
fn local_path(repository: &str, chart_dir: &Path) -> Result<PathBuf> {
    let p = repository.trim_start_matches("file://");
    let path = if p.starts_with('/') {
        PathBuf::from(p)
    } else {
        chart_dir.join(p)
    };
    if !path.exists() {
        return Err(dep_error(format!("directory {} not found", path.display())));
    }
    Ok(path)
}

fn urls_equal(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// helm's `resolveRepoNames`: the repository name for each dependency (by chart name);
/// `@name` and `alias:name` are replaced by the repository URL in `deps`.
fn resolve_repo_names(
    deps: &mut [Dependency],
    file: &RepoFile,
    chart_dir: &Path,
) -> Result<BTreeMap<String, String>> {
    let mut names = BTreeMap::new();
    let mut missing = Vec::new();
    for d in deps.iter_mut() {
        if d.repository.is_empty() {
            continue;
        }
        if d.repository.starts_with("file://") {
            local_path(&d.repository, chart_dir)?;
            names.insert(d.name.clone(), d.repository.clone());
            continue;
        }
        if oci::is_oci(&d.repository) {
            names.insert(d.name.clone(), d.repository.clone());
            continue;
        }
        let alias = d
            .repository
            .strip_prefix('@')
            .or_else(|| d.repository.strip_prefix("alias:"));
        let found = file.repositories.iter().find(|r| match alias {
            Some(a) => a == r.name,
            None => urls_equal(&r.url, &d.repository),
        });
        match found {
            Some(r) => {
                if alias.is_some() {
                    d.repository = r.url.clone();
                }
                names.insert(d.name.clone(), r.name.clone());
            }
            None if d.repository.contains("://") => {}
            None => missing.push(d.repository.clone()),
        }
    }
    if !missing.is_empty() {
        let mut msg = format!(
            "no repository definition for {}. Please add them via 'helm repo add'",
            missing.join(", ")
        );
        if missing
            .iter()
            .any(|r| !r.contains("//") && !r.starts_with('@') && !r.starts_with("alias:"))
        {
            msg.push_str("\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" instead of\n\"example\". Don't forget to add the repo, too ('helm repo add').");
        }
        return Err(dep_error(msg));
    }
    Ok(names)
}

/// The progress lines of a parallel index refresh, helm's wording; failures are errors.
fn refresh(entries: &[Entry], paths: &Paths, out: &mut String) -> Result<()> {
    let cache = &paths.repository_cache;
    let results: Vec<(String, Result<PathBuf>)> = std::thread::scope(|s| {
        let handles: Vec<_> = entries
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    s.spawn(move || download_index(e, cache, None)),
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|(n, h)| {
                let r = h
                    .join()
                    .unwrap_or_else(|_| Err(dep_error("index refresh failed unexpectedly")));
                (n, r)
            })
            .collect()
    });
    for (name, r) in results {
        match r {
            Ok(_) => {
                let _ = writeln!(
                    out,
                    "...Successfully got an update from the {name:?} chart repository"
                );
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "...Unable to get an update from the {name:?} chart repository:\n\t{e}"
                );
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Registers repositories named only by URL under helm's manager names and fetches them.
fn ensure_unmanaged(
    deps: &[Dependency],
    names: &mut BTreeMap<String, String>,
    opts: &DependencyOptions,
    paths: &Paths,
    out: &mut String,
) -> Result<Vec<Entry>> {
    let mut extra = Vec::new();
    for d in deps {
        if d.repository.is_empty() || names.contains_key(&d.name) {
            continue;
        }
        let name = format!(
            "{MANAGER_KEY_PREFIX}{}",
            crate::digest::digest(d.repository.as_bytes())
        );
        names.insert(d.name.clone(), name.clone());
        extra.push(Entry {
            name,
            url: d.repository.clone(),
            ..Entry::default()
        });
    }
    if !opts.skip_refresh && !extra.is_empty() {
        out.push_str("Getting updates for unmanaged Helm repositories...\n");
        refresh(&extra, paths, out)?;
    }
    Ok(extra)
}

fn refresh_configured(
    file: &RepoFile,
    opts: &DependencyOptions,
    paths: &Paths,
    out: &mut String,
) -> Result<()> {
    if opts.skip_refresh || file.repositories.is_empty() {
        return Ok(());
    }
    out.push_str("Hang tight while we grab the latest from your chart repositories...\n");
    refresh(&file.repositories, paths, out)?;
    out.push_str("Update Complete. ⎈Happy Helming!⎈\n");
    Ok(())
}

/// helm's `Resolver.Resolve`: the version each dependency locks to.
fn resolve(
    deps: &[Dependency],
    names: &BTreeMap<String, String>,
    chart_dir: &Path,
    opts: &DependencyOptions,
    paths: &Paths,
) -> Result<Vec<Dependency>> {
    let mut locked = Vec::new();
    let mut missing = Vec::new();
    for d in deps {
        let c = constraint(d)?;
        let lock = |version: String| Dependency {
            name: d.name.clone(),
            repository: d.repository.clone(),
            version,
            ..Dependency::default()
        };
        let miss = || {
            format!(
                "{:?} (repository {:?}, version {:?})",
                d.name, d.repository, d.version
            )
        };
        if d.repository.is_empty() {
            local_path(&format!("charts/{}", d.name), chart_dir)?;
            locked.push(lock(d.version.clone()));
            continue;
        }
        if d.repository.starts_with("file://") {
            let sub = charthouse_chart::load_dir(local_path(&d.repository, chart_dir)?)?;
            match Version::parse(&sub.metadata.version) {
                Some(v) if c.check(&v) => locked.push(lock(sub.metadata.version.clone())),
                Some(_) => {
                    missing.push(miss());
                    locked.push(lock(d.version.clone()));
                }
                None => locked.push(lock(d.version.clone())),
            }
            continue;
        }
        let candidates: Vec<String> = if oci::is_oci(&d.repository) {
            if Version::parse(&d.version).is_some() {
                vec![d.version.clone()]
            } else {
                let r = oci::Reference::parse(&format!(
                    "{}/{}",
                    d.repository.trim_end_matches('/'),
                    d.name
                ))?;
                let ropts =
                    oci::options_for(&r.registry, opts.locate.registry(), &paths.registry_config)?;
                let mut tags: Vec<(Version, String)> =
                    oci::RegistryClient::new(&r.registry, &ropts)?
                        .tags(&r.repository)?
                        .into_iter()
                        .filter_map(|t| Version::parse(&t).map(|v| (v, t)))
                        .collect();
                tags.sort_by(|a, b| b.0.cmp_precedence(&a.0));
                tags.into_iter().map(|(_, t)| t).collect()
            }
        } else {
            let repo_name = names.get(&d.name).cloned().unwrap_or_default();
            let index = IndexFile::load(&cache_index_file(&paths.repository_cache, &repo_name))
                .map_err(|e| {
                    dep_error(format!(
                        "no cached repository for {repo_name} found. (try 'helm repo update'): {e}"
                    ))
                })?;
            let versions = index.entries.get(&d.name).ok_or_else(|| {
                dep_error(format!(
                    "{} chart not found in repo {}",
                    d.name, d.repository
                ))
            })?;
            versions
                .iter()
                .filter(|v| !v.urls.is_empty())
                .map(|v| v.version.clone())
                .collect()
        };
        match candidates
            .into_iter()
            .find(|t| Version::parse(t).is_some_and(|v| c.check(&v)))
        {
            Some(v) => locked.push(lock(v)),
            None => {
                missing.push(miss());
                locked.push(lock(d.version.clone()));
            }
        }
    }
    if !missing.is_empty() {
        return Err(dep_error(format!(
            "can't get a valid version for {} subchart(s): {}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml",
            missing.len(),
            missing.join(", ")
        )));
    }
    Ok(locked)
}

/// helm's `downloadAll`: fetches every locked dependency into a temporary directory, then
/// moves them into `charts/` and deletes archives no dependency needs any more.
fn download_all(
    locked: &[Dependency],
    names: &BTreeMap<String, String>,
    extra: &[Entry],
    chart_dir: &Path,
    opts: &DependencyOptions,
    paths: &Paths,
    out: &mut String,
) -> Result<()> {
    let dest = chart_dir.join("charts");
    std::fs::create_dir_all(&dest).map_err(|e| Error::io("creating directory", &dest, e))?;
    let tmp = tempfile::Builder::new()
        .prefix("tmpcharts-")
        .tempdir_in(chart_dir)
        .map_err(|e| Error::io("creating a directory in", chart_dir, e))?;
    let file = RepoFile::load_or_default(&paths.repository_config)?;
    let _ = writeln!(out, "Saving {} charts", locked.len());
    let mut local_deps = HashSet::new();
    let mut fetched = HashSet::new();
    for d in locked {
        if d.repository.is_empty() {
            let _ = writeln!(
                out,
                "Dependency {} did not declare a repository. Assuming it exists in the charts directory",
                d.name
            );
            local_deps.insert(d.name.clone());
            let sub = charthouse_chart::load_dir(dest.join(&d.name))?;
            let ok = Version::parse(&sub.metadata.version)
                .is_some_and(|v| constraint(d).is_ok_and(|c| c.check(&v)));
            if !ok {
                return Err(dep_error(format!(
                    "dependency {} at version {} does not satisfy the constraint {}",
                    d.name, sub.metadata.version, d.version
                )));
            }
            continue;
        }
        if d.repository.starts_with("file://") {
            let sub = charthouse_chart::load_dir(local_path(&d.repository, chart_dir)?)?;
            crate::package::save(&sub, tmp.path())?;
            continue;
        }
        // Each remote dependency is fetched once (helm's `churls`), announced before the
        // download as helm does; registry pulls add helm's `Pulled:`/`Digest:` lines.
        let already = |key: &str, fetched: &mut HashSet<String>, out: &mut String| {
            if fetched.insert(key.to_owned()) {
                let _ = writeln!(out, "Downloading {} from repo {}", d.name, d.repository);
                false
            } else {
                let _ = writeln!(
                    out,
                    "Already downloaded {} from repo {}",
                    d.name, d.repository
                );
                true
            }
        };
        let (path, file_name) = if oci::is_oci(&d.repository) {
            let reference = format!(
                "{}/{}:{}",
                d.repository.trim_end_matches('/'),
                d.name,
                oci::version_to_tag(&d.version)
            );
            if already(&reference, &mut fetched, out) {
                continue;
            }
            let located = locate(&reference, &opts.locate, paths)?;
            if let Some((display, digest)) = &located.oci
                && opts.print_registry_pulls
            {
                let _ = writeln!(out, "Pulled: {display}\nDigest: {digest}");
            }
            (located.path, format!("{}-{}.tgz", d.name, d.version))
        } else {
            let repo_name = names.get(&d.name).cloned().unwrap_or_default();
            let entry = file
                .get(&repo_name)
                .or_else(|| extra.iter().find(|e| e.name == repo_name))
                .cloned()
                .unwrap_or_else(|| Entry {
                    name: repo_name.clone(),
                    url: d.repository.clone(),
                    ..Entry::default()
                });
            let index = IndexFile::load(&cache_index_file(&paths.repository_cache, &repo_name))?;
            let cv = index.get(&d.name, &d.version).map_err(|reason| {
                dep_error(format!(
                    "could not find {}: chart {} not found in {}: {reason}",
                    d.repository, d.name, d.repository
                ))
            })?;
            let first = cv.urls.first().cloned().unwrap_or_default();
            let url = resolve_reference_url(&entry.url, &first);
            if already(&url, &mut fetched, out) {
                continue;
            }
            let name = url
                .split(['?', '#'])
                .next()
                .and_then(|u| u.rsplit('/').next())
                .unwrap_or_default()
                .to_owned();
            let path = download(&url, &cv.digest, &entry.http_options(), paths)
                .map_err(|e| dep_error(format!("could not download {url}: {e}")))?;
            (path, name)
        };
        let target = tmp.path().join(&file_name);
        std::fs::copy(&path, &target).map_err(|e| Error::io("writing", &target, e))?;
    }
    let mut moved = HashSet::new();
    for entry in
        std::fs::read_dir(tmp.path()).map_err(|e| Error::io("reading directory", tmp.path(), e))?
    {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let target = dest.join(&name);
        std::fs::rename(entry.path(), &target).map_err(|e| Error::io("moving into", &target, e))?;
        moved.insert(name);
    }
    out.push_str("Deleting outdated charts\n");
    for entry in std::fs::read_dir(&dest).map_err(|e| Error::io("reading directory", &dest, e))? {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        if path.is_dir() || moved.contains(&entry.file_name()) {
            continue;
        }
        let Ok(sub) = charthouse_chart::load(&path) else {
            let _ = writeln!(
                out,
                "Could not verify {} for deletion (Skipping)",
                path.display()
            );
            continue;
        };
        if local_deps.contains(sub.metadata.name.as_str()) {
            continue;
        }
        std::fs::remove_file(&path).map_err(|e| Error::io("removing", &path, e))?;
    }
    Ok(())
}

fn declared(chart: &charthouse_chart::Chart) -> Vec<Dependency> {
    chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .cloned()
        .collect()
}

/// `dependency update`: resolve, download into `charts/`, write `Chart.lock` when its
/// digest changed. Progress lines (helm's) are appended to `out`.
pub fn update(
    chart_dir: &Path,
    opts: &DependencyOptions,
    paths: &Paths,
    out: &mut String,
) -> Result<()> {
    let chart = charthouse_chart::load_dir(chart_dir)?;
    let mut req = declared(&chart);
    if req.is_empty() {
        return Ok(());
    }
    let file = RepoFile::load_or_default(&paths.repository_config)?;
    let mut names = resolve_repo_names(&mut req, &file, chart_dir)?;
    let extra = ensure_unmanaged(&req, &mut names, opts, paths, out)?;
    refresh_configured(&file, opts, paths, out)?;
    let locked = resolve(&req, &names, chart_dir, opts, paths)?;
    download_all(&locked, &names, &extra, chart_dir, opts, paths, out)?;
    let digest = hash_req(&req, &locked);
    if chart.lock.as_ref().is_some_and(|l| l.digest == digest) {
        return Ok(());
    }
    let lock = Lock {
        generated: crate::index::go_time_now(),
        digest,
        dependencies: locked.into_iter().map(Some).collect(),
    };
    let name = if chart.metadata.api_version == "v1" {
        "requirements.lock"
    } else {
        "Chart.lock"
    };
    let path = chart_dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(dep_error(format!("the {name} file is a symlink")));
    }
    let text = crate::package::lock_to_yaml(&lock)?;
    std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))
}

/// helm's `--dependency-update` for install, upgrade and template: when the chart directory
/// lacks dependencies that `Chart.yaml` declares, run [`update`]. Returns whether it did.
pub fn update_if_missing(
    chart_dir: &Path,
    opts: &DependencyOptions,
    paths: &Paths,
    out: &mut String,
) -> Result<bool> {
    if !chart_dir.is_dir() {
        return Ok(false);
    }
    let chart = charthouse_chart::load_dir(chart_dir)?;
    if charthouse_chart::check_dependencies(&chart).is_ok() {
        return Ok(false);
    }
    update(chart_dir, opts, paths, out)?;
    Ok(true)
}

/// `dependency build`: download exactly what `Chart.lock` names, after checking it still
/// matches `Chart.yaml`; without a lock, as `update`.
pub fn build(
    chart_dir: &Path,
    opts: &DependencyOptions,
    paths: &Paths,
    out: &mut String,
) -> Result<()> {
    let chart = charthouse_chart::load_dir(chart_dir)?;
    let Some(lock) = chart.lock.clone() else {
        return update(chart_dir, opts, paths, out);
    };
    let mut req = declared(&chart);
    let file = RepoFile::load_or_default(&paths.repository_config)?;
    let mut names = resolve_repo_names(&mut req, &file, chart_dir)?;
    let locked: Vec<Dependency> = lock.dependencies.iter().flatten().cloned().collect();
    if hash_req(&req, &locked) != lock.digest {
        return Err(dep_error(
            "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies with 'helm dependency update'",
        ));
    }
    let extra = ensure_unmanaged(&req, &mut names, opts, paths, out)?;
    refresh_configured(&file, opts, paths, out)?;
    download_all(&locked, &names, &extra, chart_dir, opts, paths, out)
}

/// `dependency list`: helm's table (NAME, VERSION, REPOSITORY, STATUS) and warnings.
pub fn list(chart_path: &Path, max_width: usize) -> Result<String> {
    let chart = charthouse_chart::load(chart_path)?;
    let deps = declared(&chart);
    if deps.is_empty() {
        return Ok(format!(
            "WARNING: no dependencies at {}\n",
            chart_path.join("charts").display()
        ));
    }
    let mut rows = vec![vec![
        "NAME".to_owned(),
        "VERSION".to_owned(),
        "REPOSITORY".to_owned(),
        "STATUS".to_owned(),
    ]];
    for d in &deps {
        rows.push(vec![
            d.name.clone(),
            d.version.clone(),
            d.repository.clone(),
            status(chart_path, d, &chart),
        ]);
    }
    let mut out = crate::table::render(&rows, max_width);
    out.push('\n');
    if let Ok(entries) = std::fs::read_dir(chart_path.join("charts")) {
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if !p.is_dir() && p.extension().is_none_or(|e| e != "tgz") {
                continue;
            }
            match charthouse_chart::load(&p) {
                Err(_) => {
                    let _ = writeln!(
                        out,
                        "WARNING: {:?} is not a chart.",
                        p.display().to_string()
                    );
                }
                Ok(c) if !deps.iter().any(|d| d.name == c.metadata.name) => {
                    let _ = writeln!(
                        out,
                        "WARNING: {:?} is not in Chart.yaml.",
                        p.display().to_string()
                    );
                }
                Ok(_) => {}
            }
        }
    }
    Ok(out)
}

fn version_status(found: &str, d: &Dependency) -> Option<&'static str> {
    if found == d.version {
        return None;
    }
    let Some(c) = Constraints::parse(&d.version) else {
        return Some("invalid version");
    };
    match Version::parse(found) {
        None => Some("invalid version"),
        Some(v) if !c.check(&v) => Some("wrong version"),
        Some(_) => None,
    }
}

/// helm's `dependencyStatus`.
fn status(chart_path: &Path, d: &Dependency, parent: &charthouse_chart::Chart) -> String {
    let prefix = format!("{}-", d.name);
    let archives: Vec<PathBuf> = std::fs::read_dir(chart_path.join("charts"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|f| f.to_str())
                        .is_some_and(|f| f.starts_with(&prefix) && f.ends_with(".tgz"))
                })
                .collect()
        })
        .unwrap_or_default();
    let archive = match archives.len() {
        0 => None,
        1 => archives.first().cloned(),
        _ => {
            let strict: Vec<&PathBuf> = archives
                .iter()
                .filter(|p| {
                    let stem = p.file_stem().and_then(|f| f.to_str()).unwrap_or_default();
                    is_strict_semver(stem.trim_start_matches(&prefix))
                })
                .collect();
            match strict.len() {
                1 => strict.first().map(|p| (*p).clone()),
                0 => None,
                _ => return "too many matches".into(),
            }
        }
    };
    if let Some(a) = archive {
        return match charthouse_chart::load(&a) {
            Err(_) => "corrupt".into(),
            Ok(c) if c.metadata.name != d.name => "misnamed".into(),
            Ok(c) => version_status(&c.metadata.version, d)
                .unwrap_or("ok")
                .into(),
        };
    }
    match parent
        .dependencies
        .iter()
        .rev()
        .find(|c| c.metadata.name == d.name)
    {
        None => "missing".into(),
        Some(c) => version_status(&c.metadata.version, d)
            .unwrap_or("unpacked")
            .into(),
    }
}

/// Masterminds' `StrictNewVersion`: `MAJOR.MINOR.PATCH[-pre][+meta]`, no `v`, no shortcuts.
fn is_strict_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && Version::parse(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_req_escapes_like_encoding_json() {
        let req = vec![Dependency {
            name: "db".into(),
            version: ">=1.0.0 <2".into(),
            repository: "https://charts.example.com".into(),
            condition: "db.enabled".into(),
            ..Dependency::default()
        }];
        let lock = vec![Dependency {
            name: "db".into(),
            version: "1.2.0".into(),
            repository: "https://charts.example.com".into(),
            ..Dependency::default()
        }];
        assert_eq!(
            format!("[{},{}]", deps_json(&req), deps_json(&lock)),
            r#"[[{"name":"db","version":"\u003e=1.0.0 \u003c2","repository":"https://charts.example.com","condition":"db.enabled"}],[{"name":"db","version":"1.2.0","repository":"https://charts.example.com"}]]"#
        );
        assert!(hash_req(&req, &lock).starts_with("sha256:"));
    }

    #[test]
    fn strict_semver() {
        assert!(is_strict_semver("1.2.3"));
        assert!(is_strict_semver("1.2.3-rc.1"));
        assert!(!is_strict_semver("1.2"));
        assert!(!is_strict_semver("v1.2.3"));
    }
}

//! The configured repositories: `repo add`, `repo update` (in parallel), `repo remove` and
//! the index cache (`NAME-index.yaml`, `NAME-charts.txt`), as helm's `pkg/cmd/repo_*.go` and
//! `ChartRepository.DownloadIndexFile` keep them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Paths;
use crate::error::{Error, Result};
use crate::http::Client;
use crate::index::IndexFile;
use crate::repofile::{Entry, RepoFile};

/// `NAME-index.yaml`: the cached index of repository NAME (helm's `helmpath.CacheIndexFile`).
pub fn cache_index_file(cache: &Path, name: &str) -> PathBuf {
    cache.join(format!("{name}-index.yaml"))
}

/// `NAME-charts.txt`: the chart names of repository NAME, one a line.
pub fn cache_charts_file(cache: &Path, name: &str) -> PathBuf {
    cache.join(format!("{name}-charts.txt"))
}

/// helm's `ResolveReferenceURL`: `reference` relative to the repository URL treated as a
/// directory; the base's query string is kept.
pub fn resolve_reference_url(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_owned();
    }
    let (base_no_query, query) = match base.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (base, None),
    };
    let dir = format!("{}/", base_no_query.trim_end_matches('/'));
    let joined = if let Some(abs) = reference.strip_prefix('/') {
        let origin_end = dir
            .find("://")
            .and_then(|i| dir[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(dir.len());
        format!("{}/{abs}", &dir[..origin_end])
    } else {
        format!("{dir}{}", reference.split('?').next().unwrap_or(reference))
    };
    match query {
        Some(q) => format!("{joined}?{q}"),
        None => joined,
    }
}

/// Downloads the repository's index, checks it parses, and writes the cache files atomically:
/// on failure the previous cache stays as it was. Returns the cached index path.
pub fn download_index(entry: &Entry, cache: &Path, timeout: Option<Duration>) -> Result<PathBuf> {
    let mut opts = entry.http_options();
    opts.timeout = timeout;
    let client = Client::new(&opts)?;
    let url = resolve_reference_url(&entry.url, "index.yaml");
    let data = client.get(&url, None)?;
    let index = IndexFile::parse(&data, &entry.url)?;
    let mut names = String::new();
    for name in index.entries.keys() {
        names.push_str(name);
        names.push('\n');
    }
    crate::fsutil::atomic_write(
        &cache_charts_file(cache, &entry.name),
        names.as_bytes(),
        0o644,
    )?;
    let path = cache_index_file(cache, &entry.name);
    crate::fsutil::atomic_write(&path, &data, 0o644)?;
    crate::summary::write(cache, &entry.name, &path, &index);
    Ok(path)
}

/// Reads the cached index of repository `name`.
pub fn load_cached_index(cache: &Path, name: &str) -> Result<IndexFile> {
    IndexFile::load(&cache_index_file(cache, name))
}

/// What `repo add` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    /// The repository was added (or replaced with `--force-update`).
    Added,
    /// An identical entry existed; nothing changed.
    AlreadyExists,
}

/// Holds helm's lock file beside the repositories file while it is read and rewritten, so
/// concurrent `repo add` runs (of helm or charthouse) do not lose entries.
struct RepoFileLock {
    _file: std::fs::File,
}

fn lock_repo_file(repo_file: &Path) -> Result<RepoFileLock> {
    let lock_path = match repo_file.extension() {
        Some(_) => repo_file.with_extension("lock"),
        None => PathBuf::from(format!("{}.lock", repo_file.display())),
    };
    if let Some(dir) = lock_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating directory", dir, e))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io("opening", &lock_path, e))?;
    file.lock()
        .map_err(|e| Error::io("locking", &lock_path, e))?;
    Ok(RepoFileLock { _file: file })
}

/// `repo add`: checks the name, fetches the index (the repository must answer), then records
/// the entry (helm's `repoAddOptions.run`).
pub fn add(
    paths: &Paths,
    entry: Entry,
    force_update: bool,
    timeout: Option<Duration>,
) -> Result<AddOutcome> {
    let _lock = lock_repo_file(&paths.repository_config)?;
    let mut file = RepoFile::load(&paths.repository_config)?.unwrap_or_else(RepoFile::new);
    if entry.name.contains('/') {
        return Err(Error::usage(format!(
            "repository name ({}) contains '/', please specify a different name without '/'",
            entry.name
        )));
    }
    if !force_update && let Some(existing) = file.get(&entry.name) {
        if *existing != entry {
            return Err(Error::usage(format!(
                "repository name ({}) already exists, please specify a different name",
                entry.name
            )));
        }
        return Ok(AddOutcome::AlreadyExists);
    }
    download_index(&entry, &paths.repository_cache, timeout).map_err(|e| {
        Error::NotARepository {
            url: entry.url.clone(),
            cause: Box::new(e),
        }
    })?;
    if file.api_version.is_empty() {
        file.api_version = "v1".into();
    }
    file.update(entry);
    file.write(&paths.repository_config)?;
    Ok(AddOutcome::Added)
}

/// Loads the repositories file, failing as helm does when there is none or it is empty.
pub fn configured(paths: &Paths, none_message: &str) -> Result<RepoFile> {
    match RepoFile::load(&paths.repository_config)? {
        Some(f) if !f.repositories.is_empty() => Ok(f),
        _ => Err(Error::usage(none_message)),
    }
}

/// `repo update`: fetches the named repositories' indexes (all when `names` is empty) in
/// parallel. Each result stands alone: a failed repository keeps its old cache.
pub fn update(
    paths: &Paths,
    names: &[String],
    timeout: Option<Duration>,
) -> Result<Vec<(Entry, Result<PathBuf>)>> {
    let file = configured(
        paths,
        "no repositories found. You must add one before updating",
    )?;
    for n in names {
        if file.get(n).is_none() {
            return Err(Error::usage(format!(
                "no repositories found matching '{n}'.  Nothing will be updated"
            )));
        }
    }
    let chosen: Vec<Entry> = file
        .repositories
        .into_iter()
        .filter(|e| names.is_empty() || names.contains(&e.name))
        .collect();
    let cache = &paths.repository_cache;
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = chosen
            .iter()
            .map(|e| s.spawn(move || download_index(e, cache, timeout)))
            .collect();
        handles
            .into_iter()
            .zip(chosen.iter())
            .map(|(h, e)| {
                let r = h.join().unwrap_or_else(|_| {
                    Err(Error::usage(format!(
                        "updating {} failed unexpectedly",
                        e.name
                    )))
                });
                (e.clone(), r)
            })
            .collect()
    });
    Ok(results)
}

/// `repo remove`: drops each named repository and its cache files, in order; stops at the
/// first unknown name as helm does.
pub fn remove(paths: &Paths, names: &[String], mut removed: impl FnMut(&str)) -> Result<()> {
    let mut file = configured(paths, "no repositories configured")?;
    for name in names {
        if !file.remove(name) {
            return Err(Error::usage(format!("no repo named {name:?} found")));
        }
        file.write(&paths.repository_config)?;
        for p in [
            cache_charts_file(&paths.repository_cache, name),
            cache_index_file(&paths.repository_cache, name),
        ] {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("removing", p, e)),
            }
        }
        removed(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_urls() {
        assert_eq!(
            resolve_reference_url("http://h/charts", "index.yaml"),
            "http://h/charts/index.yaml"
        );
        assert_eq!(
            resolve_reference_url("http://h/charts/?sig=1", "a.tgz"),
            "http://h/charts/a.tgz?sig=1"
        );
        assert_eq!(
            resolve_reference_url("http://h/charts", "/other/a.tgz"),
            "http://h/other/a.tgz"
        );
        assert_eq!(
            resolve_reference_url("http://h/charts", "https://cdn/a.tgz"),
            "https://cdn/a.tgz"
        );
    }
}

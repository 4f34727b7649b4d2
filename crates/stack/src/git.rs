//! Charts in git repositories: `git+https://host/org/repo@path/to/chart?ref=v1.2.3` and
//! `git+file:///srv/repo@chart`. The repository is fetched with gix (pure Rust, no `git`
//! binary) into a bare clone under the cache directory, keyed by URL and ref; the chart
//! directory at that ref is then written out beside it. A ref that is a full commit id
//! is immutable, so its checkout is reused; branches and tags are fetched again on each
//! load so a moved branch is seen.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use sha2::{Digest, Sha256};

use crate::model::GitChart;

/// Splits `git+URL[@PATH][?ref=REF]`. `None` when `url` does not start with `git+`.
pub fn parse_git_url(url: &str) -> Option<Result<GitChart, String>> {
    let rest = url.strip_prefix("git+")?;
    Some(split(url, rest))
}

fn split(url: &str, rest: &str) -> Result<GitChart, String> {
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    let mut reference = "HEAD".to_owned();
    if let Some(q) = query {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("ref", r)) if !r.is_empty() => reference = r.to_owned(),
                _ => {
                    return Err(format!(
                        "unsupported query {pair:?} (only ref=BRANCH|TAG|COMMIT)"
                    ));
                }
            }
        }
    }
    let Some(scheme_end) = main.find("://") else {
        return Err("expected git+SCHEME://HOST/REPO@PATH?ref=REF".to_owned());
    };
    let scheme = &main[..scheme_end];
    if !matches!(scheme, "https" | "http" | "file" | "ssh") {
        return Err(format!(
            "unsupported scheme {scheme:?} (https, http, ssh, file)"
        ));
    }
    // The `@` that starts the chart path comes after the host (ssh URLs have `git@host`).
    let after = scheme_end + 3;
    let path_start = main[after..].find('/').map_or(main.len(), |i| after + i);
    let (repo, path) = match main[path_start..].find('@') {
        Some(i) => (&main[..path_start + i], &main[path_start + i + 1..]),
        None => (main, ""),
    };
    let path = path.trim_matches('/');
    if path.split('/').any(|c| c == "..") {
        return Err(format!("chart path {path:?} leaves the repository"));
    }
    Ok(GitChart {
        url: url.to_owned(),
        repo: repo.to_owned(),
        path: path.to_owned(),
        reference,
        checkout: None,
    })
}

/// A fetch failure: the step and the library's message.
pub(crate) type GitError = (&'static str, String);

fn is_commit_id(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where `chart` is cached under `cache_dir`.
fn cache_dir_for(chart: &GitChart, cache_dir: &Path) -> PathBuf {
    let mut h = Sha256::new();
    h.update(chart.repo.as_bytes());
    h.update(b"\0");
    h.update(chart.reference.as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    cache_dir.join("stack").join("git").join(hex)
}

/// Fetches `chart` into `cache_dir` and returns the chart directory.
pub(crate) fn fetch(chart: &GitChart, cache_dir: &Path) -> Result<PathBuf, GitError> {
    let base = cache_dir_for(chart, cache_dir);
    let checkout = base.join("checkout");
    let chart_dir = if chart.path.is_empty() {
        checkout.clone()
    } else {
        checkout.join(&chart.path)
    };
    if is_commit_id(&chart.reference) && base.join("complete").is_file() {
        return Ok(chart_dir);
    }
    let w = |e: std::io::Error| ("write", e.to_string());
    if base.exists() {
        std::fs::remove_dir_all(&base).map_err(w)?;
    }
    std::fs::create_dir_all(&base).map_err(w)?;
    // reqwest is built without a default crypto provider (the workspace uses ring);
    // installing it twice is harmless, so the result is ignored.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let interrupt = AtomicBool::new(false);
    let mut prepare = gix::prepare_clone_bare(chart.repo.as_str(), base.join("repo.git"))
        .map_err(|e| ("fetch", e.to_string()))?;
    let (repo, _) = prepare
        .fetch_only(gix::progress::Discard, &interrupt)
        .map_err(|e| ("fetch", e.to_string()))?;
    let id = [
        chart.reference.clone(),
        format!("refs/tags/{}", chart.reference),
        format!("refs/heads/{}", chart.reference),
        format!("refs/remotes/origin/{}", chart.reference),
    ]
    .iter()
    .find_map(|r| repo.rev_parse_single(r.as_str()).ok())
    .ok_or_else(|| {
        (
            "resolve ref",
            format!("no branch, tag or commit {:?}", chart.reference),
        )
    })?;
    let tree = id
        .object()
        .map_err(|e| ("resolve ref", e.to_string()))?
        .peel_to_tree()
        .map_err(|e| ("resolve ref", e.to_string()))?;
    let tree = if chart.path.is_empty() {
        tree
    } else {
        let entry = tree
            .lookup_entry_by_path(&chart.path)
            .map_err(|e| ("read path", e.to_string()))?
            .ok_or_else(|| {
                (
                    "read path",
                    format!(
                        "{:?} is not in the repository at {}",
                        chart.path, chart.reference
                    ),
                )
            })?;
        if !entry.mode().is_tree() {
            return Err(("read path", format!("{:?} is not a directory", chart.path)));
        }
        entry
            .object()
            .map_err(|e| ("read path", e.to_string()))?
            .into_tree()
    };
    write_tree(&tree, &chart_dir)?;
    std::fs::write(base.join("complete"), id.to_string()).map_err(w)?;
    Ok(chart_dir)
}

/// Writes a tree's files (recursively) under `dir`. Symlinks and submodules are skipped:
/// helm's chart loader does not follow them out of the chart either.
fn write_tree(tree: &gix::Tree<'_>, dir: &Path) -> Result<(), GitError> {
    let w = |e: std::io::Error| ("write", e.to_string());
    std::fs::create_dir_all(dir).map_err(w)?;
    for entry in tree.iter() {
        let entry = entry.map_err(|e| ("read path", e.to_string()))?;
        let name = entry.filename().to_string();
        if name.contains('/') || name == ".." || name == "." {
            continue;
        }
        let mode = entry.mode();
        if mode.is_tree() {
            let sub = entry
                .object()
                .map_err(|e| ("read path", e.to_string()))?
                .into_tree();
            write_tree(&sub, &dir.join(&name))?;
        } else if mode.is_blob() {
            let blob = entry.object().map_err(|e| ("read path", e.to_string()))?;
            std::fs::write(dir.join(&name), &blob.data).map_err(w)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms() {
        let g = parse_git_url("git+https://github.com/org/repo@charts/app?ref=v1.2.3")
            .unwrap()
            .unwrap();
        assert_eq!(g.repo, "https://github.com/org/repo");
        assert_eq!(g.path, "charts/app");
        assert_eq!(g.reference, "v1.2.3");
        let g = parse_git_url("git+ssh://git@host/org/repo.git@c")
            .unwrap()
            .unwrap();
        assert_eq!(
            (g.repo.as_str(), g.path.as_str()),
            ("ssh://git@host/org/repo.git", "c")
        );
        let g = parse_git_url("git+file:///srv/repo").unwrap().unwrap();
        assert_eq!(
            (g.repo.as_str(), g.path.as_str(), g.reference.as_str()),
            ("file:///srv/repo", "", "HEAD")
        );
        assert!(parse_git_url("chart/web").is_none());
        assert!(parse_git_url("git+ftp://x/y").unwrap().is_err());
        assert!(parse_git_url("git+https://h/r@a/../../b").unwrap().is_err());
        assert!(parse_git_url("git+https://h/r?rev=1").unwrap().is_err());
    }
}

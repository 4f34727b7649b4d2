//! `.charthouse.yaml`: defaults for the stack command's flags, so a directory can say
//! which environment and kube context it means (seed 001's `.helmstack` file).
//!
//! ```yaml
//! environment: dev
//! kubeContext: ml-dev        # or `context`, as the seed writes it
//! kubeconfig: ~/.kube/ml
//! namespace: apps
//! file: [stackfile.yaml, elk.yaml]   # or one name
//! selector: tier=web
//! concurrency: 4
//! failFast: true
//! debug: false
//! ```
//! Flags given on the command line win. `${VAR}` references read the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::interp::{Vars, expand};
use crate::view::{self, MapView};

/// The defaults file's name.
pub const DEFAULTS_FILE: &str = ".charthouse.yaml";

const KEYS: &[&str] = &[
    "environment",
    "kubeContext",
    "context",
    "kubeconfig",
    "namespace",
    "file",
    "selector",
    "concurrency",
    "failFast",
    "debug",
];

/// What a `.charthouse.yaml` sets (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// The file these came from.
    pub path: Option<PathBuf>,
    /// `-e/--environment`.
    pub environment: Option<String>,
    /// `--kube-context` (`kubeContext`, or `context`).
    pub kube_context: Option<String>,
    /// `--kubeconfig`.
    pub kubeconfig: Option<String>,
    /// `-n/--namespace`: the namespace of releases that set none.
    pub namespace: Option<String>,
    /// `-f/--file`, resolved against the defaults file's directory.
    pub files: Vec<PathBuf>,
    /// `-l/--selector`.
    pub selectors: Vec<String>,
    /// `--concurrency`.
    pub concurrency: Option<u64>,
    /// `--fail-fast`.
    pub fail_fast: Option<bool>,
    /// `--debug`.
    pub debug: Option<bool>,
}

fn one_or_many(m: &MapView<'_>, key: &str) -> Result<Vec<String>> {
    let Some(n) = m.get(key) else {
        return Ok(Vec::new());
    };
    if let Ok(s) = view::string(n, &m.path_of(key)) {
        return Ok(vec![s]);
    }
    m.seq(key)?
        .into_iter()
        .map(|(p, item)| view::string(item, &p))
        .collect()
}

/// Reads a defaults file.
///
/// # Errors
/// [`Error::ReadFile`], [`Error::Syntax`], [`Error::UnknownKey`], [`Error::Type`],
/// [`Error::UnsetVariable`], each naming the file and line.
pub fn load_defaults(path: &Path, env: &BTreeMap<String, String>) -> Result<Defaults> {
    let shown = path.display().to_string();
    let raw = std::fs::read(path).map_err(|e| Error::ReadFile {
        file: shown.clone(),
        message: crate::io_reason(&e),
    })?;
    let mut node = crate::yaml::parse(&shown, &raw)?;
    let vars = Vars {
        env: env.clone(),
        ..Vars::default()
    };
    expand(&mut node, "", &vars)?;
    let m = MapView::new(&node, "", KEYS)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let kube_context = match m.string("kubeContext")? {
        Some(c) => Some(c),
        None => m.string("context")?,
    };
    Ok(Defaults {
        path: Some(path.to_path_buf()),
        environment: m.string("environment")?,
        kube_context,
        kubeconfig: m.string("kubeconfig")?,
        namespace: m.string("namespace")?,
        files: one_or_many(&m, "file")?
            .into_iter()
            .map(|f| dir.join(f))
            .collect(),
        selectors: one_or_many(&m, "selector")?,
        concurrency: m.uint("concurrency")?,
        fail_fast: m.bool("failFast")?,
        debug: m.bool("debug")?,
    })
}

/// The first `.charthouse.yaml` found in `dirs` (in order), or empty defaults.
///
/// # Errors
/// As [`load_defaults`] for the file found.
pub fn find_defaults(dirs: &[&Path], env: &BTreeMap<String, String>) -> Result<Defaults> {
    for dir in dirs {
        let p = dir.join(DEFAULTS_FILE);
        if p.is_file() {
            return load_defaults(&p, env);
        }
    }
    Ok(Defaults::default())
}

//! Helpers: stack directories written from literal files, loading with a fixed environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use charthouse_stack::{LoadOptions, Stack};

/// Writes `files` (path, content) under `dir`.
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}

/// A minimal chart directory at `dir/path` (so local chart references resolve).
pub fn chart(dir: &Path, path: &str) {
    write(
        dir,
        &[(
            &format!("{path}/Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        )],
    );
}

/// Options loading `dir/stackfile.yaml` in `environment` with environment variables `env`.
pub fn options(dir: &Path, environment: Option<&str>, env: &[(&str, &str)]) -> LoadOptions {
    LoadOptions {
        files: vec![dir.join("stackfile.yaml")],
        environment: environment.map(str::to_owned),
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        ..LoadOptions::default()
    }
}

/// Loads `dir/stackfile.yaml`.
pub fn load(dir: &Path, environment: Option<&str>) -> Stack {
    charthouse_stack::load(&options(dir, environment, &[])).unwrap()
}

/// The error text of loading `dir/stackfile.yaml`, with `dir/` removed so tests read as
/// relative paths.
pub fn load_err(dir: &Path, environment: Option<&str>, env: &[(&str, &str)]) -> String {
    let e = charthouse_stack::load(&options(dir, environment, env)).unwrap_err();
    e.to_string().replace(&format!("{}/", dir.display()), "")
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

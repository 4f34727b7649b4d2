//! Loading a chart from a directory, an archive file or in-memory files, as
//! helm v4's `pkg/chart/loader` (apiVersion dispatch) and
//! `pkg/chart/v2/loader` (`LoadDir`, `LoadFile`, `LoadArchive`,
//! `LoadFiles`) do, with their error texts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use charthouse_goyaml::Value;

use crate::archive::{self, ArchiveError, MAX_DECOMPRESSED_CHART_SIZE};
use crate::chart::{Chart, File};
use crate::error::{Error, Result, go_errno_text, go_path_error};
use crate::ignore::Rules;
use crate::metadata::{Lock, Metadata};

/// How deep symlinked directories may nest before we stop (helm recurses
/// until the Go stack is exhausted; we refuse instead).
const MAX_SYMLINK_DEPTH: usize = 40;

/// Loads a chart from a directory or a `.tgz` file, as `helm template` and
/// `helm install` do (`loader.Load`).
///
/// # Errors
/// Any [`Error`] of the loading steps, worded as helm words it.
pub fn load(path: impl AsRef<Path>) -> Result<Chart> {
    let path = path.as_ref();
    let shown = path.to_string_lossy().into_owned();
    let meta = std::fs::metadata(path).map_err(|e| Error::StatChart {
        path: shown.clone(),
        message: go_path_error("stat", &shown, &e),
    })?;
    if meta.is_dir() {
        load_dir(path)
    } else {
        load_archive_file(path)
    }
}

/// Go's `filepath.Abs`: joined onto the working directory and cleaned.
fn go_abs(path: &Path) -> String {
    let joined: PathBuf = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => path.to_path_buf(),
        }
    };
    archive::clean(&joined.to_string_lossy())
}

/// Reads the apiVersion the way helm's version-dispatching loader does
/// (`chartBase`), refusing apiVersions this crate has no loader for.
fn check_api_version(chart: &str, data: &[u8]) -> Result<()> {
    let doc = charthouse_goyaml::unmarshal(data).map_err(|e| Error::ReadChartYaml {
        chart: chart.to_owned(),
        message: e.to_string(),
        line: e.line(),
    })?;
    let api_version = match &doc {
        Value::Null => String::new(),
        Value::Map(m) => {
            let mut d = crate::godecode::Decoder::default();
            let mut api = String::new();
            for (k, v) in m {
                if crate::godecode::field_for(k, &["apiVersion"]).is_some()
                    && let Some(s) = d.string(v, "apiVersion")
                {
                    api = s;
                }
            }
            if let Some(message) = d.error {
                return Err(Error::ReadChartYaml {
                    chart: chart.to_owned(),
                    message: format!("error unmarshaling JSON: while decoding JSON: {message}"),
                    line: None,
                });
            }
            api
        }
        other => {
            return Err(Error::ReadChartYaml {
                chart: chart.to_owned(),
                message: format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type loader.chartBase",
                    json_kind(other)
                ),
                line: None,
            });
        }
    };
    match api_version.as_str() {
        // helm v4 loads apiVersion v3 charts with a sibling loader of the
        // same shape; installing them is refused later (see `check_installable`).
        "" | "v1" | "v2" | "v3" => Ok(()),
        _ => Err(Error::UnsupportedApiVersion {
            chart: chart.to_owned(),
            api_version,
        }),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Loads a chart directory, honouring its `.helmignore` (helm's `LoadDir`).
///
/// # Errors
/// [`Error::DetectChart`] without `Chart.yaml`, [`Error::ParseHelmignore`],
/// [`Error::ReadChartFile`] for unreadable or irregular files, and every
/// error of [`load_files`].
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Chart> {
    let top = go_abs(dir.as_ref());
    let chart_yaml = format!("{top}/Chart.yaml");
    let data = std::fs::read(&chart_yaml).map_err(|e| Error::DetectChart {
        path: chart_yaml.clone(),
        message: go_path_error("open", &chart_yaml, &e),
    })?;
    check_api_version(&top, &data)?;

    let mut rules = Rules::default();
    let ignore_file = format!("{top}/.helmignore");
    if std::fs::metadata(&ignore_file).is_ok() {
        let text = std::fs::read(&ignore_file).map_err(|e| Error::ReadChartFile {
            path: ignore_file.clone(),
            message: go_path_error("open", &ignore_file, &e),
        })?;
        rules = Rules::parse(&text)?;
    }
    rules.add_defaults();

    let mut files = Vec::new();
    let prefix = format!("{}/", top.trim_end_matches('/'));
    let root_meta = std::fs::symlink_metadata(&top).map_err(|e| Error::ReadChartFile {
        path: top.clone(),
        message: go_path_error("lstat", &top, &e),
    })?;
    walk(&top, root_meta, &prefix, &rules, &mut files, &mut 0, 0)?;
    load_files(files)
}

/// helm's `sympath.Walk` with `LoadDir`'s visitor: sorted names, symlinks
/// followed, ignored directories skipped whole.
fn walk(
    path: &str,
    meta: std::fs::Metadata,
    prefix: &str,
    rules: &Rules,
    files: &mut Vec<File>,
    total: &mut u64,
    depth: usize,
) -> Result<()> {
    let mut meta = meta;
    if meta.file_type().is_symlink() {
        if depth >= MAX_SYMLINK_DEPTH {
            return Err(Error::ReadChartFile {
                path: path.to_owned(),
                message: format!(
                    "error evaluating symlink {path}: too many levels of symbolic links"
                ),
            });
        }
        let resolved = std::fs::canonicalize(path).map_err(|e| Error::ReadChartFile {
            path: path.to_owned(),
            message: format!("error evaluating symlink {path}: {}", go_errno_text(&e)),
        })?;
        meta = std::fs::symlink_metadata(&resolved).map_err(|e| Error::ReadChartFile {
            path: path.to_owned(),
            message: go_path_error("lstat", &resolved.to_string_lossy(), &e),
        })?;
        return walk(path, meta, prefix, rules, files, total, depth + 1);
    }

    let rel = path.strip_prefix(prefix).unwrap_or("");
    if !rel.is_empty() {
        if meta.is_dir() {
            if rules.ignore(rel, true) {
                return Ok(());
            }
        } else {
            if rules.ignore(rel, false) {
                return Ok(());
            }
            if !meta.is_file() {
                return Err(Error::ReadChartFile {
                    path: path.to_owned(),
                    message: format!(
                        "cannot load irregular file {path} as it has file mode type bits set"
                    ),
                });
            }
            // helm v4.3.1 caps the whole chart, not each file.
            if *total + meta.len() > MAX_DECOMPRESSED_CHART_SIZE {
                return Err(Error::ReadChartFile {
                    path: path.to_owned(),
                    message: format!(
                        "error reading {rel}: chart exceeds maximum decompressed size of {MAX_DECOMPRESSED_CHART_SIZE} bytes"
                    ),
                });
            }
            *total += meta.len();
            let data = std::fs::read(path).map_err(|e| Error::ReadChartFile {
                path: path.to_owned(),
                message: format!("error reading {rel}: {}", go_path_error("open", path, &e)),
            })?;
            let data = match data.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) => rest.to_vec(),
                None => data,
            };
            files.push(File {
                name: rel.to_owned(),
                data,
            });
            return Ok(());
        }
    }
    if !meta.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| Error::ReadChartFile {
        path: path.to_owned(),
        message: go_path_error("open", path, &e),
    })?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::ReadChartFile {
            path: path.to_owned(),
            message: go_path_error("readdirent", path, &e),
        })?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    for name in names {
        let child = format!("{}/{name}", path.trim_end_matches('/'));
        let child_meta = std::fs::symlink_metadata(&child).map_err(|e| Error::ReadChartFile {
            path: child.clone(),
            message: go_path_error("lstat", &child, &e),
        })?;
        walk(&child, child_meta, prefix, rules, files, total, depth)?;
    }
    Ok(())
}

/// Loads a chart archive file, as helm's version-dispatching `LoadFile`.
///
/// # Errors
/// [`Error::ReadArchive`] when the file is not a gzipped tar or breaks
/// helm's archive rules, and every error of [`load_files`].
pub fn load_archive_file(path: impl AsRef<Path>) -> Result<Chart> {
    let path = path.as_ref();
    let name = path.to_string_lossy().into_owned();
    let data = std::fs::read(path).map_err(|e| Error::ReadArchive {
        path: Some(name.clone()),
        message: go_path_error("open", &name, &e),
    })?;
    let archive_err = |message: String| Error::ReadArchive {
        path: Some(name.clone()),
        message,
    };
    archive::ensure_archive(&name, &data[..data.len().min(512)]).map_err(archive_err)?;
    let files = match archive::load_archive_files(&data) {
        Ok(files) => files,
        Err(ArchiveError::GzipHeader) => {
            return Err(archive_err(format!(
                "file '{name}' does not appear to be a valid chart file (details: gzip: invalid header)"
            )));
        }
        // helm's dispatching loader hides the cause here.
        Err(ArchiveError::Other(_)) => {
            return Err(archive_err("unable to load chart archive".to_owned()));
        }
    };
    let Some(chart_yaml) = files.iter().find(|f| f.name == "Chart.yaml") else {
        return Err(Error::ArchiveWithoutChartYaml { path: name });
    };
    check_api_version(&name, &chart_yaml.data)?;
    load_files(files)
}

/// Loads a chart from gzipped tar bytes (helm's v2 `LoadArchive`, used for
/// `charts/*.tgz` subcharts): archive errors keep their cause.
///
/// # Errors
/// [`Error::ReadArchive`] and every error of [`load_files`].
pub fn load_archive(data: &[u8]) -> Result<Chart> {
    let files = archive::load_archive_files(data).map_err(|e| Error::ReadArchive {
        path: None,
        message: e.message(),
    })?;
    load_files(files)
}

fn read_lock(file: &File) -> Result<Lock> {
    let fail = |message: String| Error::ReadLock {
        file: file.name.clone(),
        message,
    };
    match charthouse_goyaml::unmarshal(&file.data).map_err(|e| fail(e.to_string()))? {
        Value::Null => Ok(Lock::default()),
        Value::Map(m) => {
            let (lock, err) = Lock::decode(&m);
            match err {
                Some(e) => Err(fail(format!(
                    "error unmarshaling JSON: while decoding JSON: {e}"
                ))),
                None => Ok(lock),
            }
        }
        other => Err(fail(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Lock",
            json_kind(&other)
        ))),
    }
}

/// Decodes `Chart.yaml` or `requirements.yaml` into `meta`; the message on failure.
fn read_metadata(meta: &mut Metadata, data: &[u8]) -> Result<(), (String, Option<usize>)> {
    match charthouse_goyaml::unmarshal(data) {
        Err(e) => Err((e.to_string(), e.line())),
        Ok(Value::Null) => Ok(()),
        Ok(Value::Map(m)) => match meta.merge_from(&m, data) {
            Some(e) => Err((
                format!("error unmarshaling JSON: while decoding JSON: {e}"),
                None,
            )),
            None => Ok(()),
        },
        Ok(other) => Err((
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Metadata",
                json_kind(&other)
            ),
            None,
        )),
    }
}

/// Builds a chart from its files (helm's `LoadFiles`): sorts them into
/// metadata, values, schema, templates, other files and subcharts, checks
/// the metadata and loads each subchart under `charts/`.
///
/// # Errors
/// [`Error::ReadChartYaml`], [`Error::ReadLock`], [`Error::ReadRequirements`],
/// [`Error::ReadValuesYaml`], [`Error::ChartYamlMissing`],
/// [`Error::ValidateChart`], [`Error::LoadSubchart`], [`Error::SubchartTar`].
pub fn load_files(files: Vec<File>) -> Result<Chart> {
    let mut metadata: Option<Metadata> = None;
    let mut chart = Chart {
        metadata: Metadata::default(),
        lock: None,
        templates: Vec::new(),
        files: Vec::new(),
        raw: files.clone(),
        values: Default::default(),
        schema: None,
        dependencies: Vec::new(),
        parents: Vec::new(),
        warnings: Vec::new(),
    };
    let label = |m: &Option<Metadata>| m.as_ref().map(|m| m.name.clone()).unwrap_or_default();

    for f in &files {
        if f.name == "Chart.yaml" {
            let meta = metadata.get_or_insert_with(Metadata::default);
            if let Err((message, line)) = read_metadata(meta, &f.data) {
                return Err(Error::ReadChartYaml {
                    chart: label(&metadata),
                    message,
                    line,
                });
            }
            if meta.api_version.is_empty() {
                meta.api_version = "v1".to_owned();
            }
        }
    }

    let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" => {}
            "Chart.lock" => chart.lock = Some(read_lock(&f)?),
            "values.yaml" => {
                chart.values = charthouse_goyaml::load_values(&f.data).map_err(|source| {
                    Error::ReadValuesYaml {
                        chart: label(&metadata),
                        source,
                    }
                })?;
            }
            "values.schema.json" => chart.schema = Some(f.data),
            "requirements.yaml" => {
                let meta = metadata.get_or_insert_with(Metadata::default);
                if meta.api_version != "v1" {
                    chart.warnings.push(crate::slog::printf(
                        "Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.".to_owned(),
                    ));
                }
                if let Err((message, _)) = read_metadata(meta, &f.data) {
                    return Err(Error::ReadRequirements {
                        chart: meta.name.clone(),
                        message,
                    });
                }
                if meta.api_version == "v1" {
                    chart.files.push(f);
                }
            }
            "requirements.lock" => {
                chart.lock = Some(read_lock(&f)?);
                let meta = metadata.get_or_insert_with(Metadata::default);
                if meta.api_version != "v1" {
                    chart.warnings.push(crate::slog::printf(
                        "Warning: Dependency locking is handled in Chart.lock since apiVersion \"v2\". We recommend migrating to Chart.lock.".to_owned(),
                    ));
                }
                if meta.api_version == "v1" {
                    chart.files.push(f);
                }
            }
            n if n.starts_with("templates/") => chart.templates.push(f),
            n if n.starts_with("charts/") => {
                if go_ext(n) == ".prov" {
                    chart.files.push(f);
                    continue;
                }
                let rest = &n["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or("").to_owned();
                subcharts.entry(cname).or_default().push(File {
                    name: rest.to_owned(),
                    data: f.data,
                });
            }
            _ => chart.files.push(f),
        }
    }

    let Some(mut metadata) = metadata else {
        return Err(Error::ChartYamlMissing {
            chart: String::new(),
        });
    };
    if let Err(message) = metadata.validate() {
        return Err(Error::ValidateChart {
            chart: metadata.name.clone(),
            message,
        });
    }
    chart.metadata = metadata;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let loaded = if go_ext(&n) == ".tgz" {
            let Some(file) = files.into_iter().next() else {
                continue;
            };
            if file.name != n {
                return Err(Error::SubchartTar {
                    parent: chart.name().to_owned(),
                    expected: n,
                    got: file.name,
                });
            }
            load_archive(&file.data)
        } else {
            let buff: Vec<File> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(File {
                        name: rest.to_owned(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(buff)
        };
        match loaded {
            Ok(sub) => chart.dependencies.push(sub),
            Err(e) => {
                return Err(Error::LoadSubchart {
                    name: n,
                    parent: chart.name().to_owned(),
                    source: Box::new(e),
                });
            }
        }
    }
    chart.fix_parents();
    Ok(chart)
}

/// Go's `filepath.Ext`: from the last dot of the last element.
fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

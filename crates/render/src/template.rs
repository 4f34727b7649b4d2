//! `helm template`: load, prepare values, render, sort, and print or write the result
//! exactly as helm v4.3.1 does (pkg/cmd/template.go, pkg/action/install.go
//! `RunWithContext` in client-only mode, pkg/action/action.go `renderResources`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use charthouse_chart::Chart;

use crate::capabilities::{Capabilities, KubeVersion};
use crate::engine::{self, EngineOptions, ReleaseInfo};
use crate::error::Error;
use crate::gomatch::go_match;
use crate::manifest::{self, Hook, split_manifests};

/// What `helm template` is asked to do, after flag parsing.
#[derive(Debug, Clone, Default)]
pub struct TemplateRequest {
    /// The release name (`release-name` when none is given).
    pub release_name: String,
    /// `--namespace` (`default` when unset).
    pub namespace: String,
    /// The chart directory or archive.
    pub chart: PathBuf,
    /// The user's merged values (`-f` and the `--set` family, in helm's order).
    pub values: charthouse_goyaml::Map,
    /// `--show-only` patterns.
    pub show_only: Vec<String>,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    /// `--output-dir`.
    pub output_dir: Option<PathBuf>,
    /// `--release-name` (write under `output-dir/RELEASE`).
    pub use_release_name: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--enable-dns`.
    pub enable_dns: bool,
    /// `--dependency-update`: helm builds missing dependencies first; charthouse reports
    /// them as [`Error::Unsupported`] instead (it does not write into charts yet).
    pub dependency_update: bool,
    /// See [`EngineOptions::skip_teardown`]: for `charthouse template`, which exits after
    /// printing. Never set it in a process that renders many times.
    pub skip_teardown: bool,
}

/// What a render produced before printing: helm's release fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The manifest stream (CRDs when included, then non-hook documents).
    pub manifest: String,
    /// Hooks in install order by kind.
    pub hooks: Vec<Hook>,
    /// The chart's NOTES.txt, rendered.
    pub notes: String,
}

/// Runs `helm template` and returns what it prints on stdout.
///
/// # Errors
///
/// Any failed step, with helm's message (see [`Error::has_partial_release`] for the
/// hint `helm template` adds to render errors).
pub fn template(req: &TemplateRequest) -> Result<String, Error> {
    let kube_version = match &req.kube_version {
        Some(v) if !v.is_empty() => {
            Some(KubeVersion::parse(v).map_err(|message| Error::KubeVersion {
                input: v.clone(),
                message,
            })?)
        }
        _ => None,
    };
    let caps = Capabilities::for_template(kube_version, &req.api_versions);
    let chart = match load_for_install(&req.chart) {
        // helm would package the missing dependencies into charts/ and write Chart.lock;
        // charthouse does not write charts yet, and says so instead of rendering without them.
        Err(Error::CheckChart {
            source: source @ charthouse_chart::Error::MissingDependencies { .. },
        }) if req.dependency_update => {
            return Err(Error::Unsupported {
                message: format!(
                    "{source}; --dependency-update cannot fetch or package dependencies yet"
                ),
            });
        }
        other => other?,
    };
    let release = ReleaseInfo {
        name: req.release_name.clone(),
        namespace: req.namespace.clone(),
        revision: 1,
        is_install: !req.is_upgrade,
        is_upgrade: req.is_upgrade,
    };
    let opts = RenderOptions {
        include_crds: req.include_crds,
        output_dir: req.output_dir.as_deref(),
        release_dir: req.use_release_name.then_some(req.release_name.as_str()),
        skip_schema_validation: req.skip_schema_validation,
        sub_notes: false,
        engine: EngineOptions {
            enable_dns: req.enable_dns,
            skip_teardown: req.skip_teardown,
            ..EngineOptions::default()
        },
    };
    let mut stdout = String::new();
    let rendered = render_release(chart, &req.values, &release, &caps, &opts, &mut stdout)?;
    let mut manifests = String::new();
    manifests.push_str(rendered.manifest.trim());
    manifests.push('\n');
    if !req.no_hooks {
        let mut written = BTreeMap::new();
        for h in &rendered.hooks {
            if req.skip_tests && h.is_test() {
                continue;
            }
            match &req.output_dir {
                None => {
                    let _ = write!(manifests, "---\n# Source: {}\n{}\n", h.path, h.manifest);
                }
                Some(dir) => {
                    let dir = release_dir(dir, opts.release_dir);
                    if dir.join(&h.path).exists() {
                        written.insert(h.path.clone(), true);
                    }
                    let append = written.get(&h.path).copied().unwrap_or(false);
                    write_to_file(&dir, &h.path, &h.manifest, append, &mut stdout)?;
                }
            }
        }
    }
    if req.show_only.is_empty() {
        stdout.push_str(&manifests);
        return Ok(stdout);
    }
    let docs = split_manifests(&manifests);
    let mut selected = Vec::new();
    for pattern in &req.show_only {
        let pattern = pattern.replace('\\', "/");
        let mut missing = true;
        for doc in &docs {
            let Some(path) = source_path(doc) else {
                continue;
            };
            if go_match(&pattern, path) {
                selected.push(*doc);
                missing = false;
            }
        }
        if missing {
            return Err(Error::ShowOnly { pattern });
        }
    }
    for doc in selected {
        let _ = write!(stdout, "---\n{doc}\n");
    }
    Ok(stdout)
}

/// The path after the chart name in the first `# Source: CHART/PATH` line of a
/// document (helm's `# Source: [^/]+/(.+)` match).
fn source_path(doc: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = doc[from..].find("# Source: ") {
        let rest = &doc[from + i + "# Source: ".len()..];
        if let Some(slash) = rest.find('/').filter(|s| *s > 0) {
            let after = &rest[slash + 1..];
            let line = after.split('\n').next().unwrap_or("");
            if !line.is_empty() {
                return Some(line);
            }
        }
        from += i + 1;
    }
    None
}

/// Loads a chart and checks it can be installed, as `runInstall` does before rendering.
///
/// # Errors
///
/// Loading errors, library charts, and dependencies missing from `charts/`.
pub fn load_for_install(path: &Path) -> Result<Chart, Error> {
    let chart = charthouse_chart::load(path).map_err(|source| Error::LoadChart {
        chart: path.display().to_string(),
        source,
    })?;
    charthouse_chart::check_installable(&chart).map_err(|source| Error::CheckChart { source })?;
    if chart.metadata.deps().next().is_some() {
        charthouse_chart::check_dependencies(&chart)
            .map_err(|source| Error::CheckChart { source })?;
    }
    Ok(chart)
}

/// How [`render_release`] runs.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions<'a> {
    /// Put `crds/` files first in the manifest.
    pub include_crds: bool,
    /// Write documents under this directory instead of into the manifest.
    pub output_dir: Option<&'a Path>,
    /// A subdirectory (the release name) for templates under `output_dir`.
    pub release_dir: Option<&'a str>,
    /// Skip `values.schema.json` validation.
    pub skip_schema_validation: bool,
    /// Keep subcharts' NOTES.txt too.
    pub sub_notes: bool,
    /// Engine settings.
    pub engine: EngineOptions,
}

/// Validates the release name, processes dependencies, coalesces and validates values,
/// renders, and sorts the result (install.go `RunWithContext` + `renderResources`).
/// Lines helm prints while writing `--output-dir` files go to `stdout`.
///
/// # Errors
///
/// Any failed step, with helm's message.
pub fn render_release(
    mut chart: Chart,
    user_values: &charthouse_goyaml::Map,
    release: &ReleaseInfo,
    caps: &Capabilities,
    opts: &RenderOptions<'_>,
    stdout: &mut String,
) -> Result<Rendered, Error> {
    if !valid_release_name(&release.name) {
        return Err(Error::ReleaseName {
            name: release.name.clone(),
        });
    }
    let mut warnings = Vec::new();
    charthouse_chart::process_dependencies(&mut chart, user_values, &mut warnings)
        .map_err(|source| Error::ProcessDependencies { source })?;
    let values = charthouse_chart::coalesce_values(&chart, user_values, &mut warnings)
        .map_err(|source| Error::PrepareValues { source })?;
    if !opts.skip_schema_validation {
        charthouse_chart::validate_against_schema(&chart, &values)
            .map_err(|source| Error::PrepareValues { source })?;
    }
    if !chart.metadata.kube_version.is_empty()
        && !charthouse_chart::semver::is_compatible_range(
            &chart.metadata.kube_version,
            caps.kube_version.as_str(),
        )
    {
        return Err(Error::IncompatibleKubeVersion {
            constraint: chart.metadata.kube_version.clone(),
            version: caps.kube_version.version.clone(),
        });
    }
    let mut files = engine::render(&chart, &values, release, caps, &opts.engine)?;

    // NOTES.txt is neither a manifest nor a hook: pull it out (renderResources).
    let root_notes = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    let note_keys: Vec<String> = files
        .keys()
        .filter(|k| k.ends_with("NOTES.txt"))
        .cloned()
        .collect();
    for k in note_keys {
        if let Some(v) = files.remove(&k)
            && (opts.sub_notes || k == root_notes)
        {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&v);
        }
    }

    let sorted = manifest::sort_manifests(files.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let mut out = String::new();
    let mut written: BTreeMap<String, bool> = BTreeMap::new();
    if opts.include_crds {
        for (name, file) in chart.crd_objects() {
            let data = String::from_utf8_lossy(&file.data);
            match opts.output_dir {
                None => {
                    let _ = write!(out, "---\n# Source: {name}\n{data}\n");
                }
                Some(dir) => {
                    let append = written.get(&name).copied().unwrap_or(false);
                    write_to_file(dir, &name, &data, append, stdout)?;
                    written.insert(name, true);
                }
            }
        }
    }
    for m in &sorted.manifests {
        match opts.output_dir {
            None => {
                let _ = write!(out, "---\n# Source: {}\n{}\n", m.name, m.content);
            }
            Some(dir) => {
                let dir = release_dir(dir, opts.release_dir);
                let append = written.get(&m.name).copied().unwrap_or(false);
                write_to_file(&dir, &m.name, &m.content, append, stdout)?;
                written.insert(m.name.clone(), true);
            }
        }
    }
    Ok(Rendered {
        manifest: out,
        hooks: sorted.hooks,
        notes,
    })
}

fn release_dir(dir: &Path, release: Option<&str>) -> PathBuf {
    match release {
        Some(r) => dir.join(r),
        None => dir.to_path_buf(),
    }
}

/// helm's `writeToFile`: creates (or appends to) `dir/name` with a `---`/`# Source:`
/// header and reports `wrote PATH`.
fn write_to_file(
    dir: &Path,
    name: &str,
    data: &str,
    append: bool,
    stdout: &mut String,
) -> Result<(), Error> {
    use std::io::Write as _;
    let path = PathBuf::from(format!("{}/{name}", dir.display()));
    let err = |source| Error::WriteOutput {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    let mut f = if append {
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(err)?
    } else {
        std::fs::File::create(&path).map_err(err)?
    };
    write!(f, "---\n# Source: {name}\n{data}\n").map_err(err)?;
    let _ = writeln!(stdout, "wrote {}", path.display());
    Ok(())
}

/// helm's `ValidateReleaseName`: a DNS-1123 subdomain of at most 53 characters.
pub fn valid_release_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 53 {
        return false;
    }
    name.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    })
}

/// helm's `NameAndChart` for `helm template` (whose default name is `release-name`):
/// the release name and chart reference from the positional arguments.
///
/// # Errors
///
/// helm's messages for too many arguments, a name given together with
/// `--generate-name`/`--name-template`, or a failing name template.
pub fn name_and_chart(
    args: &[String],
    generate_name: bool,
    name_template: &str,
) -> Result<(String, String), Error> {
    let usage = |message: String| Error::Arguments { message };
    match args {
        [] => Err(usage(
            "\"helm template\" requires at least 1 argument".into(),
        )),
        [name, chart] => {
            if generate_name {
                return Err(usage(
                    "cannot set --generate-name and also specify a name".into(),
                ));
            }
            if !name_template.is_empty() {
                return Err(usage(
                    "cannot set --name-template and also specify a name".into(),
                ));
            }
            Ok((name.clone(), chart.clone()))
        }
        [chart] => {
            if !name_template.is_empty() {
                return Ok((expand_name_template(name_template)?, chart.clone()));
            }
            Ok(("release-name".into(), chart.clone()))
        }
        [_, _, rest @ ..] => Err(usage(format!(
            "expected at most two arguments, unexpected arguments: {}",
            rest.join(", ")
        ))),
    }
}

/// helm's `TemplateName`: executes `--name-template` with Sprig's functions and no data.
///
/// # Errors
///
/// The template's parse or execution error, as Go prints it.
pub fn expand_name_template(text: &str) -> Result<String, Error> {
    let mut t = charthouse_gotmpl::Templates::named("name-template");
    t.add_funcs(crate::engine::functions(&EngineOptions::default()));
    let fail = |e: charthouse_gotmpl::Error| Error::Arguments {
        message: e.to_string(),
    };
    t.parse("name-template", text).map_err(fail)?;
    t.execute("name-template", &charthouse_gotmpl::Value::Nil)
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths() {
        assert_eq!(
            source_path("# Source: c/templates/a.yaml\nx: 1\n"),
            Some("templates/a.yaml")
        );
        assert_eq!(source_path("x: 1\n"), None);
    }

    #[test]
    fn release_names() {
        assert!(valid_release_name("rel"));
        assert!(valid_release_name("a.b-c"));
        assert!(!valid_release_name("Rel"));
        assert!(!valid_release_name("-a"));
        assert!(!valid_release_name(&"a".repeat(54)));
    }
}

//! The stackfile and overlay formats (seed 001), read strictly: unknown keys and wrong
//! types are errors naming the file, line, column and key.
//!
//! ```yaml
//! variables: {domain: example.org}          # optional, usable as ${domain}
//! releases:
//!   - name: web-env                         # required
//!     namespace: web                        # default: the global namespace
//!     chart: chart/web-env                  # local path, REPO/CHART, oci://, git+URL
//!     version: 1.7.0
//!     values: [web-env.yaml, env.yaml.gotmpl, {inline: map}]
//!     set: {some: value, yet: {another: value}}
//!     labels: {tier: web}
//!     needs: [web/db]                       # namespace/name, or name when unique
//!     wait: true                            # any helmDefaults key overrides it here
//! environments:                             # optional
//!   dev: {overlay: [env/dev.yaml], kubeContext: dev, variables: {}}   # or overlays:
//! repositories: [{name: chart, url: https://charts.example}]
//! helmDefaults: {recreatePods: true, force: true, wait: true, timeout: 5m,
//!                rollbackOnFailure: true, createNamespace: true, historyMax: 10}
//! ```
//! An overlay file: `releases: {NAME: {version, set, values, ignore, chart, namespace}}`
//! (`NAME` may be `namespace/name` when a name is used in two namespaces).

use std::path::{Path, PathBuf};
use std::time::Duration;

use charthouse_goyaml::Map;

use crate::error::{Error, Loc, Result};
use crate::view::{self, MapView, child};
use crate::yaml::Node;

/// Keys of a stackfile.
pub(crate) const TOP_KEYS: &[&str] = &[
    "releases",
    "environments",
    "repositories",
    "helmDefaults",
    "variables",
];
/// The upgrade flags, in `helmDefaults` and in each release.
pub(crate) const FLAG_KEYS: &[&str] = &[
    "recreatePods",
    "force",
    "wait",
    "timeout",
    "rollbackOnFailure",
    "createNamespace",
    "historyMax",
];
const RELEASE_KEYS: &[&str] = &[
    "name",
    "namespace",
    "chart",
    "version",
    "values",
    "set",
    "labels",
    "needs",
    "recreatePods",
    "force",
    "wait",
    "timeout",
    "rollbackOnFailure",
    "createNamespace",
    "historyMax",
];
const ENV_KEYS: &[&str] = &["overlay", "overlays", "kubeContext", "variables"];
const REPO_KEYS: &[&str] = &["name", "url"];
const OVERLAY_TOP_KEYS: &[&str] = &["releases"];
const OVERLAY_RELEASE_KEYS: &[&str] = &["version", "set", "values", "ignore", "chart", "namespace"];

/// A string and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) value: String,
    pub(crate) loc: Loc,
    pub(crate) key: String,
    /// The directory of the file it is written in (relative paths resolve against it).
    pub(crate) dir: PathBuf,
}

/// One entry of a `values` list.
#[derive(Debug, Clone)]
pub(crate) enum ValuesEntry {
    File(Located),
    Inline(Map),
}

/// The upgrade flags as written (unset ones inherit).
#[derive(Debug, Clone, Default)]
pub(crate) struct FlagsSpec {
    pub(crate) recreate_pods: Option<bool>,
    pub(crate) force: Option<bool>,
    pub(crate) wait: Option<bool>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) rollback_on_failure: Option<bool>,
    pub(crate) create_namespace: Option<bool>,
    pub(crate) history_max: Option<u64>,
}

impl FlagsSpec {
    fn read(map: &MapView<'_>) -> Result<FlagsSpec> {
        let timeout = match map.get("timeout") {
            None => None,
            Some(n) => Some(duration(n, &map.path_of("timeout"))?),
        };
        Ok(FlagsSpec {
            recreate_pods: map.bool("recreatePods")?,
            force: map.bool("force")?,
            wait: map.bool("wait")?,
            timeout,
            rollback_on_failure: map.bool("rollbackOnFailure")?,
            create_namespace: map.bool("createNamespace")?,
            history_max: map.uint("historyMax")?,
        })
    }

    /// These flags over `base`.
    pub(crate) fn apply(&self, base: &crate::model::Flags) -> crate::model::Flags {
        crate::model::Flags {
            recreate_pods: self.recreate_pods.unwrap_or(base.recreate_pods),
            force: self.force.unwrap_or(base.force),
            wait: self.wait.unwrap_or(base.wait),
            timeout: self.timeout.unwrap_or(base.timeout),
            rollback_on_failure: self.rollback_on_failure.unwrap_or(base.rollback_on_failure),
            create_namespace: self.create_namespace.unwrap_or(base.create_namespace),
            history_max: self.history_max.unwrap_or(base.history_max),
        }
    }

    /// `other`'s settings over these.
    pub(crate) fn overlay(&mut self, other: &FlagsSpec) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            recreate_pods,
            force,
            wait,
            timeout,
            rollback_on_failure,
            create_namespace,
            history_max
        );
    }
}

/// A timeout: a whole number of seconds, or a Go duration (`90s`, `5m`, `1h30m`).
fn duration(node: &Node, path: &str) -> Result<Duration> {
    if let Ok(secs) = view::uint(node, path) {
        return Ok(Duration::from_secs(secs));
    }
    let text = view::string(node, path)
        .map_err(|_| view::type_error(node, path, "a duration (seconds or 5m30s)"))?;
    parse_go_duration(&text).ok_or_else(|| Error::Invalid {
        loc: node.loc.clone(),
        key: path.to_owned(),
        message: format!("invalid duration {text:?} (use seconds or units h, m, s, ms: 5m30s)"),
    })
}

/// Go's `time.ParseDuration` for the units a timeout uses (h, m, s, ms), non-negative.
pub(crate) fn parse_go_duration(text: &str) -> Option<Duration> {
    if text == "0" {
        return Some(Duration::ZERO);
    }
    let mut rest = text;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&i| i > 0)?;
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += n * scale;
        rest = &rest[unit_end..];
    }
    Some(Duration::from_secs_f64(total))
}

/// A release as one stackfile declares it.
#[derive(Debug, Clone)]
pub(crate) struct ReleaseSpec {
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
    pub(crate) chart: Located,
    pub(crate) version: Option<String>,
    pub(crate) values: Vec<ValuesEntry>,
    pub(crate) set: Map,
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) needs: Vec<Located>,
    pub(crate) flags: FlagsSpec,
    pub(crate) loc: Loc,
    pub(crate) key: String,
}

/// An environment as one stackfile declares it.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvSpec {
    pub(crate) overlays: Vec<Located>,
    pub(crate) kube_context: Option<String>,
    pub(crate) variables: Map,
}

/// The parts of a stackfile other than `variables` and `environments`.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileSpec {
    pub(crate) releases: Vec<ReleaseSpec>,
    pub(crate) repositories: Vec<(crate::model::Repository, Loc)>,
    pub(crate) helm_defaults: FlagsSpec,
}

fn located(node: &Node, path: &str, dir: &Path) -> Result<Located> {
    Ok(Located {
        value: view::string(node, path)?,
        loc: node.loc.clone(),
        key: path.to_owned(),
        dir: dir.to_path_buf(),
    })
}

/// Reads `variables` (a map of any values).
pub(crate) fn variables(node: Option<&Node>, path: &str) -> Result<Map> {
    match node {
        None => Ok(Map::new()),
        Some(n) => match n.to_value() {
            charthouse_goyaml::Value::Map(m) => Ok(m),
            _ => Err(view::type_error(n, path, "a map")),
        },
    }
}

/// Reads `environments`.
pub(crate) fn environments(node: Option<&Node>, dir: &Path) -> Result<Vec<(String, EnvSpec)>> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let envs = MapView::any(node, "environments")?;
    let mut out = Vec::new();
    for (name, _, env) in &envs.entries {
        let path = child("environments", name);
        let m = MapView::new(env, &path, ENV_KEYS)?;
        let mut overlays = Vec::new();
        for key in ["overlay", "overlays"] {
            if let Some(n) = m.get(key) {
                // A single file may be written without a list.
                if let Ok(s) = view::string(n, &m.path_of(key)) {
                    overlays.push(Located {
                        value: s,
                        loc: n.loc.clone(),
                        key: m.path_of(key),
                        dir: dir.to_path_buf(),
                    });
                    continue;
                }
                for (p, item) in m.seq(key)? {
                    overlays.push(located(item, &p, dir)?);
                }
            }
        }
        out.push((
            name.clone(),
            EnvSpec {
                overlays,
                kube_context: m.string("kubeContext")?,
                variables: variables(m.get("variables"), &m.path_of("variables"))?,
            },
        ));
    }
    Ok(out)
}

fn values_list(m: &MapView<'_>, dir: &Path) -> Result<Vec<ValuesEntry>> {
    let mut out = Vec::new();
    for (p, item) in m.seq("values")? {
        if matches!(item.kind, crate::yaml::Kind::Map(_)) {
            if let charthouse_goyaml::Value::Map(inline) = item.to_value() {
                out.push(ValuesEntry::Inline(inline));
            }
        } else {
            out.push(ValuesEntry::File(located(item, &p, dir).map_err(|_| {
                view::type_error(item, &p, "a file name or a map of values")
            })?));
        }
    }
    Ok(out)
}

/// Reads `releases`, `repositories` and `helmDefaults` of a stackfile whose top-level keys
/// were checked.
pub(crate) fn file_spec(top: &MapView<'_>, dir: &Path) -> Result<FileSpec> {
    let mut spec = FileSpec::default();
    for (p, r) in top.seq("releases")? {
        spec.releases.push(release(r, &p, dir)?);
    }
    for (p, r) in top.seq("repositories")? {
        let m = MapView::new(r, &p, REPO_KEYS)?;
        let name = m.string("name")?.ok_or_else(|| missing(r, &p, "name"))?;
        let url = m.string("url")?.ok_or_else(|| missing(r, &p, "url"))?;
        spec.repositories
            .push((crate::model::Repository { name, url }, r.loc.clone()));
    }
    if let Some(d) = top.get("helmDefaults") {
        spec.helm_defaults = FlagsSpec::read(&MapView::new(d, "helmDefaults", FLAG_KEYS)?)?;
    }
    Ok(spec)
}

fn missing(node: &Node, path: &str, key: &str) -> Error {
    Error::Invalid {
        loc: node.loc.clone(),
        key: child(path, key),
        message: "required key is missing".to_owned(),
    }
}

fn release(node: &Node, path: &str, dir: &Path) -> Result<ReleaseSpec> {
    let m = MapView::new(node, path, RELEASE_KEYS)?;
    let name = m
        .string("name")?
        .ok_or_else(|| missing(node, path, "name"))?;
    if !charthouse_render::template::valid_release_name(&name) {
        let n = m.get("name").unwrap_or(node);
        return Err(Error::Invalid {
            loc: n.loc.clone(),
            key: m.path_of("name"),
            message: format!(
                "invalid release name {name:?}: a DNS-1123 subdomain of at most 53 characters"
            ),
        });
    }
    let chart = match m.get("chart") {
        Some(n) => located(n, &m.path_of("chart"), dir)?,
        None => return Err(missing(node, path, "chart")),
    };
    let set = match m.get("set") {
        Some(n) => view::set_map(n, &m.path_of("set"))?,
        None => Map::new(),
    };
    let labels = match m.get("labels") {
        Some(n) => view::string_map(n, &m.path_of("labels"))?,
        None => Vec::new(),
    };
    let mut needs = Vec::new();
    for (p, n) in m.seq("needs")? {
        needs.push(located(n, &p, dir)?);
    }
    Ok(ReleaseSpec {
        name,
        namespace: m.string("namespace")?,
        chart,
        version: m.string("version")?,
        values: values_list(&m, dir)?,
        set,
        labels,
        needs,
        flags: FlagsSpec::read(&m)?,
        loc: node.loc.clone(),
        key: path.to_owned(),
    })
}

/// One release's settings in an overlay file.
#[derive(Debug, Clone)]
pub(crate) struct OverlayRelease {
    /// The release as named in the overlay (`name` or `namespace/name`).
    pub(crate) target: Located,
    pub(crate) version: Option<String>,
    pub(crate) set: Option<Map>,
    pub(crate) values: Vec<ValuesEntry>,
    pub(crate) ignore: Option<bool>,
    pub(crate) chart: Option<Located>,
    pub(crate) namespace: Option<String>,
}

/// Reads an overlay file's tree.
pub(crate) fn overlay(node: &Node, dir: &Path) -> Result<Vec<OverlayRelease>> {
    let top = MapView::new(node, "", OVERLAY_TOP_KEYS)?;
    let mut out = Vec::new();
    let Some(rels) = top.get("releases") else {
        return Ok(out);
    };
    let rels = MapView::any(rels, "releases")?;
    for (name, knode, r) in &rels.entries {
        let path = child("releases", name);
        let m = MapView::new(r, &path, OVERLAY_RELEASE_KEYS)?;
        out.push(OverlayRelease {
            target: Located {
                value: name.clone(),
                loc: knode.loc.clone(),
                key: path.clone(),
                dir: dir.to_path_buf(),
            },
            version: m.string("version")?,
            set: m
                .get("set")
                .map(|n| view::set_map(n, &m.path_of("set")))
                .transpose()?,
            values: values_list(&m, dir)?,
            ignore: m.bool("ignore")?,
            chart: m
                .get("chart")
                .map(|n| located(n, &m.path_of("chart"), dir))
                .transpose()?,
            namespace: m.string("namespace")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(
            parse_go_duration("1h30m5s"),
            Some(Duration::from_secs(5405))
        );
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_go_duration("5"), None);
        assert_eq!(parse_go_duration("5d"), None);
        assert_eq!(parse_go_duration(""), None);
    }
}

//! Loading: stackfiles + `.env` + environment variables + variables + the environment's
//! overlays → a [`Stack`] of resolved releases.
//!
//! Order of resolution:
//! 1. every stackfile is parsed and its top-level keys checked;
//! 2. `variables` (then `environments`) are expanded with the environment (`${VAR}`);
//! 3. the chosen environment's `variables` are merged over the top-level ones;
//! 4. the rest of each file is expanded with variables and environment, and read;
//! 5. the environment's overlays are applied in order (`ignore: true` drops a release);
//! 6. needs are resolved and checked (unknown names and cycles are errors);
//! 7. charts are resolved (git charts fetched when a cache directory is given) and
//!    values files read (`.gotmpl` ones rendered) and merged with `set`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use charthouse_goyaml::{Map, Value};

use crate::error::{Error, Loc, Result};
use crate::interp::{Vars, expand};
use crate::model::{ChartRef, Flags, Repository, ResolvedRelease, Stack};
use crate::spec::{self, EnvSpec, Located, ReleaseSpec};
use crate::values::{self, TemplateData};
use crate::view::MapView;
use crate::yaml::{Kind, Node};

/// The stackfile read when none is named.
pub const DEFAULT_STACKFILE: &str = "stackfile.yaml";

/// How to load a stack.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The stackfiles (`-f`), in order; empty means `stackfile.yaml`.
    pub files: Vec<PathBuf>,
    /// The environment (`-e`); `None` loads the stackfiles without overlays.
    pub environment: Option<String>,
    /// The process environment, for `${VAR}`, `env` and `requiredEnv`.
    pub env: BTreeMap<String, String>,
    /// The `.env` file; `None` reads `.env` beside the first stackfile when it exists.
    pub dotenv: Option<PathBuf>,
    /// The namespace of releases that set none.
    pub namespace: String,
    /// `--kube-context`: wins over the environment's `kubeContext`.
    pub kube_context: Option<String>,
    /// The defaults file's context: used when neither the flag nor the environment sets one.
    pub default_kube_context: Option<String>,
    /// The kubeconfig file(s) to use (`--kubeconfig`, else `.charthouse.yaml`), carried
    /// into [`Stack::kubeconfig`].
    pub kubeconfig: Option<String>,
    /// Where git charts are cached; `None` leaves them unfetched (their
    /// [`crate::GitChart::checkout`] is `None`).
    pub git_cache: Option<PathBuf>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            files: Vec::new(),
            environment: None,
            env: BTreeMap::new(),
            dotenv: None,
            namespace: "default".to_owned(),
            kube_context: None,
            default_kube_context: None,
            kubeconfig: None,
            git_cache: None,
        }
    }
}

/// One parsed stackfile.
struct Parsed {
    dir: PathBuf,
    node: Node,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::ReadFile {
        file: path.display().to_string(),
        message: crate::io_reason(&e),
    })
}

/// Removes and returns the value of top-level `key`.
fn take(node: &mut Node, key: &str) -> Option<Node> {
    let Kind::Map(entries) = &mut node.kind else {
        return None;
    };
    let i = entries.iter().position(|(k, _)| k.key_text() == key)?;
    let (_, v) = entries.remove(i);
    Some(v).filter(|v| !v.is_null())
}

/// Text of a variable for `${name}`: scalars as written by yaml.v2, others as JSON.
fn var_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => charthouse_goyaml::json_float(*f).unwrap_or_default(),
        other => charthouse_goyaml::helm::to_json(other),
    }
}

/// Loads and resolves the stack.
///
/// # Errors
/// Any [`Error`]; load errors name the file, line, column and key.
pub fn load(opts: &LoadOptions) -> Result<Stack> {
    let files = if opts.files.is_empty() {
        vec![PathBuf::from(DEFAULT_STACKFILE)]
    } else {
        opts.files.clone()
    };
    let mut parsed = Vec::new();
    for path in &files {
        let raw = read(path)?;
        let node = crate::yaml::parse(&path.display().to_string(), &raw)?;
        MapView::new(&node, "", spec::TOP_KEYS)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        parsed.push(Parsed { dir, node });
    }

    let dotenv_path = opts.dotenv.clone().or_else(|| {
        let p = parsed.first()?.dir.join(".env");
        p.is_file().then_some(p)
    });
    let dotenv = match &dotenv_path {
        Some(p) => {
            let raw = read(p)?;
            crate::dotenv::parse_dotenv(&p.display().to_string(), &String::from_utf8_lossy(&raw))?
        }
        None => BTreeMap::new(),
    };
    let mut vars = Vars {
        variables: BTreeMap::new(),
        env: opts.env.clone(),
        dotenv,
    };

    // Variables, then environments, of every file.
    let mut variables = Map::new();
    let mut var_nodes = Vec::new();
    for p in &mut parsed {
        var_nodes.push(take(&mut p.node, "variables"));
    }
    for n in var_nodes.iter_mut().flatten() {
        {
            expand(n, "variables", &vars)?;
            variables =
                charthouse_goyaml::merge_maps(variables, spec::variables(Some(n), "variables")?);
        }
    }
    vars.variables = variables
        .iter()
        .map(|(k, v)| (k.clone(), var_text(v)))
        .collect();
    let mut envs: Vec<(String, EnvSpec)> = Vec::new();
    for p in &mut parsed {
        if let Some(mut n) = take(&mut p.node, "environments") {
            expand(&mut n, "environments", &vars)?;
            for (name, e) in spec::environments(Some(&n), &p.dir)? {
                match envs.iter_mut().find(|(k, _)| *k == name) {
                    Some((_, have)) => {
                        have.overlays.extend(e.overlays);
                        if e.kube_context.is_some() {
                            have.kube_context = e.kube_context;
                        }
                        have.variables = charthouse_goyaml::merge_maps(
                            std::mem::take(&mut have.variables),
                            e.variables,
                        );
                    }
                    None => envs.push((name, e)),
                }
            }
        }
    }
    let env = match &opts.environment {
        None => None,
        Some(name) => match envs.iter().find(|(k, _)| k == name) {
            Some((_, e)) => Some(e.clone()),
            None if name == "default" => Some(EnvSpec::default()),
            None => {
                return Err(Error::UnknownEnvironment {
                    name: name.clone(),
                    defined: if envs.is_empty() {
                        "none".to_owned()
                    } else {
                        envs.iter()
                            .map(|(k, _)| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                });
            }
        },
    };
    if let Some(e) = &env {
        variables = charthouse_goyaml::merge_maps(variables, e.variables.clone());
        vars.variables = variables
            .iter()
            .map(|(k, v)| (k.clone(), var_text(v)))
            .collect();
    }

    // Releases, repositories, helmDefaults.
    let mut releases: Vec<ReleaseSpec> = Vec::new();
    let mut repositories: Vec<(Repository, Loc)> = Vec::new();
    let mut defaults = spec::FlagsSpec::default();
    for p in &mut parsed {
        expand(&mut p.node, "", &vars)?;
        let top = MapView::new(&p.node, "", spec::TOP_KEYS)?;
        let f = spec::file_spec(&top, &p.dir)?;
        for (repo, loc) in f.repositories {
            match repositories.iter().find(|(r, _)| r.name == repo.name) {
                Some((have, _)) if have.url == repo.url => {}
                Some((have, first)) => {
                    return Err(Error::Invalid {
                        loc,
                        key: "repositories".to_owned(),
                        message: format!(
                            "repository {:?} is declared at {first} with url {}",
                            have.name, have.url
                        ),
                    });
                }
                None => repositories.push((repo, loc)),
            }
        }
        defaults.overlay(&f.helm_defaults);
        releases.extend(f.releases);
    }

    // Overlays.
    let mut ignored = vec![false; releases.len()];
    if let Some(e) = &env {
        for o in &e.overlays {
            apply_overlay(o, &vars, &opts.namespace, &mut releases, &mut ignored)?;
        }
    }

    let kube_context = opts
        .kube_context
        .clone()
        .or_else(|| env.as_ref().and_then(|e| e.kube_context.clone()))
        .or_else(|| opts.default_kube_context.clone());
    let defaults = defaults.apply(&Flags::default());
    let repositories: Vec<Repository> = repositories.into_iter().map(|(r, _)| r).collect();
    let ns_of = |r: &ReleaseSpec| {
        r.namespace
            .clone()
            .unwrap_or_else(|| opts.namespace.clone())
    };

    // Ids: duplicates are errors (ignored releases included, so an overlay cannot hide one).
    let ids: Vec<String> = releases
        .iter()
        .map(|r| format!("{}/{}", ns_of(r), r.name))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        if let Some(first) = ids[..i].iter().position(|x| x == id) {
            return Err(Error::Invalid {
                loc: releases[i].loc.clone(),
                key: releases[i].key.clone(),
                message: format!(
                    "release {id} is defined twice (first at {})",
                    releases[first].loc
                ),
            });
        }
    }

    let env_name = opts
        .environment
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let mut out = Vec::new();
    // Where each resolved need is written: (needed id, location, key), per release.
    let mut need_locs = Vec::new();
    for (i, r) in releases.iter().enumerate() {
        if ignored[i] {
            continue;
        }
        let namespace = ns_of(r);
        let mut needs = Vec::new();
        let mut locs = Vec::new();
        for n in &r.needs {
            let target = if n.value.contains('/') {
                ids.iter().position(|id| *id == n.value)
            } else {
                let matching: Vec<usize> = releases
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.name == n.value)
                    .map(|(j, _)| j)
                    .collect();
                if matching.len() > 1 {
                    return Err(Error::Invalid {
                        loc: n.loc.clone(),
                        key: n.key.clone(),
                        message: format!(
                            "{:?} names releases in several namespaces; write namespace/name",
                            n.value
                        ),
                    });
                }
                matching.first().copied()
            };
            match target {
                None => {
                    return Err(Error::UnknownNeed {
                        loc: n.loc.clone(),
                        key: n.key.clone(),
                        release: ids[i].clone(),
                        need: n.value.clone(),
                    });
                }
                // A need on a release the environment ignores is met: it is not installed here.
                Some(j) if ignored[j] => {}
                Some(j) => {
                    if !needs.contains(&ids[j]) {
                        needs.push(ids[j].clone());
                        locs.push((ids[j].clone(), n.loc.clone(), n.key.clone()));
                    }
                }
            }
        }
        let chart = chart_ref(&r.chart, &repositories, opts.git_cache.as_deref())?;
        let labels: BTreeMap<String, String> = r.labels.iter().cloned().collect();
        let data = TemplateData {
            environment: env_name.clone(),
            kube_context: kube_context.clone().unwrap_or_default(),
            release: [
                r.name.clone(),
                namespace.clone(),
                r.chart.value.clone(),
                r.version.clone().unwrap_or_default(),
            ],
            labels: labels.clone(),
            values: variables.clone(),
        };
        let (values_files, values) = values::merge(&r.values, &r.set, &data, &vars)?;
        need_locs.push(locs);
        out.push(ResolvedRelease {
            name: r.name.clone(),
            namespace,
            chart,
            version: r.version.clone(),
            labels,
            needs,
            values_files,
            values,
            flags: r.flags.apply(&defaults),
            source: r.loc.clone(),
        });
    }
    if let Some(cycle) = crate::dag::find_cycle(&out) {
        let (first, second) = (&out[cycle[0]], out[cycle[1]].id());
        let (loc, key) = need_locs[cycle[0]]
            .iter()
            .find(|(id, _, _)| *id == second)
            .map(|(_, l, k)| (l.clone(), k.clone()))
            .unwrap_or_else(|| (first.source.clone(), "needs".to_owned()));
        return Err(Error::Cycle {
            loc,
            key,
            cycle: cycle.iter().map(|&i| out[i].id()).collect(),
        });
    }
    Ok(Stack {
        files,
        environment: opts.environment.clone(),
        kube_context,
        kubeconfig: opts.kubeconfig.clone(),
        repositories,
        defaults,
        variables,
        releases: out,
    })
}

/// Reads one overlay file and applies it.
fn apply_overlay(
    o: &Located,
    vars: &Vars,
    default_ns: &str,
    releases: &mut [ReleaseSpec],
    ignored: &mut [bool],
) -> Result<()> {
    let path = crate::join_clean(&o.dir, &o.value);
    let shown = path.display().to_string();
    let raw = std::fs::read(&path).map_err(|e| Error::MissingFile {
        loc: o.loc.clone(),
        key: o.key.clone(),
        path: shown.clone(),
        message: crate::io_reason(&e),
    })?;
    let mut node = crate::yaml::parse(&shown, &raw)?;
    expand(&mut node, "", vars)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for ov in spec::overlay(&node, &dir)? {
        let t = &ov.target;
        let matches: Vec<usize> = releases
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let ns = r.namespace.as_deref().unwrap_or(default_ns);
                r.name == t.value || format!("{ns}/{}", r.name) == t.value
            })
            .map(|(i, _)| i)
            .collect();
        let i = match matches.as_slice() {
            [i] => *i,
            [] => {
                return Err(Error::Invalid {
                    loc: t.loc.clone(),
                    key: t.key.clone(),
                    message: format!("release {:?} is not in the stack", t.value),
                });
            }
            _ => {
                return Err(Error::Invalid {
                    loc: t.loc.clone(),
                    key: t.key.clone(),
                    message: format!(
                        "{:?} names releases in several namespaces; write namespace/name",
                        t.value
                    ),
                });
            }
        };
        let r = &mut releases[i];
        if let Some(v) = ov.version {
            r.version = Some(v);
        }
        if let Some(s) = ov.set {
            r.set = charthouse_goyaml::merge_maps(std::mem::take(&mut r.set), s);
        }
        r.values.extend(ov.values);
        if let Some(c) = ov.chart {
            r.chart = c;
        }
        if let Some(ns) = ov.namespace {
            r.namespace = Some(ns);
        }
        // A later overlay may bring a release back with `ignore: false`.
        if let Some(ignore) = ov.ignore {
            ignored[i] = ignore;
        }
    }
    Ok(())
}

/// Resolves a chart reference: `git+…`, `oci://…`, `REPO/CHART` of a declared repository,
/// else a local path relative to the file that names it (which must exist).
fn chart_ref(c: &Located, repos: &[Repository], git_cache: Option<&Path>) -> Result<ChartRef> {
    if let Some(parsed) = crate::git::parse_git_url(&c.value) {
        let mut g = parsed.map_err(|message| Error::Invalid {
            loc: c.loc.clone(),
            key: c.key.clone(),
            message: format!("git chart {}: {message}", c.value),
        })?;
        if let Some(cache) = git_cache {
            let dir = crate::git::fetch(&g, cache).map_err(|(step, message)| Error::Git {
                loc: c.loc.clone(),
                key: c.key.clone(),
                url: c.value.clone(),
                message: format!("{step}: {message}"),
            })?;
            g.checkout = Some(dir);
        }
        return Ok(ChartRef::Git(g));
    }
    if c.value.starts_with("oci://") {
        return Ok(ChartRef::Oci(c.value.clone()));
    }
    let local = !(c.value.starts_with('/') || c.value.starts_with('.'));
    if local
        && let Some((repo, chart)) = c.value.split_once('/')
        && let Some(r) = repos.iter().find(|r| r.name == repo)
        && !chart.is_empty()
        && !chart.contains('/')
    {
        return Ok(ChartRef::Repo {
            repo: repo.to_owned(),
            url: r.url.clone(),
            chart: chart.to_owned(),
        });
    }
    let path = crate::join_clean(&c.dir, &c.value);
    if let Err(e) = std::fs::metadata(&path) {
        return Err(Error::MissingFile {
            loc: c.loc.clone(),
            key: c.key.clone(),
            path: path.display().to_string(),
            message: format!(
                "{} (not a chart directory, nor REPO/CHART of a declared repository)",
                crate::io_reason(&e)
            ),
        });
    }
    Ok(ChartRef::Local(path))
}

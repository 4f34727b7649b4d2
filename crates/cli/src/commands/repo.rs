//! `charthouse repo add|list|update|remove|index`: chart repositories, as helm's `helm repo`.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use charthouse_repo::index::IndexFile;
use charthouse_repo::repofile::{Entry, RepoFile};
use charthouse_repo::repos::{self, AddOutcome};
use charthouse_repo::{Paths, records, table};

use crate::output;
use crate::settings::Settings;

/// helm's file locations for the repo crate.
pub fn paths(settings: &Settings) -> Paths {
    Paths {
        repository_config: settings.repository_config.clone(),
        repository_cache: settings.repository_cache.clone(),
        registry_config: settings.registry_config.clone(),
        content_cache: settings.content_cache.clone(),
    }
}

/// helm's `-o/--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns
    #[default]
    Table,
    /// JSON
    Json,
    /// YAML
    Yaml,
}

/// Arguments of `charthouse repo`.
#[derive(Debug, Args)]
pub struct RepoArgs {
    /// The repo command
    #[command(subcommand)]
    pub command: RepoCommand,
}

/// The `repo` subcommands.
#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Add a chart repository
    Add(RepoAddArgs),
    /// List chart repositories
    #[command(visible_alias = "ls")]
    List(RepoListArgs),
    /// Update information of available charts locally from chart repositories
    #[command(visible_alias = "up")]
    Update(RepoUpdateArgs),
    /// Remove one or more chart repositories
    #[command(visible_alias = "rm")]
    Remove(RepoRemoveArgs),
    /// Generate an index file given a directory containing packaged charts
    Index(RepoIndexArgs),
}

/// Arguments of `repo add NAME URL`.
#[derive(Debug, Args)]
pub struct RepoAddArgs {
    /// Repository name
    pub name: String,
    /// Repository URL
    pub url: String,
    /// Chart repository username
    #[arg(long, default_value = "")]
    pub username: String,
    /// Chart repository password
    #[arg(long, default_value = "")]
    pub password: String,
    /// Read chart repository password from stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Replace (overwrite) the repo if it already exists
    #[arg(long)]
    pub force_update: bool,
    /// Identify HTTPS client using this SSL certificate file
    #[arg(long, default_value = "")]
    pub cert_file: String,
    /// Identify HTTPS client using this SSL key file
    #[arg(long, default_value = "")]
    pub key_file: String,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long, default_value = "")]
    pub ca_file: String,
    /// Skip tls certificate checks for the repository
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Pass credentials to all domains
    #[arg(long = "pass-credentials")]
    pub pass_credentials: bool,
    /// Time to wait for the index file download to complete (seconds, or with a unit: 30s, 2m)
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// Arguments of `repo list`.
#[derive(Debug, Args)]
pub struct RepoListArgs {
    /// Prints the output in the specified format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: OutputFormat,
    /// Suppress headers in the output
    #[arg(long)]
    pub no_headers: bool,
}

/// Arguments of `repo update [REPO...]`.
#[derive(Debug, Args)]
pub struct RepoUpdateArgs {
    /// Repositories to update (all when none is given)
    pub names: Vec<String>,
    /// Time to wait for the index file download to complete (seconds, or with a unit: 30s, 2m)
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// Arguments of `repo remove REPO...`.
#[derive(Debug, Args)]
pub struct RepoRemoveArgs {
    /// Repositories to remove
    #[arg(required = true)]
    pub names: Vec<String>,
}

/// Arguments of `repo index DIR`.
#[derive(Debug, Args)]
pub struct RepoIndexArgs {
    /// Directory with the packaged charts
    pub dir: PathBuf,
    /// URL of chart repository
    #[arg(long, default_value = "")]
    pub url: String,
    /// Merge the generated index into the given index
    #[arg(long)]
    pub merge: Option<PathBuf>,
    /// Output in JSON format
    #[arg(long)]
    pub json: bool,
}

/// A Go-style duration (`90s`, `2m`, `1h`) or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = s
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or((s, "s"), |i| (&s[..i], &s[i..]));
    let n: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("invalid duration {s:?}")),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("invalid duration {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs a `repo` subcommand.
pub fn run(args: &RepoArgs, settings: &Settings) -> anyhow::Result<()> {
    let paths = paths(settings);
    match &args.command {
        RepoCommand::Add(a) => add(a, &paths),
        RepoCommand::List(a) => list(a, &paths),
        RepoCommand::Update(a) => update(a, &paths),
        RepoCommand::Remove(a) => {
            let mut out = String::new();
            let result = repos::remove(&paths, &a.names, |name| {
                out.push_str(&format!(
                    "{name:?} has been removed from your repositories\n"
                ));
            });
            output::print(&out)?;
            Ok(result?)
        }
        RepoCommand::Index(a) => index(a),
    }
}

fn add(a: &RepoAddArgs, paths: &Paths) -> anyhow::Result<()> {
    let mut password = a.password.clone();
    if !a.username.is_empty() && password.is_empty() {
        if !a.password_stdin {
            anyhow::bail!(
                "a password is required with --username: use --password or --password-stdin"
            );
        }
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        password = text
            .strip_suffix('\n')
            .unwrap_or(&text)
            .trim_end_matches('\r')
            .to_owned();
    }
    let entry = Entry {
        name: a.name.clone(),
        url: a.url.clone(),
        username: a.username.clone(),
        password,
        cert_file: a.cert_file.clone(),
        key_file: a.key_file.clone(),
        ca_file: a.ca_file.clone(),
        insecure_skip_tls_verify: a.insecure_skip_tls_verify,
        pass_credentials_all: a.pass_credentials,
    };
    match repos::add(paths, entry, a.force_update, a.timeout)? {
        AddOutcome::Added => output::print(&format!(
            "{:?} has been added to your repositories\n",
            a.name
        )),
        AddOutcome::AlreadyExists => output::print(&format!(
            "{:?} already exists with the same configuration, skipping\n",
            a.name
        )),
    }
}

fn list(a: &RepoListArgs, paths: &Paths) -> anyhow::Result<()> {
    let file = RepoFile::load(&paths.repository_config)
        .ok()
        .flatten()
        .unwrap_or_default();
    let records: Vec<records::Record> = file
        .repositories
        .iter()
        .map(|r| vec![("name", r.name.clone()), ("url", r.url.clone())])
        .collect();
    match a.output {
        OutputFormat::Table => {
            if file.repositories.is_empty() {
                eprintln!("no repositories to show");
                return Ok(());
            }
            let mut rows = Vec::new();
            if !a.no_headers {
                rows.push(vec!["NAME".to_owned(), "URL".to_owned()]);
            }
            rows.extend(
                file.repositories
                    .iter()
                    .map(|r| vec![r.name.clone(), r.url.clone()]),
            );
            output::print(&table::render(&rows, 0))
        }
        OutputFormat::Json => output::print(&records::to_json(&records)),
        OutputFormat::Yaml => output::print(&records::to_yaml(&records)),
    }
}

fn update(a: &RepoUpdateArgs, paths: &Paths) -> anyhow::Result<()> {
    output::print("Hang tight while we grab the latest from your chart repositories...\n")?;
    let results = repos::update(paths, &a.names, a.timeout)?;
    let mut failed = Vec::new();
    let mut out = String::new();
    for (entry, result) in &results {
        match result {
            Ok(_) => out.push_str(&format!(
                "...Successfully got an update from the {:?} chart repository\n",
                entry.name
            )),
            Err(e) => {
                out.push_str(&format!(
                    "...Unable to get an update from the {:?} chart repository ({}):\n\t{e}\n",
                    entry.name, entry.url
                ));
                failed.push(entry.url.clone());
            }
        }
    }
    output::print(&out)?;
    if !failed.is_empty() {
        anyhow::bail!(
            "failed to update the following repositories: [{}]",
            failed.join(" ")
        );
    }
    output::print("Update Complete. ⎈Happy Helming!⎈\n")
}

fn index(a: &RepoIndexArgs) -> anyhow::Result<()> {
    let dir = std::path::absolute(&a.dir)?;
    let mut index = IndexFile::from_directory(&dir, &a.url)?;
    if let Some(merge) = &a.merge {
        let other = if merge.exists() {
            IndexFile::load(merge).map_err(|e| anyhow::anyhow!("merge failed: {e}"))?
        } else {
            // helm writes the empty index it merges with when the file is missing.
            let empty = IndexFile::new();
            empty.write(merge, a.json)?;
            empty
        };
        index.merge(&other);
    }
    index.sort_entries();
    index.write(&dir.join("index.yaml"), a.json)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("x").is_err());
    }
}

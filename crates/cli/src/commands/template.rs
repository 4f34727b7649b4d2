//! `charthouse template`: render a chart locally, as `helm template` does.

use std::path::PathBuf;

use clap::Args;

use charthouse_render::template::{TemplateRequest, name_and_chart, template};
use charthouse_render::values::ValueOptions;

use crate::output;
use crate::settings::Settings;

/// helm's values flags (`-f`, `--set` family), shared by `template` and `lint`.
#[derive(Debug, Clone, Default, Args)]
pub struct ValuesArgs {
    /// Specify values in a YAML file (can specify multiple; `-` reads stdin)
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<String>,
    /// Set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set STRING values on the command line
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set values from respective files specified via the command line (key1=path1)
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set JSON values on the command line (key1=jsonval1 or a JSON object)
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a literal STRING value on the command line
    #[arg(long = "set-literal", value_name = "KEY=VAL")]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    /// The flags as the render crate's value options.
    pub fn to_options(&self) -> ValueOptions {
        ValueOptions {
            files: self.values.clone(),
            json: self.set_json.clone(),
            set: self.set.clone(),
            string: self.set_string.clone(),
            file: self.set_file.clone(),
            literal: self.set_literal.clone(),
        }
    }
}

/// Arguments of `charthouse template [NAME] CHART`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Release name (optional) and chart path
    #[arg(value_name = "NAME_AND_CHART", required = true, num_args = 1..)]
    pub args: Vec<String>,
    /// Values flags
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long)]
    pub generate_name: bool,
    /// Specify template used to name the release
    #[arg(long, value_name = "TEMPLATE", default_value = "")]
    pub name_template: String,
    /// Only show manifests rendered from the given templates
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Writes the executed templates to files in output-dir instead of stdout
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Include CRDs in the templated output
    #[arg(long)]
    pub include_crds: bool,
    /// If set, no CRDs will be installed (no effect on template output)
    #[arg(long)]
    pub skip_crds: bool,
    /// Skip tests from templated output
    #[arg(long)]
    pub skip_tests: bool,
    /// Prevent hooks from running during install (hooks are left out of the output)
    #[arg(long)]
    pub no_hooks: bool,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall
    #[arg(long)]
    pub is_upgrade: bool,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions (multiple can be specified)
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "VERSION",
        value_delimiter = ','
    )]
    pub api_versions: Vec<String>,
    /// Use release name in the output-dir path
    #[arg(long = "release-name")]
    pub use_release_name: bool,
    /// If set, disables JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Update dependencies if they are missing (not supported yet: charthouse reports the missing ones)
    #[arg(long)]
    pub dependency_update: bool,
    /// Enable DNS lookups when rendering templates
    #[arg(long)]
    pub enable_dns: bool,
    /// Where and how to fetch a remote chart (REPO/CHART, --repo, URL, oci://)
    #[command(flatten)]
    pub chart_path: Box<crate::commands::pull::ChartPathArgs>,
}

impl TemplateArgs {
    /// The flags as a render request (the one conversion step).
    pub fn to_request(&self, settings: &Settings) -> anyhow::Result<TemplateRequest> {
        let (release_name, chart) =
            name_and_chart(&self.args, self.generate_name, &self.name_template)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        let values = self
            .values
            .to_options()
            .merge()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(TemplateRequest {
            release_name,
            namespace: settings.namespace.clone(),
            chart: {
                let located = charthouse_repo::locate(
                    &chart,
                    &self.chart_path.to_options(),
                    &crate::commands::repo::paths(settings),
                )?;
                // helm reports registry pulls on stderr, manifests stay alone on stdout.
                if let Some((reference, digest)) = &located.oci {
                    eprintln!("Pulled: {reference}\nDigest: {digest}");
                }
                located.path
            },
            values,
            show_only: self.show_only.clone(),
            include_crds: self.include_crds,
            skip_tests: self.skip_tests,
            no_hooks: self.no_hooks,
            is_upgrade: self.is_upgrade,
            kube_version: self.kube_version.clone(),
            api_versions: self.api_versions.clone(),
            output_dir: self.output_dir.clone(),
            use_release_name: self.use_release_name,
            skip_schema_validation: self.skip_schema_validation,
            dependency_update: self.dependency_update,
            enable_dns: self.enable_dns,
            // The process exits after printing: freeing the parsed templates is wasted work.
            skip_teardown: true,
        })
    }
}

/// Renders and prints. Render errors get helm's `--debug` hint, as helm prints it.
pub fn run(args: &TemplateArgs, settings: &Settings) -> anyhow::Result<()> {
    let req = args.to_request(settings)?;
    if args.dependency_update {
        // helm's Manager prints its progress on stdout before the manifests.
        let opts = charthouse_repo::deps::DependencyOptions {
            skip_refresh: false,
            locate: args.chart_path.to_options(),
            print_registry_pulls: false,
        };
        let mut progress = String::new();
        let updated = charthouse_repo::deps::update_if_missing(
            &req.chart,
            &opts,
            &crate::commands::repo::paths(settings),
            &mut progress,
        );
        output::print(&progress)?;
        updated?;
    }
    match template(&req) {
        Ok(out) => output::print(&out),
        Err(e) if e.has_partial_release() => Err(anyhow::anyhow!(
            "{e}\n\nUse --debug flag to render out invalid YAML"
        )),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};

    #[test]
    fn parses_helm_flags() {
        let cli = Cli::try_parse_from([
            "charthouse",
            "template",
            "rel",
            "./c",
            "-f",
            "a.yaml",
            "--values",
            "b.yaml",
            "--set",
            "x=1",
            "-s",
            "templates/a.yaml",
            "-a",
            "v1/x,v2/y",
            "--api-versions",
            "v3/z",
            "--kube-version",
            "1.30",
            "--include-crds",
            "--is-upgrade",
            "-n",
            "ns",
        ])
        .unwrap();
        let Command::Template(t) = cli.command else {
            panic!("not template")
        };
        assert_eq!(t.args, vec!["rel", "./c"]);
        assert_eq!(t.values.values, vec!["a.yaml", "b.yaml"]);
        assert_eq!(t.api_versions, vec!["v1/x", "v2/y", "v3/z"]);
        assert!(t.include_crds && t.is_upgrade);
        assert_eq!(cli.global.namespace.as_deref(), Some("ns"));
    }
}

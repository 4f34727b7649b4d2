//! Rendering a chart for a release: the cluster's capabilities, `lookup` answered by the
//! cluster, on a blocking thread because `lookup` blocks.

use std::sync::Arc;

use charthouse_chart::Chart;
use charthouse_kube::lookup::ClusterLookup;
use charthouse_render::template::{RenderOptions, Rendered, render_release};
use charthouse_render::{Capabilities, EngineOptions, ReleaseInfo};

use crate::context::Context;
use crate::{Error, Result};

/// Rendering switches shared by install and upgrade.
#[derive(Debug, Clone, Default)]
pub struct RenderSettings {
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--enable-dns`.
    pub enable_dns: bool,
    /// `--render-subchart-notes`.
    pub sub_notes: bool,
}

/// Renders `chart` with `values` for `info`. With a cluster, `.Capabilities` and
/// `lookup` come from it; without (`--dry-run=client`), helm template's defaults apply.
pub(crate) async fn render(
    ctx: Option<&Context>,
    chart: Chart,
    values: charthouse_goyaml::Map,
    info: ReleaseInfo,
    settings: &RenderSettings,
) -> Result<Rendered> {
    let (caps, lookup) = match ctx {
        Some(ctx) => {
            let lookup: Arc<dyn charthouse_funcs::Lookup> = Arc::new(ClusterLookup::new(
                ctx.cluster.clone(),
                tokio::runtime::Handle::current(),
            ));
            (ctx.capabilities().await?, Some(lookup))
        }
        None => (Capabilities::default(), None),
    };
    let settings = settings.clone();
    tokio::task::spawn_blocking(move || {
        let opts = RenderOptions {
            skip_schema_validation: settings.skip_schema_validation,
            sub_notes: settings.sub_notes,
            engine: EngineOptions {
                enable_dns: settings.enable_dns,
                lookup,
                ..EngineOptions::default()
            },
            ..RenderOptions::default()
        };
        let mut stdout = String::new();
        render_release(chart, &values, &info, &caps, &opts, &mut stdout)
    })
    .await
    .map_err(|e| Error::Invalid(format!("rendering stopped: {e}")))?
    .map_err(Error::Render)
}

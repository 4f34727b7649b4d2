//! What an upgrade would change, without changing anything: the deployed revision next
//! to the newly rendered manifest and values. `stack sync` uses it to leave unchanged
//! releases alone (no new revision) and `stack diff` to show differences.

use charthouse_release::{Release, Status, history};
use charthouse_render::ReleaseInfo;
use serde_json::{Map, Value};

use crate::context::Context;
use crate::render::render;
use crate::upgrade::{UpgradeOptions, reuse_values};
use crate::{Result, convert};

/// A rendered upgrade next to the live release.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The deployed revision (or the newest, when none is deployed); `None` for a release
    /// that does not exist yet (or was uninstalled).
    pub current: Option<Release>,
    /// The manifest the upgrade would apply.
    pub manifest: String,
    /// The hooks it would record, as `# Source:`-headed documents.
    pub hooks: String,
    /// The user values it would record.
    pub config: Map<String, Value>,
    /// Chart name and version it would record.
    pub chart: (String, String),
}

impl Preview {
    /// Whether upgrading would record the same manifest, hooks, values and chart as the
    /// deployed revision.
    pub fn unchanged(&self) -> bool {
        let Some(current) = &self.current else {
            return false;
        };
        current.status() == Status::Deployed
            && current.manifest == self.manifest
            && hooks_text(current) == self.hooks
            && current.config == self.config
            && chart_of(current) == self.chart
    }

    /// The live manifest (hooks included), empty for a new release.
    pub fn live_text(&self) -> String {
        self.current
            .as_ref()
            .map(|c| format!("{}{}", c.manifest, hooks_text(c)))
            .unwrap_or_default()
    }

    /// The proposed manifest (hooks included).
    pub fn proposed_text(&self) -> String {
        format!("{}{}", self.manifest, self.hooks)
    }
}

fn hooks_text(r: &Release) -> String {
    r.hooks
        .iter()
        .map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest))
        .collect()
}

fn chart_of(r: &Release) -> (String, String) {
    r.chart
        .as_ref()
        .and_then(|c| c.metadata.as_ref())
        .map(|m| (m.name.clone(), m.version.clone()))
        .unwrap_or_default()
}

/// Renders what `upgrade --install` with `opts` would record, reading the history
/// without taking the release.
///
/// # Errors
///
/// Storage, discovery and render failures.
pub async fn preview_upgrade(ctx: &Context, opts: &UpgradeOptions) -> Result<Preview> {
    let history_now = ctx.storage.history(&ctx.namespace, &opts.name).await?;
    let live = history_now
        .iter()
        .any(|r| r.status() != Status::Uninstalled);
    let current = if live {
        history::deployed(&history_now)
            .or_else(|| history::latest(&history_now))
            .cloned()
    } else {
        None
    };
    let mut chart = opts.chart.clone();
    let (values, info) = match (&current, history::latest(&history_now)) {
        (Some(cur), Some(last)) => (
            reuse_values(opts, &mut chart, cur)?,
            ReleaseInfo {
                name: opts.name.clone(),
                namespace: cur.namespace.clone(),
                revision: last.version + 1,
                is_install: false,
                is_upgrade: true,
            },
        ),
        _ => (
            opts.values.clone(),
            ReleaseInfo {
                name: opts.name.clone(),
                namespace: ctx.namespace.clone(),
                revision: 1,
                is_install: true,
                is_upgrade: false,
            },
        ),
    };
    let chart_id = (chart.metadata.name.clone(), chart.metadata.version.clone());
    let config = convert::values_to_json(&values)?;
    let rendered = render(Some(ctx), chart, values, info, &opts.render).await?;
    let hooks = rendered
        .hooks
        .iter()
        .map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest))
        .collect();
    Ok(Preview {
        current,
        manifest: rendered.manifest,
        hooks,
        config,
        chart: chart_id,
    })
}

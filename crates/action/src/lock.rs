//! Taking a release for one operation: the lease, the history read under it, and
//! recovery of a revision a dead holder left `pending-*`.

use charthouse_release::{Release, Status, history};

use crate::context::Context;
use crate::lease::{self, LeaseGuard};
use crate::{Error, Result};

/// A release taken for one operation.
#[derive(Debug)]
pub(crate) struct Locked {
    guard: Option<LeaseGuard>,
    /// Every revision, oldest first, as read under the lease.
    pub history: Vec<Release>,
}

impl Locked {
    /// The newest revision.
    pub fn latest(&self) -> Option<&Release> {
        history::latest(&self.history)
    }

    /// Ends the operation: stops renewing and deletes the lease.
    pub async fn release(mut self) {
        if let Some(guard) = self.guard.take() {
            guard.release().await;
        }
    }
}

/// Takes the lease for `name` (unless `dry_run`), reads its history and, when the newest
/// revision is `pending-*`: marks it failed if the lease was taken over from a dead
/// holder, or refuses with helm's "in progress" error otherwise.
pub(crate) async fn lock(ctx: &Context, name: &str, dry_run: bool) -> Result<Locked> {
    let guard = if dry_run {
        None
    } else {
        Some(lease::acquire(ctx.client(), &ctx.namespace, name, &ctx.holder).await?)
    };
    let mut locked = Locked {
        guard,
        history: Vec::new(),
    };
    match ctx.storage.history(&ctx.namespace, name).await {
        Ok(h) => locked.history = h,
        Err(e) => {
            locked.release().await;
            return Err(e);
        }
    }
    let pending = locked
        .latest()
        .filter(|r| r.status().is_pending())
        .map(|r| r.version);
    let Some(version) = pending else {
        return Ok(locked);
    };
    if dry_run {
        return Ok(locked);
    }
    let dead_holder = locked
        .guard
        .as_ref()
        .and_then(|g| g.taken_over_from.clone());
    let Some((holder, renewed)) = dead_holder else {
        locked.release().await;
        return Err(Error::InProgress {
            holder: String::new(),
        });
    };
    if let Some(rev) = locked.history.iter_mut().find(|r| r.version == version)
        && let Some(info) = rev.info.as_mut()
    {
        let was = info.status.clone();
        info.status = Status::Failed;
        info.description = format!(
            "{} interrupted: {holder} stopped renewing the release lease at {renewed} (the process died while the release was {was}); marked failed by {}",
            if info.description.is_empty() {
                "Operation".to_string()
            } else {
                format!("{}:", info.description)
            },
            ctx.holder
        );
        let rev = rev.clone();
        if let Err(e) = ctx.storage.update(&rev).await {
            locked.release().await;
            return Err(e);
        }
    }
    Ok(locked)
}

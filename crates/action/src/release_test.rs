//! `test NAME`: run the release's test hooks (helm's `pkg/action/release_testing.go`).

use std::time::Duration;

use charthouse_release::{HookEvent, Release};

use crate::context::Context;
use crate::{Error, Result, lock};

/// Runs the test hooks of the newest revision of `name` and records their results.
///
/// # Errors
///
/// Not found, an operation in progress, a failing test (after recording it).
pub async fn run_tests(ctx: &Context, name: &str, timeout: Duration) -> Result<Release> {
    let locked = lock::lock(ctx, name, false).await?;
    let result = async {
        let mut rel = locked.latest().cloned().ok_or(Error::NotFound)?;
        let outcome = crate::hooks::run(ctx, &mut rel, HookEvent::Test, timeout).await;
        ctx.storage.update(&rel).await?;
        outcome.map(|()| rel)
    }
    .await;
    locked.release().await;
    result
}

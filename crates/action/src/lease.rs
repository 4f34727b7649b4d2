//! No stuck releases: while an operation runs, its process holds a
//! `coordination.k8s.io/v1` Lease named after the release and renews it. A holder that
//! dies stops renewing; once the lease has expired the next operation takes it over and
//! knows the `pending-*` revision it finds was interrupted.
//!
//! Two processes racing for one release: the API server lets exactly one create (or,
//! for an expired lease, update at the read resourceVersion) the Lease; the other gets
//! a conflict and reports the holder.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::{DeleteParams, PostParams};

use crate::{Error, Result};

/// How long a lease lives without renewal, unless `CHARTHOUSE_LEASE_SECONDS` says
/// otherwise (tests use a few seconds).
pub const DEFAULT_LEASE_DURATION: Duration = Duration::from_secs(30);

/// The lease duration in effect.
pub fn lease_duration() -> Duration {
    std::env::var("CHARTHOUSE_LEASE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_LEASE_DURATION)
}

/// The Lease object name for a release.
pub fn lease_name(release: &str) -> String {
    format!("charthouse.release.{release}")
}

/// Who we are, for the lease: host, process id and a start time.
pub fn holder_identity() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .unwrap_or_else(|| "unknown-host".into());
    format!("charthouse@{host}/pid-{}", std::process::id())
}

/// A held lease. Renewed in the background until [`LeaseGuard::release`].
#[derive(Debug)]
pub struct LeaseGuard {
    api: Api<Lease>,
    name: String,
    stop: tokio::sync::watch::Sender<bool>,
    renewer: tokio::task::JoinHandle<()>,
    /// Set when the lease was taken over from a holder that stopped renewing it:
    /// `(holder, last renewal)`.
    pub taken_over_from: Option<(String, String)>,
}

impl LeaseGuard {
    /// Stops renewing and deletes the lease.
    pub async fn release(self) {
        let _ = self.stop.send(true);
        let _ = self.renewer.await;
        if let Err(err) = self.api.delete(&self.name, &DeleteParams::default()).await {
            tracing::debug!(error = %err, lease = %self.name, "releasing the lease failed; it will expire");
        }
    }
}

/// Takes the lease for `release` in `namespace`.
///
/// # Errors
///
/// [`Error::InProgress`] naming the live holder and since when; API failures.
pub async fn acquire(
    client: &kube::Client,
    namespace: &str,
    release: &str,
    holder: &str,
) -> Result<LeaseGuard> {
    let api: Api<Lease> = Api::namespaced(client.clone(), namespace);
    let name = lease_name(release);
    let duration = lease_duration();
    let now = Timestamp::now();
    let fresh = Lease {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace.to_string()),
            labels: Some(
                [(
                    "app.kubernetes.io/managed-by".to_string(),
                    "charthouse".to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(holder.to_string()),
            lease_duration_seconds: Some(duration.as_secs().try_into().unwrap_or(i32::MAX)),
            acquire_time: Some(MicroTime(now)),
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(0),
            ..Default::default()
        }),
    };
    let mut taken_over_from = None;
    let created = match api.create(&PostParams::default(), &fresh).await {
        Ok(lease) => lease,
        Err(kube::Error::Api(s)) if s.code == 409 => {
            let current = api.get(&name).await.map_err(|e| lease_error(&name, e))?;
            let spec = current.spec.clone().unwrap_or_default();
            let holder_now = spec.holder_identity.clone().unwrap_or_default();
            let renewed = spec
                .renew_time
                .as_ref()
                .or(spec.acquire_time.as_ref())
                .map(|t| t.0);
            let ttl = i64::from(spec.lease_duration_seconds.unwrap_or(0));
            let alive = renewed.is_some_and(|t| t.as_second() + ttl > now.as_second());
            if alive {
                return Err(in_progress(&holder_now, spec.acquire_time.map(|t| t.0)));
            }
            let mut takeover = current.clone();
            let mut spec_new = fresh.spec.clone().unwrap_or_default();
            spec_new.lease_transitions = Some(spec.lease_transitions.unwrap_or(0) + 1);
            takeover.spec = Some(spec_new);
            match api.replace(&name, &PostParams::default(), &takeover).await {
                Ok(lease) => {
                    taken_over_from = Some((
                        holder_now,
                        renewed.map(|t| t.to_string()).unwrap_or_default(),
                    ));
                    lease
                }
                Err(kube::Error::Api(s)) if s.code == 409 => {
                    // Someone else took it over between our read and write.
                    let winner = api
                        .get(&name)
                        .await
                        .ok()
                        .and_then(|l| l.spec)
                        .unwrap_or_default();
                    return Err(in_progress(
                        winner
                            .holder_identity
                            .as_deref()
                            .unwrap_or("another process"),
                        winner.acquire_time.map(|t| t.0),
                    ));
                }
                Err(e) => return Err(lease_error(&name, e)),
            }
        }
        Err(e) => return Err(lease_error(&name, e)),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let renewer = tokio::spawn(renew(api.clone(), created, duration, stopped));
    Ok(LeaseGuard {
        api,
        name,
        stop,
        renewer,
        taken_over_from,
    })
}

/// Renews at a third of the duration, so two missed renewals still keep the lease.
async fn renew(
    api: Api<Lease>,
    mut lease: Lease,
    duration: Duration,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let name = lease.metadata.name.clone().unwrap_or_default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(duration / 3) => {}
            _ = stopped.changed() => return,
        }
        if let Some(spec) = lease.spec.as_mut() {
            spec.renew_time = Some(MicroTime(Timestamp::now()));
        }
        match api.replace(&name, &PostParams::default(), &lease).await {
            Ok(updated) => lease = updated,
            Err(err) => {
                tracing::warn!(error = %err, lease = %name, "renewing the release lease failed");
                if let Ok(current) = api.get(&name).await {
                    lease.metadata.resource_version = current.metadata.resource_version;
                }
            }
        }
    }
}

fn in_progress(holder: &str, since: Option<Timestamp>) -> Error {
    let since = since
        .map(|t| format!(" since {}", t.strftime("%Y-%m-%d %H:%M:%S UTC")))
        .unwrap_or_default();
    Error::InProgress {
        holder: format!(": held by {holder}{since}"),
    }
}

fn lease_error(name: &str, e: kube::Error) -> Error {
    Error::storage(format!("release lock (Lease {name})"), e)
}

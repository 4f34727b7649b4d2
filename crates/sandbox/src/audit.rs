//! `--audit-log FILE`: one JSON line per request, shaped like the API server's
//! `audit.k8s.io/v1` `Event` at the `Metadata` level, plus the request's duration.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

use crate::Error;
use crate::auth::User;

/// The open audit log.
#[derive(Debug)]
pub(crate) struct Audit {
    file: Mutex<File>,
}

/// What one line records.
pub(crate) struct AuditRecord<'a> {
    pub(crate) uri: &'a str,
    pub(crate) verb: &'a str,
    pub(crate) user: Option<&'a User>,
    pub(crate) user_agent: &'a str,
    pub(crate) code: u16,
    pub(crate) received: chrono::DateTime<chrono::Utc>,
    pub(crate) duration: Duration,
}

impl Audit {
    /// Opens (appending to) the audit log.
    pub(crate) fn open(path: &Path) -> Result<Self, Error> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| Error::AuditLog {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Audit {
            file: Mutex::new(file),
        })
    }

    /// Appends one line. Audit failures never fail the request, as with the API server's
    /// default (non-blocking) audit backend.
    pub(crate) fn record(&self, r: AuditRecord<'_>) {
        let fmt = "%Y-%m-%dT%H:%M:%S%.6fZ";
        let done = r.received
            + chrono::Duration::from_std(r.duration).unwrap_or_else(|_| chrono::Duration::zero());
        let user = match r.user {
            Some(u) => json!({"username": u.name, "groups": u.groups}),
            None => json!({}),
        };
        let line = json!({
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "level": "Metadata",
            "auditID": crate::util::new_uid(),
            "stage": "ResponseComplete",
            "requestURI": r.uri,
            "verb": r.verb,
            "user": user,
            "userAgent": r.user_agent,
            "responseStatus": {"metadata": {}, "code": r.code},
            "requestReceivedTimestamp": r.received.format(fmt).to_string(),
            "stageTimestamp": done.format(fmt).to_string(),
            "durationSeconds": r.duration.as_secs_f64(),
        });
        let mut text = serde_json::to_vec(&line).unwrap_or_default();
        text.push(b'\n');
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = f.write_all(&text);
    }
}

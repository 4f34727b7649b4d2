//! `watch`: a chunked stream of JSON events, one per line.
//!
//! # Guarantees
//! - Events arrive in `resourceVersion` order with no gaps: the stream replays the store's
//!   history from the requested version, then follows it.
//! - A version older than the kept history ends the stream with an `ERROR` event carrying a
//!   410 `Expired` Status, as the API server does, so clients relist instead of missing changes.
//! - Selector transitions are reported as the API server does: an object that stops
//!   matching is `DELETED`, one that starts matching is `ADDED`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::{Bytes, Frame};
use serde_json::{Value, json};

use super::read::{Form, Selection, negotiate};
use super::{Request, Target};
use crate::objects::as_served;
use crate::server::{Reply, State};
use crate::status::ApiError;
use crate::store::{Event, EventType};
use crate::table::{partial_metadata, table};
use crate::util::to_go_json;

/// How often bookmarks go out when the client allows them. The API server sends them about
/// once a minute; a shorter period lets resuming clients skip more history.
const BOOKMARK_EVERY: Duration = Duration::from_secs(10);
/// The default watch length when the client gives no `timeoutSeconds` (the API server picks
/// a random 30–60 minutes).
const DEFAULT_TIMEOUT: u64 = 1800;

struct Watch {
    t: Target,
    sel: Selection,
    form: Form,
    include: String,
}

impl Watch {
    fn encode(&self, kind: &str, obj: &Value) -> Bytes {
        let object = match self.form {
            Form::Plain => as_served(obj, &self.t.rt),
            Form::Partial => partial_metadata(obj),
            Form::Table => {
                let rv = obj
                    .get("metadata")
                    .and_then(|m| m.get("resourceVersion"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                table(
                    &self.t.rt,
                    &[as_served(obj, &self.t.rt)],
                    &rv,
                    &self.include,
                    None,
                )
            }
        };
        line(&json!({"type": kind, "object": object}))
    }

    fn in_scope(&self, e: &Event) -> bool {
        e.key.group == self.t.rt.group
            && e.key.resource == self.t.rt.resource
            && self
                .t
                .namespace
                .as_deref()
                .is_none_or(|ns| e.key.namespace == ns)
    }

    /// The event a client should see for a stored change, if any.
    fn translate(&self, e: &Event) -> Option<Bytes> {
        if !self.in_scope(e) {
            return None;
        }
        let now = self.sel.matches(&e.object);
        let before = e.old.as_ref().is_some_and(|o| self.sel.matches(o));
        let kind = match e.kind {
            EventType::Added if now => "ADDED",
            EventType::Modified if now && before => "MODIFIED",
            EventType::Modified if now => "ADDED",
            EventType::Modified if before => "DELETED",
            EventType::Deleted if before => "DELETED",
            _ => return None,
        };
        Some(self.encode(kind, &e.object))
    }

    fn bookmark(&self, rv: u64, initial_end: bool) -> Bytes {
        let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
        if initial_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        line(
            &json!({"type": "BOOKMARK", "object": {"kind": self.t.rt.kind, "apiVersion": self.t.rt.api_version(), "metadata": meta}}),
        )
    }
}

fn line(v: &Value) -> Bytes {
    let mut b = to_go_json(v, false);
    b.push(b'\n');
    Bytes::from(b)
}

fn error_event(e: &ApiError) -> Bytes {
    line(&json!({"type": "ERROR", "object": e.to_status()}))
}

/// GET with `watch=true` (or a `/watch/` path).
pub(crate) fn watch(state: Arc<State>, req: &Request, t: &Target) -> Reply {
    let sel = match Selection::from_request(req, t) {
        Ok(s) => s,
        Err(e) => return Reply::error(e, req),
    };
    let timeout = match req.q("timeoutSeconds").filter(|s| !s.is_empty()) {
        Some(s) => match s.parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                return Reply::error(
                    ApiError::bad_request(format!("timeoutSeconds: invalid value {s:?}")),
                    req,
                );
            }
        },
        None => DEFAULT_TIMEOUT,
    };
    let bookmarks = req.flag("allowWatchBookmarks");
    let send_initial = req.q("sendInitialEvents") == Some("true");
    let rv_param = req.q("resourceVersion").unwrap_or("").to_string();
    let w = Watch {
        t: t.clone(),
        sel,
        form: negotiate(&req.accept),
        include: req.q("includeObject").unwrap_or("Metadata").to_string(),
    };
    let mut notify = state.store.subscribe();
    let mut epoch = state.watch_epoch.subscribe();
    let mut first: Vec<Bytes> = Vec::new();
    let mut cursor;
    {
        let g = state.store.lock();
        if send_initial || rv_param.is_empty() || rv_param == "0" {
            // "Get state and start at most recent": synthetic ADDED for what exists now.
            for (_, obj) in g.list(&t.rt.group, &t.rt.resource, t.namespace.as_deref()) {
                if w.sel.matches(obj) {
                    first.push(w.encode("ADDED", obj));
                }
            }
            cursor = g.rv();
            if send_initial && bookmarks {
                first.push(w.bookmark(cursor, true));
            }
        } else {
            match rv_param.parse::<u64>() {
                Ok(rv) => {
                    cursor = rv;
                    if let Err(e) = g.events_since(rv) {
                        first.push(error_event(&e));
                        cursor = u64::MAX;
                    }
                }
                Err(_) => {
                    return Reply::error(
                        ApiError::bad_request(format!(
                            "resourceVersion: Invalid value: {rv_param:?}: must be a valid resource version"
                        )),
                        req,
                    );
                }
            }
        }
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(256);
    tokio::spawn(async move {
        for b in first {
            if tx.send(b).await.is_err() {
                return;
            }
        }
        if cursor == u64::MAX {
            return;
        }
        let deadline = tokio::time::sleep(Duration::from_secs(timeout));
        tokio::pin!(deadline);
        let mut ticker = tokio::time::interval(BOOKMARK_EVERY);
        ticker.tick().await;
        loop {
            // Drain whatever is newer than the cursor before waiting again.
            let events = {
                let g = state.store.lock();
                g.events_since(cursor)
            };
            match events {
                Ok(evs) => {
                    for e in evs {
                        cursor = e.rv;
                        if let Some(b) = w.translate(&e)
                            && tx.send(b).await.is_err()
                        {
                            return;
                        }
                    }
                }
                Err(e) => {
                    // The watcher fell behind the bounded history.
                    let _ = tx.send(error_event(&e)).await;
                    return;
                }
            }
            tokio::select! {
                changed = notify.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
                _ = ticker.tick(), if bookmarks => {
                    if tx.send(w.bookmark(cursor, false)).await.is_err() {
                        return;
                    }
                }
                _ = &mut deadline => return,
                _ = epoch.changed() => return,
                _ = tx.closed() => return,
            }
        }
    });
    let body = http_body_util::BodyExt::boxed(ChannelBody { rx });
    let mut response = hyper::Response::new(body);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    Reply {
        code: 200,
        response,
    }
}

/// A response body fed by a channel: each message is one chunk, sent as soon as it arrives.
struct ChannelBody {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
}

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
    }
}

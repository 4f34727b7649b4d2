//! The HTTP(S) server: accepts connections, authenticates, routes, answers, audits.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpListener;

use crate::audit::{Audit, AuditRecord};
use crate::auth::{Authenticator, Authn, User};
use crate::handlers::{self, Request};
use crate::openapi::OpenApi;
use crate::registry::Registry;
use crate::status::ApiError;
use crate::store::Store;
use crate::util::to_go_json;

/// Request bodies larger than this are refused (the API server's own limit is 3 MiB per
/// object; a little headroom keeps large Helm release Secrets working).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Everything a request handler can reach.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) registry: Registry,
    pub(crate) store: Store,
    pub(crate) auth: Authenticator,
    pub(crate) openapi: OpenApi,
    pub(crate) audit: Option<Audit>,
    pub(crate) version: Value,
    /// PEM of the CA, published in every namespace's `kube-root-ca.crt`.
    pub(crate) ca_pem: String,
    /// Counter behind [`State::next_cluster_ip`].
    pub(crate) cluster_ips: std::sync::atomic::AtomicU32,
    /// The address clients reach this server at (for `/api`'s `serverAddressByClientCIDRs`).
    pub(crate) advertise: std::net::SocketAddr,
    /// Bumped to end every open watch (see `SandboxHandle::close_watches`).
    pub(crate) watch_epoch: tokio::sync::watch::Sender<u64>,
    /// Types for strategic merge patch and apply, including registered CRDs.
    pub(crate) patch_schema: std::sync::RwLock<charthouse_patch::Schema>,
}

/// A response and the status code the audit log records.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) code: u16,
    pub(crate) response: Response<BoxBody<Bytes, Infallible>>,
}

fn full(bytes: Vec<u8>) -> BoxBody<Bytes, Infallible> {
    Full::new(Bytes::from(bytes)).boxed()
}

impl Reply {
    /// A JSON body, encoded as the API server's serializer does: compact output ends with a
    /// newline (Go's `json.Encoder`), pretty output does not (`json.MarshalIndent`).
    pub(crate) fn json(code: u16, value: &Value, req: &Request) -> Reply {
        Self::json_pretty(code, value, req.pretty())
    }

    /// Like [`Reply::json`] with explicit pretty-printing.
    pub(crate) fn json_pretty(code: u16, value: &Value, pretty: bool) -> Reply {
        let mut body = to_go_json(value, pretty);
        if !pretty {
            body.push(b'\n');
        }
        Self::raw(code, "application/json", body)
    }

    /// A body with an explicit content type.
    pub(crate) fn raw(code: u16, content_type: &str, body: Vec<u8>) -> Reply {
        let mut response = Response::new(full(body));
        *response.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
        if let Ok(v) = http::HeaderValue::from_str(content_type) {
            response.headers_mut().insert(http::header::CONTENT_TYPE, v);
        }
        Reply { code, response }
    }

    /// Adds one `Warning: 299 - "<text>"` header per warning, as the API server does.
    pub(crate) fn with_warnings(mut self, warnings: &[String]) -> Reply {
        for w in warnings {
            let quoted = w.replace('\\', "\\\\").replace('"', "\\\"");
            if let Ok(v) = http::HeaderValue::from_str(&format!("299 - \"{quoted}\"")) {
                self.response.headers_mut().append(http::header::WARNING, v);
            }
        }
        self
    }

    /// A `Status` error.
    pub(crate) fn error(e: ApiError, req: &Request) -> Reply {
        Self::status(&e, req.pretty())
    }

    /// A `Status` error with explicit pretty-printing.
    pub(crate) fn status(e: &ApiError, pretty: bool) -> Reply {
        Self::json_pretty(e.code, &e.to_status(), pretty)
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-decodes a query component (`+` is a space, as in HTML forms and Go's `url.ParseQuery`).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// Serves connections on `listener` until `shutdown` flips to true.
pub(crate) async fn serve(
    state: Arc<State>,
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        // Reap finished connection tasks so the set does not grow without bound.
        while conns.try_join_next().is_some() {}
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let acceptor = acceptor.clone();
        conns.spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(handle(state, req, peer).await) }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            match acceptor {
                Some(acc) => {
                    if let Ok(tls) = acc.accept(stream).await {
                        let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                    }
                }
                None => {
                    let _ = builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            }
        });
    }
    conns.shutdown().await;
}

async fn handle(
    state: Arc<State>,
    req: hyper::Request<Incoming>,
    _peer: SocketAddr,
) -> Response<BoxBody<Bytes, Infallible>> {
    let started = Instant::now();
    let received = chrono::Utc::now();
    let (parts, body) = req.into_parts();
    let header = |name: http::header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let path = parts.uri.path().to_string();
    let request_uri = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let query = parse_query(parts.uri.query());
    let user_agent = header(http::header::USER_AGENT);
    let pretty_hint = query
        .get("pretty")
        .map(|p| p == "true" || p == "1")
        .unwrap_or(user_agent.starts_with("curl") || user_agent.starts_with("Wget"));

    let authn = state.auth.authenticate(
        parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    );
    let user = match authn {
        Authn::User(u) => u,
        Authn::Anonymous => User::anonymous(),
        Authn::Rejected => {
            let reply = Reply::status(&ApiError::unauthorized(), pretty_hint);
            audit(
                &state,
                &parts.method,
                &request_uri,
                None,
                &user_agent,
                "",
                &reply,
                received,
                started,
            );
            return reply.response;
        }
    };
    // Impersonation (kubectl --as/--as-group, helm --kube-as-user/--kube-as-group).
    let user = match parts
        .headers
        .get("impersonate-user")
        .and_then(|v| v.to_str().ok())
    {
        None => user,
        Some(target) => {
            let groups = parts
                .headers
                .get_all("impersonate-group")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_string)
                .collect();
            match user.impersonate(target, groups) {
                Ok(acting) => acting,
                Err(real) => {
                    let reply = Reply::status(
                        &ApiError::forbidden_impersonation(&real, target),
                        pretty_hint,
                    );
                    audit(
                        &state,
                        &parts.method,
                        &request_uri,
                        Some(&user),
                        &user_agent,
                        "impersonate",
                        &reply,
                        received,
                        started,
                    );
                    return reply.response;
                }
            }
        }
    };
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let reply = Reply::status(
                &ApiError {
                    code: 413,
                    reason: "RequestEntityTooLarge",
                    message: "Request entity too large: limit is 16777216".into(),
                    details: None,
                },
                pretty_hint,
            );
            audit(
                &state,
                &parts.method,
                &request_uri,
                Some(&user),
                &user_agent,
                "",
                &reply,
                received,
                started,
            );
            return reply.response;
        }
    };
    let request = Request {
        method: parts.method.clone(),
        path: path.clone(),
        query,
        accept: header(http::header::ACCEPT),
        content_type: header(http::header::CONTENT_TYPE),
        user_agent: user_agent.clone(),
        user,
        body,
    };
    let (reply, verb) = route(&state, &request).await;
    audit(
        &state,
        &parts.method,
        &request_uri,
        Some(&request.user),
        &user_agent,
        &verb,
        &reply,
        received,
        started,
    );
    reply.response
}

#[allow(clippy::too_many_arguments)]
fn audit(
    state: &State,
    method: &Method,
    uri: &str,
    user: Option<&User>,
    user_agent: &str,
    verb: &str,
    reply: &Reply,
    received: chrono::DateTime<chrono::Utc>,
    started: Instant,
) {
    if let Some(a) = &state.audit {
        let verb = if verb.is_empty() {
            method.as_str().to_lowercase()
        } else {
            verb.to_string()
        };
        a.record(AuditRecord {
            uri,
            verb: &verb,
            user,
            user_agent,
            code: reply.code,
            received,
            duration: started.elapsed(),
        });
    }
}

/// Picks the handler for a path. Returns the reply and the verb for the audit log.
async fn route(state: &Arc<State>, req: &Request) -> (Reply, String) {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let non_resource_verb = req.method.as_str().to_lowercase();
    // Non-resource URLs: health, version, discovery, OpenAPI.
    let non_resource = matches!(
        segs.as_slice(),
        ["healthz" | "livez" | "readyz", ..]
            | ["version"]
            | ["api"]
            | ["apis"]
            | ["api", _]
            | ["apis", _]
            | ["apis", _, _]
            | ["openapi", ..]
    );

    if non_resource {
        if req.method != Method::GET && req.method != Method::HEAD {
            return (
                Reply::error(
                    ApiError {
                        code: 405,
                        reason: "MethodNotAllowed",
                        message: "the server does not allow this method on the requested resource"
                            .into(),
                        details: None,
                    },
                    req,
                ),
                non_resource_verb,
            );
        }
        let allowed = if req.user.is_anonymous() {
            crate::auth::public_path(&req.path)
        } else {
            true
        };
        if !allowed {
            return (
                Reply::error(
                    ApiError::forbidden_path(&req.user.name, "get", &req.path),
                    req,
                ),
                "get".into(),
            );
        }
        return (non_resource_reply(state, req, &segs), "get".into());
    }
    let target = match segs.as_slice() {
        ["api", version, rest @ ..] => handlers::parse_target(state, "", version, rest),
        ["apis", group, version, rest @ ..] => handlers::parse_target(state, group, version, rest),
        _ => Err(ApiError::path_not_found()),
    };
    match target {
        Ok(t) => {
            if req.user.is_anonymous() {
                let verb = handlers::verb_of(req, &t);
                let e = ApiError::forbidden(
                    &req.user.name,
                    verb,
                    &t.rt,
                    t.namespace.as_deref(),
                    t.name.as_deref(),
                );
                return (Reply::error(e, req), verb.into());
            }
            let verb = handlers::verb_of(req, &t).to_string();
            (handlers::dispatch(state, req, t).await, verb)
        }
        Err(e) => {
            if req.user.is_anonymous() {
                return (
                    Reply::error(
                        ApiError::forbidden_path(&req.user.name, "get", &req.path),
                        req,
                    ),
                    non_resource_verb,
                );
            }
            (Reply::error(e, req), non_resource_verb)
        }
    }
}

fn non_resource_reply(state: &State, req: &Request, segs: &[&str]) -> Reply {
    match segs {
        ["healthz" | "livez" | "readyz", ..] => {
            if req.query.contains_key("verbose") {
                let name = segs[0];
                Reply::raw(
                    200,
                    "text/plain; charset=utf-8",
                    format!("[+]ping ok\n[+]log ok\n[+]etcd ok\n{name} check passed\n")
                        .into_bytes(),
                )
            } else {
                Reply::raw(200, "text/plain; charset=utf-8", b"ok".to_vec())
            }
        }
        ["version"] => Reply::json(200, &state.version, req),
        ["openapi", rest @ ..] => state.openapi.reply(&state.registry, req, rest),
        _ => crate::discovery::reply(state, req, segs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query(Some("labelSelector=app%3Dx%2Cb+in+%28c%29&watch&limit=1"));
        assert_eq!(q["labelSelector"], "app=x,b in (c)");
        assert_eq!(q["watch"], "");
        assert_eq!(q["limit"], "1");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
    }
}

//! Optimistic concurrency under load: 8 clients × 1,000 read-modify-write updates of one
//! object. Every update that succeeded must be reflected, and an update fails with 409
//! exactly when another client wrote in between (its resourceVersion was stale).
//!
//! The clients are bare HTTP/1.1 connections (one per client, kept alive) so that the
//! test measures the server, not a client library's overhead in debug builds.

use std::time::Instant;

use charthouse_sandbox::SandboxConfig;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use serde_json::{Value, json};

use crate::common::Env;

struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    token: String,
}

impl Conn {
    async fn open(addr: std::net::SocketAddr, token: &str) -> Conn {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        Conn {
            sender,
            token: token.to_string(),
        }
    }

    async fn send(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("Host", "sandbox")
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "application/json")
            .body(Full::new(Bytes::from(bytes)))
            .unwrap();
        self.sender.ready().await.unwrap();
        let resp = self.sender.send_request(req).await.unwrap();
        let code = resp.status().as_u16();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (code, serde_json::from_slice(&body).unwrap())
    }
}

const PATH: &str = "/api/v1/namespaces/default/configmaps/counter";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_thousand_conflicting_updates_lose_nothing() {
    let env = Env::with(SandboxConfig {
        tls: false,
        ..SandboxConfig::default()
    })
    .await;
    let addr = env.sandbox.addr();
    let token = env.sandbox.token().to_string();
    let mut admin = Conn::open(addr, &token).await;
    let (code, _) = admin
        .send(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some(&json!({"metadata": {"name": "counter"}, "data": {"n": "0"}})),
        )
        .await;
    assert_eq!(code, 201);

    const CLIENTS: usize = 8;
    const UPDATES: usize = 1000;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr, &token).await;
            let (mut ok, mut conflicts) = (0u64, 0u64);
            let mut versions = Vec::new();
            for _ in 0..UPDATES {
                let (_, mut cur) = conn.send("GET", PATH, None).await;
                let n: u64 = cur["data"]["n"].as_str().unwrap().parse().unwrap();
                cur["data"]["n"] = json!((n + 1).to_string());
                let (code, resp) = conn.send("PUT", PATH, Some(&cur)).await;
                match code {
                    200 => {
                        ok += 1;
                        versions.push(resp["metadata"]["resourceVersion"].as_str().unwrap().parse::<u64>().unwrap());
                    }
                    409 => {
                        assert_eq!(resp["reason"], "Conflict");
                        assert_eq!(
                            resp["message"],
                            "Operation cannot be fulfilled on configmaps \"counter\": the object has been modified; please apply your changes to the latest version and try again"
                        );
                        conflicts += 1;
                    }
                    other => panic!("unexpected {other}: {resp}"),
                }
            }
            (ok, conflicts, versions)
        }));
    }
    let (mut ok, mut conflicts, mut versions) = (0u64, 0u64, Vec::new());
    for t in tasks {
        let (o, c, v) = t.await.unwrap();
        ok += o;
        conflicts += c;
        versions.extend(v);
    }
    let elapsed = started.elapsed();
    let (_, fin) = admin.send("GET", PATH, None).await;
    let n: u64 = fin["data"]["n"].as_str().unwrap().parse().unwrap();
    assert_eq!(ok + conflicts, (CLIENTS * UPDATES) as u64);
    assert_eq!(n, ok, "every acknowledged update is in the final value");
    assert!(conflicts > 0, "8 concurrent writers must collide sometimes");
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(
        versions.len() as u64,
        ok,
        "each successful write got its own resourceVersion"
    );

    // Unconditional writes (no resourceVersion) never conflict, and merge patches from all
    // clients at once are all applied: 8 × 25 distinct keys end up in one object.
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr, &token).await;
            for i in 0..25 {
                let req = hyper::Request::builder()
                    .method("PATCH")
                    .uri(PATH)
                    .header("Host", "sandbox")
                    .header("Authorization", format!("Bearer {}", conn.token))
                    .header("Content-Type", "application/merge-patch+json")
                    .body(Full::new(Bytes::from(
                        serde_json::to_vec(&json!({"data": {format!("c{c}-{i}"): "x"}})).unwrap(),
                    )))
                    .unwrap();
                conn.sender.ready().await.unwrap();
                let resp = conn.sender.send_request(req).await.unwrap();
                assert_eq!(resp.status().as_u16(), 200);
                resp.into_body().collect().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (_, fin) = admin.send("GET", PATH, None).await;
    assert_eq!(fin["data"].as_object().unwrap().len(), 1 + CLIENTS * 25);
    eprintln!(
        "concurrency: {CLIENTS} clients x {UPDATES} GET+PUT: {ok} succeeded, {conflicts} got 409, {:.2?} ({:.0} req/s)",
        elapsed,
        (2 * CLIENTS * UPDATES) as f64 / elapsed.as_secs_f64()
    );
    env.sandbox.shutdown().await;
}

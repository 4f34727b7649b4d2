//! Optimistic concurrency under load: 8 clients × 1,000 read-modify-write updates of one
//! object. Every update that succeeded must be reflected, and an update fails with 409
//! exactly when another client wrote in between (its resourceVersion was stale).

use std::time::Instant;

use charthouse_sandbox::SandboxConfig;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};

use crate::common::Env;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_thousand_conflicting_updates_lose_nothing() {
    // Plain HTTP keeps this test about the server's concurrency, not TLS handshakes.
    let env = Env::with(SandboxConfig {
        tls: false,
        ..SandboxConfig::default()
    })
    .await;
    let client = env.sandbox.client().await.unwrap();
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let init: ConfigMap = serde_json::from_value(
        serde_json::json!({"metadata": {"name": "counter"}, "data": {"n": "0"}}),
    )
    .unwrap();
    api.create(&PostParams::default(), &init).await.unwrap();

    const CLIENTS: usize = 8;
    const UPDATES: usize = 1000;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        // One client (connection pool) per task, as 8 separate programs would have.
        let client = env.sandbox.client().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let api: Api<ConfigMap> = Api::namespaced(client, "default");
            let (mut ok, mut conflicts) = (0u64, 0u64);
            let mut versions = Vec::new();
            for _ in 0..UPDATES {
                let mut cur = api.get("counter").await.unwrap();
                let n: u64 = cur.data.as_ref().unwrap()["n"].parse().unwrap();
                cur.data
                    .as_mut()
                    .unwrap()
                    .insert("n".into(), (n + 1).to_string());
                match api.replace("counter", &PostParams::default(), &cur).await {
                    Ok(done) => {
                        ok += 1;
                        versions.push(
                            done.metadata
                                .resource_version
                                .unwrap()
                                .parse::<u64>()
                                .unwrap(),
                        );
                    }
                    Err(kube::Error::Api(s)) if s.code == 409 => {
                        assert_eq!(s.reason, "Conflict");
                        assert!(
                            s.message.contains("the object has been modified"),
                            "{}",
                            s.message
                        );
                        conflicts += 1;
                    }
                    Err(e) => panic!("unexpected error {e}"),
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
    let fin = api.get("counter").await.unwrap();
    let n: u64 = fin.data.unwrap()["n"].parse().unwrap();
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
    eprintln!(
        "concurrency: {CLIENTS} clients x {UPDATES} updates: {ok} succeeded, {conflicts} got 409, {:.2?} ({:.0} req/s)",
        elapsed,
        (2 * CLIENTS * UPDATES) as f64 / elapsed.as_secs_f64()
    );
    env.sandbox.shutdown().await;
}

//! Watches: a kube-rs watcher sees every change in order across forced reconnects, and
//! too-old versions get 410 Gone.

use std::collections::BTreeMap;
use std::time::Duration;

use charthouse_sandbox::SandboxConfig;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};
use kube::runtime::watcher;

use crate::common::Env;

fn cm(name: &str, n: u32) -> ConfigMap {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": name},
        "data": {"n": n.to_string()},
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn watcher_sees_every_change_in_order_across_reconnects() {
    let env = Env::start().await;
    let client = env.sandbox.client().await.unwrap();
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let stream_api = api.clone();
    let watching = tokio::spawn(async move {
        let cfg = watcher::Config::default().labels("!ignored");
        let mut s = watcher(stream_api, cfg).boxed();
        while let Some(ev) = s.try_next().await.unwrap() {
            if tx.send(ev).is_err() {
                return;
            }
        }
    });
    // Wait for the initial list to finish so every later write is a watch event.
    loop {
        if let Some(watcher::Event::InitDone) = rx.recv().await {
            break;
        }
    }
    const N: u32 = 60;
    for i in 0..N {
        let name = format!("w{}", i % 3);
        if i < 3 {
            api.create(&PostParams::default(), &cm(&name, i))
                .await
                .unwrap();
        } else {
            let mut cur = api.get(&name).await.unwrap();
            cur.data = cm(&name, i).data;
            api.replace(&name, &PostParams::default(), &cur)
                .await
                .unwrap();
        }
        if i % 10 == 5 {
            // Drop every open watch: the watcher must resume from its last version.
            env.sandbox.close_watches();
        }
    }
    let last_rv = env.sandbox.resource_version();
    let mut seen: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut last_version = 0u64;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while last_version < last_rv {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("watcher stalled")
            .unwrap();
        if let watcher::Event::Apply(o) | watcher::Event::InitApply(o) = ev {
            let rv: u64 = o
                .metadata
                .resource_version
                .clone()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                rv > last_version,
                "events out of order: {rv} after {last_version}"
            );
            last_version = rv;
            let n: u32 = o.data.as_ref().unwrap()["n"].parse().unwrap();
            seen.entry(o.metadata.name.clone().unwrap())
                .or_default()
                .push(n);
        }
    }
    for (name, values) in &seen {
        let k: u32 = name[1..].parse().unwrap();
        let want: Vec<u32> = (0..N).filter(|i| i % 3 == k).collect();
        assert_eq!(values, &want, "{name} saw a gap or a duplicate");
    }
    assert_eq!(seen.len(), 3);
    watching.abort();
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn too_old_versions_get_410_and_bookmarks_flow() {
    let env = Env::with(SandboxConfig {
        watch_history: 5,
        ..SandboxConfig::default()
    })
    .await;
    for i in 0..10 {
        env.raw(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            "application/json",
            &format!(r#"{{"metadata":{{"name":"c{i}"}}}}"#),
            "t",
        )
        .await;
    }
    let (code, body) = env
        .raw(
            "GET",
            "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1",
            "",
            "",
            "t",
        )
        .await;
    assert_eq!(code, 200);
    let text = String::from_utf8(body).unwrap();
    let ev: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(ev["type"], "ERROR");
    assert_eq!(ev["object"]["code"], 410);
    assert_eq!(ev["object"]["reason"], "Expired");

    // A recent version streams the remaining events, one JSON object per line.
    let rv = env.sandbox.resource_version() - 2;
    let (_, body) = env
        .raw("GET", &format!("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=1"), "", "", "t")
        .await;
    let text = String::from_utf8(body).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types, vec!["ADDED", "ADDED"]);

    // sendInitialEvents ends the initial state with an annotated bookmark.
    let (_, body) = env
        .raw("GET", "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1", "", "", "t")
        .await;
    let text = String::from_utf8(body).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "BOOKMARK");
    assert_eq!(
        last["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    assert_eq!(
        text.lines().count(),
        12,
        "10 configmaps + kube-root-ca.crt + bookmark"
    );
    env.sandbox.shutdown().await;
}

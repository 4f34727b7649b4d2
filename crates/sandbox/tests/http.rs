//! Raw requests compared with the answers a real kube-apiserver v1.36 gave to the same
//! requests (`tests/data/recorded/`, copied from the k8s reference by `scripts/gen-data.py`).

use serde_json::Value;

use crate::common::{Env, data};

/// One recorded exchange.
struct Recorded {
    method: String,
    path: String,
    content_type: String,
    body: String,
    response: String,
    code: u16,
}

fn recorded(name: &str) -> Recorded {
    let text = std::fs::read_to_string(data(&format!("recorded/{name}"))).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap().trim_start_matches("# ");
    let (method, path) = first.split_once(' ').unwrap();
    let (mut content_type, mut body) = (String::from("application/json"), String::new());
    let mut response = Vec::new();
    let mut code = 0;
    for l in lines {
        if let Some(ct) = l.strip_prefix("# Content-Type: ") {
            content_type = ct.to_string();
        } else if let Some(b) = l.strip_prefix("# body: ") {
            body = b.to_string();
        } else if let Some(c) = l.strip_prefix("# HTTP ") {
            code = c.trim().parse().unwrap();
        } else {
            response.push(l);
        }
    }
    Recorded {
        method: method.into(),
        path: path.into(),
        content_type,
        body,
        response: response.join("\n"),
        code,
    }
}

async fn env_with_ref_namespace() -> Env {
    let env = Env::start().await;
    let (code, _) = env
        .raw(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ref"}}"#,
            "test",
        )
        .await;
    assert_eq!(code, 201);
    env
}

/// Replays a recorded request as curl did (curl's user agent makes the server pretty-print)
/// and checks the status code and the exact body bytes.
async fn replay_exact(env: &Env, name: &str) {
    let r = recorded(name);
    let (code, body) = env
        .raw(&r.method, &r.path, &r.content_type, &r.body, "curl/8.5.0")
        .await;
    assert_eq!(code, r.code, "{name}: {}", String::from_utf8_lossy(&body));
    assert_eq!(String::from_utf8(body).unwrap(), r.response, "{name}");
}

/// Strips what differs between two servers (uids, versions, times, managedFields) so
/// object answers can be compared structurally.
fn normalize(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "managedFields",
            "continue",
        ] {
            m.remove(k);
        }
    }
    if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
        for i in items.iter_mut() {
            *i = normalize(i.take());
        }
    }
    v
}

async fn replay_object(env: &Env, name: &str) -> Value {
    let r = recorded(name);
    let (code, body) = env
        .raw(&r.method, &r.path, &r.content_type, &r.body, "curl/8.5.0")
        .await;
    assert_eq!(code, r.code, "{name}: {}", String::from_utf8_lossy(&body));
    let got: Value = serde_json::from_slice(&body).unwrap();
    let want: Value = serde_json::from_str(&r.response).unwrap();
    assert_eq!(normalize(got.clone()), normalize(want), "{name}");
    got
}

#[tokio::test(flavor = "multi_thread")]
async fn status_errors_are_byte_identical_to_the_api_server() {
    let env = env_with_ref_namespace().await;
    replay_exact(&env, "get_missing_404.txt").await;
    replay_exact(&env, "create_in_missing_namespace_404.txt").await;
    replay_exact(&env, "invalid_name_422.txt").await;
    replay_object(&env, "create_configmap.txt").await;
    replay_exact(&env, "create_again_409_alreadyexists.txt").await;
    replay_exact(&env, "update_stale_409_conflict.txt").await;
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthenticated_and_anonymous_requests() {
    let env = Env::start().await;
    let url = env.sandbox.url();
    let kc = env
        .sandbox
        .kubeconfig_yaml()
        .replace(env.sandbox.token(), "wrong-token");
    let kc = kube::config::Kubeconfig::from_yaml(&kc).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    let client = kube::Client::try_from(cfg).unwrap();
    let req = http::Request::get("/api/v1/namespaces/ref/secrets")
        .header("User-Agent", "curl/8")
        .body(Vec::new())
        .unwrap();
    let resp = client.send(req.map(Into::into)).await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    use http_body_util::BodyExt as _;
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        String::from_utf8(body.to_vec()).unwrap(),
        recorded("unauthorized_401.txt").response
    );
    assert!(url.starts_with("https://127.0.0.1:"));
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_list_paging_and_patches_match_the_recording() {
    let env = env_with_ref_namespace().await;
    replay_object(&env, "create_configmap.txt").await;
    let dry = replay_object(&env, "dry_run_create.txt").await;
    assert!(dry["metadata"].get("resourceVersion").is_none());
    let (code, _) = env
        .raw("GET", "/api/v1/namespaces/ref/configmaps/dry", "", "", "t")
        .await;
    assert_eq!(code, 404, "dry run must not store");

    // A second labelled object so that limit=1 leaves something to continue to.
    env.raw(
        "POST",
        "/api/v1/namespaces/ref/configmaps",
        "application/json",
        r#"{"metadata":{"name":"c2","labels":{"app":"x"}}}"#,
        "t",
    )
    .await;
    let page = replay_object(&env, "list_with_selector.txt").await;
    let token = page["metadata"]["continue"].as_str().unwrap().to_string();
    let (code, body) = env
        .raw(
            "GET",
            &format!(
                "/api/v1/namespaces/ref/configmaps?labelSelector=app%3Dx&limit=1&continue={token}"
            ),
            "",
            "",
            "t",
        )
        .await;
    assert_eq!(code, 200);
    let next: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(next["items"][0]["metadata"]["name"], "c2");
    assert!(next["metadata"].get("continue").is_none());

    replay_object(&env, "merge_patch.txt").await;
    // The API server fills in dozens of Deployment defaults the sandbox does not (see the
    // crate docs), so only the patched containers and the generation are compared here.
    for name in [
        "strategic_merge_patch_deployment_create.txt",
        "strategic_merge_patch.txt",
    ] {
        let r = recorded(name);
        let (code, body) = env
            .raw(&r.method, &r.path, &r.content_type, &r.body, "t")
            .await;
        assert_eq!(code, r.code, "{name}: {}", String::from_utf8_lossy(&body));
        let got: Value = serde_json::from_slice(&body).unwrap();
        let want: Value = serde_json::from_str(&r.response).unwrap();
        let images = |v: &Value| -> Vec<(String, String)> {
            v["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap().to_string(),
                        c["image"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(images(&got), images(&want), "{name}");
        assert_eq!(
            got["metadata"]["generation"], want["metadata"]["generation"],
            "{name}"
        );
    }
    env.sandbox.shutdown().await;
}

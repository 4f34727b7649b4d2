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
    // Later pages are read at the first page's version: a deletion in between is not seen.
    assert_eq!(
        env.raw(
            "DELETE",
            "/api/v1/namespaces/ref/configmaps/c2",
            "",
            "",
            "t"
        )
        .await
        .0,
        200
    );
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

    // resourceVersionMatch=Exact reads the past. (A future version is a 504 Timeout, which
    // kube-rs retries for minutes, so it is not exercised here.)
    let rv: u64 = page["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (code, body) = env
        .raw(
            "GET",
            &format!(
                "/api/v1/namespaces/ref/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact"
            ),
            "",
            "",
            "t",
        )
        .await;
    assert_eq!(code, 200);
    let then: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        then["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["metadata"]["name"] == "c2")
    );
    replay_object(&env, "merge_patch.txt").await;
    // Creation matches the recorded server including defaults and managedFields.
    let created = replay_object(&env, "strategic_merge_patch_deployment_create.txt").await;
    let want: Value =
        serde_json::from_str(&recorded("strategic_merge_patch_deployment_create.txt").response)
            .unwrap();
    assert_eq!(managed(&created), managed(&want));
    // By the time of the recorded patch, kube-controller-manager had written status and a
    // revision annotation, which the sandbox (without --simulate-workloads) does not; so
    // only the patched containers and the generation are compared.
    let name = "strategic_merge_patch.txt";
    let r = recorded(name);
    let (code, body) = env
        .raw(&r.method, &r.path, &r.content_type, &r.body, "curl/8")
        .await;
    assert_eq!(code, r.code, "{name}: {}", String::from_utf8_lossy(&body));
    let got: Value = serde_json::from_slice(&body).unwrap();
    let want: Value = serde_json::from_str(&r.response).unwrap();
    assert_eq!(got["spec"]["template"], want["spec"]["template"]);
    assert_eq!(
        got["metadata"]["generation"],
        want["metadata"]["generation"]
    );
    let curl_entry = |v: &Value| {
        managed(v)
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["manager"] == "curl")
            .cloned()
    };
    assert_eq!(curl_entry(&got), curl_entry(&want));
    env.sandbox.shutdown().await;
}

/// managedFields entries without their timestamps.
fn managed(v: &Value) -> Value {
    let mut mf = v["metadata"]["managedFields"].clone();
    for e in mf.as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("time");
    }
    mf
}

#[tokio::test(flavor = "multi_thread")]
async fn server_side_apply_conflicts_and_managed_fields_match_the_recording() {
    let env = env_with_ref_namespace().await;
    for name in [
        "create_configmap.txt",
        "merge_patch.txt",
        "ssa_apply_manager_a.txt",
        "ssa_apply_manager_b_force.txt",
    ] {
        if name == "ssa_apply_manager_b_force.txt" {
            replay_exact(&env, "ssa_apply_manager_b_conflict_409.txt").await;
        }
        let got = replay_object(&env, name).await;
        let want: Value = serde_json::from_str(&recorded(name).response).unwrap();
        assert_eq!(managed(&got), managed(&want), "{name}");
    }
    replay_exact(&env, "field_validation_strict_400.txt").await;
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn token_review_and_anonymous_access() {
    let env = Env::start().await;
    let body = format!(
        r#"{{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{{"token":"{}"}}}}"#,
        env.sandbox.token()
    );
    let (code, resp) = env
        .raw(
            "POST",
            "/apis/authentication.k8s.io/v1/tokenreviews",
            "application/json",
            &body,
            "t",
        )
        .await;
    assert_eq!(code, 201);
    let review: Value = serde_json::from_slice(&resp).unwrap();
    assert_eq!(review["status"]["authenticated"], true);
    assert_eq!(review["status"]["user"]["username"], "kubernetes-admin");
    assert!(
        review["status"]["user"]["groups"]
            .as_array()
            .unwrap()
            .contains(&Value::from("system:masters"))
    );
    let (_, resp) = env
        .raw(
            "POST",
            "/apis/authentication.k8s.io/v1/tokenreviews",
            "application/json",
            r#"{"spec":{"token":"nope"}}"#,
            "t",
        )
        .await;
    let review: Value = serde_json::from_slice(&resp).unwrap();
    assert!(review["status"].get("authenticated").is_none());

    // Anonymous: health and version are public, everything else is 403.
    let url = env.sandbox.url();
    let kc = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: {url}\n    certificate-authority-data: {}\nusers:\n- name: anon\n  user: {{}}\ncontexts:\n- name: s\n  context: {{cluster: s, user: anon}}\ncurrent-context: s\n",
        {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(env.sandbox.ca_pem().unwrap())
        }
    );
    let kc = kube::config::Kubeconfig::from_yaml(&kc).unwrap();
    let client = kube::Client::try_from(
        kube::Config::from_custom_kubeconfig(kc, &Default::default())
            .await
            .unwrap(),
    )
    .unwrap();
    let get = |path: &str| {
        http::Request::get(path)
            .header("User-Agent", "curl/8")
            .body(Vec::new())
            .unwrap()
    };
    let resp = client.send(get("/version").map(Into::into)).await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let resp = client
        .send(get("/api/v1/namespaces/ref/secrets").map(Into::into))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    use http_body_util::BodyExt as _;
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        body["message"],
        "secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\" in API group \"\" in the namespace \"ref\""
    );
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn finalizers_and_owner_references_drive_deletion() {
    let env = Env::start().await;
    let post = |path: &'static str, body: String| {
        let env = &env;
        async move { env.raw("POST", path, "application/json", &body, "t").await }
    };
    let (_, owner) = post(
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"owner","finalizers":["example.com/hold"]}}"#.into(),
    )
    .await;
    let owner: Value = serde_json::from_slice(&owner).unwrap();
    let uid = owner["metadata"]["uid"].as_str().unwrap();
    let dep = format!(
        r#"{{"metadata":{{"name":"dep","ownerReferences":[{{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{uid}"}}]}}}}"#
    );
    assert_eq!(
        post("/api/v1/namespaces/default/configmaps", dep).await.0,
        201
    );

    // A finalizer keeps the owner (terminating); its dependent is kept until it is gone.
    let (code, body) = env
        .raw(
            "DELETE",
            "/api/v1/namespaces/default/configmaps/owner",
            "application/json",
            "",
            "t",
        )
        .await;
    assert_eq!(code, 200);
    let terminating: Value = serde_json::from_slice(&body).unwrap();
    assert!(terminating["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(
        env.raw(
            "GET",
            "/api/v1/namespaces/default/configmaps/dep",
            "",
            "",
            "t"
        )
        .await
        .0,
        200
    );

    // Removing the finalizer completes the deletion, and the garbage collector follows.
    let (code, _) = env
        .raw(
            "PATCH",
            "/api/v1/namespaces/default/configmaps/owner",
            "application/merge-patch+json",
            r#"{"metadata":{"finalizers":null}}"#,
            "t",
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(
        env.raw(
            "GET",
            "/api/v1/namespaces/default/configmaps/owner",
            "",
            "",
            "t"
        )
        .await
        .0,
        404
    );
    assert_eq!(
        env.raw(
            "GET",
            "/api/v1/namespaces/default/configmaps/dep",
            "",
            "",
            "t"
        )
        .await
        .0,
        404
    );

    // Orphan propagation keeps dependents and strips their owner reference.
    let (_, owner) = post(
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"o2"}}"#.into(),
    )
    .await;
    let owner: Value = serde_json::from_slice(&owner).unwrap();
    let uid = owner["metadata"]["uid"].as_str().unwrap();
    post("/api/v1/namespaces/default/configmaps", format!(r#"{{"metadata":{{"name":"d2","ownerReferences":[{{"apiVersion":"v1","kind":"ConfigMap","name":"o2","uid":"{uid}"}}]}}}}"#)).await;
    env.raw(
        "DELETE",
        "/api/v1/namespaces/default/configmaps/o2",
        "application/json",
        r#"{"propagationPolicy":"Orphan"}"#,
        "t",
    )
    .await;
    let (code, body) = env
        .raw(
            "GET",
            "/api/v1/namespaces/default/configmaps/d2",
            "",
            "",
            "t",
        )
        .await;
    assert_eq!(code, 200);
    let d2: Value = serde_json::from_slice(&body).unwrap();
    assert!(d2["metadata"].get("ownerReferences").is_none());

    // deletecollection with a selector.
    post(
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"l1","labels":{"batch":"x"}}}"#.into(),
    )
    .await;
    post(
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"l2","labels":{"batch":"x"}}}"#.into(),
    )
    .await;
    let (code, body) = env
        .raw(
            "DELETE",
            "/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx",
            "",
            "",
            "t",
        )
        .await;
    assert_eq!(code, 200);
    let list: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        env.raw(
            "GET",
            "/api/v1/namespaces/default/configmaps/l1",
            "",
            "",
            "t"
        )
        .await
        .0,
        404
    );
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rbac_limits_non_admin_users() {
    let mut config = charthouse_sandbox::SandboxConfig::default();
    config.users.push(charthouse_sandbox::UserSpec {
        name: "developer".into(),
        token: "dev-token".into(),
        groups: vec!["devs".into()],
    });
    let env = Env::with(config).await;
    env.kubectl(&["create", "namespace", "ref"]);
    env.kubectl(&[
        "create",
        "role",
        "cm-reader",
        "-n",
        "ref",
        "--verb=get,list",
        "--resource=configmaps",
    ]);
    env.kubectl(&[
        "create",
        "rolebinding",
        "devs-read",
        "-n",
        "ref",
        "--role=cm-reader",
        "--group=devs",
    ]);

    let kc = env
        .sandbox
        .kubeconfig_yaml()
        .replace(env.sandbox.token(), "dev-token");
    let dev_kc = env.dir.path().join("dev-kubeconfig");
    std::fs::write(&dev_kc, kc).unwrap();
    let as_dev = |args: &[&str]| {
        let out = std::process::Command::new(crate::common::kubectl())
            .args(args)
            .env("KUBECONFIG", &dev_kc)
            .env("HOME", env.dir.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) =
        tokio::task::block_in_place(|| as_dev(&["get", "configmaps", "-n", "ref", "-o", "name"]));
    assert!(ok, "{err}");
    assert!(out.contains("configmap/kube-root-ca.crt"), "{out}");
    let (ok, _, err) = tokio::task::block_in_place(|| as_dev(&["get", "secrets", "-n", "ref"]));
    assert!(!ok);
    // The recorded 403 of a real API server for exactly this request.
    let want: Value = serde_json::from_str(&recorded("forbidden_403.txt").response).unwrap();
    assert!(err.contains(want["message"].as_str().unwrap()), "{err}");
    let (ok, _, _) =
        tokio::task::block_in_place(|| as_dev(&["create", "configmap", "x", "-n", "ref"]));
    assert!(!ok, "the role does not grant create");
    let (ok, out, _) = tokio::task::block_in_place(|| {
        as_dev(&[
            "auth",
            "whoami",
            "-o",
            "jsonpath={.status.userInfo.username}",
        ])
    });
    assert!(ok);
    assert_eq!(out, "developer");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn patches_that_remove_or_name_the_resource_version() {
    let env = Env::start().await;
    let (code, _) = env
        .raw(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            "application/json",
            r#"{"metadata":{"name":"rv"},"data":{"a":"1"}}"#,
            "t",
        )
        .await;
    assert_eq!(code, 201);
    // A three-way patch computed against the live object removes resourceVersion: the
    // write is unconditional (helm's and kubectl's client-side apply send such patches).
    let (code, body) = env
        .raw(
            "PATCH",
            "/api/v1/namespaces/default/configmaps/rv",
            "application/merge-patch+json",
            r#"{"metadata":{"resourceVersion":null},"data":{"a":"2"}}"#,
            "t",
        )
        .await;
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    // A stale resourceVersion is a precondition that fails.
    let (code, body) = env
        .raw(
            "PATCH",
            "/api/v1/namespaces/default/configmaps/rv",
            "application/merge-patch+json",
            r#"{"metadata":{"resourceVersion":"1"},"data":{"a":"3"}}"#,
            "t",
        )
        .await;
    assert_eq!(code, 409, "{}", String::from_utf8_lossy(&body));
}

//! Hostile input: malformed bodies, paths and parameters are answered with 4xx `Status`
//! errors, never a 5xx or a dropped connection.

use charthouse_sandbox::SandboxConfig;

use crate::common::Env;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_client_errors() {
    let env = Env::with(SandboxConfig {
        tls: false,
        ..SandboxConfig::default()
    })
    .await;
    let paths = [
        "/api/v1/namespaces/default/configmaps",
        "/api/v1/namespaces/default/configmaps/x",
        "/apis/apps/v1/namespaces/default/deployments/x",
        "/apis/apps/v1/namespaces/default/deployments/x/scale",
        "/api/v1/namespaces/default/pods/x/status",
        "/api/v1/namespaces/nope/secrets",
        "/api/v1/nodes/x/proxy",
        "/apis/nope/v1/things",
        "/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(",
        "/api/v1/namespaces/default/configmaps?fieldSelector=bogus%3D1",
        "/api/v1/namespaces/default/configmaps?limit=abc",
        "/api/v1/namespaces/default/configmaps?continue=%%%",
        "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc",
        "/api/v1/namespaces/default/configmaps?dryRun=Some",
        "/api/v1/namespaces/default/configmaps/x?propagationPolicy=Sideways",
    ];
    let types = [
        "application/json",
        "application/merge-patch+json",
        "application/json-patch+json",
        "application/strategic-merge-patch+json",
        "application/apply-patch+yaml",
        "application/vnd.kubernetes.protobuf",
        "text/plain",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{\"metadata\":{\"name\":7}}".to_vec(),
        b"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"}}".to_vec(),
        b"[{\"op\":\"explode\",\"path\":\"/a\"}]".to_vec(),
        b"k8s\0\x0a\x04\x0a\x02v1".to_vec(),
        b"k8s\0\x0a\xff\xff\xff\xff\x0f".to_vec(),
        format!("{}1{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
    ];
    for _ in 0..20 {
        let n = (rng.next() % 64) as usize;
        let mut b = b"k8s\0".to_vec();
        b.extend(rng.bytes(n));
        bodies.push(b);
        bodies.push(rng.bytes(n));
    }
    let mut count = 0;
    for path in paths {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            for (i, body) in bodies.iter().enumerate() {
                let ct = types[i % types.len()];
                let body = String::from_utf8_lossy(body).into_owned();
                let (code, resp) = env.raw(method, path, ct, &body, "fuzz").await;
                count += 1;
                assert!(
                    (200..500).contains(&code),
                    "{method} {path} ({ct}) answered {code}: {}",
                    String::from_utf8_lossy(&resp)
                );
                if code >= 400 {
                    let status: serde_json::Value =
                        serde_json::from_slice(&resp).unwrap_or_else(|_| {
                            panic!(
                                "{method} {path}: not a Status: {}",
                                String::from_utf8_lossy(&resp)
                            )
                        });
                    assert_eq!(status["kind"], "Status");
                    assert_eq!(status["code"], code);
                }
            }
        }
    }
    assert!(count > 2000);
    // The server is still healthy afterwards.
    assert_eq!(env.raw("GET", "/readyz", "", "", "t").await.0, 200);
    env.sandbox.shutdown().await;
}

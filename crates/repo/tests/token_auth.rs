//! The distribution spec's bearer-token flow, against a small registry on loopback that
//! challenges like the CNCF registry and Docker Hub do: a 401 with `WWW-Authenticate: Bearer
//! realm=…,service=…,scope=…`, a token endpoint that checks basic credentials, then the API
//! accepting only that token.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use charthouse_repo::oci::{RegistryClient, RegistryOptions};

/// Requests the server saw: (path with query, Authorization header).
type Seen = Arc<Mutex<Vec<(String, String)>>>;

fn serve() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let realm = format!("http://{host}/token");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &realm, &log);
        }
    });
    (host, seen)
}

fn answer(mut stream: TcpStream, realm: &str, seen: &Seen) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut auth = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            auth = v.trim().to_owned();
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    seen.lock().unwrap().push((path.clone(), auth.clone()));
    // alice:wonderland
    let (status, headers, body) = if path.starts_with("/token?") {
        if auth == "Basic YWxpY2U6d29uZGVybGFuZA==" {
            ("200 OK", String::new(), r#"{"token":"T0K3N"}"#.to_owned())
        } else {
            ("401 Unauthorized", String::new(), String::new())
        }
    } else if auth == "Bearer T0K3N" {
        (
            "200 OK",
            String::new(),
            r#"{"name":"team/web","tags":["0.1.0","0.2.0"]}"#.to_owned(),
        )
    } else {
        (
            "401 Unauthorized",
            format!(
                "WWW-Authenticate: Bearer realm=\"{realm}\",service=\"reg.test\",scope=\"repository:team/web:pull\"\r\n"
            ),
            String::new(),
        )
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn client(host: &str, credentials: Option<(&str, &str)>) -> RegistryClient {
    let opts = RegistryOptions {
        plain_http: true,
        credentials: credentials.map(|(u, p)| (u.to_owned(), p.to_owned())),
        ..RegistryOptions::default()
    };
    RegistryClient::new(host, &opts).unwrap()
}

#[test]
fn bearer_token_is_fetched_with_credentials_and_reused() {
    let (host, seen) = serve();
    let c = client(&host, Some(("alice", "wonderland")));
    assert_eq!(c.tags("team/web").unwrap(), ["0.1.0", "0.2.0"]);
    assert_eq!(c.tags("team/web").unwrap(), ["0.1.0", "0.2.0"]);
    let seen = seen.lock().unwrap().clone();
    let paths: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v2/team/web/tags/list",
            "/token?service=reg.test&scope=repository%3Ateam%2Fweb%3Apull",
            "/v2/team/web/tags/list",
            // The second call reuses the token for the same scope: no new challenge.
            "/v2/team/web/tags/list",
        ]
    );
    assert_eq!(seen[1].1, "Basic YWxpY2U6d29uZGVybGFuZA==");
    assert_eq!(seen[3].1, "Bearer T0K3N");
}

#[test]
fn wrong_or_missing_credentials_are_unauthorized() {
    let (host, _) = serve();
    for creds in [Some(("alice", "nope")), None] {
        let err = client(&host, creds).tags("team/web").unwrap_err();
        assert_eq!(err.reason(), "Unauthorized", "{err}");
        assert!(err.to_string().contains("401 Unauthorized"), "{err}");
    }
}

//! HTTP(S) requests as helm's getter makes them: basic auth only to the repository's own host
//! (unless `--pass-credentials`), a CA bundle or client certificate from files, and
//! `--insecure-skip-tls-verify` (helm's `pkg/getter/httpgetter.go`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use ureq::http::{self, HeaderMap, Method, StatusCode};
use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};

use crate::error::{Error, Result};

/// helm's default HTTP timeout (`getter.DefaultHTTPTimeout`, 120 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How to talk to one server: credentials and TLS settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpOptions {
    /// Basic-auth user name (empty: none).
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// The repository URL the credentials belong to; they are sent only to its host.
    pub credentials_url: String,
    /// Send the credentials to every host, also after redirects (helm's `--pass-credentials`).
    pub pass_credentials_all: bool,
    /// A PEM CA bundle that replaces the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// A PEM client certificate.
    pub cert_file: Option<PathBuf>,
    /// The PEM key of the client certificate.
    pub key_file: Option<PathBuf>,
    /// Skip server certificate verification.
    pub insecure_skip_tls_verify: bool,
    /// Give up on a request after this long (`None`: [`DEFAULT_TIMEOUT`]).
    pub timeout: Option<Duration>,
}

/// A response with its body read in full.
#[derive(Debug)]
pub struct Response {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// An HTTP client configured from [`HttpOptions`].
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    opts: HttpOptions,
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io("reading", path, e))
}

fn pem_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Usage {
        message: format!("can't load TLS file {}: {e}", path.display()),
    }
}

impl Client {
    /// Builds a client; fails when a CA, certificate or key file cannot be read.
    pub fn new(opts: &HttpOptions) -> Result<Self> {
        let mut tls = TlsConfig::builder().disable_verification(opts.insecure_skip_tls_verify);
        if let Some(ca) = &opts.ca_file {
            let data = read_file(ca)?;
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(&data) {
                match item.map_err(|e| pem_error(ca, e))? {
                    ureq::tls::PemItem::Certificate(c) => certs.push(c),
                    _ => continue,
                }
            }
            if certs.is_empty() {
                return Err(pem_error(ca, "no certificate found"));
            }
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        if let (Some(cert), Some(key)) = (&opts.cert_file, &opts.key_file) {
            let cert_data = read_file(cert)?;
            let key_data = read_file(key)?;
            let chain: Vec<Certificate<'static>> = ureq::tls::parse_pem(&cert_data)
                .filter_map(|i| match i {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            let key = PrivateKey::from_pem(&key_data).map_err(|e| pem_error(key, e))?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        let timeout = opts.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls.build())
            .timeout_global(Some(timeout))
            .user_agent(concat!("Helm/4.3.1 charthouse/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Self {
            agent: config.new_agent(),
            opts: opts.clone(),
        })
    }

    /// The options the client was built with.
    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// Whether basic auth goes with a request to `url` (helm sends it to the repository's
    /// own host only, unless `pass_credentials_all`).
    fn sends_credentials(&self, url: &str) -> bool {
        if self.opts.username.is_empty() && self.opts.password.is_empty() {
            return false;
        }
        self.opts.pass_credentials_all
            || self.opts.credentials_url.is_empty()
            || host_of(url) == host_of(&self.opts.credentials_url)
    }

    /// GETs `url` and returns the body; any non-2xx status is an error.
    pub fn get(&self, url: &str, accept: Option<&str>) -> Result<Vec<u8>> {
        let mut headers = Vec::new();
        if let Some(a) = accept {
            headers.push(("Accept".to_owned(), a.to_owned()));
        }
        if self.sends_credentials(url) {
            headers.push((
                "Authorization".to_owned(),
                basic_auth(&self.opts.username, &self.opts.password),
            ));
        }
        let resp = self.request(Method::GET, url, &headers, None)?;
        check_status(url, &resp)?;
        Ok(resp.body)
    }

    /// Sends one request and reads the whole response, whatever its status.
    pub fn request(
        &self,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: Option<&[u8]>,
    ) -> Result<Response> {
        let mut builder = http::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let unreachable = |cause: String| Error::Unreachable {
            url: url.to_owned(),
            cause,
        };
        let result = match body {
            Some(b) => {
                let req = builder
                    .body(b.to_vec())
                    .map_err(|e| unreachable(e.to_string()))?;
                self.agent.run(req)
            }
            None => {
                let req = builder.body(()).map_err(|e| unreachable(e.to_string()))?;
                self.agent.run(req)
            }
        };
        let mut resp = result.map_err(|e| unreachable(describe(&e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|e| unreachable(describe(&e)))?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Turns a non-success response into helm's `failed to fetch URL : STATUS` error.
pub fn check_status(url: &str, resp: &Response) -> Result<()> {
    if resp.status.is_success() {
        return Ok(());
    }
    let status = status_line(resp.status);
    if matches!(resp.status.as_u16(), 401 | 403) {
        return Err(Error::Unauthorized {
            url: url.to_owned(),
            status,
        });
    }
    Err(Error::Status {
        url: url.to_owned(),
        status,
    })
}

/// Go's `resp.Status` text: `404 Not Found`.
pub fn status_line(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    )
    .trim_end()
    .to_owned()
}

/// The `Authorization: Basic …` header value.
pub fn basic_auth(username: &str, password: &str) -> String {
    let raw = format!("{username}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// ureq's error in words, with the operating system's cause for I/O failures.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connect: connection refused".to_owned(),
            _ => io.to_string(),
        },
        ureq::Error::HostNotFound => "no such host".to_owned(),
        other => other.to_string(),
    }
}

/// `host[:port]` of a URL, lowercased; empty when it has none.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_urls() {
        assert_eq!(
            host_of("https://User@Example.com:8443/a/b?x"),
            "example.com:8443"
        );
        assert_eq!(host_of("http://127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(host_of("oci://reg.io/x"), "reg.io");
    }

    #[test]
    fn credentials_only_for_the_repository_host() {
        let mut opts = HttpOptions {
            username: "u".into(),
            password: "p".into(),
            credentials_url: "https://charts.example.com/stable".into(),
            ..HttpOptions::default()
        };
        let c = Client::new(&opts).unwrap();
        assert!(c.sends_credentials("https://charts.example.com/stable/a.tgz"));
        assert!(!c.sends_credentials("https://cdn.example.net/a.tgz"));
        opts.pass_credentials_all = true;
        let c = Client::new(&opts).unwrap();
        assert!(c.sends_credentials("https://cdn.example.net/a.tgz"));
    }

    #[test]
    fn basic_auth_header() {
        assert_eq!(basic_auth("user", "pass"), "Basic dXNlcjpwYXNz");
    }
}

//! A client for the OCI distribution API, as far as helm uses it: tags, manifests and blobs,
//! with basic auth or bearer tokens (the distribution token flow: a 401 names a realm, the
//! realm hands out a token for the repository scope).

use std::cell::RefCell;

use serde_json::Value;
use ureq::http::Method;

use crate::error::{Error, Result};
use crate::http::{Client, HttpOptions, Response, basic_auth, status_line};

/// The manifest media type helm writes and asks for.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// How to reach a registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryOptions {
    /// Use `http://` instead of `https://` (helm's `--plain-http`).
    pub plain_http: bool,
    /// TLS and timeout settings (credentials here are ignored: see `credentials`).
    pub http: HttpOptions,
    /// User name and password, from flags or the credentials file.
    pub credentials: Option<(String, String)>,
}

/// A session with one registry host.
#[derive(Debug)]
pub struct RegistryClient {
    http: Client,
    base: String,
    credentials: Option<(String, String)>,
    /// The `Authorization` header that worked last (a token is reused for its scope).
    auth: RefCell<Option<(String, String)>>,
}

impl RegistryClient {
    /// A client for `host` (`host[:port]`).
    pub fn new(host: &str, opts: &RegistryOptions) -> Result<Self> {
        let mut http = opts.http.clone();
        http.username.clear();
        http.password.clear();
        let scheme = if opts.plain_http { "http" } else { "https" };
        Ok(Self {
            http: Client::new(&http)?,
            base: format!("{scheme}://{host}"),
            credentials: opts.credentials.clone(),
            auth: RefCell::new(None),
        })
    }

    /// The `scheme://host` the client talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Sends a request to `path` (absolute URL or a path under the registry), answering a 401
    /// challenge once with basic auth or a bearer token for `scope`.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(String, String)],
        body: Option<&[u8]>,
        scope: &str,
    ) -> Result<Response> {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let with_auth = |auth: &Option<(String, String)>| {
            let mut h = headers.to_vec();
            if let Some((scope_of_auth, value)) = auth
                && (scope_of_auth == scope || value.starts_with("Basic "))
            {
                h.push(("Authorization".to_owned(), value.clone()));
            }
            h
        };
        let current = self.auth.borrow().clone();
        let resp = self
            .http
            .request(method.clone(), &url, &with_auth(&current), body)?;
        if resp.status.as_u16() != 401 {
            return Ok(resp);
        }
        let challenge = resp
            .headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let value = self.answer_challenge(&url, &challenge, scope)?;
        *self.auth.borrow_mut() = Some((scope.to_owned(), value));
        let current = self.auth.borrow().clone();
        self.http.request(method, &url, &with_auth(&current), body)
    }

    /// The `Authorization` value that answers a `WWW-Authenticate` challenge.
    fn answer_challenge(&self, url: &str, challenge: &str, scope: &str) -> Result<String> {
        let unauthorized = || Error::Unauthorized {
            url: url.to_owned(),
            status: "401 Unauthorized".to_owned(),
        };
        let (kind, params) = challenge.split_once(' ').unwrap_or((challenge, ""));
        if kind.eq_ignore_ascii_case("basic") {
            let (u, p) = self.credentials.as_ref().ok_or_else(unauthorized)?;
            return Ok(basic_auth(u, p));
        }
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(unauthorized());
        }
        let params = parse_challenge_params(params);
        let realm = params
            .iter()
            .find(|(k, _)| k == "realm")
            .map(|(_, v)| v.clone())
            .ok_or_else(unauthorized)?;
        let mut query = Vec::new();
        if let Some((_, service)) = params.iter().find(|(k, _)| k == "service") {
            query.push(format!("service={}", encode_query(service)));
        }
        let scope = if scope.is_empty() {
            params
                .iter()
                .find(|(k, _)| k == "scope")
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        } else {
            scope.to_owned()
        };
        if !scope.is_empty() {
            query.push(format!("scope={}", encode_query(&scope)));
        }
        let token_url = if query.is_empty() {
            realm
        } else {
            format!("{realm}?{}", query.join("&"))
        };
        let mut headers = Vec::new();
        if let Some((u, p)) = &self.credentials {
            headers.push(("Authorization".to_owned(), basic_auth(u, p)));
        }
        let resp = self.http.request(Method::GET, &token_url, &headers, None)?;
        if !resp.status.is_success() {
            return Err(Error::Unauthorized {
                url: token_url,
                status: status_line(resp.status),
            });
        }
        let doc: Value = serde_json::from_slice(&resp.body).map_err(|e| Error::Registry {
            reference: token_url.clone(),
            message: format!("invalid token response: {e}"),
        })?;
        let token = doc
            .get("token")
            .or_else(|| doc.get("access_token"))
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Registry {
                reference: token_url.clone(),
                message: "token response has no token".into(),
            })?;
        Ok(format!("Bearer {token}"))
    }

    /// Checks the credentials against the registry's API root (`GET /v2/`), as login does.
    pub fn ping(&self) -> Result<()> {
        let resp = self.send(Method::GET, "/v2/", &[], None, "")?;
        crate::http::check_status(&format!("{}/v2/", self.base), &resp)
    }

    /// The repository's tags (`GET /v2/NAME/tags/list`).
    pub fn tags(&self, repository: &str) -> Result<Vec<String>> {
        let path = format!("/v2/{repository}/tags/list");
        let resp = self.send(Method::GET, &path, &[], None, &pull_scope(repository))?;
        if resp.status.as_u16() == 404 {
            return Ok(Vec::new());
        }
        crate::http::check_status(&format!("{}{path}", self.base), &resp)?;
        let doc: Value = serde_json::from_slice(&resp.body).map_err(|e| Error::Registry {
            reference: repository.to_owned(),
            message: format!("invalid tag list: {e}"),
        })?;
        Ok(doc
            .get("tags")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Fetches a manifest by tag or digest; returns its bytes and digest.
    pub fn manifest(&self, repository: &str, reference: &str) -> Result<(Vec<u8>, String)> {
        let path = format!("/v2/{repository}/manifests/{reference}");
        let headers = vec![(
            "Accept".to_owned(),
            format!("{MANIFEST_MEDIA_TYPE}, application/vnd.oci.image.index.v1+json"),
        )];
        let resp = self.send(Method::GET, &path, &headers, None, &pull_scope(repository))?;
        if resp.status.as_u16() == 404 {
            return Err(Error::Registry {
                reference: format!("{}/{repository}:{reference}", host_part(&self.base)),
                message: "not found".into(),
            });
        }
        crate::http::check_status(&format!("{}{path}", self.base), &resp)?;
        let digest = format!("sha256:{}", crate::digest::digest(&resp.body));
        if reference.starts_with("sha256:") && reference != digest {
            return Err(Error::DigestMismatch {
                what: format!("manifest {repository}@{reference}"),
                expected: reference.to_owned(),
                actual: digest,
            });
        }
        Ok((resp.body, digest))
    }

    /// Fetches a blob and checks it hashes to `digest`.
    pub fn blob(&self, repository: &str, digest: &str) -> Result<Vec<u8>> {
        let path = format!("/v2/{repository}/blobs/{digest}");
        let resp = self.send(Method::GET, &path, &[], None, &pull_scope(repository))?;
        crate::http::check_status(&format!("{}{path}", self.base), &resp)?;
        let actual = format!("sha256:{}", crate::digest::digest(&resp.body));
        if actual != digest {
            return Err(Error::DigestMismatch {
                what: format!("blob of {repository}"),
                expected: digest.to_owned(),
                actual,
            });
        }
        Ok(resp.body)
    }

    /// Uploads a blob unless the registry has it (monolithic upload: POST then PUT).
    pub fn push_blob(&self, repository: &str, data: &[u8]) -> Result<String> {
        let digest = format!("sha256:{}", crate::digest::digest(data));
        let scope = push_scope(repository);
        let head = self.send(
            Method::HEAD,
            &format!("/v2/{repository}/blobs/{digest}"),
            &[],
            None,
            &scope,
        )?;
        if head.status.is_success() {
            return Ok(digest);
        }
        let start = format!("/v2/{repository}/blobs/uploads/");
        let resp = self.send(Method::POST, &start, &[], Some(&[]), &scope)?;
        crate::http::check_status(&format!("{}{start}", self.base), &resp)?;
        let location = resp
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Registry {
                reference: repository.to_owned(),
                message: "blob upload answered without a Location".into(),
            })?;
        let sep = if location.contains('?') { '&' } else { '?' };
        let put_url = format!("{location}{sep}digest={}", encode_query(&digest));
        let headers = vec![(
            "Content-Type".to_owned(),
            "application/octet-stream".to_owned(),
        )];
        let resp = self.send(Method::PUT, &put_url, &headers, Some(data), &scope)?;
        crate::http::check_status(&put_url, &resp)?;
        Ok(digest)
    }

    /// Uploads a manifest under `tag`; returns its digest.
    pub fn push_manifest(&self, repository: &str, tag: &str, manifest: &[u8]) -> Result<String> {
        let path = format!("/v2/{repository}/manifests/{tag}");
        let headers = vec![("Content-Type".to_owned(), MANIFEST_MEDIA_TYPE.to_owned())];
        let resp = self.send(
            Method::PUT,
            &path,
            &headers,
            Some(manifest),
            &push_scope(repository),
        )?;
        crate::http::check_status(&format!("{}{path}", self.base), &resp)?;
        Ok(format!("sha256:{}", crate::digest::digest(manifest)))
    }
}

fn host_part(base: &str) -> &str {
    base.split_once("://").map_or(base, |(_, h)| h)
}

fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn encode_query(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `key="value", key2="value2"` of a `WWW-Authenticate` header.
fn parse_challenge_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            value = r[..end].to_owned();
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        out.push((key, value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_params() {
        let p = parse_challenge_params(
            r#"realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(
            p,
            vec![
                ("realm".into(), "https://auth.io/token".into()),
                ("service".into(), "registry.io".into()),
                ("scope".into(), "repository:a/b:pull,push".into()),
            ]
        );
    }

    #[test]
    fn query_encoding() {
        assert_eq!(
            encode_query("repository:a/b:pull,push"),
            "repository%3Aa%2Fb%3Apull%2Cpush"
        );
    }
}

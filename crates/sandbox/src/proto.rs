//! Decoding of the Kubernetes protobuf wire format for the few types clients send that way.
//!
//! client-go's typed clientsets send request bodies as `application/vnd.kubernetes.protobuf`
//! (and accept JSON answers). Helm's release storage writes Secrets (or ConfigMaps) and
//! deletes them with `DeleteOptions` through such a client, so the sandbox must read those
//! bodies. Every other type is refused with 415, as before.
//!
//! The envelope is the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message
//! (`typeMeta` = 1 {`apiVersion` = 1, `kind` = 2}, `raw` = 2); `raw` holds the object's
//! message. Field numbers come from `k8s.io/api/core/v1/generated.proto` and
//! `k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::status::ApiError;

#[derive(Clone, Copy)]
enum F {
    Str,
    Bool,
    Int,
    Msg(&'static [(u32, &'static str, F)]),
    RepStr,
    RepMsg(&'static [(u32, &'static str, F)]),
    MapStr,
    MapBytes,
    Time,
}

const TIME: F = F::Time;

const OWNER_REF: &[(u32, &str, F)] = &[
    (5, "apiVersion", F::Str),
    (1, "kind", F::Str),
    (3, "name", F::Str),
    (4, "uid", F::Str),
    (6, "controller", F::Bool),
    (7, "blockOwnerDeletion", F::Bool),
];

const OBJECT_META: &[(u32, &str, F)] = &[
    (1, "name", F::Str),
    (2, "generateName", F::Str),
    (3, "namespace", F::Str),
    (5, "uid", F::Str),
    (6, "resourceVersion", F::Str),
    (7, "generation", F::Int),
    (8, "creationTimestamp", TIME),
    (9, "deletionTimestamp", TIME),
    (10, "deletionGracePeriodSeconds", F::Int),
    (11, "labels", F::MapStr),
    (12, "annotations", F::MapStr),
    (13, "ownerReferences", F::RepMsg(OWNER_REF)),
    (14, "finalizers", F::RepStr),
];

const SECRET: &[(u32, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (5, "immutable", F::Bool),
    (2, "data", F::MapBytes),
    (4, "stringData", F::MapStr),
    (3, "type", F::Str),
];

const CONFIG_MAP: &[(u32, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (4, "immutable", F::Bool),
    (2, "data", F::MapStr),
    (3, "binaryData", F::MapBytes),
];

const NAMESPACE: &[(u32, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(&[(1, "finalizers", F::RepStr)])),
    (3, "status", F::Msg(&[(1, "phase", F::Str)])),
];

const DELETE_OPTIONS: &[(u32, &str, F)] = &[
    (1, "gracePeriodSeconds", F::Int),
    (
        2,
        "preconditions",
        F::Msg(&[(1, "uid", F::Str), (2, "resourceVersion", F::Str)]),
    ),
    (3, "orphanDependents", F::Bool),
    (4, "propagationPolicy", F::Str),
    (5, "dryRun", F::RepStr),
];

/// A raw protobuf field.
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

struct Reader<'a> {
    buf: &'a [u8],
}

fn malformed() -> ApiError {
    ApiError::bad_request("the body of the request could not be decoded: malformed protobuf")
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, ApiError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.buf.split_first().ok_or_else(malformed)?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(malformed())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ApiError> {
        if n > self.buf.len() {
            return Err(malformed());
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    fn next(&mut self) -> Result<Option<(u32, Wire<'a>)>, ApiError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = u32::try_from(key >> 3).map_err(|_| malformed())?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Bytes(self.take(8)?),
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| malformed())?;
                Wire::Bytes(self.take(n)?)
            }
            5 => Wire::Bytes(self.take(4)?),
            _ => return Err(malformed()),
        };
        Ok(Some((field, wire)))
    }
}

fn text(b: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(b.to_vec()).map_err(|_| malformed())
}

fn map_entry(b: &[u8], bytes_value: bool) -> Result<(String, Value), ApiError> {
    let mut r = Reader { buf: b };
    let (mut k, mut v) = (String::new(), json!(""));
    while let Some((f, w)) = r.next()? {
        if let Wire::Bytes(b) = w {
            match f {
                1 => k = text(b)?,
                2 if bytes_value => v = json!(base64::engine::general_purpose::STANDARD.encode(b)),
                2 => v = json!(text(b)?),
                _ => {}
            }
        }
    }
    Ok((k, v))
}

fn time(b: &[u8]) -> Result<Value, ApiError> {
    let mut r = Reader { buf: b };
    let mut secs = 0i64;
    while let Some((f, w)) = r.next()? {
        if let (1, Wire::Varint(v)) = (f, w) {
            secs = v as i64;
        }
    }
    Ok(chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| json!(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
        .unwrap_or(Value::Null))
}

fn message(b: &[u8], desc: &[(u32, &str, F)]) -> Result<Value, ApiError> {
    let mut out = Map::new();
    let mut r = Reader { buf: b };
    while let Some((num, wire)) = r.next()? {
        let Some((_, name, ty)) = desc.iter().find(|(n, _, _)| *n == num) else {
            continue;
        };
        let name = (*name).to_string();
        match (ty, wire) {
            (F::Str, Wire::Bytes(b)) => {
                out.insert(name, json!(text(b)?));
            }
            (F::Bool, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (F::Int, Wire::Varint(v)) => {
                out.insert(name, json!(v as i64));
            }
            (F::Msg(d), Wire::Bytes(b)) => {
                out.insert(name, message(b, d)?);
            }
            (F::Time, Wire::Bytes(b)) => {
                out.insert(name, time(b)?);
            }
            (F::RepStr, Wire::Bytes(b)) => {
                let s = text(b)?;
                if let Value::Array(a) = out.entry(name).or_insert_with(|| json!([])) {
                    a.push(json!(s));
                }
            }
            (F::RepMsg(d), Wire::Bytes(b)) => {
                let m = message(b, d)?;
                if let Value::Array(a) = out.entry(name).or_insert_with(|| json!([])) {
                    a.push(m);
                }
            }
            (F::MapStr | F::MapBytes, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b, matches!(ty, F::MapBytes))?;
                if let Value::Object(m) = out.entry(name).or_insert_with(|| json!({})) {
                    m.insert(k, v);
                }
            }
            _ => return Err(malformed()),
        }
    }
    Ok(Value::Object(out))
}

/// Decodes a `k8s\0`-framed protobuf body into the JSON form of the object.
///
/// # Errors
/// 400 for malformed input, 415 for a kind the sandbox cannot decode.
pub(crate) fn decode(body: &[u8], content_type: &str) -> Result<Value, ApiError> {
    let payload = body.strip_prefix(b"k8s\0").ok_or_else(malformed)?;
    let mut r = Reader { buf: payload };
    let (mut api_version, mut kind, mut raw): (String, String, &[u8]) =
        (String::new(), String::new(), &[]);
    while let Some((f, w)) = r.next()? {
        match (f, w) {
            (1, Wire::Bytes(tm)) => {
                let mut t = Reader { buf: tm };
                while let Some((f, w)) = t.next()? {
                    match (f, w) {
                        (1, Wire::Bytes(b)) => api_version = text(b)?,
                        (2, Wire::Bytes(b)) => kind = text(b)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let desc = match kind.as_str() {
        "Secret" => SECRET,
        "ConfigMap" => CONFIG_MAP,
        "Namespace" => NAMESPACE,
        "DeleteOptions" => DELETE_OPTIONS,
        _ => {
            return Err(crate::status::ApiError::unsupported_media_type(
                content_type,
            ));
        }
    };
    let mut obj = message(raw, desc)?;
    if let Value::Object(m) = &mut obj {
        if !api_version.is_empty() {
            m.insert("apiVersion".into(), json!(api_version));
        }
        m.insert("kind".into(), json!(kind));
    }
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(num: u32, bytes: &[u8]) -> Vec<u8> {
        let mut v = vec![((num << 3) | 2) as u8, bytes.len() as u8];
        v.extend_from_slice(bytes);
        v
    }

    #[test]
    fn decodes_a_helm_release_secret() {
        let labels = [field(1, b"owner"), field(2, b"helm")].concat();
        let meta = [
            field(1, b"sh.helm.release.v1.demo.v1"),
            field(3, b"default"),
            field(11, &labels),
        ]
        .concat();
        let data = [field(1, b"release"), field(2, b"\x01\x02")].concat();
        let secret = [
            field(1, &meta),
            field(2, &data),
            field(3, b"helm.sh/release.v1"),
        ]
        .concat();
        let tm = [field(1, b"v1"), field(2, b"Secret")].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend([field(1, &tm), field(2, &secret)].concat());
        let v = decode(&body, "application/vnd.kubernetes.protobuf").unwrap();
        assert_eq!(v["kind"], "Secret");
        assert_eq!(v["metadata"]["name"], "sh.helm.release.v1.demo.v1");
        assert_eq!(v["metadata"]["labels"]["owner"], "helm");
        assert_eq!(v["data"]["release"], "AQI=");
        assert_eq!(v["type"], "helm.sh/release.v1");
    }

    #[test]
    fn rejects_garbage_and_unknown_kinds() {
        assert_eq!(decode(b"nope", "x").unwrap_err().code, 400);
        let tm = [field(1, b"v1"), field(2, b"Pod")].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend(field(1, &tm));
        assert_eq!(decode(&body, "x").unwrap_err().code, 415);
        assert_eq!(decode(b"k8s\0\x0a\xff", "x").unwrap_err().code, 400);
    }
}

//! Decoding of the Kubernetes protobuf wire format for request bodies.
//!
//! client-go's typed clientsets (kubectl's imperative commands, helm's release storage and
//! others) send bodies as `application/vnd.kubernetes.protobuf` and accept JSON answers, so
//! the sandbox reads protobuf and always answers JSON. The field tables come from the API's
//! `generated.proto` files (`data/protobuf.json.gz`, see `scripts/gen-proto.py`).
//!
//! The envelope is the magic `k8s\0` followed by a `runtime.Unknown` message (`typeMeta` = 1
//! {`apiVersion` = 1, `kind` = 2}, `raw` = 2); `raw` holds the object's own message.
//!
//! # Caveats
//! Go's protobuf encoder writes non-pointer fields even when they hold zero values, which
//! JSON would omit. Empty strings and zero timestamps are dropped here; zero numbers and
//! `false` are kept (they may be meaningful pointer values), so a decoded object can carry a
//! few explicit defaults its JSON form would not.

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::OnceLock;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::status::ApiError;

const TABLES_GZ: &[u8] = include_bytes!("../data/protobuf.json.gz");
const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1";

#[derive(Debug)]
enum Ty {
    Scalar(String),
    Message(String),
    Map(Box<Ty>, Box<Ty>),
}

impl Ty {
    fn parse(s: &str) -> Ty {
        if let Some(rest) = s.strip_prefix("map:") {
            let (k, v) = rest.split_once(':').unwrap_or((rest, "string"));
            return Ty::Map(Box::new(Ty::parse(k)), Box::new(Ty::parse(v)));
        }
        if s.contains('.') {
            Ty::Message(s.to_string())
        } else {
            Ty::Scalar(s.to_string())
        }
    }
}

#[derive(Debug)]
struct Field {
    name: String,
    ty: Ty,
    repeated: bool,
}

#[derive(Debug, Default)]
struct Message {
    fields: HashMap<u32, Field>,
    /// A Go slice or map type (`+protobuf.nullable=true`): JSON is its `items`.
    array: bool,
}

#[derive(Debug, Default)]
struct Tables {
    messages: HashMap<String, Message>,
    kinds: HashMap<String, String>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut raw = Vec::new();
        // Embedded at build time and checked by the tests below; if it were unreadable
        // every protobuf body would get 415, never a panic.
        let _ = flate2::read::GzDecoder::new(TABLES_GZ).read_to_end(&mut raw);
        let doc: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        let mut t = Tables::default();
        for (name, m) in doc["m"].as_object().into_iter().flatten() {
            let mut msg = Message {
                array: m.get("w").and_then(Value::as_str) == Some("array"),
                ..Message::default()
            };
            for f in m["f"].as_array().into_iter().flatten() {
                let (Some(num), Some(fname), Some(ty)) =
                    (f[0].as_u64(), f[1].as_str(), f[2].as_str())
                else {
                    continue;
                };
                msg.fields.insert(
                    num as u32,
                    Field {
                        name: fname.to_string(),
                        ty: Ty::parse(ty),
                        repeated: f[3].as_bool().unwrap_or(false),
                    },
                );
            }
            t.messages.insert(name.clone(), msg);
        }
        for (k, v) in doc["k"].as_object().into_iter().flatten() {
            if let Some(v) = v.as_str() {
                t.kinds.insert(k.clone(), v.to_string());
            }
        }
        t
    })
}

/// A raw protobuf field.
#[derive(Clone, Copy)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
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
            1 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Wire::Fixed64(u64::from_le_bytes(a))
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| malformed())?;
                Wire::Bytes(self.take(n)?)
            }
            5 => {
                let b = self.take(4)?;
                let mut a = [0u8; 4];
                a.copy_from_slice(b);
                Wire::Fixed32(u32::from_le_bytes(a))
            }
            _ => return Err(malformed()),
        };
        Ok(Some((field, wire)))
    }
}

fn text(b: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(b.to_vec()).map_err(|_| malformed())
}

/// One scalar value; `None` for an empty string (see the module caveats).
fn scalar(ty: &str, w: Wire<'_>) -> Result<Option<Value>, ApiError> {
    Ok(Some(match (ty, w) {
        ("string", Wire::Bytes(b)) => {
            let s = text(b)?;
            if s.is_empty() {
                return Ok(None);
            }
            json!(s)
        }
        ("bytes", Wire::Bytes(b)) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        ("bool", Wire::Varint(v)) => json!(v != 0),
        ("int32", Wire::Varint(v)) => json!(v as i64 as i32),
        ("int64", Wire::Varint(v)) => json!(v as i64),
        ("uint32" | "uint64", Wire::Varint(v)) => json!(v),
        ("sint32" | "sint64", Wire::Varint(v)) => json!(((v >> 1) as i64) ^ -((v & 1) as i64)),
        ("double", Wire::Fixed64(v)) => json!(f64::from_bits(v)),
        ("fixed64", Wire::Fixed64(v)) => json!(v),
        ("float", Wire::Fixed32(v)) => json!(f32::from_bits(v)),
        ("fixed32", Wire::Fixed32(v)) => json!(v),
        _ => return Err(malformed()),
    }))
}

/// Values of a repeated scalar field, which may arrive packed in one length-delimited field.
fn repeated_scalars(ty: &str, w: Wire<'_>) -> Result<Vec<Value>, ApiError> {
    match (ty, w) {
        ("string" | "bytes", _) | (_, Wire::Varint(_) | Wire::Fixed32(_) | Wire::Fixed64(_)) => {
            Ok(scalar(ty, w)?
                .map(|v| vec![v])
                .unwrap_or_else(|| vec![json!("")]))
        }
        (_, Wire::Bytes(b)) => {
            let mut r = Reader { buf: b };
            let mut out = Vec::new();
            while !r.buf.is_empty() {
                let w = match ty {
                    "double" | "fixed64" => {
                        let b = r.take(8)?;
                        let mut a = [0u8; 8];
                        a.copy_from_slice(b);
                        Wire::Fixed64(u64::from_le_bytes(a))
                    }
                    "float" | "fixed32" => {
                        let b = r.take(4)?;
                        let mut a = [0u8; 4];
                        a.copy_from_slice(b);
                        Wire::Fixed32(u32::from_le_bytes(a))
                    }
                    _ => Wire::Varint(r.varint()?),
                };
                out.extend(scalar(ty, w)?);
            }
            Ok(out)
        }
    }
}

fn rfc3339(seconds: i64, nanos: i64, micro: bool) -> Value {
    if seconds == 0 && nanos == 0 {
        return Value::Null;
    }
    match chrono::DateTime::from_timestamp(seconds, nanos.clamp(0, 999_999_999) as u32) {
        Some(t) if micro => json!(t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        Some(t) => json!(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        None => Value::Null,
    }
}

/// Go's `time.Duration.String()` for whole and fractional seconds.
fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    let (h, rem) = (ns / 3_600_000_000_000, ns % 3_600_000_000_000);
    let (m, rem) = (rem / 60_000_000_000, rem % 60_000_000_000);
    let (s, frac) = (rem / 1_000_000_000, rem % 1_000_000_000);
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{frac:09}").trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => format!("{sign}{secs}"),
        (0, m) => format!("{sign}{m}m{secs}"),
        (h, m) => format!("{sign}{h}h{m}m{secs}"),
    }
}

/// The last value of each field of a small message (time, quantity, int-or-string).
fn ints(b: &[u8]) -> Result<HashMap<u32, Wire<'_>>, ApiError> {
    let mut r = Reader { buf: b };
    let mut m = HashMap::new();
    while let Some((f, w)) = r.next()? {
        m.insert(f, w);
    }
    Ok(m)
}

/// Decodes one message into its JSON form.
fn message(b: &[u8], name: &str, depth: usize) -> Result<Value, ApiError> {
    if depth > 64 {
        return Err(malformed());
    }
    let varint = |m: &HashMap<u32, Wire<'_>>, f: u32| match m.get(&f) {
        Some(Wire::Varint(v)) => *v as i64,
        _ => 0,
    };
    let bytes_of = |m: &HashMap<u32, Wire<'_>>, f: u32| match m.get(&f) {
        Some(Wire::Bytes(b)) => b.to_vec(),
        _ => Vec::new(),
    };
    match name.strip_prefix("k8s.io.apimachinery.pkg.") {
        Some("apis.meta.v1.Time") | Some("apis.meta.v1.MicroTime") => {
            let m = ints(b)?;
            return Ok(rfc3339(
                varint(&m, 1),
                varint(&m, 2),
                name.ends_with("MicroTime"),
            ));
        }
        Some("apis.meta.v1.Duration") => {
            return Ok(json!(go_duration(varint(&ints(b)?, 1))));
        }
        Some("util.intstr.IntOrString") => {
            let m = ints(b)?;
            return Ok(if varint(&m, 1) == 1 {
                json!(text(&bytes_of(&m, 3))?)
            } else {
                json!(varint(&m, 2) as i32)
            });
        }
        Some("api.resource.Quantity") => return Ok(json!(text(&bytes_of(&ints(b)?, 1))?)),
        Some("runtime.RawExtension") | Some("apis.meta.v1.FieldsV1") => {
            let raw = bytes_of(&ints(b)?, 1);
            return Ok(serde_json::from_slice(&raw).unwrap_or(Value::Null));
        }
        _ => {}
    }
    let desc = tables().messages.get(name).ok_or_else(|| {
        ApiError::bad_request(format!("protobuf message {name} is unknown to the sandbox"))
    })?;
    let mut out = Map::new();
    let mut r = Reader { buf: b };
    while let Some((num, wire)) = r.next()? {
        let Some(f) = desc.fields.get(&num) else {
            continue;
        };
        let value = match (&f.ty, wire) {
            (Ty::Scalar(s), w) if f.repeated => {
                let vals = repeated_scalars(s, w)?;
                if let Value::Array(a) = out.entry(f.name.clone()).or_insert_with(|| json!([])) {
                    a.extend(vals);
                }
                continue;
            }
            (Ty::Scalar(s), w) => match scalar(s, w)? {
                Some(v) => v,
                None => continue,
            },
            (Ty::Message(m), Wire::Bytes(b)) => message(b, m, depth + 1)?,
            (Ty::Map(k, v), Wire::Bytes(b)) => {
                let (mut key, mut val) = (String::new(), Value::Null);
                let mut er = Reader { buf: b };
                while let Some((n, w)) = er.next()? {
                    match (n, k.as_ref(), v.as_ref()) {
                        (1, Ty::Scalar(ks), _) => {
                            key = scalar(ks, w)?
                                .map(|k| match k {
                                    Value::String(s) => s,
                                    other => other.to_string(),
                                })
                                .unwrap_or_default();
                        }
                        (2, _, Ty::Scalar(vs)) => val = scalar(vs, w)?.unwrap_or_else(|| json!("")),
                        (2, _, Ty::Message(m)) => {
                            if let Wire::Bytes(b) = w {
                                val = message(b, m, depth + 1)?;
                            }
                        }
                        _ => {}
                    }
                }
                if val.is_null() {
                    val = match v.as_ref() {
                        Ty::Scalar(_) => json!(""),
                        _ => json!({}),
                    };
                }
                if let Value::Object(m) = out.entry(f.name.clone()).or_insert_with(|| json!({})) {
                    m.insert(key, val);
                }
                continue;
            }
            _ => return Err(malformed()),
        };
        if f.repeated {
            if let Value::Array(a) = out.entry(f.name.clone()).or_insert_with(|| json!([])) {
                a.push(value);
            }
        } else if !value.is_null() {
            out.insert(f.name.clone(), value);
        }
    }
    if desc.array {
        return Ok(out.remove("items").unwrap_or_else(|| json!([])));
    }
    Ok(Value::Object(out))
}

/// The message of a `group/version` `kind`, as typed clients encode it.
fn message_for(api_version: &str, kind: &str) -> Option<&'static str> {
    let t = tables();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let dir = if group.is_empty() {
        "core"
    } else {
        group.split('.').next().unwrap_or(group)
    };
    t.kinds
        .get(&format!("{dir}/{version}/{kind}"))
        .or_else(|| {
            t.messages
                .get_key_value(&format!("{META}.{kind}"))
                .map(|(k, _)| k)
        })
        .map(String::as_str)
}

/// Decodes a `k8s\0`-framed protobuf body into the JSON form of the object.
///
/// # Errors
/// 400 for malformed input, 415 for a kind the sandbox has no table for.
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
    let name = message_for(&api_version, &kind)
        .ok_or_else(|| ApiError::unsupported_media_type(content_type))?;
    let mut obj = message(raw, name, 0)?;
    if let Value::Object(m) = &mut obj {
        let mut out = Map::new();
        if !api_version.is_empty() {
            out.insert("apiVersion".into(), json!(api_version));
        }
        out.insert("kind".into(), json!(kind));
        out.extend(std::mem::take(m));
        *m = out;
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

    fn varint_field(num: u32, v: u8) -> Vec<u8> {
        vec![(num << 3) as u8, v]
    }

    fn envelope(api_version: &[u8], kind: &[u8], raw: &[u8]) -> Vec<u8> {
        let tm = [field(1, api_version), field(2, kind)].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend([field(1, &tm), field(2, raw)].concat());
        body
    }

    #[test]
    fn decodes_a_helm_release_secret() {
        let labels = [field(1, b"owner"), field(2, b"helm")].concat();
        let meta = [
            field(1, b"sh.helm.release.v1.demo.v1"),
            field(2, b""),
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
        let v = decode(
            &envelope(b"v1", b"Secret", &secret),
            "application/vnd.kubernetes.protobuf",
        )
        .unwrap();
        assert_eq!(v["kind"], "Secret");
        assert_eq!(v["metadata"]["name"], "sh.helm.release.v1.demo.v1");
        assert!(
            v["metadata"].get("generateName").is_none(),
            "empty strings are dropped"
        );
        assert_eq!(v["metadata"]["labels"]["owner"], "helm");
        assert_eq!(v["data"]["release"], "AQI=");
        assert_eq!(v["type"], "helm.sh/release.v1");
    }

    #[test]
    fn decodes_a_deployment_with_int_or_string_and_quantities() {
        // spec.replicas = 3, spec.strategy.rollingUpdate.maxSurge = "25%"
        let max_surge = [varint_field(1, 1), field(3, b"25%")].concat();
        let rolling = field(2, &max_surge);
        let strategy = [field(1, b"RollingUpdate"), field(2, &rolling)].concat();
        let spec = [varint_field(1, 3), field(4, &strategy)].concat();
        let meta = field(1, b"web");
        let dep = [field(1, &meta), field(2, &spec)].concat();
        let v = decode(&envelope(b"apps/v1", b"Deployment", &dep), "x").unwrap();
        assert_eq!(v["metadata"]["name"], "web");
        assert_eq!(v["spec"]["replicas"], 3);
        assert_eq!(v["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(v["spec"]["strategy"]["type"], "RollingUpdate");
    }

    #[test]
    fn delete_options_and_durations() {
        let opts = [field(4, b"Foreground"), field(5, b"All")].concat();
        let v = decode(&envelope(b"v1", b"DeleteOptions", &opts), "x").unwrap();
        assert_eq!(v["propagationPolicy"], "Foreground");
        assert_eq!(v["dryRun"], json!(["All"]));
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(7_200_000_000_000), "2h0m0s");
    }

    #[test]
    fn rejects_garbage_and_unknown_kinds() {
        assert_eq!(decode(b"nope", "x").unwrap_err().code, 400);
        assert_eq!(
            decode(&envelope(b"v1", b"NoSuchKind", b""), "x")
                .unwrap_err()
                .code,
            415
        );
        assert_eq!(decode(b"k8s\0\x0a\xff", "x").unwrap_err().code, 400);
        // A field whose wire type does not match the table is malformed, not a panic.
        let bad = varint_field(1, 7);
        assert_eq!(
            decode(&envelope(b"v1", b"Secret", &bad), "x")
                .unwrap_err()
                .code,
            400
        );
    }
}

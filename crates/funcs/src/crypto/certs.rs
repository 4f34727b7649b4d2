//! Sprig's keys and certificates (sprig v3.3.0 crypto.go): `genPrivateKey`,
//! `buildCustomCert`, `genCA`, `genSelfSignedCert`, `genSignedCert` and their
//! `...WithKey` forms.
//!
//! Keys come out in the PEM forms Go's `pemBlockForKey` writes: PKCS#1
//! `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY` (P-256), PKCS#8 `PRIVATE KEY` (Ed25519) and
//! the `DSA PRIVATE KEY` sequence. Certificates carry what Sprig's template sets: a
//! random serial below 2^128, the common name, IP and DNS names, validity from now for
//! `daysValid` days, key usage (plus certificate signing for CAs), server and client
//! auth, and basic constraints. rcgen signs them.

use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;
use charthouse_gotmpl::{Func, FuncError, GoType, IntType, Signature, Value};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};

/// Sprig's `certificate` struct: PEM texts under `.Cert` and `.Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Certificate {
    pub(crate) cert: String,
    pub(crate) key: String,
}

/// The Go type name of Sprig's certificate struct.
const CERT_TYPE: &str = "sprig.certificate";

/// A private key of a kind Sprig handles.
enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(p256::SecretKey),
    /// The 32-byte Ed25519 seed.
    Ed(Vec<u8>),
    /// DSA: p, q, g, y, x as big-endian integers.
    Dsa([Vec<u8>; 5]),
}

/// Go's `pem.EncodeToMemory`: base64 body in 64-column lines.
fn pem_encode(kind: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// Go's `pem.Decode` (first block): its type and bytes.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let end_type = rest.find("-----")?;
    let kind = rest[..end_type].to_string();
    let body_start = &rest[end_type + 5..];
    let end_marker = format!("-----END {kind}-----");
    let body_end = body_start.find(&end_marker)?;
    let body: String = body_start[..body_end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    Some((kind, der))
}

/// DER for a non-negative INTEGER from big-endian bytes.
fn der_int(bytes: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|&x| x == 0).collect();
    if b.first().is_none_or(|&x| x & 0x80 != 0) {
        b.insert(0, 0);
    }
    let mut out = vec![0x02];
    out.extend(der_len(b.len()));
    out.extend(b);
    out
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|&x| x == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// Reads the INTEGERs of a DER SEQUENCE (Go's `DSAKeyFormat`).
fn der_ints(der: &[u8]) -> Option<Vec<Vec<u8>>> {
    fn read_len(b: &[u8], i: &mut usize) -> Option<usize> {
        let first = *b.get(*i)?;
        *i += 1;
        if first < 0x80 {
            return Some(usize::from(first));
        }
        let n = usize::from(first & 0x7f);
        let mut len = 0usize;
        for _ in 0..n {
            len = len.checked_mul(256)? + usize::from(*b.get(*i)?);
            *i += 1;
        }
        Some(len)
    }
    let mut i = 0;
    if *der.first()? != 0x30 {
        return None;
    }
    i += 1;
    let len = read_len(der, &mut i)?;
    let end = i.checked_add(len)?;
    let mut out = Vec::new();
    while i < end.min(der.len()) {
        if der[i] != 0x02 {
            return None;
        }
        i += 1;
        let l = read_len(der, &mut i)?;
        out.push(der.get(i..i.checked_add(l)?)?.to_vec());
        i += l;
    }
    Some(out)
}

impl PrivateKey {
    /// Go's `pemBlockForKey`.
    fn to_pem(&self) -> Result<String, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => pem_encode(
                "RSA PRIVATE KEY",
                k.to_pkcs1_der().map_err(|e| e.to_string())?.as_bytes(),
            ),
            PrivateKey::Ec(k) => pem_encode("EC PRIVATE KEY", &sec1_der(k)),
            PrivateKey::Ed(seed) => pem_encode("PRIVATE KEY", &ed25519_pkcs8(seed)),
            PrivateKey::Dsa(parts) => {
                let mut body = der_int(&[0]);
                for p in parts {
                    body.extend(der_int(p));
                }
                let mut der = vec![0x30];
                der.extend(der_len(body.len()));
                der.extend(body);
                pem_encode("DSA PRIVATE KEY", &der)
            }
        })
    }

    /// The key as rcgen signs with it (PKCS#8).
    fn key_pair(&self) -> Result<KeyPair, String> {
        let der = match self {
            PrivateKey::Rsa(k) => k
                .to_pkcs8_der()
                .map_err(|e| e.to_string())?
                .as_bytes()
                .to_vec(),
            PrivateKey::Ec(k) => k
                .to_pkcs8_der()
                .map_err(|e| e.to_string())?
                .as_bytes()
                .to_vec(),
            PrivateKey::Ed(seed) => ed25519_pkcs8(seed),
            // crypto/dsa keys are not crypto.Signers: x509.CreateCertificate refuses them.
            PrivateKey::Dsa(_) => {
                return Err(
                    "x509: certificate private key does not implement crypto.Signer".into(),
                );
            }
        };
        KeyPair::try_from(der.as_slice()).map_err(|e| e.to_string())
    }
}

/// Go's `MarshalECPrivateKey` for a P-256 key: SEC1 with the curve named and the public
/// key included (the `p256` crate's own SEC1 form leaves the curve out, which OpenSSL
/// cannot read).
fn sec1_der(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    const PRIME256V1: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let point = k.public_key().to_encoded_point(false);
    let mut body = vec![0x02, 0x01, 0x01, 0x04, 0x20];
    body.extend_from_slice(&k.to_bytes());
    body.push(0xa0);
    body.push(PRIME256V1.len() as u8);
    body.extend_from_slice(&PRIME256V1);
    let mut bits = vec![0x03];
    bits.extend(der_len(point.as_bytes().len() + 1));
    bits.push(0);
    bits.extend_from_slice(point.as_bytes());
    body.push(0xa1);
    body.extend(der_len(bits.len()));
    body.extend(bits);
    let mut der = vec![0x30];
    der.extend(der_len(body.len()));
    der.extend(body);
    der
}

/// Go's `MarshalPKCS8PrivateKey` for an Ed25519 seed (version 1, no public key).
fn ed25519_pkcs8(seed: &[u8]) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    der
}

fn rsa_key(bits: usize) -> Result<PrivateKey, String> {
    rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| e.to_string())
}

/// Sprig's `generatePrivateKey`.
fn generate_private_key(kind: &str) -> String {
    let key = match kind {
        "" | "rsa" => rsa_key(4096),
        "dsa" => {
            let comps =
                dsa::Components::generate(&mut rand_core::OsRng, dsa::KeySize::DSA_2048_256);
            let k = dsa::SigningKey::generate(&mut rand_core::OsRng, comps);
            let v = k.verifying_key();
            let c = v.components();
            Ok(PrivateKey::Dsa([
                c.p().to_bytes_be(),
                c.q().to_bytes_be(),
                c.g().to_bytes_be(),
                v.y().to_bytes_be(),
                k.x().to_bytes_be(),
            ]))
        }
        "ecdsa" => Ok(PrivateKey::Ec(p256::SecretKey::random(
            &mut rand_core::OsRng,
        ))),
        "ed25519" => {
            let mut seed = vec![0u8; 32];
            crate::random::fill(&mut seed)
                .map(|_| PrivateKey::Ed(seed))
                .map_err(|e| e.to_string())
        }
        other => return format!("Unknown type {other}"),
    };
    match key.and_then(|k| k.to_pem()) {
        Ok(pem) => pem,
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

/// Sprig's `parsePrivateKeyPEM`, with its error texts.
fn parse_private_key_pem(text: &str) -> Result<PrivateKey, String> {
    let (kind, der) = pem_decode(text).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
            return Ok(PrivateKey::Rsa(Box::new(k)));
        }
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
            return Ok(PrivateKey::Ec(k));
        }
        // Ed25519 PKCS#8: the seed is the last 32 bytes of the inner OCTET STRING.
        if der.len() >= 48 && der.get(7..12) == Some(&[0x06, 0x03, 0x2b, 0x65, 0x70][..]) {
            return Ok(PrivateKey::Ed(der[16..48].to_vec()));
        }
        return Err("decoding PEM as PKCS#8: x509: failed to parse private key".into());
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(PrivateKey::Ec)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => {
            let ints = der_ints(&der).filter(|v| v.len() == 6).ok_or_else(|| {
                "parsing DSA private key from PEM: asn1: structure error: sequence truncated"
                    .to_string()
            })?;
            Ok(PrivateKey::Dsa([
                ints[1].clone(),
                ints[2].clone(),
                ints[3].clone(),
                ints[4].clone(),
                ints[5].clone(),
            ]))
        }
        _ => Err(format!("invalid private key type {kind}")),
    }
}

/// Sprig's `getNetIPs` and `getAlternateDNSStrs` over a `[]interface {}` argument.
fn strings_of(v: &Value, what: &str) -> Result<Vec<String>, String> {
    let Some(list) = v.as_list() else {
        return Ok(Vec::new());
    };
    list.items
        .iter()
        .map(|item| match item.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(format!("{what}: {} is not a string", item.to_go_string())),
        })
        .collect()
}

/// Sprig's `getBaseCertTemplate`.
fn base_params(cn: &str, ips: &Value, dns: &Value, days: i64) -> Result<CertificateParams, String> {
    let mut sans = Vec::new();
    for ip in strings_of(ips, "error parsing ip")? {
        let addr = IpAddr::from_str(&ip).map_err(|_| format!("error parsing ip: {ip}"))?;
        sans.push(SanType::IpAddress(addr));
    }
    let mut dns_sans = Vec::new();
    for name in strings_of(dns, "error processing alternate dns name")? {
        dns_sans.push(SanType::DnsName(
            name.try_into().map_err(|e: rcgen::Error| e.to_string())?,
        ));
    }
    dns_sans.extend(sans);
    let mut serial = [0u8; 16];
    crate::random::fill(&mut serial).map_err(|e| e.to_string())?;
    serial[0] &= 0x7f;
    let now = time::OffsetDateTime::now_utc();
    let mut params = CertificateParams::default();
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.subject_alt_names = dns_sans;
    params.not_before = now;
    params.not_after = now.saturating_add(time::Duration::days(days));
    params.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.is_ca = IsCa::ExplicitNoCa;
    Ok(params)
}

/// Sprig's `getCertAndKey` for a self-signed certificate.
fn self_signed(params: CertificateParams, key: &PrivateKey) -> Result<Certificate, String> {
    let kp = key
        .key_pair()
        .map_err(|e| format!("error creating certificate: {e}"))?;
    let cert = params
        .self_signed(&kp)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    Ok(Certificate {
        cert: pem_encode("CERTIFICATE", cert.der()),
        key: key.to_pem()?,
    })
}

fn ca(cn: &str, days: i64, key: &PrivateKey) -> Result<Certificate, String> {
    let mut params = base_params(cn, &Value::Nil, &Value::Nil, days)?;
    params.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    self_signed(params, key)
}

fn signed(
    cn: &str,
    ips: &Value,
    dns: &Value,
    days: i64,
    ca: &Certificate,
    key: &PrivateKey,
) -> Result<Certificate, String> {
    let (_, ca_der) = pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    let ca_pem = pem_encode("CERTIFICATE", &ca_der);
    let signer =
        parse_private_key_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    let signer_kp = signer
        .key_pair()
        .map_err(|e| format!("error creating certificate: {e}"))?;
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, signer_kp)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let mut params = base_params(cn, ips, dns, days)?;
    params.use_authority_key_identifier_extension = true;
    let kp = key
        .key_pair()
        .map_err(|e| format!("error creating certificate: {e}"))?;
    let cert = params
        .signed_by(&kp, &issuer)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    Ok(Certificate {
        cert: pem_encode("CERTIFICATE", cert.der()),
        key: key.to_pem()?,
    })
}

/// Sprig's `buildCustomCertificate`.
fn build_custom(b64cert: &str, b64key: &str) -> Result<Certificate, String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let cert = b64
        .decode(b64cert)
        .map_err(|_| "unable to decode base64 certificate")?;
    let key = b64
        .decode(b64key)
        .map_err(|_| "unable to decode base64 private key")?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    if let Err(e) = x509_parser::parse_x509_certificate(&der) {
        return Err(format!("error parsing certificate: decodedCert.Bytes: {e}"));
    }
    parse_private_key_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Certificate { cert, key })
}

fn cert_value(r: Result<Certificate, String>) -> Result<Value, FuncError> {
    r.map(|c| Value::Object(Arc::new(c)))
        .map_err(FuncError::new)
}

fn with_key<T>(pem: &str, f: impl FnOnce(&PrivateKey) -> Result<T, String>) -> Result<T, String> {
    let key = parse_private_key_pem(pem).map_err(|e| format!("parsing private key: {e}"))?;
    f(&key)
}

fn new_rsa<T>(f: impl FnOnce(&PrivateKey) -> Result<T, String>) -> Result<T, String> {
    let key = rsa_key(2048).map_err(|e| format!("error generating rsa key: {e}"))?;
    f(&key)
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or_default()
}

fn days_arg(a: &[Value], i: usize) -> i64 {
    a.get(i).and_then(Value::as_i64).unwrap_or(0)
}

fn cert_arg(a: &[Value], i: usize) -> Certificate {
    a.get(i)
        .and_then(|v| v.downcast_object::<Certificate>())
        .cloned()
        .unwrap_or(Certificate {
            cert: String::new(),
            key: String::new(),
        })
}

fn nil(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or(Value::Nil)
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let s = GoType::String;
    let int = GoType::Int(IntType::Int);
    let list = GoType::list();
    let cert = GoType::Named(Arc::from(CERT_TYPE));
    let sig = Signature::new;
    out.push(Func::new(
        "genPrivateKey",
        sig(vec![s.clone()], s.clone()),
        |_, a| Ok(Value::from(generate_private_key(str_arg(a, 0)))),
    ));
    out.push(Func::new(
        "buildCustomCert",
        sig(vec![s.clone(), s.clone()], cert.clone()),
        |_, a| cert_value(build_custom(str_arg(a, 0), str_arg(a, 1))),
    ));
    out.push(Func::new(
        "genCA",
        sig(vec![s.clone(), int.clone()], cert.clone()),
        |_, a| cert_value(new_rsa(|k| ca(str_arg(a, 0), days_arg(a, 1), k))),
    ));
    out.push(Func::new(
        "genCAWithKey",
        sig(vec![s.clone(), int.clone(), s.clone()], cert.clone()),
        |_, a| {
            cert_value(with_key(str_arg(a, 2), |k| {
                ca(str_arg(a, 0), days_arg(a, 1), k)
            }))
        },
    ));
    let self_sig = sig(
        vec![s.clone(), list.clone(), list.clone(), int.clone()],
        cert.clone(),
    );
    out.push(Func::new("genSelfSignedCert", self_sig, |_, a| {
        cert_value(new_rsa(|k| {
            self_signed(
                base_params(str_arg(a, 0), &nil(a, 1), &nil(a, 2), days_arg(a, 3))?,
                k,
            )
        }))
    }));
    let self_key_sig = sig(
        vec![
            s.clone(),
            list.clone(),
            list.clone(),
            int.clone(),
            s.clone(),
        ],
        cert.clone(),
    );
    out.push(Func::new(
        "genSelfSignedCertWithKey",
        self_key_sig,
        |_, a| {
            cert_value(with_key(str_arg(a, 4), |k| {
                self_signed(
                    base_params(str_arg(a, 0), &nil(a, 1), &nil(a, 2), days_arg(a, 3))?,
                    k,
                )
            }))
        },
    ));
    let signed_sig = sig(
        vec![
            s.clone(),
            list.clone(),
            list.clone(),
            int.clone(),
            cert.clone(),
        ],
        cert.clone(),
    );
    out.push(Func::new("genSignedCert", signed_sig, |_, a| {
        cert_value(new_rsa(|k| {
            signed(
                str_arg(a, 0),
                &nil(a, 1),
                &nil(a, 2),
                days_arg(a, 3),
                &cert_arg(a, 4),
                k,
            )
        }))
    }));
    let signed_key_sig = sig(
        vec![s.clone(), list.clone(), list, int, cert.clone(), s],
        cert,
    );
    out.push(Func::new("genSignedCertWithKey", signed_key_sig, |_, a| {
        cert_value(with_key(str_arg(a, 5), |k| {
            signed(
                str_arg(a, 0),
                &nil(a, 1),
                &nil(a, 2),
                days_arg(a, 3),
                &cert_arg(a, 4),
                k,
            )
        }))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip() {
        let p = pem_encode("X", &[1u8; 100]);
        assert!(p.lines().all(|l| l.len() <= 64));
        assert_eq!(
            pem_decode(&format!("junk\n{p}")),
            Some(("X".to_string(), vec![1u8; 100]))
        );
    }

    #[test]
    fn der_integers_round_trip() {
        let mut body = der_int(&[0]);
        body.extend(der_int(&[0x80, 1]));
        body.extend(der_int(&[5; 300]));
        let mut der = vec![0x30];
        der.extend(der_len(body.len()));
        der.extend(body);
        let ints = der_ints(&der).unwrap_or_default();
        assert_eq!(ints.len(), 3);
        assert_eq!(ints[1], vec![0, 0x80, 1]);
        assert_eq!(ints[2].len(), 300);
    }

    #[test]
    fn key_kinds_and_errors() {
        let ec = generate_private_key("ecdsa");
        assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
        assert!(matches!(parse_private_key_pem(&ec), Ok(PrivateKey::Ec(_))));
        let ed = generate_private_key("ed25519");
        assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(matches!(parse_private_key_pem(&ed), Ok(PrivateKey::Ed(_))));
        assert_eq!(generate_private_key("foo"), "Unknown type foo");
        assert_eq!(
            parse_private_key_pem("x").err().as_deref(),
            Some("no PEM data in input")
        );
        let cert_block = pem_encode("CERTIFICATE", &[1, 2]);
        assert_eq!(
            parse_private_key_pem(&cert_block).err().as_deref(),
            Some("no private key data in PEM block of type CERTIFICATE")
        );
    }
}

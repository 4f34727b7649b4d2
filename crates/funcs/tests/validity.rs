//! Validity tests for the functions whose output is random or time-dependent: helm's
//! output cannot be replayed, so these check form, length, alphabet and cryptographic
//! validity (certificates parse and chain, keys match, bcrypt hashes verify).

use std::process::Command;

use base64::Engine as _;
use charthouse_funcs::{Options, functions};
use charthouse_gotmpl::{MissingKey, Templates, Value};
use x509_parser::prelude::*;

fn render_with(src: &str, data: &Value) -> Result<String, String> {
    let mut t = Templates::named("gotpl");
    t.set_missing_key(MissingKey::Zero);
    t.add_funcs(functions(&Options::default()));
    t.parse("t", src).map_err(|e| e.to_string())?;
    t.execute("t", data).map_err(|e| e.to_string())
}

fn render(src: &str) -> String {
    render_with(src, &Value::Nil).unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// Runs a template that prints `CERT|||KEY` and returns both parts.
fn cert_and_key(src: &str) -> (String, String) {
    let out = render(src);
    let (c, k) = out
        .split_once("|||")
        .unwrap_or_else(|| panic!("no separator in {out}"));
    (c.to_string(), k.to_string())
}

fn der_of(pem_text: &str) -> Vec<u8> {
    let (_, pem) = parse_x509_pem(pem_text.as_bytes()).expect("PEM");
    pem.contents
}

fn pem_type(pem_text: &str) -> String {
    let (_, pem) = parse_x509_pem(pem_text.as_bytes()).expect("PEM");
    pem.label
}

/// If the openssl binary exists, `openssl verify -CAfile ca cert` must accept the chain.
fn openssl_verify(ca: &str, leaf: &str) {
    if Command::new("openssl").arg("version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_path = dir.path().join("ca.pem");
    let leaf_path = dir.path().join("leaf.pem");
    std::fs::write(&ca_path, ca).expect("write");
    std::fs::write(&leaf_path, leaf).expect("write");
    let out = Command::new("openssl")
        .args(["verify", "-CAfile"])
        .arg(&ca_path)
        .arg(&leaf_path)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// If the openssl binary exists, it must read the private key and find it consistent.
fn openssl_key_check(key: &str) {
    if Command::new("openssl").arg("version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("key.pem");
    std::fs::write(&path, key).expect("write");
    let out = Command::new("openssl")
        .args(["pkey", "-noout", "-in"])
        .arg(&path)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl pkey: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The public key of a certificate equals the one openssl derives from the key, or, without
/// openssl, the certificate's key is at least an RSA key of the expected size.
fn key_matches_cert(cert_pem: &str, key_pem: &str) {
    let der = der_of(cert_pem);
    let (_, cert) = X509Certificate::from_der(&der).expect("certificate");
    if Command::new("openssl").arg("version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("key.pem");
    std::fs::write(&path, key_pem).expect("write");
    let out = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&path)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.stdout,
        cert.public_key().raw,
        "certificate and key do not match"
    );
}

#[test]
fn gen_ca_is_a_self_signed_ca() {
    let (c, k) = cert_and_key(r#"{{ $ca := genCA "my-ca" 365 }}{{ $ca.Cert }}|||{{ $ca.Key }}"#);
    assert!(
        c.starts_with("-----BEGIN CERTIFICATE-----\n")
            && c.ends_with("-----END CERTIFICATE-----\n")
    );
    assert_eq!(pem_type(&k), "RSA PRIVATE KEY");
    let der = der_of(&c);
    let (_, cert) = X509Certificate::from_der(&der).expect("certificate");
    assert!(cert.is_ca());
    assert_eq!(cert.subject().to_string(), "CN=my-ca");
    assert_eq!(cert.issuer().to_string(), "CN=my-ca");
    let days =
        (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp()) / 86400;
    assert_eq!(days, 365);
    cert.verify_signature(None)
        .expect("self-signature verifies");
    let ku = cert.key_usage().expect("ext").expect("key usage");
    assert!(
        ku.value.key_cert_sign() && ku.value.digital_signature() && ku.value.key_encipherment()
    );
    let serial = cert.tbs_certificate.raw_serial();
    assert!(serial.len() <= 17 && !serial.is_empty());
    key_matches_cert(&c, &k);
    openssl_key_check(&k);
}

#[test]
fn signed_cert_chains_to_its_ca() {
    let src = r#"{{ $ca := genCA "ca" 30 }}{{ $c := genSignedCert "leaf.example" (list "10.0.0.1" "::1") (list "a.example" "b.example") 10 $ca }}{{ $ca.Cert }}|||{{ $c.Cert }}|||{{ $c.Key }}"#;
    let out = render(src);
    let parts: Vec<&str> = out.split("|||").collect();
    let (ca_pem, leaf_pem, key_pem) = (parts[0], parts[1], parts[2]);
    let ca_der = der_of(ca_pem);
    let leaf_der = der_of(leaf_pem);
    let (_, ca) = X509Certificate::from_der(&ca_der).expect("ca");
    let (_, leaf) = X509Certificate::from_der(&leaf_der).expect("leaf");
    assert!(!leaf.is_ca());
    assert_eq!(leaf.issuer().to_string(), "CN=ca");
    assert_eq!(leaf.subject().to_string(), "CN=leaf.example");
    leaf.verify_signature(Some(ca.public_key()))
        .expect("leaf signed by the CA");
    let san = leaf.subject_alternative_name().expect("ext").expect("SAN");
    let names: Vec<String> = san
        .value
        .general_names
        .iter()
        .map(|n| n.to_string())
        .collect();
    for want in ["a.example", "b.example"] {
        assert!(names.iter().any(|n| n.contains(want)), "{names:?}");
    }
    assert_eq!(names.len(), 4, "{names:?}");
    let eku = leaf.extended_key_usage().expect("ext").expect("EKU");
    assert!(eku.value.server_auth && eku.value.client_auth);
    key_matches_cert(leaf_pem, key_pem);
    openssl_verify(ca_pem, leaf_pem);
}

#[test]
fn self_signed_cert_with_sans() {
    let (c, k) = cert_and_key(
        r#"{{ $c := genSelfSignedCert "svc" (list "127.0.0.1") (list "svc.local") 2 }}{{ $c.Cert }}|||{{ $c.Key }}"#,
    );
    let der = der_of(&c);
    let (_, cert) = X509Certificate::from_der(&der).expect("certificate");
    cert.verify_signature(None).expect("self-signed");
    assert!(!cert.is_ca());
    let san = cert.subject_alternative_name().expect("ext").expect("SAN");
    assert_eq!(san.value.general_names.len(), 2);
    key_matches_cert(&c, &k);
    openssl_verify(&c, &c);
}

#[test]
fn certificates_with_given_keys_of_every_kind() {
    for kind in ["ecdsa", "ed25519", "rsa"] {
        let src = format!(
            r#"{{{{ $k := genPrivateKey "{kind}" }}}}{{{{ $ca := genCAWithKey "ca-{kind}" 5 $k }}}}{{{{ $s := genSelfSignedCertWithKey "self" nil nil 5 $k }}}}{{{{ $l := genSignedCertWithKey "leaf" nil (list "x.example") 5 $ca $k }}}}{{{{ $k }}}}|||{{{{ $ca.Cert }}}}|||{{{{ $ca.Key }}}}|||{{{{ $s.Cert }}}}|||{{{{ $l.Cert }}}}"#
        );
        let out = render(&src);
        let p: Vec<&str> = out.split("|||").collect();
        assert_eq!(p[0], p[2], "{kind}: the CA keeps the given key");
        let ca_der = der_of(p[1]);
        let (_, ca) = X509Certificate::from_der(&ca_der).expect("ca");
        ca.verify_signature(None)
            .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        let self_der = der_of(p[3]);
        let (_, selfc) = X509Certificate::from_der(&self_der).expect("self");
        selfc
            .verify_signature(None)
            .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        let leaf_der = der_of(p[4]);
        let (_, leaf) = X509Certificate::from_der(&leaf_der).expect("leaf");
        leaf.verify_signature(Some(ca.public_key()))
            .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        key_matches_cert(p[1], p[0]);
        openssl_verify(p[1], p[4]);
    }
}

#[test]
fn private_keys_in_gos_pem_forms() {
    let cases = [
        ("rsa", "RSA PRIVATE KEY"),
        ("", "RSA PRIVATE KEY"),
        ("ecdsa", "EC PRIVATE KEY"),
        ("ed25519", "PRIVATE KEY"),
        ("dsa", "DSA PRIVATE KEY"),
    ];
    for (kind, label) in cases {
        let k = render(&format!(r#"{{{{ genPrivateKey "{kind}" }}}}"#));
        assert_eq!(pem_type(&k), label, "{kind}");
        assert!(k.lines().all(|l| l.len() <= 64), "{kind}: 64-column PEM");
        if kind != "dsa" {
            openssl_key_check(&k);
        }
    }
    // 4096-bit RSA, as Sprig generates: the modulus is the second INTEGER of PKCS#1.
    let rsa = render(r#"{{ genPrivateKey "rsa" }}"#);
    let der = der_of(&rsa);
    assert!(
        der.len() > 2300,
        "4096-bit PKCS#1 key, got {} bytes",
        der.len()
    );
    // A DSA key is the sequence {0, P, Q, G, Y, X} with a 2048-bit P and 256-bit Q.
    let dsa = render(r#"{{ genPrivateKey "dsa" }}"#);
    let der = der_of(&dsa);
    assert!(der.len() > 800, "DSA 2048/256 key, got {} bytes", der.len());
}

#[test]
fn build_custom_cert_round_trips_a_generated_pair() {
    let out = render(
        r#"{{ $ca := genCA "x" 1 }}{{ $b := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}{{ eq $b.Cert $ca.Cert }} {{ eq $b.Key $ca.Key }} {{ typeOf $b }}"#,
    );
    assert_eq!(out, "true true sprig.certificate");
}

#[test]
fn certificate_objects_marshal_as_structs() {
    let out = render(
        r#"{{ $ca := genCA "x" 1 }}{{ $m := toJson $ca | fromJson }}{{ eq $m.Cert $ca.Cert }} {{ eq $m.Key $ca.Key }} {{ keys $m | sortAlpha }}"#,
    );
    assert_eq!(out, "true true [Cert Key]");
}

#[test]
fn bcrypt_and_htpasswd_verify() {
    let h = render(r#"{{ bcrypt "s3cret" }}"#);
    assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
    assert!(bcrypt::verify("s3cret", &h).expect("hash parses"));
    assert!(!bcrypt::verify("other", &h).expect("hash parses"));
    let line = render(r#"{{ htpasswd "admin" "pw" }}"#);
    let (user, hash) = line.split_once(':').expect("user:hash");
    assert_eq!(user, "admin");
    assert!(bcrypt::verify("pw", hash).expect("hash parses"));
}

#[test]
fn random_strings_have_their_alphabets() {
    type Check = fn(char) -> bool;
    let checks: [(&str, Check); 4] = [
        ("randAlphaNum", |c| c.is_ascii_alphanumeric()),
        ("randAlpha", |c| c.is_ascii_alphabetic()),
        ("randNumeric", |c| c.is_ascii_digit()),
        ("randAscii", |c| (' '..='~').contains(&c)),
    ];
    for (f, ok) in checks {
        for n in [0, 1, 17, 300] {
            let s = render(&format!("{{{{ {f} {n} }}}}"));
            assert_eq!(s.chars().count(), n, "{f} {n}");
            assert!(s.chars().all(ok), "{f}: {s}");
        }
        let a = render(&format!("{{{{ {f} 32 }}}}"));
        let b = render(&format!("{{{{ {f} 32 }}}}"));
        assert_ne!(a, b, "{f} repeats itself");
    }
    let n: i64 = render("{{ randInt -5 5 }}").parse().expect("int");
    assert!((-5..5).contains(&n));
    assert_eq!(render("{{ printf \"%T\" (randInt 0 3) }}"), "int");
}

#[test]
fn uuid_and_bytes_have_their_form() {
    let u = render("{{ uuidv4 }}");
    let re =
        regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .expect("regex");
    assert!(re.is_match(&u), "{u}");
    for n in [1usize, 16, 33] {
        let b = render(&format!("{{{{ randBytes {n} }}}}"));
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&b)
            .expect("base64");
        assert_eq!(raw.len(), n);
    }
}

#[test]
fn aes_round_trips_with_random_ivs() {
    let a = render(r#"{{ encryptAES "key" "payload" }}"#);
    let b = render(r#"{{ encryptAES "key" "payload" }}"#);
    assert_ne!(a, b, "a fresh IV each time");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&a)
        .expect("base64");
    assert_eq!(raw.len(), 32, "IV + one block");
    let data = Value::map_from([("c", Value::from(a))]);
    assert_eq!(
        render_with(r#"{{ decryptAES "key" .c }}"#, &data).as_deref(),
        Ok("payload")
    );
}

#[test]
fn now_prints_gos_time_string_with_monotonic_clock() {
    let re = regex::Regex::new(
        r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})? [+-]\d{4} \S+ m=\+\d+\.\d{9}$",
    )
    .expect("regex");
    let s = render("{{ now }}");
    assert!(re.is_match(&s), "{s}");
    // Copies through In()/UTC drop the monotonic reading, as Go's setLoc does.
    let s = render("{{ now.UTC }}");
    assert!(!s.contains(" m="), "{s}");
}

#[test]
fn time_dependent_functions_use_the_current_time() {
    let year = render(r#"{{ now | date "2006" }}"#);
    let data = Value::map_from([("f", Value::float(1.5))]);
    // Sprig formats "now" for anything that is not a time or a Go integer.
    assert_eq!(
        render_with(r#"{{ date "2006" .f }}"#, &data).as_deref(),
        Ok(year.as_str())
    );
    assert_eq!(render(r#"{{ ago now }}"#), "0s");
    let ago = render(r#"{{ ago (now | dateModify "-90s") }}"#);
    assert!(ago == "1m30s" || ago == "1m31s", "{ago}");
    assert_eq!(
        render(r#"{{ now | dateModify "-49h" | durationRound }}"#),
        "2d"
    );
    let html = render(r#"{{ htmlDate "x" }}"#);
    assert!(
        regex::Regex::new(r"^\d{4}-\d{2}-\d{2}$")
            .expect("re")
            .is_match(&html),
        "{html}"
    );
    assert!(
        render(r#"{{ unixEpoch now }}"#)
            .parse::<i64>()
            .expect("int")
            > 1_700_000_000
    );
}

#[test]
fn shuffle_permutes() {
    let s = render(r#"{{ shuffle "abcdefghijklmnopqrstuvwxyz" }}"#);
    let mut v: Vec<char> = s.chars().collect();
    v.sort_unstable();
    assert_eq!(
        v.into_iter().collect::<String>(),
        "abcdefghijklmnopqrstuvwxyz"
    );
}

//! Sprig's crypto functions (sprig v3.3.0 crypto.go): hashes, `bcrypt`, `htpasswd`,
//! `derivePassword`, AES, keys and certificates.

mod certs;

use base64::Engine as _;
use charthouse_gotmpl::{
    Context, Func, FuncError, GoType, IntType, Object, Signature, UintType, Value,
};
use hmac::Mac as _;
use sha1::Digest as _;

pub(crate) use certs::Certificate;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's `hash/adler32`.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Sprig's `bcrypt`: x/crypto's `GenerateFromPassword` at its default cost (10), in
/// the `$2a$` form, or Sprig's failure text.
fn bcrypt_hash(password: &str) -> String {
    // x/crypto refuses passwords longer than 72 bytes instead of truncating them.
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .to_string();
    }
    match bcrypt::hash_with_result(password, 10) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

/// The masterpassword templates Sprig's `derivePassword` picks from.
fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Sprig's `derivePassword`: the Master Password algorithm (scrypt N=32768, r=8, p=2,
/// then HMAC-SHA256 of the site).
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    const SEED: &[u8] = b"com.lyndir.masterpassword";
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = match scrypt::Params::new(15, 8, 2, 64) {
        Ok(p) => p,
        Err(e) => return format!("failed to derive password: {e}"),
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = SEED.to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password: bad key".to_string();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    template
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_chars(c);
            char::from(chars[usize::from(seed.get(i + 1).copied().unwrap_or(0)) % chars.len()])
        })
        .collect()
}

/// Sprig's `encryptAES`: AES-256-CBC (the password zero-padded or cut to 32 bytes),
/// PKCS#7 padding, a random IV in front, standard base64.
fn encrypt_aes(password: &str, plaintext: &str) -> Result<String, FuncError> {
    use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let key = aes_key(password);
    let mut iv = [0u8; 16];
    crate::random::fill(&mut iv)?;
    let data = plaintext.as_bytes();
    let enc = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into());
    let mut buf = data.to_vec();
    buf.resize(data.len() + 16 - data.len() % 16, 0);
    let ct = enc
        .encrypt_padded_mut::<Pkcs7>(&mut buf, data.len())
        .map_err(|e| FuncError::new(e.to_string()))?
        .to_vec();
    let mut out = iv.to_vec();
    out.extend_from_slice(&ct);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    key
}

/// Sprig's `decryptAES`, including the Go runtime panics its unchecked slicing raises
/// on malformed input (text/template reports them as the function's error).
fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = go_base64_decode(crypt64).map_err(FuncError::new)?;
    if crypt.len() < 16 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    if body.is_empty() {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    }
    let key = aes_key(password);
    let mut iv16 = [0u8; 16];
    iv16.copy_from_slice(iv);
    let dec = cbc::Decryptor::<aes::Aes256>::new(&key.into(), &iv16.into());
    let mut buf = body.to_vec();
    let plain = dec
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|e| FuncError::new(e.to_string()))?;
    let pad = usize::from(plain[plain.len() - 1]);
    if pad > plain.len() {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - pad as i64
        )));
    }
    Ok(String::from_utf8_lossy(&plain[..plain.len() - pad]).into_owned())
}

/// Go's `base64.StdEncoding.DecodeString`, with its error text.
pub(crate) fn go_base64_decode(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| {
            let at = match e {
                base64::DecodeError::InvalidByte(i, _) => i,
                base64::DecodeError::InvalidLength(n) => n - n % 4,
                base64::DecodeError::InvalidLastSymbol(i, _) => i,
                base64::DecodeError::InvalidPadding => s.trim_end_matches('=').len(),
            };
            format!("illegal base64 data at input byte {at}")
        })
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or_default()
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let s = || GoType::String;
    let s_to_s = || Signature::new(vec![GoType::String], GoType::String);
    out.push(Func::new("sha1sum", s_to_s(), |_, a| {
        Ok(Value::from(hex(&sha1::Sha1::digest(str_arg(a, 0)))))
    }));
    out.push(Func::new("sha256sum", s_to_s(), |_, a| {
        Ok(Value::from(hex(&sha2::Sha256::digest(str_arg(a, 0)))))
    }));
    out.push(Func::new("sha512sum", s_to_s(), |_, a| {
        Ok(Value::from(hex(&sha2::Sha512::digest(str_arg(a, 0)))))
    }));
    out.push(Func::new("adler32sum", s_to_s(), |_, a| {
        Ok(Value::from(adler32(str_arg(a, 0).as_bytes()).to_string()))
    }));
    out.push(Func::new("bcrypt", s_to_s(), |_, a| {
        Ok(Value::from(bcrypt_hash(str_arg(a, 0))))
    }));
    out.push(Func::new(
        "htpasswd",
        Signature::new(vec![s(), s()], s()),
        |_, a| {
            let user = str_arg(a, 0);
            if user.contains(':') {
                return Ok(Value::from(format!("invalid username: {user}")));
            }
            Ok(Value::from(format!(
                "{user}:{}",
                bcrypt_hash(str_arg(a, 1))
            )))
        },
    ));
    out.push(Func::new(
        "derivePassword",
        Signature::new(
            vec![GoType::Uint(UintType::Uint32), s(), s(), s(), s()],
            s(),
        ),
        |_, a| {
            let counter = a.first().and_then(Value::as_i64).unwrap_or(0) as u32;
            Ok(Value::from(derive_password(
                counter,
                str_arg(a, 1),
                str_arg(a, 2),
                str_arg(a, 3),
                str_arg(a, 4),
            )))
        },
    ));
    out.push(Func::new(
        "encryptAES",
        Signature::new(vec![s(), s()], s()),
        |_, a| encrypt_aes(str_arg(a, 0), str_arg(a, 1)).map(Value::from),
    ));
    out.push(Func::new(
        "decryptAES",
        Signature::new(vec![s(), s()], s()),
        |_, a| decrypt_aes(str_arg(a, 0), str_arg(a, 1)).map(Value::from),
    ));
    out.push(Func::new(
        "randBytes",
        Signature::new(vec![GoType::Int(IntType::Int)], s()),
        |_, a| {
            let n = a.first().and_then(Value::as_i64).unwrap_or(0);
            if n < 0 {
                return Err(FuncError::new("runtime error: makeslice: len out of range"));
            }
            let mut buf = vec![0u8; n as usize];
            crate::random::fill(&mut buf)?;
            Ok(Value::from(
                base64::engine::general_purpose::STANDARD.encode(buf),
            ))
        },
    ));
    certs::register(out);
}

/// `encoding/json`'s view of a certificate: `{"Cert": ..., "Key": ...}`.
pub(crate) fn json_of(v: &Value) -> Option<charthouse_goyaml::Value> {
    v.downcast_object::<Certificate>().map(|c| {
        let mut m = charthouse_goyaml::Map::new();
        m.insert(
            "Cert".into(),
            charthouse_goyaml::Value::String(c.cert.clone()),
        );
        m.insert(
            "Key".into(),
            charthouse_goyaml::Value::String(c.key.clone()),
        );
        charthouse_goyaml::Value::Map(m)
    })
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }

    /// Go's `%v` of a struct: `{CERT KEY}`.
    fn fmt_value(&self, out: &mut String) {
        out.push('{');
        out.push_str(&self.cert);
        out.push(' ');
        out.push_str(&self.key);
        out.push('}');
    }

    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        _args: &[Value],
    ) -> Result<Value, FuncError> {
        Err(FuncError::new(format!(
            "can't call method {name} on type sprig.certificate"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_known_values() {
        assert_eq!(
            hex(&sha1::Sha1::digest("abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&vec![0xffu8; 100_000]), {
            // Reference computed with the textbook definition.
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 255) % 65_521;
                b = (b + a) % 65_521;
            }
            ((b << 16) | a) as u32
        });
    }

    #[test]
    fn bcrypt_verifies() {
        let h = bcrypt_hash("secret");
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        assert!(bcrypt::verify("secret", &h).unwrap_or(false));
        assert!(!bcrypt::verify("other", &h).unwrap_or(true));
    }

    #[test]
    fn aes_round_trip_and_errors() {
        let c = encrypt_aes("k", "hello world").unwrap_or_default();
        assert_eq!(decrypt_aes("k", &c).ok().as_deref(), Some("hello world"));
        assert_eq!(
            decrypt_aes("k", "YQ==")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("runtime error: slice bounds out of range [:16] with capacity 1")
        );
        assert_eq!(
            decrypt_aes("k", "!")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("illegal base64 data at input byte 0")
        );
    }
}

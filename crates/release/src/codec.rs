//! The release payload: JSON, gzip (best compression, as helm), base64
//! (`pkg/storage/driver/util.go`).
//!
//! Decoding accepts an uncompressed JSON payload too, as helm does: it only gunzips when
//! the bytes start with gzip's magic number.

use std::io::{Read as _, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::{Error, Release, Result, gojson};

/// The first bytes of a gzip stream with the deflate method.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The record as `json.Marshal` writes it.
///
/// # Errors
/// [`Error::EncodeRecord`] when a value cannot be written as JSON (NaN or infinity).
pub fn encode_json(release: &Release) -> Result<Vec<u8>> {
    gojson::to_vec(release).map_err(|source| Error::EncodeRecord {
        name: release.name.clone(),
        source,
    })
}

/// The payload helm stores: base64 of the gzipped JSON.
///
/// # Errors
/// [`Error::EncodeRecord`] or [`Error::Gzip`].
pub fn encode(release: &Release) -> Result<String> {
    let json = encode_json(release)?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::best());
    gz.write_all(&json).map_err(Error::Gzip)?;
    let compressed = gz.finish().map_err(Error::Gzip)?;
    Ok(STANDARD.encode(compressed))
}

/// Reads a payload written by helm or charthouse.
///
/// # Errors
/// [`Error::DecodeBase64`], [`Error::Gunzip`] or [`Error::ParseRecord`].
pub fn decode(payload: &str) -> Result<Release> {
    let bytes = STANDARD
        .decode(payload.trim().as_bytes())
        .map_err(Error::DecodeBase64)?;
    let json = if bytes.len() > GZIP_MAGIC.len() && bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(Error::Gunzip)?;
        out
    } else {
        bytes
    };
    serde_json::from_slice(&json).map_err(Error::ParseRecord)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_uncompressed_payloads() {
        let payload = STANDARD.encode(br#"{"name":"a","version":2}"#);
        let release = decode(&payload).unwrap();
        assert_eq!((release.name.as_str(), release.version), ("a", 2));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(decode("not base64!"), Err(Error::DecodeBase64(_))));
        let bad_gzip = STANDARD.encode([0x1f, 0x8b, 0x08, 0, 1, 2]);
        assert!(matches!(decode(&bad_gzip), Err(Error::Gunzip(_))));
        let not_json = STANDARD.encode(b"[1,2]");
        assert!(matches!(decode(&not_json), Err(Error::ParseRecord(_))));
    }
}

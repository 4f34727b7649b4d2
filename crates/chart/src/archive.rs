//! Reading a chart archive (`.tgz`) into memory the way helm's
//! `pkg/chart/loader/archive` does: gzip then tar, the first path element
//! dropped, directories and PAX headers skipped, and the same safety checks
//! (absolute paths, `..`, drive letters, `Chart.yaml` outside a directory,
//! 100 MiB decompressed in all; helm v4.3.1 has no per-file limit).

use std::io::Read;

use crate::chart::File;

/// helm's `MaxDecompressedChartSize`: 100 MiB for all files together.
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ArchiveError {
    /// The stream is not gzip (`gzip: invalid header`).
    GzipHeader,
    /// Anything else, with helm's message.
    Other(String),
}

impl ArchiveError {
    pub(crate) fn message(&self) -> String {
        match self {
            ArchiveError::GzipHeader => "gzip: invalid header".to_owned(),
            ArchiveError::Other(m) => m.clone(),
        }
    }
}

/// Go's `path.Clean` for slash-separated paths.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

fn is_drive_path(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

fn other(msg: impl Into<String>) -> ArchiveError {
    ArchiveError::Other(msg.into())
}

/// `archive.LoadArchiveFiles`: every regular entry of a gzipped tar, named
/// relative to the archive's top directory, in archive order, with a
/// leading UTF-8 BOM removed from each file.
pub(crate) fn load_archive_files(data: &[u8]) -> Result<Vec<File>, ArchiveError> {
    if !data.starts_with(&[0x1f, 0x8b]) {
        return Err(ArchiveError::GzipHeader);
    }
    let gz = flate2::read::MultiGzDecoder::new(data);
    let mut tar = tar::Archive::new(gz);
    let entries = tar.entries().map_err(|e| other(e.to_string()))?;
    let mut files = Vec::new();
    let mut remaining = MAX_DECOMPRESSED_CHART_SIZE;
    for entry in entries {
        let mut entry = entry.map_err(|e| other(tar_error(&e)))?;
        let kind = entry.header().entry_type();
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if raw_name.ends_with('/') {
            continue;
        }
        let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delimiter).collect();
        let joined = parts[1..].join(&delimiter.to_string());
        let n = joined.replace(delimiter, "/");
        if n.starts_with('/') {
            return Err(other("chart illegally contains absolute paths"));
        }
        let n = clean(&n);
        if n == "." {
            return Err(other(format!(
                "chart illegally contains content outside the base directory: {}",
                crate::metadata::go_quote(&raw_name)
            )));
        }
        if n.starts_with("..") {
            return Err(other("chart illegally references parent directory"));
        }
        if is_drive_path(&n) {
            return Err(other("chart contains illegally named files"));
        }
        if parts[0] == "Chart.yaml" {
            return Err(other("chart yaml not in base directory"));
        }
        let size = entry.size();
        if size > remaining {
            return Err(other(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        let mut buf = Vec::new();
        let written = (&mut entry)
            .take(remaining)
            .read_to_end(&mut buf)
            .map_err(|e| other(tar_error(&e)))? as u64;
        remaining -= written;
        if written < size || remaining == 0 {
            return Err(other(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        let data = match buf.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => buf,
        };
        files.push(File { name: n, data });
    }
    if files.is_empty() {
        return Err(other("no files in chart archive"));
    }
    Ok(files)
}

/// Go's wording for the read errors both tar readers share.
fn tar_error(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "unexpected EOF".to_owned()
    } else {
        e.to_string()
    }
}

/// helm's `EnsureArchive`: a friendly error when a file is not gzip.
pub(crate) fn ensure_archive(name: &str, head: &[u8]) -> Result<(), String> {
    if head.starts_with(b"\x1f\x8b\x08") {
        return Ok(());
    }
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        return Err(format!(
            "file '{name}' seems to be a YAML file, but expected a gzipped archive"
        ));
    }
    Err(format!(
        "file '{name}' does not appear to be a gzipped archive; got '{}'",
        sniff_content_type(head)
    ))
}

/// A small part of Go's `http.DetectContentType`: the answers that matter
/// for files mistaken for charts.
fn sniff_content_type(head: &[u8]) -> &'static str {
    // helm sniffs a 512-byte buffer that keeps its zero padding when the
    // file is shorter, so short files always look binary.
    let mut buf = [0u8; 512];
    let n = head.len().min(512);
    buf[..n].copy_from_slice(&head[..n]);
    let head = &buf[..];
    if head.starts_with(b"PK\x03\x04") {
        return "application/zip";
    }
    if head.starts_with(b"%PDF-") {
        return "application/pdf";
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return "image/png";
    }
    let binary = head.iter().any(|&b| {
        b <= 0x08 || b == 0x0b || (0x0e..=0x1a).contains(&b) || (0x1c..=0x1f).contains(&b)
    });
    if binary {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        assert_eq!(clean("a/../b"), "b");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(clean(""), ".");
        assert_eq!(clean("a/./b/"), "a/b");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("a/.."), ".");
    }

    #[test]
    fn not_gzip() {
        assert_eq!(load_archive_files(b"hello"), Err(ArchiveError::GzipHeader));
        assert_eq!(
            ensure_archive("v.yaml", b"a: 1"),
            Err("file 'v.yaml' seems to be a YAML file, but expected a gzipped archive".into())
        );
    }
}

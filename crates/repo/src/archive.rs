//! Unpacking chart archives (`pull --untar`, helm's `chartutil.ExpandFile`): every entry must
//! stay inside the destination.

use std::io::Read as _;
use std::path::{Component, Path};

use crate::error::{Error, Result};

/// Extracts the gzip-compressed tar `data` into `dest`; entries with absolute paths or `..`
/// are refused, links are skipped.
pub fn expand(data: &[u8], dest: &Path, what: &str) -> Result<()> {
    let corrupt = |message: String| Error::CorruptArchive {
        what: what.to_owned(),
        message,
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(data));
    let entries = archive.entries().map_err(|e| corrupt(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| corrupt(e.to_string()))?;
        let path = entry
            .path()
            .map_err(|e| corrupt(e.to_string()))?
            .into_owned();
        if path
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(corrupt(format!(
                "illegal path in archive: {}",
                path.display()
            )));
        }
        let target = dest.join(&path);
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                std::fs::create_dir_all(&target)
                    .map_err(|e| Error::io("creating directory", &target, e))?;
            }
            t if t.is_file() => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| Error::io("creating directory", parent, e))?;
                }
                let mut body = Vec::new();
                entry
                    .read_to_end(&mut body)
                    .map_err(|e| corrupt(e.to_string()))?;
                std::fs::write(&target, body).map_err(|e| Error::io("writing", &target, e))?;
            }
            _ => continue,
        }
    }
    Ok(())
}

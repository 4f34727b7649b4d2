//! File writes that never leave a half-written file behind (helm's `fileutil.AtomicWriteFile`):
//! a failed download or update keeps the previous cache intact.

use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `data` to `path` through a temporary file in the same directory and a rename,
/// creating the parent directories; `mode` is the Unix permission of the result.
pub fn atomic_write(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating directory", dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| Error::io("creating a file in", dir, e))?;
    tmp.write_all(data)
        .map_err(|e| Error::io("writing", tmp.path(), e))?;
    set_mode(tmp.path(), mode)?;
    tmp.persist(path)
        .map_err(|e| Error::io("writing", path, e.error))?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io("setting permissions of", path, e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

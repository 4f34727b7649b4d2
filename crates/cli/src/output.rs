//! Writing results to stdout.
//!
//! Rust's `println!` panics when stdout is closed (`charthouse list | head -1`). We write
//! through `io::Write` instead and treat a broken pipe as a normal end: the reader has
//! what it wanted.

use std::io::{self, Write as _};

/// Writes `text` to stdout as one locked write and flushes it.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// True when `err` is (or wraps) a closed-pipe write error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

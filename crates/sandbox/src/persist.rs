//! `--data DIR` persistence: an append-only log of writes, fsynced before each write is
//! acknowledged, replayed on start and compacted to one record per live object.
//!
//! # Guarantees
//! A write is appended and `fsync`ed while the store lock is held and before the client
//! gets its answer, so an acknowledged write survives a crash or kill of the process.
//! A torn final line (a crash mid-append, never acknowledged) is dropped on replay.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::Error;
use crate::status::ApiError;
use crate::store::Key;

const LOG_FILE: &str = "objects.log";

/// The open log file.
#[derive(Debug)]
pub(crate) struct Log {
    path: PathBuf,
    file: File,
}

/// What a replay recovered.
#[derive(Debug, Default)]
pub(crate) struct Replayed {
    pub(crate) objects: Vec<(Key, Value)>,
    pub(crate) rv: u64,
}

impl Log {
    /// Replays `dir/objects.log`, rewrites it compacted, and opens it for appending.
    ///
    /// # Errors
    /// I/O failures, or a corrupt record anywhere but the last line.
    pub(crate) fn open(dir: &Path) -> Result<(Log, Replayed), Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Persistence { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(LOG_FILE);
        let replayed = if path.exists() {
            replay(&path)?
        } else {
            Replayed::default()
        };
        // Compaction: write the live objects to a temporary file, fsync, rename over the log.
        let tmp = dir.join(format!("{LOG_FILE}.tmp"));
        {
            let mut out = File::create(&tmp).map_err(io(&tmp))?;
            let mut buf = Vec::new();
            for (key, obj) in &replayed.objects {
                let rv = obj
                    .get("metadata")
                    .and_then(|m| m.get("resourceVersion"))
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0);
                buf.extend(record(rv, "put", key, Some(obj)));
            }
            buf.extend(record(replayed.rv, "mark", &Key::new("", "", "", ""), None));
            out.write_all(&buf).map_err(io(&tmp))?;
            out.sync_all().map_err(io(&tmp))?;
        }
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        if let Ok(d) = File::open(dir) {
            // Makes the rename itself durable; not all platforms allow fsync on directories.
            let _ = d.sync_all();
        }
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        Ok((Log { path, file }, replayed))
    }

    fn append(&mut self, line: Vec<u8>) -> Result<(), ApiError> {
        let fail = |e: std::io::Error| {
            ApiError::internal(format!("persisting to {}: {e}", self.path.display()))
        };
        self.file.write_all(&line).map_err(fail)?;
        self.file.sync_data().map_err(fail)
    }

    /// Appends an object write.
    pub(crate) fn append_put(&mut self, rv: u64, key: &Key, obj: &Value) -> Result<(), ApiError> {
        self.append(record(rv, "put", key, Some(obj)))
    }

    /// Appends a deletion.
    pub(crate) fn append_delete(&mut self, rv: u64, key: &Key) -> Result<(), ApiError> {
        self.append(record(rv, "delete", key, None))
    }
}

fn record(rv: u64, op: &str, key: &Key, obj: Option<&Value>) -> Vec<u8> {
    let mut v = json!({"rv": rv, "op": op, "key": key});
    if let Some(o) = obj {
        v["object"] = o.clone();
    }
    let mut line = serde_json::to_vec(&v).unwrap_or_default();
    line.push(b'\n');
    line
}

fn replay(path: &Path) -> Result<Replayed, Error> {
    let file = File::open(path).map_err(|source| Error::Persistence {
        path: path.to_path_buf(),
        source,
    })?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|source| Error::Persistence {
            path: path.to_path_buf(),
            source,
        })?;
    let mut objects = std::collections::BTreeMap::new();
    let mut rv = 0;
    let last = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        #[derive(serde::Deserialize)]
        struct Rec {
            rv: u64,
            op: String,
            key: Key,
            #[serde(default)]
            object: Option<Value>,
        }
        let rec: Rec = match serde_json::from_str(line) {
            Ok(r) => r,
            // Only the final line can be torn by a crash, and it was never acknowledged.
            Err(_) if i + 1 == last => break,
            Err(source) => {
                return Err(Error::CorruptLog {
                    path: path.to_path_buf(),
                    line: i + 1,
                    source,
                });
            }
        };
        rv = rv.max(rec.rv);
        match (rec.op.as_str(), rec.object) {
            ("put", Some(obj)) => {
                objects.insert(rec.key, obj);
            }
            ("delete", _) => {
                objects.remove(&rec.key);
            }
            _ => {}
        }
    }
    Ok(Replayed {
        objects: objects.into_iter().collect(),
        rv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_restores_objects_and_version_and_drops_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut log, r) = Log::open(dir.path()).unwrap();
            assert_eq!(r.rv, 0);
            let k = Key::new("", "configmaps", "default", "a");
            log.append_put(
                1,
                &k,
                &json!({"metadata": {"name": "a", "resourceVersion": "1"}}),
            )
            .unwrap();
            log.append_put(2, &Key::new("", "configmaps", "default", "b"), &json!({}))
                .unwrap();
            log.append_delete(3, &Key::new("", "configmaps", "default", "b"))
                .unwrap();
        }
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(LOG_FILE))
            .unwrap();
        f.write_all(b"{\"rv\":4,\"op\":\"pu").unwrap();
        drop(f);
        let (_, r) = Log::open(dir.path()).unwrap();
        assert_eq!(r.rv, 3);
        assert_eq!(r.objects.len(), 1);
        assert_eq!(r.objects[0].0.name, "a");
        // After compaction the version survives even though the deleting record is gone.
        let (_, r) = Log::open(dir.path()).unwrap();
        assert_eq!(r.rv, 3);
    }
}

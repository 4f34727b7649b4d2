//! The user's values flags, merged as `helm template`/`install` merges them
//! (`pkg/cli/values/options.go` `MergeValues`): `-f` files in order (deep
//! merge), then `--set-json`, `--set`, `--set-string`, `--set-file`,
//! `--set-literal`, each flag's arguments in order.

use charthouse_goyaml::{Map, Value, load_values, merge_maps};

use crate::error::{Error, Result, go_path_error};
use crate::strvals;

/// The values flags of one command line, in the order given per flag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValuesOptions {
    /// `-f/--values`: paths (or `-` for standard input).
    pub value_files: Vec<String>,
    /// `--set-string` arguments.
    pub string_values: Vec<String>,
    /// `--set` arguments.
    pub values: Vec<String>,
    /// `--set-file` arguments (`key=path`).
    pub file_values: Vec<String>,
    /// `--set-json` arguments (`key=json` or a JSON object).
    pub json_values: Vec<String>,
    /// `--set-literal` arguments.
    pub literal_values: Vec<String>,
}

/// Reads a `-f` or `--set-file` source; the error is Go's text for it.
pub type SourceReader<'a> = dyn FnMut(&str) -> std::result::Result<Vec<u8>, String> + 'a;

/// helm's `readFile` for local sources: `-` (after trimming spaces) is
/// standard input, anything else a path read as is.
///
/// # Errors
/// Go's text, e.g. `open x.yaml: no such file or directory`.
pub fn read_local_source(path: &str) -> std::result::Result<Vec<u8>, String> {
    if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| go_path_error("read", "/dev/stdin", &e))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| go_path_error("open", path, &e))
}

impl ValuesOptions {
    /// `MergeValues` reading sources from the local disk and stdin.
    ///
    /// # Errors
    /// As [`ValuesOptions::merge_with`].
    pub fn merge(&self) -> Result<Map> {
        self.merge_with(&mut read_local_source)
    }

    /// `MergeValues` with a caller-supplied reader for `-f` and
    /// `--set-file` sources (URLs, tests).
    ///
    /// # Errors
    /// [`Error::ReadValuesFile`], [`Error::ParseValues`], [`Error::SetJson`],
    /// [`Error::SetJsonObject`] and [`Error::SetValue`], worded as helm.
    pub fn merge_with(&self, read: &mut SourceReader<'_>) -> Result<Map> {
        let mut base = Map::new();
        for file in &self.value_files {
            let raw = read(file).map_err(|message| Error::ReadValuesFile {
                file: file.clone(),
                message,
            })?;
            let current = load_values(&raw).map_err(|source| Error::ParseValues {
                file: file.clone(),
                source,
            })?;
            base = merge_maps(base, current);
        }
        for value in &self.json_values {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                match charthouse_goyaml::json_unmarshal(trimmed.as_bytes()) {
                    Ok(Value::Map(m)) => base = merge_maps(base, m),
                    Ok(Value::Null) => {}
                    Ok(_) => {
                        return Err(Error::SetJsonObject {
                            value: value.clone(),
                            message: "not a JSON object".to_owned(),
                        });
                    }
                    Err(e) => {
                        return Err(Error::SetJsonObject {
                            value: value.clone(),
                            message: e.to_string(),
                        });
                    }
                }
            } else if let Err(message) = strvals::parse_json(value, &mut base) {
                return Err(Error::SetJson {
                    value: value.clone(),
                    message,
                });
            }
        }
        fn set_err(flag: &'static str, value: &str) -> impl FnOnce(String) -> Error + use<> {
            let value = value.to_owned();
            move |message: String| Error::SetValue {
                flag,
                value,
                message,
            }
        }
        for value in &self.values {
            strvals::parse_into(value, &mut base).map_err(set_err("--set", value))?;
        }
        for value in &self.string_values {
            strvals::parse_into_string(value, &mut base).map_err(set_err("--set-string", value))?;
        }
        for value in &self.file_values {
            let mut reader = |path: &str| -> std::result::Result<String, String> {
                let bytes = read(path)?;
                Ok(go_string(bytes))
            };
            strvals::parse_into_file(value, &mut base, &mut reader)
                .map_err(set_err("--set-file", value))?;
        }
        for value in &self.literal_values {
            strvals::parse_literal_into(value, &mut base)
                .map_err(set_err("--set-literal", value))?;
        }
        Ok(base)
    }
}

/// Go's `string(bytes)`: invalid UTF-8 is kept in Go; we replace it with
/// U+FFFD, which is what Go prints for it anyway.
fn go_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

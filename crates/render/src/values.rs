//! The user's values from the command line, merged as helm's `values.Options.MergeValues`
//! does (pkg/cli/values/options.go): `-f` files in order, then `--set-json`, `--set`,
//! `--set-string`, `--set-file`, `--set-literal`.

use charthouse_goyaml::Map;

use crate::error::Error;

/// The values flags of `helm template`/`install`/`lint`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueOptions {
    /// `-f/--values` files (`-` reads stdin).
    pub files: Vec<String>,
    /// `--set-json` arguments.
    pub json: Vec<String>,
    /// `--set` arguments.
    pub set: Vec<String>,
    /// `--set-string` arguments.
    pub string: Vec<String>,
    /// `--set-file` arguments.
    pub file: Vec<String>,
    /// `--set-literal` arguments.
    pub literal: Vec<String>,
}

fn read_file(path: &str) -> Result<Vec<u8>, String> {
    if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| e.to_string())?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| go_path_error(path, &e))
}

/// Go's `*os.PathError` text for a failed open.
fn go_path_error(path: &str, e: &std::io::Error) -> String {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => e.to_string(),
    };
    format!("open {path}: {why}")
}

impl ValueOptions {
    /// Merges the values in helm's order.
    ///
    /// # Errors
    ///
    /// [`Error::LoadValues`] with helm's message for an unreadable or invalid file or a
    /// malformed `--set*` argument.
    pub fn merge(&self) -> Result<Map, Error> {
        let fail = |message: String| Error::LoadValues { message };
        let mut base = Map::new();
        for path in &self.files {
            let raw = read_file(path).map_err(fail)?;
            let current = charthouse_goyaml::load_values(&raw)
                .map_err(|e| fail(format!("failed to parse {path}: {e}")))?;
            base = charthouse_goyaml::merge_maps(base, current);
        }
        for value in &self.json {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let m = charthouse_goyaml::json_unmarshal_map(trimmed.as_bytes());
                match m {
                    (m, None) => base = charthouse_goyaml::merge_maps(base, m.unwrap_or_default()),
                    (_, Some(_)) => {
                        return Err(fail(format!(
                            "failed parsing --set-json data JSON: {value}"
                        )));
                    }
                }
            } else if charthouse_chart::strvals::parse_json(value, &mut base).is_err() {
                return Err(fail(format!("failed parsing --set-json data {value}")));
            }
        }
        for value in &self.set {
            charthouse_chart::strvals::parse_into(value, &mut base)
                .map_err(|e| fail(format!("failed parsing --set data: {e}")))?;
        }
        for value in &self.string {
            charthouse_chart::strvals::parse_into_string(value, &mut base)
                .map_err(|e| fail(format!("failed parsing --set-string data: {e}")))?;
        }
        for value in &self.file {
            let mut reader =
                |p: &str| read_file(p).map(|b| String::from_utf8_lossy(&b).into_owned());
            charthouse_chart::strvals::parse_into_file(value, &mut base, &mut reader)
                .map_err(|e| fail(format!("failed parsing --set-file data: {e}")))?;
        }
        for value in &self.literal {
            charthouse_chart::strvals::parse_literal_into(value, &mut base)
                .map_err(|e| fail(format!("failed parsing --set-literal data: {e}")))?;
        }
        Ok(base)
    }
}

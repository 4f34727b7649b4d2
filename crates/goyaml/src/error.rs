//! The crate's one error type.
//!
//! Each variant names the pipeline step that failed. `Display` prints the
//! exact text helm's Go code would print for the same input (helm shows
//! these strings to users and templates embed them, e.g. `fromYaml` puts
//! them under the `Error` key), so wrapped causes are part of the message
//! and not exposed again through `source()`.

/// Errors from reading or writing YAML, JSON and TOML the way helm does.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// yaml.v2 could not parse or decode the YAML text (`yaml: line 3: ...`).
    /// `line` is the number yaml.v2 prints (it is 0-based for parser errors,
    /// a libyaml port quirk we keep); `column` is 1-based.
    #[error("{message}")]
    ParseYaml {
        /// The yaml.v2 message, starting with `yaml: `.
        message: String,
        /// The line yaml.v2 reports, if any.
        line: Option<usize>,
        /// The 1-based column of the problem, if known.
        column: Option<usize>,
    },
    /// sigs.k8s.io/yaml could not turn the YAML into JSON (YAML syntax, an
    /// unsupported key, or a value JSON cannot hold such as `.inf`).
    #[error("error converting YAML to JSON: {message}")]
    YamlToJson {
        /// The inner message, e.g. `yaml: line 3: mapping values are not allowed in this context`.
        message: String,
        /// The line yaml.v2 reports, if any.
        line: Option<usize>,
        /// The 1-based column of the problem, if known.
        column: Option<usize>,
    },
    /// sigs.k8s.io/yaml decoded valid JSON into a Go type that does not fit
    /// (a list where helm wants a map, ...).
    #[error("error unmarshaling JSON: while decoding JSON: {message}")]
    JsonToGo {
        /// The encoding/json message.
        message: String,
    },
    /// encoding/json could not decode the text (`invalid character ...`).
    #[error("{message}")]
    DecodeJson {
        /// The encoding/json message.
        message: String,
        /// Byte offset of the problem in the input.
        offset: usize,
    },
    /// encoding/json refused a value (`json: unsupported value: NaN`).
    #[error("{message}")]
    EncodeJson {
        /// The encoding/json message.
        message: String,
    },
    /// sigs.k8s.io/yaml.Marshal failed: JSON encoding or the JSON-to-YAML step.
    #[error("{message}")]
    MarshalYaml {
        /// The whole Go message, e.g. `error marshaling into JSON: json: unsupported value: NaN`.
        message: String,
    },
    /// k8s.io/apimachinery's YAMLReader could not split a values stream.
    #[error("error reading yaml document: {message}")]
    SplitDocuments {
        /// The reader's message.
        message: String,
        /// 1-based line of the offending separator.
        line: usize,
    },
    /// One document of a values stream failed to decode (helm's `LoadValues`).
    #[error("cannot unmarshal yaml document: {inner}")]
    ValuesDocument {
        /// The 0-based index of the document in the stream.
        index: usize,
        /// What went wrong in that document.
        inner: Box<Error>,
    },
    /// BurntSushi/toml could not parse the TOML text.
    #[error("{message}")]
    ParseToml {
        /// The message.
        message: String,
        /// 1-based line, if known.
        line: Option<usize>,
        /// 1-based column, if known.
        column: Option<usize>,
    },
    /// BurntSushi/toml could not encode the value.
    #[error("{message}")]
    EncodeToml {
        /// The message.
        message: String,
    },
}

impl Error {
    /// A stable CamelCase label for metrics and condition reasons.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::ParseYaml { .. } => "ParseYaml",
            Error::YamlToJson { .. } => "YamlToJson",
            Error::JsonToGo { .. } => "JsonToGo",
            Error::DecodeJson { .. } => "DecodeJson",
            Error::EncodeJson { .. } => "EncodeJson",
            Error::MarshalYaml { .. } => "MarshalYaml",
            Error::SplitDocuments { .. } => "SplitDocuments",
            Error::ValuesDocument { .. } => "ValuesDocument",
            Error::ParseToml { .. } => "ParseToml",
            Error::EncodeToml { .. } => "EncodeToml",
        }
    }

    /// The line of the problem as helm reports it, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::ParseYaml { line, .. }
            | Error::YamlToJson { line, .. }
            | Error::ParseToml { line, .. } => *line,
            Error::SplitDocuments { line, .. } => Some(*line),
            Error::ValuesDocument { inner, .. } => inner.line(),
            _ => None,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

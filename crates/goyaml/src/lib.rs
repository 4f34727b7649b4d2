//! YAML, JSON and TOML exactly as helm v4 reads and writes them.
//!
//! Helm reads values files, `fromYaml` input and manifests with
//! sigs.k8s.io/yaml (yaml.v2's YAML 1.1 rules, then a JSON round trip that
//! makes every number a float64) and writes `toYaml` with the same library
//! (encoding/json, then yaml.v2's emitter). This crate reproduces those
//! pipelines byte for byte, one function per Go call, including the error
//! messages helm prints. It knows nothing of templates: its [`Value`] is
//! what a Go `interface{}` holds, and the `funcs` crate converts to it.
//!
//! ```
//! use charthouse_goyaml::helm::{to_json, to_yaml};
//! use charthouse_goyaml::{Value, load_values};
//!
//! let values = load_values(b"port: 0x1F\nenabled: on\nname: '010'\n").unwrap();
//! assert_eq!(values["port"], Value::Float(31.0));
//! assert_eq!(values["enabled"], Value::Bool(true));
//! let map = Value::Map(values);
//! assert_eq!(to_yaml(&map), "enabled: true\nname: \"010\"\nport: 31");
//! assert_eq!(to_json(&map), r#"{"enabled":true,"name":"010","port":31}"#);
//!
//! let err = load_values(b"a: 1\nb: c: d\n").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "cannot unmarshal yaml document: error converting YAML to JSON: \
//!      yaml: line 2: mapping values are not allowed in this context"
//! );
//! ```
//!
//! # Pipelines
//! - Reading: [`unmarshal`], [`unmarshal_map`], [`unmarshal_seq`]
//!   (sigs.k8s.io/yaml `Unmarshal`), [`load_values`] (helm `LoadValues`),
//!   [`unmarshal_keep_numbers`] + [`string_field`] for Go structs with
//!   string fields (Chart.yaml).
//! - Writing: [`marshal`] (sigs.k8s.io/yaml `Marshal`), [`json_marshal`],
//!   [`json_marshal_indent`], [`json_marshal_raw`].
//! - JSON reading: [`json_unmarshal`], [`json_unmarshal_map`],
//!   [`json_unmarshal_seq`].
//! - yaml.v3 (`toYamlPretty`): [`marshal_pretty`].
//! - TOML: [`toml_encode`], [`toml_decode`] (BurntSushi/toml).
//! - Helm's template functions with their error conventions: [`helm`].

mod compose;
mod decode;
mod emit;
mod error;
mod fast;
mod gofmt;
pub mod helm;
mod json;
mod json_decode;
mod json_encode;
mod pretty;
mod resolve;
mod sigs;
mod sort;
mod timestamp;
mod toml;
mod value;
mod values;
mod yaml_out;

pub use error::{Error, Result};
pub use gofmt::json_float;
pub use json::{
    json_marshal, json_marshal_indent, json_marshal_raw, json_unmarshal, json_unmarshal_map,
    json_unmarshal_seq,
};
pub use pretty::marshal_pretty;
pub use sigs::{
    marshal, string_field, unmarshal, unmarshal_keep_numbers, unmarshal_map, unmarshal_seq,
};
pub use toml::{toml_decode, toml_encode};
pub use value::{Map, Value};
pub use values::{load_values, merge_maps};

/// The two YAML readers behind [`unmarshal`], one at a time, for differential
/// tests and fuzzing.
///
/// Reading goes through a fast reader for the common subset of YAML first and
/// falls back to libyaml for everything else; both must agree wherever the
/// fast one answers. These give yaml.v2's value before sigs.k8s.io/yaml's JSON
/// step (see [`unmarshal_keep_numbers`]).
pub mod testing {
    use crate::{Result, Value};

    /// The fast reader: `None` when the input is outside its subset.
    pub fn fast_decode(yaml: &[u8]) -> Option<Value> {
        crate::fast::decode(yaml)
    }

    /// The libyaml reader, with yaml.v2's exact errors.
    ///
    /// # Errors
    /// As [`crate::unmarshal_keep_numbers`].
    pub fn libyaml_decode(yaml: &[u8]) -> Result<Value> {
        crate::sigs::libyaml_decode(yaml).map_err(crate::sigs::yaml_to_json_error)
    }
}

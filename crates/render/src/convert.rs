//! Values decoded by `goyaml` (what Go's `interface{}` holds after helm reads YAML)
//! as template values.

use std::collections::BTreeMap;
use std::sync::Arc;

use charthouse_gotmpl::{Map, Value};
use charthouse_goyaml::Value as Yaml;

/// helm's `common.Values` type name: `.Values`, `.Template` and the top-level object.
pub const VALUES_TYPE: &str = "common.Values";

/// A decoded YAML value as a template value (`map[string]interface {}`,
/// `[]interface {}`, `float64`, ...).
pub fn to_value(v: &Yaml) -> Value {
    match v {
        Yaml::Null => Value::Nil,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Int(i) => Value::int64(*i),
        Yaml::Uint(u) => Value::uint64(*u),
        Yaml::Float(f) => Value::float(*f),
        Yaml::String(s) => Value::string(s.as_str()),
        Yaml::Seq(items) => Value::list(items.iter().map(to_value).collect()),
        Yaml::Map(m) => Value::map(map_entries(m)),
    }
}

fn map_entries(m: &charthouse_goyaml::Map) -> BTreeMap<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()
}

/// A decoded map as a `common.Values`.
pub fn to_values(m: &charthouse_goyaml::Map) -> Value {
    Value::Map(Arc::new(Map::named(VALUES_TYPE, map_entries(m))))
}

/// Re-types a template map as `common.Values` (helm's `Values.Table` result). The
/// result is the same Go map (a conversion, not a copy): a subchart's `set` on its
/// `.Values` is seen in the parent's `.Values.<subchart>`, as in helm.
pub fn as_values(v: &Value) -> Option<Value> {
    let m = v.as_map()?;
    Some(Value::Map(Arc::new(m.converted(
        charthouse_gotmpl::GoType::Interface,
        Some(VALUES_TYPE),
    ))))
}

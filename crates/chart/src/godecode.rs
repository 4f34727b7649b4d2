//! Decoding YAML into helm's Go structs the way sigs.k8s.io/yaml does it:
//! YAML scalars bound for a Go `string` field become strings first
//! (`yamlToJSONTarget`: ints in decimal, floats with
//! `FormatFloat(f, 'g', -1, 32)`, booleans as `true`/`false`), then
//! encoding/json fills the struct, matching keys case-insensitively and
//! keeping the first type error it meets, which it words as
//! `json: cannot unmarshal <kind> into Go struct field .<path> of type <type>`.

use charthouse_goyaml::{Map, Value};

use crate::gofmt::format_float_g;

/// The first type error, kept while decoding goes on (encoding/json does the same).
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    pub(crate) error: Option<String>,
    /// The document's text, to tell a YAML int from an integral float
    /// for top-level keys (see [`yaml_number_as_string`]).
    pub(crate) raw: Option<String>,
}

/// encoding/json's name for a JSON value's kind.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

impl Decoder {
    fn type_error(&mut self, v: &Value, path: &str, go_type: &str) {
        if self.error.is_none() {
            self.error = Some(format!(
                "json: cannot unmarshal {} into Go struct field .{path} of type {go_type}",
                json_kind(v)
            ));
        }
    }

    /// A Go `string` field. `None` means JSON null or a type error (field untouched).
    pub(crate) fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Uint(u) => Some(u.to_string()),
            Value::Float(f) => {
                let float_literal = !path.contains('.')
                    && self
                        .raw
                        .as_deref()
                        .and_then(|raw| top_level_literal(raw, path))
                        .is_some_and(|lit| lit.contains(['.', 'e', 'E']) && !lit.starts_with("0x"));
                if float_literal {
                    Some(format_float_g(*f, true))
                } else {
                    Some(yaml_number_as_string(*f))
                }
            }
            other => {
                self.type_error(other, path, "string");
                None
            }
        }
    }

    /// A Go `bool` field.
    pub(crate) fn bool(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            other => {
                self.type_error(other, path, "bool");
                None
            }
        }
    }

    /// A Go `[]string` field.
    pub(crate) fn strings(&mut self, v: &Value, path: &str) -> Option<Vec<String>> {
        match v {
            Value::Null => None,
            Value::Seq(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        self.string(item, &format!("{path}.{i}"))
                            .unwrap_or_default()
                    })
                    .collect(),
            ),
            other => {
                self.type_error(other, path, "[]string");
                None
            }
        }
    }

    /// A Go `map[string]string` field.
    pub(crate) fn string_map(&mut self, v: &Value, path: &str) -> Option<Vec<(String, String)>> {
        match v {
            Value::Null => None,
            Value::Map(m) => Some(
                m.iter()
                    .map(|(k, item)| {
                        let s = self
                            .string(item, &format!("{path}.{k}"))
                            .unwrap_or_default();
                        (k.clone(), s)
                    })
                    .collect(),
            ),
            other => {
                self.type_error(other, path, "map[string]string");
                None
            }
        }
    }

    /// A Go `[]any` field: the values as JSON decoding leaves them.
    pub(crate) fn any_list(&mut self, v: &Value, path: &str) -> Option<Vec<Value>> {
        match v {
            Value::Null => None,
            Value::Seq(items) => Some(items.clone()),
            other => {
                self.type_error(other, path, "[]interface {}");
                None
            }
        }
    }

    /// A Go `[]*T` field of structs: each element is decoded by `each`
    /// (`None` for a JSON null element, a nil pointer in Go).
    pub(crate) fn struct_list<T>(
        &mut self,
        v: &Value,
        path: &str,
        go_type: &str,
        mut each: impl FnMut(&mut Decoder, &Map, &str) -> T,
    ) -> Option<Vec<Option<T>>> {
        match v {
            Value::Null => None,
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}.{i}");
                    match item {
                        Value::Null => out.push(None),
                        Value::Map(m) => out.push(Some(each(self, m, &p))),
                        other => {
                            self.type_error(other, &p, go_type);
                            out.push(None);
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.type_error(other, path, &format!("[]*{go_type}"));
                None
            }
        }
    }
}

/// The string sigs.k8s.io/yaml makes of a YAML number bound for a string field.
///
/// goyaml hands us numbers after helm's JSON step, where YAML ints and
/// floats are both float64. An integral value is printed as the YAML int it
/// almost always was (`version: 20231231` stays `20231231`); other values as
/// yaml.v2's float64 narrowed to float32, as sigs.k8s.io/yaml does
/// (`appVersion: 1.10` becomes `1.1`). For top-level keys the decoder looks
/// at the literal to spot floats like `7.2445e+06`; elsewhere an integral
/// float of at least 1e6 written with a fraction (`12345678.0`) prints
/// `12345678` here but `1.2345678e+07` in helm.
fn yaml_number_as_string(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        format!("{}", f as i64)
    } else {
        format_float_g(f, true)
    }
}

/// The plain scalar text of a top-level `key: value` line, if the document
/// has one (quotes, flow collections and block scalars are not numbers).
fn top_level_literal<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    raw.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?;
        let rest = rest.trim_start_matches([' ', '\t']).strip_prefix(':')?;
        let value = rest.split(" #").next().unwrap_or(rest).trim();
        (!value.is_empty()).then_some(value)
    })
}

/// Finds a struct field for a JSON key: exact match first, then ASCII
/// case-insensitive, as encoding/json does.
pub(crate) fn field_for<'a>(key: &str, fields: &[&'a str]) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| **f == key)
        .or_else(|| fields.iter().find(|f| f.eq_ignore_ascii_case(key)))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_strings() {
        assert_eq!(yaml_number_as_string(1.0), "1");
        assert_eq!(yaml_number_as_string(1.1), "1.1");
        assert_eq!(yaml_number_as_string(20231231.0), "20231231");
        assert_eq!(yaml_number_as_string(0.1), "0.1");
    }

    #[test]
    fn first_error_wins() {
        let mut d = Decoder::default();
        d.bool(&Value::String("yes".into()), "deprecated");
        d.string(&Value::Seq(vec![]), "name");
        assert_eq!(
            d.error.as_deref(),
            Some("json: cannot unmarshal string into Go struct field .deprecated of type bool")
        );
    }
}

//! helm's `-o json|yaml` output of lists of records (`output.EncodeJSON` keeps the Go
//! struct's field order and escapes `<`, `>`, `&`; `output.EncodeYAML` goes through
//! sigs.k8s.io/yaml, which sorts keys).

use charthouse_goyaml::{Map, Value};

/// One record: field name and string value, in struct order.
pub type Record = Vec<(&'static str, String)>;

/// JSON array of the records plus the encoder's newline.
pub fn to_json(records: &[Record]) -> String {
    let mut out = String::from("[");
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        for (j, (k, v)) in r.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let key = charthouse_goyaml::json_marshal(&Value::String((*k).to_owned()))
                .unwrap_or_default();
            let val =
                charthouse_goyaml::json_marshal(&Value::String(v.clone())).unwrap_or_default();
            out.push_str(&key);
            out.push(':');
            out.push_str(&val);
        }
        out.push('}');
    }
    out.push_str("]\n");
    out
}

/// YAML list of the records (sorted keys), as helm prints it.
pub fn to_yaml(records: &[Record]) -> String {
    let list = Value::Seq(
        records
            .iter()
            .map(|r| {
                Value::Map(
                    r.iter()
                        .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
                        .collect::<Map>(),
                )
            })
            .collect(),
    );
    charthouse_goyaml::marshal(&list).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_keeps_field_order_and_escapes_html() {
        let r = vec![vec![("name", "a<b".to_owned()), ("url", "u".to_owned())]];
        assert_eq!(
            super::to_json(&r),
            "[{\"name\":\"a\\u003cb\",\"url\":\"u\"}]\n"
        );
        assert_eq!(super::to_json(&[]), "[]\n");
        assert_eq!(super::to_yaml(&r), "- name: a<b\n  url: u\n");
    }
}

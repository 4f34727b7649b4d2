//! Helm's `loader.LoadValues` (`pkg/chart/v2/loader/load.go`): a values
//! stream is split into documents by k8s.io/apimachinery's `YAMLReader`
//! (lines starting with `---`), each document is read with
//! sigs.k8s.io/yaml into a map, and the maps are deep-merged in order.

use crate::error::{Error, Result};
use crate::sigs::unmarshal_map;
use crate::value::{Map, Value};

/// One document of a stream and the 1-based line it starts on.
struct Chunk<'a> {
    text: &'a [u8],
}

/// `YAMLReader.Read` over the whole input: a line whose first three bytes
/// are `---` ends the current document (and is dropped); only spaces or a
/// `#` comment may follow it. Empty documents are skipped.
fn split(input: &[u8]) -> Result<Vec<Chunk<'_>>> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let mut line_no = 0;
    while pos < input.len() {
        line_no += 1;
        let end = input[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |i| pos + i + 1);
        let line = &input[pos..end];
        if line.starts_with(b"---") {
            let rest = String::from_utf8_lossy(&line[3..]);
            let trimmed = rest.trim_matches(|c: char| c.is_whitespace());
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(Error::SplitDocuments {
                    message: format!("invalid Yaml document separator: {trimmed}"),
                    line: line_no,
                });
            }
            if pos > start {
                docs.push(Chunk {
                    text: &input[start..pos],
                });
            }
            start = end;
        }
        pos = end;
    }
    if input.len() > start {
        docs.push(Chunk {
            text: &input[start..],
        });
    }
    Ok(docs)
}

/// Helm's `MergeMaps`: values from `b` win, nested maps merge.
pub fn merge_maps(mut a: Map, b: Map) -> Map {
    if a.is_empty() {
        return b;
    }
    for (k, v) in b {
        match (a.remove(&k), v) {
            (Some(Value::Map(av)), Value::Map(bv)) => {
                a.insert(k, Value::Map(merge_maps(av, bv)));
            }
            (_, v) => {
                a.insert(k, v);
            }
        }
    }
    a
}

/// Helm's `loader.LoadValues`: reads a chart's `values.yaml` or a `-f`
/// file, which may hold several YAML documents, into one map.
///
/// # Errors
/// [`Error::SplitDocuments`] for a `---` line followed by anything but a
/// comment, and [`Error::ValuesDocument`] wrapping the first document that
/// does not decode to a map (line numbers count from that document's start,
/// as in helm).
pub fn load_values(input: &[u8]) -> Result<Map> {
    // helm appends a final newline so YAMLReader never drops the last line.
    let owned;
    let input = if input.last().is_some_and(|&b| b != b'\n') {
        owned = [input, b"\n"].concat();
        &owned[..]
    } else {
        input
    };
    let mut values = Map::new();
    for (index, chunk) in split(input)?.into_iter().enumerate() {
        let doc = unmarshal_map(chunk.text).map_err(|e| Error::ValuesDocument {
            index,
            inner: Box::new(e),
        })?;
        values = merge_maps(values, doc);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_merge() {
        // `y` is a YAML 1.1 boolean, so that key is "true".
        let m = load_values(b"a: {x: 1, y: 2}\n---\na: {y: 3}\nb: 1\n").unwrap();
        let a = m["a"].as_map().unwrap();
        assert_eq!(a["x"], Value::Float(1.0));
        assert_eq!(a["true"], Value::Float(3.0));
        assert_eq!(m["b"], Value::Float(1.0));
    }

    #[test]
    fn bad_separator() {
        let e = load_values(b"a: 1\n--- b: 2\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "error reading yaml document: invalid Yaml document separator: b: 2"
        );
    }
}

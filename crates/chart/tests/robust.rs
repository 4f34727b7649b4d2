//! Untrusted input never panics: property tests over the parsers that see
//! user data (strvals, archives, `.helmignore`, Chart.yaml, schemas).

use charthouse_chart::{
    File, Rules, load_archive, load_files, strvals, validate_against_single_schema,
};
use charthouse_goyaml::{Map, Value};
use proptest::prelude::*;

/// A gzipped tar with the given entries, so mutations start from valid archives.
fn tgz(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        // Raw name bytes: the tar crate refuses `..` and absolute paths,
        // which are exactly what the loader must reject itself.
        let raw_name = name.as_bytes();
        let n = raw_name.len().min(99);
        header.as_old_mut().name[..n].copy_from_slice(&raw_name[..n]);
        header.set_cksum();
        builder.append(&header, data.as_slice()).unwrap();
    }
    let raw = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &raw).unwrap();
    gz.finish().unwrap()
}

fn set_chars() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-c0-9=,.\\[\\]{}\\\\\" -]{0,24}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn strvals_never_panic(s in set_chars()) {
        let mut m = Map::new();
        let _ = strvals::parse_into(&s, &mut m);
        let _ = strvals::parse_into_string(&s, &mut m);
        let _ = strvals::parse_json(&s, &mut m);
        let _ = strvals::parse_literal_into(&s, &mut m);
        let _ = strvals::parse_into_file(&s, &mut m, &mut |p: &str| Ok(p.to_owned()));
    }

    #[test]
    fn strvals_any_unicode(s in "\\PC{0,16}") {
        let mut m = Map::new();
        let _ = strvals::parse_into(&s, &mut m);
        let _ = strvals::parse_json(&s, &mut m);
    }

    #[test]
    fn helmignore_never_panics(text in "[a-z/*?!\\[\\]^\\\\.# -]{0,20}", path in "[a-z/.]{0,12}") {
        if let Ok(mut rules) = Rules::parse(text.as_bytes()) {
            rules.add_defaults();
            let _ = rules.ignore(&path, false);
            let _ = rules.ignore(&path, true);
        }
    }

    #[test]
    fn archives_never_panic(
        names in proptest::collection::vec("[a-z./\\\\]{1,12}", 1..4),
        flip in any::<usize>(),
        byte in any::<u8>(),
    ) {
        let mut entries: Vec<(String, Vec<u8>)> = names.into_iter().map(|n| (n, b"x: 1\n".to_vec())).collect();
        entries.push(("c/Chart.yaml".into(), b"apiVersion: v2\nname: c\nversion: 1.0.0\n".to_vec()));
        let mut data = tgz(&entries);
        let _ = load_archive(&data);
        let i = flip % data.len();
        data[i] ^= byte;
        let _ = load_archive(&data);
        data.truncate(i);
        let _ = load_archive(&data);
    }

    #[test]
    fn chart_yaml_never_panics(text in "[a-zA-Z0-9:\\[\\]{}\\-\n ,.'\"]{0,60}") {
        let _ = load_files(vec![File { name: "Chart.yaml".into(), data: text.into_bytes() }]);
    }

    #[test]
    fn schema_never_panics(schema in "[a-z0-9:\\[\\]{}\",$#/ ]{0,60}", n in any::<i64>()) {
        let mut values = Map::new();
        values.insert("a".into(), Value::Int(n));
        let _ = validate_against_single_schema(&values, schema.as_bytes());
        let with_keywords = format!(
            "{{\"properties\": {{\"a\": {{\"$ref\": \"#/x\", \"minimum\": {n}, \"pattern\": \"(\"}}}}, \"x\": {schema}}}"
        );
        let _ = validate_against_single_schema(&values, with_keywords.as_bytes());
    }
}

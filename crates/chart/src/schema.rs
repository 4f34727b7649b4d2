//! Values validation against each chart's `values.schema.json`, as helm v4
//! does it (`pkg/chart/common/util/jsonschema.go`) with
//! santhosh-tekuri/jsonschema v6: the same keyword order, the same error
//! tree (a subschema with several failures becomes `validation failed`
//! with nested causes, a single failure is reported alone, `$ref` wrappers
//! with one cause are invisible) and the same messages
//! (`- at '/replicas': got string, want integer`).
//!
//! Caveats: `format`, `content*`, `unevaluated*` and `$dynamicRef` are not
//! asserted (helm never enables format assertions for 2019+ drafts), only
//! `#...` references inside the same document resolve (others accept
//! everything), and where helm's output order follows Go map iteration
//! (several failing properties) it is random in helm; we use key order.

use charthouse_goyaml::{Map, Value};

use crate::chart::Chart;
use crate::error::{Error, Result};
use crate::gofmt::format_float_g;
use crate::schema_pattern::Patterns;

/// One failure in tekuri's error tree.
#[derive(Debug, Clone)]
struct VError {
    location: Vec<String>,
    message: String,
    /// A `$ref` wrapper: hidden when it has exactly one cause.
    reference: bool,
    /// tekuri's `Group` kind: several failures of one subschema.
    group: bool,
    causes: Vec<VError>,
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

struct Validator<'a> {
    root: &'a Value,
    draft: Draft,
    depth: usize,
    patterns: Patterns,
}

const MAX_DEPTH: usize = 256;

/// tekuri's `quote`: Go `%q` with `"` unescaped and `'` escaped, in single quotes.
fn quote(s: &str) -> String {
    let q = crate::metadata::go_quote(s);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

/// The instance location as a JSON pointer.
fn json_ptr(loc: &[String]) -> String {
    let mut out = String::new();
    for t in loc {
        out.push('/');
        out.push_str(&t.replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// Digits grouped by thousands, as golang.org/x/text's English printer shows numbers.
fn group(int_digits: &str) -> String {
    let (sign, digits) = match int_digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", int_digits),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A number in a localized message: `%v` through golang.org/x/text's
/// English printer, which groups digits (`1,000`) and writes exponents as
/// `1.2345678×10⁰⁷` where Go's `%v` would print `1.2345678e+07`.
fn num_text(f: f64) -> String {
    let plain = format_float_g(f, false);
    if let Some((mantissa, exp)) = plain.split_once('e') {
        let sign = if exp.starts_with('-') { "⁻" } else { "" };
        let digits: String = exp
            .trim_start_matches(['+', '-'])
            .chars()
            .map(|c| match c {
                '0' => '⁰',
                '1' => '¹',
                '2' => '²',
                '3' => '³',
                '4' => '⁴',
                '5' => '⁵',
                '6' => '⁶',
                '7' => '⁷',
                '8' => '⁸',
                _ => '⁹',
            })
            .collect();
        return format!("{mantissa}×10{sign}{digits}");
    }
    match plain.split_once('.') {
        Some((i, frac)) => format!("{}.{frac}", group(i)),
        None => group(&plain),
    }
}

fn int_text(n: usize) -> String {
    group(&n.to_string())
}

/// `display` for enum and const values (plain `%v`, no grouping).
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Seq(_) | Value::Map(_) => "value".to_owned(),
        other => crate::gofmt::sprint_v(other),
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Uint(u) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::Uint(_) => true,
        Value::Float(f) => f.fract() == 0.0,
        _ => false,
    }
}

/// JSON equality: numbers by value.
fn equals(a: &Value, b: &Value) -> bool {
    match (as_f64(a), as_f64(b)) {
        (Some(x), Some(y)) => return x == y,
        (Some(_), None) | (None, Some(_)) => return false,
        _ => {}
    }
    match (a, b) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equals(v, w)))
        }
        _ => a == b,
    }
}

fn usize_kw(s: &Map, key: &str) -> Option<usize> {
    as_f64(s.get(key)?)
        .filter(|f| *f >= 0.0)
        .map(|f| f as usize)
}

impl<'a> Validator<'a> {
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        let mut cur = self.root;
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            let token = percent_decode(&token);
            cur = match cur {
                Value::Map(m) => m.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    fn err(&self, loc: &[String], message: String) -> VError {
        VError {
            location: loc.to_vec(),
            message,
            reference: false,
            group: false,
            causes: Vec::new(),
        }
    }

    fn group(&self, loc: &[String], message: &str, causes: Vec<VError>) -> VError {
        VError {
            location: loc.to_vec(),
            message: message.to_owned(),
            reference: false,
            group: false,
            causes,
        }
    }

    /// tekuri's `validate`: `None` when `v` satisfies `schema`.
    fn validate(&mut self, schema: &Value, v: &Value, loc: &mut Vec<String>) -> Option<VError> {
        let s = match schema {
            Value::Bool(true) => return None,
            Value::Bool(false) => return Some(self.err(loc, "false schema".to_owned())),
            Value::Map(m) => m,
            _ => return None,
        };
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = self.validate_map(s, v, loc);
        self.depth -= 1;
        out
    }

    fn validate_map(&mut self, s: &Map, v: &Value, loc: &mut Vec<String>) -> Option<VError> {
        if self.draft < Draft::D2019
            && let Some(Value::String(r)) = s.get("$ref")
        {
            return self.validate_ref(r, v, loc);
        }
        // type --
        if let Some(t) = s.get("type") {
            let wants: Vec<&str> = match t {
                Value::String(x) => vec![x.as_str()],
                Value::Seq(xs) => xs.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !wants.is_empty() {
                let got = type_of(v);
                let matched = wants.contains(&got)
                    || (wants.contains(&"integer") && got == "number" && is_integer(v));
                if !matched {
                    let order = [
                        "null", "boolean", "number", "integer", "string", "array", "object",
                    ];
                    let want: Vec<&str> = order
                        .iter()
                        .copied()
                        .filter(|o| wants.contains(o))
                        .collect();
                    return Some(self.err(loc, format!("got {got}, want {}", want.join(" or "))));
                }
            }
        }
        // const --
        if self.draft >= Draft::D6
            && let Some(c) = s.get("const")
            && !equals(v, c)
        {
            let msg = match c {
                Value::Seq(_) | Value::Map(_) => "const failed".to_owned(),
                other => format!("value must be {}", display(other)),
            };
            return Some(self.err(loc, msg));
        }
        // enum --
        if let Some(Value::Seq(options)) = s.get("enum")
            && !options.iter().any(|o| equals(v, o))
        {
            let primitive = options
                .iter()
                .all(|o| !matches!(o, Value::Seq(_) | Value::Map(_)));
            let msg = if !primitive {
                "enum failed".to_owned()
            } else if options.len() == 1 {
                format!("value must be {}", display(&options[0]))
            } else {
                let shown: Vec<String> = options.iter().map(display).collect();
                format!("value must be one of {}", shown.join(", "))
            };
            return Some(self.err(loc, msg));
        }
        let mut errors: Vec<VError> = Vec::new();
        if let Some(Value::String(r)) = s.get("$ref")
            && let Some(e) = self.validate_ref(r, v, loc)
        {
            errors.push(e);
        }
        match v {
            Value::Map(obj) => self.object(s, obj, loc, &mut errors),
            Value::Seq(arr) => self.array(s, arr, loc, &mut errors),
            Value::String(text) => self.string(s, text, loc, &mut errors),
            Value::Int(_) | Value::Uint(_) | Value::Float(_) => self.number(s, v, loc, &mut errors),
            _ => {}
        }
        self.conditionals(s, v, loc, &mut errors);
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(VError {
                location: loc.to_vec(),
                message: "validation failed".to_owned(),
                reference: false,
                group: true,
                causes: errors,
            }),
        }
    }

    fn validate_ref(&mut self, r: &str, v: &Value, loc: &mut Vec<String>) -> Option<VError> {
        // The target borrows from the schema document, not from `self`: no copy per `$ref`.
        let target = self.resolve(r)?;
        let e = self.validate(target, v, loc)?;
        let causes = if e.group { e.causes } else { vec![e] };
        Some(VError {
            location: loc.clone(),
            message: "validation failed".to_owned(),
            reference: true,
            group: false,
            causes,
        })
    }

    fn child(
        &mut self,
        schema: &Value,
        v: &Value,
        loc: &mut Vec<String>,
        token: String,
    ) -> Option<VError> {
        loc.push(token);
        let e = self.validate(schema, v, loc);
        loc.pop();
        e
    }

    fn object(&mut self, s: &Map, obj: &Map, loc: &mut Vec<String>, errors: &mut Vec<VError>) {
        if let Some(min) = usize_kw(s, "minProperties")
            && obj.len() < min
        {
            errors.push(self.err(
                loc,
                format!(
                    "minProperties: got {}, want {}",
                    int_text(obj.len()),
                    int_text(min)
                ),
            ));
        }
        if let Some(max) = usize_kw(s, "maxProperties")
            && obj.len() > max
        {
            errors.push(self.err(
                loc,
                format!(
                    "maxProperties: got {}, want {}",
                    int_text(obj.len()),
                    int_text(max)
                ),
            ));
        }
        if let Some(Value::Seq(req)) = s.get("required") {
            let missing: Vec<&str> = req
                .iter()
                .filter_map(Value::as_str)
                .filter(|k| !obj.contains_key(*k))
                .collect();
            if missing.len() == 1 {
                errors.push(self.err(loc, format!("missing property {}", quote(missing[0]))));
            } else if !missing.is_empty() {
                let q: Vec<String> = missing.iter().map(|m| quote(m)).collect();
                errors.push(self.err(loc, format!("missing properties {}", q.join(", "))));
            }
        }
        if self.draft < Draft::D2019
            && let Some(Value::Map(deps)) = s.get("dependencies")
        {
            for (pname, dep) in deps {
                if !obj.contains_key(pname) {
                    continue;
                }
                match dep {
                    Value::Seq(names) => {
                        let missing: Vec<String> = names
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|k| !obj.contains_key(*k))
                            .map(quote)
                            .collect();
                        if !missing.is_empty() {
                            errors.push(self.err(
                                loc,
                                format!(
                                    "properties {} required, if {} exists",
                                    missing.join(", "),
                                    quote(pname)
                                ),
                            ));
                        }
                    }
                    schema => {
                        if let Some(e) = self.validate(schema, &Value::Map(obj.clone()), loc) {
                            errors.push(e);
                        }
                    }
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_map);
        let patterns: Vec<(&String, &Value)> = match s.get("patternProperties") {
            Some(Value::Map(pp)) => pp.iter().collect(),
            _ => Vec::new(),
        };
        let mut additional = Vec::new();
        for (pname, pvalue) in obj {
            let mut evaluated = false;
            if let Some(sch) = props.and_then(|p| p.get(pname)) {
                evaluated = true;
                if let Some(e) = self.child(sch, pvalue, loc, pname.clone()) {
                    errors.push(e);
                }
            }
            for (pattern, sch) in &patterns {
                if self.patterns.is_match(pattern, pname) == Some(true) {
                    evaluated = true;
                    if let Some(e) = self.child(sch, pvalue, loc, pname.clone()) {
                        errors.push(e);
                    }
                }
            }
            if !evaluated {
                match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => additional.push(quote(pname)),
                    Some(sch @ Value::Map(_)) => {
                        if let Some(e) = self.child(sch, pvalue, loc, pname.clone()) {
                            errors.push(e);
                        }
                    }
                    _ => {}
                }
            }
        }
        if !additional.is_empty() {
            errors.push(self.err(
                loc,
                format!(
                    "additional properties {} not allowed",
                    additional.join(", ")
                ),
            ));
        }
        if self.draft == Draft::D4 {
            return;
        }
        if let Some(names) = s.get("propertyNames") {
            for pname in obj.keys() {
                let mut sub = loc.clone();
                if let Some(e) = self.validate(names, &Value::String(pname.clone()), &mut sub) {
                    let causes = if e.group { e.causes } else { vec![e] };
                    let message = format!("invalid propertyName {}", quote(pname));
                    errors.push(self.group(loc, &message, causes));
                }
            }
        }
        if self.draft == Draft::D6 || self.draft == Draft::D7 {
            return;
        }
        if let Some(Value::Map(deps)) = s.get("dependentSchemas") {
            for (pname, sch) in deps {
                if obj.contains_key(pname)
                    && let Some(e) = self.validate(sch, &Value::Map(obj.clone()), loc)
                {
                    errors.push(e);
                }
            }
        }
        if let Some(Value::Map(deps)) = s.get("dependentRequired") {
            for (pname, names) in deps {
                if !obj.contains_key(pname) {
                    continue;
                }
                if let Value::Seq(names) = names {
                    let missing: Vec<String> = names
                        .iter()
                        .filter_map(Value::as_str)
                        .filter(|k| !obj.contains_key(*k))
                        .map(quote)
                        .collect();
                    if !missing.is_empty() {
                        errors.push(self.err(
                            loc,
                            format!(
                                "properties {} required, if {} exists",
                                missing.join(", "),
                                quote(pname)
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn array(&mut self, s: &Map, arr: &[Value], loc: &mut Vec<String>, errors: &mut Vec<VError>) {
        if let Some(min) = usize_kw(s, "minItems")
            && arr.len() < min
        {
            errors.push(self.err(
                loc,
                format!(
                    "minItems: got {}, want {}",
                    int_text(arr.len()),
                    int_text(min)
                ),
            ));
        }
        if let Some(max) = usize_kw(s, "maxItems")
            && arr.len() > max
        {
            errors.push(self.err(
                loc,
                format!(
                    "maxItems: got {}, want {}",
                    int_text(arr.len()),
                    int_text(max)
                ),
            ));
        }
        if s.get("uniqueItems") == Some(&Value::Bool(true)) && arr.len() > 1 {
            'outer: for i in 1..arr.len() {
                for j in 0..i {
                    if equals(&arr[i], &arr[j]) {
                        errors.push(self.err(loc, format!("items at {j} and {i} are equal")));
                        break 'outer;
                    }
                }
            }
        }
        if self.draft < Draft::D2020 {
            let mut evaluated = 0;
            match s.get("items") {
                Some(Value::Seq(list)) => {
                    evaluated = list.len().min(arr.len());
                    for (i, item) in arr[..evaluated].iter().enumerate() {
                        if let Some(e) = self.child(&list[i], item, loc, i.to_string()) {
                            errors.push(e);
                        }
                    }
                }
                Some(sch @ (Value::Map(_) | Value::Bool(_))) => {
                    for (i, item) in arr.iter().enumerate() {
                        if let Some(e) = self.child(sch, item, loc, i.to_string()) {
                            errors.push(e);
                        }
                    }
                    evaluated = arr.len();
                }
                _ => {}
            }
            match s.get("additionalItems") {
                Some(Value::Bool(false)) if evaluated != arr.len() => {
                    errors.push(self.err(
                        loc,
                        format!(
                            "last {} additionalItem(s) not allowed",
                            arr.len() - evaluated
                        ),
                    ));
                }
                Some(sch @ Value::Map(_)) => {
                    for (i, item) in arr.iter().enumerate().skip(evaluated) {
                        if let Some(e) = self.child(sch, item, loc, i.to_string()) {
                            errors.push(e);
                        }
                    }
                }
                _ => {}
            }
        } else {
            let prefix = match s.get("prefixItems") {
                Some(Value::Seq(list)) => list.as_slice(),
                _ => &[],
            };
            let evaluated = prefix.len().min(arr.len());
            for (i, item) in arr[..evaluated].iter().enumerate() {
                if let Some(e) = self.child(&prefix[i], item, loc, i.to_string()) {
                    errors.push(e);
                }
            }
            if let Some(sch) = s.get("items") {
                for (i, item) in arr.iter().enumerate().skip(evaluated) {
                    if let Some(e) = self.child(sch, item, loc, i.to_string()) {
                        errors.push(e);
                    }
                }
            }
        }
        if let Some(contains) = s.get("contains") {
            let mut causes = Vec::new();
            let mut matched = Vec::new();
            for (i, item) in arr.iter().enumerate() {
                match self.child(contains, item, loc, i.to_string()) {
                    Some(e) => causes.push(e),
                    None => matched.push(i),
                }
            }
            let min = if self.draft >= Draft::D2019 {
                usize_kw(s, "minContains")
            } else {
                None
            };
            if let Some(min) = min {
                if matched.len() < min {
                    let msg = if matched.is_empty() {
                        format!(
                            "min {} items required to match contains schema, but none matched",
                            int_text(min)
                        )
                    } else {
                        let at: Vec<String> = matched.iter().map(ToString::to_string).collect();
                        format!(
                            "min {} items required to match contains schema, but matched {} items at {}",
                            int_text(min),
                            int_text(matched.len()),
                            at.join(" ")
                        )
                    };
                    errors.push(self.group(loc, &msg, causes));
                }
            } else if matched.is_empty() {
                errors.push(self.group(loc, "no items match contains schema", causes));
            }
            if self.draft >= Draft::D2019
                && let Some(max) = usize_kw(s, "maxContains")
                && matched.len() > max
            {
                let at: Vec<String> = matched.iter().map(ToString::to_string).collect();
                errors.push(self.err(loc, format!("max {} items required to match contains schema, but matched {} items at {}", int_text(max), int_text(matched.len()), at.join(" "))));
            }
        }
    }

    fn string(&mut self, s: &Map, text: &str, loc: &[String], errors: &mut Vec<VError>) {
        let len = text.chars().count();
        if let Some(min) = usize_kw(s, "minLength")
            && len < min
        {
            errors.push(self.err(
                loc,
                format!("minLength: got {}, want {}", int_text(len), int_text(min)),
            ));
        }
        if let Some(max) = usize_kw(s, "maxLength")
            && len > max
        {
            errors.push(self.err(
                loc,
                format!("maxLength: got {}, want {}", int_text(len), int_text(max)),
            ));
        }
        if let Some(Value::String(p)) = s.get("pattern")
            && self.patterns.is_match(p, text) == Some(false)
        {
            errors.push(self.err(
                loc,
                format!("{} does not match pattern {}", quote(text), quote(p)),
            ));
        }
    }

    fn number(&mut self, s: &Map, v: &Value, loc: &[String], errors: &mut Vec<VError>) {
        let Some(n) = as_f64(v) else { return };
        let kw = |k: &str| s.get(k).and_then(as_f64);
        let (mut minimum, mut maximum) = (kw("minimum"), kw("maximum"));
        let (mut exmin, mut exmax) = (kw("exclusiveMinimum"), kw("exclusiveMaximum"));
        if self.draft == Draft::D4 {
            // draft-04 exclusive bounds are booleans on minimum/maximum.
            exmin = None;
            exmax = None;
            if s.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                exmin = minimum.take();
            }
            if s.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
                exmax = maximum.take();
            }
        }
        if let Some(m) = minimum.filter(|m| n < *m) {
            errors.push(self.err(
                loc,
                format!("minimum: got {}, want {}", num_text(n), num_text(m)),
            ));
        }
        if let Some(m) = maximum.filter(|m| n > *m) {
            errors.push(self.err(
                loc,
                format!("maximum: got {}, want {}", num_text(n), num_text(m)),
            ));
        }
        if let Some(m) = exmin.filter(|m| n <= *m) {
            errors.push(self.err(
                loc,
                format!(
                    "exclusiveMinimum: got {}, want {}",
                    num_text(n),
                    num_text(m)
                ),
            ));
        }
        if let Some(m) = exmax.filter(|m| n >= *m) {
            errors.push(self.err(
                loc,
                format!(
                    "exclusiveMaximum: got {}, want {}",
                    num_text(n),
                    num_text(m)
                ),
            ));
        }
        if let Some(m) = kw("multipleOf").filter(|m| *m != 0.0) {
            let q = n / m;
            if (q - q.round()).abs() > 1e-9 * q.abs().max(1.0) {
                errors.push(self.err(
                    loc,
                    format!("multipleOf: got {}, want {}", num_text(n), num_text(m)),
                ));
            }
        }
    }

    fn conditionals(
        &mut self,
        s: &Map,
        v: &Value,
        loc: &mut Vec<String>,
        errors: &mut Vec<VError>,
    ) {
        if let Some(not) = s.get("not")
            && self.validate(not, v, loc).is_none()
        {
            errors.push(self.err(loc, "'not' failed".to_owned()));
        }
        if let Some(Value::Seq(all)) = s.get("allOf") {
            let causes: Vec<VError> = all
                .iter()
                .filter_map(|sch| self.validate(sch, v, loc))
                .collect();
            if !causes.is_empty() {
                errors.push(self.group(loc, "'allOf' failed", causes));
            }
        }
        if let Some(Value::Seq(any)) = s.get("anyOf") {
            let mut causes = Vec::new();
            let mut matched = false;
            for sch in any {
                match self.validate(sch, v, loc) {
                    Some(e) => causes.push(e),
                    None => {
                        matched = true;
                        break;
                    }
                }
            }
            if !matched {
                errors.push(self.group(loc, "'anyOf' failed", causes));
            }
        }
        if let Some(Value::Seq(one)) = s.get("oneOf") {
            let mut matched: Option<usize> = None;
            let mut causes = Vec::new();
            for (i, sch) in one.iter().enumerate() {
                match self.validate(sch, v, loc) {
                    Some(e) => {
                        if matched.is_none() {
                            causes.push(e);
                        }
                    }
                    None => match matched {
                        None => matched = Some(i),
                        Some(first) => {
                            errors.push(self.err(
                                loc,
                                format!("'oneOf' failed, subschemas {first}, {i} matched"),
                            ));
                            break;
                        }
                    },
                }
            }
            if matched.is_none() {
                errors.push(self.group(loc, "'oneOf' failed, none matched", causes));
            }
        }
        if self.draft >= Draft::D7
            && let Some(cond) = s.get("if")
        {
            if self.validate(cond, v, loc).is_none() {
                if let Some(then) = s.get("then")
                    && let Some(e) = self.validate(then, v, loc)
                {
                    errors.push(e);
                }
            } else if let Some(els) = s.get("else")
                && let Some(e) = self.validate(els, v, loc)
            {
                errors.push(e);
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn draft_of(schema: &Value) -> Draft {
    let uri = schema
        .as_map()
        .and_then(|m| m.get("$schema"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if uri.contains("draft-04") {
        Draft::D4
    } else if uri.contains("draft-06") {
        Draft::D6
    } else if uri.contains("draft-07") {
        Draft::D7
    } else if uri.contains("2019-09") {
        Draft::D2019
    } else {
        Draft::D2020
    }
}

/// tekuri's `display`: one line per shown error, nested by two spaces.
fn render(e: &VError, indent: usize, out: &mut String) {
    let mut next = indent;
    if !(e.reference && e.causes.len() == 1) {
        out.push('\n');
        for _ in 0..indent {
            out.push_str("  ");
        }
        out.push_str(&format!(
            "- at {}: {}",
            quote(&json_ptr(&e.location)),
            e.message
        ));
        next = indent + 1;
    }
    for c in &e.causes {
        render(c, next, out);
    }
}

/// helm's `ValidateAgainstSingleSchema`: `Ok` or the text helm prints for this chart.
///
/// # Errors
/// The report lines (`- at '/x': ...`) followed by a newline, or the JSON
/// parse error of the schema itself.
pub fn validate_against_single_schema(
    values: &Map,
    schema_json: &[u8],
) -> std::result::Result<(), String> {
    let schema = charthouse_goyaml::json_unmarshal(schema_json).map_err(|e| {
        let text = e.to_string();
        if text == "unexpected end of JSON input" {
            "unexpected EOF".to_owned()
        } else {
            text
        }
    })?;
    let mut v = Validator {
        root: &schema,
        draft: draft_of(&schema),
        depth: 0,
        patterns: Patterns::default(),
    };
    let instance = Value::Map(values.clone());
    let Some(top) = v.validate(&schema, &instance, &mut Vec::new()) else {
        return Ok(());
    };
    let causes = if top.group { top.causes } else { vec![top] };
    let mut out = String::new();
    for c in &causes {
        render(c, 0, &mut out);
    }
    // Drop the first newline (helm trims the header line before it) and add
    // the one helm appends after each chart.
    let text = out.strip_prefix('\n').unwrap_or(&out);
    Err(format!("{text}\n"))
}

fn report(chart: &Chart, values: &Map, out: &mut String) {
    if let Some(schema) = &chart.schema
        && let Err(e) = validate_against_single_schema(values, schema)
    {
        out.push_str(&format!("{}:\n{e}", chart.name()));
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => report(sub, m, out),
            Some(other) => out.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                crate::gofmt::type_name(other)
            )),
        }
    }
}

/// helm's `ValidateAgainstSchema`: checks the chart's and every subchart's
/// schema against their part of the final values.
///
/// # Errors
/// [`Error::ValidateSchema`] with helm's report for every failing chart.
pub fn validate_against_schema(chart: &Chart, values: &Map) -> Result<()> {
    let mut out = String::new();
    report(chart, values, &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(Error::ValidateSchema { report: out })
    }
}

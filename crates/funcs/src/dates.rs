//! Sprig's date functions (sprig v3.3.0 date.go) and helm v4.3.1's duration helpers
//! (pkg/engine/funcs.go), on Go's `time.Time` and `time.Duration` as host objects.
//!
//! Go's quirks are kept on purpose: `date` and friends format the current time when
//! given anything but a `time.Time` or a Go integer (so a float64 from values.yaml
//! prints "now"); `duration` reads only strings and `int64`; an unknown zone falls back
//! to UTC; `now` prints its monotonic clock reading (` m=+0.000123456`).

mod duration;
mod time;
mod zone;

use std::sync::Arc;

use charthouse_gotmpl::{Context, Func, FuncError, GoType, IntType, Object, Signature, Value};

use self::time::GoTime;
use self::zone::Zone;

/// The Go type name of a time.
const TIME: &str = "time.Time";
/// The Go type name of a duration.
const DURATION: &str = "time.Duration";

/// A Go `time.Time` in a template.
#[derive(Debug, Clone)]
pub(crate) struct TimeValue(pub(crate) GoTime);

/// A Go `time.Duration` in a template (nanoseconds).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DurationValue(pub(crate) i64);

fn time_value(t: GoTime) -> Value {
    Value::Object(Arc::new(TimeValue(t)))
}

fn duration_value(d: i64) -> Value {
    Value::Object(Arc::new(DurationValue(d)))
}

fn time_type() -> GoType {
    GoType::Named(Arc::from(TIME))
}

fn duration_type() -> GoType {
    GoType::Named(Arc::from(DURATION))
}

fn int() -> GoType {
    GoType::Int(IntType::Int)
}

impl Object for TimeValue {
    fn type_name(&self) -> &str {
        TIME
    }

    fn method(&self, name: &str) -> Option<Signature> {
        let s = |p: Vec<GoType>, r: GoType| Some(Signature::new(p, r));
        match name {
            "Format" => s(vec![GoType::String], GoType::String),
            "String" => s(vec![], GoType::String),
            "Year" | "Day" | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay" => {
                s(vec![], int())
            }
            "Month" => s(vec![], GoType::Named(Arc::from("time.Month"))),
            "Weekday" => s(vec![], GoType::Named(Arc::from("time.Weekday"))),
            "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" => {
                s(vec![], GoType::Int(IntType::Int64))
            }
            "UTC" | "Local" => s(vec![], time_type()),
            "Add" => s(vec![duration_type()], time_type()),
            "AddDate" => s(vec![int(), int(), int()], time_type()),
            "Sub" => s(vec![time_type()], duration_type()),
            "Before" | "After" | "Equal" => s(vec![time_type()], GoType::Bool),
            "IsZero" => s(vec![], GoType::Bool),
            "Round" | "Truncate" => s(vec![duration_type()], time_type()),
            _ => None,
        }
    }

    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        let t = &self.0;
        let other = || {
            args.first()
                .and_then(|v| v.downcast_object::<TimeValue>())
                .map(|o| o.0.clone())
        };
        let dur = || {
            args.first()
                .and_then(|v| v.downcast_object::<DurationValue>())
                .map(|d| d.0)
                .unwrap_or(0)
        };
        let c = || t.civil();
        Ok(match name {
            "Format" => {
                Value::from(t.format(args.first().and_then(Value::as_str).unwrap_or_default()))
            }
            "String" => Value::from(t.go_string()),
            "Year" => Value::int(c().year),
            "Day" => Value::int(c().day),
            "Hour" => Value::int(c().hour),
            "Minute" => Value::int(c().min),
            "Second" => Value::int(c().sec),
            "Nanosecond" => Value::int(i64::from(t.nanos)),
            "YearDay" => Value::int(c().yday),
            "Month" => Value::Object(Arc::new(Named {
                type_name: "time.Month",
                text: GoTime::month_name(c().month),
            })),
            "Weekday" => Value::Object(Arc::new(Named {
                type_name: "time.Weekday",
                text: GoTime::weekday_name(c().weekday),
            })),
            "Unix" => Value::int64(t.unix_secs()),
            "UnixMilli" => Value::int64((t.unix_nanos() / 1_000_000) as i64),
            "UnixMicro" => Value::int64((t.unix_nanos() / 1_000) as i64),
            "UnixNano" => Value::int64(t.unix_nanos() as i64),
            "UTC" => time_value(t.in_zone(Zone::Utc)),
            "Local" => time_value(t.in_zone(Zone::local())),
            "Add" => time_value(t.add(dur())),
            "AddDate" => {
                let n = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(0);
                time_value(t.add_date(n(0), n(1), n(2)))
            }
            "Sub" => duration_value(other().map(|o| t.sub(&o)).unwrap_or(0)),
            "Before" => Value::Bool(other().is_some_and(|o| t.unix_nanos() < o.unix_nanos())),
            "After" => Value::Bool(other().is_some_and(|o| t.unix_nanos() > o.unix_nanos())),
            "Equal" => Value::Bool(other().is_some_and(|o| t.unix_nanos() == o.unix_nanos())),
            "IsZero" => Value::Bool(t.unix_nanos() == GoTime::zero().unix_nanos()),
            "Round" | "Truncate" => {
                // Go rounds the time since the zero time; both strip the monotonic reading.
                let m = i128::from(dur());
                let mut out = t.in_zone(t.zone.clone());
                if m > 0 {
                    let since_zero = t.unix_nanos() - GoTime::zero().unix_nanos();
                    let r = since_zero.rem_euclid(m);
                    let delta = if name == "Round" && r + r >= m {
                        m - r
                    } else {
                        -r
                    };
                    out = out.add(delta as i64);
                }
                out.mono = None;
                time_value(out)
            }
            _ => {
                return Err(FuncError::new(format!(
                    "can't call method {name} on type {TIME}"
                )));
            }
        })
    }

    /// Go prints a time through its `String` method.
    fn fmt_value(&self, out: &mut String) {
        out.push_str(&self.0.go_string());
    }
}

impl Object for DurationValue {
    fn type_name(&self) -> &str {
        DURATION
    }

    fn kind(&self) -> &str {
        "int64"
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "String" => Some(Signature::new(vec![], GoType::String)),
            "Seconds" | "Minutes" | "Hours" => Some(Signature::new(
                vec![],
                GoType::Float(charthouse_gotmpl::FloatType::Float64),
            )),
            "Nanoseconds" | "Microseconds" | "Milliseconds" => {
                Some(Signature::new(vec![], GoType::Int(IntType::Int64)))
            }
            "Round" | "Truncate" => Some(Signature::new(vec![duration_type()], duration_type())),
            _ => None,
        }
    }

    fn call_method(
        &self,
        name: &str,
        _ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        let d = self.0;
        let m = || {
            args.first()
                .and_then(|v| v.downcast_object::<DurationValue>())
                .map(|d| d.0)
                .unwrap_or(0)
        };
        Ok(match name {
            "String" => Value::from(duration::format(d)),
            "Seconds" => Value::float(duration::seconds(d)),
            "Minutes" => Value::float(duration::minutes(d)),
            "Hours" => Value::float(duration::hours(d)),
            "Nanoseconds" => Value::int64(d),
            "Microseconds" => Value::int64(d / 1000),
            "Milliseconds" => Value::int64(d / 1_000_000),
            "Round" => duration_value(duration::round(d, m())),
            "Truncate" => duration_value(duration::truncate(d, m())),
            _ => {
                return Err(FuncError::new(format!(
                    "can't call method {name} on type {DURATION}"
                )));
            }
        })
    }

    /// Go prints a duration through its `String` method.
    fn fmt_value(&self, out: &mut String) {
        out.push_str(&duration::format(self.0));
    }
}

/// A named Go value printed by its `String` method (`time.Month`, `time.Weekday`).
#[derive(Debug)]
struct Named {
    type_name: &'static str,
    text: &'static str,
}

impl Object for Named {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn kind(&self) -> &str {
        "int"
    }

    fn fmt_value(&self, out: &mut String) {
        out.push_str(self.text);
    }
}

/// `encoding/json`'s view of times (RFC 3339 with nanoseconds) and durations
/// (integer nanoseconds).
pub(crate) fn json_of(v: &Value) -> Option<charthouse_goyaml::Value> {
    if let Some(t) = v.downcast_object::<TimeValue>() {
        return Some(charthouse_goyaml::Value::String(
            t.0.format("2006-01-02T15:04:05.999999999Z07:00"),
        ));
    }
    v.downcast_object::<DurationValue>()
        .map(|d| charthouse_goyaml::Value::Int(d.0))
}

/// BurntSushi/toml's text for a time: RFC 3339 with nanoseconds, or the local forms of
/// the `datetime-local`, `date-local` and `time-local` zones its decoder creates.
pub(crate) fn toml_datetime(v: &Value) -> Option<String> {
    let t = &v.downcast_object::<TimeValue>()?.0;
    let layout = match &t.zone {
        Zone::Fixed(name, 0) if &**name == "datetime-local" => "2006-01-02T15:04:05.999999999",
        Zone::Fixed(name, 0) if &**name == "date-local" => "2006-01-02",
        Zone::Fixed(name, 0) if &**name == "time-local" => "15:04:05.999999999",
        _ => "2006-01-02T15:04:05.999999999Z07:00",
    };
    Some(t.format(layout))
}

/// `Duration.String()` of a duration value.
pub(crate) fn duration_text(v: &Value) -> Option<String> {
    v.downcast_object::<DurationValue>()
        .map(|d| duration::format(d.0))
}

/// The `time.Time` BurntSushi/toml decodes a TOML date-time into: offset date-times
/// are parsed as RFC 3339 in the local zone (Go's `Parse` rules), local ones get a
/// zero-offset zone named after their kind.
pub(crate) fn toml_time(d: &toml::value::Datetime) -> Value {
    let (date, time) = (d.date, d.time);
    if d.offset.is_some() {
        let t = time::parse_in_location(
            "2006-01-02T15:04:05.999999999Z07:00",
            &d.to_string(),
            &Zone::local(),
        )
        .unwrap_or_else(|_| GoTime::zero());
        return time_value(t);
    }
    let name = match (date, time) {
        (Some(_), Some(_)) => "datetime-local",
        (Some(_), None) => "date-local",
        _ => "time-local",
    };
    let (y, mo, dd) = date
        .map(|x| (i64::from(x.year), i64::from(x.month), i64::from(x.day)))
        .unwrap_or((0, 1, 1));
    let (h, mi, s, ns) = time
        .map(|x| {
            (
                i64::from(x.hour),
                i64::from(x.minute),
                i64::from(x.second.unwrap_or(0)),
                i64::from(x.nanosecond.unwrap_or(0)),
            )
        })
        .unwrap_or((0, 0, 0, 0));
    time_value(GoTime::date(
        y,
        mo,
        dd,
        h,
        mi,
        s,
        ns,
        Zone::Fixed(Arc::from(name), 0),
    ))
}

/// The time Sprig's `dateInZone` and `dateAgo` take from an `interface{}`: a time, or a
/// Go integer of the listed kinds as Unix seconds, else the current time.
fn time_from(v: &Value, int32_ok: bool) -> GoTime {
    if let Some(t) = v.downcast_object::<TimeValue>() {
        return t.0.clone();
    }
    match v {
        Value::Int(i, IntType::Int | IntType::Int64) => GoTime::unix(*i),
        Value::Int(i, IntType::Int32) if int32_ok => GoTime::unix(*i),
        _ => GoTime::now(),
    }
}

/// Sprig's `dateInZone`: an unknown zone is UTC.
fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let z = Zone::load(zone).unwrap_or(Zone::Utc);
    time_from(date, true).in_zone(z).format(layout)
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or_default()
}

fn arg(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or(Value::Nil)
}

fn time_arg(a: &[Value], i: usize) -> GoTime {
    a.get(i)
        .and_then(|v| v.downcast_object::<TimeValue>())
        .map(|t| t.0.clone())
        .unwrap_or_else(GoTime::zero)
}

pub(crate) fn register(out: &mut Vec<Func>) {
    time::start_clock();
    let s = GoType::String;
    let any = GoType::Interface;
    let sig = Signature::new;
    out.push(Func::new("now", sig(vec![], time_type()), |_, _| {
        Ok(time_value(GoTime::now()))
    }));
    out.push(Func::new(
        "date",
        sig(vec![s.clone(), any.clone()], s.clone()),
        |_, a| {
            Ok(Value::from(date_in_zone(
                str_arg(a, 0),
                &arg(a, 1),
                "Local",
            )))
        },
    ));
    for name in ["dateInZone", "date_in_zone"] {
        out.push(Func::new(
            name,
            sig(vec![s.clone(), any.clone(), s.clone()], s.clone()),
            |_, a| {
                Ok(Value::from(date_in_zone(
                    str_arg(a, 0),
                    &arg(a, 1),
                    str_arg(a, 2),
                )))
            },
        ));
    }
    out.push(Func::new(
        "htmlDate",
        sig(vec![any.clone()], s.clone()),
        |_, a| Ok(Value::from(date_in_zone("2006-01-02", &arg(a, 0), "Local"))),
    ));
    out.push(Func::new(
        "htmlDateInZone",
        sig(vec![any.clone(), s.clone()], s.clone()),
        |_, a| {
            Ok(Value::from(date_in_zone(
                "2006-01-02",
                &arg(a, 0),
                str_arg(a, 1),
            )))
        },
    ));
    for name in ["dateModify", "date_modify"] {
        out.push(Func::new(
            name,
            sig(vec![s.clone(), time_type()], time_type()),
            |_, a| {
                let t = time_arg(a, 1);
                Ok(time_value(match duration::parse(str_arg(a, 0)) {
                    Ok(d) => t.add(d),
                    Err(_) => t,
                }))
            },
        ));
    }
    for name in ["mustDateModify", "must_date_modify"] {
        out.push(Func::new(
            name,
            sig(vec![s.clone(), time_type()], time_type()),
            |_, a| {
                let d = duration::parse(str_arg(a, 0)).map_err(FuncError::new)?;
                Ok(time_value(time_arg(a, 1).add(d)))
            },
        ));
    }
    out.push(Func::new(
        "ago",
        sig(vec![any.clone()], s.clone()),
        |_, a| {
            let t = time_from(&arg(a, 0), false);
            let since = GoTime::now().sub(&t);
            Ok(Value::from(duration::format(duration::round(
                since,
                duration::SECOND,
            ))))
        },
    ));
    out.push(Func::new(
        "duration",
        sig(vec![any.clone()], s.clone()),
        |_, a| {
            let n = match arg(a, 0) {
                Value::String(v) => v.parse::<i64>().unwrap_or(0),
                Value::Int(i, IntType::Int64) => i,
                _ => 0,
            };
            Ok(Value::from(duration::format(
                n.wrapping_mul(duration::SECOND),
            )))
        },
    ));
    out.push(Func::new(
        "durationRound",
        sig(vec![any.clone()], s.clone()),
        |_, a| {
            let v = arg(a, 0);
            let d = match &v {
                Value::String(s) => duration::parse(s).unwrap_or(0),
                Value::Int(i, IntType::Int64) => *i,
                _ => match v.downcast_object::<TimeValue>() {
                    Some(t) => GoTime::now().sub(&t.0),
                    None => 0,
                },
            };
            Ok(Value::from(duration_round(d)))
        },
    ));
    out.push(Func::new(
        "toDate",
        sig(vec![s.clone(), s.clone()], time_type()),
        |_, a| {
            let t = time::parse_in_location(str_arg(a, 0), str_arg(a, 1), &Zone::local())
                .unwrap_or_else(|_| GoTime::zero());
            Ok(time_value(t))
        },
    ));
    out.push(Func::new(
        "mustToDate",
        sig(vec![s.clone(), s.clone()], time_type()),
        |_, a| {
            time::parse_in_location(str_arg(a, 0), str_arg(a, 1), &Zone::local())
                .map(time_value)
                .map_err(FuncError::new)
        },
    ));
    out.push(Func::new(
        "unixEpoch",
        sig(vec![time_type()], s.clone()),
        |_, a| Ok(Value::from(time_arg(a, 0).unix_secs().to_string())),
    ));
    register_helm_durations(out);
}

/// Sprig's `durationRound`: the largest whole unit (years of 365 days, months of 30),
/// truncated.
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    let hour = duration::HOUR as u64;
    let units: [(u64, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (duration::MINUTE as u64, "m"),
        (duration::SECOND as u64, "s"),
    ];
    for (size, suffix) in units {
        if u > size {
            return format!("{}{suffix}", u / size);
        }
    }
    "0s".to_string()
}

/// helm's `asDuration`: a duration, a Go duration string or a number of seconds.
fn as_duration(v: &Value) -> Result<i64, String> {
    if let Some(d) = v.downcast_object::<DurationValue>() {
        return Ok(d.0);
    }
    let max_secs = i64::MAX / duration::SECOND;
    let min_secs = i64::MIN / duration::SECOND;
    let from_float = |f: f64| -> Result<i64, String> {
        let g = charthouse_gotmpl::gofmt::format_value(&Value::float(f), 'v');
        if f.is_nan() || f.is_infinite() {
            return Err(format!("invalid duration seconds: {g}"));
        }
        if f > i64::MAX as f64 / 1e9 || f < i64::MIN as f64 / 1e9 {
            return Err(format!("duration seconds overflow: {g}"));
        }
        let nanos = f * 1e9;
        if nanos > i64::MAX as f64 || nanos < i64::MIN as f64 {
            let n = charthouse_gotmpl::gofmt::format_value(&Value::float(nanos), 'v');
            return Err(format!("duration nanoseconds overflow: {n}"));
        }
        Ok(nanos as i64)
    };
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Err("empty duration".into());
            }
            if let Ok(d) = duration::parse(t) {
                return Ok(d);
            }
            if let Some(f) = parse_go_float(t) {
                return from_float(f);
            }
            Err(format!(
                "could not parse duration {}",
                charthouse_gotmpl::gofmt::quote(s)
            ))
        }
        Value::Nil | Value::Missing => Err("invalid duration".into()),
        Value::Int(i, _) => {
            if *i > max_secs || *i < min_secs {
                return Err(format!("duration seconds overflow: {i}"));
            }
            Ok(i * duration::SECOND)
        }
        Value::Uint(u, _) => {
            if *u > max_secs as u64 {
                return Err(format!("duration seconds overflow: {u}"));
            }
            Ok(*u as i64 * duration::SECOND)
        }
        Value::Float(f, _) => from_float(*f),
        other => Err(format!("unsupported duration type {}", other.type_name())),
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms templates use (decimal, exponent,
/// `inf`, `nan`, underscores refused).
fn parse_go_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return lower.replace("infinity", "inf").parse().ok();
    }
    if !body
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'))
    {
        return None;
    }
    s.parse().ok()
}

/// A duration converted to a float unit.
type ToFloat = fn(i64) -> f64;
/// `Duration.Round` or `Duration.Truncate`.
type DurationOp = fn(i64, i64) -> i64;

/// helm v4's duration helpers (`mustToDuration`, `durationSeconds`, ...).
fn register_helm_durations(out: &mut Vec<Func>) {
    let any = || GoType::Interface;
    let f64t = || GoType::Float(charthouse_gotmpl::FloatType::Float64);
    let i64t = || GoType::Int(IntType::Int64);
    out.push(Func::new(
        "mustToDuration",
        Signature::new(vec![any()], duration_type()),
        |_, a| {
            as_duration(&arg(a, 0))
                .map(duration_value)
                .map_err(FuncError::new)
        },
    ));
    let floats: [(&str, ToFloat); 5] = [
        ("durationSeconds", duration::seconds),
        ("durationMinutes", duration::minutes),
        ("durationHours", duration::hours),
        ("durationDays", |d| duration::hours(d) / 24.0),
        ("durationWeeks", |d| duration::hours(d) / 24.0 / 7.0),
    ];
    for (name, f) in floats {
        out.push(Func::new(
            name,
            Signature::new(vec![any()], f64t()),
            move |_, a| Ok(Value::float(as_duration(&arg(a, 0)).map(f).unwrap_or(0.0))),
        ));
    }
    let ints: [(&str, i64); 3] = [
        ("durationMilliseconds", 1_000_000),
        ("durationMicroseconds", 1000),
        ("durationNanoseconds", 1),
    ];
    for (name, div) in ints {
        out.push(Func::new(
            name,
            Signature::new(vec![any()], i64t()),
            move |_, a| {
                Ok(Value::int64(
                    as_duration(&arg(a, 0)).map(|d| d / div).unwrap_or(0),
                ))
            },
        ));
    }
    let ops: [(&str, DurationOp); 2] = [
        ("durationRoundTo", duration::round),
        ("durationTruncateTo", duration::truncate),
    ];
    for (name, op) in ops {
        out.push(Func::new(
            name,
            Signature::new(vec![any(), any()], duration_type()),
            move |_, a| {
                let Ok(d) = as_duration(&arg(a, 0)) else {
                    return Ok(duration_value(0));
                };
                Ok(duration_value(match as_duration(&arg(a, 1)) {
                    Ok(m) => op(d, m),
                    Err(_) => d,
                }))
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charthouse_gotmpl::Templates;

    fn run(src: &str) -> Result<String, String> {
        let mut t = Templates::new();
        t.add_funcs(crate::functions(&crate::Options::default()));
        t.parse("t", src).map_err(|e| e.to_string())?;
        t.execute("t", &Value::Nil).map_err(|e| e.to_string())
    }

    #[test]
    fn now_prints_like_go() {
        let s = run("{{ now }}").unwrap_or_default();
        // 2026-11-21 19:08:59.16604072 +0000 UTC m=+0.053058162
        let parts: Vec<&str> = s.split(' ').collect();
        assert_eq!(parts.len(), 5, "{s}");
        assert_eq!(parts[0].len(), 10);
        assert!(
            parts[4].starts_with("m=+") && parts[4].split('.').nth(1).map(str::len) == Some(9),
            "{s}"
        );
        assert_eq!(run("{{ printf \"%T\" now }}").as_deref(), Ok("time.Time"));
    }

    #[test]
    fn unix_seconds_and_zones() {
        assert_eq!(
            run(r#"{{ dateInZone "2006-01-02 15:04 MST" 0 "UTC" }}"#).as_deref(),
            Ok("1970-01-01 00:00 UTC")
        );
        assert_eq!(
            run(r#"{{ dateInZone "2006-01-02 15:04 MST -07:00" 1700000000 "Europe/Berlin" }}"#)
                .as_deref(),
            Ok("2023-11-14 23:13 CET +01:00")
        );
        assert_eq!(
            run(r#"{{ dateInZone "15:04" 0 "Nowhere/City" }}"#).as_deref(),
            Ok("00:00")
        );
        assert_eq!(
            run(r#"{{ htmlDateInZone 86400 "UTC" }}"#).as_deref(),
            Ok("1970-01-02")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(
            run(r#"{{ duration "95" }} {{ duration 95 }}"#).as_deref(),
            Ok("1m35s 0s")
        );
        assert_eq!(run(r#"{{ durationRound "2h10m" }} {{ durationRound "-400h" }} {{ durationRound "1s" }}"#).as_deref(), Ok("2h 16d 0s"));
        assert_eq!(run(r#"{{ mustToDuration "1.5" }} {{ durationSeconds "1m" }} {{ durationMilliseconds 2 }}"#).as_deref(), Ok("1.5s 60 2000"));
        assert_eq!(
            run(r#"{{ durationRoundTo "1h29m" "1h" }} {{ durationTruncateTo "1h59m" "1h" }}"#)
                .as_deref(),
            Ok("1h0m0s 1h0m0s")
        );
        let e = run(r#"{{ mustToDuration "x" }}"#).err().unwrap_or_default();
        assert!(
            e.ends_with("error calling mustToDuration: could not parse duration \"x\""),
            "{e}"
        );
    }

    #[test]
    fn modify_parse_and_epoch() {
        assert_eq!(
            run(r#"{{ toDate "2006-01-02" "2024-02-29" | dateModify "36h" | date "2006-01-02T15:04" }}"#).as_deref(),
            Ok("2024-03-01T12:00")
        );
        assert_eq!(
            run(r#"{{ toDate "2006-01-02" "bad" }}"#).as_deref(),
            Ok("0001-01-01 00:00:00 +0000 UTC")
        );
        assert_eq!(
            run(r#"{{ toDate "2006-01-02" "1970-01-02" | unixEpoch }}"#).as_deref(),
            Ok("86400")
        );
        let e = run(r#"{{ mustDateModify "1x" now }}"#)
            .err()
            .unwrap_or_default();
        assert!(
            e.ends_with(
                "error calling mustDateModify: time: unknown unit \"x\" in duration \"1x\""
            ),
            "{e}"
        );
        assert_eq!(run(r#"{{ ago now }}"#).as_deref(), Ok("0s"));
        assert_eq!(run(r#"{{ (toDate "2006-01-02" "2024-02-29").Year }} {{ (toDate "2006-01-02" "2024-02-29").Month }}"#).as_deref(), Ok("2024 February"));
    }
}

//! Go's `time.Time`: an instant, a location and (for `time.Now`) a monotonic clock
//! reading, with Go's `Format` layouts, `Parse`, `String` and calendar arithmetic.
//!
//! The layout language is Go's reference time `Mon Jan 2 15:04:05 MST 2006`
//! (time/format.go); the chunking, padding, zone forms and parse errors below follow it.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use super::zone::Zone;

/// When this process's monotonic clock started, as Go's `m=+...` readings count.
static PROCESS_START: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Starts the monotonic clock (called when the functions are built, so that `now`
/// prints small readings as in a fresh helm process).
pub(crate) fn start_clock() {
    LazyLock::force(&PROCESS_START);
}

/// A Go `time.Time`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GoTime {
    /// Seconds since the Unix epoch.
    pub(crate) secs: i64,
    /// Nanoseconds within the second (0..1e9).
    pub(crate) nanos: u32,
    /// The location used for printing.
    pub(crate) zone: Zone,
    /// The monotonic reading in nanoseconds since process start, for `time.Now`.
    pub(crate) mono: Option<i64>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // In i128 so that absurd years from templates cannot overflow; Go wraps, so do we.
    let (y, m, d) = (i128::from(y), i128::from(m), i128::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i64
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The broken-down wall clock of a time in its zone.
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: i64,
    pub(crate) day: i64,
    pub(crate) hour: i64,
    pub(crate) min: i64,
    pub(crate) sec: i64,
    pub(crate) weekday: usize,
    pub(crate) yday: i64,
    pub(crate) zone_name: String,
    pub(crate) offset: i32,
}

impl GoTime {
    /// Go's zero `time.Time` (January 1, year 1, 00:00:00 UTC).
    pub(crate) fn zero() -> GoTime {
        GoTime {
            secs: -62_135_596_800,
            nanos: 0,
            zone: Zone::Utc,
            mono: None,
        }
    }

    /// `time.Now()` in the local zone, with a monotonic reading.
    pub(crate) fn now() -> GoTime {
        let now = std::time::SystemTime::now();
        let (secs, nanos) = match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let total = -(d.as_nanos() as i128);
                (
                    total.div_euclid(1_000_000_000) as i64,
                    total.rem_euclid(1_000_000_000) as u32,
                )
            }
        };
        let mono = PROCESS_START.elapsed().as_nanos() as i64;
        GoTime {
            secs,
            nanos,
            zone: Zone::local(),
            mono: Some(mono.max(1)),
        }
    }

    /// `time.Unix(secs, 0)` (local zone).
    pub(crate) fn unix(secs: i64) -> GoTime {
        GoTime {
            secs,
            nanos: 0,
            zone: Zone::local(),
            mono: None,
        }
    }

    /// Nanoseconds since the epoch, saturating.
    pub(crate) fn unix_nanos(&self) -> i128 {
        i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// `t.In(zone)` (drops the monotonic reading, as Go's `setLoc` does).
    pub(crate) fn in_zone(&self, zone: Zone) -> GoTime {
        GoTime {
            zone,
            mono: None,
            ..self.clone()
        }
    }

    /// `t.Add(d)`.
    pub(crate) fn add(&self, d: i64) -> GoTime {
        let total = self.unix_nanos() + i128::from(d);
        GoTime {
            secs: total.div_euclid(1_000_000_000) as i64,
            nanos: total.rem_euclid(1_000_000_000) as u32,
            zone: self.zone.clone(),
            mono: self.mono.and_then(|m| m.checked_add(d)),
        }
    }

    /// `t.Sub(u)`, saturating as Go does; monotonic readings win when both have one.
    pub(crate) fn sub(&self, u: &GoTime) -> i64 {
        if let (Some(a), Some(b)) = (self.mono, u.mono) {
            return a.saturating_sub(b);
        }
        let d = self.unix_nanos() - u.unix_nanos();
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// The wall clock in the time's zone.
    pub(crate) fn civil(&self) -> Civil {
        let (zone_name, offset) = self.zone.lookup(self.secs);
        let local = self.secs.wrapping_add(i64::from(offset));
        let days = local.div_euclid(86_400);
        let rem = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let yday = days - days_from_civil(year, 1, 1) + 1;
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            min: rem % 3600 / 60,
            sec: rem % 60,
            weekday: (days + 4).rem_euclid(7) as usize,
            yday,
            zone_name,
            offset,
        }
    }

    /// Go's `Date(year, month, day, hour, min, sec, nsec, loc)`, normalizing overflow.
    #[expect(clippy::too_many_arguments, reason = "mirrors Go's time.Date")]
    pub(crate) fn date(
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        min: i64,
        sec: i64,
        nsec: i64,
        zone: Zone,
    ) -> GoTime {
        let m0 = month.wrapping_sub(1);
        let year = year.wrapping_add(m0.div_euclid(12));
        let month = m0.rem_euclid(12) + 1;
        let total_nanos = i128::from(nsec);
        let extra_secs = total_nanos.div_euclid(1_000_000_000) as i64;
        let nanos = total_nanos.rem_euclid(1_000_000_000) as u32;
        let days = i128::from(days_from_civil(year, month, 1)) + i128::from(day) - 1;
        let wall = (days * 86_400
            + i128::from(hour) * 3600
            + i128::from(min) * 60
            + i128::from(sec)
            + i128::from(extra_secs)) as i64;
        let off = zone.offset_for_wall(wall);
        GoTime {
            secs: wall - i64::from(off),
            nanos,
            zone,
            mono: None,
        }
    }

    /// `t.AddDate(years, months, days)`.
    pub(crate) fn add_date(&self, years: i64, months: i64, days: i64) -> GoTime {
        let c = self.civil();
        GoTime::date(
            c.year.wrapping_add(years),
            c.month.wrapping_add(months),
            c.day.wrapping_add(days),
            c.hour,
            c.min,
            c.sec,
            i64::from(self.nanos),
            self.zone.clone(),
        )
    }

    /// `t.Unix()`.
    pub(crate) fn unix_secs(&self) -> i64 {
        self.secs
    }

    /// The month name (Go's `time.Month.String`).
    pub(crate) fn month_name(m: i64) -> &'static str {
        MONTHS
            .get((m - 1).clamp(0, 11) as usize)
            .copied()
            .unwrap_or("January")
    }

    /// The weekday name (Go's `time.Weekday.String`).
    pub(crate) fn weekday_name(w: usize) -> &'static str {
        DAYS.get(w).copied().unwrap_or("Sunday")
    }

    /// Go's `Time.String`: `2006-01-02 15:04:05.999999999 -0700 MST` plus ` m=±s.nnnnnnnnn`
    /// when the time carries a monotonic reading.
    pub(crate) fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            s.push_str(&format!(
                " m={sign}{}.{:09}",
                m / 1_000_000_000,
                m % 1_000_000_000
            ));
        }
        s
    }

    /// Go's `Time.Format(layout)`.
    pub(crate) fn format(&self, layout: &str) -> String {
        let c = self.civil();
        let mut out = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, std, suffix) = next_std_chunk(rest);
            out.push_str(prefix);
            let Some(std) = std else { break };
            rest = suffix;
            self.append_std(&mut out, std, &c);
        }
        out
    }

    fn append_std(&self, b: &mut String, std: Std, c: &Civil) {
        let pad = |b: &mut String, v: i64, width: usize| {
            if v < 0 {
                b.push('-');
            }
            b.push_str(&format!("{:0width$}", v.unsigned_abs(), width = width));
        };
        match std {
            Std::Year => pad(b, c.year.abs() % 100, 2),
            Std::LongYear => pad(b, c.year, 4),
            Std::Month => b.push_str(&Self::month_name(c.month)[..3]),
            Std::LongMonth => b.push_str(Self::month_name(c.month)),
            Std::NumMonth => pad(b, c.month, 0),
            Std::ZeroMonth => pad(b, c.month, 2),
            Std::WeekDay => b.push_str(&Self::weekday_name(c.weekday)[..3]),
            Std::LongWeekDay => b.push_str(Self::weekday_name(c.weekday)),
            Std::Day => pad(b, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    b.push(' ');
                }
                pad(b, c.day, 0);
            }
            Std::ZeroDay => pad(b, c.day, 2),
            Std::UnderYearDay => {
                if c.yday < 100 {
                    b.push(' ');
                    if c.yday < 10 {
                        b.push(' ');
                    }
                }
                pad(b, c.yday, 0);
            }
            Std::ZeroYearDay => pad(b, c.yday, 3),
            Std::Hour => pad(b, c.hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = match c.hour % 12 {
                    0 => 12,
                    h => h,
                };
                pad(b, h, if std == Std::ZeroHour12 { 2 } else { 0 });
            }
            Std::Minute => pad(b, c.min, 0),
            Std::ZeroMinute => pad(b, c.min, 2),
            Std::Second => pad(b, c.sec, 0),
            Std::ZeroSecond => pad(b, c.sec, 2),
            Std::PM => b.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => b.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::Tz(tz) => {
                if tz.iso && c.offset == 0 {
                    b.push('Z');
                    return;
                }
                let mut zone = c.offset / 60;
                let mut abs = c.offset;
                if zone < 0 {
                    b.push('-');
                    zone = -zone;
                    abs = -abs;
                } else {
                    b.push('+');
                }
                pad(b, i64::from(zone / 60), 2);
                if tz.colon {
                    b.push(':');
                }
                if !tz.short {
                    pad(b, i64::from(zone % 60), 2);
                }
                if tz.seconds {
                    if tz.colon {
                        b.push(':');
                    }
                    pad(b, i64::from(abs % 60), 2);
                }
            }
            Std::TzName => {
                if !c.zone_name.is_empty() {
                    b.push_str(&c.zone_name);
                    return;
                }
                let mut zone = c.offset / 60;
                if zone < 0 {
                    b.push('-');
                    zone = -zone;
                } else {
                    b.push('+');
                }
                pad(b, i64::from(zone / 60), 2);
                pad(b, i64::from(zone % 60), 2);
            }
            Std::Frac { sep, digits, trim } => {
                let digits_str = format!("{:09}", self.nanos);
                let mut d = &digits_str[..digits.min(9)];
                if trim {
                    d = d.trim_end_matches('0');
                    if d.is_empty() {
                        return;
                    }
                }
                b.push(sep);
                b.push_str(d);
            }
        }
    }
}

/// A numeric zone element: `-0700`, `Z07:00`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TzForm {
    iso: bool,
    colon: bool,
    short: bool,
    seconds: bool,
}

/// One element of a Go layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Std {
    Year,
    LongYear,
    Month,
    LongMonth,
    NumMonth,
    ZeroMonth,
    WeekDay,
    LongWeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    PM,
    Pm,
    Tz(TzForm),
    TzName,
    Frac {
        sep: char,
        digits: usize,
        trim: bool,
    },
}

const fn tz(iso: bool, colon: bool, short: bool, seconds: bool) -> Std {
    Std::Tz(TzForm {
        iso,
        colon,
        short,
        seconds,
    })
}

/// Go's `nextStdChunk`: the literal text before the first layout element, the
/// element, and the rest.
pub(crate) fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s);
    let mut i = 0;
    while i < b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if at(i, "Jan") => Some(if at(i, "January") {
                (Std::LongMonth, 7)
            } else {
                (Std::Month, 3)
            }),
            b'M' if at(i, "Mon") => Some(if at(i, "Monday") {
                (Std::LongWeekDay, 6)
            } else {
                (Std::WeekDay, 3)
            }),
            b'M' if at(i, "MST") => Some((Std::TzName, 3)),
            b'0' if i + 1 < b.len() && (b'1'..=b'6').contains(&b[i + 1]) => Some((
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][usize::from(b[i + 1] - b'1')],
                2,
            )),
            b'0' if at(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if at(i, "_2") => {
                if at(i, "_2006") {
                    // "_" followed by a long year: the underscore is literal.
                    return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                }
                Some((Std::UnderDay, 2))
            }
            b'_' if at(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if at(i, "PM") => Some((Std::PM, 2)),
            b'p' if at(i, "pm") => Some((Std::Pm, 2)),
            b'-' if at(i, "-070000") => Some((tz(false, false, false, true), 7)),
            b'-' if at(i, "-07:00:00") => Some((tz(false, true, false, true), 9)),
            b'-' if at(i, "-0700") => Some((tz(false, false, false, false), 5)),
            b'-' if at(i, "-07:00") => Some((tz(false, true, false, false), 6)),
            b'-' if at(i, "-07") => Some((tz(false, false, true, false), 3)),
            b'Z' if at(i, "Z070000") => Some((tz(true, false, false, true), 7)),
            b'Z' if at(i, "Z07:00:00") => Some((tz(true, true, false, true), 9)),
            b'Z' if at(i, "Z0700") => Some((tz(true, false, false, false), 5)),
            b'Z' if at(i, "Z07:00") => Some((tz(true, true, false, false), 6)),
            b'Z' if at(i, "Z07") => Some((tz(true, false, true, false), 3)),
            b'.' | b',' if i + 1 < b.len() && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                // Only a run of one digit not followed by another digit is a fraction.
                if j < b.len() && b[j].is_ascii_digit() {
                    None
                } else {
                    Some((
                        Std::Frac {
                            sep: char::from(b[i]),
                            digits: j - (i + 1),
                            trim: ch == b'9',
                        },
                        j - i,
                    ))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
        i += 1;
    }
    (layout, None, "")
}

/// Go's `time.ParseError`.
fn parse_error(
    layout: &str,
    value: &str,
    layout_elem: &str,
    value_elem: &str,
    message: &str,
) -> String {
    let q = charthouse_gotmpl::gofmt::quote;
    if message.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            q(value),
            q(layout),
            q(value_elem),
            q(layout_elem)
        )
    } else {
        format!("parsing time {}{message}", q(value))
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(s[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

/// Go's `getnum3`: one to three digits (exactly three when `fixed`).
fn getnum3(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(s[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

/// Go's time-package `atoi`: optional sign, then digits.
fn atoi(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) || digits.len() > 18 {
        return None;
    }
    let v: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(if neg { -v } else { v })
}

fn cutspace(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b' ').count();
    &s[n..]
}

/// Go's `skip`: matches literal layout text, where a space matches any run of spaces.
fn skip<'a>(mut value: &'a [u8], mut prefix: &[u8]) -> Result<&'a [u8], &'a [u8]> {
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&c| c != b' ') {
                return Err(value);
            }
            prefix = cutspace(prefix);
            value = cutspace(value);
            continue;
        }
        if value.first() != Some(&p) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Go's `lookup`: a case-insensitive (ASCII) prefix match against a name table.
fn lookup_name<'a>(tab: &[&str], val: &'a [u8]) -> Option<(usize, &'a [u8])> {
    for (i, name) in tab.iter().enumerate() {
        let n = name.as_bytes();
        if val.len() >= n.len() && val[..n.len()].eq_ignore_ascii_case(n) {
            return Some((i, &val[n.len()..]));
        }
    }
    None
}

/// Go's `parseNanoseconds` on `value[..nbytes]` (separator included).
fn parse_nanos(value: &[u8], nbytes: usize) -> Result<i64, &'static str> {
    if !matches!(value.first(), Some(b'.' | b',')) {
        return Err("");
    }
    let nbytes = nbytes.min(10);
    let ns = atoi(&value[1..nbytes]).ok_or("")?;
    if ns < 0 {
        return Err("fractional second");
    }
    Ok(ns * 10i64.pow((10 - nbytes) as u32))
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `v`.
fn parse_time_zone(v: &[u8]) -> Option<usize> {
    if v.len() < 3 {
        return None;
    }
    if v.len() >= 4 && (&v[..4] == b"ChST" || &v[..4] == b"MeST") {
        return Some(4);
    }
    if &v[..3] == b"GMT" {
        return Some(parse_gmt(v));
    }
    if v[0] == b'+' || v[0] == b'-' {
        let n = parse_signed_offset(v);
        return (n > 0).then_some(n);
    }
    let upper = v
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if v[4] == b'T' => Some(5),
        4 if v[3] == b'T' || &v[..4] == b"WITA" => Some(4),
        3 => Some(3),
        _ => None,
    }
}

fn parse_gmt(v: &[u8]) -> usize {
    let rest = &v[3..];
    if rest.is_empty() {
        return 3;
    }
    3 + parse_signed_offset(rest)
}

/// Go's `parseSignedOffset`: `+h`/`-hh` within ±23, else 0.
fn parse_signed_offset(v: &[u8]) -> usize {
    let Some(&sign) = v.first() else { return 0 };
    if sign != b'+' && sign != b'-' {
        return 0;
    }
    let digits = v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return 0;
    }
    let n: i64 = std::str::from_utf8(&v[1..1 + digits])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(99);
    if n > 23 {
        return 0;
    }
    1 + digits
}

/// A numeric zone offset as read: sign, hours, minutes, seconds, and the rest.
type TzParts<'a> = (u8, &'a [u8], &'a [u8], &'a [u8], &'a [u8]);

/// Go's `time.ParseInLocation(layout, value, loc)`.
///
/// # Errors
///
/// Go's `ParseError` text.
pub(crate) fn parse_in_location(
    alayout: &str,
    avalue: &str,
    local: &Zone,
) -> Result<GoTime, String> {
    let mut layout = alayout;
    let mut value: &[u8] = avalue.as_bytes();
    let vstr = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut z: Option<Zone> = None;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name = String::new();
    let (mut pm_set, mut am_set) = (false, false);
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        let stdstr = &layout[prefix.len()..layout.len() - suffix.len()];
        value = match skip(value, prefix.as_bytes()) {
            Ok(v) => v,
            Err(v) => return Err(parse_error(alayout, avalue, prefix, &vstr(v), "")),
        };
        let Some(std) = std else {
            if !value.is_empty() {
                let q = charthouse_gotmpl::gofmt::quote(&vstr(value));
                return Err(parse_error(
                    alayout,
                    avalue,
                    "",
                    &vstr(value),
                    &format!(": extra text: {q}"),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err = "";
        let mut ok = true;
        match std {
            Std::Year => {
                if value.len() < 2 {
                    ok = false;
                } else {
                    match atoi(&value[..2]) {
                        Some(y) => {
                            year = if y >= 69 { y + 1900 } else { y + 2000 };
                            value = &value[2..];
                        }
                        None => ok = false,
                    }
                }
            }
            Std::LongYear => {
                if value.len() < 4 || !is_digit(value, 0) {
                    ok = false;
                } else {
                    match atoi(&value[..4]) {
                        Some(y) => {
                            year = y;
                            value = &value[4..];
                        }
                        None => ok = false,
                    }
                }
            }
            Std::Month | Std::LongMonth => {
                let names: Vec<&str> = if std == Std::Month {
                    MONTHS.iter().map(|m| &m[..3]).collect()
                } else {
                    MONTHS.to_vec()
                };
                match lookup_name(&names, value) {
                    Some((i, rest)) => {
                        month = i as i64 + 1;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            Std::NumMonth | Std::ZeroMonth => match getnum(value, std == Std::ZeroMonth) {
                Some((m, rest)) => {
                    month = m;
                    value = rest;
                    if !(1..=12).contains(&m) {
                        range_err = "month";
                    }
                }
                None => ok = false,
            },
            Std::WeekDay | Std::LongWeekDay => {
                let names: Vec<&str> = if std == Std::WeekDay {
                    DAYS.iter().map(|d| &d[..3]).collect()
                } else {
                    DAYS.to_vec()
                };
                match lookup_name(&names, value) {
                    Some((_, rest)) => value = rest,
                    None => ok = false,
                }
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.first() == Some(&b' ') {
                    value = &value[1..];
                }
                match getnum(value, std == Std::ZeroDay) {
                    Some((d, rest)) => {
                        day = d;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.first() == Some(&b' ') {
                        value = &value[1..];
                    }
                }
                match getnum3(value, std == Std::ZeroYearDay) {
                    Some((d, rest)) => {
                        yday = d;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            Std::Hour => match getnum(value, false) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => ok = false,
            },
            Std::Hour12 | Std::ZeroHour12 => match getnum(value, std == Std::ZeroHour12) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => ok = false,
            },
            Std::Minute | Std::ZeroMinute => match getnum(value, std == Std::ZeroMinute) {
                Some((m, rest)) => {
                    min = m;
                    value = rest;
                    if !(0..60).contains(&m) {
                        range_err = "minute";
                    }
                }
                None => ok = false,
            },
            Std::Second | Std::ZeroSecond => match getnum(value, std == Std::ZeroSecond) {
                Some((s, rest)) => {
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&s) {
                        range_err = "second";
                    } else if value.len() >= 2
                        && matches!(value[0], b'.' | b',')
                        && is_digit(value, 1)
                    {
                        // A fraction in the value that the layout does not ask for.
                        let (_, next, _) = next_std_chunk(layout);
                        if !matches!(next, Some(Std::Frac { .. })) {
                            let mut n = 2;
                            while is_digit(value, n) {
                                n += 1;
                            }
                            match parse_nanos(value, n) {
                                Ok(ns) => nsec = ns,
                                Err("") => ok = false,
                                Err(r) => range_err = r,
                            }
                            value = &value[n.min(value.len())..];
                        }
                    }
                }
                None => ok = false,
            },
            Std::PM | Std::Pm => {
                if value.len() < 2 {
                    ok = false;
                } else {
                    let p = &value[..2];
                    value = &value[2..];
                    let (pm, am): (&[u8], &[u8]) = if std == Std::PM {
                        (b"PM", b"AM")
                    } else {
                        (b"pm", b"am")
                    };
                    if p == pm {
                        pm_set = true;
                    } else if p == am {
                        am_set = true;
                    } else {
                        ok = false;
                    }
                }
            }
            Std::Tz(form) => {
                if form.iso && value.first() == Some(&b'Z') {
                    value = &value[1..];
                    z = Some(Zone::Utc);
                } else {
                    let parsed: Option<TzParts<'_>> = if form.colon && !form.seconds {
                        (value.len() >= 6 && value[3] == b':').then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[4..6],
                                &b"00"[..],
                                &value[6..],
                            )
                        })
                    } else if form.short {
                        (value.len() >= 3)
                            .then(|| (value[0], &value[1..3], &b"00"[..], &b"00"[..], &value[3..]))
                    } else if form.colon && form.seconds {
                        (value.len() >= 9 && value[3] == b':' && value[6] == b':').then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[4..6],
                                &value[7..9],
                                &value[9..],
                            )
                        })
                    } else if form.seconds {
                        (value.len() >= 7).then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[3..5],
                                &value[5..7],
                                &value[7..],
                            )
                        })
                    } else {
                        (value.len() >= 5).then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[3..5],
                                &b"00"[..],
                                &value[5..],
                            )
                        })
                    };
                    match parsed {
                        None => ok = false,
                        Some((sign, h, m, s, rest)) => {
                            value = rest;
                            match (getnum(h, true), getnum(m, true), getnum(s, true)) {
                                (Some((hr, _)), Some((mm, _)), Some((ss, _))) => {
                                    if hr > 24 {
                                        range_err = "time zone offset hour";
                                    }
                                    if mm > 60 {
                                        range_err = "time zone offset minute";
                                    }
                                    if ss > 60 {
                                        range_err = "time zone offset second";
                                    }
                                    let off = (hr * 60 + mm) * 60 + ss;
                                    match sign {
                                        b'+' => zone_offset = Some(off),
                                        b'-' => zone_offset = Some(-off),
                                        _ => ok = false,
                                    }
                                }
                                _ => ok = false,
                            }
                        }
                    }
                }
            }
            Std::TzName => {
                if value.starts_with(b"UTC") {
                    z = Some(Zone::Utc);
                    value = &value[3..];
                } else {
                    match parse_time_zone(value) {
                        Some(n) => {
                            zone_name = vstr(&value[..n]);
                            value = &value[n..];
                        }
                        None => ok = false,
                    }
                }
            }
            Std::Frac {
                digits,
                trim: false,
                ..
            } => {
                let n = 1 + digits;
                if value.len() < n {
                    ok = false;
                } else {
                    match parse_nanos(value, n) {
                        Ok(ns) => nsec = ns,
                        Err("") => ok = false,
                        Err(r) => range_err = r,
                    }
                    value = &value[n..];
                }
            }
            Std::Frac { trim: true, .. } => {
                if value.len() >= 2 && matches!(value[0], b'.' | b',') && value[1].is_ascii_digit()
                {
                    let mut i = 0;
                    while i + 1 < value.len() && value[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    match parse_nanos(value, 1 + i) {
                        Ok(ns) => nsec = ns,
                        Err("") => ok = false,
                        Err(r) => range_err = r,
                    }
                    value = &value[1 + i..];
                }
            }
        }
        if !range_err.is_empty() {
            return Err(parse_error(
                alayout,
                avalue,
                stdstr,
                &vstr(value),
                &format!(": {range_err} out of range"),
            ));
        }
        if !ok {
            return Err(parse_error(alayout, avalue, stdstr, &vstr(hold), ""));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    let rest = vstr(value);
    if yday >= 0 {
        let leap = is_leap(year);
        if yday < 1 || yday > 365 + i64::from(leap) {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                &rest,
                ": day-of-year out of range",
            ));
        }
        let (m, d) = if leap && yday == 31 + 29 {
            (2, 29)
        } else if leap && yday > 31 + 29 {
            month_day(yday - 1)
        } else {
            month_day(yday)
        };
        if month >= 0 && month != m {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                &rest,
                ": day-of-year does not match month",
            ));
        }
        if day >= 0 && day != d {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                &rest,
                ": day-of-year does not match day",
            ));
        }
        month = m;
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(
            alayout,
            avalue,
            "",
            &rest,
            ": day out of range",
        ));
    }
    if let Some(z) = z {
        return Ok(GoTime::date(year, month, day, hour, min, sec, nsec, z));
    }
    if let Some(off) = zone_offset {
        let mut t = GoTime::date(year, month, day, hour, min, sec, nsec, Zone::Utc);
        t.secs -= off;
        let (name, loc_off) = local.lookup(t.secs);
        if i64::from(loc_off) == off && (zone_name.is_empty() || name == zone_name) {
            t.zone = local.clone();
            return Ok(t);
        }
        t.zone = Zone::Fixed(Arc::from(zone_name.as_str()), off as i32);
        return Ok(t);
    }
    if !zone_name.is_empty() {
        let mut t = GoTime::date(year, month, day, hour, min, sec, nsec, Zone::Utc);
        if let Some(off) = local.lookup_name(&zone_name, t.secs) {
            t.secs -= i64::from(off);
            t.zone = local.clone();
            return Ok(t);
        }
        let mut off = 0i64;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            off = atoi(&zone_name.as_bytes()[3..]).unwrap_or(0) * 3600;
        }
        // Go records the offset without moving the instant.
        t.zone = Zone::Fixed(Arc::from(zone_name.as_str()), off as i32);
        return Ok(t);
    }
    Ok(GoTime::date(
        year,
        month,
        day,
        hour,
        min,
        sec,
        nsec,
        local.clone(),
    ))
}

/// The month and day of day-of-year `yday` in a non-leap year.
fn month_day(yday: i64) -> (i64, i64) {
    let mut d = yday;
    for m in 1..=12 {
        let n = days_in(m, 2001);
        if d <= n {
            return (m, d);
        }
        d -= n;
    }
    (12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64, nanos: u32) -> GoTime {
        GoTime {
            secs,
            nanos,
            zone: Zone::Utc,
            mono: None,
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_and_format_never_panic(
            layout in "[-0-9A-Za-z_:.,/ +]{0,24}",
            value in "[-0-9A-Za-z_:.,/ +é]{0,24}",
            secs in proptest::num::i64::ANY,
        ) {
            let _ = parse_in_location(&layout, &value, &Zone::Utc);
            let _ = t(secs, 0).format(&layout);
        }

        #[test]
        fn formatted_layouts_parse_back(secs in -62_135_596_800i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
            let x = t(secs, nanos);
            let layout = "2006-01-02T15:04:05.999999999Z07:00";
            let back = parse_in_location(layout, &x.format(layout), &Zone::Utc);
            proptest::prop_assert_eq!(back.map(|b| (b.secs, b.nanos)), Ok((secs, nanos)));
        }
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let x = t(i64::MAX, 0);
        let _ = x.format("2006-01-02 15:04:05 MST");
        let _ = t(i64::MIN, 999_999_999).go_string();
        let _ = x.add_date(i64::MAX, i64::MIN, i64::MAX);
        let _ = GoTime::date(
            i64::MAX,
            i64::MAX,
            i64::MIN,
            i64::MAX,
            0,
            0,
            i64::MAX,
            Zone::Utc,
        );
    }

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn format_layouts() {
        let x = t(1_136_239_445, 123_456_000); // 2006-01-02 22:04:05.123456 UTC
        assert_eq!(
            x.format("2006-01-02T15:04:05Z07:00"),
            "2006-01-02T22:04:05Z"
        );
        assert_eq!(
            x.format("Mon Jan _2 3:4:5 PM 06 MST -0700"),
            "Mon Jan  2 10:4:5 PM 06 UTC +0000"
        );
        assert_eq!(
            x.format("Monday January 02 .000 .999 ,000000 __2 002"),
            "Monday January 02 .123 .123 ,123456   2 002"
        );
        assert_eq!(
            x.format("2006-01-02 15:04:05.999999999 -0700 MST"),
            "2006-01-02 22:04:05.123456 +0000 UTC"
        );
        assert_eq!(GoTime::zero().go_string(), "0001-01-01 00:00:00 +0000 UTC");
        assert_eq!(x.format("_2006 1.09"), "_2006 1.09");
    }

    #[test]
    fn parse_layouts_and_errors() {
        let utc = Zone::Utc;
        let p = |l: &str, v: &str| parse_in_location(l, v, &utc).map(|t| t.go_string());
        assert_eq!(
            p("2006-01-02", "2024-03-05").as_deref(),
            Ok("2024-03-05 00:00:00 +0000 UTC")
        );
        assert_eq!(
            p("2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12+02:00").as_deref(),
            Ok("2024-03-05 10:11:12 +0200 +0200")
        );
        assert_eq!(
            p("15:04:05", "10:11:12.5").as_deref(),
            Ok("0000-01-01 10:11:12.5 +0000 UTC")
        );
        assert_eq!(
            p("2006-01-02", "2024-13-05"),
            Err("parsing time \"2024-13-05\": month out of range".into())
        );
        assert_eq!(
            p("2006-01-02", "x"),
            Err("parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\"".into())
        );
        assert_eq!(
            p("2006-01-02", "2024-02-30"),
            Err("parsing time \"2024-02-30\": day out of range".into())
        );
        assert_eq!(
            p("2006", "2024x"),
            Err("parsing time \"2024x\": extra text: \"x\"".into())
        );
    }
}

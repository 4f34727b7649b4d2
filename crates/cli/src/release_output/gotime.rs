//! Go's `time.Time.Format` for the times helm prints (Go `time/format.go`).
//!
//! helm formats each time in the location it was read with: a record written with a `Z`
//! suffix reads back as UTC, any other offset as the local zone when that zone has this
//! offset at that instant (Go's `time.Parse`), else as a zone without a name. Only the
//! `MST` layout element shows the zone's name.

use charthouse_release::GoTime;
use chrono::{DateTime, Datelike as _, FixedOffset, Offset as _, TimeZone as _, Timelike as _};

/// Go's `time.ANSIC`, used for LAST DEPLOYED, UPDATED (history) and test times.
pub const ANSIC: &str = "Mon Jan _2 15:04:05 2006";
/// Go's `time.RFC3339`, used for `get metadata`'s DEPLOYED_AT.
pub const RFC3339: &str = "2006-01-02T15:04:05Z07:00";
/// The layout of Go's `Time.String()`, used for `list`'s UPDATED.
pub const GO_STRING: &str = "2006-01-02 15:04:05.999999999 -0700 MST";

const LONG_MONTHS: [&str; 12] = [
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
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One element of a Go layout (`nextStdChunk`'s `std` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
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
    LongYear,
    Year,
    Pm,
    LowerPm,
    Tz,
    /// A numeric zone: `Z` variant (ISO 8601, `Z` for UTC), colon, seconds, short.
    NumTz {
        iso: bool,
        colon: bool,
        seconds: bool,
        short: bool,
    },
    /// Fractional seconds: separator, digit count, trim trailing zeros (`9`).
    Frac {
        sep: char,
        digits: usize,
        trim: bool,
    },
}

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Splits `layout` at its first layout element: (literal prefix, element, rest).
/// Mirrors Go's `nextStdChunk`, including its quirks (`Janx` is a month, `Janu` is not).
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let has = |i: usize, s: &str| b.get(i..i + s.len()) == Some(s.as_bytes());
    let num_tz = |iso, colon, seconds, short| Std::NumTz {
        iso,
        colon,
        seconds,
        short,
    };
    for i in 0..b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if has(i, "Jan") => {
                if has(i, "January") {
                    Some((Std::LongMonth, 7))
                } else if !starts_with_lower(&b[i + 3..]) {
                    Some((Std::Month, 3))
                } else {
                    None
                }
            }
            b'M' if has(i, "Mon") && has(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if has(i, "Mon") && !starts_with_lower(&b[i + 3..]) => Some((Std::WeekDay, 3)),
            b'M' if has(i, "MST") => Some((Std::Tz, 3)),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => {
                let std = match b[i + 1] {
                    b'1' => Std::ZeroMonth,
                    b'2' => Std::ZeroDay,
                    b'3' => Std::ZeroHour12,
                    b'4' => Std::ZeroMinute,
                    b'5' => Std::ZeroSecond,
                    _ => Std::Year,
                };
                Some((std, 2))
            }
            b'0' if has(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if has(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if has(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if has(i, "_2") => {
                if has(i, "_2006") {
                    // A literal `_` followed by the long year.
                    return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                }
                Some((Std::UnderDay, 2))
            }
            b'_' if has(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if has(i, "PM") => Some((Std::Pm, 2)),
            b'p' if has(i, "pm") => Some((Std::LowerPm, 2)),
            b'-' if has(i, "-070000") => Some((num_tz(false, false, true, false), 7)),
            b'-' if has(i, "-07:00:00") => Some((num_tz(false, true, true, false), 9)),
            b'-' if has(i, "-0700") => Some((num_tz(false, false, false, false), 5)),
            b'-' if has(i, "-07:00") => Some((num_tz(false, true, false, false), 6)),
            b'-' if has(i, "-07") => Some((num_tz(false, false, false, true), 3)),
            b'Z' if has(i, "Z070000") => Some((num_tz(true, false, true, false), 7)),
            b'Z' if has(i, "Z07:00:00") => Some((num_tz(true, true, true, false), 9)),
            b'Z' if has(i, "Z0700") => Some((num_tz(true, false, false, false), 5)),
            b'Z' if has(i, "Z07:00") => Some((num_tz(true, true, false, false), 6)),
            b'Z' if has(i, "Z07") => Some((num_tz(true, false, false, true), 3)),
            c @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let digit = b[i + 1];
                let mut j = i + 1;
                while b.get(j) == Some(&digit) {
                    j += 1;
                }
                // Only a run of digits that ends the number is a fraction.
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    let std = Std::Frac {
                        sep: char::from(c),
                        digits: j - (i + 1),
                        trim: digit == b'9',
                    };
                    Some((std, j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

fn pad(out: &mut String, n: u32, width: usize) {
    out.push_str(&format!("{n:0width$}"));
}

/// The zone name Go gives a time read from helm's JSON (see the module docs).
fn zone_name(t: &DateTime<FixedOffset>, local: Option<chrono_tz::Tz>) -> String {
    let offset = t.offset().local_minus_utc();
    if offset == 0 {
        return "UTC".to_owned();
    }
    local
        .map(|tz| tz.offset_from_utc_datetime(&t.naive_utc()))
        .filter(|o| o.fix().local_minus_utc() == offset)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Go's `time.Local`: `$TZ` (empty means UTC, a leading `:` is ignored), else the zone
/// `/etc/localtime` links to. `None` when it is not a zone chrono-tz knows.
pub fn local_zone() -> Option<chrono_tz::Tz> {
    let name = match std::env::var("TZ") {
        Ok(tz) if tz.is_empty() => "UTC".to_owned(),
        Ok(tz) => tz.trim_start_matches(':').to_owned(),
        Err(_) => {
            let target = std::fs::read_link("/etc/localtime").ok()?;
            let target = target.to_string_lossy().into_owned();
            let (_, name) = target.split_once("zoneinfo/")?;
            name.to_owned()
        }
    };
    name.parse().ok()
}

/// `t.Format(layout)` for a time as helm holds it after reading a record, with `local`
/// as Go's `time.Local` (it only names zones; see the module docs).
pub fn format(t: &GoTime, layout: &str, local: Option<chrono_tz::Tz>) -> String {
    let t = t.0;
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    while !rest.is_empty() {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        rest = suffix;
        let Some(std) = std else { break };
        append(&mut out, &t, std, local);
    }
    out
}

fn append(out: &mut String, t: &DateTime<FixedOffset>, std: Std, local: Option<chrono_tz::Tz>) {
    let month0 = t.month0() as usize;
    let weekday = t.weekday().num_days_from_sunday() as usize;
    match std {
        Std::LongMonth => out.push_str(LONG_MONTHS[month0]),
        Std::Month => out.push_str(&LONG_MONTHS[month0][..3]),
        Std::NumMonth => out.push_str(&t.month().to_string()),
        Std::ZeroMonth => pad(out, t.month(), 2),
        Std::LongWeekDay => out.push_str(LONG_DAYS[weekday]),
        Std::WeekDay => out.push_str(&LONG_DAYS[weekday][..3]),
        Std::Day => out.push_str(&t.day().to_string()),
        Std::UnderDay => out.push_str(&format!("{:>2}", t.day())),
        Std::ZeroDay => pad(out, t.day(), 2),
        Std::UnderYearDay => out.push_str(&format!("{:>3}", t.ordinal())),
        Std::ZeroYearDay => pad(out, t.ordinal(), 3),
        Std::Hour => pad(out, t.hour(), 2),
        Std::Hour12 => out.push_str(&hour12(t.hour()).to_string()),
        Std::ZeroHour12 => pad(out, hour12(t.hour()), 2),
        Std::Minute => out.push_str(&t.minute().to_string()),
        Std::ZeroMinute => pad(out, t.minute(), 2),
        Std::Second => out.push_str(&t.second().to_string()),
        Std::ZeroSecond => pad(out, t.second(), 2),
        Std::LongYear => {
            let y = t.year();
            if y < 0 {
                out.push('-');
            }
            pad(out, y.unsigned_abs(), 4);
        }
        Std::Year => pad(out, (t.year().rem_euclid(100)) as u32, 2),
        Std::Pm => out.push_str(if t.hour() >= 12 { "PM" } else { "AM" }),
        Std::LowerPm => out.push_str(if t.hour() >= 12 { "pm" } else { "am" }),
        Std::Tz => {
            let name = zone_name(t, local);
            if name.is_empty() {
                // Go's fallback for a zone without a name: -0700.
                numeric_zone(out, t.offset().local_minus_utc(), false, false, false);
            } else {
                out.push_str(&name);
            }
        }
        Std::NumTz {
            iso,
            colon,
            seconds,
            short,
        } => {
            let offset = t.offset().local_minus_utc();
            if iso && offset == 0 {
                out.push('Z');
            } else {
                numeric_zone(out, offset, colon, seconds, short);
            }
        }
        Std::Frac { sep, digits, trim } => {
            let nanos = t.nanosecond() % 1_000_000_000;
            if trim && (digits == 0 || nanos == 0) {
                return;
            }
            let all = format!("{nanos:09}");
            let mut frac = &all[..digits.min(9)];
            if trim {
                frac = frac.trim_end_matches('0');
                if frac.is_empty() {
                    return;
                }
            }
            out.push(sep);
            out.push_str(frac);
        }
    }
}

fn hour12(hour: u32) -> u32 {
    match hour % 12 {
        0 => 12,
        h => h,
    }
}

fn numeric_zone(out: &mut String, offset: i32, colon: bool, seconds: bool, short: bool) {
    let abs = offset.unsigned_abs();
    out.push(if offset < 0 { '-' } else { '+' });
    let minutes = abs / 60;
    pad(out, minutes / 60, 2);
    if colon {
        out.push(':');
    }
    if !short {
        pad(out, minutes % 60, 2);
    }
    if seconds {
        if colon {
            out.push(':');
        }
        pad(out, abs % 60, 2);
    }
}

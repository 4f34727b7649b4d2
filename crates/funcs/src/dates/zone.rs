//! Go's `*time.Location`s: UTC, `Local` (from `TZ` or `/etc/localtime`, as Go finds
//! it), IANA zones (`time.LoadLocation`, through chrono-tz's copy of the tz database),
//! and the fixed zones `time.Parse` fabricates.

use std::str::FromStr;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::{OffsetName, Tz};

/// A Go location.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Zone {
    /// `time.UTC`.
    Utc,
    /// `time.Local`: the machine's zone (`None` when that is UTC).
    Local(Option<Tz>),
    /// A zone of the tz database, by name.
    Named(Tz),
    /// `time.FixedZone(name, offset)`.
    Fixed(Arc<str>, i32),
}

/// The machine's zone, found as Go's `initLocal` does: `TZ` (empty: UTC; a leading `:`
/// ignored), else `/etc/localtime`; anything unknown is UTC.
static LOCAL: LazyLock<Option<Tz>> = LazyLock::new(|| {
    let name = match std::env::var("TZ") {
        Ok(tz) => tz.trim_start_matches(':').to_string(),
        Err(_) => std::fs::read_link("/etc/localtime")
            .ok()
            .and_then(|p| {
                let s = p.to_string_lossy().into_owned();
                s.split_once("zoneinfo/").map(|(_, n)| n.to_string())
            })
            .unwrap_or_default(),
    };
    match name.as_str() {
        "" | "UTC" => None,
        n => Tz::from_str(n).ok(),
    }
});

/// tzdata's `%z` abbreviation: `+hh`, or `+hhmm` when minutes are not zero.
fn numeric_abbreviation(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.unsigned_abs() / 60;
    if m.is_multiple_of(60) {
        format!("{sign}{:02}", m / 60)
    } else {
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }
}

impl Zone {
    /// `time.Local`.
    pub(crate) fn local() -> Zone {
        Zone::Local(*LOCAL)
    }

    /// Go's `time.LoadLocation`: `""` and `UTC` are UTC, `Local` is local, else a tz
    /// database name; `None` when unknown.
    pub(crate) fn load(name: &str) -> Option<Zone> {
        match name {
            "" | "UTC" => Some(Zone::Utc),
            "Local" => Some(Zone::local()),
            n => Tz::from_str(n).ok().map(Zone::Named),
        }
    }

    /// The zone abbreviation and offset east of UTC in force at Unix second `secs`.
    pub(crate) fn lookup(&self, secs: i64) -> (String, i32) {
        let tz = match self {
            Zone::Utc | Zone::Local(None) => return ("UTC".to_string(), 0),
            Zone::Fixed(name, off) => return (name.to_string(), *off),
            Zone::Local(Some(tz)) | Zone::Named(tz) => tz,
        };
        match DateTime::from_timestamp(secs, 0) {
            Some(utc) => {
                let off = tz.offset_from_utc_datetime(&utc.naive_utc());
                let secs = off.fix().local_minus_utc();
                // tzdata's numeric abbreviations ("-03", "+0530") have no name in chrono-tz.
                let abbr = match off.abbreviation() {
                    Some(a) if !a.is_empty() => a.to_string(),
                    _ => numeric_abbreviation(secs),
                };
                (abbr, secs)
            }
            None => ("UTC".to_string(), 0),
        }
    }

    /// The offset to subtract from a wall-clock reading `wall` (seconds, as if UTC) in
    /// this zone to get Unix seconds, as Go's `Date` picks it.
    pub(crate) fn offset_for_wall(&self, wall: i64) -> i32 {
        // Go: guess with the offset at `wall - offset` and adjust once.
        let (_, off) = self.lookup(wall);
        let unix = wall - i64::from(off);
        let (_, off2) = self.lookup(unix);
        if off2 == off {
            return off;
        }
        // Near a transition: take the offset that makes the reading consistent.
        let (_, off3) = self.lookup(wall - i64::from(off2));
        if off3 == off2 { off2 } else { off }
    }

    /// Finds the offset of zone abbreviation `name` in this zone around `secs` (Go's
    /// `Location.lookupName`), for parsing `MST`-style layouts.
    pub(crate) fn lookup_name(&self, name: &str, secs: i64) -> Option<i32> {
        // Try the offsets in force around the time, as Go scans the zone's periods.
        for probe in [secs, secs - 180 * 86400, secs + 180 * 86400] {
            let (abbr, off) = self.lookup(probe - i64::from(self.lookup(probe).1));
            if abbr == name {
                return Some(off);
            }
        }
        None
    }
}

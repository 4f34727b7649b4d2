//! Go's `time.Time` as `encoding/json` writes it (RFC 3339 with nanoseconds, trailing
//! zeros trimmed, `Z` for UTC).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, Timelike as _, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, printed exactly as Go's `time.Time.MarshalJSON` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoTime(pub DateTime<FixedOffset>);

impl GoTime {
    /// Go's zero time, `0001-01-01T00:00:00Z`, which helm writes for unset times in
    /// fields without `omitzero`.
    pub fn zero() -> GoTime {
        // Year 1 is always a valid date; the fallback only satisfies the type checker.
        let date = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
        GoTime(date.and_time(NaiveTime::MIN).and_utc().fixed_offset())
    }

    /// The current time in UTC.
    pub fn now() -> GoTime {
        GoTime(Utc::now().fixed_offset())
    }

    /// Whether this is Go's zero time.
    pub fn is_zero(&self) -> bool {
        *self == GoTime::zero()
    }

    /// Seconds since the Unix epoch (helm's `createdAt`/`modifiedAt` labels).
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }

    /// `time.RFC3339Nano`: fractional seconds without trailing zeros, `Z` for UTC.
    pub fn to_go_string(&self) -> String {
        let t = self.0;
        let mut out = t.format("%Y-%m-%dT%H:%M:%S").to_string();
        let nanos = t.nanosecond() % 1_000_000_000;
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        let offset = t.offset().local_minus_utc();
        if offset == 0 {
            out.push('Z');
        } else {
            // chrono prints the offset as +hh:mm, as Go does.
            let rfc = t.to_rfc3339_opts(SecondsFormat::Secs, false);
            out.push_str(&rfc[rfc.len() - 6..]);
        }
        out
    }
}

impl Default for GoTime {
    /// Go's zero time.
    fn default() -> Self {
        GoTime::zero()
    }
}

impl fmt::Display for GoTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_go_string())
    }
}

impl Serialize for GoTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_go_string())
    }
}

impl<'de> Deserialize<'de> for GoTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(GoTime)
            .map_err(|e| serde::de::Error::custom(format!("invalid time {text:?}: {e}")))
    }
}

/// serde helpers for `omitzero` times that helm may also write as `""` or omit.
pub(crate) mod optional {
    use super::GoTime;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Skips absent and zero times, as Go's `omitzero` does.
    pub(crate) fn is_unset(t: &Option<GoTime>) -> bool {
        t.as_ref().is_none_or(GoTime::is_zero)
    }

    pub(crate) fn serialize<S: Serializer>(t: &Option<GoTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.to_go_string()),
            None => s.serialize_none(),
        }
    }

    /// helm's `Info.UnmarshalJSON` treats `""` like a missing time.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<GoTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => chrono::DateTime::parse_from_rfc3339(&text)
                .map(|t| Some(GoTime(t)))
                .map_err(|e| serde::de::Error::custom(format!("invalid time {text:?}: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> GoTime {
        GoTime(DateTime::parse_from_rfc3339(s).unwrap())
    }

    #[test]
    fn prints_like_go() {
        assert_eq!(
            t("2026-11-21T19:12:41.191755198Z").to_go_string(),
            "2026-11-21T19:12:41.191755198Z"
        );
        assert_eq!(
            t("2026-11-21T19:12:41.1917552Z").to_go_string(),
            "2026-11-21T19:12:41.1917552Z"
        );
        assert_eq!(
            t("2026-11-21T19:12:41Z").to_go_string(),
            "2026-11-21T19:12:41Z"
        );
        assert_eq!(
            t("2026-11-21T20:12:41.5+01:00").to_go_string(),
            "2026-11-21T20:12:41.5+01:00"
        );
        assert_eq!(GoTime::zero().to_go_string(), "0001-01-01T00:00:00Z");
        assert!(GoTime::zero().is_zero());
    }
}

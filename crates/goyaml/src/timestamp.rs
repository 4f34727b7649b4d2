//! yaml.v2's timestamp recognition (`resolve.go` `parseTimestamp`), which
//! tries Go's `time.Parse` with four layouts. A string that parses is a
//! timestamp to yaml.v2, so the writer must quote it; we only need the
//! yes/no answer, never the time itself.
//!
//! The layouts are `2006-1-2T15:4:5.999999999Z07:00`, the same with a
//! lower-case `t`, `2006-1-2 15:4:5.999999999` and `2006-1-2`. We follow
//! Go's `time/format.go` rules for them: one- or two-digit month, day, hour,
//! minute and second; an optional fraction after `.` or `,`; `Z` or a
//! `±hh:mm` offset; range checks including the days of each month.

/// Reports whether yaml.v2 would resolve `s` as a `!!timestamp`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    // yaml.v2's quick check: exactly four leading digits, then '-'.
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead != 4 || b.len() == 4 || b[4] != b'-' {
        return false;
    }
    let Some((year, rest)) = date(b) else {
        return false;
    };
    let _ = year;
    if rest.is_empty() {
        return true;
    }
    match rest[0] {
        b'T' | b't' => time(&rest[1..], true),
        b' ' => time(&rest[1..], false),
        _ => false,
    }
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(s: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = *s.first()?;
    if !d0.is_ascii_digit() {
        return None;
    }
    match s.get(1) {
        Some(d1) if d1.is_ascii_digit() => {
            Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &s[2..]))
        }
        _ => Some((u32::from(d0 - b'0'), &s[1..])),
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `2006-1-2`: the date part, validated; returns the rest.
fn date(b: &[u8]) -> Option<(u32, &[u8])> {
    let year = b[..4]
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    let (month, rest) = getnum(&b[5..])?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = getnum(rest)?;
    if day < 1 || day > days_in(month, year) {
        return None;
    }
    Some((year, rest))
}

/// `15:4:5.999999999` optionally followed by `Z07:00`.
fn time(b: &[u8], zone: bool) -> bool {
    let Some((hour, rest)) = getnum(b) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(b":") else {
        return false;
    };
    let Some((min, rest)) = getnum(rest) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(b":") else {
        return false;
    };
    let Some((sec, mut rest)) = getnum(rest) else {
        return false;
    };
    if hour >= 24 || min >= 60 || sec >= 60 {
        return false;
    }
    if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit() {
        let n = 1 + rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[n..];
    }
    if !zone {
        return rest.is_empty();
    }
    if rest == b"Z" {
        return true;
    }
    if rest.len() != 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
        return false;
    }
    let two = |s: &[u8]| -> Option<u32> {
        (s[0].is_ascii_digit() && s[1].is_ascii_digit())
            .then(|| u32::from(s[0] - b'0') * 10 + u32::from(s[1] - b'0'))
    };
    matches!((two(&rest[1..3]), two(&rest[4..6])), (Some(h), Some(m)) if h <= 24 && m <= 60)
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn layouts() {
        for yes in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14T21:59:43.10Z",
            "2001-12-14t21:59:43Z",
            "2001-12-14T21:59:43+05:30",
            "2001-12-14 21:59:43",
            "2001-12-14 1:2:3.5",
            "2000-02-29",
        ] {
            assert!(is_timestamp(yes), "{yes}");
        }
        for no in [
            "2001-13-01",
            "2001-02-29",
            "2001-12-14T21:59:43",
            "2001-12-14 21:59:43Z",
            "20011-12-14",
            "2001-12-14x",
            "2001-12-14T25:00:00Z",
            "2001-",
        ] {
            assert!(!is_timestamp(no), "{no}");
        }
    }
}

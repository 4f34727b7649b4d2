//! yaml.v2's map key order (`sorter.go` `keyList.Less`) for string keys.
//!
//! It is not byte order: runs of digits compare by numeric value (`a2`
//! before `a10`), letters sort before non-letters at the first difference,
//! and letters compare by code point. Keys are compared rune by rune.

use std::cmp::Ordering;

/// Go's `unicode.IsLetter`, approximated by Rust's alphabetic property
/// minus the marks and numbers Rust counts as alphabetic. ASCII is exact.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && !c.is_numeric()
}

/// Go's `unicode.IsDigit` (category Nd); ASCII is exact.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.is_numeric()
}

/// `keyList.Less(a, b)` for two strings.
pub(crate) fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        // Both non-letters: compare the digit runs starting here by value.
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            // A zero inside a number that already had a non-zero digit is
            // an ordinary digit; sorter.go seeds both counts with 1 then.
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u32) - i64::from(b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u32) - i64::from(b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Sorts keys in yaml.v2 order. Go uses an unstable sort, but keys of a
/// map are distinct and `key_less` is a strict order on them in practice.
pub(crate) fn sort_keys<T>(items: &mut [(&str, T)]) {
    items.sort_by(|(a, _), (b, _)| {
        if key_less(a, b) {
            Ordering::Less
        } else if key_less(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
}

#[cfg(test)]
mod tests {
    use super::key_less;

    #[test]
    fn natural_order() {
        assert!(key_less("a2", "a10"));
        assert!(key_less("a", "b"));
        assert!(key_less("B", "a"));
        assert!(key_less("_", "a"));
        assert!(key_less("1", "a"));
        assert!(!key_less("a", "1"));
        assert!(key_less("ab", "abc"));
        assert!(key_less("1", "02") || key_less("02", "1"));
    }
}
#[cfg(test)]
mod dbg {
    #[test]
    fn dbg_sort() {
        let mut v: Vec<(&str, ())> = ["img9", "img10", "img09", "img010", "img1a", "img1b", "img1"]
            .iter()
            .map(|s| (*s, ()))
            .collect();
        super::sort_keys(&mut v);
        eprintln!("{:?}", v.iter().map(|x| x.0).collect::<Vec<_>>());
        eprintln!("{}", super::key_less("img10", "img9"));
    }
}

//! yaml.v2's map key order (`sorter.go` `keyList.Less`) for string keys.
//!
//! It is not byte order: runs of digits compare by numeric value (`a2`
//! before `a10`), letters sort before non-letters at the first difference,
//! and letters compare by code point. Keys are compared rune by rune.

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
#[cfg(test)]
pub(crate) fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    less_chars(&ar, &br)
}

fn less_chars(ar: &[char], br: &[char]) -> bool {
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

/// Sorts keys in yaml.v2 order.
///
/// `keyList.Less` is not a total order when letters and digit runs mix
/// (`img10 < img1a < img9 < img10`), so Go's result then depends on its
/// random map order and helm's output varies from run to run. Rust's
/// standard sorts may panic on such a comparator, so we merge-sort by hand:
/// it always terminates with some order, and for consistent keys (nearly
/// all real ones) it is the one order Go produces too.
pub(crate) fn sort_keys<T>(items: &mut Vec<(&str, T)>) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let chars: Vec<Vec<char>> = items.iter().map(|(k, _)| k.chars().collect()).collect();
    let mut idx: Vec<usize> = (0..n).collect();
    let mut buf: Vec<usize> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                // Take from the right only when strictly less: stable.
                if less_chars(&chars[idx[j]], &chars[idx[i]]) {
                    buf[k] = idx[j];
                    j += 1;
                } else {
                    buf[k] = idx[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + (mid - i)].copy_from_slice(&idx[i..mid]);
            k += mid - i;
            buf[k..k + (end - j)].copy_from_slice(&idx[j..end]);
            start = end;
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    let mut slots: Vec<Option<(&str, T)>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(idx.into_iter().filter_map(|i| slots[i].take()));
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
mod order_tests {
    use super::sort_keys;

    #[test]
    fn inconsistent_keys_still_sort() {
        // img10 < img1a < img9 < img10: no total order exists; we must
        // still return every key once without panicking.
        let keys = ["img9", "img10", "img09", "img010", "img1a", "img1b", "img1"];
        let mut v: Vec<(&str, usize)> = keys.iter().copied().zip(0..).collect();
        sort_keys(&mut v);
        let mut got: Vec<&str> = v.iter().map(|x| x.0).collect();
        got.sort_unstable();
        let mut want = keys.to_vec();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn consistent_keys_in_go_order() {
        let mut v: Vec<(&str, ())> = ["b", "a10", "a2", "A", "_", "a"]
            .iter()
            .map(|k| (*k, ()))
            .collect();
        sort_keys(&mut v);
        let got: Vec<&str> = v.iter().map(|x| x.0).collect();
        assert_eq!(got, ["_", "A", "a", "a2", "a10", "b"]);
    }
}

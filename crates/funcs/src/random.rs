//! Sprig's random functions (sprig v3.3.0 strings.go, crypto.go, functions.go):
//! `randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii` (Masterminds/goutils'
//! `CryptoRandom*`), `randInt` (math/rand's `Intn`), `uuidv4` (google/uuid) and
//! `shuffle` (huandu/xstrings' `Shuffle`).
//!
//! Output cannot match helm byte for byte; it has the same form: the same alphabets
//! and lengths, the same UUID layout, and the same failures (`randInt` with
//! `max <= min` fails as Go's `Intn` panics).

use charthouse_gotmpl::{Func, FuncError, GoType, IntType, Signature, Value};

/// Fills `buf` from the operating system's generator (Go's `crypto/rand`).
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), FuncError> {
    getrandom::fill(buf).map_err(|e| FuncError::new(e.to_string()))
}

/// A uniform number in `0..n` (`n > 0`), by rejection sampling so that no value is
/// favoured. Falls back to 0 if the system generator fails, which it does not on any
/// platform we ship for.
pub(crate) fn below(n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let mut b = [0u8; 8];
        if fill(&mut b).is_err() {
            return 0;
        }
        let x = u64::from_le_bytes(b);
        if x < zone {
            return x % n;
        }
    }
}

const ALPHA: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `count` characters drawn uniformly from `alphabet`; empty for `count <= 0` (goutils
/// reports an error for negative counts, which Sprig drops).
fn random_string(count: i64, alphabet: &[u8]) -> String {
    if count <= 0 {
        return String::new();
    }
    (0..count)
        .map(|_| char::from(alphabet[below(alphabet.len() as u64) as usize]))
        .collect()
}

/// The printable ASCII range goutils' `CryptoRandomAscii` draws from (32..=126).
fn ascii_alphabet() -> Vec<u8> {
    (32u8..=126).collect()
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    args.get(i).and_then(Value::as_i64).unwrap_or(0)
}

pub(crate) fn register(out: &mut Vec<Func>) {
    let int = GoType::Int(IntType::Int);
    let count_sig = || Signature::new(vec![GoType::Int(IntType::Int)], GoType::String);
    out.push(Func::new("randAlphaNum", count_sig(), |_, a| {
        Ok(Value::from(random_string(int_arg(a, 0), ALNUM.as_bytes())))
    }));
    out.push(Func::new("randAlpha", count_sig(), |_, a| {
        Ok(Value::from(random_string(int_arg(a, 0), ALPHA.as_bytes())))
    }));
    out.push(Func::new("randNumeric", count_sig(), |_, a| {
        Ok(Value::from(random_string(int_arg(a, 0), DIGITS.as_bytes())))
    }));
    out.push(Func::new("randAscii", count_sig(), |_, a| {
        Ok(Value::from(random_string(int_arg(a, 0), &ascii_alphabet())))
    }));
    out.push(Func::new(
        "randInt",
        Signature::new(vec![int.clone(), int.clone()], int),
        |_, a| {
            let (min, max) = (int_arg(a, 0), int_arg(a, 1));
            let span = max.wrapping_sub(min);
            if span <= 0 {
                // math/rand.Intn panics for n <= 0; text/template reports the panic.
                return Err(FuncError::new("invalid argument to Intn"));
            }
            Ok(Value::int(min.wrapping_add(below(span as u64) as i64)))
        },
    ));
    out.push(Func::new(
        "uuidv4",
        Signature::new(vec![], GoType::String),
        |_, _| uuidv4().map(Value::from),
    ));
    out.push(Func::new(
        "shuffle",
        Signature::new(vec![GoType::String], GoType::String),
        |_, a| {
            let mut chars: Vec<char> = a
                .first()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .chars()
                .collect();
            // Fisher-Yates, as xstrings.Shuffle does over runes.
            for i in (1..chars.len()).rev() {
                let j = below(i as u64 + 1) as usize;
                chars.swap(i, j);
            }
            Ok(Value::from(chars.into_iter().collect::<String>()))
        },
    ));
}

/// A random (version 4, RFC 4122 variant) UUID in its canonical hyphenated form.
fn uuidv4() -> Result<String, FuncError> {
    let mut b = [0u8; 16];
    fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
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
    fn alphabets_and_lengths() {
        let s = run("{{ randAlphaNum 64 }}").unwrap_or_default();
        assert_eq!(s.len(), 64);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        let s = run("{{ randAlpha 40 }}").unwrap_or_default();
        assert!(s.len() == 40 && s.chars().all(|c| c.is_ascii_alphabetic()));
        let s = run("{{ randNumeric 40 }}").unwrap_or_default();
        assert!(s.len() == 40 && s.chars().all(|c| c.is_ascii_digit()));
        let s = run("{{ randAscii 200 }}").unwrap_or_default();
        assert!(s.len() == 200 && s.bytes().all(|c| (32..=126).contains(&c)));
        assert_eq!(
            run("[{{ randAlpha 0 }}{{ randAlpha -3 }}]").as_deref(),
            Ok("[]")
        );
    }

    #[test]
    fn rand_int_range_and_failure() {
        for _ in 0..200 {
            let n: i64 = run("{{ randInt 3 6 }}")
                .unwrap_or_default()
                .parse()
                .unwrap_or(-1);
            assert!((3..6).contains(&n), "{n}");
        }
        let e = run("{{ randInt 5 5 }}").err().unwrap_or_default();
        assert!(
            e.ends_with("error calling randInt: invalid argument to Intn"),
            "{e}"
        );
    }

    #[test]
    fn uuid_layout() {
        let u = run("{{ uuidv4 }}").unwrap_or_default();
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(
            parts[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
        assert!(
            u.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(u, run("{{ uuidv4 }}").unwrap_or_default());
    }

    #[test]
    fn shuffle_keeps_the_characters() {
        let s = run(r#"{{ shuffle "héllo wörld" }}"#).unwrap_or_default();
        let mut a: Vec<char> = s.chars().collect();
        let mut b: Vec<char> = "héllo wörld".chars().collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }

    #[test]
    fn below_is_in_range() {
        assert!((0..1000).all(|_| below(7) < 7));
        assert_eq!(below(1), 0);
    }
}

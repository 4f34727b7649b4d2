//! helm's release name rules (`pkg/chart/v2/util/validate_name.go`).

use crate::Error;

/// The longest release name helm accepts: resource names built from it get 10 more
/// characters before Kubernetes' 63-character label limit.
const MAX_RELEASE_NAME_LEN: usize = 53;

/// The regular expression helm prints in its error message.
const NAME_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Checks a release name as helm's `ValidateReleaseName` does, with helm's messages.
///
/// # Errors
/// [`Error::InvalidName`] for an empty name, a name longer than 53 bytes, or one that is
/// not lowercase DNS-1123 labels joined by dots.
pub fn validate_release_name(name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::InvalidName("no name provided".to_owned()));
    }
    if name.len() > MAX_RELEASE_NAME_LEN || !name.split('.').all(is_dns_label) {
        return Err(Error::InvalidName(format!(
            "invalid release name, must match regex {NAME_PATTERN} and the length must not be longer than 53"
        )));
    }
    Ok(())
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`: what each dot-separated part must be.
fn is_dns_label(part: &str) -> bool {
    let bytes = part.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            alnum(first) && alnum(last) && bytes.iter().all(|b| alnum(b) || *b == b'-')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::validate_release_name;

    #[test]
    fn accepts_helm_names() {
        for ok in ["a", "web", "my-app.v2", "0", "a.b.c", &"x".repeat(53)] {
            assert!(validate_release_name(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_what_helm_rejects() {
        for bad in [
            "",
            "Web",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a.",
            "a_b",
            "ä",
            &"x".repeat(54),
        ] {
            assert!(validate_release_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            validate_release_name("").unwrap_err().to_string(),
            "no name provided"
        );
        assert_eq!(
            validate_release_name("A").unwrap_err().to_string(),
            r"invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
        );
    }
}

//! Authentication by bearer token against a static user list, and the small authorizer
//! the sandbox has: `system:masters` may do anything, every authenticated user may read
//! discovery, OpenAPI and health endpoints and ask who they are, and anonymous requests
//! may only read health and version (as the API server's `system:public-info-viewer`).

use std::collections::HashMap;

/// One user the sandbox accepts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserSpec {
    /// The user name, as `TokenReview` and audit logs report it.
    pub name: String,
    /// The bearer token that authenticates as this user.
    pub token: String,
    /// Groups; `system:masters` grants everything.
    pub groups: Vec<String>,
}

impl UserSpec {
    /// An administrator (`system:masters`) with the given token.
    pub fn admin(token: impl Into<String>) -> Self {
        UserSpec {
            name: "kubernetes-admin".into(),
            token: token.into(),
            groups: vec!["system:masters".into()],
        }
    }
}

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct User {
    pub(crate) name: String,
    pub(crate) uid: String,
    pub(crate) groups: Vec<String>,
}

impl User {
    /// The user of requests without credentials.
    pub(crate) fn anonymous() -> Self {
        User {
            name: "system:anonymous".into(),
            uid: String::new(),
            groups: vec!["system:unauthenticated".into()],
        }
    }

    pub(crate) fn is_anonymous(&self) -> bool {
        self.name == "system:anonymous"
    }

    pub(crate) fn is_admin(&self) -> bool {
        self.groups.iter().any(|g| g == "system:masters")
    }
}

impl User {
    /// The user a request acts as with `Impersonate-User`/`Impersonate-Group` headers: only
    /// admins (`system:masters`) may impersonate here; the impersonated user gets the
    /// groups asked for plus `system:authenticated`, as the API server gives them.
    pub(crate) fn impersonate(&self, target: &str, groups: Vec<String>) -> Result<User, String> {
        if !self.is_admin() {
            return Err(self.name.clone());
        }
        let mut groups = groups;
        if !groups.iter().any(|g| g == "system:authenticated") {
            groups.push("system:authenticated".into());
        }
        Ok(User {
            name: target.to_string(),
            uid: String::new(),
            groups,
        })
    }
}

/// The token table.
#[derive(Debug, Clone)]
pub(crate) struct Authenticator {
    by_token: HashMap<String, User>,
}

/// The outcome of looking at a request's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Authn {
    User(User),
    Anonymous,
    /// A token was sent but is unknown: 401.
    Rejected,
}

impl Authenticator {
    pub(crate) fn new(users: &[UserSpec]) -> Self {
        let by_token = users
            .iter()
            .map(|u| {
                let mut groups = u.groups.clone();
                if !groups.iter().any(|g| g == "system:authenticated") {
                    groups.push("system:authenticated".into());
                }
                (
                    u.token.clone(),
                    User {
                        name: u.name.clone(),
                        uid: format!("sandbox-{}", u.name),
                        groups,
                    },
                )
            })
            .collect();
        Authenticator { by_token }
    }

    /// The user a bearer token belongs to.
    pub(crate) fn lookup(&self, token: &str) -> Option<&User> {
        self.by_token.get(token)
    }

    /// Reads the `Authorization` header.
    pub(crate) fn authenticate(&self, header: Option<&str>) -> Authn {
        let Some(h) = header else {
            return Authn::Anonymous;
        };
        let token = match h.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
            _ => return Authn::Rejected,
        };
        match self.lookup(token) {
            Some(u) => Authn::User(u.clone()),
            None => Authn::Rejected,
        }
    }
}

/// Non-resource paths anonymous users may GET.
pub(crate) fn public_path(path: &str) -> bool {
    matches!(path, "/healthz" | "/livez" | "/readyz" | "/version")
        || path.starts_with("/healthz/")
        || path.starts_with("/livez/")
        || path.starts_with("/readyz/")
}

/// Whether a non-admin, authenticated user may make this resource request: only the
/// self-inspection reviews that `system:basic-user` grants.
pub(crate) fn basic_user_allows(group: &str, resource: &str, verb: &str) -> bool {
    verb == "create"
        && matches!(
            (group, resource),
            ("authorization.k8s.io", "selfsubjectaccessreviews")
                | ("authorization.k8s.io", "selfsubjectrulesreviews")
                | ("authentication.k8s.io", "selfsubjectreviews")
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_map_to_users() {
        let a = Authenticator::new(&[UserSpec::admin("t0k")]);
        match a.authenticate(Some("Bearer t0k")) {
            Authn::User(u) => {
                assert!(u.is_admin());
                assert!(u.groups.contains(&"system:authenticated".to_string()));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(a.authenticate(Some("Bearer nope")), Authn::Rejected);
        assert_eq!(a.authenticate(Some("Basic abc")), Authn::Rejected);
        assert_eq!(a.authenticate(None), Authn::Anonymous);
    }

    #[test]
    fn public_paths() {
        assert!(public_path("/version"));
        assert!(public_path("/readyz/ping"));
        assert!(!public_path("/api"));
    }
}

//! How a revision is stored on the cluster: object names, labels, and the Secret or
//! ConfigMap that holds the payload (`pkg/storage/driver/secrets.go`, `cfgmaps.go`,
//! `labels.go`).
//!
//! Objects are built and read as JSON; sending them is the `kube` crate's job.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::{Error, Release, Result, codec};

/// The prefix of every storage object's name.
pub const STORAGE_TYPE: &str = "sh.helm.release.v1";

/// The Secret `type` helm gives release Secrets.
pub const SECRET_TYPE: &str = "helm.sh/release.v1";

/// The `owner` label value of every release object.
pub const OWNER: &str = "helm";

/// Labels helm manages itself; user labels may not use these keys.
pub const SYSTEM_LABELS: [&str; 6] = [
    "name",
    "owner",
    "status",
    "version",
    "createdAt",
    "modifiedAt",
];

/// `sh.helm.release.v1.NAME.vREV`: the storage object of one revision.
pub fn key(name: &str, version: i64) -> String {
    format!("{STORAGE_TYPE}.{name}.v{version}")
}

/// The label selector that lists every revision of `name` (or of all releases).
pub fn selector(name: Option<&str>) -> String {
    match name {
        Some(name) => format!("owner={OWNER},name={name}"),
        None => format!("owner={OWNER}"),
    }
}

/// Whether `key` is one of helm's own labels.
pub fn is_system_label(key: &str) -> bool {
    SYSTEM_LABELS.contains(&key)
}

/// Where release records are kept (`HELM_DRIVER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    /// Secrets in the release namespace (the default).
    Secret,
    /// ConfigMaps in the release namespace.
    ConfigMap,
    /// Process memory: nothing reaches the cluster.
    Memory,
}

impl DriverKind {
    /// Reads `HELM_DRIVER` as helm does; empty means Secrets.
    ///
    /// # Errors
    /// helm's `unknown driver` message for anything else (including `sql`, which
    /// charthouse does not offer).
    pub fn from_env_value(value: &str) -> Result<DriverKind> {
        match value {
            "" | "secret" | "secrets" => Ok(DriverKind::Secret),
            "configmap" | "configmaps" => Ok(DriverKind::ConfigMap),
            "memory" => Ok(DriverKind::Memory),
            other => Err(Error::UnknownDriver(other.to_owned())),
        }
    }
}

impl fmt::Display for DriverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DriverKind::Secret => "Secret",
            DriverKind::ConfigMap => "ConfigMap",
            DriverKind::Memory => "Memory",
        })
    }
}

/// Why an object is being written, which decides the timestamp label helm sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A new revision: `createdAt` is set.
    Create {
        /// Seconds since the Unix epoch.
        unix_seconds: i64,
    },
    /// A rewrite of an existing revision: `modifiedAt` is set (and, as in helm, the
    /// object's labels are replaced, so `createdAt` is not carried over).
    Update {
        /// Seconds since the Unix epoch.
        unix_seconds: i64,
    },
}

/// The labels helm puts on a revision's object: user labels, then its own.
pub fn labels(release: &Release, write: Write) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = release
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match write {
        Write::Create { unix_seconds } => {
            labels.insert("createdAt".into(), unix_seconds.to_string())
        }
        Write::Update { unix_seconds } => {
            labels.insert("modifiedAt".into(), unix_seconds.to_string())
        }
    };
    labels.insert("name".into(), release.name.clone());
    labels.insert("owner".into(), OWNER.into());
    labels.insert("status".into(), release.status().as_str().to_owned());
    labels.insert("version".into(), release.version.to_string());
    labels
}

/// The Secret holding `release`, as helm's Secret driver writes it.
///
/// # Errors
/// When the record cannot be encoded.
pub fn secret(release: &Release, write: Write) -> Result<Value> {
    let payload = codec::encode(release)?;
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": object_meta(release, write),
        "type": SECRET_TYPE,
        // Secret data is base64 on the wire, of bytes that are themselves base64 text.
        "data": {"release": STANDARD.encode(payload.as_bytes())},
    }))
}

/// The ConfigMap holding `release`, as helm's ConfigMap driver writes it.
///
/// # Errors
/// When the record cannot be encoded.
pub fn config_map(release: &Release, write: Write) -> Result<Value> {
    let payload = codec::encode(release)?;
    Ok(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": object_meta(release, write),
        "data": {"release": payload},
    }))
}

fn object_meta(release: &Release, write: Write) -> Value {
    json!({
        "name": key(&release.name, release.version),
        "namespace": release.namespace,
        "labels": labels(release, write),
    })
}

/// Reads the release stored in a Secret or ConfigMap (as JSON from the API server),
/// with its user labels.
///
/// # Errors
/// [`Error::NotAReleaseObject`] when the object has no payload, or the payload errors of
/// [`codec::decode`].
pub fn from_object(object: &Value) -> Result<Release> {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let not_release = |reason| Error::NotAReleaseObject {
        object: name.clone(),
        reason,
    };
    let data = object
        .pointer("/data/release")
        .and_then(Value::as_str)
        .ok_or_else(|| not_release("no data.release"))?;
    let payload = match object.get("kind").and_then(Value::as_str) {
        Some("Secret") => {
            let bytes = STANDARD
                .decode(data.as_bytes())
                .map_err(Error::DecodeBase64)?;
            String::from_utf8(bytes).map_err(|_| not_release("data.release is not text"))?
        }
        Some("ConfigMap") => data.to_owned(),
        _ => return Err(not_release("neither a Secret nor a ConfigMap")),
    };
    let mut release = codec::decode(&payload)?;
    if let Some(labels) = object
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
    {
        release.labels = labels
            .iter()
            .filter(|(k, _)| !is_system_label(k))
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect();
    }
    Ok(release)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Info, Status};

    fn release() -> Release {
        Release {
            name: "web".into(),
            version: 3,
            namespace: "apps".into(),
            info: Some(Info {
                status: Status::Deployed,
                ..Info::default()
            }),
            labels: [
                ("team".to_owned(), "a".to_owned()),
                ("name".to_owned(), "spoof".to_owned()),
            ]
            .into(),
            ..Release::default()
        }
    }

    #[test]
    fn secret_layout_and_labels() {
        let obj = secret(
            &release(),
            Write::Create {
                unix_seconds: 1700000000,
            },
        )
        .unwrap();
        assert_eq!(obj["metadata"]["name"], "sh.helm.release.v1.web.v3");
        assert_eq!(obj["metadata"]["namespace"], "apps");
        assert_eq!(obj["type"], "helm.sh/release.v1");
        assert_eq!(
            obj["metadata"]["labels"],
            json!({"createdAt": "1700000000", "name": "web", "owner": "helm", "status": "deployed", "team": "a", "version": "3"})
        );
        let back = from_object(&obj).unwrap();
        assert_eq!(back.labels, [("team".to_owned(), "a".to_owned())].into());
        assert_eq!(back.version, 3);
    }

    #[test]
    fn configmap_round_trip_and_update_labels() {
        let obj = config_map(&release(), Write::Update { unix_seconds: 5 }).unwrap();
        assert!(obj["data"]["release"].as_str().unwrap().starts_with("H4sI"));
        assert_eq!(obj["metadata"]["labels"]["modifiedAt"], "5");
        assert!(obj["metadata"]["labels"].get("createdAt").is_none());
        assert_eq!(from_object(&obj).unwrap().name, "web");
    }

    #[test]
    fn driver_names() {
        assert_eq!(DriverKind::from_env_value("").unwrap(), DriverKind::Secret);
        assert_eq!(
            DriverKind::from_env_value("configmaps").unwrap(),
            DriverKind::ConfigMap
        );
        assert_eq!(
            DriverKind::from_env_value("etcd").unwrap_err().to_string(),
            "unknown driver \"etcd\""
        );
    }

    #[test]
    fn non_release_objects_are_errors() {
        let err = from_object(&json!({"kind": "Secret", "metadata": {"name": "x"}, "data": {}}))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "storage object \"x\" is not a helm release: no data.release"
        );
    }
}

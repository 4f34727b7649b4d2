//! Release records on the cluster with helm's drivers (`HELM_DRIVER`): Secrets (the
//! default), ConfigMaps, or process memory.
//!
//! Listing is cheap by design: one request returns every revision of a release, and
//! `list` decodes only the newest revision of each release, found from labels.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use charthouse_release::Release;
use charthouse_release::storage::{self, DriverKind, Write};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::Api;
use kube::api::{DeleteParams, ListParams, PostParams};
use serde_json::Value;

use crate::{Error, Result};

/// Where release records live.
#[derive(Clone)]
pub struct Storage {
    driver: DriverKind,
    client: kube::Client,
    memory: Arc<Mutex<Vec<Release>>>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("driver", &self.driver)
            .finish_non_exhaustive()
    }
}

impl Storage {
    /// Records kept with `driver` through `client`.
    pub fn new(driver: DriverKind, client: kube::Client) -> Storage {
        Storage {
            driver,
            client,
            memory: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The driver in use.
    pub fn driver(&self) -> &DriverKind {
        &self.driver
    }

    /// Every revision of `name` in `namespace`, oldest first.
    ///
    /// # Errors
    ///
    /// API failures and undecodable records.
    pub async fn history(&self, namespace: &str, name: &str) -> Result<Vec<Release>> {
        let selector = storage::selector(Some(name));
        let mut out = Vec::new();
        for object in self.list_objects(Some(namespace), &selector).await? {
            out.push(decode(&object)?);
        }
        out.sort_by_key(|r| r.version);
        Ok(out)
    }

    /// The newest revision of every release in `namespace` (all namespaces when `None`),
    /// decoding only those: helm decodes every revision.
    ///
    /// # Errors
    ///
    /// API failures and undecodable records.
    ///
    /// With `skip_superseded` the server leaves superseded revisions out
    /// (`status!=superseded`): the newest revision of a release is never superseded
    /// (a revision is superseded only when a newer one deploys), and in a long history
    /// nearly every record is, so `list` then transfers and parses one record per
    /// release instead of all of them.
    pub async fn latest_of_each(
        &self,
        namespace: Option<&str>,
        skip_superseded: bool,
    ) -> Result<Vec<Release>> {
        let mut selector = storage::selector(None);
        if skip_superseded {
            selector.push_str(",status!=superseded");
        }
        let objects = self.list_objects(namespace, &selector).await?;
        let mut newest: BTreeMap<(String, String), (i64, &Value)> = BTreeMap::new();
        for object in &objects {
            let label = |k: &str| {
                object
                    .pointer(&format!("/metadata/labels/{k}"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let ns = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let version: i64 = label("version").parse().unwrap_or(0);
            let entry = newest
                .entry((ns, label("name")))
                .or_insert((version, object));
            if version > entry.0 {
                *entry = (version, object);
            }
        }
        newest.values().map(|(_, o)| decode(o)).collect()
    }

    /// Every revision of every release in `namespace` (all namespaces when `None`).
    ///
    /// # Errors
    ///
    /// API failures and undecodable records.
    pub async fn all_revisions(&self, namespace: Option<&str>) -> Result<Vec<Release>> {
        let objects = self
            .list_objects(namespace, &storage::selector(None))
            .await?;
        objects.iter().map(decode).collect()
    }

    /// Writes a new revision; fails when it exists (helm's "already exists").
    ///
    /// # Errors
    ///
    /// API failures, 409 when another writer created the revision first.
    pub async fn create(&self, release: &Release) -> Result<()> {
        let write = Write::Create {
            unix_seconds: unix_now(),
        };
        let step = || {
            format!(
                "create: failed to create release {}",
                storage::key(&release.name, release.version)
            )
        };
        if self.driver == DriverKind::Memory {
            let mut mem = self.memory()?;
            if mem.iter().any(|r| is_revision(r, release)) {
                return Err(Error::Invalid(format!(
                    "{}: release: already exists",
                    step()
                )));
            }
            mem.push(release.clone());
            return Ok(());
        }
        self.write(release, write, None, &step())
            .await?
            .map_err(|e| create_error(step(), e))
    }

    /// Rewrites an existing revision (status changes, hook results).
    ///
    /// # Errors
    ///
    /// API failures.
    pub async fn update(&self, release: &Release) -> Result<()> {
        let write = Write::Update {
            unix_seconds: unix_now(),
        };
        let key = storage::key(&release.name, release.version);
        if self.driver == DriverKind::Memory {
            let mut mem = self.memory()?;
            let slot = mem
                .iter_mut()
                .find(|r| is_revision(r, release))
                .ok_or(Error::NotFound)?;
            *slot = release.clone();
            return Ok(());
        }
        let step = format!("update: failed to update release {key}");
        self.write(release, write, Some(&key), &step)
            .await?
            .map_err(|e| Error::storage(step, e))
    }

    /// Sends `release`'s Secret or ConfigMap: created, or replacing object `replace`.
    /// The outer error is building the object (reported as `step`), the inner one the
    /// API's answer.
    async fn write(
        &self,
        release: &Release,
        write: Write,
        replace: Option<&str>,
        step: &str,
    ) -> Result<std::result::Result<(), kube::Error>> {
        let building = |e| Error::storage(step, e);
        let ns = &release.namespace;
        Ok(match self.driver {
            DriverKind::ConfigMap => {
                let obj = storage::config_map(release, write).map_err(building)?;
                send::<ConfigMap>(&self.client, ns, from_json(obj)?, replace).await
            }
            // The memory driver never sends (its callers return first).
            DriverKind::Secret | DriverKind::Memory => {
                let obj = storage::secret(release, write).map_err(building)?;
                send::<Secret>(&self.client, ns, from_json(obj)?, replace).await
            }
        })
    }

    /// The memory driver's records.
    fn memory(&self) -> Result<std::sync::MutexGuard<'_, Vec<Release>>> {
        self.memory
            .lock()
            .map_err(|_| Error::Invalid("memory driver poisoned".into()))
    }

    /// Deletes one revision's record (already gone is fine).
    ///
    /// # Errors
    ///
    /// API failures other than 404.
    pub async fn delete(&self, namespace: &str, name: &str, version: i64) -> Result<()> {
        let key = storage::key(name, version);
        let result = match self.driver {
            DriverKind::Memory => {
                let mut mem = self.memory()?;
                mem.retain(|r| {
                    !(r.name == name && r.namespace == namespace && r.version == version)
                });
                return Ok(());
            }
            DriverKind::Secret => {
                let api: Api<Secret> = Api::namespaced(self.client.clone(), namespace);
                api.delete(&key, &DeleteParams::default()).await.map(drop)
            }
            DriverKind::ConfigMap => {
                let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), namespace);
                api.delete(&key, &DeleteParams::default()).await.map(drop)
            }
        };
        match result {
            Ok(()) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(Error::storage(
                format!("delete: failed to delete release {key}"),
                e,
            )),
        }
    }

    async fn list_objects(&self, namespace: Option<&str>, selector: &str) -> Result<Vec<Value>> {
        let params = ListParams::default().labels(selector);
        let step = || format!("list: failed to query with labels {selector}");
        match self.driver {
            DriverKind::Memory => {
                let mem = self.memory()?;
                let name = selector.split(',').find_map(|p| p.strip_prefix("name="));
                mem.iter()
                    .filter(|r| namespace.is_none_or(|ns| r.namespace == ns))
                    .filter(|r| name.is_none_or(|n| r.name == n))
                    .map(|r| {
                        storage::config_map(r, Write::Create { unix_seconds: 0 })
                            .map_err(|e| Error::storage(step(), e))
                    })
                    .collect()
            }
            DriverKind::Secret => {
                let api: Api<Secret> = match namespace {
                    Some(ns) => Api::namespaced(self.client.clone(), ns),
                    None => Api::all(self.client.clone()),
                };
                let list = api
                    .list(&params)
                    .await
                    .map_err(|e| Error::storage(step(), e))?;
                list.items.into_iter().map(to_json).collect()
            }
            DriverKind::ConfigMap => {
                let api: Api<ConfigMap> = match namespace {
                    Some(ns) => Api::namespaced(self.client.clone(), ns),
                    None => Api::all(self.client.clone()),
                };
                let list = api
                    .list(&params)
                    .await
                    .map_err(|e| Error::storage(step(), e))?;
                list.items.into_iter().map(to_json).collect()
            }
        }
    }
}

/// Creates `obj`, or replaces object `replace` with it.
async fn send<K>(
    client: &kube::Client,
    namespace: &str,
    obj: K,
    replace: Option<&str>,
) -> std::result::Result<(), kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + serde::Serialize,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    match replace {
        Some(name) => api
            .replace(name, &PostParams::default(), &obj)
            .await
            .map(drop),
        None => api.create(&PostParams::default(), &obj).await.map(drop),
    }
}

/// Whether `r` is the same revision of the same release as `release`.
fn is_revision(r: &Release, release: &Release) -> bool {
    r.name == release.name && r.namespace == release.namespace && r.version == release.version
}

fn decode(object: &Value) -> Result<Release> {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut release = storage::from_object(object)
        .map_err(|e| Error::storage(format!("decoding release record {name}"), e))?;
    // Memory records carry their namespace; cluster records take the object's.
    if release.namespace.is_empty()
        && let Some(ns) = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
    {
        release.namespace = ns.to_string();
    }
    Ok(release)
}

fn create_error(step: String, e: kube::Error) -> Error {
    match &e {
        kube::Error::Api(s) if s.code == 409 => {
            Error::Invalid(format!("{step}: release: already exists"))
        }
        _ => Error::storage(step, e),
    }
}

fn from_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| Error::storage("building the release object", e))
}

fn to_json<T: serde::Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::storage("reading a release object", e))
}

/// Seconds since the Unix epoch, for helm's `createdAt`/`modifiedAt` labels.
pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

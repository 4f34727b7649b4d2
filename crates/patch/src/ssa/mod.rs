//! Server-side apply and the `metadata.managedFields` bookkeeping of every
//! write, as the apiserver's field manager does them.
//!
//! Follows k8s.io/apimachinery `pkg/util/managedfields/internal`
//! (`fieldmanager.go`, `managedfields.go`, `managedfieldsupdater.go`,
//! `stripmeta.go`, `conflict.go`, `capmanagers.go`) on top of
//! sigs.k8s.io/structured-merge-diff `merge/update.go` (`Apply`, `Update`,
//! `prune`).
//!
//! # Guarantees
//! - Conflicts are reported, not resolved, unless `force` is set; the error's
//!   message and Status causes are the apiserver's texts.
//! - Apply and Update entries of the same manager stay separate, entries are
//!   sorted as the apiserver sorts them, and empty entries are dropped.
//! - For the manager `kubectl` the client-side-apply upgrade path works as
//!   in the apiserver (`lastappliedmanager.go`, `lastappliedupdater.go`):
//!   conflicts on fields the `kubectl.kubernetes.io/last-applied-configuration`
//!   annotation still describes are forced, and that annotation is rewritten
//!   to the applied configuration.
//!
//! # Caveats
//! - One API version per object: managers recorded at another version of
//!   the same kind are compared as if they used this one (the apiserver
//!   converts between versions).
//! - Union fields (`x-kubernetes-unions`) are not normalized.

mod conflict;
mod entries;
mod last_applied;

use serde_json::{Map, Value};

pub use conflict::{ApplyError, Conflict};
pub use last_applied::LAST_APPLIED;

use entries::{
    Entry, Key, Managed, cap_managers, decode, strip_set, with_managed_fields,
    without_managed_fields,
};
use last_applied::{KUBECTL, allowed_by_last_applied, build_last_applied, last_applied};

use crate::error::{Error, Result};
use crate::managed::{FieldSet, PathElement, path_string};
use crate::schema::TypeRef;
use crate::typed;
/// What an apply request says besides its body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplyOptions {
    /// The `fieldManager` query parameter (required for apply).
    pub manager: String,
    /// The `force` query parameter: take fields from other managers.
    pub force: bool,
    /// Now, RFC 3339 in UTC (`2026-11-21T18:51:22Z`), recorded in the entry.
    pub time: String,
    /// `status`, `scale`, ... when applying to a subresource.
    pub subresource: Option<String>,
    /// The request's `group/version` (`v1`, `apps/v1`).
    pub api_version: String,
}

/// What a create, update or patch request says for managed fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateOptions {
    /// The `fieldManager` query parameter, or [`manager_from_user_agent`] of
    /// the request's User-Agent when it has none.
    pub manager: String,
    /// Now, RFC 3339 in UTC.
    pub time: String,
    /// `status`, `scale`, ... when writing a subresource.
    pub subresource: Option<String>,
    /// The request's `group/version`.
    pub api_version: String,
}

/// The manager name the apiserver uses when a request has no `fieldManager`:
/// the User-Agent up to its first `/` (`kubectl/v1.37.0 (linux/amd64)` →
/// `kubectl`), as `managerOrUserAgent` in k8s.io/apiserver does.
pub fn manager_from_user_agent(user_agent: &str) -> String {
    user_agent.split('/').next().unwrap_or("").to_string()
}

/// Compare two versions, leaving out the fields the strategy resets
/// (Comparison.ExcludeFields with the updater's IgnoredFields).
fn compare_without(
    live: &Value,
    new: &Value,
    ty: TypeRef<'_>,
    reset: &FieldSet,
) -> Result<typed::Comparison> {
    let mut cmp = typed::compare(live, new, ty)?;
    if !reset.is_empty() {
        cmp.added = cmp.added.recursive_difference(reset);
        cmp.modified = cmp.modified.recursive_difference(reset);
        cmp.removed = cmp.removed.recursive_difference(reset);
    }
    Ok(cmp)
}

/// The updater step shared by apply and update (merge/update.go `update`):
/// other managers lose the fields that changed (or conflict on them) and the
/// fields that were removed.
#[allow(clippy::too_many_arguments)]
fn take_from_others(
    live: &Value,
    new: &Value,
    ty: TypeRef<'_>,
    managed: &mut Managed,
    me: &Key,
    force: bool,
    reset: &FieldSet,
) -> Result<Vec<Conflict>, ApplyError> {
    let cmp = compare_without(live, new, ty, reset)?;
    let changed = cmp.modified.union(&cmp.added);
    let mut conflicts = Vec::new();
    let mut updates = Vec::new();
    for (key, e) in &managed.entries {
        if key == me {
            continue;
        }
        let conflict = e.set.intersection(&changed);
        if !conflict.is_empty() {
            for p in conflict.paths() {
                conflicts.push(Conflict {
                    manager: e.manager.clone(),
                    operation: e.operation.clone(),
                    api_version: e.api_version.clone(),
                    subresource: e.subresource.clone(),
                    field_path: path_string(&p),
                });
            }
        }
        updates.push((
            key.clone(),
            e.set.difference(&conflict).difference(&cmp.removed),
        ));
    }
    if !force && !conflicts.is_empty() {
        return Err(ApplyError::Conflicts(conflicts));
    }
    for (key, set) in updates {
        if set.is_empty() {
            managed.entries.remove(&key);
        } else if let Some(e) = managed.entries.get_mut(&key) {
            e.set = set;
        }
    }
    Ok(conflicts)
}

/// Server-side apply: merge the applied configuration `config` into `live`
/// (`None` when creating), record `opts.manager`'s ownership, remove what it
/// applied before and no longer applies (unless someone else owns it), and
/// return the new object with its `metadata.managedFields`.
///
/// # Errors
/// [`ApplyError::Conflicts`] when, without `force`, a field owned by another
/// manager would get a different value; [`ApplyError::Invalid`] with
/// [`Error::ApplyRequest`] when the configuration's apiVersion is not
/// `opts.api_version` or it sets `metadata.managedFields`, and with
/// [`Error::ApplyConfig`] when it does not fit the type (undeclared fields,
/// scalars of the wrong kind, map-list items without keys or duplicated).
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    opts: &ApplyOptions,
    ty: TypeRef<'_>,
) -> Result<Value, ApplyError> {
    apply_with_reset(live, config, opts, ty, &FieldSet::new())
}

/// [`apply`] for an endpoint whose strategy resets some fields (see
/// [`reset_fields`]): they are neither owned, nor compared for conflicts,
/// nor pruned — the apiserver's `IgnoredFields`. Resetting them in the
/// returned object (e.g. restoring `status` on the main resource) stays the
/// caller's job, as it is the strategy's in the apiserver.
///
/// # Errors
/// As [`apply`].
pub fn apply_with_reset(
    live: Option<&Value>,
    config: &Value,
    opts: &ApplyOptions,
    ty: TypeRef<'_>,
    reset: &FieldSet,
) -> Result<Value, ApplyError> {
    let result = apply_once(live, config, opts, ty, opts.force, reset);
    if opts.manager != KUBECTL {
        return result;
    }
    let mut result = match result {
        Err(ApplyError::Conflicts(conflicts)) => {
            match live.and_then(|l| allowed_by_last_applied(l, opts, ty)) {
                None => Err(ApplyError::Conflicts(conflicts)),
                Some(allowed) => {
                    let remaining: Vec<Conflict> = conflicts
                        .into_iter()
                        .filter(|c| !allowed.contains(&c.field_path))
                        .collect();
                    if remaining.is_empty() {
                        apply_once(live, config, opts, ty, true, reset)
                    } else {
                        Err(ApplyError::Conflicts(remaining))
                    }
                }
            }
        }
        other => other,
    };
    if let Ok(obj) = &mut result
        && last_applied(obj).is_some_and(|s| !s.is_empty())
    {
        let value = build_last_applied(config);
        if let Some(ann) = obj
            .pointer_mut("/metadata/annotations")
            .and_then(Value::as_object_mut)
        {
            ann.insert(LAST_APPLIED.into(), Value::String(value));
        }
    }
    result
}

/// One apply attempt with the given `force`.
fn apply_once(
    live: Option<&Value>,
    config: &Value,
    opts: &ApplyOptions,
    ty: TypeRef<'_>,
    force: bool,
    reset: &FieldSet,
) -> Result<Value, ApplyError> {
    check_config(config, opts, ty)?;
    let empty = Value::Object(Map::new());
    let live_full = live.unwrap_or(&empty);
    let mut managed = Managed::from_entries(decode(live_full)?);
    let live_clean = without_managed_fields(live_full);
    let me: Key = (
        opts.manager.clone(),
        "Apply".into(),
        String::new(),
        opts.subresource.clone(),
    );

    let mut merged = typed::merge(&live_clean, config, ty)?;
    let new_set = typed::to_field_set(config, ty)?.recursive_difference(reset);
    let last = managed
        .entries
        .get(&me)
        .map(|e| e.set.recursive_difference(reset));
    let previous_time = managed.entries.get(&me).and_then(|e| e.time.clone());
    managed.entries.insert(
        me.clone(),
        Entry {
            manager: opts.manager.clone(),
            operation: "Apply".into(),
            api_version: opts.api_version.clone(),
            time: previous_time,
            subresource: opts.subresource.clone(),
            set: new_set,
        },
    );
    if let Some(last) = last.filter(|s| !s.is_empty()) {
        merged = prune(&merged, ty, &managed, &last)?;
    }
    take_from_others(&live_clean, &merged, ty, &mut managed, &me, force, reset)?;
    strip(&mut managed, &me);
    // managedfieldsupdater.go: the time moves only when the object changed;
    // a no-op apply leaves it (and a new entry has none).
    let changed = !crate::merge_patch::same_value(&live_clean, &merged);
    if changed && let Some(e) = managed.entries.get_mut(&me) {
        e.time = Some(opts.time.clone());
    }
    // The apiserver decodes the result into its Go type: nulls go.
    crate::goenc::drop_nulls(&mut merged, ty);
    Ok(with_managed_fields(merged, &managed))
}

/// What the apiserver checks of an apply configuration before merging it
/// (versioncheck.go, structuredmerge.go `Apply`, typed conversion).
fn check_config(config: &Value, opts: &ApplyOptions, ty: TypeRef<'_>) -> Result<(), ApplyError> {
    let request = |message: String| ApplyError::Invalid(Error::ApplyRequest { message });
    let s = |p: &str| config.pointer(p).and_then(Value::as_str).unwrap_or("");
    let (api_version, kind) = (s("/apiVersion"), s("/kind"));
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = format!("{group}/{version}, Kind={kind}");
    if !config.is_object() || api_version != opts.api_version {
        return Err(request(format!("invalid object type: {gvk}")));
    }
    if config
        .pointer("/metadata/managedFields")
        .is_some_and(|v| !v.is_null())
    {
        return Err(request("metadata.managedFields must be nil".into()));
    }
    let errs = typed::validate(config, ty);
    if errs.is_empty() {
        return Ok(());
    }
    let detail = match errs.as_slice() {
        [one] => one.clone(),
        many => format!("errors:\n  {}", many.join("\n  ")),
    };
    let object = format!(
        "{}/{}; {gvk}",
        s("/metadata/namespace"),
        s("/metadata/name")
    );
    Err(ApplyError::Invalid(Error::ApplyConfig {
        message: format!("failed to create typed patch object ({object}): {detail}"),
        object,
    }))
}

fn strip(managed: &mut Managed, me: &Key) {
    if let Some(e) = managed.entries.get_mut(me) {
        e.set = e.set.difference(&strip_set());
        if e.set.is_empty() {
            managed.entries.remove(me);
        }
    }
}

/// Remove what the applier owned last time and no longer applies, unless
/// another manager owns it (merge/update.go `prune`, `addBackOwnedItems`,
/// `addBackDanglingItems`).
fn prune(merged: &Value, ty: TypeRef<'_>, managed: &Managed, last: &FieldSet) -> Result<Value> {
    let named = |s: &FieldSet| typed::ensure_named_fields_are_members(s, ty);
    let last = named(last);
    let pruned = typed::remove_items(merged, ty, &last);
    // Add back everything any manager (the applier included) owns.
    let merged_set = named(&typed::to_field_set(merged, ty)?);
    let pruned_set = named(&typed::to_field_set(&pruned, ty)?);
    let owned = named(&managed.union_all());
    let pruned = typed::remove_items(
        merged,
        ty,
        &merged_set.difference(&pruned_set.union(&owned)),
    );
    // Only ever remove what the applier had applied.
    let pruned_set = named(&typed::to_field_set(&pruned, ty)?);
    Ok(typed::remove_items(
        merged,
        ty,
        &merged_set.difference(&pruned_set).intersection(&last),
    ))
}

/// The fields a request's strategy resets, which managed fields leave out
/// (the registry strategies' `GetResetFields` in Kubernetes):
///
/// - the main resource of a kind with a status subresource: `status`;
/// - the `status` subresource: `spec`, plus `metadata.labels` for
///   Deployments, `metadata.deletionTimestamp` and
///   `metadata.ownerReferences` for Pods, and all of `metadata` for
///   CustomResourceDefinitions;
/// - anything else: nothing.
///
/// `group` is the API group (`""` for the core group).
pub fn reset_fields(
    group: &str,
    kind: &str,
    subresource: Option<&str>,
    has_status_subresource: bool,
) -> FieldSet {
    let f = |s: &str| PathElement::Field(s.to_string());
    let mut set = FieldSet::new();
    match subresource {
        None if has_status_subresource => set.insert(&[f("status")]),
        Some("status") => {
            set.insert(&[f("spec")]);
            match (group, kind) {
                ("apps", "Deployment") => set.insert(&[f("metadata"), f("labels")]),
                ("", "Pod") => {
                    set.insert(&[f("metadata"), f("deletionTimestamp")]);
                    set.insert(&[f("metadata"), f("ownerReferences")]);
                }
                ("apiextensions.k8s.io", "CustomResourceDefinition") => {
                    set.insert(&[f("metadata")])
                }
                _ => {}
            }
        }
        _ => {}
    }
    set
}

/// Record a create, update or patch in `metadata.managedFields`: the
/// updater (`opts.manager`, operation `Update`) gains every field it added
/// or changed, other managers lose those fields and the ones it removed, as
/// the apiserver's field manager does on every non-apply write. `old` is the
/// stored object (`None` on create, when the new object is compared with the
/// type's zero value as the apiserver does).
///
/// Managed fields set explicitly in `new` (non-empty and different from the
/// stored ones) replace the stored ones, and `managedFields: []` or `[{}]`
/// clears them, as in the apiserver. An existing object (one whose stored
/// version has a `metadata.uid`) without managed fields stays without them.
///
/// # Errors
/// [`Error::Typed`] when the object does not fit its type (e.g. a map-list
/// item without its keys). Undecodable stored entries are dropped, as the
/// apiserver does.
pub fn track_update(
    old: Option<&Value>,
    new: &Value,
    opts: &UpdateOptions,
    ty: TypeRef<'_>,
) -> Result<Value> {
    track_update_with_reset(old, new, opts, ty, &FieldSet::new())
}

/// [`track_update`] for an endpoint whose strategy resets some fields (see
/// [`reset_fields`]): changes to them are not recorded.
///
/// # Errors
/// As [`track_update`].
pub fn track_update_with_reset(
    old: Option<&Value>,
    new: &Value,
    opts: &UpdateOptions,
    ty: TypeRef<'_>,
    reset: &FieldSet,
) -> Result<Value> {
    // decodeLiveOrNew: entries the request sets win (unless it writes a
    // subresource); `[]` or `[{}]` resets them; entries that do not decode
    // count as none rather than failing the write.
    let requested = new.pointer("/metadata/managedFields");
    let clear = opts.subresource.is_none()
        && match requested {
            Some(Value::Array(a)) => {
                a.is_empty() || (a.len() == 1 && a[0] == Value::Object(Map::new()))
            }
            _ => false,
        };
    let entries = if clear {
        Vec::new()
    } else {
        let from_new = if opts.subresource.is_some() {
            Vec::new()
        } else {
            decode(new).unwrap_or_default()
        };
        if from_new.is_empty() {
            old.and_then(|o| decode(o).ok()).unwrap_or_default()
        } else {
            from_new
        }
    };
    // skipnonapplied.go: an existing object without managed fields stays
    // untracked until someone applies to it.
    let is_update = old.is_some_and(|o| {
        o.pointer("/metadata/uid")
            .and_then(Value::as_str)
            .is_some_and(|u| !u.is_empty())
    });
    if entries.is_empty() && is_update {
        return Ok(without_managed_fields(new));
    }
    let mut managed = Managed::from_entries(entries);
    let old_clean = match old {
        Some(o) => without_managed_fields(o),
        None => ty.zero_value(),
    };
    let new_clean = without_managed_fields(new);
    // The operation's own fields are computed under a temporary name and
    // then merged into the manager's entry (managedfieldsupdater.go).
    let tmp: Key = (
        "\u{0}current-operation".into(),
        "Update".into(),
        String::new(),
        None,
    );
    let cmp = compare_without(&old_clean, &new_clean, ty, reset)?;
    take_from_others(&old_clean, &new_clean, ty, &mut managed, &tmp, true, reset).map_err(|e| {
        match e {
            ApplyError::Invalid(e) => e,
            ApplyError::Conflicts(_) => Error::Typed {
                path: String::new(),
                message: "unexpected conflict on update".into(),
            },
        }
    })?;
    let mine = cmp.modified.union(&cmp.added).difference(&strip_set());
    if !mine.is_empty() {
        let key: Key = (
            opts.manager.clone(),
            "Update".into(),
            opts.api_version.clone(),
            opts.subresource.clone(),
        );
        let previous = managed
            .entries
            .get(&key)
            .map(|e| e.set.clone())
            .unwrap_or_default();
        managed.entries.insert(
            key,
            Entry {
                manager: opts.manager.clone(),
                operation: "Update".into(),
                api_version: opts.api_version.clone(),
                time: Some(opts.time.clone()),
                subresource: opts.subresource.clone(),
                set: mine.union(&previous),
            },
        );
    }
    cap_managers(&mut managed);
    Ok(with_managed_fields(new_clean, &managed))
}

#[cfg(test)]
mod tests {
    use super::entries::{parse_rfc3339, unix_seconds};
    use super::*;
    use crate::Schema;
    use serde_json::json;

    fn cm() -> TypeRef<'static> {
        Schema::builtin().type_for("v1", "ConfigMap").unwrap()
    }

    fn opts(manager: &str, force: bool) -> ApplyOptions {
        ApplyOptions {
            manager: manager.into(),
            force,
            time: "2026-11-21T18:51:22Z".into(),
            subresource: None,
            api_version: "v1".into(),
        }
    }

    #[test]
    fn times_sort_by_whole_seconds() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-21T18:51:22Z"), Some(1_795_287_082));
        assert_eq!(
            parse_rfc3339("2026-11-21T19:51:22.75+01:00"),
            Some(1_795_287_082)
        );
        assert_eq!(parse_rfc3339("garbage"), None);
        assert_eq!(unix_seconds(None), 0);
    }

    #[test]
    fn user_agent_prefix() {
        assert_eq!(
            manager_from_user_agent("kubectl/v1.37.0 (linux/amd64) kubernetes/abc"),
            "kubectl"
        );
        assert_eq!(manager_from_user_agent("curl/8.5.0"), "curl");
        assert_eq!(manager_from_user_agent("helm"), "helm");
    }

    #[test]
    fn reapply_without_a_field_removes_it() {
        let cfg1 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1", "b": "2"}});
        let live = apply(None, &cfg1, &opts("m", false), cm()).unwrap();
        let cfg2 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1"}});
        let out = apply(Some(&live), &cfg2, &opts("m", false), cm()).unwrap();
        assert_eq!(out["data"], json!({"a": "1"}));
        assert_eq!(
            out["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:data": {"f:a": {}}})
        );
    }

    #[test]
    fn shared_fields_survive_one_owner_leaving() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1"}});
        let live = apply(None, &base, &opts("m", false), cm()).unwrap();
        let live = apply(Some(&live), &base, &opts("n", false), cm()).unwrap();
        assert_eq!(
            live["metadata"]["managedFields"].as_array().unwrap().len(),
            2
        );
        let empty = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        let out = apply(Some(&live), &empty, &opts("m", false), cm()).unwrap();
        assert_eq!(out["data"], json!({"a": "1"}));
        let entries = out["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0]["manager"], "n");
    }

    #[test]
    fn same_value_is_not_a_conflict() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1"}});
        let live = apply(None, &base, &opts("m", false), cm()).unwrap();
        let out = apply(Some(&live), &base, &opts("n", false), cm()).unwrap();
        // A no-op apply records the co-owner without a time, as Go does.
        let n = &out["metadata"]["managedFields"][0];
        assert_eq!(n["manager"], "n");
        assert!(n.get("time").is_none());
    }

    #[test]
    fn update_takes_ownership_of_changed_fields() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1", "b": "1"}});
        let live = apply(None, &base, &opts("m", false), cm()).unwrap();
        let mut edited = live.clone();
        edited["data"]["a"] = json!("2");
        let u = UpdateOptions {
            manager: "kubectl-edit".into(),
            time: "2026-11-21T19:00:00Z".into(),
            subresource: None,
            api_version: "v1".into(),
        };
        let out = track_update(Some(&live), &edited, &u, cm()).unwrap();
        let entries = out["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(entries[0]["manager"], "m");
        assert_eq!(entries[0]["fieldsV1"], json!({"f:data": {"f:b": {}}}));
        assert_eq!(entries[1]["manager"], "kubectl-edit");
        assert_eq!(entries[1]["operation"], "Update");
        assert_eq!(entries[1]["fieldsV1"], json!({"f:data": {"f:a": {}}}));
        // m applying a again now conflicts with an Update manager.
        let err = apply(Some(&out), &base, &opts("m", false), cm()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.a"
        );
    }

    #[test]
    fn eleventh_update_manager_folds_the_oldest_into_ancient_changes() {
        let mut obj =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}});
        for i in 0..11 {
            let mut next = obj.clone();
            next["data"][format!("k{i}")] = json!("v");
            let u = UpdateOptions {
                manager: format!("m{i:02}"),
                time: format!("2026-11-21T18:00:{i:02}Z"),
                subresource: None,
                api_version: "v1".into(),
            };
            obj = track_update(Some(&obj), &next, &u, cm()).unwrap();
        }
        let entries = obj["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(entries.len(), 10);
        let first = &entries[0];
        assert_eq!(first["manager"], "ancient-changes");
        assert_eq!(first["time"], "2026-11-21T18:00:01Z");
        assert_eq!(
            first["fieldsV1"],
            json!({"f:data": {"f:k0": {}, "f:k1": {}}})
        );
        assert_eq!(entries[9]["manager"], "m10");
    }

    #[test]
    fn reset_fields_are_not_owned() {
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        let cfg = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": 1}, "status": {}});
        let mut o = opts("helm", false);
        o.api_version = "apps/v1".into();
        let plain = apply(None, &cfg, &o, ty).unwrap();
        assert_eq!(
            plain["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}}, "f:status": {}})
        );
        let reset = reset_fields("apps", "Deployment", None, true);
        let out = apply_with_reset(None, &cfg, &o, ty, &reset).unwrap();
        assert_eq!(
            out["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}}})
        );
        // A status writer does not take spec or labels.
        let mut next = out.clone();
        next["status"] = json!({"replicas": 1});
        next["spec"]["replicas"] = json!(5);
        let u = UpdateOptions {
            manager: "kube-controller-manager".into(),
            time: "2026-11-21T19:00:00Z".into(),
            subresource: Some("status".into()),
            api_version: "apps/v1".into(),
        };
        let status_reset = reset_fields("apps", "Deployment", Some("status"), true);
        let out = track_update_with_reset(Some(&out), &next, &u, ty, &status_reset).unwrap();
        let entries = out["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(entries[1]["manager"], "kube-controller-manager");
        assert_eq!(entries[1]["subresource"], "status");
        assert_eq!(
            entries[1]["fieldsV1"],
            json!({"f:status": {"f:replicas": {}}})
        );
        assert_eq!(
            entries[0]["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}}})
        );
    }

    #[test]
    fn typical_chart_objects_pass_the_configuration_check() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com", "annotations": {"controller-gen.kubebuilder.io/version": "v0.16.1"}},
            "spec": {"group": "example.com", "names": {"kind": "Widget", "listKind": "WidgetList",
                "plural": "widgets", "singular": "widget", "shortNames": ["wd"]},
              "scope": "Namespaced",
              "versions": [{"name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "additionalPrinterColumns": [{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}],
                "schema": {"openAPIV3Schema": {"type": "object", "description": "d",
                  "properties": {"spec": {"type": "object", "required": ["size"],
                    "properties": {"size": {"type": "integer", "minimum": 1, "default": 1},
                      "mode": {"type": "string", "enum": ["a", "b"]},
                      "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                      "ports": {"type": "array", "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["name"],
                        "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                      "quantity": {"anyOf": [{"type": "integer"}, {"type": "string"}],
                        "x-kubernetes-int-or-string": true, "pattern": "^x$"}},
                    "x-kubernetes-validations": [{"rule": "self.size > 0", "message": "m"}]},
                  "status": {"type": "object", "properties": {"conditions": {"type": "array",
                    "items": {"type": "object"}}}}}}}}]},
            "status": {"acceptedNames": {"kind": "", "plural": ""}, "conditions": [], "storedVersions": []}
        });
        let ty = Schema::builtin()
            .type_for("apiextensions.k8s.io/v1", "CustomResourceDefinition")
            .unwrap();
        let mut o = opts("helm", false);
        o.api_version = "apiextensions.k8s.io/v1".into();
        apply(None, &crd, &o, ty).unwrap();
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "labels": {"app.kubernetes.io/version": "1.0"}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d"}},
              "template": {"metadata": {"labels": {"app": "d"}, "annotations": {"checksum/config": "abc"}},
                "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80, "name": "http"}],
                  "resources": {"limits": {"cpu": 1, "memory": "128Mi"}, "requests": {"cpu": "100m"}},
                  "livenessProbe": {"httpGet": {"path": "/", "port": "http"}},
                  "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
                  "securityContext": {"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}}}],
                  "volumes": [{"name": "v", "configMap": {"name": "cm", "defaultMode": 420}}]}}}});
        let ty = Schema::builtin().type_for("apps/v1", "Deployment").unwrap();
        o.api_version = "apps/v1".into();
        apply(None, &deploy, &o, ty).unwrap();
    }

    #[test]
    fn managed_fields_reset_and_untracked_objects() {
        let u = |m: &str| UpdateOptions {
            manager: m.into(),
            time: "2026-11-21T19:00:00Z".into(),
            subresource: None,
            api_version: "v1".into(),
        };
        let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "uid": "u1"}, "data": {"a": "1"}});
        let live = track_update(None, &cfg, &u("curl"), cm()).unwrap();
        assert!(live["metadata"]["managedFields"].is_array());
        let mut cleared = live.clone();
        cleared["metadata"]["managedFields"] = json!([{}]);
        let out = track_update(Some(&live), &cleared, &u("kubectl"), cm()).unwrap();
        assert!(out["metadata"].get("managedFields").is_none());
        // Later updates of the untracked object do not track either.
        let mut next = out.clone();
        next["data"]["b"] = json!("2");
        let out = track_update(Some(&out), &next, &u("kubectl"), cm()).unwrap();
        assert!(out["metadata"].get("managedFields").is_none());
        // An apply starts tracking again.
        let applied = apply(
            Some(&out),
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"c": "3"}}),
            &opts("m", false),
            cm(),
        )
        .unwrap();
        assert_eq!(applied["metadata"]["managedFields"][0]["manager"], "m");
    }

    #[test]
    fn many_conflicts_are_grouped_by_manager() {
        let c = |m: &str, p: &str| Conflict {
            manager: m.into(),
            operation: "Apply".into(),
            api_version: "v1".into(),
            subresource: None,
            field_path: p.into(),
        };
        let e = ApplyError::Conflicts(vec![
            c("b", ".data.x"),
            c("a", ".data.y"),
            c("b", ".data.z"),
        ]);
        assert_eq!(
            e.to_string(),
            "Apply failed with 3 conflicts: conflicts with \"a\":\n- .data.y\nconflicts with \"b\":\n- .data.x\n- .data.z"
        );
    }

    #[test]
    fn kubectl_server_side_takes_over_client_side_apply() {
        let cfg1 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1"}});
        let mut created = cfg1.clone();
        created["metadata"]["annotations"] = json!({LAST_APPLIED: format!("{}\n", cfg1)});
        let u = |m: &str| UpdateOptions {
            manager: m.into(),
            time: "2026-11-21T18:00:00Z".into(),
            subresource: None,
            api_version: "v1".into(),
        };
        let live = track_update(None, &created, &u("kubectl-client-side-apply"), cm()).unwrap();
        let cfg2 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "2"}});
        // Another manager gets the conflict...
        assert!(apply(Some(&live), &cfg2, &opts("other", false), cm()).is_err());
        // ...kubectl does not, and rewrites the annotation.
        let out = apply(Some(&live), &cfg2, &opts("kubectl", false), cm()).unwrap();
        assert_eq!(out["data"]["a"], "2");
        assert_eq!(
            out["metadata"]["annotations"][LAST_APPLIED],
            "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}\n"
        );
        // Once someone else changed the field, the conflict stands.
        let mut edited = live.clone();
        edited["data"]["a"] = json!("3");
        let edited = track_update(Some(&live), &edited, &u("kubectl-edit"), cm()).unwrap();
        let err = apply(Some(&edited), &cfg2, &opts("kubectl", false), cm()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.a"
        );
    }

    #[test]
    fn rejects_managed_fields_in_config() {
        let bad = json!({"metadata": {"managedFields": []}});
        assert!(matches!(
            apply(None, &bad, &opts("m", false), cm()),
            Err(ApplyError::Invalid(_))
        ));
    }
}

//! Kubernetes object patch and apply semantics, without I/O.
//!
//! This crate answers one question: given a stored object and a request, what
//! object results? It covers every way the kube-apiserver changes an object:
//!
//! - [`json_patch`]: RFC 6902 (`application/json-patch+json`),
//! - [`merge_patch`]: RFC 7386 (`application/merge-patch+json`) and the
//!   three-way merge patch clients compute for custom resources,
//! - [`strategic`]: strategic merge patch (`application/strategic-merge-patch+json`)
//!   and the three-way patch `kubectl apply` and helm compute,
//! - [`ssa`]: server-side apply (`application/apply-patch+yaml`) and the
//!   `metadata.managedFields` bookkeeping of every write, using [`managed`]
//!   field sets,
//! - [`validate`]: strict field validation (`fieldValidation=Strict|Warn`),
//! - [`goenc`]: what decoding into the Go type does to an object (empty
//!   structs written, `null`s dropped).
//!
//! Merging is driven by a [`Schema`]: the built-in types of Kubernetes v1.36
//! (generated from its OpenAPI document) plus custom resources added from
//! their CRDs. It knows nothing of HTTP, storage or authentication.
//!
//! # Example
//! ```
//! use charthouse_patch::{Schema, merge_patch, strategic};
//! use serde_json::json;
//!
//! let schema = Schema::builtin();
//! let ty = schema.type_for("apps/v1", "Deployment").unwrap();
//! let live = json!({"spec": {"template": {"spec": {"containers": [
//!     {"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox"}]}}}});
//! let patch = json!({"spec": {"template": {"spec": {"containers": [
//!     {"name": "b", "image": "busybox:2"}]}}}});
//! let out = strategic::apply(&live, &patch, ty)?;
//! assert_eq!(out["spec"]["template"]["spec"]["containers"][1]["image"], "busybox:2");
//! assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["image"], "nginx");
//!
//! let cm = merge_patch::apply(&json!({"data": {"a": "1"}}), &json!({"data": {"b": "2"}}))?;
//! assert_eq!(cm, json!({"data": {"a": "1", "b": "2"}}));
//! # Ok::<(), charthouse_patch::Error>(())
//! ```
//!
//! Server-side apply, with the conflict the apiserver would answer 409 with:
//! ```
//! use charthouse_patch::{Schema, ssa::{self, ApplyOptions}};
//! use serde_json::json;
//!
//! let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
//! let opts = |m: &str, force| ApplyOptions {
//!     manager: m.into(), force, time: "2026-11-21T18:51:22Z".into(),
//!     subresource: None, api_version: "v1".into(),
//! };
//! let cfg = |v: &str| json!({"apiVersion": "v1", "kind": "ConfigMap",
//!     "metadata": {"name": "s1"}, "data": {"x": v}});
//! let live = ssa::apply(None, &cfg("1"), &opts("a", false), ty).unwrap();
//! let err = ssa::apply(Some(&live), &cfg("2"), &opts("b", false), ty).unwrap_err();
//! assert_eq!(err.to_string(), r#"Apply failed with 1 conflict: conflict with "a": .data.x"#);
//! let forced = ssa::apply(Some(&live), &cfg("2"), &opts("b", true), ty).unwrap();
//! assert_eq!(forced["metadata"]["managedFields"][0]["manager"], "b");
//! ```

mod error;
pub mod goenc;
mod gofmt;
pub mod json_patch;
pub mod managed;
pub mod merge_patch;
mod schema;
pub mod ssa;
pub mod strategic;
mod typed;
pub mod validate;

#[doc(inline)]
pub use error::{Error, Result};
#[doc(inline)]
pub use schema::{ListType, PatchMeta, Schema, TypeRef};

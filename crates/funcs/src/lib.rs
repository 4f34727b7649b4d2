//! Sprig v3.3 and helm v4.3.1's template functions, on [`charthouse_gotmpl`] values.
//!
//! Every function of Sprig's text function map (without `env` and `expandenv`, which helm
//! removes) and every function helm adds, with Go's exact behaviour and error texts. The
//! crate knows nothing of charts or clusters: helm's cluster-facing functions (`lookup`)
//! call back into the embedder through [`Options`].

mod conv;
mod crypto;
mod dates;
mod dicts;
mod encoding;
mod errors;
mod flow;
mod helm;
mod lists;
mod math;
mod names;
mod paths;
mod random;
mod regex;
mod semver;
mod strings;
mod types;
mod urls;

use charthouse_gotmpl::Func;

pub use errors::helm_error_message;
pub use names::HELM_FUNCTION_NAMES;

/// What the embedder decides about the environment the functions run in.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// helm's `LintMode`: `required` (and `fail`) warn instead of failing.
    pub lint_mode: bool,
    /// helm's `--enable-dns`: `getHostByName` resolves names instead of returning `""`.
    pub enable_dns: bool,
    /// The cluster behind `lookup`; `None` gives `helm template`'s empty results.
    pub lookup: Option<std::sync::Arc<dyn Lookup>>,
}

pub use helm::{Lookup, LookupError};

/// Every function charthouse offers templates, configured by `options`.
pub fn functions(options: &Options) -> Vec<Func> {
    let mut out = Vec::new();
    strings::register(&mut out);
    lists::register(&mut out);
    dicts::register(&mut out);
    math::register(&mut out);
    conv::register(&mut out);
    flow::register(&mut out, options);
    types::register(&mut out);
    encoding::register(&mut out);
    paths::register(&mut out);
    regex::register(&mut out);
    urls::register(&mut out);
    dates::register(&mut out);
    semver::register(&mut out);
    crypto::register(&mut out);
    random::register(&mut out);
    helm::register(&mut out, options);
    out
}

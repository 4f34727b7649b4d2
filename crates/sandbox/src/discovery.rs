//! Discovery: `/api`, `/apis`, `/api/v1`, `/apis/<group>[/<version>]`, in the legacy forms
//! and, when the client's `Accept` asks for `as=APIGroupDiscoveryList`, the aggregated
//! (`apidiscovery.k8s.io/v2`) form that current kubectl and client-go prefer.

use serde_json::json;

use crate::handlers::Request;
use crate::server::{Reply, State};
use crate::status::ApiError;

/// Whether the client accepts aggregated discovery, judged by the first media range that
/// names either form (client-go lists its preferences in order).
fn wants_aggregated(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let params: Vec<&str> = range.split(';').map(str::trim).collect();
        params.contains(&"as=APIGroupDiscoveryList")
            && params.contains(&"g=apidiscovery.k8s.io")
            && params.contains(&"v=v2")
    })
}

/// Answers a discovery path (`segs` without empty segments).
pub(crate) fn reply(state: &State, req: &Request, segs: &[&str]) -> Reply {
    let aggregated = |core: bool| {
        let mut r = Reply::json(200, &state.registry.aggregated(core), req);
        if let Ok(v) = http::HeaderValue::from_str(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        ) {
            r.response
                .headers_mut()
                .insert(http::header::CONTENT_TYPE, v);
        }
        r
    };
    match segs {
        ["api"] if wants_aggregated(&req.accept) => aggregated(true),
        ["apis"] if wants_aggregated(&req.accept) => aggregated(false),
        ["api"] => Reply::json(
            200,
            &json!({
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": state.advertise.to_string()}],
            }),
            req,
        ),
        ["apis"] => Reply::json(200, &state.registry.group_list(), req),
        ["api", version] => match state.registry.resource_list("", version) {
            Some(v) => Reply::json(200, &v, req),
            None => Reply::error(ApiError::path_not_found(), req),
        },
        ["apis", group] => match state.registry.group(group) {
            Some(v) => Reply::json(200, &v, req),
            None => Reply::error(ApiError::path_not_found(), req),
        },
        ["apis", group, version] => match state.registry.resource_list(group, version) {
            Some(v) => Reply::json(200, &v, req),
            None => Reply::error(ApiError::path_not_found(), req),
        },
        _ => Reply::error(ApiError::path_not_found(), req),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_kubectl_accept_header() {
        assert!(wants_aggregated(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
        ));
        assert!(!wants_aggregated("application/json, */*"));
    }
}

//! install → upgrade → rollback → uninstall, checking the cluster and the records.

use charthouse_action::{InstallOptions, RollbackOptions, UninstallOptions, UpgradeOptions};
use charthouse_release::Status;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;

use crate::common::{CONFIGMAP, EXTRA, SERVICE, chart, env};

fn values(yaml: &str) -> charthouse_goyaml::Map {
    match charthouse_goyaml::unmarshal(yaml.as_bytes()).unwrap() {
        charthouse_goyaml::Value::Map(m) => m,
        _ => charthouse_goyaml::Map::new(),
    }
}

#[tokio::test]
async fn install_upgrade_rollback_uninstall() {
    let env = env().await;
    let ctx = &env.ctx;
    let files = [
        ("templates/cm.yaml", CONFIGMAP),
        ("templates/extra.yaml", EXTRA),
        ("templates/svc.yaml", SERVICE),
    ];
    let mut install = InstallOptions::new("web", chart("0.1.0", &files));
    install.values = values("extra: true\n");
    let rel = charthouse_action::install(ctx, install).await.unwrap();
    assert_eq!(rel.status(), Status::Deployed);
    assert_eq!(rel.info.as_ref().unwrap().description, "Install complete");
    let cms: Api<ConfigMap> = Api::namespaced(ctx.client().clone(), "default");
    let cm = cms.get("web-cfg").await.unwrap();
    assert_eq!(cm.data.unwrap()["greeting"], "hello");
    assert_eq!(
        cm.metadata.labels.unwrap()["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        cm.metadata.annotations.unwrap()["meta.helm.sh/release-name"],
        "web"
    );
    assert!(cms.get_opt("web-extra").await.unwrap().is_some());

    // Upgrade: new value, the extra ConfigMap dropped from the chart.
    let mut upgrade = UpgradeOptions::new("web", chart("0.2.0", &files));
    upgrade.values = values("greeting: hi\n");
    let out = charthouse_action::upgrade(ctx, upgrade).await.unwrap();
    assert_eq!(out.release.version, 2);
    assert_eq!(
        cms.get("web-cfg").await.unwrap().data.unwrap()["greeting"],
        "hi"
    );
    assert!(
        cms.get_opt("web-extra").await.unwrap().is_none(),
        "removed from the chart, so deleted"
    );

    // Roll back to 1: the extra ConfigMap returns, the value too.
    let rel = charthouse_action::rollback(
        ctx,
        RollbackOptions {
            revision: 1,
            ..RollbackOptions::new("web")
        },
    )
    .await
    .unwrap();
    assert_eq!(rel.version, 3);
    assert_eq!(rel.info.as_ref().unwrap().description, "Rollback to 1");
    assert_eq!(
        cms.get("web-cfg").await.unwrap().data.unwrap()["greeting"],
        "hello"
    );
    assert!(cms.get_opt("web-extra").await.unwrap().is_some());
    let h = charthouse_action::release_history(ctx, "web")
        .await
        .unwrap();
    let statuses: Vec<_> = h.iter().map(|r| r.status()).collect();
    assert_eq!(
        statuses,
        [Status::Superseded, Status::Superseded, Status::Deployed]
    );

    // Roll forward to 2.
    let rel = charthouse_action::rollback(
        ctx,
        RollbackOptions {
            revision: 2,
            ..RollbackOptions::new("web")
        },
    )
    .await
    .unwrap();
    assert_eq!(rel.version, 4);
    assert!(cms.get_opt("web-extra").await.unwrap().is_none());

    let listed = charthouse_action::list(ctx, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, 4);

    let out = charthouse_action::uninstall(ctx, UninstallOptions::new("web"))
        .await
        .unwrap();
    assert_eq!(out.release.unwrap().status(), Status::Uninstalled);
    assert!(cms.get_opt("web-cfg").await.unwrap().is_none());
    assert!(
        charthouse_action::release_history(ctx, "web")
            .await
            .is_err()
    );
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn second_operation_while_one_holds_the_lease_names_the_holder() {
    let env = env().await;
    let ctx = &env.ctx;
    let files = [("templates/cm.yaml", CONFIGMAP)];
    charthouse_action::install(ctx, InstallOptions::new("app", chart("0.1.0", &files)))
        .await
        .unwrap();
    let guard = charthouse_action::lease::acquire(ctx.client(), "default", "app", "someone-else")
        .await
        .unwrap();
    let err = charthouse_action::upgrade(ctx, UpgradeOptions::new("app", chart("0.1.1", &files)))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("another operation (install/upgrade/rollback) is in progress: held by someone-else since "), "{text}");
    guard.release().await;
    let out = charthouse_action::upgrade(ctx, UpgradeOptions::new("app", chart("0.1.1", &files)))
        .await
        .unwrap();
    assert_eq!(out.release.version, 2);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn objects_owned_by_another_release_are_not_adopted() {
    let env = env().await;
    let ctx = &env.ctx;
    let files = [(
        "templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n",
    )];
    charthouse_action::install(ctx, InstallOptions::new("one", chart("0.1.0", &files)))
        .await
        .unwrap();
    let err = charthouse_action::install(ctx, InstallOptions::new("two", chart("0.1.0", &files)))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to continue with install: ConfigMap \"shared\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"two\": current value is \"one\""
    );
    assert!(
        charthouse_action::release_history(ctx, "two")
            .await
            .is_err(),
        "nothing recorded"
    );
    let mut take = InstallOptions::new("two", chart("0.1.0", &files));
    take.take_ownership = true;
    charthouse_action::install(ctx, take).await.unwrap();
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn lookup_reads_the_cluster_while_rendering() {
    let env = env().await;
    let ctx = &env.ctx;
    let cms: Api<ConfigMap> = Api::namespaced(ctx.client().clone(), "default");
    let seed: ConfigMap = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "seed"}, "data": {"token": "abc123"}
    }))
    .unwrap();
    cms.create(&Default::default(), &seed).await.unwrap();
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-looked-up\ndata:\n  token: {{ (lookup \"v1\" \"ConfigMap\" \"default\" \"seed\").data.token | quote }}\n  missing: {{ lookup \"v1\" \"ConfigMap\" \"default\" \"nope\" | len | quote }}\n  listed: {{ (lookup \"v1\" \"ConfigMap\" \"default\" \"\").items | len | quote }}\n";
    charthouse_action::install(
        ctx,
        InstallOptions::new("lk", chart("0.1.0", &[("templates/cm.yaml", template)])),
    )
    .await
    .unwrap();
    let data = cms.get("lk-looked-up").await.unwrap().data.unwrap();
    assert_eq!(data["token"], "abc123");
    assert_eq!(
        data["missing"], "0",
        "a missing object is an empty map, as in helm"
    );
    // The list form sees what existed while rendering (the seed, and the namespace's
    // kube-root-ca.crt as on a real cluster), not the release's own object.
    let before = cms.list(&Default::default()).await.unwrap().items.len() - 1;
    assert_eq!(data["listed"], before.to_string());
    env.sandbox.shutdown().await;
}

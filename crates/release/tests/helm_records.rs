//! Records produced by helm v4.3.1 (see tests/data/README.md for how they were made).

use charthouse_release::{ApplyMethod, HookEvent, Release, Status, codec};

const INSTALL: &str = include_str!("data/helm-install-dry-run.json");

#[test]
fn helm_json_reencodes_byte_for_byte() {
    // `helm install -o json` prints the record with json.NewEncoder, which adds a newline.
    let helm_json = INSTALL.strip_suffix('\n').unwrap();
    let release: Release = serde_json::from_str(helm_json).unwrap();
    let ours = String::from_utf8(codec::encode_json(&release).unwrap()).unwrap();
    assert_eq!(ours, helm_json);
}

#[test]
fn helm_json_fields_are_understood() {
    let release: Release = serde_json::from_str(INSTALL).unwrap();
    assert_eq!(release.name, "rel");
    assert_eq!(release.version, 1);
    assert_eq!(release.status(), Status::PendingInstall);
    assert_eq!(release.apply_method, Some(ApplyMethod::ServerSideApply));
    assert_eq!(release.hooks[0].events, vec![HookEvent::Test]);
    assert!(
        release.extra.is_empty(),
        "every field helm writes is known: {:?}",
        release.extra
    );
    let chart = release.chart.unwrap();
    assert_eq!(chart.metadata.unwrap().name, "demo");
    assert_eq!(
        chart.schema.as_deref(),
        Some(&b"{\"type\": \"object\"}\n"[..])
    );
    assert_eq!(release.config["extra"], 5);
}

#[test]
fn payload_round_trip_keeps_every_byte_of_json() {
    let release: Release = serde_json::from_str(INSTALL).unwrap();
    let payload = codec::encode(&release).unwrap();
    let back = codec::decode(&payload).unwrap();
    assert_eq!(back, release);
}

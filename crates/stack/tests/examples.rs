//! examples/stack renders exactly as helm v4.3.1 renders each release with the same
//! values (goldens from tests/data/regen.sh).

use crate::common::root;

fn stack(env: &str) -> charthouse_stack::Stack {
    charthouse_stack::load(&charthouse_stack::LoadOptions {
        files: vec![root().join("examples/stack/stackfile.yaml")],
        environment: Some(env.into()),
        namespace: "default".into(),
        ..Default::default()
    })
    .unwrap()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/helm")
            .join(name),
    )
    .unwrap()
}

#[test]
fn example_releases_per_environment() {
    let ids = |env: &str| -> Vec<String> { stack(env).releases.iter().map(|r| r.id()).collect() };
    assert_eq!(ids("dev"), ["demo/cache", "demo/web"]);
    assert_eq!(ids("prod"), ["demo/cache", "demo/web", "demo/worker"]);
    let prod = stack("prod");
    assert_eq!(prod.releases[1].needs, ["demo/cache"]);
    assert!(prod.defaults.wait && prod.defaults.create_namespace);
    assert_eq!(prod.defaults.history_max, 5);
}

#[test]
fn example_renders_like_helm() {
    for env in ["dev", "prod"] {
        let stack = stack(env);
        for r in &stack.releases {
            let got = charthouse_stack::template_release(r, &Default::default()).unwrap();
            let want = golden(&format!("{env}-{}.yaml", r.name));
            assert!(
                got == want,
                "{env}/{}: differs from helm\n--- helm ---\n{want}\n--- charthouse ---\n{got}",
                r.name
            );
        }
    }
}

#[test]
fn example_lints_clean() {
    let stack = stack("prod");
    for r in &stack.releases {
        let res = charthouse_stack::lint_release(r, true, &Default::default()).unwrap();
        assert!(!res.failed, "{}: {}", r.id(), res.report);
    }
}

//! Links the `charthouse` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable makes the dynamic loader apply tens of thousands of
//! relative relocations at every start, copying each relocated page (about 1.4 MB of
//! vtables and static tables) before `main` runs: half a millisecond per process, most
//! of a small `charthouse template`. Go links helm the same way (non-PIE by default on
//! linux/amd64). The objects stay position-independent; only the final link changes.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && matches!(env.as_str(), "gnu" | "musl") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

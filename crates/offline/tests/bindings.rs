//! The UI's TypeScript types are generated from Rust; this fails when the checked-in
//! file is stale. `UPDATE_BINDINGS=1 cargo test -p huiji-offline --test bindings`
//! rewrites it.

use std::path::PathBuf;

#[test]
fn ui_bindings_match_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let generated = huiji_offline::app::views::typescript_bindings();
    if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "ui/src/lib/bindings.ts is stale; run `UPDATE_BINDINGS=1 cargo test -p huiji-offline --test bindings`\n--- generated ---\n{generated}"
    );
}

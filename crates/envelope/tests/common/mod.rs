//! What the envelope crate's integration tests share: where the repository is, a scratch folder per test
//! binary, and the inputs that may be absent (the corpus lives beside the repository, the fixtures are
//! generated).
// Each test binary compiles its own copy of this module and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `name` in a scratch folder of this test binary (`prefix` tells the binaries' folders apart).
pub fn scratch(prefix: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The file at `rel` below the repository, or `None`, saying the test is skipped, when it is not there.
pub fn present(rel: &str) -> Option<PathBuf> {
    let path = root().join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {rel} is absent");
        None
    }
}

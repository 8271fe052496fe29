//! The on-disk cache: `<cache>/<debug_file>/<DEBUG_ID>/<name>.sym` (the store layout, so other tools can use
//! it too), its index beside it as `<name>.sym.idx`, and `<name>.sym.missing` when every server said 404.
//!
//! Several processes may share a cache (parallel CI jobs, two app instances): every file is written to a
//! temporary name in its final directory and renamed into place, so a reader sees a whole file or none.
//! A torn or stale index is detected (magic, the `.sym`'s length) and rebuilt.

use crate::index::SymIndex;
use crate::{Bytes, Indexed};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The cached symbols at `sym_path`, with their index (rebuilt and saved again when missing or stale).
pub(crate) fn open(sym_path: &Path) -> Option<Indexed> {
    let file = File::open(sym_path).ok()?;
    // SAFETY: cache files are only ever replaced by rename, never written in place, so the mapped file
    // does not change under us.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let idx_path = with_suffix(sym_path, ".idx");
    let index = match fs::read(&idx_path)
        .ok()
        .and_then(|b| SymIndex::from_bytes(&b, map.len() as u64))
    {
        Some(index) => index,
        None => {
            let index = SymIndex::build(&map);
            write_atomically(&idx_path, &index.to_bytes());
            index
        }
    };
    Some(Indexed::new(
        Bytes::Mapped(map),
        index,
        sym_path.display().to_string(),
    ))
}

/// Saves a `.sym` and its index. Failures only cost the next run a rebuild, so they are not errors.
pub(crate) fn store(sym_path: &Path, sym: &[u8], index: &SymIndex) {
    if write_atomically(sym_path, sym) {
        write_atomically(&with_suffix(sym_path, ".idx"), &index.to_bytes());
        let _ = fs::remove_file(with_suffix(sym_path, ".missing"));
    }
}

pub(crate) fn mark_missing(sym_path: &Path) {
    write_atomically(&with_suffix(sym_path, ".missing"), b"");
}

/// True when every server said "not found" less than `ttl` ago.
pub(crate) fn recently_missing(sym_path: &Path, ttl: Duration) -> bool {
    fs::metadata(with_suffix(sym_path, ".missing"))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age < ttl)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    if fs::create_dir_all(dir).is_err() {
        return false;
    }
    let tmp = with_suffix(path, &format!(".{}.{}.tmp", std::process::id(), unique()));
    let written = File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if written.is_ok() && fs::rename(&tmp, path).is_ok() {
        return true;
    }
    let _ = fs::remove_file(&tmp);
    false
}

/// Distinguishes temporary files of threads of one process.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

//! The on-disk cache: `<cache>/<debug_file>/<DEBUG_ID>/<name>.sym` (the store layout, so other tools can use
//! it too), its index beside it as `<name>.sym.idx`, and `<name>.sym.missing` when every server said 404.
//!
//! Several processes may share a cache (parallel CI jobs, two app instances): every file is written to a
//! temporary name in its final directory and renamed into place, so a reader sees a whole file or none.
//! A torn, damaged or stale index is detected (magic, header checksum, size, the `.sym`'s length and
//! modification time) and rebuilt.

use crate::index::{IndexView, SymIndex};
use crate::{Bytes, Indexed};
use std::fs::{self, File, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A `.sym`'s stamp: its modification time in nanoseconds (0 where the file system keeps none). A cached
/// file is only ever replaced by a rename, so a new file brings a new stamp and the old index no longer fits.
fn stamp(meta: &Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Maps `file` (of `len` bytes) read-only.
fn map(file: &File, len: u64) -> Option<memmap2::Mmap> {
    let len = usize::try_from(len).ok()?;
    // SAFETY: cache files are only ever replaced by rename, never written in place, so the mapped file
    // does not change under us.
    unsafe { memmap2::MmapOptions::new().len(len).map(file) }.ok()
}

/// Opens and maps `path`, with the file's metadata.
fn open_mapped(path: &Path) -> Option<(memmap2::Mmap, Metadata)> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    Some((map(&file, meta.len())?, meta))
}

/// The cached symbols at `sym_path`, with their index (rebuilt and saved again when missing or stale). Both
/// are mapped, and the index is read in place: opening costs the same whatever their sizes.
pub(crate) fn open(sym_path: &Path) -> Option<Indexed> {
    let (sym, meta) = open_mapped(sym_path)?;
    let stamp = stamp(&meta);
    let idx_path = with_suffix(sym_path, ".idx");
    let saved = open_mapped(&idx_path)
        .and_then(|(m, _)| IndexView::new(Bytes::Mapped(m)))
        .filter(|view| view.sym_len() == sym.len() as u64 && view.stamp() == stamp);
    let index = match saved {
        Some(view) => view,
        None => {
            let bytes = SymIndex::build(&sym).encode(stamp);
            write_atomically(&idx_path, &bytes);
            IndexView::new(Bytes::Owned(bytes))?
        }
    };
    Some(Indexed::new(
        Bytes::Mapped(sym),
        index,
        sym_path.display().to_string(),
    ))
}

/// Saves a `.sym`; returns its stamp (for its index), or `None` when it could not be written. Failures only
/// cost the next run a fetch or a read, so they are not errors.
pub(crate) fn store_sym(sym_path: &Path, sym: &[u8]) -> Option<u64> {
    if !write_atomically(sym_path, sym) {
        return None;
    }
    let _ = fs::remove_file(with_suffix(sym_path, ".missing"));
    // Read back from the path, as `open` will: should another process have put its copy in place meanwhile,
    // the index saved with this stamp is refused and rebuilt once, never applied to the wrong file.
    fs::metadata(sym_path).ok().map(|m| stamp(&m))
}

/// Saves the index of the `.sym` at `sym_path` (made with the stamp `store_sym` returned).
pub(crate) fn store_index(sym_path: &Path, saved: &[u8]) {
    write_atomically(&with_suffix(sym_path, ".idx"), saved);
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

#[cfg(test)]
mod tests {
    use super::*;

    const SYM: &[u8] = b"MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 app\n\
FILE 0 /src/a.c\n\
FUNC 1000 20 0 main\n\
1000 20 10 0\n\
STACK CFI INIT 1000 20 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n";

    /// A fresh cache folder holding `SYM` and its index as a cold run leaves them.
    fn cached(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "symbol-store-cache-{name}-{}-{}",
            std::process::id(),
            unique()
        ));
        let sym = dir
            .join("app")
            .join("0123456789ABCDEF0123456789ABCDEF0")
            .join("app.sym");
        let stamp = store_sym(&sym, SYM).expect("the .sym is written");
        store_index(&sym, &SymIndex::build(SYM).encode(stamp));
        sym
    }

    fn saved_index(sym: &Path) -> Vec<u8> {
        fs::read(with_suffix(sym, ".idx")).unwrap()
    }

    fn finish(sym: &Path) {
        let _ = fs::remove_dir_all(sym.parent().unwrap().parent().unwrap().parent().unwrap());
    }

    #[test]
    fn a_saved_index_is_read_in_place() {
        let sym = cached("in-place");
        let before = saved_index(&sym);
        let ix = open(&sym).expect("opens");
        assert!(matches!(ix.index_bytes(), Bytes::Mapped(_)));
        assert_eq!(saved_index(&sym), before, "not rewritten");
        finish(&sym);
    }

    #[test]
    fn stale_torn_and_damaged_indexes_are_rebuilt() {
        let sym = cached("rebuilt");
        let good = saved_index(&sym);
        let idx = with_suffix(&sym, ".idx");
        let mut old_format = good.clone();
        old_format[..8].copy_from_slice(b"SENSYM03");
        let mut damaged = good.clone();
        damaged[45] ^= 1;
        for (what, bytes) in [
            ("old format", old_format),
            ("damaged header", damaged),
            ("torn", good[..good.len() - 8].to_vec()),
            ("empty", Vec::new()),
        ] {
            fs::write(&idx, &bytes).unwrap();
            let ix = open(&sym).expect("opens");
            assert!(
                matches!(ix.index_bytes(), Bytes::Owned(_)),
                "{what}: rebuilt"
            );
            assert_eq!(saved_index(&sym), good, "{what}: saved again");
        }
        fs::remove_file(&idx).unwrap();
        assert!(open(&sym).is_some());
        assert_eq!(saved_index(&sym), good, "missing: saved again");
        finish(&sym);
    }

    #[test]
    fn an_index_of_another_file_is_rebuilt() {
        let sym = cached("other-file");
        // Another .sym of the same length put in place (a rename brings its own modification time).
        let other = SYM
            .iter()
            .map(|&b| if b == b'8' { b'9' } else { b })
            .collect::<Vec<_>>();
        assert_eq!(other.len(), SYM.len());
        let tmp = with_suffix(&sym, ".new");
        fs::write(&tmp, &other).unwrap();
        let later = fs::metadata(&sym).unwrap().modified().unwrap() + Duration::from_secs(2);
        File::options()
            .write(true)
            .open(&tmp)
            .unwrap()
            .set_modified(later)
            .unwrap();
        fs::rename(&tmp, &sym).unwrap();
        let ix = open(&sym).expect("opens");
        assert!(matches!(ix.index_bytes(), Bytes::Owned(_)), "rebuilt");
        let saved = saved_index(&sym);
        let view = IndexView::new(&saved[..]).unwrap();
        assert_eq!(view.stamp(), stamp(&fs::metadata(&sym).unwrap()));
        assert!(open(&sym).is_some_and(|ix| matches!(ix.index_bytes(), Bytes::Mapped(_))));
        finish(&sym);
    }
}

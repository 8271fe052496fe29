//! Writing a queue file atomically: readers (the transport, a restarted app) see either no file or the
//! whole file under its final name, never a torn one, even across a power cut.

use crate::error::EnvelopeError;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What was written: the final path, its size and the SHA-256 of its bytes (lowercase hex), so the queue
/// can check a file before it sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
}

/// Buffer between the producer and the file: deflate emits small pieces, the disk wants large writes.
const WRITE_BUFFER: usize = 256 * 1024;

/// Writes `dest` atomically: `fill` writes into a temp file in the same directory (so the rename cannot
/// cross file systems), which is then fsynced, renamed over `dest`, and the directory fsynced so that
/// the rename itself is durable. On any error the temp file is removed and `dest` is untouched.
pub fn write_atomic(
    dest: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), EnvelopeError>,
) -> Result<Written, EnvelopeError> {
    let name = dest.file_name().ok_or_else(|| {
        EnvelopeError::InvalidArgument(format!("{}: not a file path", dest.display()))
    })?;
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = TempFile::create(&dir, &name.to_string_lossy())?;
    let mut out = BufWriter::with_capacity(
        WRITE_BUFFER,
        Hashing {
            file: temp.file(),
            hasher: Sha256::new(),
            bytes: 0,
        },
    );
    fill(&mut out)?;
    let hashing = out
        .into_inner()
        .map_err(|e| EnvelopeError::io(&temp.path, e.into_error()))?;
    let (bytes, digest) = (hashing.bytes, hashing.hasher.finalize());
    temp.file()
        .sync_all()
        .map_err(|e| EnvelopeError::io(&temp.path, e))?;
    temp.persist(dest)?;
    sync_dir(&dir)?;
    Ok(Written {
        path: dest.to_path_buf(),
        bytes,
        sha256: hex(&digest),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), EnvelopeError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| EnvelopeError::io(dir, e))
}

/// Windows cannot open a directory as a file; NTFS journals the rename's metadata itself.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), EnvelopeError> {
    Ok(())
}

/// A temp file that removes itself unless persisted: every early return cleans up.
struct TempFile {
    path: PathBuf,
    /// An `Option` so it can be closed before the rename or removal: Windows refuses both on open files.
    file: Option<File>,
    persisted: bool,
}

impl TempFile {
    fn create(dir: &Path, name: &str) -> Result<Self, EnvelopeError> {
        // pid + a process-wide counter: unique among concurrent writers, in this process and others;
        // the leading dot and `.tmp` keep queue scanners (which look for their own suffix) away from it.
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| EnvelopeError::io(&path, e))?;
        Ok(TempFile {
            path,
            file: Some(file),
            persisted: false,
        })
    }

    fn file(&self) -> &File {
        self.file.as_ref().expect("open until persisted or dropped")
    }

    fn persist(mut self, dest: &Path) -> Result<(), EnvelopeError> {
        drop(self.file.take());
        std::fs::rename(&self.path, dest).map_err(|e| {
            EnvelopeError::Io(format!(
                "cannot rename {} to {}: {e}",
                self.path.display(),
                dest.display()
            ))
        })?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Hashes and counts exactly the bytes that reach the file.
struct Hashing<'a> {
    file: &'a File,
    hasher: Sha256,
    bytes: u64,
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

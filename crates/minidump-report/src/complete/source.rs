//! Where the check reads from: a slice in memory, or a file read piece by piece with positioned reads.

use super::{truncated, ReportError, Stop, CHUNK};
use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

/// Where the bytes come from: a slice, or a file read piece by piece.
pub(super) trait Source {
    fn len(&self) -> u64;
    /// `len` bytes at `offset`, which the caller has checked lie within `self.len()`.
    fn read(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, Stop>;
}

pub(super) struct Slice<'a>(pub(super) &'a [u8]);

impl Source for Slice<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, Stop> {
        let range = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(offset.saturating_add(len)).ok())
            .and_then(|(a, b)| self.0.get(a..b));
        range
            .map(Cow::Borrowed)
            .ok_or_else(|| truncated(format!("{len} bytes at offset {offset} lie past the end")))
    }
}

pub(super) struct FileSource<'p> {
    pub(super) file: File,
    pub(super) len: u64,
    pub(super) path: &'p Path,
}

impl Source for FileSource<'_> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, Stop> {
        let mut buf = vec![0u8; len.min(CHUNK) as usize];
        let mut filled = 0;
        while filled < buf.len() {
            match read_at(&self.file, &mut buf[filled..], offset + filled as u64) {
                Ok(0) => {
                    return Err(truncated(format!(
                        "the file shrank below {} bytes while it was checked",
                        offset + filled as u64 + 1
                    )))
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Stop::Error(ReportError::Io(format!(
                        "{}: {e}",
                        self.path.display()
                    ))))
                }
            }
        }
        Ok(Cow::Owned(buf))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

//! Crash context from a minidump, for crash reporters: what crashed, why, where, in which process.
//!
//! Reading and stack walking are rust-minidump's (`minidump`, `minidump-unwind`, `breakpad-symbols`);
//! this crate chooses what a crash reporter needs from them, walks only the threads asked for, reads
//! Crashpad annotations tolerantly, and turns damage into warnings beside a partial result.
//! No napi here: the binding at the repository root is a thin layer over `parse_path` / `parse_bytes`.

mod build;
pub mod complete;
mod crashpad;
pub mod demangle;
mod error;
pub mod hex;
mod ids;
mod mechanism;
mod modules;
mod options;
mod process_type;
pub mod report;
pub mod stackwalk_json;
mod symbolicate_report;
mod threads;
mod walk;

pub use build::iso8601;
pub use complete::{check_bytes, check_path, Check, Incomplete};
pub use error::ReportError;
pub use options::{CancelToken, Options, DEFAULT_MAX_FRAMES, DEFAULT_MAX_INPUT_BYTES};
pub use report::Report;
pub use symbolicate_report::symbolicate_report;

use minidump_layout::Signature;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Internal readers, for the fuzz targets in `fuzz/` only.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::crashpad::read as crashpad_info;
}

/// Parses the minidump at `path`, memory-mapped so that only the pages the report needs are read.
pub fn parse_path(
    path: &Path,
    options: &Options,
    cancel: &CancelToken,
) -> Result<Report, ReportError> {
    with_mapped(path, options, |bytes| parse_bytes(bytes, options, cancel))
}

/// Parses a minidump held in memory.
pub fn parse_bytes(
    bytes: &[u8],
    options: &Options,
    cancel: &CancelToken,
) -> Result<Report, ReportError> {
    check_size(bytes.len() as u64, options)?;
    cancel.check()?;
    let dump = open(bytes)?;
    build::report(&dump, bytes, options, cancel)
}

/// Files up to this size are read into memory rather than mapped. Mapping costs a page fault for every page
/// the parse touches and a TLB shootdown across the process's threads when the map goes; a small dump's
/// parse touches most of its pages, so one `read` into the heap is cheaper (bench/RESULTS.md, issue 18).
/// The limit is glibc's default `mmap` threshold: a larger buffer would itself be a fresh anonymous map,
/// paying the same faults. Larger dumps, whose memory regions the parse mostly skips, stay mapped: only
/// the pages read in count towards RSS.
pub const READ_LIMIT: u64 = 128 << 10;

/// Reads `path` (mapped read-only when larger than [`READ_LIMIT`]) and hands its bytes to `f`, after the
/// size limit and the empty-file check: how every entry point that takes a path (`parse_path`, the
/// binding's `minidump-stackwalk` JSON) reads it.
pub fn with_mapped<T>(
    path: &Path,
    options: &Options,
    f: impl FnOnce(&[u8]) -> Result<T, ReportError>,
) -> Result<T, ReportError> {
    let (mut file, len) = open_file(path)?;
    check_size(len, options)?;
    if len == 0 {
        return Err(ReportError::Invalid("the file is empty".into()));
    }
    let io = |e: std::io::Error| ReportError::Io(format!("{}: {e}", path.display()));
    if len <= READ_LIMIT {
        let mut bytes = Vec::with_capacity(len as usize);
        // At most one byte past the size limit: a file that grew since `open_file` is still refused.
        file.by_ref()
            .take(options.max_input_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        check_size(bytes.len() as u64, options)?;
        return f(&bytes);
    }
    // SAFETY: the map is read-only and private to this call. A writer truncating the file while we
    // read would fault; crash dumps are complete (renamed into place) before they are parsed.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    f(&map)
}

/// Opens `path` for reading, with its length; `ReportError::Io` unless it is a regular file.
pub(crate) fn open_file(path: &Path) -> Result<(File, u64), ReportError> {
    let io = |e: std::io::Error| ReportError::Io(format!("{}: {e}", path.display()));
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReportError::Io(format!(
            "{}: not a regular file",
            path.display()
        )));
    }
    Ok((file, meta.len()))
}

fn check_size(size: u64, options: &Options) -> Result<(), ReportError> {
    if size > options.max_input_bytes {
        return Err(ReportError::TooLarge {
            size,
            limit: options.max_input_bytes,
        });
    }
    Ok(())
}

/// Reads the header and directory, telling "not a minidump at all" from "a damaged one".
pub(crate) fn open(bytes: &[u8]) -> Result<minidump::Minidump<'_, &[u8]>, ReportError> {
    // Either byte order, as the structural check reads it: a cut-off signature is a damaged dump.
    match minidump_layout::signature(bytes) {
        Signature::Minidump(_) => {}
        _ if bytes.is_empty() => return Err(ReportError::Invalid("the input is empty".into())),
        Signature::Prefix => {
            return Err(ReportError::Invalid("truncated inside the header".into()))
        }
        Signature::Other => return Err(ReportError::NotAMinidump),
    }
    minidump::Minidump::read(bytes).map_err(|e| match e {
        minidump::Error::HeaderMismatch => ReportError::NotAMinidump,
        other => ReportError::Invalid(other.to_string()),
    })
}

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

/// Maps `path` read-only and hands its bytes to `f`, after the size limit and the empty-file check: how
/// every entry point that takes a path (`parse_path`, the binding's `minidump-stackwalk` JSON) reads it.
pub fn with_mapped<T>(
    path: &Path,
    options: &Options,
    f: impl FnOnce(&[u8]) -> Result<T, ReportError>,
) -> Result<T, ReportError> {
    let (file, len) = open_file(path)?;
    check_size(len, options)?;
    if len == 0 {
        return Err(ReportError::Invalid("the file is empty".into()));
    }
    // SAFETY: the map is read-only and private to this call. A writer truncating the file while we
    // read would fault; crash dumps are complete (renamed into place) before they are parsed.
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|e| ReportError::Io(format!("{}: {e}", path.display())))?;
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

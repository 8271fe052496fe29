//! Is this file a whole minidump? A structural check for crash watchers, which must not hand a dump on while
//! its writer is still at work (Crashpad writes a dump, then moves it), nor judge by modification times.
//!
//! The check follows every file offset a usable crash report reads, without interpreting any stream: the
//! header, the stream directory, each directory entry's range, the three streams a usable crash needs, the
//! counts of the lists inside them against their sizes, and the ranges those lists point at (thread stacks and
//! contexts, module names and debug records, the exception's context, memory regions). Crashpad lays memory
//! out last and Breakpad's writers append as they go, so a file cut anywhere leaves at least one of those
//! ranges pointing past its end.
//!
//! The streams a usable crash needs:
//! - system info: the OS and CPU, without which no CPU context can be decoded, so no stack can be walked;
//! - thread list: the threads, with the crashing thread's stack and registers;
//! - module list: which binary each frame is in, and the debug ids that symbols are found by.
//!
//! The exception stream is not required: a dump of a process that did not crash (Crashpad's
//! `DumpWithoutCrashing`, a hang report) is complete without one. When present, its context must be whole.
//!
//! Bounded on any input: every loop runs over entries that were first checked to lie inside the input, so the
//! work is linear in the input's size, and a file is read in chunks of at most `CHUNK` bytes. Files are read
//! with positioned reads rather than mapped: a file still being written may also shrink under the check,
//! which a map would turn into SIGBUS in the host app; here it is only a short read, reported as truncated.

mod checker;
mod source;

use crate::{open_file, ReportError};
use checker::Checker;
use minidump_layout::format::{MINIDUMP_STREAM_TYPE as Stream, MINIDUMP_VERSION};
use minidump_layout::size::{
    DIRECTORY_ENTRY as DIRECTORY_ENTRY_SIZE, EXCEPTION_STREAM as EXCEPTION_STREAM_SIZE,
    HEADER as HEADER_SIZE, MEMORY64_HEAD, MEMORY_DESCRIPTOR as MEMORY_DESCRIPTOR_SIZE,
    MODULE as MODULE_SIZE, SYSTEM_INFO as SYSTEM_INFO_SIZE, THREAD as THREAD_SIZE,
};
use source::{FileSource, Slice, Source};
use std::fmt;
use std::path::Path;

/// Largest piece of a list read from a file at once: the check's memory does not grow with the input.
const CHUNK: u64 = 64 * 1024;

/// Why an input is not a complete minidump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incomplete {
    /// It does not start with the minidump signature (nor with the first bytes of one).
    NotAMinidump,
    /// Something it declares lies past its end: still being written, or cut short.
    Truncated,
    /// Everything lies inside it, but its structures are inconsistent, or a stream a crash needs is missing.
    Invalid,
}

impl Incomplete {
    /// Every code `code` returns, for the TypeScript contract (crates/contract).
    pub const CODES: &'static [&'static str] = &[
        "ERR_NOT_A_MINIDUMP",
        "ERR_TRUNCATED",
        "ERR_INVALID_MINIDUMP",
    ];

    /// The stable code JavaScript sees as `MinidumpCheck.code`.
    pub fn code(self) -> &'static str {
        match self {
            Incomplete::NotAMinidump => "ERR_NOT_A_MINIDUMP",
            Incomplete::Truncated => "ERR_TRUNCATED",
            Incomplete::Invalid => "ERR_INVALID_MINIDUMP",
        }
    }
}

/// The verdict on one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The input's size in bytes, as it was checked.
    pub size: u64,
    /// `None` when the input is a complete minidump, else the first reason it is not.
    pub problem: Option<(Incomplete, String)>,
}

impl Check {
    pub fn is_complete(&self) -> bool {
        self.problem.is_none()
    }
}

/// Checks a minidump held in memory. Never an error today: damage is a verdict, not a failure.
pub fn check_bytes(bytes: &[u8]) -> Result<Check, ReportError> {
    check(&Slice(bytes))
}

/// Checks the file at `path`. Errors with `ReportError::Io` when it cannot be opened or read.
pub fn check_path(path: &Path) -> Result<Check, ReportError> {
    let (file, len) = open_file(path)?;
    check(&FileSource { file, len, path })
}
/// How a check ends early: a verdict about the input, or an error reading it.
enum Stop {
    Incomplete(Incomplete, String),
    Error(ReportError),
}

fn truncated(reason: impl Into<String>) -> Stop {
    Stop::Incomplete(Incomplete::Truncated, reason.into())
}

fn invalid(reason: impl Into<String>) -> Stop {
    Stop::Incomplete(Incomplete::Invalid, reason.into())
}

fn check(source: &dyn Source) -> Result<Check, ReportError> {
    let size = source.len();
    match Checker::new(source).and_then(|c| c.run()) {
        Ok(()) => Ok(Check {
            size,
            problem: None,
        }),
        Err(Stop::Incomplete(kind, reason)) => Ok(Check {
            size,
            problem: Some((kind, reason)),
        }),
        Err(Stop::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests;

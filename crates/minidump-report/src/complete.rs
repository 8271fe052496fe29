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

use crate::{guarded, open_file, ReportError};
use minidump::format::{MINIDUMP_SIGNATURE, MINIDUMP_STREAM_TYPE as Stream, MINIDUMP_VERSION};
use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::path::Path;

const HEADER_SIZE: u64 = 32;
const DIRECTORY_ENTRY_SIZE: u64 = 12;
const THREAD_SIZE: u64 = 48;
const MODULE_SIZE: u64 = 108;
const MEMORY_DESCRIPTOR_SIZE: u64 = 16;
const SYSTEM_INFO_SIZE: u64 = 56;
const EXCEPTION_STREAM_SIZE: u64 = 168;
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

/// Checks a minidump held in memory. Errors only with `ReportError::Internal` (a bug, caught).
pub fn check_bytes(bytes: &[u8]) -> Result<Check, ReportError> {
    guarded(|| check(&Slice(bytes)))
}

/// Checks the file at `path`. Errors with `ReportError::Io` when it cannot be opened or read.
pub fn check_path(path: &Path) -> Result<Check, ReportError> {
    guarded(|| {
        let (file, len) = open_file(path)?;
        check(&FileSource { file, len, path })
    })
}

/// Where the bytes come from: a slice, or a file read piece by piece.
trait Source {
    fn len(&self) -> u64;
    /// `len` bytes at `offset`, which the caller has checked lie within `self.len()`.
    fn read(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, Stop>;
}

struct Slice<'a>(&'a [u8]);

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

struct FileSource<'p> {
    file: File,
    len: u64,
    path: &'p Path,
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

/// One directory entry.
#[derive(Clone, Copy)]
struct Entry {
    index: u32,
    stream_type: u32,
    size: u32,
    rva: u32,
}

/// A location descriptor: `size` bytes at file offset `rva`.
#[derive(Clone, Copy)]
struct Location {
    size: u64,
    rva: u64,
}

struct Checker<'s> {
    source: &'s dyn Source,
    big_endian: bool,
    entries: Vec<Entry>,
}

impl<'s> Checker<'s> {
    fn new(source: &'s dyn Source) -> Result<Checker<'s>, Stop> {
        let len = source.len();
        let head = source.read(0, len.min(4))?;
        let magic = MINIDUMP_SIGNATURE.to_le_bytes();
        let swapped = MINIDUMP_SIGNATURE.to_be_bytes();
        let big_endian = match &head[..] {
            h if h == magic => false,
            h if h == swapped => true,
            h if magic.starts_with(h) || swapped.starts_with(h) => {
                return Err(truncated(format!(
                    "the input is {len} bytes, shorter than the {HEADER_SIZE}-byte header"
                )))
            }
            _ => {
                return Err(Stop::Incomplete(
                    Incomplete::NotAMinidump,
                    "no MDMP signature".into(),
                ))
            }
        };
        let mut checker = Checker {
            source,
            big_endian,
            entries: Vec::new(),
        };
        if len < HEADER_SIZE {
            return Err(truncated(format!(
                "the input is {len} bytes, shorter than the {HEADER_SIZE}-byte header"
            )));
        }
        let header = source.read(0, HEADER_SIZE)?;
        let version = checker.u32(&header, 4);
        if version & 0xffff != MINIDUMP_VERSION {
            return Err(invalid(format!(
                "unknown format version {:#x} (expected {MINIDUMP_VERSION:#x})",
                version & 0xffff
            )));
        }
        let (count, dir_rva) = (checker.u32(&header, 8), checker.u32(&header, 12));
        if count == 0 {
            return Err(invalid("the stream directory is empty"));
        }
        let dir = Location {
            size: u64::from(count) * DIRECTORY_ENTRY_SIZE,
            rva: dir_rva.into(),
        };
        checker.within(dir, &"the stream directory")?;
        let mut entries = Vec::with_capacity(count.min(4096) as usize);
        checker.each(dir.rva, count.into(), DIRECTORY_ENTRY_SIZE, |c, i, e| {
            entries.push(Entry {
                index: i as u32,
                stream_type: c.u32(e, 0),
                size: c.u32(e, 4),
                rva: c.u32(e, 8),
            });
            Ok(())
        })?;
        checker.entries = entries;
        Ok(checker)
    }

    fn run(&self) -> Result<(), Stop> {
        for e in &self.entries {
            // Readers skip unused entries, and Windows leaves them as placeholders.
            if e.stream_type != Stream::UnusedStream as u32 {
                self.within(
                    Location {
                        size: e.size.into(),
                        rva: e.rva.into(),
                    },
                    &format_args!(
                        "the {} (directory entry {})",
                        stream_name(e.stream_type),
                        e.index
                    ),
                )?;
            }
        }
        let system = self.stream(Stream::SystemInfoStream);
        let threads = self.stream(Stream::ThreadListStream);
        let modules = self.stream(Stream::ModuleListStream);
        let missing: Vec<&str> = [
            (system, "system info"),
            (threads, "thread list"),
            (modules, "module list"),
        ]
        .iter()
        .filter(|(s, _)| s.is_none())
        .map(|(_, name)| *name)
        .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "no {} stream: a usable crash needs system info, thread list and module list",
                missing.join(", no ")
            )));
        }
        if let Some(s) = system {
            self.system_info(s)?;
        }
        if let Some(s) = threads {
            self.thread_list(s)?;
        }
        if let Some(s) = modules {
            self.module_list(s)?;
        }
        if let Some(s) = self.stream(Stream::ExceptionStream) {
            self.exception(s)?;
        }
        if let Some(s) = self.stream(Stream::MemoryListStream) {
            self.memory_list(s)?;
        }
        if let Some(s) = self.stream(Stream::Memory64ListStream) {
            self.memory64_list(s)?;
        }
        Ok(())
    }

    /// The stream of this type that readers use: the last in the directory (rust-minidump's choice).
    fn stream(&self, t: Stream) -> Option<Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.stream_type == t as u32)
            .copied()
    }

    fn u32(&self, b: &[u8], at: usize) -> u32 {
        let raw = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if self.big_endian {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        }
    }

    fn u64(&self, b: &[u8], at: usize) -> u64 {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&b[at..at + 8]);
        if self.big_endian {
            u64::from_be_bytes(raw)
        } else {
            u64::from_le_bytes(raw)
        }
    }

    fn location(&self, b: &[u8], at: usize) -> Location {
        Location {
            size: self.u32(b, at).into(),
            rva: self.u32(b, at + 4).into(),
        }
    }

    /// Fails with `Truncated` unless `loc` lies inside the input.
    fn within(&self, loc: Location, what: &dyn fmt::Display) -> Result<(), Stop> {
        let len = self.source.len();
        let end = loc.rva.saturating_add(loc.size);
        if end > len {
            return Err(truncated(format!(
                "{} ends at byte {end}, past the end of the {len}-byte input",
                what
            )));
        }
        Ok(())
    }

    /// Calls `f` with each of `count` entries of `size` bytes from `offset`, reading at most `CHUNK` bytes
    /// at a time; the caller has checked that they lie inside the input.
    fn each(
        &self,
        offset: u64,
        count: u64,
        size: u64,
        mut f: impl FnMut(&Self, u64, &[u8]) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        let per_chunk = (CHUNK / size).max(1);
        let mut first = 0;
        while first < count {
            let n = per_chunk.min(count - first);
            let chunk = self.source.read(offset + first * size, n * size)?;
            for (i, entry) in chunk.chunks_exact(size as usize).enumerate() {
                f(self, first + i as u64, entry)?;
            }
            first += n;
        }
        Ok(())
    }

    /// A list stream: a u32 count, optionally 4 bytes of padding, then `count` entries of `entry` bytes.
    /// Returns the count and the offset of the first entry.
    fn list(&self, s: Entry, entry: u64, name: &str) -> Result<(u64, u64), Stop> {
        let size = u64::from(s.size);
        if size < 4 {
            return Err(invalid(format!(
                "the {name} stream is {size} bytes, too short for its count"
            )));
        }
        let count = u64::from(self.u32(&self.source.read(s.rva.into(), 4)?, 0));
        let body = count * entry;
        match size.checked_sub(4 + body) {
            Some(0) => Ok((count, u64::from(s.rva) + 4)),
            Some(4) => Ok((count, u64::from(s.rva) + 8)),
            _ => Err(invalid(format!(
                "the {name} stream says {count} entries of {entry} bytes, which do not fit its {size} bytes"
            ))),
        }
    }

    /// A `MINIDUMP_STRING` (u32 byte length, then UTF-16) at `rva`.
    fn string(&self, rva: u64, what: &dyn fmt::Display) -> Result<(), Stop> {
        self.within(Location { size: 4, rva }, &format_args!("{what}'s length"))?;
        let len = u64::from(self.u32(&self.source.read(rva, 4)?, 0));
        if len % 2 != 0 {
            return Err(invalid(format!(
                "{what} has an odd length ({len} bytes) for UTF-16"
            )));
        }
        self.within(
            Location {
                size: len,
                rva: rva + 4,
            },
            what,
        )
    }

    fn system_info(&self, s: Entry) -> Result<(), Stop> {
        if u64::from(s.size) < SYSTEM_INFO_SIZE {
            return Err(invalid(format!(
                "the system info stream is {} bytes, shorter than {SYSTEM_INFO_SIZE}",
                s.size
            )));
        }
        let raw = self.source.read(s.rva.into(), SYSTEM_INFO_SIZE)?;
        let csd = u64::from(self.u32(&raw, 24));
        if csd != 0 {
            self.string(csd, &"the OS service pack string")?;
        }
        Ok(())
    }

    fn thread_list(&self, s: Entry) -> Result<(), Stop> {
        let (count, first) = self.list(s, THREAD_SIZE, "thread list")?;
        self.each(first, count, THREAD_SIZE, |c, i, t| {
            let stack = c.location(t, 32);
            if stack.size > 0 {
                c.within(stack, &format_args!("thread {i}'s stack memory"))?;
            }
            let context = c.location(t, 40);
            if context.size > 0 {
                c.within(context, &format_args!("thread {i}'s CPU context"))?;
            }
            Ok(())
        })
    }

    fn module_list(&self, s: Entry) -> Result<(), Stop> {
        let (count, first) = self.list(s, MODULE_SIZE, "module list")?;
        self.each(first, count, MODULE_SIZE, |c, i, m| {
            let (base, size) = (c.u64(m, 0), u64::from(c.u32(m, 8)));
            // Readers skip a module without a valid image range, names and all.
            if size == 0 || base.checked_add(size).is_none() {
                return Ok(());
            }
            c.string(c.u32(m, 20).into(), &format_args!("module {i}'s name"))?;
            for (at, record) in [(76, "debug (CodeView) record"), (84, "misc record")] {
                let loc = c.location(m, at);
                if loc.size > 0 {
                    c.within(loc, &format_args!("module {i}'s {record}"))?;
                }
            }
            Ok(())
        })
    }

    fn exception(&self, s: Entry) -> Result<(), Stop> {
        if u64::from(s.size) < EXCEPTION_STREAM_SIZE {
            return Err(invalid(format!(
                "the exception stream is {} bytes, shorter than {EXCEPTION_STREAM_SIZE}",
                s.size
            )));
        }
        let raw = self.source.read(s.rva.into(), EXCEPTION_STREAM_SIZE)?;
        let context = self.location(&raw, 160);
        if context.size > 0 {
            self.within(context, &"the exception's CPU context")?;
        }
        Ok(())
    }

    fn memory_list(&self, s: Entry) -> Result<(), Stop> {
        let (count, first) = self.list(s, MEMORY_DESCRIPTOR_SIZE, "memory list")?;
        self.each(first, count, MEMORY_DESCRIPTOR_SIZE, |c, i, d| {
            c.within(c.location(d, 8), &format_args!("memory region {i}"))
        })
    }

    fn memory64_list(&self, s: Entry) -> Result<(), Stop> {
        let size = u64::from(s.size);
        if size < 16 {
            return Err(invalid(format!(
                "the memory64 list stream is {size} bytes, too short for its header"
            )));
        }
        let head = self.source.read(s.rva.into(), 16)?;
        let (count, base) = (self.u64(&head, 0), self.u64(&head, 8));
        if count
            .checked_mul(MEMORY_DESCRIPTOR_SIZE)
            .and_then(|b| b.checked_add(16))
            != Some(size)
        {
            return Err(invalid(format!(
                "the memory64 list stream says {count} regions, which do not fit its {size} bytes"
            )));
        }
        // The regions' bytes are contiguous from `base`, in list order.
        let mut end = base;
        self.each(
            u64::from(s.rva) + 16,
            count,
            MEMORY_DESCRIPTOR_SIZE,
            |c, i, d| {
                end = end.checked_add(c.u64(d, 8)).ok_or_else(|| {
                    invalid(format!("memory64 region {i} ends beyond any file size"))
                })?;
                Ok(())
            },
        )?;
        let len = self.source.len();
        if end > len {
            return Err(truncated(format!(
                "the memory64 list's regions end at byte {end}, past the end of the {len}-byte input"
            )));
        }
        Ok(())
    }
}

fn stream_name(t: u32) -> String {
    let name = match t {
        x if x == Stream::ThreadListStream as u32 => "thread list stream",
        x if x == Stream::ModuleListStream as u32 => "module list stream",
        x if x == Stream::MemoryListStream as u32 => "memory list stream",
        x if x == Stream::ExceptionStream as u32 => "exception stream",
        x if x == Stream::SystemInfoStream as u32 => "system info stream",
        x if x == Stream::Memory64ListStream as u32 => "memory64 list stream",
        x if x == Stream::MiscInfoStream as u32 => "misc info stream",
        x if x == Stream::ThreadNamesStream as u32 => "thread names stream",
        x if x == Stream::CrashpadInfoStream as u32 => "Crashpad info stream",
        _ => return format!("stream of type {t:#x}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A small but whole dump: every structure the check follows, little- or big-endian.
    struct Dump {
        big_endian: bool,
        bytes: Vec<u8>,
    }

    /// Offsets of the pieces of `Dump::build`, for tests that damage one of them.
    struct Layout {
        directory: usize,
        thread_list: usize,
        module_list: usize,
        module_name: usize,
        memory64: Option<usize>,
    }

    impl Dump {
        /// The low `size` bytes of `v` in the dump's byte order.
        fn word(&self, v: u64, size: usize) -> Vec<u8> {
            if self.big_endian {
                v.to_be_bytes()[8 - size..].to_vec()
            } else {
                v.to_le_bytes()[..size].to_vec()
            }
        }
        fn push(&mut self, v: u64, size: usize) -> usize {
            let at = self.bytes.len();
            let b = self.word(v, size);
            self.bytes.extend_from_slice(&b);
            at
        }
        fn u32(&mut self, v: u32) -> usize {
            self.push(v.into(), 4)
        }
        fn u64(&mut self, v: u64) -> usize {
            self.push(v, 8)
        }
        fn zeros(&mut self, n: usize) -> usize {
            let at = self.bytes.len();
            self.bytes.resize(at + n, 0);
            at
        }
        fn set(&mut self, at: usize, v: u32) {
            let b = self.word(v.into(), 4);
            self.bytes[at..at + 4].copy_from_slice(&b);
        }

        /// Header, directory (system info, thread list, module list, exception, memory list and, when asked,
        /// a memory64 list), then each stream and what it points at.
        fn build(big_endian: bool, with_memory64: bool) -> (Vec<u8>, Layout) {
            let mut d = Dump {
                big_endian,
                bytes: Vec::new(),
            };
            let streams = 5 + u32::from(with_memory64);
            d.u32(MINIDUMP_SIGNATURE);
            d.u32(MINIDUMP_VERSION);
            d.u32(streams);
            d.u32(32);
            d.zeros(16);
            let directory = d.zeros(12 * streams as usize);
            let entry = |d: &mut Dump, i: usize, t: Stream, rva: usize, size: usize| {
                let at = directory + 12 * i;
                d.set(at, t as u32);
                d.set(at + 4, size as u32);
                d.set(at + 8, rva as u32);
            };
            // System info, no service pack string.
            let system = d.zeros(SYSTEM_INFO_SIZE as usize);
            entry(&mut d, 0, Stream::SystemInfoStream, system, 56);
            // One thread: 16 bytes of stack, an 8-byte context.
            let stack = d.zeros(16);
            let context = d.zeros(8);
            let thread_list = d.u32(1);
            d.zeros(32);
            d.u32(16);
            d.u32(stack as u32);
            d.u32(8);
            d.u32(context as u32);
            entry(&mut d, 1, Stream::ThreadListStream, thread_list, 4 + 48);
            // One module named "a", with a 4-byte CodeView record.
            let module_name = d.u32(2);
            d.bytes
                .extend_from_slice(if big_endian { b"\0a" } else { b"a\0" });
            let cv = d.u32(0x5344_5352);
            let module_list = d.u32(1);
            d.u64(0x1000);
            d.u32(0x1000);
            d.zeros(8);
            d.u32(module_name as u32);
            d.zeros(52);
            d.u32(4);
            d.u32(cv as u32);
            d.zeros(24);
            entry(&mut d, 2, Stream::ModuleListStream, module_list, 4 + 108);
            // The exception, with the thread's context.
            let exception = d.zeros(160);
            d.u32(8);
            d.u32(context as u32);
            entry(&mut d, 3, Stream::ExceptionStream, exception, 168);
            // The memory list: the stack.
            let memory_list = d.u32(1);
            d.u64(0x7000);
            d.u32(16);
            d.u32(stack as u32);
            entry(&mut d, 4, Stream::MemoryListStream, memory_list, 4 + 16);
            let memory64 = with_memory64.then(|| {
                let list = d.u64(1);
                let base_at = d.u64(0);
                d.u64(0x9000);
                d.u64(32);
                let data = d.zeros(32);
                let base = d.word(data as u64, 8);
                d.bytes[base_at..base_at + 8].copy_from_slice(&base);
                entry(&mut d, 5, Stream::Memory64ListStream, list, 16 + 16);
                list
            });
            let layout = Layout {
                directory,
                thread_list,
                module_list,
                module_name,
                memory64,
            };
            (d.bytes, layout)
        }
    }

    fn verdict(bytes: &[u8]) -> Option<(Incomplete, String)> {
        check_bytes(bytes).unwrap().problem
    }

    fn kind(bytes: &[u8]) -> Option<Incomplete> {
        verdict(bytes).map(|(k, _)| k)
    }

    fn put(bytes: &mut [u8], at: usize, v: u32) {
        bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    #[test]
    fn a_whole_dump_is_complete_in_either_byte_order() {
        for big_endian in [false, true] {
            for memory64 in [false, true] {
                let (bytes, _) = Dump::build(big_endian, memory64);
                let check = check_bytes(&bytes).unwrap();
                assert_eq!(check.problem, None, "big endian {big_endian}");
                assert_eq!(check.size, bytes.len() as u64);
            }
        }
    }

    #[test]
    fn every_cut_of_a_built_dump_is_truncated() {
        for big_endian in [false, true] {
            let (bytes, _) = Dump::build(big_endian, true);
            for cut in 0..bytes.len() {
                assert_eq!(
                    kind(&bytes[..cut]),
                    Some(Incomplete::Truncated),
                    "cut at {cut}: {:?}",
                    verdict(&bytes[..cut])
                );
            }
        }
    }

    #[test]
    fn the_start_of_a_file_tells_not_a_minidump_from_not_yet_one() {
        for prefix in [&b""[..], b"M", b"MDM", b"MDMP", b"PMD"] {
            assert_eq!(kind(prefix), Some(Incomplete::Truncated), "{prefix:?}");
        }
        for other in [&b"X"[..], b"MDX", b"{\"not\": \"a dump\"}", &[0u8; 64]] {
            assert_eq!(kind(other), Some(Incomplete::NotAMinidump), "{other:?}");
        }
        assert_eq!(
            verdict(b"MDMP\x93\xa7\0\0"),
            Some((
                Incomplete::Truncated,
                "the input is 8 bytes, shorter than the 32-byte header".into()
            ))
        );
    }

    #[test]
    fn header_and_directory_damage_is_invalid_or_truncated() {
        let (good, layout) = Dump::build(false, false);
        let mut bytes = good.clone();
        put(&mut bytes, 4, 0xa792);
        assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "version");
        let mut bytes = good.clone();
        put(&mut bytes, 8, 0);
        assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "no streams");
        let mut bytes = good.clone();
        put(&mut bytes, 8, u32::MAX);
        let (k, reason) = verdict(&bytes).unwrap();
        assert_eq!(k, Incomplete::Truncated);
        assert!(reason.contains("stream directory"), "{reason}");
        // A directory entry reaching past the end names its stream.
        let mut bytes = good.clone();
        put(&mut bytes, layout.directory + 12 + 4, 0x10_0000);
        let (k, reason) = verdict(&bytes).unwrap();
        assert_eq!(k, Incomplete::Truncated);
        assert!(
            reason.starts_with("the thread list stream (directory entry 1) ends at byte"),
            "{reason}"
        );
        // An unused entry is not followed.
        let mut bytes = good;
        put(
            &mut bytes,
            layout.directory + 48,
            Stream::UnusedStream as u32,
        );
        put(&mut bytes, layout.directory + 52, u32::MAX);
        assert_eq!(kind(&bytes), None);
    }

    #[test]
    fn the_streams_a_crash_needs_must_be_there() {
        let (good, layout) = Dump::build(false, false);
        let mut bytes = good.clone();
        // The thread list and module list become streams of an unknown type.
        put(&mut bytes, layout.directory + 12, 0x4747_0001);
        put(&mut bytes, layout.directory + 24, 0x4747_0002);
        assert_eq!(
            verdict(&bytes),
            Some((
                Incomplete::Invalid,
                "no thread list, no module list stream: a usable crash needs system info, thread list and module list".into()
            ))
        );
        // Without an exception: a dump of a process that did not crash is complete.
        let mut bytes = good;
        put(&mut bytes, layout.directory + 36, 0x4747_0003);
        assert_eq!(kind(&bytes), None);
    }

    #[test]
    fn list_counts_must_match_their_stream_sizes() {
        let (good, layout) = Dump::build(false, true);
        for (at, what) in [
            (layout.thread_list, "thread list"),
            (layout.module_list, "module list"),
        ] {
            for count in [0, 2, 1 << 20, u32::MAX] {
                let mut bytes = good.clone();
                put(&mut bytes, at, count);
                let (k, reason) = verdict(&bytes).unwrap();
                assert_eq!(k, Incomplete::Invalid, "{what} {count}");
                assert!(reason.contains(what), "{reason}");
            }
        }
        let at = layout.memory64.unwrap();
        let mut bytes = good.clone();
        put(&mut bytes, at + 4, 1);
        assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "memory64 count");
        // A region size that overflows any offset.
        let mut bytes = good;
        bytes[at + 24..at + 32].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "memory64 size");
    }

    #[test]
    fn a_module_name_must_be_whole_utf16() {
        let (good, layout) = Dump::build(false, false);
        let mut bytes = good.clone();
        put(&mut bytes, layout.module_name, 3);
        assert_eq!(kind(&bytes), Some(Incomplete::Invalid));
        let mut bytes = good;
        put(&mut bytes, layout.module_name, 0x1000);
        let (k, reason) = verdict(&bytes).unwrap();
        assert_eq!(k, Incomplete::Truncated);
        assert!(
            reason.starts_with("module 0's name ends at byte"),
            "{reason}"
        );
    }

    fn corpus_and_fixture_dumps() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dumps = Vec::new();
        match std::fs::read_dir(root.join("../../../shared/corpus/dumps")) {
            Ok(sources) => dumps.extend(
                sources
                    .flatten()
                    .flat_map(|s| std::fs::read_dir(s.path()).into_iter().flatten().flatten())
                    .map(|f| f.path())
                    // Malformed on purpose (fuzzer-made): not a complete dump to start from.
                    .filter(|p| !p.to_string_lossy().contains("invalid-")),
            ),
            Err(_) => eprintln!("skipped: ../shared/corpus not found beside the repository"),
        }
        match std::fs::read_dir(root.join("../../__test__/fixtures/generated")) {
            Ok(files) => dumps.extend(
                files
                    .flatten()
                    .map(|f| f.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "dmp")),
            ),
            Err(_) => eprintln!("skipped: no generated fixtures (run `npm run fixtures`)"),
        }
        dumps.sort();
        dumps
    }

    #[test]
    fn real_dumps_are_complete_and_every_cut_is_not() {
        let dumps = corpus_and_fixture_dumps();
        for path in &dumps {
            let bytes = std::fs::read(path).unwrap();
            let name = path.display();
            assert_eq!(verdict(&bytes), None, "{name}");
            // Every 1 KiB, and each of the last 64 bytes: a writer appends, so the tail is where it stops.
            let cuts = (0..bytes.len())
                .step_by(1024)
                .chain(bytes.len().saturating_sub(64)..bytes.len());
            for cut in cuts {
                assert_eq!(
                    kind(&bytes[..cut]),
                    Some(Incomplete::Truncated),
                    "{name} cut at {cut}: {:?}",
                    verdict(&bytes[..cut])
                );
            }
        }
        eprintln!("checked {} real dumps", dumps.len());
    }

    #[test]
    fn files_are_checked_as_they_are_on_disk() {
        let dir = std::env::temp_dir().join(format!("check-minidump-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (bytes, _) = Dump::build(false, true);
        let path = dir.join("crash.dmp");
        std::fs::write(&path, &bytes).unwrap();
        let whole = check_path(&path).unwrap();
        assert_eq!((whole.size, whole.problem), (bytes.len() as u64, None));
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(
            check_path(&path).unwrap().problem.map(|p| p.0),
            Some(Incomplete::Truncated)
        );
        std::fs::write(&path, b"").unwrap();
        let empty = check_path(&path).unwrap();
        assert_eq!(
            (empty.size, empty.problem.map(|p| p.0)),
            (0, Some(Incomplete::Truncated))
        );
        assert!(matches!(
            check_path(&dir.join("missing.dmp")),
            Err(ReportError::Io(_))
        ));
        assert!(matches!(check_path(&dir), Err(ReportError::Io(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_file_source_reads_lists_in_chunks() {
        // More modules than one chunk holds: the file path and the slice path must agree.
        let (mut bytes, layout) = Dump::build(false, false);
        let count = 2 * (CHUNK / MODULE_SIZE) as u32 + 3;
        let module = bytes[layout.module_list + 4..layout.module_list + 4 + 108].to_vec();
        let list = bytes.len();
        bytes.extend_from_slice(&count.to_le_bytes());
        for _ in 0..count {
            bytes.extend_from_slice(&module);
        }
        put(&mut bytes, layout.directory + 24 + 4, 4 + 108 * count);
        put(&mut bytes, layout.directory + 24 + 8, list as u32);
        assert_eq!(kind(&bytes), None);
        let dir = std::env::temp_dir().join(format!("check-chunks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("many-modules.dmp");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(check_path(&path).unwrap().problem, None);
        // The last module's name cut away: found in the last chunk.
        let last = list + 4 + 108 * (count as usize - 1);
        let end = bytes.len() as u32;
        put(&mut bytes, last + 20, end);
        std::fs::write(&path, &bytes).unwrap();
        let problem = check_path(&path).unwrap().problem.unwrap();
        assert_eq!(problem.0, Incomplete::Truncated);
        assert!(
            problem
                .1
                .starts_with(&format!("module {}'s name", count - 1)),
            "{}",
            problem.1
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

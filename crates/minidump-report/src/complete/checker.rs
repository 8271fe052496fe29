//! The walk over the structure: header, directory, the streams a usable crash needs and the ranges they
//! point at. Every loop runs over entries first checked to lie inside the input.

use super::*;

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

pub(super) struct Checker<'s> {
    source: &'s dyn Source,
    big_endian: bool,
    entries: Vec<Entry>,
}

impl<'s> Checker<'s> {
    pub(super) fn new(source: &'s dyn Source) -> Result<Checker<'s>, Stop> {
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

    pub(super) fn run(&self) -> Result<(), Stop> {
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

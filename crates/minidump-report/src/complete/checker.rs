//! The walk over the structure: header, directory, the streams a usable crash needs and the ranges they
//! point at. Every loop runs over entries first checked to lie inside the input.

use super::*;
use minidump_layout::format::{
    MINIDUMP_DIRECTORY, MINIDUMP_EXCEPTION_STREAM, MINIDUMP_HEADER, MINIDUMP_LOCATION_DESCRIPTOR,
    MINIDUMP_MEMORY_DESCRIPTOR, MINIDUMP_MEMORY_DESCRIPTOR64, MINIDUMP_MODULE,
    MINIDUMP_SYSTEM_INFO, MINIDUMP_THREAD,
};
use minidump_layout::{list_entries, signature, Endian, Signature, Structure};

/// One directory entry, with its index for messages.
#[derive(Clone, Copy)]
struct Entry {
    index: u32,
    stream_type: u32,
    location: MINIDUMP_LOCATION_DESCRIPTOR,
}

/// A range of the input: `size` bytes at file offset `rva` (wider than a location descriptor, so that a
/// directory's or a string's extent is one too).
#[derive(Clone, Copy)]
struct Location {
    size: u64,
    rva: u64,
}

impl From<MINIDUMP_LOCATION_DESCRIPTOR> for Location {
    fn from(l: MINIDUMP_LOCATION_DESCRIPTOR) -> Self {
        Location {
            size: l.data_size.into(),
            rva: l.rva.into(),
        }
    }
}

pub(super) struct Checker<'s> {
    source: &'s dyn Source,
    endian: Endian,
    entries: Vec<Entry>,
}

impl<'s> Checker<'s> {
    pub(super) fn new(source: &'s dyn Source) -> Result<Checker<'s>, Stop> {
        let len = source.len();
        let short = || {
            truncated(format!(
                "the input is {len} bytes, shorter than the {HEADER_SIZE}-byte header"
            ))
        };
        let endian = match signature(&source.read(0, len.min(4))?) {
            Signature::Minidump(endian) => endian,
            Signature::Prefix => return Err(short()),
            Signature::Other => {
                return Err(Stop::Incomplete(
                    Incomplete::NotAMinidump,
                    "no MDMP signature".into(),
                ))
            }
        };
        let mut checker = Checker {
            source,
            endian,
            entries: Vec::new(),
        };
        if len < HEADER_SIZE {
            return Err(short());
        }
        let header: MINIDUMP_HEADER = checker.at(&source.read(0, HEADER_SIZE)?, 0)?;
        if header.version & 0xffff != MINIDUMP_VERSION {
            return Err(invalid(format!(
                "unknown format version {:#x} (expected {MINIDUMP_VERSION:#x})",
                header.version & 0xffff
            )));
        }
        let count = header.stream_count;
        if count == 0 {
            return Err(invalid("the stream directory is empty"));
        }
        let dir = Location {
            size: u64::from(count) * DIRECTORY_ENTRY_SIZE,
            rva: header.stream_directory_rva.into(),
        };
        checker.within(dir, &"the stream directory")?;
        let mut entries = Vec::with_capacity(count.min(4096) as usize);
        checker.each(dir.rva, count.into(), DIRECTORY_ENTRY_SIZE, |c, i, e| {
            let entry: MINIDUMP_DIRECTORY = c.at(e, 0)?;
            entries.push(Entry {
                index: i as u32,
                stream_type: entry.stream_type,
                location: entry.location,
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
                    e.location.into(),
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

    /// The structure `T` at `offset` in `bytes`, which the caller has checked holds it.
    fn at<'b, T: Structure<'b>>(&self, bytes: &'b [u8], offset: u64) -> Result<T, Stop> {
        minidump_layout::read(bytes, offset, self.endian).ok_or_else(|| {
            invalid(format!(
                "a structure at offset {offset} does not fit its {}-byte piece",
                bytes.len()
            ))
        })
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
        let size = u64::from(s.location.data_size);
        if size < 4 {
            return Err(invalid(format!(
                "the {name} stream is {size} bytes, too short for its count"
            )));
        }
        let rva = u64::from(s.location.rva);
        let count = u64::from(self.at::<u32>(&self.source.read(rva, 4)?, 0)?);
        match list_entries(size, count, entry) {
            Some(first) => Ok((count, rva + first)),
            None => Err(invalid(format!(
                "the {name} stream says {count} entries of {entry} bytes, which do not fit its {size} bytes"
            ))),
        }
    }

    /// A `MINIDUMP_STRING` (u32 byte length, then UTF-16) at `rva`.
    fn string(&self, rva: u64, what: &dyn fmt::Display) -> Result<(), Stop> {
        self.within(Location { size: 4, rva }, &format_args!("{what}'s length"))?;
        let len = u64::from(self.at::<u32>(&self.source.read(rva, 4)?, 0)?);
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
        let size = s.location.data_size;
        if u64::from(size) < SYSTEM_INFO_SIZE {
            return Err(invalid(format!(
                "the system info stream is {size} bytes, shorter than {SYSTEM_INFO_SIZE}"
            )));
        }
        let raw = self.source.read(s.location.rva.into(), SYSTEM_INFO_SIZE)?;
        let csd = u64::from(self.at::<MINIDUMP_SYSTEM_INFO>(&raw, 0)?.csd_version_rva);
        if csd != 0 {
            self.string(csd, &"the OS service pack string")?;
        }
        Ok(())
    }

    fn thread_list(&self, s: Entry) -> Result<(), Stop> {
        let (count, first) = self.list(s, THREAD_SIZE, "thread list")?;
        self.each(first, count, THREAD_SIZE, |c, i, t| {
            let thread: MINIDUMP_THREAD = c.at(t, 0)?;
            for (loc, what) in [
                (thread.stack.memory, "stack memory"),
                (thread.thread_context, "CPU context"),
            ] {
                if loc.data_size > 0 {
                    c.within(loc.into(), &format_args!("thread {i}'s {what}"))?;
                }
            }
            Ok(())
        })
    }

    fn module_list(&self, s: Entry) -> Result<(), Stop> {
        let (count, first) = self.list(s, MODULE_SIZE, "module list")?;
        self.each(first, count, MODULE_SIZE, |c, i, m| {
            let module: MINIDUMP_MODULE = c.at(m, 0)?;
            let (base, size) = (module.base_of_image, u64::from(module.size_of_image));
            // Readers skip a module without a valid image range, names and all.
            if size == 0 || base.checked_add(size).is_none() {
                return Ok(());
            }
            c.string(
                module.module_name_rva.into(),
                &format_args!("module {i}'s name"),
            )?;
            for (loc, record) in [
                (module.cv_record, "debug (CodeView) record"),
                (module.misc_record, "misc record"),
            ] {
                if loc.data_size > 0 {
                    c.within(loc.into(), &format_args!("module {i}'s {record}"))?;
                }
            }
            Ok(())
        })
    }

    fn exception(&self, s: Entry) -> Result<(), Stop> {
        let size = s.location.data_size;
        if u64::from(size) < EXCEPTION_STREAM_SIZE {
            return Err(invalid(format!(
                "the exception stream is {size} bytes, shorter than {EXCEPTION_STREAM_SIZE}"
            )));
        }
        let raw = self
            .source
            .read(s.location.rva.into(), EXCEPTION_STREAM_SIZE)?;
        let context = self
            .at::<MINIDUMP_EXCEPTION_STREAM>(&raw, 0)?
            .thread_context;
        if context.data_size > 0 {
            self.within(context.into(), &"the exception's CPU context")?;
        }
        Ok(())
    }

    fn memory_list(&self, s: Entry) -> Result<(), Stop> {
        let (count, first) = self.list(s, MEMORY_DESCRIPTOR_SIZE, "memory list")?;
        self.each(first, count, MEMORY_DESCRIPTOR_SIZE, |c, i, d| {
            let region: MINIDUMP_MEMORY_DESCRIPTOR = c.at(d, 0)?;
            c.within(region.memory.into(), &format_args!("memory region {i}"))
        })
    }

    fn memory64_list(&self, s: Entry) -> Result<(), Stop> {
        let (size, rva) = (u64::from(s.location.data_size), u64::from(s.location.rva));
        if size < MEMORY64_HEAD {
            return Err(invalid(format!(
                "the memory64 list stream is {size} bytes, too short for its header"
            )));
        }
        let head = self.source.read(rva, MEMORY64_HEAD)?;
        let (count, base): (u64, u64) = (self.at(&head, 0)?, self.at(&head, 8)?);
        if count
            .checked_mul(MEMORY_DESCRIPTOR_SIZE)
            .and_then(|b| b.checked_add(MEMORY64_HEAD))
            != Some(size)
        {
            return Err(invalid(format!(
                "the memory64 list stream says {count} regions, which do not fit its {size} bytes"
            )));
        }
        // The regions' bytes are contiguous from `base`, in list order.
        let mut end = base;
        self.each(
            rva + MEMORY64_HEAD,
            count,
            MEMORY_DESCRIPTOR_SIZE,
            |c, i, d| {
                let region: MINIDUMP_MEMORY_DESCRIPTOR64 = c.at(d, 0)?;
                end = end.checked_add(region.data_size).ok_or_else(|| {
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

//! The ranges that stripping rewrites, from a little-endian dump read through `Read + Seek`: the directory
//! and its entries, the thread list's stacks and contexts, the memory lists' regions.

use crate::error::{invalid, LayoutError};
use crate::format::{
    MINIDUMP_DIRECTORY, MINIDUMP_HEADER, MINIDUMP_MEMORY_DESCRIPTOR, MINIDUMP_MEMORY_DESCRIPTOR64,
    MINIDUMP_STREAM_TYPE, MINIDUMP_THREAD,
};
use crate::size::{DIRECTORY_ENTRY as DIR_ENTRY, HEADER as HEADER_SIZE, MEMORY64_HEAD};
use crate::size::{MEMORY_DESCRIPTOR as MEM_DESC, THREAD as THREAD_SIZE};
use crate::Structure;
use crate::{list_entries, signature, Signature};
use scroll::Endian;
use std::io::{Read, Seek, SeekFrom};

pub const THREAD_LIST: u32 = MINIDUMP_STREAM_TYPE::ThreadListStream as u32;
pub const MEMORY_LIST: u32 = MINIDUMP_STREAM_TYPE::MemoryListStream as u32;
pub const MEMORY64_LIST: u32 = MINIDUMP_STREAM_TYPE::Memory64ListStream as u32;
/// `UnusedStream`: readers skip directory entries of this type.
pub const UNUSED: u32 = MINIDUMP_STREAM_TYPE::UnusedStream as u32;
/// Where a `MINIDUMP_THREAD`'s stack descriptor starts (after id, suspend count, priority class and
/// priority, u32 each, and the u64 TEB): the descriptor's RVA is what a strip patches.
const STACK_FIELD: u64 = 24;

/// One `MINIDUMP_DIRECTORY` entry and the file offset of the entry itself.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    pub entry_offset: u64,
    pub stream_type: u32,
    pub size: u32,
    pub rva: u32,
}

/// A thread's stack descriptor and where in the file that descriptor lives (to patch its RVA).
#[derive(Debug, Clone, Copy)]
pub struct Stack {
    pub desc_offset: u64,
    pub start: u64,
    pub size: u64,
    pub rva: u32,
    /// The thread's `CONTEXT` location, which must stay where it is.
    pub context: (u64, u64),
}

/// A memory region and where its bytes lie in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: u64,
    pub size: u64,
    pub offset: u64,
}

/// What stripping needs to know about a dump.
#[derive(Debug, Default)]
pub struct Layout {
    pub len: u64,
    pub streams: Vec<Stream>,
    pub directory: (u64, u64),
    pub stacks: Vec<Stack>,
    pub memory: Vec<Region>,
    pub memory64: Vec<Region>,
}

/// Where the dump's bytes come from: a file, or a cursor over bytes in memory.
pub trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

pub struct Reader<'a> {
    file: &'a mut dyn Source,
    len: u64,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a mut dyn Source, len: u64) -> Self {
        Reader { file, len }
    }

    /// `len` bytes at `offset`, which must lie inside the file.
    pub fn bytes(&mut self, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, LayoutError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => {}
            _ => {
                return Err(invalid(format!(
                    "{what} at {offset:#x}+{len} lies outside the file"
                )))
            }
        }
        let mut buf = vec![0u8; len as usize];
        self.file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(|e| LayoutError::Io(format!("cannot read the minidump: {e}")))?;
        Ok(buf)
    }
}

/// The structure `T` at `offset` in `bytes`, which the caller has checked holds it.
fn at<'b, T: Structure<'b>>(bytes: &'b [u8], offset: u64, what: &str) -> Result<T, LayoutError> {
    crate::read(bytes, offset, Endian::Little).ok_or_else(|| {
        invalid(format!(
            "{what}: a structure at offset {offset} does not fit its {} bytes",
            bytes.len()
        ))
    })
}

/// A list stream's bytes, its entry count and the offset of its first entry (in those bytes).
fn list(
    r: &mut Reader<'_>,
    s: Stream,
    entry: u64,
    what: &str,
) -> Result<(Vec<u8>, u64, u64), LayoutError> {
    let blob = r.bytes(s.rva.into(), s.size.into(), what)?;
    if blob.len() < 4 {
        return Err(invalid(format!(
            "the {what} stream of {} bytes has no room for its count",
            blob.len()
        )));
    }
    let n = u64::from(at::<u32>(&blob, 0, what)?);
    let size = u64::from(s.size);
    let at = list_entries(size, n, entry).ok_or_else(|| {
        invalid(format!(
            "list of {n} entries does not fit its {size}-byte stream"
        ))
    })?;
    Ok((blob, n, at))
}

/// Fails unless `size` bytes at address `start` end inside the 64-bit address space: what the plan computes
/// with memory ranges must not overflow.
fn in_address_space(
    start: u64,
    size: u64,
    what: impl FnOnce() -> String,
) -> Result<(), LayoutError> {
    match start.checked_add(size) {
        Some(_) => Ok(()),
        None => Err(invalid(format!(
            "{} ends beyond the 64-bit address space",
            what()
        ))),
    }
}

pub fn read(r: &mut Reader<'_>) -> Result<Layout, LayoutError> {
    if r.len < 4 {
        return Err(LayoutError::NotAMinidump);
    }
    match signature(&r.bytes(0, 4, "signature")?) {
        Signature::Minidump(Endian::Little) => {}
        Signature::Minidump(Endian::Big) => {
            return Err(invalid("big-endian minidumps are not supported"))
        }
        _ => return Err(LayoutError::NotAMinidump),
    }
    let header: MINIDUMP_HEADER = at(&r.bytes(0, HEADER_SIZE, "header")?, 0, "header")?;
    let (count, dir_rva) = (
        u64::from(header.stream_count),
        u64::from(header.stream_directory_rva),
    );
    let dir = r.bytes(dir_rva, count * DIR_ENTRY, "stream directory")?;
    let mut layout = Layout {
        len: r.len,
        directory: (dir_rva, count * DIR_ENTRY),
        ..Default::default()
    };
    for i in 0..count {
        let o = i * DIR_ENTRY;
        let entry: MINIDUMP_DIRECTORY = at(&dir, o, "stream directory")?;
        layout.streams.push(Stream {
            entry_offset: dir_rva + o,
            stream_type: entry.stream_type,
            size: entry.location.data_size,
            rva: entry.location.rva,
        });
    }
    // Readers (rust-minidump) use the last stream of a type when the directory names several.
    let last = |t: u32| {
        layout
            .streams
            .iter()
            .rev()
            .find(|s| s.stream_type == t)
            .copied()
    };
    let (threads, memory, memory64) = (last(THREAD_LIST), last(MEMORY_LIST), last(MEMORY64_LIST));
    if let Some(s) = threads {
        let (blob, n, first) = list(r, s, THREAD_SIZE, "thread list")?;
        for i in 0..n {
            let o = first + i * THREAD_SIZE;
            let thread: MINIDUMP_THREAD = at(&blob, o, "thread list")?;
            let (start, size) = (
                thread.stack.start_of_memory_range,
                u64::from(thread.stack.memory.data_size),
            );
            in_address_space(start, size, || format!("thread {i}'s stack"))?;
            layout.stacks.push(Stack {
                desc_offset: u64::from(s.rva) + o + STACK_FIELD,
                start,
                size,
                rva: thread.stack.memory.rva,
                context: (
                    thread.thread_context.rva.into(),
                    thread.thread_context.data_size.into(),
                ),
            });
        }
    }
    if let Some(s) = memory {
        let (blob, n, first) = list(r, s, MEM_DESC, "memory list")?;
        for i in 0..n {
            let desc: MINIDUMP_MEMORY_DESCRIPTOR = at(&blob, first + i * MEM_DESC, "memory list")?;
            let region = Region {
                start: desc.start_of_memory_range,
                size: desc.memory.data_size.into(),
                offset: desc.memory.rva.into(),
            };
            if region.offset + region.size > r.len {
                return Err(invalid(format!("memory region {i} lies outside the file")));
            }
            in_address_space(region.start, region.size, || format!("memory region {i}"))?;
            layout.memory.push(region);
        }
    }
    if let Some(s) = memory64 {
        // MINIDUMP_MEMORY64_LIST: a u64 count, the u64 file offset of the first region's bytes (the others
        // follow it back to back), then the descriptors.
        let head = r.bytes(s.rva.into(), MEMORY64_HEAD, "memory64 list")?;
        let (n, mut offset): (u64, u64) = (
            at(&head, 0, "memory64 list")?,
            at(&head, 8, "memory64 list")?,
        );
        let descs = r.bytes(
            u64::from(s.rva) + MEMORY64_HEAD,
            n.saturating_mul(MEM_DESC),
            "memory64 list",
        )?;
        for i in 0..n {
            let desc: MINIDUMP_MEMORY_DESCRIPTOR64 = at(&descs, i * MEM_DESC, "memory64 list")?;
            let (start, size) = (desc.start_of_memory_range, desc.data_size);
            in_address_space(start, size, || format!("memory64 region {i}"))?;
            layout.memory64.push(Region {
                start,
                size,
                offset,
            });
            offset = offset
                .checked_add(size)
                .filter(|end| *end <= r.len)
                .ok_or_else(|| invalid(format!("memory64 region {i} lies outside the file")))?;
        }
    }
    Ok(layout)
}

//! The few minidump structures that stripping rewrites, read straight from the file by offset (per
//! minidump-common's `format.rs`, little-endian): header, directory, thread list, memory lists. The
//! `minidump` crate reads dumps; it does not say where a structure lies in the file, which a rewrite needs.

use crate::error::EnvelopeError;
use std::io::{Read, Seek, SeekFrom};

pub const THREAD_LIST: u32 = 3;
pub const MEMORY_LIST: u32 = 5;
pub const MEMORY64_LIST: u32 = 9;
/// `UnusedStream`: readers skip directory entries of this type.
pub const UNUSED: u32 = 0;

const SIGNATURE: u32 = 0x504d_444d; // "MDMP"
const HEADER_SIZE: u64 = 32;
pub const DIR_ENTRY: u64 = 12;
const THREAD_SIZE: u64 = 48;
const MEM_DESC: u64 = 16;

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

fn invalid(msg: impl Into<String>) -> EnvelopeError {
    EnvelopeError::InvalidMinidump(msg.into())
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a mut dyn Source, len: u64) -> Self {
        Reader { file, len }
    }

    /// `len` bytes at `offset`, which must lie inside the file.
    pub fn bytes(&mut self, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, EnvelopeError> {
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
            .map_err(|e| EnvelopeError::Io(format!("cannot read the minidump: {e}")))?;
        Ok(buf)
    }
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes(b[o..o + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().expect("8 bytes"))
}

/// Entries start after the count, or after 4 bytes of padding that some writers put there
/// (rust-minidump accepts both; the stream's size tells which).
fn entries_start(size: u64, count: u64, entry: u64) -> Result<u64, EnvelopeError> {
    let body = count
        .checked_mul(entry)
        .ok_or_else(|| invalid("list count overflows"))?;
    match size.checked_sub(body) {
        Some(4) => Ok(4),
        Some(8) => Ok(8),
        _ => Err(invalid(format!(
            "list of {count} entries does not fit its {size}-byte stream"
        ))),
    }
}

/// A list stream's bytes, its entry count and the offset of its first entry (in those bytes).
fn list(
    r: &mut Reader<'_>,
    s: Stream,
    entry: u64,
    what: &str,
) -> Result<(Vec<u8>, u64, u64), EnvelopeError> {
    let blob = r.bytes(s.rva.into(), s.size.into(), what)?;
    if blob.len() < 4 {
        return Err(invalid(format!(
            "the {what} stream of {} bytes has no room for its count",
            blob.len()
        )));
    }
    let n = u64::from(u32_at(&blob, 0));
    let at = entries_start(s.size.into(), n, entry)?;
    Ok((blob, n, at))
}

/// Fails unless `size` bytes at address `start` end inside the 64-bit address space: what the plan computes
/// with memory ranges must not overflow.
fn in_address_space(
    start: u64,
    size: u64,
    what: impl FnOnce() -> String,
) -> Result<(), EnvelopeError> {
    match start.checked_add(size) {
        Some(_) => Ok(()),
        None => Err(invalid(format!(
            "{} ends beyond the 64-bit address space",
            what()
        ))),
    }
}

pub fn read(r: &mut Reader<'_>) -> Result<Layout, EnvelopeError> {
    if r.len < 4 {
        return Err(EnvelopeError::NotAMinidump);
    }
    let sig = u32_at(&r.bytes(0, 4, "signature")?, 0);
    if sig == SIGNATURE.swap_bytes() {
        return Err(invalid("big-endian minidumps are not supported"));
    }
    if sig != SIGNATURE {
        return Err(EnvelopeError::NotAMinidump);
    }
    let header = r.bytes(0, HEADER_SIZE, "header")?;
    let (count, dir_rva) = (
        u64::from(u32_at(&header, 8)),
        u64::from(u32_at(&header, 12)),
    );
    let dir = r.bytes(dir_rva, count * DIR_ENTRY, "stream directory")?;
    let mut layout = Layout {
        len: r.len,
        directory: (dir_rva, count * DIR_ENTRY),
        ..Default::default()
    };
    for i in 0..count as usize {
        let o = i * DIR_ENTRY as usize;
        layout.streams.push(Stream {
            entry_offset: dir_rva + o as u64,
            stream_type: u32_at(&dir, o),
            size: u32_at(&dir, o + 4),
            rva: u32_at(&dir, o + 8),
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
        let (blob, n, at) = list(r, s, THREAD_SIZE, "thread list")?;
        for i in 0..n {
            let o = (at + i * THREAD_SIZE) as usize;
            let (start, size) = (u64_at(&blob, o + 24), u64::from(u32_at(&blob, o + 32)));
            in_address_space(start, size, || format!("thread {i}'s stack"))?;
            layout.stacks.push(Stack {
                desc_offset: u64::from(s.rva) + o as u64 + 24,
                start,
                size,
                rva: u32_at(&blob, o + 36),
                context: (u32_at(&blob, o + 44).into(), u32_at(&blob, o + 40).into()),
            });
        }
    }
    if let Some(s) = memory {
        let (blob, n, at) = list(r, s, MEM_DESC, "memory list")?;
        for i in 0..n {
            let o = (at + i * MEM_DESC) as usize;
            let region = Region {
                start: u64_at(&blob, o),
                size: u32_at(&blob, o + 8).into(),
                offset: u32_at(&blob, o + 12).into(),
            };
            if region.offset + region.size > r.len {
                return Err(invalid(format!("memory region {i} lies outside the file")));
            }
            in_address_space(region.start, region.size, || format!("memory region {i}"))?;
            layout.memory.push(region);
        }
    }
    if let Some(s) = memory64 {
        let head = r.bytes(s.rva.into(), 16, "memory64 list")?;
        let (n, mut offset) = (u64_at(&head, 0), u64_at(&head, 8));
        let descs = r.bytes(
            u64::from(s.rva) + 16,
            n.saturating_mul(MEM_DESC),
            "memory64 list",
        )?;
        for i in 0..n as usize {
            let (start, size) = (u64_at(&descs, i * 16), u64_at(&descs, i * 16 + 8));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_may_have_four_bytes_of_padding_after_the_count() {
        assert_eq!(entries_start(4 + 2 * 16, 2, 16), Ok(4));
        assert_eq!(entries_start(8 + 2 * 16, 2, 16), Ok(8));
        assert!(entries_start(4, 2, 16).is_err());
        assert!(entries_start(100, u64::MAX, 48).is_err());
    }
}

//! A minidump without its heap: what the transport resends when the server refused a crash as too large
//! (HTTP 413). Thread stacks stay (the crashing thread still walks); other memory goes.
//!
//! Streams other than the memory lists may hold file offsets (RVAs) we cannot know about (Crashpad's
//! annotations, vendor streams), so nothing that is not memory moves. Instead: every memory byte that is
//! dropped is zeroed in place, and the file is cut at the start of its tail when that tail holds nothing but
//! memory — where Crashpad, MiniDumpWriteDump (`Memory64ListStream`) and Breakpad's memory-list regions put
//! it. Kept stacks that lay in the cut tail are appended again, followed by a new `MemoryListStream` holding
//! only stacks; the directory and the thread list's stack descriptors are patched to point at them.

use crate::error::LayoutError;
pub use crate::ranges::Source;
use crate::ranges::{self, Layout, Reader, Region, MEMORY64_LIST, MEMORY_LIST, UNUSED};
use std::io::{Cursor, SeekFrom, Write};

/// The outcome of a strip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// Size of the stripped dump.
    pub bytes: u64,
    /// Memory regions kept (thread stacks) and dropped.
    pub kept_regions: usize,
    pub dropped_regions: usize,
}

type Span = (u64, u64);

/// What a strip will write, decided from the dump's layout before a byte of output exists: a caller writing
/// a file atomically (the envelope crate) creates nothing for a dump that cannot be stripped.
pub struct StripPlan {
    tail: u64,
    zero: Vec<Span>,
    patches: Vec<(u64, Vec<u8>)>,
    /// (source offset, length, new offset) of the kept bytes that lay in the cut tail.
    moved: Vec<(u64, u64, u64)>,
    list: Option<(u64, Vec<u8>)>,
    kept: usize,
    dropped: usize,
}

impl StripPlan {
    /// Reads the layout of the `len`-byte dump in `src` and plans its strip.
    pub fn new(src: &mut dyn Source, len: u64) -> Result<StripPlan, LayoutError> {
        let mut reader = Reader::new(src, len);
        let layout = ranges::read(&mut reader)?;
        plan(&layout, &mut reader)
    }

    /// What writing the plan yields: the stripped dump's size and the regions kept and dropped.
    pub fn outcome(&self) -> Stripped {
        let end = match (&self.list, self.moved.last()) {
            (Some((at, list)), _) => at + list.len() as u64,
            (None, Some(&(_, len, to))) => to + len,
            (None, None) => self.tail,
        };
        Stripped {
            bytes: end,
            kept_regions: self.kept,
            dropped_regions: self.dropped,
        }
    }

    /// Streams the stripped dump from `src` (the dump the plan was made from) to `out`.
    pub fn write(
        &self,
        src: &mut dyn Source,
        out: &mut dyn Write,
    ) -> Result<Stripped, LayoutError> {
        emit(self, src, out)?;
        Ok(self.outcome())
    }
}

/// The stripped form of a dump held in memory, written to `out`: the envelope path's entry point.
pub fn strip_bytes(src: &[u8], out: &mut dyn Write) -> Result<Stripped, LayoutError> {
    let mut cursor = Cursor::new(src);
    StripPlan::new(&mut cursor, src.len() as u64)?.write(&mut cursor, out)
}

const fn align16(x: u64) -> u64 {
    (x + 15) & !15
}

fn overlaps(a: Span, b: Span) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn span(r: &Region) -> Span {
    (r.offset, r.offset + r.size)
}

/// `spans` minus every span of `cut`.
fn subtract(spans: Vec<Span>, cut: &[Span]) -> Vec<Span> {
    cut.iter().fold(spans, |acc, &(c0, c1)| {
        acc.into_iter()
            .flat_map(|(a, b)| [(a, b.min(c0)), (a.max(c1), b)])
            .filter(|(a, b)| a < b)
            .collect()
    })
}

fn plan(l: &Layout, r: &mut Reader<'_>) -> Result<StripPlan, LayoutError> {
    let stack_ranges: Vec<Span> = l
        .stacks
        .iter()
        .filter(|s| s.size > 0)
        .map(|s| (s.start, s.start + s.size))
        .collect();
    let on_stack = |m: &Region| {
        stack_ranges
            .iter()
            .any(|&s| overlaps(s, (m.start, m.start + m.size)))
    };
    let mut kept: Vec<Region> = l.memory.iter().filter(|m| on_stack(m)).copied().collect();
    kept.dedup_by_key(|m| (m.start, m.size));
    // Each thread's stack: inside a kept region (the usual case), or its own bytes (full-memory dumps,
    // whose stacks live in the Memory64 list that is dropped).
    let mut targets = Vec::new();
    for s in l.stacks.iter().filter(|s| s.size > 0) {
        let inside = |m: &Region| m.start <= s.start && s.start + s.size <= m.start + m.size;
        if let Some(i) = kept.iter().position(inside) {
            targets.push((s.desc_offset, i, s.start - kept[i].start));
            continue;
        }
        let own = (s.rva != 0 && u64::from(s.rva) + s.size <= l.len).then_some(u64::from(s.rva));
        let found = own.or_else(|| {
            l.memory64
                .iter()
                .find(|m| inside(m))
                .map(|m| m.offset + s.start - m.start)
        });
        if let Some(offset) = found {
            kept.push(Region {
                start: s.start,
                size: s.size,
                offset,
            });
            targets.push((s.desc_offset, kept.len() - 1, 0));
        }
    }

    // Where the memory-only tail starts: cut there, unless something that is not memory lies beyond.
    let list_streams = |t: u32| l.streams.iter().filter(move |s| s.stream_type == t);
    let mut memory: Vec<Span> = l.memory.iter().chain(&l.memory64).map(span).collect();
    memory.extend(
        l.stacks
            .iter()
            .map(|s| (u64::from(s.rva), u64::from(s.rva) + s.size))
            .filter(|&(a, b)| a > 0 && b <= l.len),
    );
    memory.extend(
        list_streams(MEMORY_LIST)
            .chain(list_streams(MEMORY64_LIST))
            .map(|s| (u64::from(s.rva), u64::from(s.rva) + u64::from(s.size))),
    );
    memory.sort_unstable();
    let mut merged: Vec<Span> = Vec::new();
    for (a, b) in memory {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut tail = l.len;
    for &(a, b) in merged.iter().rev() {
        // Alignment padding (under 16 zero bytes) between memory blocks belongs to the tail too.
        let gap = tail.saturating_sub(b);
        if gap == 0 || (gap < 16 && r.bytes(b, gap, "padding")?.iter().all(|&x| x == 0)) {
            tail = tail.min(a);
        } else {
            break;
        }
    }
    let mut fixed: Vec<Span> = vec![(0, 32), (l.directory.0, l.directory.0 + l.directory.1)];
    fixed.extend(
        l.streams
            .iter()
            .filter(|s| ![UNUSED, MEMORY_LIST, MEMORY64_LIST].contains(&s.stream_type))
            .map(|s| (u64::from(s.rva), u64::from(s.rva) + u64::from(s.size))),
    );
    fixed.extend(
        l.stacks
            .iter()
            .map(|s| (s.context.0, s.context.0 + s.context.1)),
    );
    let tail = fixed.iter().map(|f| f.1).fold(tail, u64::max).min(l.len);

    // Dropped memory before the cut is zeroed; kept bytes and non-memory structures are not touched.
    let dropped: Vec<Span> = l
        .memory
        .iter()
        .filter(|m| !on_stack(m))
        .chain(&l.memory64)
        .map(span)
        .collect();
    let dropped_regions = dropped.len();
    let mut untouched: Vec<Span> = kept.iter().map(span).collect();
    untouched.extend(&fixed);
    let zero = subtract(dropped, &untouched)
        .into_iter()
        .map(|(a, b)| (a, b.min(tail)))
        .filter(|(a, b)| a < b)
        .collect();

    // Kept bytes in the cut tail are appended again; then the new memory list.
    let mut cursor = align16(tail);
    let mut moved = Vec::new();
    let mut new_offset = Vec::with_capacity(kept.len());
    for m in &kept {
        if m.offset + m.size > tail {
            moved.push((m.offset, m.size, cursor));
            new_offset.push(cursor);
            cursor = align16(cursor + m.size);
        } else {
            new_offset.push(m.offset);
        }
    }
    let rva = |x: u64| {
        u32::try_from(x).map_err(|_| {
            LayoutError::Invalid(
                "the stripped dump would not fit the 4 GiB an RVA can address".into(),
            )
        })
    };
    let mut list = Vec::with_capacity(4 + 16 * kept.len());
    list.extend_from_slice(&(kept.len() as u32).to_le_bytes());
    for (m, &at) in kept.iter().zip(&new_offset) {
        list.extend_from_slice(&m.start.to_le_bytes());
        list.extend_from_slice(&rva(m.size)?.to_le_bytes());
        list.extend_from_slice(&rva(at)?.to_le_bytes());
    }

    let mut patches = Vec::new();
    let list_slot = list_streams(MEMORY_LIST)
        .chain(list_streams(MEMORY64_LIST))
        .next()
        .map(|s| s.entry_offset);
    for s in l
        .streams
        .iter()
        .filter(|s| [MEMORY_LIST, MEMORY64_LIST].contains(&s.stream_type))
    {
        let entry = if Some(s.entry_offset) == list_slot {
            [MEMORY_LIST, rva(list.len() as u64)?, rva(cursor)?]
        } else {
            [UNUSED, 0, 0]
        };
        patches.push((
            s.entry_offset,
            entry.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ));
    }
    for &(desc, i, delta) in &targets {
        patches.push((
            desc + 12,
            rva(new_offset[i] + delta)?.to_le_bytes().to_vec(),
        ));
    }
    if patches.iter().any(|(at, p)| at + p.len() as u64 > tail) {
        return Err(LayoutError::Internal(
            "a patched structure lies in the cut tail".into(),
        ));
    }
    let list = list_slot.map(|_| (cursor, list));
    Ok(StripPlan {
        tail,
        zero,
        patches,
        moved,
        list,
        kept: kept.len(),
        dropped: dropped_regions,
    })
}

const CHUNK: usize = 256 * 1024;

/// Streams the stripped dump: the kept prefix (zeroed and patched), moved stacks, the new memory list.
fn emit(p: &StripPlan, file: &mut dyn Source, out: &mut dyn Write) -> Result<(), LayoutError> {
    let put = |out: &mut dyn Write, b: &[u8]| {
        out.write_all(b)
            .map_err(|e| LayoutError::Io(format!("cannot write the stripped dump: {e}")))
    };
    let io = |e: std::io::Error| LayoutError::Io(format!("cannot read the minidump: {e}"));
    let mut buf = vec![0u8; CHUNK];
    let mut copy =
        |out: &mut dyn Write, from: u64, len: u64, edit: bool| -> Result<(), LayoutError> {
            file.seek(SeekFrom::Start(from)).map_err(io)?;
            let mut at = from;
            while at < from + len {
                let n = CHUNK.min((from + len - at) as usize);
                file.read_exact(&mut buf[..n]).map_err(io)?;
                if edit {
                    let chunk = (at, at + n as u64);
                    for &(a, b) in p.zero.iter().filter(|&&z| overlaps(z, chunk)) {
                        buf[(a.max(at) - at) as usize..(b.min(chunk.1) - at) as usize].fill(0);
                    }
                    for (o, bytes) in &p.patches {
                        for (j, &byte) in bytes.iter().enumerate() {
                            if (at..chunk.1).contains(&(o + j as u64)) {
                                buf[(o + j as u64 - at) as usize] = byte;
                            }
                        }
                    }
                }
                put(out, &buf[..n])?;
                at += n as u64;
            }
            Ok(())
        };
    copy(out, 0, p.tail, true)?;
    let mut written = p.tail;
    for &(from, len, to) in &p.moved {
        put(out, &vec![0u8; (to - written) as usize])?;
        copy(out, from, len, false)?;
        written = to + len;
    }
    if let Some((at, list)) = &p.list {
        put(out, &vec![0u8; (at - written) as usize])?;
        put(out, list)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtract_splits_and_drops_spans() {
        let got = subtract(vec![(0, 100), (200, 300)], &[(10, 20), (250, 400), (0, 5)]);
        assert_eq!(got, vec![(5, 10), (20, 100), (200, 250)]);
        assert_eq!(subtract(vec![(0, 10)], &[(0, 10)]), vec![]);
    }

    fn strip_error(dump: &[u8]) -> LayoutError {
        strip_bytes(dump, &mut Vec::new()).unwrap_err()
    }

    /// Header (one stream, directory at 0x20), a thread list entry of 2 bytes at 0x2c, and those bytes:
    /// reading its count ran off the stream (once a panic, `ERR_INTERNAL`).
    const THREAD_LIST_WITHOUT_ROOM_FOR_ITS_COUNT: &[u8] = b"MDMP\x93\xa7\0\0\x01\0\0\0\x20\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \x03\0\0\0\x02\0\0\0\x2c\0\0\0\
        \0\0";

    /// One thread whose 8 KiB stack starts 4 KiB below the top of the address space: the stack's end
    /// overflowed (a panic with overflow checks, a wrapped range without them).
    const STACK_PAST_THE_TOP_OF_MEMORY: &[u8] = b"MDMP\x93\xa7\0\0\x01\0\0\0\x20\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \x03\0\0\0\x34\0\0\0\x2c\0\0\0\
        \x01\0\0\0\
        \x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\xf0\xff\xff\xff\xff\xff\xff\0\x20\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0";

    #[test]
    fn a_list_stream_too_short_for_its_count_is_invalid() {
        let e = strip_error(THREAD_LIST_WITHOUT_ROOM_FOR_ITS_COUNT);
        assert!(matches!(e, LayoutError::Invalid(_)), "{e}");
        assert!(e.to_string().contains("no room for its count"), "{e}");
    }

    #[test]
    fn a_stack_past_the_top_of_the_address_space_is_invalid() {
        assert_eq!(STACK_PAST_THE_TOP_OF_MEMORY.len(), 0x2c + 4 + 48);
        let e = strip_error(STACK_PAST_THE_TOP_OF_MEMORY);
        assert!(matches!(e, LayoutError::Invalid(_)), "{e}");
        assert!(
            e.to_string().contains("thread 0's stack ends beyond"),
            "{e}"
        );
    }

    #[test]
    fn align16_rounds_up() {
        assert_eq!(
            (align16(0), align16(1), align16(16), align16(17)),
            (0, 16, 16, 32)
        );
    }
}

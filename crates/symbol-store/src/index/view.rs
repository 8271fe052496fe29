//! Lookups on a saved index read in place: binary searches over its fixed-width records.

use super::*;
use std::ops::{Deref, Range};

/// The address-keyed lists, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Funcs = 0,
    Publics = 1,
    Cfi = 2,
    Win = 3,
}

/// The id-keyed lists, in file order after the address-keyed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NamedList {
    Files = 0,
    Origins = 1,
}

/// A saved index read in place: the header checked once, every record read where it lies.
pub struct IndexView<B> {
    bytes: B,
    /// Record counts, as in the header.
    counts: [usize; 6],
    /// Where each list starts in `bytes`.
    starts: [usize; 6],
}

pub(super) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

pub(super) fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

impl<B: Deref<Target = [u8]>> IndexView<B> {
    /// Checks the header (magic, checksum) and that the counts account for the length exactly; `None` when
    /// anything disagrees. Costs the same whatever the size of the index.
    pub fn new(bytes: B) -> Option<IndexView<B>> {
        let header = bytes.get(..HEADER)?;
        if &header[..8] != MAGIC || u64_at(header, 64) != fnv1a(&header[..64]) {
            return None;
        }
        let mut counts = [0usize; 6];
        let mut starts = [0usize; 6];
        let mut at = HEADER;
        for (i, (n, start)) in counts.iter_mut().zip(&mut starts).enumerate() {
            *n = u32_at(header, 40 + 4 * i) as usize;
            *start = at;
            let width = if i < 4 { ENTRY } else { NAMED };
            at = at.checked_add(n.checked_mul(width)?)?;
        }
        (at == bytes.len()).then_some(IndexView {
            bytes,
            counts,
            starts,
        })
    }

    /// The saved form, as given to `new`.
    pub fn bytes(&self) -> &B {
        &self.bytes
    }

    /// Length of the `.sym` this index was made for.
    pub fn sym_len(&self) -> u64 {
        u64_at(&self.bytes, 8)
    }

    /// The `.sym`'s stamp when the index was saved (see `SymIndex::encode`).
    pub fn stamp(&self) -> u64 {
        u64_at(&self.bytes, 16)
    }

    pub fn legacy_inline(&self) -> bool {
        u32_at(&self.bytes, 36) & LEGACY_INLINE != 0
    }

    /// Whether the file holds no record a lookup could use: not a Breakpad symbol file.
    pub fn is_empty(&self) -> bool {
        self.counts[..4].iter().all(|&n| n == 0)
    }

    pub(super) fn module(&self) -> Option<(u64, u32)> {
        let offset = u64_at(&self.bytes, 24);
        (offset != u64::MAX).then(|| (offset, u32_at(&self.bytes, 32)))
    }

    pub(super) fn len(&self, list: List) -> usize {
        self.counts[list as usize]
    }

    pub(super) fn named_len(&self, list: NamedList) -> usize {
        self.counts[4 + list as usize]
    }

    pub(super) fn entry(&self, list: List, i: usize) -> Entry {
        let at = self.starts[list as usize] + i * ENTRY;
        let b = &self.bytes[at..at + ENTRY];
        Entry {
            address: u64_at(b, 0),
            size: u64_at(b, 8),
            offset: u64_at(b, 16),
            len: u32_at(b, 24),
            kind: u32_at(b, 28),
        }
    }

    pub(super) fn address(&self, list: List, i: usize) -> u64 {
        u64_at(&self.bytes, self.starts[list as usize] + i * ENTRY)
    }

    pub(super) fn kind(&self, list: List, i: usize) -> u32 {
        u32_at(&self.bytes, self.starts[list as usize] + i * ENTRY + 28)
    }

    pub(super) fn named(&self, list: NamedList, i: usize) -> Named {
        let at = self.starts[4 + list as usize] + i * NAMED;
        let b = &self.bytes[at..at + NAMED];
        Named {
            id: u32_at(b, 0),
            len: u32_at(b, 4),
            offset: u64_at(b, 8),
        }
    }

    /// The first position in `range` of `list` for which `below` is false (the list is sorted so that
    /// `below` holds for a prefix of it).
    pub(super) fn partition_point(range: Range<usize>, below: impl Fn(usize) -> bool) -> usize {
        let (mut lo, mut hi) = (range.start, range.end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if below(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The last record of `range` starting at or below `address`, by position.
    pub(super) fn last_at_or_below(
        &self,
        list: List,
        range: Range<usize>,
        address: u64,
    ) -> Option<usize> {
        Self::partition_point(range.clone(), |i| self.address(list, i) <= address)
            .checked_sub(1)
            .filter(|&i| i >= range.start)
    }

    /// The record of `range` covering `address`, by position.
    pub(super) fn covering(&self, list: List, range: Range<usize>, address: u64) -> Option<u32> {
        let i = self.last_at_or_below(list, range, address)?;
        let e = self.entry(list, i);
        (address - e.address < e.size.max(1)).then_some(i as u32)
    }

    pub(super) fn find(&self, list: NamedList, id: u32) -> Option<Named> {
        let (mut lo, mut hi) = (0, self.named_len(list));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let n = self.named(list, mid);
            match n.id.cmp(&id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(n),
            }
        }
        None
    }

    /// Which records a full parse would consult for `address` (module-relative); `None` when none covers it.
    pub fn cover(&self, address: u64) -> Option<Cover> {
        let funcs = 0..self.len(List::Funcs);
        let func = self.covering(List::Funcs, funcs.clone(), address);
        let cfi = self.covering(List::Cfi, 0..self.len(List::Cfi), address);
        // STACK WIN records are sorted by (type, address): one binary search per type present.
        let mut wins = Vec::new();
        let (mut start, n_win) = (0, self.len(List::Win));
        while start < n_win {
            let kind = self.kind(List::Win, start);
            let end = Self::partition_point(start..n_win, |i| self.kind(List::Win, i) == kind);
            wins.extend(self.covering(List::Win, start..end, address));
            start = end;
        }
        // Without a FUNC, the nearest PUBLIC below applies unless a FUNC between them ends it; the parser
        // decides that from the previous FUNC, so that FUNC's header line goes along.
        let (public, previous_func) = if func.is_none() {
            let p = self.last_at_or_below(List::Publics, 0..self.len(List::Publics), address);
            let f = self.last_at_or_below(List::Funcs, funcs, address);
            (p.map(|i| i as u32), f.map(|i| i as u32))
        } else {
            (None, None)
        };
        if func.is_none() && public.is_none() && cfi.is_none() && wins.is_empty() {
            return None;
        }
        Some(Cover {
            func,
            public,
            previous_func,
            cfi,
            wins,
        })
    }

    /// The text of the records in `cover`, as a small `.sym` of its own (MODULE, FILE and INLINE_ORIGIN
    /// lines included) for breakpad-symbols' parser.
    pub fn excerpt(&self, sym: &[u8], cover: &Cover, address: u64) -> Vec<u8> {
        let pick = |list: List, i: Option<u32>| {
            i.map(|i| i as usize)
                .filter(|&i| i < self.len(list))
                .map(|i| self.entry(list, i))
        };
        let text = |offset: u64, len: u32| -> &[u8] {
            let start = usize::try_from(offset).unwrap_or(usize::MAX).min(sym.len());
            &sym[start..start.saturating_add(len as usize).min(sym.len())]
        };
        let mut out = Vec::with_capacity(1024);
        let mut push = |bytes: &[u8]| {
            out.extend_from_slice(bytes);
            out.push(b'\n');
        };
        if let Some((offset, len)) = self.module() {
            push(text(offset, len));
        }
        if let Some(f) = pick(List::Funcs, cover.func) {
            // Only the line and INLINE records covering the address: what a lookup there reads, at a fraction
            // of the parsing (a large function has thousands of line records).
            let Pruned {
                text: block,
                files,
                origins,
            } = prune_block(text(f.offset, f.len), address);
            for id in files {
                if let Some(n) = self.find(NamedList::Files, id) {
                    push(text(n.offset, n.len));
                }
            }
            for id in origins {
                if let Some(n) = self.find(NamedList::Origins, id) {
                    push(text(n.offset, n.len));
                }
            }
            push(&block);
        }
        if let Some(f) = pick(List::Funcs, cover.previous_func) {
            let block = text(f.offset, f.len);
            push(block.split(|&b| b == b'\n').next().unwrap_or(block));
        }
        if let Some(p) = pick(List::Publics, cover.public) {
            push(text(p.offset, p.len));
        }
        if let Some(c) = pick(List::Cfi, cover.cfi) {
            push(text(c.offset, c.len));
        }
        for &w in &cover.wins {
            if let Some(w) = pick(List::Win, Some(w)) {
                push(text(w.offset, w.len));
            }
        }
        out
    }
}

//! A preprocessed lookup index over a Breakpad `.sym` file.
//!
//! Why: parsing a whole `.sym` (megabytes for an app, tens of megabytes for Electron) costs far more than the
//! handful of lookups a crash needs. The index records, for every FUNC, PUBLIC, STACK CFI and STACK WIN record,
//! its address range and where its text sits in the file; FILE and INLINE_ORIGIN records by id. A lookup then
//! cuts the few records that cover one address out of the file and hands that small text to breakpad-symbols'
//! own parser, so names, lines, inlines and CFI evaluation are exactly what a full parse would give. The index
//! is saved next to the cached `.sym`, so a later process never scans the file again.
//!
//! The saved form is what lookups read: fixed-width little-endian records, sorted, searched in place
//! (`IndexView`), so a process that finds an index in the cache maps it and reads only the records its binary
//! searches touch: opening one costs the same for a 10 KB file as for a 100 MB one.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! 0   magic "SENSYM04"
//! 8   u64 length of the .sym          16  u64 stamp of the .sym (its mtime in ns; 0: not recorded)
//! 24  u64 MODULE line offset (u64::MAX: none)   32  u32 its length   36  u32 flags (1: first INLINE layout)
//! 40  u32 × 6 record counts: FUNC, PUBLIC, STACK CFI, STACK WIN, FILE, INLINE_ORIGIN
//! 64  u64 FNV-1a of bytes 0..64
//! 72  FUNC, PUBLIC, STACK CFI, STACK WIN entries, 32 bytes each: address, size, offset (u64), len, kind (u32),
//!     each list sorted by (kind, address, offset)
//! ..  FILE, INLINE_ORIGIN entries, 16 bytes each: id, len (u32), offset (u64), each list sorted by id
//! ```
//!
//! A file whose magic, header checksum, counts and length do not agree is refused (a stale format, a torn or
//! damaged file) and the caller rebuilds it; so is one made for another `.sym` (length, stamp).

use std::ops::{Deref, Range};

const MAGIC: &[u8; 8] = b"SENSYM04";
const HEADER: usize = 72;
const ENTRY: usize = 32;
const NAMED: usize = 16;
const LEGACY_INLINE: u32 = 1;

/// One record (or record block) of the file: an address range and its bytes in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub address: u64,
    pub size: u64,
    pub offset: u64,
    pub len: u32,
    /// STACK WIN type; 0 elsewhere.
    pub kind: u32,
}

/// The records covering one address, by their positions in the index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cover {
    func: Option<u32>,
    public: Option<u32>,
    previous_func: Option<u32>,
    cfi: Option<u32>,
    wins: Vec<u32>,
}

/// FILE and INLINE_ORIGIN records, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub id: u32,
    pub len: u32,
    pub offset: u64,
}

/// The index as built from a `.sym`, before it is saved.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SymIndex {
    /// Length of the indexed file: an index never serves a different file.
    pub sym_len: u64,
    /// INLINE records in Breakpad's first layout (no call-file field), which breakpad-symbols' parser rejects:
    /// the file is then unusable, as it is for a tool that parses it whole.
    pub legacy_inline: bool,
    pub module: Option<(u64, u32)>,
    pub funcs: Vec<Entry>,
    pub publics: Vec<Entry>,
    pub cfi: Vec<Entry>,
    pub win: Vec<Entry>,
    pub files: Vec<Named>,
    pub origins: Vec<Named>,
}

fn hex(token: Option<&[u8]>) -> Option<u64> {
    let t = token?;
    if t.is_empty() || t.len() > 16 {
        return None;
    }
    t.iter().try_fold(0u64, |acc, &c| {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        Some(acc << 4 | u64::from(digit))
    })
}

fn dec(token: Option<&[u8]>) -> Option<u32> {
    std::str::from_utf8(token?).ok()?.parse().ok()
}

/// Splits off a leading `m ` (multiple) marker some FUNC and PUBLIC records carry.
fn fields(rest: &[u8]) -> impl Iterator<Item = &[u8]> {
    rest.split(|&b| b == b' ')
        .filter(|t| !t.is_empty())
        .skip_while(|t| *t == b"m")
}

impl SymIndex {
    /// Scans `sym` once. Unknown or malformed lines are skipped, as the parser would skip them.
    pub fn build(sym: &[u8]) -> SymIndex {
        let mut ix = SymIndex {
            sym_len: sym.len() as u64,
            ..SymIndex::default()
        };
        // The block a continuation line (a line record, INLINE, or STACK CFI) extends.
        let mut open: Option<(bool, usize)> = None; // (is_func, index)
        let mut start = 0usize;
        while start < sym.len() {
            let end = memchr_newline(&sym[start..]).map_or(sym.len(), |i| start + i);
            let raw = &sym[start..end];
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            let next = end + 1;
            let span = (start as u64, (end - start) as u32);
            let extend = |list: &mut Vec<Entry>, i: usize| {
                let e = &mut list[i];
                e.len = (end as u64 - e.offset) as u32;
            };
            // Keywords first: FILE and FUNC begin with a hex digit too, so a line record is what is left.
            if let Some(rest) = line.strip_prefix(b"STACK CFI INIT ") {
                let mut f = fields(rest);
                open = match (hex(f.next()), hex(f.next())) {
                    (Some(address), Some(size)) => {
                        ix.cfi.push(Entry {
                            address,
                            size,
                            offset: span.0,
                            len: span.1,
                            kind: 0,
                        });
                        Some((false, ix.cfi.len() - 1))
                    }
                    _ => None,
                };
            } else if line.starts_with(b"STACK CFI ") {
                if let Some((false, i)) = open {
                    extend(&mut ix.cfi, i);
                }
            } else if let Some(rest) = line.strip_prefix(b"FUNC ") {
                let mut f = fields(rest);
                open = match (hex(f.next()), hex(f.next())) {
                    (Some(address), Some(size)) => {
                        ix.funcs.push(Entry {
                            address,
                            size,
                            offset: span.0,
                            len: span.1,
                            kind: 0,
                        });
                        Some((true, ix.funcs.len() - 1))
                    }
                    _ => None,
                };
            } else if line.starts_with(b"INLINE ") {
                // INLINE <depth> <call line> <call file> <origin> (<address> <size>)+ has an even number of
                // fields after the keyword; the first layout, without <call file>, an odd number.
                ix.legacy_inline |= !fields(&line[7..]).count().is_multiple_of(2);
                if let Some((true, i)) = open {
                    extend(&mut ix.funcs, i);
                }
            } else if let Some(rest) = line.strip_prefix(b"PUBLIC ") {
                open = None;
                if let Some(address) = hex(fields(rest).next()) {
                    ix.publics.push(Entry {
                        address,
                        size: 0,
                        offset: span.0,
                        len: span.1,
                        kind: 0,
                    });
                }
            } else if let Some(rest) = line.strip_prefix(b"STACK WIN ") {
                open = None;
                let mut f = fields(rest);
                if let (Some(kind), Some(address), Some(size)) =
                    (hex(f.next()), hex(f.next()), hex(f.next()))
                {
                    ix.win.push(Entry {
                        address,
                        size,
                        offset: span.0,
                        len: span.1,
                        kind: kind as u32,
                    });
                }
            } else if let Some(rest) = line.strip_prefix(b"FILE ") {
                open = None;
                if let Some(id) = dec(fields(rest).next()) {
                    ix.files.push(Named {
                        id,
                        len: span.1,
                        offset: span.0,
                    });
                }
            } else if let Some(rest) = line.strip_prefix(b"INLINE_ORIGIN ") {
                open = None;
                if let Some(id) = dec(fields(rest).next()) {
                    ix.origins.push(Named {
                        id,
                        len: span.1,
                        offset: span.0,
                    });
                }
            } else if line.starts_with(b"MODULE ") {
                open = None;
                ix.module = Some(span);
            } else if line.first().is_some_and(u8::is_ascii_hexdigit) {
                if let Some((true, i)) = open {
                    extend(&mut ix.funcs, i);
                }
            } else {
                open = None;
            }
            start = next;
        }
        for list in [&mut ix.funcs, &mut ix.publics, &mut ix.cfi, &mut ix.win] {
            list.sort_by_key(|e| (e.kind, e.address, e.offset));
        }
        ix.files.sort_by_key(|n| n.id);
        ix.origins.sort_by_key(|n| n.id);
        ix
    }

    /// The saved form, for a `.sym` with no recorded stamp.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode(0)
    }

    /// The saved form (see the module documentation), for a `.sym` whose stamp is `stamp`.
    pub fn encode(&self, stamp: u64) -> Vec<u8> {
        let entries = self.funcs.len() + self.publics.len() + self.cfi.len() + self.win.len();
        let named = self.files.len() + self.origins.len();
        let mut out = Vec::with_capacity(HEADER + ENTRY * entries + NAMED * named);
        out.extend_from_slice(MAGIC);
        let (module_offset, module_len) = self.module.unwrap_or((u64::MAX, 0));
        for v in [self.sym_len, stamp, module_offset] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let flags = if self.legacy_inline { LEGACY_INLINE } else { 0 };
        for n in [
            module_len,
            flags,
            count(self.funcs.len()),
            count(self.publics.len()),
            count(self.cfi.len()),
            count(self.win.len()),
            count(self.files.len()),
            count(self.origins.len()),
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        let checksum = fnv1a(&out);
        out.extend_from_slice(&checksum.to_le_bytes());
        for e in self
            .funcs
            .iter()
            .chain(&self.publics)
            .chain(&self.cfi)
            .chain(&self.win)
        {
            for v in [e.address, e.size, e.offset] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&e.len.to_le_bytes());
            out.extend_from_slice(&e.kind.to_le_bytes());
        }
        for n in self.files.iter().chain(&self.origins) {
            out.extend_from_slice(&n.id.to_le_bytes());
            out.extend_from_slice(&n.len.to_le_bytes());
            out.extend_from_slice(&n.offset.to_le_bytes());
        }
        out
    }

    /// Reads a whole index written by `encode` for a `.sym` of `sym_len` bytes; `None` for anything else
    /// (a stale format, a torn file). Lookups read the saved form in place instead (`IndexView`).
    pub fn from_bytes(bytes: &[u8], sym_len: u64) -> Option<SymIndex> {
        let view = IndexView::new(bytes)?;
        if view.sym_len() != sym_len {
            return None;
        }
        let entries = |list: List| -> Vec<Entry> {
            (0..view.len(list)).map(|i| view.entry(list, i)).collect()
        };
        let named = |list: NamedList| -> Vec<Named> {
            (0..view.named_len(list))
                .map(|i| view.named(list, i))
                .collect()
        };
        Some(SymIndex {
            sym_len,
            legacy_inline: view.legacy_inline(),
            module: view.module(),
            funcs: entries(List::Funcs),
            publics: entries(List::Publics),
            cfi: entries(List::Cfi),
            win: entries(List::Win),
            files: named(NamedList::Files),
            origins: named(NamedList::Origins),
        })
    }
}

/// Record counts are stored as u32: no `.sym` below 4 GiB holds more records than that.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The address-keyed lists, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Funcs = 0,
    Publics = 1,
    Cfi = 2,
    Win = 3,
}

/// The id-keyed lists, in file order after the address-keyed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamedList {
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

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
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

    fn module(&self) -> Option<(u64, u32)> {
        let offset = u64_at(&self.bytes, 24);
        (offset != u64::MAX).then(|| (offset, u32_at(&self.bytes, 32)))
    }

    fn len(&self, list: List) -> usize {
        self.counts[list as usize]
    }

    fn named_len(&self, list: NamedList) -> usize {
        self.counts[4 + list as usize]
    }

    fn entry(&self, list: List, i: usize) -> Entry {
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

    fn address(&self, list: List, i: usize) -> u64 {
        u64_at(&self.bytes, self.starts[list as usize] + i * ENTRY)
    }

    fn kind(&self, list: List, i: usize) -> u32 {
        u32_at(&self.bytes, self.starts[list as usize] + i * ENTRY + 28)
    }

    fn named(&self, list: NamedList, i: usize) -> Named {
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
    fn partition_point(range: Range<usize>, below: impl Fn(usize) -> bool) -> usize {
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
    fn last_at_or_below(&self, list: List, range: Range<usize>, address: u64) -> Option<usize> {
        Self::partition_point(range.clone(), |i| self.address(list, i) <= address)
            .checked_sub(1)
            .filter(|&i| i >= range.start)
    }

    /// The record of `range` covering `address`, by position.
    fn covering(&self, list: List, range: Range<usize>, address: u64) -> Option<u32> {
        let i = self.last_at_or_below(list, range, address)?;
        let e = self.entry(list, i);
        (address - e.address < e.size.max(1)).then_some(i as u32)
    }

    fn find(&self, list: NamedList, id: u32) -> Option<Named> {
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

/// Hex digit values by byte; `NOT_HEX` for any other byte.
static HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => NOT_HEX,
        };
        b += 1;
    }
    table
};
const NOT_HEX: u8 = 0xff;

/// The next space-separated field of `s` read as `hex` reads it (`None` inside when it is not a hex number
/// of at most 16 digits), and what follows it; `None` when no field is left.
fn next_hex(s: &[u8]) -> Option<(Option<u64>, &[u8])> {
    let mut bytes = s.iter();
    let first = *bytes.find(|&&b| b != b' ')?;
    let mut digit = HEX_DIGITS[first as usize];
    let (mut value, mut invalid, mut len) = (u64::from(digit & 0xf), digit, 1);
    for &b in bytes.by_ref() {
        if b == b' ' {
            break;
        }
        digit = HEX_DIGITS[b as usize];
        invalid |= digit;
        value = value << 4 | u64::from(digit & 0xf);
        len += 1;
    }
    // Digits are at most 0xf: a bit above them marks a byte that is not one. The field's end (or the space
    // after it) was the last byte read, so the rest is what the iterator holds.
    let valid = invalid & !0xf == 0 && len <= 16;
    Some((valid.then_some(value), bytes.as_slice()))
}

/// The next space-separated field of `s`, and what follows it.
fn next_field(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = s.iter().position(|&b| b != b' ')?;
    let s = &s[start..];
    let end = s.iter().position(|&b| b == b' ').unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

/// The lines of a block (split at `\n`, as `split` would, but found with `memchr`).
struct Lines<'a>(Option<&'a [u8]>);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.0.take()?;
        match memchr::memchr(b'\n', rest) {
            Some(end) => {
                self.0 = Some(&rest[end + 1..]);
                Some(&rest[..end])
            }
            None => Some(rest),
        }
    }
}

/// Whether a line or INLINE record's range (`None`: a field that is not a number) holds `address`.
fn covers(address: u64, start: Option<u64>, size: Option<u64>) -> bool {
    match (start, size) {
        (Some(start), Some(size)) => address >= start && address - start < size,
        _ => false,
    }
}

/// A FUNC block cut down to its header and the line and INLINE records whose ranges cover `address`, with
/// the FILE and INLINE_ORIGIN ids those use. Every line of the block is read, so fields are read in one
/// pass, and only as far as needed.
fn prune_block(block: &[u8], address: u64) -> Pruned {
    let mut lines = Lines(Some(block));
    let mut out = Pruned::new(lines.next().unwrap_or_default());
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let keep = if let Some(rest) = line.strip_prefix(b"INLINE ") {
            // INLINE <depth> <call line> <call file> <origin> [<address> <size>]...
            let (mut rest, mut ids) = (rest, [None, None]);
            for slot in [None, None, Some(0), Some(1)] {
                let Some((field, after)) = next_field(rest) else {
                    rest = &[];
                    break;
                };
                if let Some(at) = slot {
                    ids[at] = Some(field);
                }
                rest = after;
            }
            let mut hit = false;
            while let Some((start, after)) = next_hex(rest) {
                let Some((size, after)) = next_hex(after) else {
                    break;
                };
                hit |= covers(address, start, size);
                rest = after;
            }
            if hit {
                out.files.extend(dec(ids[0]));
                out.origins.extend(dec(ids[1]));
            }
            hit
        } else {
            // <address> <size> <line> <file>
            let hit = next_hex(line).is_some_and(|(start, rest)| {
                next_hex(rest).is_some_and(|(size, _)| covers(address, start, size))
            });
            if hit {
                let mut rest = line;
                let mut file = None;
                for _ in 0..4 {
                    let Some((field, after)) = next_field(rest) else {
                        file = None;
                        break;
                    };
                    file = Some(field);
                    rest = after;
                }
                out.files.extend(dec(file));
            }
            hit
        };
        if keep {
            out.keep(line);
        }
    }
    out.finish()
}

/// What pruning keeps of a FUNC block: its text, and the FILE and INLINE_ORIGIN ids that text uses.
#[derive(Debug, PartialEq, Eq)]
struct Pruned {
    text: Vec<u8>,
    files: Vec<u32>,
    origins: Vec<u32>,
}

impl Pruned {
    /// Starts with the block's first line, the FUNC record itself.
    fn new(header: &[u8]) -> Pruned {
        let mut text = Vec::with_capacity(256);
        text.extend_from_slice(header);
        Pruned {
            text,
            files: Vec::new(),
            origins: Vec::new(),
        }
    }

    fn keep(&mut self, line: &[u8]) {
        self.text.push(b'\n');
        self.text.extend_from_slice(line);
    }

    /// Each id once, in order.
    fn finish(mut self) -> Pruned {
        for ids in [&mut self.files, &mut self.origins] {
            ids.sort_unstable();
            ids.dedup();
        }
        self
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYM: &[u8] = b"MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 app\n\
FILE 0 /src/a.c\n\
FILE 1 /src/b.h\n\
INLINE_ORIGIN 0 helper\n\
FUNC 1000 20 0 main\n\
INLINE 0 12 1 0 1008 4\n\
1000 8 10 0\n\
1008 4 3 1\n\
100c 14 11 0\n\
FUNC m 2000 10 0 other\n\
2000 10 40 0\n\
PUBLIC 3000 0 exported\n\
STACK CFI INIT 1000 20 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n\
STACK CFI 1001 .cfa: $rsp 16 +\n\
STACK WIN 4 2000 10 0 0 0 0 0 0 1 $T0 .raSearch =\n";

    #[test]
    fn records_are_indexed_by_address_with_their_blocks() {
        let ix = SymIndex::build(SYM);
        assert_eq!(
            ix.funcs
                .iter()
                .map(|f| (f.address, f.size))
                .collect::<Vec<_>>(),
            [(0x1000, 0x20), (0x2000, 0x10)]
        );
        assert_eq!(ix.publics.len(), 1);
        assert_eq!(
            (ix.cfi.len(), ix.win.len(), ix.files.len(), ix.origins.len()),
            (1, 1, 2, 1)
        );
        let main = &SYM[ix.funcs[0].offset as usize..][..ix.funcs[0].len as usize];
        assert!(main.starts_with(b"FUNC 1000") && main.ends_with(b"100c 14 11 0"));
        let cfi = &SYM[ix.cfi[0].offset as usize..][..ix.cfi[0].len as usize];
        assert!(cfi.ends_with(b"STACK CFI 1001 .cfa: $rsp 16 +"));
    }

    #[test]
    fn an_excerpt_carries_everything_a_lookup_needs() {
        let saved = SymIndex::build(SYM).to_bytes();
        let ix = IndexView::new(&saved[..]).unwrap();
        let text = String::from_utf8(ix.excerpt(SYM, &ix.cover(0x1009).unwrap(), 0x1009)).unwrap();
        for needed in [
            "MODULE",
            "FILE 1 ",
            "INLINE_ORIGIN 0 helper",
            "FUNC 1000",
            "STACK CFI INIT 1000",
        ] {
            assert!(text.contains(needed), "{needed} missing from\n{text}");
        }
        assert!(!text.contains("FUNC m 2000"));
        // Only the records covering 0x1009: the line at 0x1000 and the FILE it names stay out.
        assert!(
            !text.contains("1000 8 10 0")
                && !text.contains("FILE 0 ")
                && text.contains("1008 4 3 1")
        );
        // Past every FUNC, the PUBLIC applies, with the FUNC before it for the parser's truncation check.
        let text = String::from_utf8(ix.excerpt(SYM, &ix.cover(0x3004).unwrap(), 0x3004)).unwrap();
        assert!(
            text.contains("PUBLIC 3000")
                && text.contains("FUNC m 2000 10 0 other\n")
                && !text.contains("2000 10 40 0")
        );
        assert_eq!(ix.cover(0x10), None);
    }

    #[test]
    fn the_first_inline_layout_is_recognised() {
        assert!(!SymIndex::build(SYM).legacy_inline);
        let old = b"FUNC 1000 20 0 main\nINLINE 0 12 0 1008 4\n1000 8 10 0\n";
        assert!(SymIndex::build(old).legacy_inline);
    }

    #[test]
    fn the_index_round_trips_and_refuses_another_file() {
        let ix = SymIndex::build(SYM);
        let bytes = ix.to_bytes();
        assert_eq!(
            SymIndex::from_bytes(&bytes, SYM.len() as u64),
            Some(SymIndex::build(SYM))
        );
        assert_eq!(SymIndex::from_bytes(&bytes, SYM.len() as u64 + 1), None);
        assert_eq!(
            SymIndex::from_bytes(&bytes[..bytes.len() - 1], SYM.len() as u64),
            None
        );
        let view = IndexView::new(ix.encode(0x1234_5678_9abc)).unwrap();
        assert_eq!(
            (view.sym_len(), view.stamp(), view.is_empty()),
            (SYM.len() as u64, 0x1234_5678_9abc, false)
        );
    }

    #[test]
    fn stale_torn_and_damaged_indexes_are_refused() {
        let bytes = SymIndex::build(SYM).to_bytes();
        assert!(IndexView::new(&bytes[..]).is_some());
        // The previous format: same shape of header, other magic.
        let mut old = bytes.clone();
        old[..8].copy_from_slice(b"SENSYM03");
        assert!(IndexView::new(&old[..]).is_none());
        // Any header byte changed (a count, the length, the stamp) fails the checksum.
        for at in [9, 17, 33, 41, 52, 64] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x10;
            assert!(IndexView::new(&damaged[..]).is_none(), "byte {at}");
        }
        // Torn or padded: the counts no longer account for the length.
        assert!(IndexView::new(&bytes[..bytes.len() - 16]).is_none());
        let mut padded = bytes.clone();
        padded.extend_from_slice(&[0; 16]);
        assert!(IndexView::new(&padded[..]).is_none());
        assert!(IndexView::new(&bytes[..HEADER - 1]).is_none());
        assert!(IndexView::new(&[][..]).is_none());
    }

    #[test]
    fn lookups_read_the_saved_form_as_the_built_one() {
        let ix = SymIndex::build(SYM);
        let saved = ix.to_bytes();
        let view = IndexView::new(&saved[..]).unwrap();
        for address in [
            0,
            0x10,
            0x1000,
            0x1009,
            0x101f,
            0x1020,
            0x2000,
            0x200f,
            0x2010,
            0x3000,
            0x3004,
            u64::MAX,
        ] {
            let cover = view.cover(address);
            let func = ix
                .funcs
                .iter()
                .position(|f| address >= f.address && address - f.address < f.size.max(1));
            assert_eq!(
                cover.as_ref().and_then(|c| c.func),
                func.map(|i| i as u32),
                "{address:#x}"
            );
            if let Some(cover) = cover {
                let text = view.excerpt(SYM, &cover, address);
                assert!(text.starts_with(b"MODULE Linux"), "{address:#x}");
            }
        }
    }

    /// The first, plainer reading of a FUNC block: field by field through iterators.
    fn prune_by_fields(block: &[u8], address: u64) -> Pruned {
        let mut lines = block.split(|&b| b == b'\n');
        let mut out = Pruned::new(lines.next().unwrap_or_default());
        for line in lines {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let mut t = line.split(|&b| b == b' ').filter(|t| !t.is_empty());
            if line.starts_with(b"INLINE ") {
                let mut t = t.skip(3);
                let (file, origin) = (dec(t.next()), dec(t.next()));
                let mut hit = false;
                while let (Some(a), Some(b)) = (t.next(), t.next()) {
                    hit |= covers(address, hex(Some(a)), hex(Some(b)));
                }
                if hit {
                    out.files.extend(file);
                    out.origins.extend(origin);
                    out.keep(line);
                }
            } else if covers(address, hex(t.next()), hex(t.next())) {
                out.files.extend(dec(t.nth(1)));
                out.keep(line);
            }
        }
        out.finish()
    }

    #[test]
    fn pruning_reads_blocks_as_a_field_by_field_reading_does() {
        let block = b"FUNC m 1000 100 0 f\r\n\
INLINE 0 12 1 0 1008 4\n\
INLINE  1  13  2  3  1000 2   1009 10\r\n\
INLINE 2 14 7\n\
INLINE 2 14 7 8 1009\n\
INLINE 3 15 +4 5 1000 100\n\
INLINE 3 15 4 x 1000 100 zz 1\n\
1000 8 10 0\n\
1008 4 3 1\r\n\
1008  4  3  9\n\
1009 1 3\n\
1009 1\n\
0001009 1 4 2\n\
00000000000001009 1 4 2\n\
1009 g 4 2\n\
100A 10 5 6\n\
100a 10 5 6 extra\n\
\n\
 1009 1 7 8\n\
ffffffffffffffff 1 1 1\n\
1000 ffffffffffffffff 1 4\n";
        for address in [
            0,
            0xfff,
            0x1000,
            0x1001,
            0x1008,
            0x1009,
            0x100a,
            0x100b,
            0x1010,
            0x1019,
            0x10ff,
            u64::MAX,
        ] {
            for block in [&block[..], &block[..block.len() - 1]] {
                assert_eq!(
                    prune_block(block, address),
                    prune_by_fields(block, address),
                    "{address:#x}"
                );
            }
        }
        assert_eq!(prune_block(b"", 0), prune_by_fields(b"", 0));
        assert_eq!(
            prune_block(b"FUNC 1 1 0 f", 1),
            prune_by_fields(b"FUNC 1 1 0 f", 1)
        );
    }
}

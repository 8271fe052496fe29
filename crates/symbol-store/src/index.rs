//! A preprocessed lookup index over a Breakpad `.sym` file.
//!
//! Why: parsing a whole `.sym` (megabytes for an app, tens of megabytes for Electron) costs far more than the
//! handful of lookups a crash needs. The index records, for every FUNC, PUBLIC, STACK CFI and STACK WIN record,
//! its address range and where its text sits in the file; FILE and INLINE_ORIGIN records by id. A lookup then
//! cuts the few records that cover one address out of the file and hands that small text to breakpad-symbols'
//! own parser, so names, lines, inlines and CFI evaluation are exactly what a full parse would give. The index
//! is saved next to the cached `.sym`, so a later process never scans the file again.

use std::ops::Range;

const MAGIC: &[u8; 8] = b"SENSYM03";

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
        Some(acc << 4 | (c as char).to_digit(16)? as u64)
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

    /// Which records a full parse would consult for `address` (module-relative); `None` when none covers it.
    /// Addresses in the same function share a cover, so their parsed excerpt can be shared too.
    pub fn cover(&self, address: u64) -> Option<Cover> {
        let covering = |list: &[Entry], base: usize| -> Option<u32> {
            let i = list
                .partition_point(|e| e.address <= address)
                .checked_sub(1)?;
            let e = list[i];
            (address - e.address < e.size.max(1)).then_some((base + i) as u32)
        };
        let func = covering(&self.funcs, 0);
        let cfi = covering(&self.cfi, 0);
        // STACK WIN records are sorted by (type, address): one binary search per type present.
        let mut wins = Vec::new();
        let mut start = 0;
        while start < self.win.len() {
            let kind = self.win[start].kind;
            let end = start + self.win[start..].partition_point(|e| e.kind == kind);
            wins.extend(covering(&self.win[start..end], start));
            start = end;
        }
        // Without a FUNC, the nearest PUBLIC below applies unless a FUNC between them ends it; the parser
        // decides that from the previous FUNC, so that FUNC's header line goes along.
        let (public, previous_func) = if func.is_none() {
            let p = self
                .publics
                .partition_point(|e| e.address <= address)
                .checked_sub(1);
            let f = self
                .funcs
                .partition_point(|e| e.address <= address)
                .checked_sub(1);
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
        let pick = |list: &[Entry], i: Option<u32>| i.and_then(|i| list.get(i as usize).copied());
        let func = pick(&self.funcs, cover.func);
        let previous_func = pick(&self.funcs, cover.previous_func);
        let public = pick(&self.publics, cover.public);
        let cfi = pick(&self.cfi, cover.cfi);
        let wins: Vec<Entry> = cover
            .wins
            .iter()
            .filter_map(|&i| self.win.get(i as usize).copied())
            .collect();

        let text = |offset: u64, len: u32| -> &[u8] {
            let start = (offset as usize).min(sym.len());
            &sym[start..(start + len as usize).min(sym.len())]
        };
        let mut out = Vec::with_capacity(4096);
        let mut push = |bytes: &[u8]| {
            out.extend_from_slice(bytes);
            out.push(b'\n');
        };
        if let Some((offset, len)) = self.module {
            push(text(offset, len));
        }
        if let Some(f) = func {
            // Only the line and INLINE records covering the address: what a lookup there reads, at a fraction
            // of the parsing (a large function has thousands of line records).
            let (block, files, origins) = prune_block(text(f.offset, f.len), address);
            for id in files {
                if let Some(n) = find(&self.files, id) {
                    push(text(n.offset, n.len));
                }
            }
            for id in origins {
                if let Some(n) = find(&self.origins, id) {
                    push(text(n.offset, n.len));
                }
            }
            push(&block);
        }
        if let Some(f) = previous_func {
            let block = text(f.offset, f.len);
            push(block.split(|&b| b == b'\n').next().unwrap_or(block));
        }
        if let Some(p) = public {
            push(text(p.offset, p.len));
        }
        if let Some(c) = cfi {
            push(text(c.offset, c.len));
        }
        for w in wins {
            push(text(w.offset, w.len));
        }
        out
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(64 + 32 * (self.funcs.len() + self.cfi.len() + self.publics.len()));
        out.extend_from_slice(MAGIC);
        let (module_offset, module_len) = self.module.map_or((u64::MAX, 0), |m| m);
        for v in [self.sym_len, module_offset] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for n in [
            module_len,
            self.funcs.len() as u32,
            self.publics.len() as u32,
            self.cfi.len() as u32,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for n in [
            self.win.len() as u32,
            self.files.len() as u32,
            self.origins.len() as u32,
            u32::from(self.legacy_inline),
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
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

    /// Reads an index written by `to_bytes`; `None` for anything else (a stale format, a torn file).
    pub fn from_bytes(bytes: &[u8], sym_len: u64) -> Option<SymIndex> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return None;
        }
        let (len, module_offset) = (r.u64()?, r.u64()?);
        let (module_len, n_funcs, n_publics, n_cfi) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
        let (n_win, n_files, n_origins, legacy) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
        if len != sym_len {
            return None;
        }
        let entries = |r: &mut Reader, n: u32| -> Option<Vec<Entry>> {
            (0..n)
                .map(|_| {
                    Some(Entry {
                        address: r.u64()?,
                        size: r.u64()?,
                        offset: r.u64()?,
                        len: r.u32()?,
                        kind: r.u32()?,
                    })
                })
                .collect()
        };
        let named = |r: &mut Reader, n: u32| -> Option<Vec<Named>> {
            (0..n)
                .map(|_| {
                    Some(Named {
                        id: r.u32()?,
                        len: r.u32()?,
                        offset: r.u64()?,
                    })
                })
                .collect()
        };
        let ix = SymIndex {
            sym_len,
            module: (module_offset != u64::MAX).then_some((module_offset, module_len)),
            funcs: entries(&mut r, n_funcs)?,
            publics: entries(&mut r, n_publics)?,
            cfi: entries(&mut r, n_cfi)?,
            legacy_inline: legacy != 0,
            win: entries(&mut r, n_win)?,
            files: named(&mut r, n_files)?,
            origins: named(&mut r, n_origins)?,
        };
        (r.at == bytes.len()).then_some(ix)
    }
}

fn find(list: &[Named], id: u32) -> Option<Named> {
    list.binary_search_by_key(&id, |n| n.id)
        .ok()
        .map(|i| list[i])
}

/// A FUNC block cut down to its header and the line and INLINE records whose ranges cover `address`, with
/// the FILE and INLINE_ORIGIN ids those use.
fn prune_block(block: &[u8], address: u64) -> (Vec<u8>, Vec<u32>, Vec<u32>) {
    let (mut files, mut origins) = (Vec::new(), Vec::new());
    let mut lines = block.split(|&b| b == b'\n');
    let mut out = lines.next().unwrap_or_default().to_vec();
    let covers = |start: Option<u64>, size: Option<u64>| match (start, size) {
        (Some(start), Some(size)) => address >= start && address - start < size,
        _ => false,
    };
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut t = line.split(|&b| b == b' ').filter(|t| !t.is_empty());
        let keep = if line.starts_with(b"INLINE ") {
            // INLINE <depth> <call line> <call file> <origin> [<address> <size>]...
            let mut t = t.skip(3);
            let (file, origin) = (dec(t.next()), dec(t.next()));
            let mut hit = false;
            while let (Some(a), Some(b)) = (t.next(), t.next()) {
                hit |= covers(hex(Some(a)), hex(Some(b)));
            }
            if hit {
                files.extend(file);
                origins.extend(origin);
            }
            hit
        } else {
            // <address> <size> <line> <file>
            let hit = covers(hex(t.next()), hex(t.next()));
            if hit {
                files.extend(dec(t.nth(1)));
            }
            hit
        };
        if keep {
            out.push(b'\n');
            out.extend_from_slice(line);
        }
    }
    files.sort_unstable();
    files.dedup();
    origins.sort_unstable();
    origins.dedup();
    (out, files, origins)
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let range: Range<usize> = self.at..self.at.checked_add(n)?;
        let out = self.bytes.get(range)?;
        self.at += n;
        Some(out)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
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
        let ix = SymIndex::build(SYM);
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
    }
}

//! Building the index: one scan of a `.sym`, each record's address range and where its text lies.

use super::*;

pub(super) fn hex(token: Option<&[u8]>) -> Option<u64> {
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

pub(super) fn dec(token: Option<&[u8]>) -> Option<u32> {
    std::str::from_utf8(token?).ok()?.parse().ok()
}

/// Splits off a leading `m ` (multiple) marker some FUNC and PUBLIC records carry.
pub(super) fn fields(rest: &[u8]) -> impl Iterator<Item = &[u8]> {
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
            // Every record is found again by where its line lies.
            let entry = |address, size, kind| Entry {
                address,
                size,
                offset: span.0,
                len: span.1,
                kind,
            };
            let named = |id| Named {
                id,
                len: span.1,
                offset: span.0,
            };
            let extend = |list: &mut Vec<Entry>, i: usize| {
                let e = &mut list[i];
                e.len = (end as u64 - e.offset) as u32;
            };
            // Keywords first: FILE and FUNC begin with a hex digit too, so a line record is what is left.
            if let Some(rest) = line.strip_prefix(b"STACK CFI INIT ") {
                let mut f = fields(rest);
                open = hex(f.next()).zip(hex(f.next())).map(|(address, size)| {
                    ix.cfi.push(entry(address, size, 0));
                    (false, ix.cfi.len() - 1)
                });
            } else if line.starts_with(b"STACK CFI ") {
                if let Some((false, i)) = open {
                    extend(&mut ix.cfi, i);
                }
            } else if let Some(rest) = line.strip_prefix(b"FUNC ") {
                let mut f = fields(rest);
                open = hex(f.next()).zip(hex(f.next())).map(|(address, size)| {
                    ix.funcs.push(entry(address, size, 0));
                    (true, ix.funcs.len() - 1)
                });
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
                    ix.publics.push(entry(address, 0, 0));
                }
            } else if let Some(rest) = line.strip_prefix(b"STACK WIN ") {
                open = None;
                let mut f = fields(rest);
                if let (Some(kind), Some(address), Some(size)) =
                    (hex(f.next()), hex(f.next()), hex(f.next()))
                {
                    ix.win.push(entry(address, size, kind as u32));
                }
            } else if let Some(rest) = line.strip_prefix(b"FILE ") {
                open = None;
                if let Some(id) = dec(fields(rest).next()) {
                    ix.files.push(named(id));
                }
            } else if let Some(rest) = line.strip_prefix(b"INLINE_ORIGIN ") {
                open = None;
                if let Some(id) = dec(fields(rest).next()) {
                    ix.origins.push(named(id));
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
}

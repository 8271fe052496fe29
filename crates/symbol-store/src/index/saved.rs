//! The saved form: the index encoded for the cache, and decoded (checked) from it.

use super::*;

impl SymIndex {
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
pub(super) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

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

mod build;
mod excerpt;
mod saved;
mod view;

use build::*;
use excerpt::*;
use saved::*;
pub use view::IndexView;
use view::*;

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
#[cfg(test)]
mod tests;

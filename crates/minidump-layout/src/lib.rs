//! The one place where minidump structures are decoded from bytes: the header, the stream directory, list
//! streams, threads, modules, memory descriptors, system info, the exception stream and Crashpad's info
//! structures, all read as minidump-common's structs with scroll's `Pread` in the dump's byte order.
//!
//! Three readers build on it, each with its own policy for damage:
//! - the structural check (`minidump-report`'s `complete/`): both byte orders, chunked reads of a file that may
//!   still be written;
//! - the Crashpad info reader (`minidump-report`'s `crashpad.rs`): soft errors, a damaged module costs only
//!   that module;
//! - memory stripping (`strip`, here): the stream and memory ranges (`ranges`) of a little-endian dump, then a
//!   rewrite that keeps only thread stacks.
//!
//! Every read here is bounds-checked and returns `None` (or an error) rather than panicking: the bytes are
//! untrusted.

mod error;
mod ranges;
mod strip;

pub use error::LayoutError;
pub use minidump_common::format;
pub use scroll::Endian;
pub use strip::{strip_bytes, Source, StripPlan, Stripped};

use format::MINIDUMP_SIGNATURE;
use scroll::{ctx::TryFromCtx, Pread};

/// Sizes of the fixed structures, as minidump-common lays them out (a test checks them against its
/// `SizeWith`): constants, so that the callers' bounds checks read as arithmetic.
pub mod size {
    pub const HEADER: u64 = 32;
    pub const DIRECTORY_ENTRY: u64 = 12;
    pub const THREAD: u64 = 48;
    pub const MODULE: u64 = 108;
    pub const MEMORY_DESCRIPTOR: u64 = 16;
    pub const SYSTEM_INFO: u64 = 56;
    pub const EXCEPTION_STREAM: u64 = 168;
    /// `MINIDUMP_MEMORY64_LIST`'s head: a u64 count and the u64 file offset of the first region's bytes.
    pub const MEMORY64_HEAD: u64 = 16;
    pub const CRASHPAD_INFO: u64 = 52;
    /// A Crashpad module record before annotation objects were added (version + two location descriptors).
    pub const MODULE_CRASHPAD_INFO_V1: u64 = 20;
    pub const MODULE_CRASHPAD_INFO: u64 = 28;
    pub const MODULE_CRASHPAD_INFO_LINK: u64 = 12;
    pub const SIMPLE_STRING_DICTIONARY_ENTRY: u64 = 8;
    pub const ANNOTATION: u64 = 12;
    pub const RVA: u64 = 4;
}

/// A structure scroll reads in a given byte order: minidump-common's structs and the integers.
pub trait Structure<'a>: TryFromCtx<'a, Endian, Error = scroll::Error> {}
impl<'a, T: TryFromCtx<'a, Endian, Error = scroll::Error>> Structure<'a> for T {}

/// The structure `T` at `offset` in `bytes`, in byte order `endian`; `None` when it does not fit.
pub fn read<'a, T: Structure<'a>>(bytes: &'a [u8], offset: u64, endian: Endian) -> Option<T> {
    bytes.pread_with(usize::try_from(offset).ok()?, endian).ok()
}

/// What the first bytes of an input say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// `MDMP` in the given byte order.
    Minidump(Endian),
    /// Fewer than 4 bytes, all of them the start of a signature (in either byte order).
    Prefix,
    /// Not a minidump.
    Other,
}

/// Reads the signature from the first (up to 4) bytes of an input.
pub fn signature(head: &[u8]) -> Signature {
    let head = &head[..head.len().min(4)];
    let (le, be) = (
        MINIDUMP_SIGNATURE.to_le_bytes(),
        MINIDUMP_SIGNATURE.to_be_bytes(),
    );
    match head {
        h if h == le => Signature::Minidump(Endian::Little),
        h if h == be => Signature::Minidump(Endian::Big),
        h if le.starts_with(h) || be.starts_with(h) => Signature::Prefix,
        _ => Signature::Other,
    }
}

/// Where a list stream's entries start, relative to the stream: after its u32 count, or after 4 bytes of
/// padding that some writers put there (rust-minidump accepts both; the stream's `size` tells which). `None`
/// when `count` entries of `entry` bytes do not fit `size` that way.
pub fn list_entries(size: u64, count: u64, entry: u64) -> Option<u64> {
    match size.checked_sub(count.checked_mul(entry)?) {
        Some(4) => Some(4),
        Some(8) => Some(8),
        _ => None,
    }
}

/// A little-endian dump held whole in memory, for readers that follow RVAs across it (Crashpad writes them
/// relative to the file start).
#[derive(Clone, Copy)]
pub struct Dump<'a> {
    pub bytes: &'a [u8],
}

impl<'a> Dump<'a> {
    /// The structure `T` at file offset `offset`.
    pub fn at<T: Structure<'a>>(&self, offset: u64) -> Option<T> {
        read(self.bytes, offset, Endian::Little)
    }

    /// The bytes a location descriptor points at, or `None` when they lie outside the dump.
    pub fn range(&self, loc: format::MINIDUMP_LOCATION_DESCRIPTOR) -> Option<&'a [u8]> {
        let start = loc.rva as usize;
        self.bytes
            .get(start..start.checked_add(loc.data_size as usize)?)
    }

    /// A `MinidumpByteArray` / `MinidumpUTF8String` at `rva`: a u32 length, then that many bytes.
    pub fn sized(&self, rva: u32) -> Option<&'a [u8]> {
        let len = self.at::<u32>(rva.into())? as usize;
        let start = (rva as usize).checked_add(4)?;
        self.bytes.get(start..start.checked_add(len)?)
    }

    /// A Crashpad module record of `loc.data_size` bytes: the 28-byte layout, or the 20-byte one written
    /// before annotation objects existed (`annotation_objects` then empty). `None` when it lies outside the
    /// dump or is shorter than either.
    pub fn module_crashpad_info(
        &self,
        loc: format::MINIDUMP_LOCATION_DESCRIPTOR,
    ) -> Option<format::MINIDUMP_MODULE_CRASHPAD_INFO> {
        let record = self.range(loc)?;
        if record.len() as u64 >= size::MODULE_CRASHPAD_INFO {
            return read(record, 0, Endian::Little);
        }
        if (record.len() as u64) < size::MODULE_CRASHPAD_INFO_V1 {
            return None;
        }
        Some(format::MINIDUMP_MODULE_CRASHPAD_INFO {
            version: read(record, 0, Endian::Little)?,
            list_annotations: read(record, 4, Endian::Little)?,
            simple_annotations: read(record, 12, Endian::Little)?,
            annotation_objects: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use format::*;
    use scroll::ctx::SizeWith;

    #[test]
    fn sizes_are_minidump_commons() {
        let le = Endian::Little;
        let sizes = [
            (size::HEADER, MINIDUMP_HEADER::size_with(&le)),
            (size::DIRECTORY_ENTRY, MINIDUMP_DIRECTORY::size_with(&le)),
            (size::THREAD, MINIDUMP_THREAD::size_with(&le)),
            (size::MODULE, MINIDUMP_MODULE::size_with(&le)),
            (
                size::MEMORY_DESCRIPTOR,
                MINIDUMP_MEMORY_DESCRIPTOR::size_with(&le),
            ),
            (
                size::MEMORY_DESCRIPTOR,
                MINIDUMP_MEMORY_DESCRIPTOR64::size_with(&le),
            ),
            (size::SYSTEM_INFO, MINIDUMP_SYSTEM_INFO::size_with(&le)),
            (
                size::EXCEPTION_STREAM,
                MINIDUMP_EXCEPTION_STREAM::size_with(&le),
            ),
            (size::CRASHPAD_INFO, MINIDUMP_CRASHPAD_INFO::size_with(&le)),
            (
                size::MODULE_CRASHPAD_INFO,
                MINIDUMP_MODULE_CRASHPAD_INFO::size_with(&le),
            ),
            (
                size::MODULE_CRASHPAD_INFO_LINK,
                MINIDUMP_MODULE_CRASHPAD_INFO_LINK::size_with(&le),
            ),
            (
                size::SIMPLE_STRING_DICTIONARY_ENTRY,
                MINIDUMP_SIMPLE_STRING_DICTIONARY_ENTRY::size_with(&le),
            ),
            (size::ANNOTATION, MINIDUMP_ANNOTATION::size_with(&le)),
        ];
        for (i, (ours, theirs)) in sizes.into_iter().enumerate() {
            assert_eq!(ours, theirs as u64, "size {i}");
        }
    }

    #[test]
    fn lists_may_have_four_bytes_of_padding_after_the_count() {
        assert_eq!(list_entries(4 + 2 * 16, 2, 16), Some(4));
        assert_eq!(list_entries(8 + 2 * 16, 2, 16), Some(8));
        assert_eq!(list_entries(4, 2, 16), None);
        assert_eq!(list_entries(100, u64::MAX, 48), None);
    }

    #[test]
    fn signatures_in_either_byte_order_and_their_prefixes() {
        assert_eq!(
            signature(b"MDMP\x93\xa7"),
            Signature::Minidump(Endian::Little)
        );
        assert_eq!(signature(b"PMDM"), Signature::Minidump(Endian::Big));
        assert_eq!(signature(b"MD"), Signature::Prefix);
        assert_eq!(signature(b"PM"), Signature::Prefix);
        assert_eq!(signature(b""), Signature::Prefix);
        assert_eq!(signature(b"MZ\x90\0"), Signature::Other);
    }

    #[test]
    fn big_endian_fields_read_in_their_order() {
        let bytes = [0, 0, 0, 8, 0, 0, 0x01, 0x00];
        let loc: MINIDUMP_LOCATION_DESCRIPTOR = read(&bytes, 0, Endian::Big).unwrap();
        assert_eq!((loc.data_size, loc.rva), (8, 0x100));
        assert!(read::<MINIDUMP_LOCATION_DESCRIPTOR>(&bytes, 1, Endian::Big).is_none());
        assert!(read::<u32>(&bytes, u64::MAX, Endian::Big).is_none());
    }

    #[test]
    fn sized_bytes_and_ranges_stay_inside_the_dump() {
        let dump = Dump {
            bytes: b"\x03\0\0\0abc\xff\xff\xff\xff",
        };
        assert_eq!(dump.sized(0), Some(&b"abc"[..]));
        assert_eq!(dump.sized(7), None);
        assert_eq!(dump.sized(u32::MAX), None);
        let loc = |data_size, rva| MINIDUMP_LOCATION_DESCRIPTOR { data_size, rva };
        assert_eq!(dump.range(loc(3, 4)), Some(&b"abc"[..]));
        assert_eq!(dump.range(loc(8, 4)), None);
    }
}

//! Crashpad's info stream, read by hand rather than through `minidump::MinidumpCrashpadInfo`.
//!
//! Why our own reader: the `minidump` crate reads every module link as the current 28-byte layout and gives
//! up on the whole stream when any one module fails. Crashpad before annotation objects wrote a 20-byte
//! module record (the link's `data_size` says so), and a damaged module should cost only that module.
//! Here each link is read within its own `data_size`, and a bad module becomes a warning.

use crate::report::{AnnotationObject, Crashpad, ModuleAnnotations, Warning};
use std::collections::BTreeMap;

/// Crashpad's annotation type for a string value.
const ANNOTATION_TYPE_STRING: u16 = 1;
/// Size of a module record before annotation objects were added (version + two location descriptors).
const MODULE_INFO_V1_SIZE: u32 = 20;
/// Size of a module record with annotation objects.
const MODULE_INFO_SIZE: u32 = 28;
/// No honest module has more annotations than this; a larger count is damage, not data.
const MAX_ENTRIES: u32 = 65_536;

/// Little-endian reader over the whole dump: Crashpad writes RVAs relative to the file start.
struct Bytes<'a> {
    all: &'a [u8],
}

#[derive(Clone, Copy)]
struct Location {
    data_size: u32,
    rva: u32,
}

impl<'a> Bytes<'a> {
    fn u32_at(&self, offset: usize) -> Option<u32> {
        let b = self.all.get(offset..offset.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u16_at(&self, offset: usize) -> Option<u16> {
        let b = self.all.get(offset..offset.checked_add(2)?)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    fn location_at(&self, offset: usize) -> Option<Location> {
        Some(Location {
            data_size: self.u32_at(offset)?,
            rva: self.u32_at(offset + 4)?,
        })
    }

    /// The bytes a location descriptor points at, or `None` when they lie outside the dump.
    fn slice(&self, loc: Location) -> Option<&'a [u8]> {
        let start = loc.rva as usize;
        self.all
            .get(start..start.checked_add(loc.data_size as usize)?)
    }

    /// A `MinidumpByteArray` / `MinidumpUTF8String`: a u32 length, then that many bytes.
    fn sized_bytes_at(&self, rva: u32) -> Option<&'a [u8]> {
        let start = rva as usize;
        let len = self.u32_at(start)? as usize;
        self.all.get(start + 4..(start + 4).checked_add(len)?)
    }

    fn string_at(&self, rva: u32) -> Option<String> {
        let raw = self.sized_bytes_at(rva)?;
        Some(text(raw))
    }

    /// A counted array inside `loc`: returns the count after checking `count * entry_size` fits.
    fn counted(&self, loc: Location, entry_size: usize) -> Result<(usize, usize), String> {
        if loc.data_size == 0 {
            return Ok((0, 0));
        }
        let base = loc.rva as usize;
        let count = self.u32_at(base).ok_or("count outside the dump")?;
        if count > MAX_ENTRIES {
            return Err(format!("implausible count {count}"));
        }
        let needed = 4 + count as usize * entry_size;
        if needed > loc.data_size as usize || self.all.len() < base.saturating_add(needed) {
            return Err(format!(
                "{count} entries do not fit in {} bytes",
                loc.data_size
            ));
        }
        Ok((count as usize, base + 4))
    }
}

/// Bytes of an untrusted string: lossy UTF-8, trailing NULs dropped.
fn text(raw: &[u8]) -> String {
    let end = raw.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

fn guid(b: &[u8]) -> String {
    let d1 = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let d2 = u16::from_le_bytes([b[4], b[5]]);
    let d3 = u16::from_le_bytes([b[6], b[7]]);
    format!(
        "{d1:08X}-{d2:04X}-{d3:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
        b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
    )
}

fn simple_dictionary(bytes: &Bytes, loc: Location) -> Result<BTreeMap<String, String>, String> {
    let (count, first) = bytes.counted(loc, 8)?;
    let mut map = BTreeMap::new();
    for i in 0..count {
        let entry = first + i * 8;
        let key = bytes.u32_at(entry).and_then(|rva| bytes.string_at(rva));
        let value = bytes.u32_at(entry + 4).and_then(|rva| bytes.string_at(rva));
        match (key, value) {
            (Some(k), Some(v)) => {
                map.insert(k, v);
            }
            _ => return Err(format!("entry {i} points outside the dump")),
        }
    }
    Ok(map)
}

fn string_list(bytes: &Bytes, loc: Location) -> Result<Vec<String>, String> {
    let (count, first) = bytes.counted(loc, 4)?;
    (0..count)
        .map(|i| {
            bytes
                .u32_at(first + i * 4)
                .and_then(|rva| bytes.string_at(rva))
                .ok_or_else(|| format!("list entry {i} points outside the dump"))
        })
        .collect()
}

fn annotation_objects(bytes: &Bytes, loc: Location) -> Result<Vec<AnnotationObject>, String> {
    let (count, first) = bytes.counted(loc, 12)?;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let entry = first + i * 12;
        let read = || -> Option<AnnotationObject> {
            let name = bytes.string_at(bytes.u32_at(entry)?)?;
            let ty = bytes.u16_at(entry + 4)?;
            let raw = bytes.sized_bytes_at(bytes.u32_at(entry + 8)?)?;
            let value = if ty == ANNOTATION_TYPE_STRING {
                text(raw)
            } else {
                crate::hex::bytes(raw)
            };
            Some(AnnotationObject { name, ty, value })
        };
        out.push(read().ok_or_else(|| format!("annotation object {i} points outside the dump"))?);
    }
    Ok(out)
}

/// One module's annotations, read only within the `data_size` its link declares.
fn module_annotations(
    bytes: &Bytes,
    index: u32,
    loc: Location,
) -> Result<ModuleAnnotations, String> {
    if loc.data_size < MODULE_INFO_V1_SIZE {
        return Err(format!(
            "module record of {} bytes is too short",
            loc.data_size
        ));
    }
    bytes
        .slice(loc)
        .ok_or("module record lies outside the dump")?;
    let base = loc.rva as usize;
    let list = bytes
        .location_at(base + 4)
        .ok_or("truncated module record")?;
    let simple = bytes
        .location_at(base + 12)
        .ok_or("truncated module record")?;
    let objects = if loc.data_size >= MODULE_INFO_SIZE {
        annotation_objects(
            bytes,
            bytes
                .location_at(base + 20)
                .ok_or("truncated module record")?,
        )?
    } else {
        Vec::new()
    };
    Ok(ModuleAnnotations {
        module_index: index,
        module: None,
        list_annotations: string_list(bytes, list)?,
        simple_annotations: simple_dictionary(bytes, simple)?,
        annotation_objects: objects,
    })
}

/// Reads the Crashpad info stream (`stream` is its bytes, `all` the whole dump).
/// Damage inside a module or the process-wide dictionary becomes a warning; only an unreadable
/// stream header makes the whole stream absent.
pub fn read(stream: &[u8], all: &[u8], warnings: &mut Vec<Warning>) -> Option<Crashpad> {
    // version u32, report id GUID, client id GUID, simple annotations LOC, module list LOC.
    if stream.len() < 52 {
        warnings.push(Warning::new(
            "crashpad_info_truncated",
            "the Crashpad info stream is shorter than its header",
        ));
        return None;
    }
    let bytes = Bytes { all };
    let header = Bytes { all: stream };
    let simple_loc = header.location_at(36)?;
    let modules_loc = header.location_at(44)?;

    let simple_annotations = simple_dictionary(&bytes, simple_loc).unwrap_or_else(|e| {
        warnings.push(Warning::new(
            "crashpad_annotations_unreadable",
            format!("process annotations: {e}"),
        ));
        BTreeMap::new()
    });

    let mut modules = Vec::new();
    match bytes.counted(modules_loc, 12) {
        Ok((count, first)) => {
            for i in 0..count {
                let link = first + i * 12;
                let (Some(index), Some(loc)) = (bytes.u32_at(link), bytes.location_at(link + 4))
                else {
                    break;
                };
                match module_annotations(&bytes, index, loc) {
                    Ok(m) => modules.push(m),
                    Err(e) => warnings.push(Warning::new(
                        "crashpad_module_unreadable",
                        format!("Crashpad annotations of module {index}: {e}"),
                    )),
                }
            }
        }
        Err(e) => warnings.push(Warning::new(
            "crashpad_module_list_unreadable",
            format!("Crashpad module list: {e}"),
        )),
    }

    Some(Crashpad {
        report_id: guid(&stream[4..20]),
        client_id: guid(&stream[20..36]),
        simple_annotations,
        modules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a tiny "dump": the stream header at 0, then strings and records appended.
    struct Writer(Vec<u8>);
    impl Writer {
        fn u32(&mut self, v: u32) -> usize {
            let at = self.0.len();
            self.0.extend_from_slice(&v.to_le_bytes());
            at
        }
        fn string(&mut self, s: &str) -> u32 {
            let at = self.u32(s.len() as u32 + 1);
            self.0.extend_from_slice(s.as_bytes());
            self.0.push(0);
            at as u32
        }
        fn patch(&mut self, at: usize, v: u32) {
            self.0[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
    }

    /// A stream with one module link whose record is `record_size` bytes long.
    fn dump_with_module_record(record_size: u32) -> Vec<u8> {
        let mut w = Writer(vec![0; 52]);
        w.patch(0, 1);
        let key = w.string("abort() called");
        let list = w.u32(1) as u32;
        w.u32(key);
        // Module record: version, list LOC, simple LOC (empty), objects LOC pointing at garbage.
        let record = w.u32(1) as u32;
        w.u32(8);
        w.u32(list);
        w.u32(0);
        w.u32(0);
        w.u32(0xffff);
        w.u32(0xffff_ff00);
        let links = w.u32(1) as u32;
        w.u32(16);
        w.u32(record_size);
        w.u32(record);
        w.patch(44, 16);
        w.patch(48, links);
        w.0
    }

    #[test]
    fn old_20_byte_module_records_are_read_without_annotation_objects() {
        let dump = dump_with_module_record(20);
        let mut warnings = vec![];
        let info = read(&dump[..52], &dump, &mut warnings).unwrap();
        assert_eq!(warnings, vec![]);
        assert_eq!(info.modules.len(), 1);
        assert_eq!(info.modules[0].module_index, 16);
        assert_eq!(
            info.modules[0].list_annotations,
            vec!["abort() called".to_string()]
        );
        assert!(info.modules[0].annotation_objects.is_empty());
    }

    #[test]
    fn a_damaged_module_costs_only_that_module() {
        // The same record read as the 28-byte layout reaches the bogus annotation-object location.
        let dump = dump_with_module_record(28);
        let mut warnings = vec![];
        let info = read(&dump[..52], &dump, &mut warnings).unwrap();
        assert!(info.modules.is_empty());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, "crashpad_module_unreadable");
    }

    #[test]
    fn guids_print_like_crashpad() {
        let b = [
            0x72, 0xDE, 0xF9, 0x42, 0x8A, 0x51, 0xDD, 0x43, 0x97, 0xD7, 0x8D, 0xDC, 0x32, 0x8D,
            0x36, 0x62,
        ];
        assert_eq!(guid(&b), "42F9DE72-518A-43DD-97D7-8DDC328D3662");
    }
}

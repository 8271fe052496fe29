//! Crashpad's info stream, read with our own reader (on minidump-common's structs, through
//! crates/minidump-layout) rather than through `minidump::MinidumpCrashpadInfo`.
//!
//! Why our own reader: the `minidump` crate reads every module link as the current 28-byte layout and gives
//! up on the whole stream when any one module fails. Crashpad before annotation objects wrote a 20-byte
//! module record (the link's `data_size` says so), and a damaged module should cost only that module.
//! Here each link is read within its own `data_size`, and a bad module becomes a warning.

use crate::report::{AnnotationObject, Crashpad, ModuleAnnotations, Warning};
use minidump_layout::format::{
    GUID, MINIDUMP_ANNOTATION, MINIDUMP_CRASHPAD_INFO, MINIDUMP_LOCATION_DESCRIPTOR as Location,
    MINIDUMP_MODULE_CRASHPAD_INFO_LINK, MINIDUMP_SIMPLE_STRING_DICTIONARY_ENTRY,
};
use minidump_layout::size::{
    ANNOTATION, CRASHPAD_INFO, MODULE_CRASHPAD_INFO, MODULE_CRASHPAD_INFO_LINK,
    MODULE_CRASHPAD_INFO_V1, RVA, SIMPLE_STRING_DICTIONARY_ENTRY,
};
use minidump_layout::Dump;
use std::collections::BTreeMap;

/// No honest module has more annotations than this; a larger count is damage, not data.
const MAX_ENTRIES: u32 = 65_536;

/// The whole dump, little-endian (Crashpad writes RVAs relative to the file start), with our soft reads.
struct Bytes<'a> {
    dump: Dump<'a>,
}

impl<'a> Bytes<'a> {
    fn string_at(&self, rva: u32) -> Option<String> {
        Some(text(self.dump.sized(rva)?))
    }

    /// A counted array inside `loc`: returns the count and the offset of the first entry, after checking
    /// that `count * entry_size` fits.
    fn counted(&self, loc: Location, entry_size: u64) -> Result<(u64, u64), String> {
        if loc.data_size == 0 {
            return Ok((0, 0));
        }
        let base = u64::from(loc.rva);
        let count = self.dump.at::<u32>(base).ok_or("count outside the dump")?;
        if count > MAX_ENTRIES {
            return Err(format!("implausible count {count}"));
        }
        let needed = 4 + u64::from(count) * entry_size;
        if needed > u64::from(loc.data_size) || (self.dump.bytes.len() as u64) < base + needed {
            return Err(format!(
                "{count} entries do not fit in {} bytes",
                loc.data_size
            ));
        }
        Ok((count.into(), base + 4))
    }
}

/// Bytes of an untrusted string: lossy UTF-8, trailing NULs dropped.
fn text(raw: &[u8]) -> String {
    let end = raw.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

/// A GUID as Crashpad prints it: upper case, its fields in their own byte order (minidump-common's
/// `Display` is lower case).
fn guid(g: &GUID) -> String {
    let b = g.data4;
    format!(
        "{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
        g.data1, g.data2, g.data3, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
    )
}

fn simple_dictionary(bytes: &Bytes, loc: Location) -> Result<BTreeMap<String, String>, String> {
    let (count, first) = bytes.counted(loc, SIMPLE_STRING_DICTIONARY_ENTRY)?;
    let mut map = BTreeMap::new();
    for i in 0..count {
        let entry = bytes.dump.at::<MINIDUMP_SIMPLE_STRING_DICTIONARY_ENTRY>(
            first + i * SIMPLE_STRING_DICTIONARY_ENTRY,
        );
        let key = entry.as_ref().and_then(|e| bytes.string_at(e.key));
        let value = entry.as_ref().and_then(|e| bytes.string_at(e.value));
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
    let (count, first) = bytes.counted(loc, RVA)?;
    (0..count)
        .map(|i| {
            bytes
                .dump
                .at::<u32>(first + i * RVA)
                .and_then(|rva| bytes.string_at(rva))
                .ok_or_else(|| format!("list entry {i} points outside the dump"))
        })
        .collect()
}

fn annotation_objects(bytes: &Bytes, loc: Location) -> Result<Vec<AnnotationObject>, String> {
    let (count, first) = bytes.counted(loc, ANNOTATION)?;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let read = || -> Option<AnnotationObject> {
            let entry: MINIDUMP_ANNOTATION = bytes.dump.at(first + i * ANNOTATION)?;
            let name = bytes.string_at(entry.name)?;
            let raw = bytes.dump.sized(entry.value)?;
            let value = if entry.ty == MINIDUMP_ANNOTATION::TYPE_STRING {
                text(raw)
            } else {
                crate::hex::bytes(raw)
            };
            Some(AnnotationObject {
                name,
                ty: entry.ty,
                value,
            })
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
    if u64::from(loc.data_size) < MODULE_CRASHPAD_INFO_V1 {
        return Err(format!(
            "module record of {} bytes is too short",
            loc.data_size
        ));
    }
    let record = bytes
        .dump
        .module_crashpad_info(loc)
        .ok_or("module record lies outside the dump")?;
    let objects = if u64::from(loc.data_size) >= MODULE_CRASHPAD_INFO {
        annotation_objects(bytes, record.annotation_objects)?
    } else {
        Vec::new()
    };
    Ok(ModuleAnnotations {
        module_index: index,
        module: None,
        list_annotations: string_list(bytes, record.list_annotations)?,
        simple_annotations: simple_dictionary(bytes, record.simple_annotations)?,
        annotation_objects: objects,
    })
}

/// Reads the Crashpad info stream (`stream` is its bytes, `all` the whole dump).
/// Damage inside a module or the process-wide dictionary becomes a warning; only an unreadable
/// stream header makes the whole stream absent.
pub fn read(stream: &[u8], all: &[u8], warnings: &mut Vec<Warning>) -> Option<Crashpad> {
    let header = (stream.len() as u64 >= CRASHPAD_INFO)
        .then(|| Dump { bytes: stream }.at::<MINIDUMP_CRASHPAD_INFO>(0))
        .flatten();
    let Some(header) = header else {
        warnings.push(Warning::new(
            "crashpad_info_truncated",
            "the Crashpad info stream is shorter than its header",
        ));
        return None;
    };
    let bytes = Bytes {
        dump: Dump { bytes: all },
    };
    let (simple_loc, modules_loc) = (header.simple_annotations, header.module_list);

    let simple_annotations = simple_dictionary(&bytes, simple_loc).unwrap_or_else(|e| {
        warnings.push(Warning::new(
            "crashpad_annotations_unreadable",
            format!("process annotations: {e}"),
        ));
        BTreeMap::new()
    });

    let mut modules = Vec::new();
    match bytes.counted(modules_loc, MODULE_CRASHPAD_INFO_LINK) {
        Ok((count, first)) => {
            for i in 0..count {
                let link = first + i * MODULE_CRASHPAD_INFO_LINK;
                let Some(link) = bytes.dump.at::<MINIDUMP_MODULE_CRASHPAD_INFO_LINK>(link) else {
                    break;
                };
                let (index, loc) = (link.minidump_module_list_index, link.location);
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
        report_id: guid(&header.report_id),
        client_id: guid(&header.client_id),
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
        let g: GUID = Dump { bytes: &b }.at(0).unwrap();
        assert_eq!(guid(&g), "42F9DE72-518A-43DD-97D7-8DDC328D3662");
    }
}

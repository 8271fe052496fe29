//! Module identities as text: code id, debug id and version.
//!
//! Why not `Module::code_identifier().to_string()` and friends: each goes through several `format!` calls
//! and allocations, and a macOS Electron dump lists 300 to 500 modules, which made identity formatting the
//! largest cost of a parse. These write the same text directly (the tests check them against the library
//! on every module of the corpus); unusual cases fall back to the library.

use crate::hex;
use minidump::system_info::Os;
use minidump::{CodeView, MinidumpModule, Module};
use minidump_common::format::{self as md, GUID};

/// Appends `GUID` as 32 hex digits in the field order Breakpad prints (data1, data2, data3, data4).
fn push_guid(out: &mut String, g: &GUID, digits: &[u8; 16]) {
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&g.data1.to_be_bytes());
    bytes[4..6].copy_from_slice(&g.data2.to_be_bytes());
    bytes[6..8].copy_from_slice(&g.data3.to_be_bytes());
    bytes[8..].copy_from_slice(&g.data4);
    hex::push_bytes(out, &bytes, digits);
}

/// The code identifier, lower-case hex, as `Module::code_identifier()` gives it.
pub fn code_id(m: &MinidumpModule, os: Os) -> Option<String> {
    match &m.codeview_info {
        Some(CodeView::Pdb70(raw)) if matches!(os, Os::MacOs | Os::Ios) => {
            let mut s = String::with_capacity(32);
            push_guid(&mut s, &raw.signature, hex::LOWER);
            Some(s)
        }
        Some(CodeView::Pdb20(_)) | Some(CodeView::Pdb70(_)) => {
            // `{:08x}{:x}`: the time stamp padded to eight digits, then the image size unpadded.
            let mut s = String::with_capacity(16);
            let stamp = m.raw.time_date_stamp.to_be_bytes();
            hex::push_bytes(&mut s, &stamp, hex::LOWER);
            hex::push_hex(&mut s, u64::from(m.raw.size_of_image), hex::LOWER);
            Some(s)
        }
        Some(CodeView::Elf(raw)) if raw.build_id.iter().all(|&b| b == 0) => None,
        Some(CodeView::Elf(raw)) => Some(hex::bytes(&raw.build_id)),
        _ => m.code_identifier().map(|id| id.to_string()),
    }
}

/// The Breakpad debug identifier (33 or more upper-case hex digits), as `debug_identifier().breakpad()`.
pub fn debug_id(m: &MinidumpModule) -> Option<String> {
    match &m.codeview_info {
        Some(CodeView::Pdb70(raw)) => {
            let mut s = String::with_capacity(40);
            push_guid(&mut s, &raw.signature, hex::UPPER);
            hex::push_hex(&mut s, u64::from(raw.age), hex::UPPER);
            Some(s)
        }
        _ => m.debug_identifier().map(|id| id.breakpad().to_string()),
    }
}

/// The file version (`a.b.c.d`), as `Module::version()` gives it.
pub fn version(m: &MinidumpModule, os: Os) -> Option<String> {
    let v = &m.raw.version_info;
    if v.signature != md::VS_FFI_SIGNATURE || v.struct_version != md::VS_FFI_STRUCVERSION {
        return None;
    }
    // Windows and Apple pack four 16-bit parts into two words; Linux writers store four whole words.
    let parts = if matches!(os, Os::MacOs | Os::Ios | Os::Windows) {
        [
            v.file_version_hi >> 16,
            v.file_version_hi & 0xffff,
            v.file_version_lo >> 16,
            v.file_version_lo & 0xffff,
        ]
    } else {
        [
            v.file_version_hi,
            v.file_version_lo,
            v.product_version_hi,
            v.product_version_lo,
        ]
    };
    let mut out = String::with_capacity(16);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_decimal(&mut out, *part);
    }
    Some(out)
}

fn push_decimal(out: &mut String, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidump::{Minidump, MinidumpModuleList, MinidumpSystemInfo};
    use std::path::Path;

    #[test]
    fn same_text_as_the_library_for_every_corpus_module() {
        let dumps = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dumps");
        let Ok(sources) = std::fs::read_dir(&dumps) else {
            eprintln!("skipped: ../shared/corpus not found");
            return;
        };
        let mut checked = 0;
        for source in sources.flatten() {
            for file in std::fs::read_dir(source.path()).unwrap().flatten() {
                let Ok(dump) = Minidump::read_path(file.path()) else {
                    continue;
                };
                let (Ok(modules), Ok(sys)) = (
                    dump.get_stream::<MinidumpModuleList>(),
                    dump.get_stream::<MinidumpSystemInfo>(),
                ) else {
                    continue;
                };
                for m in modules.iter() {
                    let name = m.code_file();
                    assert_eq!(
                        code_id(m, sys.os),
                        m.code_identifier().map(|c| c.to_string()),
                        "{name}"
                    );
                    assert_eq!(
                        debug_id(m),
                        m.debug_identifier().map(|d| d.breakpad().to_string()),
                        "{name}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "only {checked} modules checked");
    }
}

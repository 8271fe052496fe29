//! Our Crashpad info reader (crates/minidump-report/src/crashpad.rs), fed two ways: the input as a stream
//! whose RVAs point into the input itself (the stream header at offset 0), and, when the input is a dump
//! with a Crashpad info stream, that stream as the report builder finds it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minidump::format::MINIDUMP_STREAM_TYPE;
use minidump_report::fuzzing::crashpad_info;

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    let _ = crashpad_info(data, data, &mut warnings);
    if let Ok(dump) = minidump::Minidump::read(data) {
        if let Ok(stream) = dump.get_raw_stream(MINIDUMP_STREAM_TYPE::CrashpadInfoStream as u32) {
            warnings.clear();
            if let Some(info) = crashpad_info(stream, data, &mut warnings) {
                serde_json::to_vec(&info).expect("Crashpad info serialises");
            }
        }
    }
});

//! Everything `parseMinidump` does with bytes: the report (crashing thread only, then every thread walked)
//! and its JSON. Any panic aborts here (libfuzzer-sys' panic hook), even one `guarded` would have caught.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minidump_report::{parse_bytes, CancelToken, Options, ReportError};

fuzz_target!(|data: &[u8]| {
    let cancel = CancelToken::default();
    for all_threads in [false, true] {
        let options = Options {
            all_threads,
            ..Options::default()
        };
        match parse_bytes(data, &options, &cancel) {
            Ok(report) => {
                serde_json::to_vec(&report).expect("a report serialises");
            }
            Err(ReportError::Invalid(_) | ReportError::NotAMinidump) => {}
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
});

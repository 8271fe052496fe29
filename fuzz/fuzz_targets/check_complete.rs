//! The structural completeness check (crates/minidump-report/src/complete/), and what it promises about
//! the parser: "complete" means the report builder gets a report; "not a minidump" means it says so too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minidump_report::{check_bytes, parse_bytes, CancelToken, Incomplete, Options, ReportError};

fuzz_target!(|data: &[u8]| {
    let check = check_bytes(data).expect("the check only fails on a panic");
    assert_eq!(check.size, data.len() as u64);
    let parsed = || parse_bytes(data, &Options::default(), &CancelToken::default());
    match check.problem {
        None => {
            if let Err(e) = parsed() {
                panic!("complete, yet the parser says {e:?}");
            }
        }
        Some((Incomplete::NotAMinidump, _)) => {
            assert_eq!(parsed().err(), Some(ReportError::NotAMinidump));
        }
        Some((_, reason)) => assert!(!reason.is_empty()),
    }
});

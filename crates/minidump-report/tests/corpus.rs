//! The core against real minidumps from public projects (`../shared/corpus`), through its public API.
//! Whole reports are snapshotted (insta), so any change to what a report says shows up in review.

use minidump_report::{parse_bytes, parse_path, CancelToken, Options, ReportError};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if dir.join("MANIFEST.md").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus not found beside the repository");
        None
    }
}

fn parse(name: &str, symbols: bool) -> Option<Result<minidump_report::Report, ReportError>> {
    let corpus = corpus()?;
    let options = Options {
        symbol_paths: if symbols {
            vec![corpus.join("symbols")]
        } else {
            vec![]
        },
        ..Options::default()
    };
    Some(parse_path(
        &corpus.join("dumps").join(name),
        &options,
        &CancelToken::default(),
    ))
}

#[test]
fn whole_reports_with_and_without_symbols() {
    for (dump, symbols, snapshot) in [
        ("symbolicator/windows.dmp", true, "symbolicator-windows"),
        (
            "rust-minidump/linux-mini.dmp",
            false,
            "rust-minidump-linux-mini",
        ),
    ] {
        let Some(report) = parse(dump, symbols) else {
            return;
        };
        insta::assert_json_snapshot!(snapshot, report.unwrap());
    }
}

#[test]
fn crashpad_annotations_and_thread_names() {
    let Some(report) = parse("breakpad/minidump_crashpad_annotation.dmp", false) else {
        return;
    };
    let report = report.unwrap();
    let crashpad = report.crashpad.as_ref().unwrap();
    assert_eq!(
        crashpad.simple_annotations.get("plat").map(String::as_str),
        Some("iOS")
    );
    let objects = &crashpad.modules[0].annotation_objects;
    let names: Vec<&str> = objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "exceptionReason",
            "exceptionName",
            "firstexception_bt",
            "firstexception",
            "CounterAnnotation"
        ]
    );
    let counter = objects
        .iter()
        .find(|o| o.name == "CounterAnnotation")
        .unwrap();
    assert_eq!(
        (counter.ty, counter.value.len()),
        (32810, 8),
        "4 bytes as hex"
    );
    insta::assert_json_snapshot!("crashpad-ios-crashpad", crashpad);
}

#[test]
fn assertion_text() {
    let Some(report) = parse("rust-minidump/invalid-parameter.dmp", false) else {
        return;
    };
    let crash = report.unwrap().crash.unwrap();
    assert_eq!(crash.assertion.as_deref(), Some("format != nullptr in common_vfprintf at minkernel\\crts\\ucrt\\src\\appcrt\\stdio\\output.cpp:32"));
}

#[test]
fn fuzzer_made_dumps_are_typed_errors() {
    for name in [
        "rust-minidump/invalid-range.dmp",
        "rust-minidump/invalid-record-count.dmp",
    ] {
        let Some(result) = parse(name, false) else {
            return;
        };
        assert_eq!(result.unwrap_err().code(), "ERR_INVALID_MINIDUMP", "{name}");
    }
}

#[test]
fn every_truncation_of_a_real_dump_is_a_report_or_a_typed_error() {
    let Some(corpus) = corpus() else { return };
    let bytes = std::fs::read(corpus.join("dumps/rust-minidump/simple-crashpad.dmp")).unwrap();
    let options = Options::default();
    let step = (bytes.len() / 200).max(1);
    for len in (0..bytes.len()).step_by(step) {
        match parse_bytes(&bytes[..len], &options, &CancelToken::default()) {
            Ok(_) | Err(ReportError::Invalid(_)) => {}
            Err(other) => panic!("truncated at {len}: unexpected {other:?}"),
        }
    }
}

#[test]
fn a_cancelled_token_stops_the_parse() {
    let Some(corpus) = corpus() else { return };
    let cancel = CancelToken::default();
    cancel.cancel();
    let result = parse_path(
        &corpus.join("dumps/rust-minidump/test.dmp"),
        &Options::default(),
        &cancel,
    );
    assert_eq!(result.unwrap_err(), ReportError::Aborted);
}

#[test]
fn a_report_parsed_without_symbols_gains_names_later() {
    let Some(corpus) = corpus() else { return };
    let dump = corpus.join("dumps/symbolicator/windows.dmp");
    let bare = parse_path(&dump, &Options::default(), &CancelToken::default()).unwrap();
    assert_eq!(
        bare.crashing_thread.as_ref().unwrap().frames[0].function,
        None
    );
    let json = serde_json::to_string(&bare).unwrap();
    let options = Options {
        symbol_paths: vec![corpus.join("symbols")],
        ..Options::default()
    };
    let named: serde_json::Value =
        serde_json::from_str(&minidump_report::symbolicate_report(&json, &options).unwrap())
            .unwrap();
    let frame0 = &named["crashingThread"]["frames"][0];
    assert_eq!(frame0["function"], "main");
    assert_eq!(frame0["line"], 35);
    assert!(frame0["file"].as_str().unwrap().ends_with("main.cpp"));
    assert_eq!(
        frame0["instruction"],
        serde_json::json!(bare.crashing_thread.unwrap().frames[0].instruction)
    );
    let crash_exe = named["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["codeFile"].as_str().unwrap().ends_with("crash.exe"));
    assert_eq!(crash_exe.unwrap()["symbolsLoaded"], true);
    // Threads that were not walked stay `null`, not objects.
    assert!(named["threads"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["frames"].is_null()));
    assert!(minidump_report::symbolicate_report("{not json", &options).is_err());
}

#[test]
fn a_path_is_read_or_mapped_by_size_with_the_same_report() {
    let Some(corpus) = corpus() else { return };
    let dump = std::fs::read(corpus.join("dumps/rust-minidump/linux-mini.dmp")).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "minidump-report-read-or-map-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    // The same dump twice: as it is (read into memory) and padded past the read limit (mapped). Bytes after
    // the last stream are not part of any stream, so both reports must equal the one parsed from memory.
    let mut padded = dump.clone();
    padded.resize(minidump_report::READ_LIMIT as usize + 4096, 0);
    let options = Options::default();
    for (name, bytes) in [("small.dmp", &dump), ("large.dmp", &padded)] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let from_path = parse_path(&path, &options, &CancelToken::default()).unwrap();
        let from_bytes = parse_bytes(bytes, &options, &CancelToken::default()).unwrap();
        assert_eq!(
            serde_json::to_string(&from_path).unwrap(),
            serde_json::to_string(&from_bytes).unwrap(),
            "{name}"
        );
        // The size limit holds on both paths.
        let tight = Options {
            max_input_bytes: bytes.len() as u64 - 1,
            ..Options::default()
        };
        assert_eq!(
            parse_path(&path, &tight, &CancelToken::default())
                .unwrap_err()
                .code(),
            "ERR_TOO_LARGE",
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

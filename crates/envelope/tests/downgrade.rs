//! `downgrade_envelope_file`: a gzipped crash envelope (event, a log, the minidump) rewritten with the
//! minidump stripped or dropped; every other item byte for byte, lengths right, the stripped dump parses.

use envelope::{
    downgrade_envelope_file, strip_minidump_memory, write_envelope_file, DowngradeMode, Item,
    Payload, Spec,
};
use flate2::read::GzDecoder;
use std::io::Read;
mod common;

use common::{present, scratch};
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    scratch("envelope-downgrade", name)
}

/// Splits a plain envelope into its header and (item header, payload) pairs, by the items' lengths.
fn items(raw: &[u8]) -> (serde_json::Value, Vec<(serde_json::Value, Vec<u8>)>) {
    let nl = raw.iter().position(|&b| b == b'\n').unwrap();
    let header = serde_json::from_slice(&raw[..nl]).unwrap();
    let mut at = nl + 1;
    let mut out = Vec::new();
    while at < raw.len() {
        let end = at + raw[at..].iter().position(|&b| b == b'\n').unwrap();
        if end == at {
            at += 1;
            continue;
        }
        let h: serde_json::Value = serde_json::from_slice(&raw[at..end]).unwrap();
        let len = h["length"].as_u64().unwrap() as usize;
        out.push((h, raw[end + 1..end + 1 + len].to_vec()));
        at = end + 1 + len + 1;
    }
    (header, out)
}

fn gunzip(p: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(std::fs::File::open(p).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn crash_envelope(dump: &Path, gzip: bool, name: &str) -> PathBuf {
    let dest = tmp(name);
    let item = |item_type, payload, attachment_type, filename| Item {
        item_type,
        payload,
        filename,
        content_type: None,
        attachment_type,
    };
    let spec = Spec {
        header: r#"{"event_id":"0123456789abcdef0123456789abcdef"}"#,
        items: vec![
            item("event", Payload::Json(r#"{"message":"boom"}"#), None, None),
            item(
                "attachment",
                Payload::File(dump),
                Some("event.minidump"),
                Some("crash.dmp"),
            ),
            item(
                "attachment",
                Payload::Bytes(b"log\nline\n"),
                None,
                Some("log.txt"),
            ),
        ],
        gzip: gzip.then_some(6),
    };
    write_envelope_file(&spec, &dest).unwrap();
    dest
}

#[test]
fn strips_then_drops_the_minidump() {
    let Some(dump) = present("__test__/fixtures/generated/null_write.dmp") else {
        return;
    };
    let expected = tmp("expected.dmp");
    strip_minidump_memory(&dump, &expected).unwrap();
    for gzip in [true, false] {
        let src = crash_envelope(&dump, gzip, &format!("src-{gzip}.env"));
        let stripped = tmp(&format!("stripped-{gzip}.env.gz"));
        let out =
            downgrade_envelope_file(&src, &stripped, DowngradeMode::StripMinidumpMemory).unwrap();
        assert_eq!((out.minidumps, out.attachments), (1, 2));
        assert_eq!(
            out.written.bytes,
            std::fs::metadata(&stripped).unwrap().len()
        );
        let (header, got) = items(&gunzip(&stripped));
        assert_eq!(header["event_id"], "0123456789abcdef0123456789abcdef");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1, br#"{"message":"boom"}"#);
        assert_eq!(got[1].0["attachment_type"], "event.minidump");
        assert_eq!(got[1].0["filename"], "crash.dmp");
        assert_eq!(
            got[1].1,
            std::fs::read(&expected).unwrap(),
            "the stripped dump"
        );
        assert_eq!(got[2].1, b"log\nline\n");

        let dropped = tmp(&format!("dropped-{gzip}.env.gz"));
        let out =
            downgrade_envelope_file(&stripped, &dropped, DowngradeMode::DropMinidump).unwrap();
        assert_eq!((out.minidumps, out.attachments), (1, 1));
        let (_, got) = items(&gunzip(&dropped));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0["type"], "event");
        assert_eq!(got[1].0["filename"], "log.txt");
        assert_eq!(got[1].1, b"log\nline\n");
    }
    let leftovers: Vec<_> = std::fs::read_dir(tmp("x").parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "scratch files left: {leftovers:?}");
}

#[test]
fn a_truncated_envelope_is_refused_and_writes_nothing() {
    let src = tmp("truncated.env");
    std::fs::write(
        &src,
        b"{}\n{\"type\":\"attachment\",\"length\":100,\"attachment_type\":\"event.minidump\"}\nMDMP",
    )
    .unwrap();
    let dst = tmp("truncated-out.env.gz");
    assert!(downgrade_envelope_file(&src, &dst, DowngradeMode::DropMinidump).is_err());
    assert!(!dst.exists());
}

//! Envelopes built through the public API and read back by a minimal envelope parser (the format's
//! rules: header line, then item header line + `length` payload bytes + newline, per item).

use envelope::{build_envelope, write_envelope_file, EnvelopeError, Item, Payload, Spec};
use flate2::read::GzDecoder;
use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The envelope header and each item's (header, payload).
fn parse(mut b: &[u8]) -> (Value, Vec<(Value, Vec<u8>)>) {
    let line = |b: &mut &[u8]| {
        let i = b.iter().position(|&c| c == b'\n').unwrap_or(b.len());
        let v: Value = serde_json::from_slice(&b[..i]).unwrap();
        *b = &b[(i + 1).min(b.len())..];
        v
    };
    let header = line(&mut b);
    let mut items = Vec::new();
    while !b.is_empty() {
        let h = line(&mut b);
        let n = h["length"].as_u64().expect("every item has a length") as usize;
        items.push((h, b[..n].to_vec()));
        assert_eq!(b.get(n), Some(&b'\n'), "payload followed by a newline");
        b = &b[n + 1..];
    }
    (header, items)
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(b).read_to_end(&mut out).unwrap();
    out
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../__test__/fixtures")
}

/// A real dump when the generated fixtures exist, else a synthetic binary blob with newlines in it.
fn dump() -> (PathBuf, Vec<u8>) {
    let p = fixture().join("generated/null_write.dmp");
    if let Ok(bytes) = std::fs::read(&p) {
        return (p, bytes);
    }
    let dir = tempdir("dump");
    let p = dir.join("synthetic.dmp");
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&p, &bytes).unwrap();
    (p, bytes)
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("envelope-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const EVENT: &str =
    r#"{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","level":"fatal","message":"line\nbreak é"}"#;

fn spec<'a>(dump: Payload<'a>, gzip: Option<u32>) -> Spec<'a> {
    let attachment = Item {
        item_type: "attachment",
        payload: dump,
        filename: Some("crash.dmp"),
        content_type: Some("application/octet-stream"),
        attachment_type: Some("event.minidump"),
    };
    let event = Item {
        item_type: "event",
        payload: Payload::Json(EVENT),
        filename: None,
        content_type: None,
        attachment_type: None,
    };
    Spec { header: "{ \"event_id\": \"9ec79c33ec9942ab8353589fcb2e04dc\",\n \"dsn\": \"https://k@o.ingest/1\" }", items: vec![event, attachment], gzip }
}

fn check(envelope: &[u8], dump: &[u8]) {
    let (header, items) = parse(envelope);
    assert_eq!(header["event_id"], "9ec79c33ec9942ab8353589fcb2e04dc");
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].0,
        json!({ "type": "event", "length": EVENT.len() })
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&items[0].1).unwrap(),
        serde_json::from_str::<Value>(EVENT).unwrap()
    );
    let h = &items[1].0;
    assert_eq!(
        (h["filename"].as_str(), h["attachment_type"].as_str()),
        (Some("crash.dmp"), Some("event.minidump"))
    );
    assert_eq!(h["content_type"], "application/octet-stream");
    assert!(items[1].1 == dump, "attachment bytes identical");
}

#[test]
fn attachment_from_path_and_from_bytes_give_the_same_envelope() {
    let (path, bytes) = dump();
    let from_path = build_envelope(&spec(Payload::File(&path), None)).unwrap();
    let from_bytes = build_envelope(&spec(Payload::Bytes(&bytes), None)).unwrap();
    check(&from_path, &bytes);
    assert_eq!(from_path, from_bytes);
    assert!(
        !from_path.starts_with(b"{ "),
        "the header is re-serialised on one line"
    );
}

#[test]
fn the_header_is_the_callers_text_on_one_line() {
    // Keys in the caller's order (what JSON.stringify gave), whitespace inside strings kept.
    let header = "{ \"sent_at\": \"2025-01-01T00:00:00Z\",\n\t\"event_id\": \"9ec79c33ec9942ab8353589fcb2e04dc\",\r\n \"sdk\": { \"name\": \"a \\\" {b}\\\\\", \"v\": [1, 2] } }";
    let s = Spec {
        header,
        items: vec![],
        gzip: None,
    };
    assert_eq!(
        String::from_utf8(build_envelope(&s).unwrap()).unwrap(),
        "{\"sent_at\":\"2025-01-01T00:00:00Z\",\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\",\"sdk\":{\"name\":\"a \\\" {b}\\\\\",\"v\":[1,2]}}\n"
    );
}

#[test]
fn gzip_at_every_level_round_trips() {
    let (path, bytes) = dump();
    let plain = build_envelope(&spec(Payload::File(&path), None)).unwrap();
    for level in [0, 1, 6, 9] {
        let gz = build_envelope(&spec(Payload::File(&path), Some(level))).unwrap();
        assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip magic");
        assert_eq!(gunzip(&gz), plain, "level {level}");
    }
    check(&plain, &bytes);
}

#[test]
fn writes_the_file_atomically_with_its_digest() {
    let (path, bytes) = dump();
    let dir = tempdir("write");
    let dest = dir.join("queued.envelope");
    let w = write_envelope_file(&spec(Payload::File(&path), Some(6)), &dest).unwrap();
    let file = std::fs::read(&dest).unwrap();
    assert_eq!(w.bytes, file.len() as u64);
    assert_eq!(w.sha256.len(), 64);
    check(&gunzip(&file), &bytes);
    // A failing build leaves neither the destination nor a temp file behind.
    let missing = dir.join("missing.dmp");
    let bad = dir.join("never.envelope");
    let e = write_envelope_file(&spec(Payload::File(&missing), None), &bad).unwrap_err();
    assert_eq!(e.code(), "ERR_IO");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("queued.envelope")]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_specs_are_refused_before_writing() {
    let (path, _) = dump();
    let mut s = spec(Payload::File(&path), None);
    s.header = "[1]";
    assert!(matches!(
        build_envelope(&s),
        Err(EnvelopeError::InvalidArgument(_))
    ));
    let mut s = spec(Payload::Json("{not json"), None);
    s.items.swap(0, 1);
    assert_eq!(
        build_envelope(&s).unwrap_err().code(),
        "ERR_INVALID_ARGUMENT"
    );
    assert_eq!(
        build_envelope(&spec(Payload::File(&path), Some(10)))
            .unwrap_err()
            .code(),
        "ERR_INVALID_ARGUMENT"
    );
    let mut s = spec(Payload::File(&path), None);
    s.items[0].item_type = "";
    assert_eq!(
        build_envelope(&s).unwrap_err().code(),
        "ERR_INVALID_ARGUMENT"
    );
    assert_eq!(
        build_envelope(&spec(Payload::File(Path::new("/")), None))
            .unwrap_err()
            .code(),
        "ERR_IO"
    );
}

/// A sink that changes the attachment file once the envelope starts arriving: the race with a writer
/// that is still busy with the dump, made deterministic.
struct Meddler<F: FnMut()> {
    out: Vec<u8>,
    meddle: Option<F>,
}

impl<F: FnMut()> std::io::Write for Meddler<F> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The first large write is the first chunk of the file, after its size was taken.
        if buf.len() >= 4096 {
            if let Some(mut f) = self.meddle.take() {
                f();
            }
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_file_that_changes_size_while_streamed_is_a_typed_error() {
    let dir = tempdir("changes");
    let path = dir.join("growing.dmp");
    let big = vec![7u8; 600_000]; // more than one read chunk, so a shrink is seen mid-stream
    for change in ["grow", "shrink"] {
        std::fs::write(&path, &big).unwrap();
        let meddle = || {
            let f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            if change == "grow" {
                f.set_len(big.len() as u64 + 10).unwrap()
            } else {
                f.set_len(1000).unwrap()
            }
        };
        let s = Spec {
            header: "{}",
            items: vec![Item {
                item_type: "attachment",
                payload: Payload::File(&path),
                filename: None,
                content_type: None,
                attachment_type: None,
            }],
            gzip: None,
        };
        let e = envelope::write_envelope(
            &s,
            Meddler {
                out: Vec::new(),
                meddle: Some(meddle),
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), "ERR_FILE_CHANGED", "{change}: {e}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

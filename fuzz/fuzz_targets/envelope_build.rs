//! Envelopes (crates/envelope) from arbitrary specs: built plain and gzipped, the gzipped one must inflate to
//! the plain one, and the plain one must read back as the header and the items given. Then
//! `strip_minidump_memory` on arbitrary dump bytes: a typed error, or a dump that is as complete as its
//! source was.
//!
//! The input is read as (lengths little-endian, a field past the end of the input is empty):
//! `gzip: u8` (a level when below 10, else no gzip), `items: u8` (at most 8 are read), `header: str16`, then
//! per item `flags: u8` (1 JSON payload, 2 filename, 4 content type, 8 attachment type), `type: str16`, the
//! fields its flags name as `str16`, `payload: bytes32`; the rest is the dump to strip. `str16` is a u16
//! length and that many bytes (lossy UTF-8), `bytes32` a u32 length and that many bytes. fuzz/seed.sh
//! writes seeds in this layout.
#![no_main]

use envelope::{build_envelope, strip_minidump_bytes, EnvelopeError, Item, Payload, Spec};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use std::io::Read;

struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
    fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }
    fn len(&mut self, bytes: usize) -> usize {
        let mut raw = [0u8; 4];
        raw[..bytes].copy_from_slice(&{
            let mut b = self.take(bytes).to_vec();
            b.resize(bytes, 0);
            b
        });
        u32::from_le_bytes(raw) as usize
    }
    fn str16(&mut self) -> Cow<'a, str> {
        let n = self.len(2);
        String::from_utf8_lossy(self.take(n))
    }
    fn bytes32(&mut self) -> &'a [u8] {
        let n = self.len(4);
        self.take(n)
    }
}

struct ItemIn<'a> {
    item_type: Cow<'a, str>,
    json: bool,
    filename: Option<Cow<'a, str>>,
    content_type: Option<Cow<'a, str>>,
    attachment_type: Option<Cow<'a, str>>,
    payload: &'a [u8],
}

fn expect_typed(e: &EnvelopeError) {
    assert!(
        !matches!(e, EnvelopeError::Internal(_)),
        "internal error: {e}"
    );
}

/// Reads `envelope` back: the header line, then per item its header (with `length`) and payload.
fn read_back(envelope: &[u8]) -> (serde_json::Value, Vec<(serde_json::Value, &[u8])>) {
    let line = |at: usize| -> (usize, usize) {
        let end = envelope[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(envelope.len(), |i| at + i);
        (end, end + 1)
    };
    let (end, mut at) = line(0);
    let header = serde_json::from_slice(&envelope[..end]).expect("header line is JSON");
    let mut items = Vec::new();
    while at < envelope.len() {
        let (end, next) = line(at);
        let item: serde_json::Value =
            serde_json::from_slice(&envelope[at..end]).expect("item header is JSON");
        let length = item["length"].as_u64().expect("length") as usize;
        let payload = &envelope[next..next + length];
        assert_eq!(
            envelope[next + length],
            b'\n',
            "payload ends with a newline"
        );
        at = next + length + 1;
        items.push((item, payload));
    }
    (header, items)
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let gzip = Some(u32::from(input.u8())).filter(|&level| level < 10);
    let count = input.u8().min(8);
    let header = input.str16();
    let mut specs = Vec::new();
    for _ in 0..count {
        let flags = input.u8();
        let mut optional = |bit: u8| (flags & bit != 0).then(|| input.str16());
        let (filename, content_type, attachment_type) = (optional(2), optional(4), optional(8));
        specs.push(ItemIn {
            item_type: input.str16(),
            json: flags & 1 != 0,
            filename,
            content_type,
            attachment_type,
            payload: input.bytes32(),
        });
    }
    let dump = input.0;
    let texts: Vec<Cow<'_, str>> = specs
        .iter()
        .map(|s| String::from_utf8_lossy(s.payload))
        .collect();
    let items: Vec<Item<'_>> = specs
        .iter()
        .zip(&texts)
        .map(|(i, text)| Item {
            item_type: &i.item_type,
            payload: if i.json {
                Payload::Json(text)
            } else {
                Payload::Bytes(i.payload)
            },
            filename: i.filename.as_deref(),
            content_type: i.content_type.as_deref(),
            attachment_type: i.attachment_type.as_deref(),
        })
        .collect();
    let plain = Spec {
        header: &header,
        items: items.clone(),
        gzip: None,
    };
    match build_envelope(&plain) {
        Ok(bytes) => {
            let (read_header, read) = read_back(&bytes);
            let given: serde_json::Value = serde_json::from_str(&header).unwrap();
            assert_eq!(read_header, given);
            assert_eq!(read.len(), items.len());
            for ((h, payload), item) in read.iter().zip(&items) {
                assert_eq!(h["type"].as_str(), Some(item.item_type));
                assert_eq!(h["filename"].as_str(), item.filename);
                assert_eq!(h["attachment_type"].as_str(), item.attachment_type);
                let sent = match item.payload {
                    Payload::Json(text) => text.as_bytes(),
                    Payload::Bytes(b) => b,
                    Payload::File(_) => unreachable!(),
                };
                assert_eq!(*payload, sent);
            }
            if gzip.is_some() {
                let gz = build_envelope(&Spec { gzip, ..plain }).expect("gzip adds no failure");
                let mut inflated = Vec::new();
                flate2::read::GzDecoder::new(&gz[..])
                    .read_to_end(&mut inflated)
                    .expect("the gzip stream inflates");
                assert_eq!(inflated, bytes);
            }
        }
        Err(e) => expect_typed(&e),
    }

    let mut out = Vec::new();
    match strip_minidump_bytes(dump, &mut out) {
        Ok(stripped) => {
            assert_eq!(stripped.bytes, out.len() as u64);
            let before = minidump_report::check_bytes(dump).unwrap();
            let after = minidump_report::check_bytes(&out).unwrap();
            if before.is_complete() {
                assert_eq!(
                    after.problem, None,
                    "stripping a complete dump keeps it complete"
                );
            }
        }
        Err(e) => expect_typed(&e),
    }
});

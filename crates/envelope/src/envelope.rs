//! Sentry envelope bytes: a header line, then per item a header line and its payload, newline separated
//! (https://develop.sentry.dev/sdk/foundations/transport/envelopes/). Every item header carries the exact
//! payload `length`, so payloads may hold any bytes, newlines included.

use crate::error::EnvelopeError;
use crate::gzip::GzipWriter;
use serde::Serialize;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// Chunk size for streaming a file attachment: large enough for few syscalls and efficient deflate
/// calls, small enough that a 1 GB dump never costs more than this in memory.
const CHUNK: usize = 256 * 1024;

/// An item's payload, borrowed: the sync binding reads JavaScript's buffers in place.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// JSON text (an event, a session, a client report …), written as given once it is known to parse.
    Json(&'a str),
    /// Attachment bytes held in memory.
    Bytes(&'a [u8]),
    /// An attachment streamed from disk in chunks; its size is taken when it is opened.
    File(&'a Path),
}

/// One envelope item. `filename`, `content_type` and `attachment_type` go into its header when set.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub item_type: &'a str,
    pub payload: Payload<'a>,
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub attachment_type: Option<&'a str>,
}

/// What to build: the envelope header (JSON object text), the items, and optional whole-envelope gzip.
#[derive(Debug, Clone)]
pub struct Spec<'a> {
    pub header: &'a str,
    pub items: Vec<Item<'a>>,
    /// `Some(level)` (0–9) gzips the whole envelope, as sent with `Content-Encoding: gzip`.
    pub gzip: Option<u32>,
}

/// The default gzip level: zlib's own default, the usual balance of speed and size.
pub const DEFAULT_GZIP_LEVEL: u32 = 6;

#[derive(Serialize)]
struct ItemHeader<'a> {
    #[serde(rename = "type")]
    item_type: &'a str,
    length: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attachment_type: Option<&'a str>,
}

/// Checks everything that can be checked before the first byte is written, so that a bad spec never
/// leaves half an envelope behind; returns the header on one line, its keys in the caller's order.
fn validate(spec: &Spec<'_>) -> Result<Vec<u8>, EnvelopeError> {
    let bad = |m: String| EnvelopeError::InvalidArgument(m);
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(spec.header)
        .map_err(|e| bad(format!("the envelope header is not a JSON object: {e}")))?;
    if let Some(level) = spec.gzip {
        if level > 9 {
            return Err(bad(format!("gzip level must be 0 to 9, got {level}")));
        }
    }
    for (i, item) in spec.items.iter().enumerate() {
        if item.item_type.is_empty() {
            return Err(bad(format!("item {i}: type must be a non-empty string")));
        }
        if let Payload::Json(text) = item.payload {
            serde_json::from_str::<serde::de::IgnoredAny>(text)
                .map_err(|e| bad(format!("item {i} ({}): invalid JSON: {e}", item.item_type)))?;
        }
    }
    Ok(compact_json(spec.header))
}

/// Valid JSON text without the whitespace between its tokens: one line whatever the caller's layout,
/// and otherwise the caller's bytes (key order included: the envelope the JS SDK would have built).
/// JSON strings hold no raw whitespace but spaces, and those are kept.
fn compact_json(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in text.as_bytes() {
        if in_string {
            (in_string, escaped) = (escaped || b != b'"', !escaped && b == b'\\');
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        } else {
            in_string = b == b'"';
        }
        out.push(b);
    }
    out
}

/// Writes the envelope to `out` (gzipped when the spec says so); returns the bytes written to `out`.
pub fn write_envelope<W: Write>(spec: &Spec<'_>, out: W) -> Result<u64, EnvelopeError> {
    let header = validate(spec)?;
    let mut counted = Counting {
        inner: out,
        bytes: 0,
    };
    match spec.gzip {
        Some(level) => {
            // Our gzip writer, not flate2's: zlib-rs deflate for compressible bytes, stored blocks
            // written directly for incompressible runs; why and what it gains: src/gzip.rs.
            let mut gz = GzipWriter::new(&mut counted, level);
            write_plain(spec, &header, &mut gz)?;
            gz.finish().map_err(out_err)?;
        }
        None => write_plain(spec, &header, &mut counted)?,
    }
    counted.inner.flush().map_err(out_err)?;
    Ok(counted.bytes)
}

/// Builds the whole envelope in memory: for small envelopes (no large attachment).
pub fn build_envelope(spec: &Spec<'_>) -> Result<Vec<u8>, EnvelopeError> {
    let mut out = Vec::new();
    write_envelope(spec, &mut out)?;
    Ok(out)
}

fn out_err(e: std::io::Error) -> EnvelopeError {
    EnvelopeError::Io(format!("cannot write the envelope: {e}"))
}

fn write_plain(spec: &Spec<'_>, header: &[u8], out: &mut dyn Write) -> Result<(), EnvelopeError> {
    out.write_all(header).map_err(out_err)?;
    for item in &spec.items {
        out.write_all(b"\n").map_err(out_err)?;
        match item.payload {
            Payload::Json(text) => {
                write_item_header(item, text.len() as u64, out)?;
                out.write_all(text.as_bytes()).map_err(out_err)?;
            }
            Payload::Bytes(bytes) => {
                write_item_header(item, bytes.len() as u64, out)?;
                out.write_all(bytes).map_err(out_err)?;
            }
            Payload::File(path) => stream_file(item, path, out)?,
        }
    }
    out.write_all(b"\n").map_err(out_err)
}

fn write_item_header(
    item: &Item<'_>,
    length: u64,
    out: &mut dyn Write,
) -> Result<(), EnvelopeError> {
    let header = ItemHeader {
        item_type: item.item_type,
        length,
        filename: item.filename,
        content_type: item.content_type,
        attachment_type: item.attachment_type,
    };
    serde_json::to_writer(&mut *out, &header).map_err(|e| EnvelopeError::Io(e.to_string()))?;
    out.write_all(b"\n").map_err(out_err)
}

/// Streams `path` as the item's payload. The length goes into the header before the bytes, so a file
/// that grows or shrinks meanwhile (a dump still being written) must fail rather than mislabel.
fn stream_file(item: &Item<'_>, path: &Path, out: &mut dyn Write) -> Result<(), EnvelopeError> {
    let io = |e| EnvelopeError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(EnvelopeError::Io(format!(
            "{}: not a regular file",
            path.display()
        )));
    }
    let length = meta.len();
    write_item_header(item, length, out)?;
    let changed = |what: &str| EnvelopeError::FileChanged(format!("{}: {what}", path.display()));
    let mut buf = vec![0u8; CHUNK.min(length as usize).max(1)];
    let mut left = length;
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want]).map_err(io)?;
        if n == 0 {
            return Err(changed(&format!(
                "shrank below the {length} bytes it had when opened"
            )));
        }
        out.write_all(&buf[..n]).map_err(out_err)?;
        left -= n as u64;
    }
    if file.read(&mut buf[..1]).map_err(io)? != 0 {
        return Err(changed(&format!(
            "grew beyond the {length} bytes it had when opened"
        )));
    }
    Ok(())
}

/// Counts what reaches the output (after gzip), for the result and the caller's size accounting.
pub(crate) struct Counting<W> {
    pub(crate) inner: W,
    pub(crate) bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

//! Envelope building and minidump stripping for JavaScript (crates/envelope), with the same shape as the
//! parse exports: one `Task` per job, `…Async` on the libuv pool and a `…Sync` twin, errors via `to_js`.
//! A file of its own so that `lib.rs` stays about parsing.

use crate::guard::guarded;
use crate::pool_job::{pool_job, PoolJob};
use crate::to_js;
use envelope::{EnvelopeError, Item, Payload, Spec, Stripped, Written, DEFAULT_GZIP_LEVEL};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::path::PathBuf;

/// One envelope item as JavaScript passes it: exactly one of `json`, `path`, `bytes`.
#[napi(object)]
pub struct NativeEnvelopeItem {
    #[napi(js_name = "type")]
    pub item_type: String,
    pub json: Option<String>,
    pub path: Option<String>,
    pub bytes: Option<Buffer>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub attachment_type: Option<String>,
}

/// An envelope as JavaScript passes it: header and JSON payloads as JSON text.
#[napi(object)]
pub struct NativeEnvelopeSpec {
    pub header: String,
    pub items: Vec<NativeEnvelopeItem>,
    pub gzip: Option<bool>,
    pub gzip_level: Option<u32>,
}

/// Where `writeEnvelope*` put the envelope. `bytes` is a double: sizes above 4 GiB must fit.
#[napi(object)]
pub struct NativeWritten {
    pub path: String,
    pub bytes: f64,
    pub sha256: String,
}

/// What `stripMinidumpMemory*` wrote.
#[napi(object)]
pub struct NativeStripped {
    pub bytes: f64,
    pub kept_regions: u32,
    pub dropped_regions: u32,
}

enum Source<B> {
    Json(String),
    Bytes(B),
    Path(PathBuf),
}

struct OwnedItem<B> {
    item_type: String,
    source: Source<B>,
    filename: Option<String>,
    content_type: Option<String>,
    attachment_type: Option<String>,
}

/// The spec with its strings moved out of the JS objects. `B` is `Buffer` for the sync twin (read in
/// place) and `Vec<u8>` for the pool: JavaScript may reuse, transfer or detach a buffer meanwhile.
pub struct OwnedSpec<B> {
    header: String,
    items: Vec<OwnedItem<B>>,
    gzip: Option<u32>,
}

impl<B: AsRef<[u8]>> OwnedSpec<B> {
    fn view(&self) -> Spec<'_> {
        let items = self.items.iter().map(|i| Item {
            item_type: &i.item_type,
            payload: match &i.source {
                Source::Json(text) => Payload::Json(text),
                Source::Bytes(b) => Payload::Bytes(b.as_ref()),
                Source::Path(p) => Payload::File(p),
            },
            filename: i.filename.as_deref(),
            content_type: i.content_type.as_deref(),
            attachment_type: i.attachment_type.as_deref(),
        });
        Spec {
            header: &self.header,
            items: items.collect(),
            gzip: self.gzip,
        }
    }
}

fn owned<B>(js: NativeEnvelopeSpec, bytes: impl Fn(Buffer) -> B) -> Result<OwnedSpec<B>> {
    let bad = |m: String| to_js(EnvelopeError::InvalidArgument(m));
    let mut items = Vec::with_capacity(js.items.len());
    for (i, item) in js.items.into_iter().enumerate() {
        let source = match (item.json, item.path, item.bytes) {
            (Some(text), None, None) => Source::Json(text),
            (None, Some(path), None) => Source::Path(PathBuf::from(path)),
            (None, None, Some(b)) => Source::Bytes(bytes(b)),
            _ => {
                return Err(bad(format!(
                    "item {i}: give exactly one of json, path, bytes"
                )))
            }
        };
        items.push(OwnedItem {
            item_type: item.item_type,
            source,
            filename: item.filename,
            content_type: item.content_type,
            attachment_type: item.attachment_type,
        });
    }
    let gzip = js
        .gzip
        .unwrap_or(false)
        .then(|| js.gzip_level.unwrap_or(DEFAULT_GZIP_LEVEL));
    Ok(OwnedSpec {
        header: js.header,
        items,
        gzip,
    })
}

fn written(w: Written) -> NativeWritten {
    NativeWritten {
        path: w.path.to_string_lossy().into_owned(),
        bytes: w.bytes as f64,
        sha256: w.sha256,
    }
}

fn stripped(s: Stripped) -> NativeStripped {
    NativeStripped {
        bytes: s.bytes as f64,
        kept_regions: s.kept_regions as u32,
        dropped_regions: s.dropped_regions as u32,
    }
}

/// What an envelope task made: the bytes, or the file it wrote.
pub enum EnvelopeOutput {
    Bytes(Vec<u8>),
    Written(Written),
}

fn envelope_js(output: EnvelopeOutput) -> Either<Buffer, NativeWritten> {
    match output {
        EnvelopeOutput::Bytes(b) => Either::A(b.into()),
        EnvelopeOutput::Written(w) => Either::B(written(w)),
    }
}

/// The envelope of `spec` on the pool: its bytes, or written to `dest` when set.
fn envelope_job(
    spec: NativeEnvelopeSpec,
    dest: Option<PathBuf>,
) -> Result<AsyncTask<PoolJob<EnvelopeOutput, Either<Buffer, NativeWritten>>>> {
    let spec = owned(spec, |b| b.to_vec())?;
    Ok(pool_job(
        move || {
            let spec = spec.view();
            match &dest {
                None => envelope::build_envelope(&spec).map(EnvelopeOutput::Bytes),
                Some(dest) => {
                    envelope::write_envelope_file(&spec, dest).map(EnvelopeOutput::Written)
                }
            }
            .map_err(to_js)
        },
        envelope_js,
    ))
}

/// Builds an envelope on the libuv thread pool; resolves to its bytes (for small envelopes: large
/// ones should go to a file with `writeEnvelopeAsync`, since Electron copies every returned Buffer).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn build_envelope_async(
    spec: NativeEnvelopeSpec,
) -> Result<AsyncTask<PoolJob<EnvelopeOutput, Either<Buffer, NativeWritten>>>> {
    guarded(|| envelope_job(spec, None))
}

/// Builds an envelope on the calling thread, reading byte items in place.
#[napi]
pub fn build_envelope_sync(spec: NativeEnvelopeSpec) -> Result<Buffer> {
    guarded(|| {
        let spec = owned(spec, |b| b)?;
        envelope::build_envelope(&spec.view())
            .map(Buffer::from)
            .map_err(to_js)
    })
}

/// Writes an envelope to `dest` atomically on the libuv thread pool, file attachments streamed from disk.
#[napi(ts_return_type = "Promise<NativeWritten>")]
pub fn write_envelope_async(
    spec: NativeEnvelopeSpec,
    dest: String,
) -> Result<AsyncTask<PoolJob<EnvelopeOutput, Either<Buffer, NativeWritten>>>> {
    guarded(|| envelope_job(spec, Some(dest.into())))
}

/// Writes an envelope to `dest` atomically on the calling thread.
#[napi]
pub fn write_envelope_sync(spec: NativeEnvelopeSpec, dest: String) -> Result<NativeWritten> {
    guarded(|| {
        let spec = owned(spec, |b| b)?;
        envelope::write_envelope_file(&spec.view(), dest.as_ref())
            .map(written)
            .map_err(to_js)
    })
}

/// Writes `dst` as the minidump `src` with all memory but thread stacks removed, on the libuv pool.
#[napi(ts_return_type = "Promise<NativeStripped>")]
pub fn strip_minidump_memory_async(
    src: String,
    dst: String,
) -> Result<AsyncTask<PoolJob<Stripped, NativeStripped>>> {
    guarded(|| {
        Ok(pool_job(
            move || envelope::strip_minidump_memory(src.as_ref(), dst.as_ref()).map_err(to_js),
            stripped,
        ))
    })
}

/// `stripMinidumpMemoryAsync` on the calling thread.
#[napi]
pub fn strip_minidump_memory_sync(src: String, dst: String) -> Result<NativeStripped> {
    guarded(|| {
        envelope::strip_minidump_memory(src.as_ref(), dst.as_ref())
            .map(stripped)
            .map_err(to_js)
    })
}

/// What `downgradeEnvelopeFile*` wrote: the new gzipped envelope, how many minidumps it stripped or
/// dropped, and how many attachment items it still holds.
#[napi(object)]
pub struct NativeDowngraded {
    pub path: String,
    pub bytes: f64,
    pub sha256: String,
    pub minidumps: u32,
    pub attachments: u32,
}

fn downgrade_mode(mode: &str) -> Result<envelope::DowngradeMode> {
    match mode {
        "strip-minidump-memory" => Ok(envelope::DowngradeMode::StripMinidumpMemory),
        "drop-minidump" => Ok(envelope::DowngradeMode::DropMinidump),
        other => Err(to_js(EnvelopeError::InvalidArgument(format!(
            "mode must be 'strip-minidump-memory' or 'drop-minidump', got {other:?}"
        )))),
    }
}

fn downgraded(d: envelope::Downgraded) -> NativeDowngraded {
    let w = written(d.written);
    NativeDowngraded {
        path: w.path,
        bytes: w.bytes,
        sha256: w.sha256,
        minidumps: d.minidumps as u32,
        attachments: d.attachments as u32,
    }
}

/// Writes `dst` (gzipped, atomically) as the envelope file `src` with its `event.minidump` stripped of
/// its memory or dropped, streaming on the libuv pool.
#[napi(ts_return_type = "Promise<NativeDowngraded>")]
pub fn downgrade_envelope_file_async(
    src: String,
    dst: String,
    mode: String,
) -> Result<AsyncTask<PoolJob<envelope::Downgraded, NativeDowngraded>>> {
    guarded(|| {
        let mode = downgrade_mode(&mode)?;
        Ok(pool_job(
            move || {
                envelope::downgrade_envelope_file(src.as_ref(), dst.as_ref(), mode).map_err(to_js)
            },
            downgraded,
        ))
    })
}

/// `downgradeEnvelopeFileAsync` on the calling thread.
#[napi]
pub fn downgrade_envelope_file_sync(
    src: String,
    dst: String,
    mode: String,
) -> Result<NativeDowngraded> {
    guarded(|| {
        envelope::downgrade_envelope_file(src.as_ref(), dst.as_ref(), downgrade_mode(&mode)?)
            .map(downgraded)
            .map_err(to_js)
    })
}

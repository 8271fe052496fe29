//! The Node-API binding: thin by design. Every export runs one core function either on the libuv thread
//! pool (`…Async`, a Promise) or inline (`…Sync`), and every failure leaves as a JS error whose message
//! starts with the stable code (`ERR_IO: …`), which `ts/native/` turns into `MinidumpError.code`.

pub mod envelope_binding;
mod guard;
mod pool_job;

use guard::guarded;
use minidump_report::{CancelToken, Options, ReportError};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use pool_job::{pool_job, PoolJob};
use std::path::{Path, PathBuf};

/// Options as JavaScript passes them; every field optional.
#[napi(object)]
pub struct NativeOptions {
    pub all_threads: Option<bool>,
    pub thread_ids: Option<Vec<u32>>,
    pub symbols: Option<Vec<String>>,
    pub symbol_servers: Option<Vec<String>>,
    pub cache_dir: Option<String>,
    pub symbol_server_timeout_ms: Option<u32>,
    pub max_frames: Option<u32>,
    /// A double, because sizes above 4 GiB must fit.
    pub max_input_bytes: Option<f64>,
}

/// Lets JavaScript stop a running parse between threads (set from an `AbortSignal`).
#[napi]
#[derive(Default)]
pub struct CancelHandle {
    token: CancelToken,
}

#[napi]
impl CancelHandle {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }
}

/// What a task reads: a path (read natively: small files into memory, large ones mapped) or a copy of the
/// caller's bytes.
pub enum Input {
    Path(PathBuf),
    /// Copied, because JavaScript may reuse, transfer or detach its buffer while the pool thread reads it.
    Bytes(Vec<u8>),
}

/// JSON text on its way to JavaScript. All-ASCII text (the usual case: serde escapes control characters,
/// and module names are mostly ASCII) becomes a one-byte V8 string by a plain copy; only text with other
/// characters pays for UTF-8 transcoding. For a dump with hundreds of modules that copy is on the JS thread;
/// whether the text is ASCII is found where it is made (on the pool for the async calls), not there.
pub struct JsonText {
    text: String,
    ascii: bool,
}

impl JsonText {
    fn new(text: String) -> Self {
        let ascii = text.is_ascii();
        JsonText { text, ascii }
    }
}

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "string"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        if !val.ascii {
            return unsafe { String::to_napi_value(env, val.text) };
        }
        let mut out = std::ptr::null_mut();
        // SAFETY: the pointer and length describe `val.text`, which outlives the call; V8 copies the bytes.
        let status = unsafe {
            napi::sys::napi_create_string_latin1(
                env,
                val.text.as_ptr().cast(),
                val.text.len() as isize,
                &mut out,
            )
        };
        if status != napi::sys::Status::napi_ok {
            return Err(Error::new(
                Status::GenericFailure,
                "ERR_INTERNAL: cannot create the result string",
            ));
        }
        Ok(out)
    }
}

#[derive(Clone, Copy)]
pub enum Output {
    Report,
    StackwalkJson,
}

pub struct ParseTask {
    input: Input,
    options: Options,
    cancel: CancelToken,
    output: Output,
}

fn options(js: Option<NativeOptions>) -> Result<Options> {
    let mut o = Options::default();
    if let Some(js) = js {
        o.all_threads = js.all_threads.unwrap_or(false);
        o.thread_ids = js.thread_ids.unwrap_or_default();
        o.symbol_servers = js.symbol_servers.unwrap_or_default();
        o.cache_dir = js.cache_dir.map(PathBuf::from);
        if let Some(ms) = js.symbol_server_timeout_ms {
            o.symbol_timeout = std::time::Duration::from_millis(u64::from(ms.max(1)));
        }
        o.symbol_paths = js
            .symbols
            .unwrap_or_default()
            .into_iter()
            .map(PathBuf::from)
            .collect();
        if let Some(n) = js.max_frames {
            o.max_frames = n as usize;
        }
        if let Some(n) = js.max_input_bytes {
            if !(n.is_finite() && n >= 0.0) {
                return Err(to_js(ReportError::InvalidArgument(
                    "maxInputBytes must be a non-negative number".into(),
                )));
            }
            o.max_input_bytes = n as u64;
        }
    }
    Ok(o)
}

/// What one run reads, borrowed: the sync twin reads the caller's buffer in place.
enum Source<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

impl Input {
    fn source(&self) -> Source<'_> {
        match self {
            Input::Path(p) => Source::Path(p),
            Input::Bytes(b) => Source::Bytes(b),
        }
    }
}

/// A core error with a stable code: what `to_js` needs from each core crate's error type.
trait Coded: std::fmt::Display {
    fn code(&self) -> &'static str;
}

impl Coded for ReportError {
    fn code(&self) -> &'static str {
        ReportError::code(self)
    }
}

impl Coded for envelope::EnvelopeError {
    fn code(&self) -> &'static str {
        envelope::EnvelopeError::code(self)
    }
}

/// The single mapping from a core error to a JS error.
fn to_js(e: impl Coded) -> Error {
    Error::new(Status::GenericFailure, format!("{}: {e}", e.code()))
}

fn run(
    source: Source<'_>,
    options: &Options,
    cancel: &CancelToken,
    output: Output,
) -> std::result::Result<String, ReportError> {
    use minidump_report::{parse_bytes, stackwalk_json, with_mapped};
    let to_json = |r: minidump_report::Report| {
        // Roughly 450 bytes a module: reserving up front saves the repeated growth of a large buffer.
        let mut out = Vec::with_capacity(8 * 1024 + 512 * r.modules.len());
        serde_json::to_writer(&mut out, &r).map_err(|e| ReportError::Internal(e.to_string()))?;
        String::from_utf8(out).map_err(|e| ReportError::Internal(e.to_string()))
    };
    let from_bytes = |bytes: &[u8]| match output {
        Output::Report => parse_bytes(bytes, options, cancel).and_then(to_json),
        Output::StackwalkJson => stackwalk_json::from_bytes(bytes, options, cancel),
    };
    match source {
        // Large files mapped, not read: only the pages the output needs are read in.
        Source::Path(p) => with_mapped(p, options, from_bytes),
        Source::Bytes(b) => from_bytes(b),
    }
}

/// Runs on the calling thread, reading a JavaScript buffer in place.
fn run_sync(
    value: Either<String, Buffer>,
    opts: Option<NativeOptions>,
    output: Output,
) -> Result<JsonText> {
    let options = options(opts)?;
    let cancel = CancelToken::default();
    match &value {
        Either::A(path) => run(Source::Path(Path::new(path)), &options, &cancel, output),
        Either::B(bytes) => run(Source::Bytes(bytes), &options, &cancel, output),
    }
    .map(JsonText::new)
    .map_err(to_js)
}

impl Task for ParseTask {
    type Output = JsonText;
    type JsValue = JsonText;

    fn compute(&mut self) -> Result<JsonText> {
        guarded(|| {
            run(
                self.input.source(),
                &self.options,
                &self.cancel,
                self.output,
            )
            .map(JsonText::new)
            .map_err(to_js)
        })
    }

    fn resolve(&mut self, _env: Env, output: JsonText) -> Result<JsonText> {
        Ok(output)
    }
}

fn task(
    value: Either<String, Buffer>,
    opts: Option<NativeOptions>,
    cancel: Option<&CancelHandle>,
    output: Output,
) -> Result<AsyncTask<ParseTask>> {
    let options = options(opts)?;
    let input = match value {
        Either::A(path) => Input::Path(PathBuf::from(path)),
        Either::B(bytes) => {
            // Refuse before copying: the limit exists so that a huge input costs nothing.
            let size = bytes.len() as u64;
            if size > options.max_input_bytes {
                return Err(to_js(ReportError::TooLarge {
                    size,
                    limit: options.max_input_bytes,
                }));
            }
            Input::Bytes(bytes.to_vec())
        }
    };
    Ok(AsyncTask::new(ParseTask {
        input,
        options,
        cancel: cancel.map(|c| c.token.clone()).unwrap_or_default(),
        output,
    }))
}

/// Parses a minidump on the libuv thread pool; resolves to the report as JSON text.
#[napi(ts_return_type = "Promise<string>")]
pub fn parse_report_async(
    input: Either<String, Buffer>,
    options: Option<NativeOptions>,
    cancel: Option<&CancelHandle>,
) -> Result<AsyncTask<ParseTask>> {
    guarded(|| task(input, options, cancel, Output::Report))
}

/// Parses a minidump on the calling thread; returns the report as JSON text.
#[napi(ts_return_type = "string")]
pub fn parse_report_sync(
    input: Either<String, Buffer>,
    options: Option<NativeOptions>,
) -> Result<JsonText> {
    guarded(|| run_sync(input, options, Output::Report))
}

/// `minidump-stackwalk --json` output, every thread walked, on the libuv thread pool.
#[napi(ts_return_type = "Promise<string>")]
pub fn stackwalk_json_async(
    input: Either<String, Buffer>,
    options: Option<NativeOptions>,
    cancel: Option<&CancelHandle>,
) -> Result<AsyncTask<ParseTask>> {
    guarded(|| task(input, options, cancel, Output::StackwalkJson))
}

/// `minidump-stackwalk --json` output, on the calling thread.
#[napi(ts_return_type = "string")]
pub fn stackwalk_json_sync(
    input: Either<String, Buffer>,
    options: Option<NativeOptions>,
) -> Result<JsonText> {
    guarded(|| run_sync(input, options, Output::StackwalkJson))
}

/// Symbolicates a report (as JSON text) on the libuv thread pool; resolves to the report as JSON text.
#[napi(ts_return_type = "Promise<string>")]
pub fn symbolicate_report_async(
    report: String,
    options: Option<NativeOptions>,
) -> Result<AsyncTask<PoolJob<JsonText, JsonText>>> {
    guarded(|| {
        let options = self::options(options)?;
        Ok(pool_job(
            move || {
                minidump_report::symbolicate_report(&report, &options)
                    .map(JsonText::new)
                    .map_err(to_js)
            },
            std::convert::identity,
        ))
    })
}

/// Symbolicates a report (as JSON text) on the calling thread.
#[napi(ts_return_type = "string")]
pub fn symbolicate_report_sync(report: String, options: Option<NativeOptions>) -> Result<JsonText> {
    guarded(|| {
        minidump_report::symbolicate_report(&report, &self::options(options)?)
            .map(JsonText::new)
            .map_err(to_js)
    })
}

/// `checkMinidump`'s verdict as JavaScript receives it: `reason` and `code` are set when `complete` is false.
/// `size` is a double, because sizes above 4 GiB must fit.
#[napi(object)]
pub struct NativeCheck {
    pub complete: bool,
    pub size: f64,
    pub reason: Option<String>,
    /// `ERR_NOT_A_MINIDUMP`, `ERR_TRUNCATED` or `ERR_INVALID_MINIDUMP`.
    pub code: Option<String>,
}

fn check(source: Source<'_>) -> std::result::Result<minidump_report::Check, ReportError> {
    match source {
        Source::Path(p) => minidump_report::check_path(p),
        Source::Bytes(b) => minidump_report::check_bytes(b),
    }
}

fn native_check(c: minidump_report::Check) -> NativeCheck {
    let (code, reason) = c
        .problem
        .map(|(kind, reason)| (kind.code().to_string(), reason))
        .unzip();
    NativeCheck {
        complete: code.is_none(),
        size: c.size as f64,
        reason,
        code,
    }
}

/// Checks that a minidump is complete, on the libuv thread pool. I/O failures reject; verdicts resolve.
#[napi(ts_return_type = "Promise<NativeCheck>")]
pub fn check_minidump_async(
    input: Either<String, Buffer>,
) -> Result<AsyncTask<PoolJob<minidump_report::Check, NativeCheck>>> {
    guarded(|| {
        let input = match input {
            Either::A(path) => Input::Path(PathBuf::from(path)),
            Either::B(bytes) => Input::Bytes(bytes.to_vec()),
        };
        Ok(pool_job(
            move || check(input.source()).map_err(to_js),
            native_check,
        ))
    })
}

/// Checks that a minidump is complete, on the calling thread, reading a JavaScript buffer in place.
#[napi]
pub fn check_minidump_sync(input: Either<String, Buffer>) -> Result<NativeCheck> {
    guarded(|| {
        let source = match &input {
            Either::A(path) => Source::Path(Path::new(path)),
            Either::B(bytes) => Source::Bytes(bytes),
        };
        check(source).map(native_check).map_err(to_js)
    })
}

//! Test-only Node addon: makes a plain Node.js process a client of Crashpad's
//! real `crashpad_handler`, in Chromium's Linux arrangement, and crashes it
//! for real. The client itself is C (src/crashpad_client.c); this is its door.
//!
//! ```js
//! const addon = require('crash-addon.node');
//! // The browser process: starts the one handler of the app and becomes its client.
//! const { fd, pid } = addon.startHandler('/path/crashpad_handler', ['--database=DB', '--url=U'], logFile);
//! // A child that inherited `fd` (e.g. as its fd 4): a client of the same handler.
//! addon.setHandlerSocket(4, pid);
//! addon.setCrashKey('ptype', 'renderer');   // an annotation object of this module's CrashpadInfo
//! addon.crash('null_write');                // or 'abort'; never returns
//! ```
//!
//! On a crash, the signal handler asks the handler for a dump over the shared
//! socket and waits (at most 5 s) for it to be written; the process then dies
//! of its signal. Installed over Node's own handlers (V8's WebAssembly trap
//! handler is on SIGSEGV).

use std::{
    collections::BTreeMap,
    ffi::{c_char, c_int, CStr, CString},
};

use napi::{Error, Result, Status};
use napi_derive::napi;

// src/crash.c and src/crashpad_client.c, compiled by build.rs.
extern "C" {
    fn crash_addon_null_write();
    fn crash_addon_abort();
    fn cp_start_handler(
        argv: *const *const c_char,
        log_file: *const c_char,
        client_fd: *mut c_int,
        handler_pid: *mut c_int,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;
    fn cp_set_handler_socket(
        fd: c_int,
        handler_pid: c_int,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;
    fn cp_set_crash_key(
        key: *const c_char,
        value: *const c_char,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;
    fn cp_set_simple_annotation(
        key: *const c_char,
        value: *const c_char,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;
}

/// Where the C side writes why it failed.
struct ErrBuf([c_char; 512]);

impl ErrBuf {
    fn new() -> Self {
        ErrBuf([0; 512])
    }
    fn check(&self, status: c_int) -> Result<()> {
        if status == 0 {
            return Ok(());
        }
        // SAFETY: the C side always NUL-terminates what it writes (snprintf).
        let text = unsafe { CStr::from_ptr(self.0.as_ptr()) };
        Err(Error::new(
            Status::GenericFailure,
            text.to_string_lossy().into_owned(),
        ))
    }
}

fn c_string(what: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new(Status::InvalidArg, format!("{what} {s:?} holds a NUL")))
}

#[napi(object)]
pub struct StartedHandler {
    /// This process's end of the socket: children inherit it.
    pub fd: i32,
    /// The handler's pid, from the credentials of its first answer.
    pub pid: i32,
}

/// Starts `handler` with `args` (plus `--initial-client-fd` and
/// `--shared-client-connection`, as Chromium's CrashpadClient::StartHandler
/// adds them) and makes this process its first client. Its output goes to
/// `logFile` when given.
#[napi]
pub fn start_handler(
    handler: String,
    args: Vec<String>,
    log_file: Option<String>,
) -> Result<StartedHandler> {
    let mut argv = vec![c_string("handler", &handler)?];
    for arg in &args {
        argv.push(c_string("argument", arg)?);
    }
    argv.push(c_string("argument", "--initial-client-fd=")?);
    argv.push(c_string("argument", "--shared-client-connection")?);
    let mut pointers: Vec<*const c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    pointers.push(std::ptr::null());
    let log_file = log_file.map(|f| c_string("log file", &f)).transpose()?;
    let (mut fd, mut pid) = (-1, -1);
    let mut err = ErrBuf::new();
    // SAFETY: argv is a NULL-terminated array of C strings that outlive the
    // call (the C side swaps the placeholder's pointer, never writes through
    // them); the out-pointers and the error buffer are valid.
    let status = unsafe {
        cp_start_handler(
            pointers.as_ptr(),
            log_file.as_ref().map_or(std::ptr::null(), |f| f.as_ptr()),
            &mut fd,
            &mut pid,
            err.0.as_mut_ptr(),
            err.0.len(),
        )
    };
    err.check(status)?;
    Ok(StartedHandler { fd, pid })
}

/// Makes this process a client of the handler behind the inherited `fd`.
#[napi]
pub fn set_handler_socket(fd: i32, pid: i32) -> Result<()> {
    let mut err = ErrBuf::new();
    // SAFETY: plain values and a valid error buffer.
    let status = unsafe { cp_set_handler_socket(fd, pid, err.0.as_mut_ptr(), err.0.len()) };
    err.check(status)
}

type SetFn = unsafe extern "C" fn(*const c_char, *const c_char, *mut c_char, usize) -> c_int;

/// Calls `set` for each entry: the value, or NULL for a `null` value.
fn set_each(entries: BTreeMap<String, Option<String>>, what: &str, set: SetFn) -> Result<()> {
    for (key, value) in entries {
        let key = c_string(what, &key)?;
        let value = value.map(|v| c_string(what, &v)).transpose()?;
        let mut err = ErrBuf::new();
        // SAFETY: valid C strings (or NULL for the value) and error buffer.
        let status = unsafe {
            set(
                key.as_ptr(),
                value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr()),
                err.0.as_mut_ptr(),
                err.0.len(),
            )
        };
        err.check(status)?;
    }
    Ok(())
}

/// Sets (or, with `null`, clears) crash keys: annotation objects of this
/// module's CrashpadInfo, read by the handler from this process's memory.
#[napi]
pub fn set_crash_keys(keys: BTreeMap<String, Option<String>>) -> Result<()> {
    set_each(keys, "crash key", cp_set_crash_key)
}

/// Sets (or, with `null`, removes) simple annotations of this module's
/// CrashpadInfo (at most 64; keys under 256 bytes, values cut at 255).
#[napi]
pub fn set_simple_annotations(annotations: BTreeMap<String, Option<String>>) -> Result<()> {
    set_each(annotations, "simple annotation", cp_set_simple_annotation)
}

/// Crashes this process natively: `null_write` (SIGSEGV in
/// `crash_addon_null_write`) or `abort` (SIGABRT from `crash_addon_abort`).
#[napi(
    ts_args_type = "kind: 'null_write' | 'abort'",
    ts_return_type = "never"
)]
pub fn crash(kind: String) -> Result<()> {
    let crasher: unsafe extern "C" fn() = match kind.as_str() {
        "null_write" => crash_addon_null_write,
        "abort" => crash_addon_abort,
        _ => {
            return Err(Error::new(
                Status::InvalidArg,
                format!("unknown crash kind {kind:?} (null_write, abort)"),
            ))
        }
    };
    // The dump is the point; a core file on top would only litter the cwd
    // (and Crashpad's handler wants core dumps off).
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a plain syscall on a valid struct; the C functions take no
    // arguments, and crashing is their contract.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        crasher();
    }
    Err(Error::new(
        Status::GenericFailure,
        format!("{kind} did not crash"),
    ))
}

//! Test-only Node addon: makes a plain Node.js process a Crashpad client of
//! crash-fixture's fake `crashpad_handler`, and crashes it for real.
//!
//! ```js
//! const addon = require('crash-addon.node');
//! addon.connectCrashHandler(socketName, { ptype: 'renderer', prod: 'Electron' });
//! addon.crash('null_write'); // or 'abort'; never returns
//! ```
//!
//! `connectCrashHandler` installs crash-handler's signal handlers in this
//! process, over Node's own (V8's WebAssembly trap handler is on SIGSEGV), and
//! connects to the handler's abstract socket; the annotations go to the
//! handler at once. Called again with the same socket it only sends the new
//! annotations, which replace the old ones. On a crash the signal handler asks
//! the handler for a dump and waits until it is written; the process then dies
//! of its signal. Under Yama, crash-handler names any process as allowed to
//! ptrace us for that moment (`PR_SET_PTRACER_ANY`): the handler is no
//! ancestor of ours.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use crash_handler::{make_crash_event, CrashEventResult, CrashHandler};
use minidumper::{Client, SocketName};
use napi::{Error, Result, Status};
use napi_derive::napi;

/// User message to the handler: this process's annotations. Payload: our pid
/// (u32, little-endian), then `key NUL value NUL` for each annotation; see
/// crates/crash-fixture/src/crashpad.rs, which reads it.
const MSG_ANNOTATIONS: u32 = 2;

// src/crash.c, compiled by build.rs.
extern "C" {
    fn crash_addon_null_write();
    fn crash_addon_abort();
}

struct Connection {
    socket_name: String,
    client: Arc<Client>,
    /// Kept for the life of the process: dropping it detaches the handlers.
    _handler: CrashHandler,
}

static CONNECTION: Mutex<Option<Connection>> = Mutex::new(None);

fn failure(message: impl std::fmt::Display) -> Error {
    Error::new(Status::GenericFailure, message.to_string())
}

/// Connects this process to the crash handler listening on the abstract
/// socket `socketName` and sends it `annotations`.
#[napi]
pub fn connect_crash_handler(
    socket_name: String,
    annotations: BTreeMap<String, String>,
) -> Result<()> {
    let message = annotations_message(&annotations)?;
    let mut connection = CONNECTION.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = &*connection {
        if existing.socket_name != socket_name {
            return Err(failure(format!(
                "already connected to crash handler {:?}",
                existing.socket_name
            )));
        }
        return send(&existing.client, message);
    }

    let client = Client::with_name(SocketName::abstract_namespace(&socket_name)).map_err(|e| {
        failure(format!(
            "cannot connect to crash handler {socket_name:?}: {e}"
        ))
    })?;
    let client = Arc::new(client);
    send(&client, message)?;

    let crash_client = Arc::clone(&client);
    // SAFETY: runs inside the signal handler; request_dump only sends on and
    // receives from an already connected socket, which is async-signal-safe.
    let handler = CrashHandler::attach(unsafe {
        make_crash_event(move |context| {
            // Dump written or not, the signal then takes its course.
            CrashEventResult::Handled(crash_client.request_dump(context).is_ok())
        })
    })
    .map_err(|e| failure(format!("cannot install the crash handler: {e}")))?;
    *connection = Some(Connection {
        socket_name,
        client,
        _handler: handler,
    });
    Ok(())
}

fn annotations_message(annotations: &BTreeMap<String, String>) -> Result<Vec<u8>> {
    let mut message = std::process::id().to_le_bytes().to_vec();
    for (key, value) in annotations {
        if key.is_empty() || key.contains('\0') || value.contains('\0') {
            return Err(Error::new(
                Status::InvalidArg,
                format!("annotation {key:?}: keys must be non-empty, and neither may hold NUL"),
            ));
        }
        for field in [key, value] {
            message.extend_from_slice(field.as_bytes());
            message.push(0);
        }
    }
    Ok(message)
}

fn send(client: &Client, message: Vec<u8>) -> Result<()> {
    client
        .send_message(MSG_ANNOTATIONS, message)
        .map_err(|e| failure(format!("cannot send annotations to the crash handler: {e}")))
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
    // The dump is the point; a core file on top would only litter the cwd.
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
    Err(failure(format!("{kind} did not crash")))
}

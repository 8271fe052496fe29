//! The one place a panic stops. The core crates return errors and let a bug unwind; every napi entry point
//! (each sync twin and each task's `compute`) runs its work through `guarded`, so a panic anywhere below
//! becomes an `ERR_INTERNAL: …` error in JavaScript instead of unwinding into Node (undefined behaviour) or
//! aborting the host app (`panic = "unwind"` in the release profile keeps it catchable).

use napi::{Error, Result, Status};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; a panic becomes `ERR_INTERNAL` with the panic's message.
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err(Error::new(
            Status::GenericFailure,
            format!("ERR_INTERNAL: internal error in the native core: {msg}"),
        ))
    })
}

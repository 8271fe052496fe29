//! Sentry envelopes for crash reports, built natively so a large minidump never passes through the JS
//! heap: the envelope header and items (JSON, in-memory bytes, or a file streamed in chunks), optionally
//! gzipped, written to any `Write` or atomically to a queue file. Also: a minidump stripped of all memory
//! but thread stacks (crates/minidump-layout's strip, written atomically here), for servers that refuse the
//! full dump as too large.
//!
//! No napi here: the binding (`src/lib.rs` at the repository root) maps `EnvelopeError::code()` to JS.

mod atomic;
mod downgrade;
mod envelope;
mod error;
mod gzip;

pub use atomic::{write_atomic, Written};
pub use downgrade::{downgrade_envelope_file, DowngradeMode, Downgraded};
pub use envelope::{build_envelope, write_envelope, Item, Payload, Spec, DEFAULT_GZIP_LEVEL};
pub use error::EnvelopeError;
pub use minidump_layout::Stripped;

/// Writes the envelope to `dest` atomically (temp file, fsync, rename, directory fsync); returns the
/// size and SHA-256 of the file, which is the gzipped envelope when the spec asks for gzip.
pub fn write_envelope_file(
    spec: &Spec<'_>,
    dest: &std::path::Path,
) -> Result<Written, EnvelopeError> {
    write_atomic(dest, |out| write_envelope(spec, out).map(drop))
}

/// Writes `dst` (atomically) as `src` with every memory region that is not a thread's stack removed. The dump's
/// layout is read and the strip planned before `dst` is created.
pub fn strip_minidump_memory(
    src: &std::path::Path,
    dst: &std::path::Path,
) -> Result<Stripped, EnvelopeError> {
    let io = |e| EnvelopeError::io(src, e);
    let mut file = std::fs::File::open(src).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let plan = minidump_layout::StripPlan::new(&mut file, len)?;
    let written = write_atomic(dst, |out| Ok(plan.write(&mut file, out).map(drop)?))?;
    Ok(Stripped {
        bytes: written.bytes,
        ..plan.outcome()
    })
}

/// `strip_minidump_memory` for a dump held in memory, written to `out`.
pub fn strip_minidump_bytes(
    src: &[u8],
    out: &mut dyn std::io::Write,
) -> Result<Stripped, EnvelopeError> {
    Ok(minidump_layout::strip_bytes(src, out)?)
}

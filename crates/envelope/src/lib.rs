//! Sentry envelopes for crash reports, built natively so a large minidump never passes through the JS
//! heap: the envelope header and items (JSON, in-memory bytes, or a file streamed in chunks), optionally
//! gzipped, written to any `Write` or atomically to a queue file. Also: a minidump stripped of all memory
//! but thread stacks, for servers that refuse the full dump as too large.
//!
//! No napi here: the binding (`src/lib.rs` at the repository root) maps `EnvelopeError::code()` to JS.

mod atomic;
mod downgrade;
mod envelope;
mod error;
mod gzip;
mod layout;
mod strip;

pub use atomic::{write_atomic, Written};
pub use downgrade::{downgrade_envelope_file, DowngradeMode, Downgraded};
pub use envelope::{build_envelope, write_envelope, Item, Payload, Spec, DEFAULT_GZIP_LEVEL};
pub use error::EnvelopeError;
pub use strip::{strip_minidump_bytes, strip_minidump_memory, Stripped};

/// Writes the envelope to `dest` atomically (temp file, fsync, rename, directory fsync); returns the
/// size and SHA-256 of the file, which is the gzipped envelope when the spec asks for gzip.
pub fn write_envelope_file(
    spec: &Spec<'_>,
    dest: &std::path::Path,
) -> Result<Written, EnvelopeError> {
    write_atomic(dest, |out| write_envelope(spec, out).map(drop))
}

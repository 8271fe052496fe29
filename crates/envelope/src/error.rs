//! The one error type of the envelope crate, with the stable codes JavaScript sees.

use std::fmt;

/// Why an envelope could not be built or a minidump could not be stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// A file could not be opened, read, written, synced or renamed.
    Io(String),
    /// An attachment file changed size while it was streamed into the envelope: the bytes sent would
    /// not match the `length` already written, so the envelope is refused rather than corrupt.
    FileChanged(String),
    /// The caller's spec is malformed: header not a JSON object, item without payload, bad gzip level.
    InvalidArgument(String),
    /// The input to `strip_minidump_memory` does not start with the `MDMP` signature.
    NotAMinidump,
    /// The input claims to be a minidump but a structure it needs is truncated or malformed.
    InvalidMinidump(String),
    /// A bug: a structure the crate built itself does not hold together.
    Internal(String),
}

impl EnvelopeError {
    /// Every code `code` returns, for the TypeScript contract (crates/contract); a test keeps them in step.
    pub const CODES: &'static [&'static str] = &[
        "ERR_IO",
        "ERR_FILE_CHANGED",
        "ERR_INVALID_ARGUMENT",
        "ERR_NOT_A_MINIDUMP",
        "ERR_INVALID_MINIDUMP",
        "ERR_INTERNAL",
    ];

    /// The stable code carried to JavaScript as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            EnvelopeError::Io(_) => "ERR_IO",
            EnvelopeError::FileChanged(_) => "ERR_FILE_CHANGED",
            EnvelopeError::InvalidArgument(_) => "ERR_INVALID_ARGUMENT",
            EnvelopeError::NotAMinidump => "ERR_NOT_A_MINIDUMP",
            EnvelopeError::InvalidMinidump(_) => "ERR_INVALID_MINIDUMP",
            EnvelopeError::Internal(_) => "ERR_INTERNAL",
        }
    }

    /// An I/O error, with the path it concerns.
    pub(crate) fn io(path: &std::path::Path, e: std::io::Error) -> Self {
        EnvelopeError::Io(format!("{}: {e}", path.display()))
    }
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::Io(msg) => write!(f, "{msg}"),
            EnvelopeError::FileChanged(msg) => write!(f, "file changed while it was read: {msg}"),
            EnvelopeError::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
            EnvelopeError::NotAMinidump => write!(f, "not a minidump (no MDMP signature)"),
            EnvelopeError::InvalidMinidump(msg) => {
                write!(f, "truncated or invalid minidump: {msg}")
            }
            EnvelopeError::Internal(msg) => {
                write!(f, "internal error in the envelope builder: {msg}")
            }
        }
    }
}

impl std::error::Error for EnvelopeError {}

impl From<minidump_layout::LayoutError> for EnvelopeError {
    fn from(e: minidump_layout::LayoutError) -> Self {
        use minidump_layout::LayoutError as L;
        match e {
            L::NotAMinidump => EnvelopeError::NotAMinidump,
            L::Invalid(msg) => EnvelopeError::InvalidMinidump(msg),
            L::Io(msg) => EnvelopeError::Io(msg),
            L::Internal(msg) => EnvelopeError::Internal(msg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed() {
        let all = [
            EnvelopeError::Io(String::new()),
            EnvelopeError::FileChanged(String::new()),
            EnvelopeError::InvalidArgument(String::new()),
            EnvelopeError::NotAMinidump,
            EnvelopeError::InvalidMinidump(String::new()),
            EnvelopeError::Internal(String::new()),
        ];
        let codes: Vec<&str> = all.iter().map(EnvelopeError::code).collect();
        assert_eq!(codes, EnvelopeError::CODES);
    }
}

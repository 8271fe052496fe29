//! The one error type of the core, with the stable codes JavaScript sees.

use std::fmt;

/// Why a minidump could not be turned into a report at all.
///
/// Damage that still leaves a readable dump is not an error: it becomes a `Warning` beside the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// The file could not be opened, stat'ed or mapped.
    Io(String),
    /// The input does not start with the `MDMP` signature.
    NotAMinidump,
    /// The input claims to be a minidump but its header or directory is truncated or malformed.
    Invalid(String),
    /// The input is larger than the configured `max_input_bytes`.
    TooLarge { size: u64, limit: u64 },
    /// The caller cancelled the parse.
    Aborted,
    /// An option was out of range.
    InvalidArgument(String),
    /// A bug: the parser could not serialise what it built.
    Internal(String),
}

impl ReportError {
    /// Every code `code` returns, for the TypeScript contract (crates/contract); a test keeps them in step.
    pub const CODES: &'static [&'static str] = &[
        "ERR_IO",
        "ERR_NOT_A_MINIDUMP",
        "ERR_INVALID_MINIDUMP",
        "ERR_TOO_LARGE",
        "ERR_ABORTED",
        "ERR_INVALID_ARGUMENT",
        "ERR_INTERNAL",
    ];

    /// The stable code carried to JavaScript as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::Io(_) => "ERR_IO",
            ReportError::NotAMinidump => "ERR_NOT_A_MINIDUMP",
            ReportError::Invalid(_) => "ERR_INVALID_MINIDUMP",
            ReportError::TooLarge { .. } => "ERR_TOO_LARGE",
            ReportError::Aborted => "ERR_ABORTED",
            ReportError::InvalidArgument(_) => "ERR_INVALID_ARGUMENT",
            ReportError::Internal(_) => "ERR_INTERNAL",
        }
    }
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Io(msg) => write!(f, "cannot read the minidump: {msg}"),
            ReportError::NotAMinidump => write!(f, "not a minidump (no MDMP signature)"),
            ReportError::Invalid(msg) => write!(f, "truncated or invalid minidump: {msg}"),
            ReportError::TooLarge { size, limit } => {
                write!(
                    f,
                    "minidump is {size} bytes, above the limit of {limit} bytes"
                )
            }
            ReportError::Aborted => write!(f, "the parse was aborted"),
            ReportError::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
            ReportError::Internal(msg) => write!(f, "internal error in the minidump parser: {msg}"),
        }
    }
}

impl std::error::Error for ReportError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed() {
        let all = [
            ReportError::Io(String::new()),
            ReportError::NotAMinidump,
            ReportError::Invalid(String::new()),
            ReportError::TooLarge { size: 0, limit: 0 },
            ReportError::Aborted,
            ReportError::InvalidArgument(String::new()),
            ReportError::Internal(String::new()),
        ];
        let codes: Vec<&str> = all.iter().map(ReportError::code).collect();
        assert_eq!(codes, ReportError::CODES);
    }
}

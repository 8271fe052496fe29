//! Why a dump could not be stripped. The envelope crate maps these to its own codes.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// The input does not start with the `MDMP` signature.
    NotAMinidump,
    /// The input claims to be a minidump but a structure it needs is truncated or malformed.
    Invalid(String),
    /// The dump could not be read, or the stripped dump could not be written.
    Io(String),
    /// A bug: a structure the plan built itself does not hold together.
    Internal(String),
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::NotAMinidump => write!(f, "not a minidump (no MDMP signature)"),
            LayoutError::Invalid(msg) => write!(f, "truncated or invalid minidump: {msg}"),
            LayoutError::Io(msg) => write!(f, "{msg}"),
            LayoutError::Internal(msg) => {
                write!(f, "internal error in the minidump stripper: {msg}")
            }
        }
    }
}

impl std::error::Error for LayoutError {}

pub(crate) fn invalid(msg: impl Into<String>) -> LayoutError {
    LayoutError::Invalid(msg.into())
}

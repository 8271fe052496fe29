//! What a caller can ask of a parse, and how it cancels one.

use crate::ReportError;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Options {
    /// Walk every thread, not only the crashing one.
    pub all_threads: bool,
    /// Walk these threads (by id) as well as the crashing one.
    pub thread_ids: Vec<u32>,
    /// Symbol roots in the store layout `<debug_file>/<DEBUG_ID>/<name>.sym`.
    pub symbol_paths: Vec<PathBuf>,
    /// Symbol servers (base URLs) with the same layout, asked after the roots.
    pub symbol_servers: Vec<String>,
    /// Keeps `.sym` files with their preprocessed indexes, and servers' "not found"; `None` writes nothing.
    pub cache_dir: Option<PathBuf>,
    /// Per request to a symbol server; transient failures are retried twice.
    pub symbol_timeout: std::time::Duration,
    /// Frames kept per thread.
    pub max_frames: usize,
    /// Inputs above this size are refused before anything is read.
    pub max_input_bytes: u64,
}

pub const DEFAULT_MAX_FRAMES: usize = 256;
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

impl Default for Options {
    fn default() -> Self {
        Options {
            all_threads: false,
            thread_ids: Vec::new(),
            symbol_paths: Vec::new(),
            symbol_servers: Vec::new(),
            cache_dir: None,
            symbol_timeout: std::time::Duration::from_secs(30),
            max_frames: DEFAULT_MAX_FRAMES,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

/// Shared flag a caller sets to stop a parse between threads.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn check(&self) -> Result<(), ReportError> {
        if self.is_cancelled() {
            Err(ReportError::Aborted)
        } else {
            Ok(())
        }
    }
}

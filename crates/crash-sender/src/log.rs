//! The sender's own log, `<sentry>/sender.log`: its stdout and stderr go nowhere (it outlives main), and a
//! line per step is what tells an app developer why a crash was or was not sent. Bounded: restarted past 64 KiB.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

const MAX_LOG_BYTES: u64 = 64 * 1024;

pub struct Log {
    path: Option<PathBuf>,
}

impl Log {
    pub fn new(path: Option<PathBuf>) -> Log {
        Log { path }
    }

    pub fn line(&self, message: &str) {
        let Some(path) = &self.path else { return };
        if fs::metadata(path).is_ok_and(|m| m.len() > MAX_LOG_BYTES) {
            let _ = fs::remove_file(path);
        }
        if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(path) {
            let _ = writeln!(
                f,
                "{} [{}] {message}",
                crate::ledger::now_ms(),
                std::process::id()
            );
        }
    }
}

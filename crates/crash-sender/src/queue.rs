//! Entries of the SDK's durable queue (ts/transport/queue.ts, queue-entry.ts), written and claimed in its exact
//! format, so that whatever this process does not deliver the next launch sends, and nothing twice:
//! written to `tmp/<entry>~<pid>.tmp`, fsynced, renamed into `entries/<entry>`; claimed by an atomic rename to
//! `sending/<entry>~<pid>~<ms>` (a claim of a dead pid is returned by the SDK's `recover`); acked by deletion.

use crate::ledger::now_ms;
use envelope::{write_envelope_file, EnvelopeError, Spec};
use std::fs;
use std::path::{Path, PathBuf};

pub struct Queue {
    entries: PathBuf,
    tmp: PathBuf,
    sending: PathBuf,
}

/// A published entry.
pub struct Entry {
    pub name: String,
    pub categories: Vec<String>,
}

/// An entry this process took out of the queue to send.
pub struct Claimed {
    pub path: PathBuf,
    back: PathBuf,
}

impl Claimed {
    /// Delivered (or refused for good): gone.
    pub fn ack(self) {
        let _ = fs::remove_file(&self.path);
    }
    /// Not delivered: back under its own name, for the next launch's replay.
    pub fn release(self) {
        let _ = fs::rename(&self.path, &self.back);
    }
}

impl Queue {
    pub fn new(dir: &Path) -> Queue {
        Queue {
            entries: dir.join("entries"),
            tmp: dir.join("tmp"),
            sending: dir.join("sending"),
        }
    }

    /// A crash entry's name (`.c.`: never evicted for a lesser envelope), queue-entry.ts's `entryNameFor`.
    pub fn entry_name(categories: &[&str], now: u64, sequence: u32) -> String {
        let rand = (now as u32
            ^ std::process::id().rotate_left(11)
            ^ sequence.wrapping_mul(2_654_435_761))
            & 0xff_ffff;
        format!(
            "{:013}-{:06}-{}-{:06x}.c.{}.env.gz",
            now,
            sequence % 1_000_000,
            std::process::id(),
            rand,
            categories.join("+")
        )
    }

    /// Writes the envelope as a complete crash entry.
    pub fn push(&self, spec: &Spec<'_>, categories: &[&str]) -> Result<Entry, EnvelopeError> {
        for dir in [&self.entries, &self.tmp, &self.sending] {
            fs::create_dir_all(dir)
                .map_err(|e| EnvelopeError::Io(format!("{}: {e}", dir.display())))?;
        }
        let name = Self::entry_name(categories, now_ms(), 1);
        let tmp = self.tmp.join(format!("{name}~{}.tmp", std::process::id()));
        let published = write_envelope_file(spec, &tmp).and_then(|_| {
            let dest = self.entries.join(&name);
            fs::rename(&tmp, &dest)
                .map_err(|e| EnvelopeError::Io(format!("{}: {e}", dest.display())))
        });
        if let Err(e) = published {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        if let Ok(d) = fs::File::open(&self.entries) {
            let _ = d.sync_all();
        }
        Ok(Entry {
            name,
            categories: categories.iter().map(|c| c.to_string()).collect(),
        })
    }

    /// Takes `entry` for sending; `None` when another process (the SDK's replay) won it.
    pub fn claim(&self, entry: &Entry) -> Option<Claimed> {
        let from = self.entries.join(&entry.name);
        let to = self.sending.join(format!(
            "{}~{}~{}",
            entry.name,
            std::process::id(),
            now_ms()
        ));
        fs::rename(&from, &to).ok()?;
        Some(Claimed {
            path: to,
            back: from,
        })
    }
}

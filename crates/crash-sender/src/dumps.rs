//! Main's report in Crashpad's database, once main is gone (see ts/main/native-crashes/database.ts for the
//! layout): a finished `.dmp` (in `completed/`, `pending/` or `reports/`, without a fresh `.lock`) written during
//! main's run whose minidump names main's pid. Crashpad writes it while main is held in its signal handler, so
//! it is usually there when main's death is seen; the wait for it is bounded.

use minidump_report::{parse_path, CancelToken, Options, Report};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const FINISHED_DIRS: [&str; 3] = ["completed", "pending", "reports"];
const STALE_LOCK: Duration = Duration::from_secs(5 * 60);
/// Between looks, once main is gone (never while it runs).
const LOOK_EVERY: Duration = Duration::from_millis(100);
/// Nothing being written and nothing found after this long: main ended without a crash.
const NOTHING_AFTER: Duration = Duration::from_millis(1500);
/// Dumps looked at in one pass: a crash loop's database is not read whole.
const MAX_CANDIDATES: usize = 64;

pub struct Found {
    pub path: PathBuf,
    /// Crashpad's report id (the file name, lower case).
    pub id: String,
    pub report: Report,
}

pub struct Finder<'a> {
    pub database: &'a Path,
    pub main_pid: u32,
    /// ms since the epoch.
    pub run_start: f64,
    pub options: Options,
}

impl Finder<'_> {
    /// Waits (at most `wait`) for main's finished report.
    pub fn find(&self, wait: Duration) -> Option<Found> {
        let started = Instant::now();
        let mut rejected = HashSet::new();
        loop {
            if let Some(found) = self.look(&mut rejected) {
                return Some(found);
            }
            let elapsed = started.elapsed();
            if elapsed >= wait || (elapsed >= NOTHING_AFTER && !self.in_progress()) {
                return None;
            }
            std::thread::sleep(LOOK_EVERY);
        }
    }

    fn look(&self, rejected: &mut HashSet<PathBuf>) -> Option<Found> {
        for path in self.candidates(rejected) {
            let id = path.file_stem()?.to_string_lossy().to_ascii_lowercase();
            match parse_path(&path, &self.options, &CancelToken::default()) {
                Ok(report) if report.process_id == Some(self.main_pid) && is_browser(&report) => {
                    return Some(Found { path, id, report });
                }
                // Another process's dump (main's SDK reports those), or unreadable: not main's.
                _ => {
                    rejected.insert(path);
                }
            }
        }
        None
    }

    fn candidates(&self, rejected: &HashSet<PathBuf>) -> Vec<PathBuf> {
        let since = SystemTime::UNIX_EPOCH + Duration::from_millis(self.run_start.max(0.0) as u64);
        let mut out = Vec::new();
        for dir in FINISHED_DIRS {
            let Ok(names) = fs::read_dir(self.database.join(dir)) else {
                continue;
            };
            for entry in names.flatten().take(4 * MAX_CANDIDATES) {
                let path = entry.path();
                if path.extension() != Some(std::ffi::OsStr::new("dmp")) || rejected.contains(&path)
                {
                    continue;
                }
                let Ok(meta) = entry.metadata() else { continue };
                let fresh = meta
                    .modified()
                    .is_ok_and(|m| m + Duration::from_secs(1) >= since);
                if meta.is_file() && fresh && !fresh_lock(&path.with_extension("lock")) {
                    out.push(path);
                }
                if out.len() >= MAX_CANDIDATES {
                    return out;
                }
            }
        }
        out
    }

    /// Whether Crashpad is writing a report now (something in `new/`).
    fn in_progress(&self) -> bool {
        fs::read_dir(self.database.join("new")).is_ok_and(|mut d| d.next().is_some())
    }
}

fn is_browser(report: &Report) -> bool {
    matches!(
        report.process_type.as_deref(),
        None | Some("") | Some("browser")
    )
}

fn fresh_lock(lock: &Path) -> bool {
    fs::metadata(lock)
        .and_then(|m| m.modified())
        .is_ok_and(|m| SystemTime::now().duration_since(m).unwrap_or_default() < STALE_LOCK)
}

/// Deletes the report as the SDK does (database.ts's `deleteReport`): the dump, its `.meta`, its attachments.
pub fn delete_report(database: &Path, dump: &Path, id: &str) {
    let _ = fs::remove_file(dump);
    let _ = fs::remove_file(dump.with_extension("meta"));
    let stem = dump
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| id.into());
    let _ = fs::remove_dir_all(database.join("attachments").join(stem));
}

/// Seconds since the epoch, now.
pub fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

//! The claim and the ledger of ts/main/native-crashes/ledger.ts, in the same files and format, so that the SDK
//! in any app instance (and at the next launch) sees a dump this process reports as taken, then as handled:
//! `<sentry>/claims/<report id>` (exclusive create, `{"pid","at"}`) and `<sentry>/native-reported.json` (the ids).

use serde_json::Value;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// As ledger.ts: a claim older than this is abandoned whatever its pid; the ledger keeps the last 1000 ids.
const STALE_CLAIM_MS: u64 = 10 * 60 * 1000;
const LEDGER_SIZE: usize = 1000;
/// The ledger holds 1000 UUIDs: anything much larger is not one.
const MAX_LEDGER_BYTES: u64 = 256 * 1024;

pub struct Ledger {
    claims: PathBuf,
    file: PathBuf,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Ledger {
    pub fn new(sentry_dir: &Path) -> Ledger {
        Ledger {
            claims: sentry_dir.join("claims"),
            file: sentry_dir.join("native-reported.json"),
        }
    }

    /// True when this process now owns `id`; false when another live process does.
    pub fn claim(&self, id: &str) -> std::io::Result<bool> {
        let file = self.claims.join(safe_name(id));
        for _ in 0..3 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&file)
            {
                Ok(mut f) => {
                    let body = format!("{{\"pid\":{},\"at\":{}}}", std::process::id(), now_ms());
                    f.write_all(body.as_bytes())?;
                    return Ok(true);
                }
                Err(e) if e.kind() == ErrorKind::NotFound => fs::create_dir_all(&self.claims)?,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if !is_stale(&file) {
                        return Ok(false);
                    }
                    let _ = fs::remove_file(&file);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    pub fn release(&self, id: &str) {
        let _ = fs::remove_file(self.claims.join(safe_name(id)));
    }

    pub fn handled(&self, id: &str) -> bool {
        self.read().iter().any(|x| x == id)
    }

    /// Records `id` as handled; call while holding its claim. Temp file then rename, as ledger.ts.
    pub fn record(&self, id: &str) -> std::io::Result<()> {
        let mut ids: Vec<String> = self.read().into_iter().filter(|x| x != id).collect();
        ids.push(id.to_string());
        let keep = ids.split_off(ids.len().saturating_sub(LEDGER_SIZE));
        if let Some(dir) = self.file.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = PathBuf::from(format!(
            "{}.{}.tmp",
            self.file.display(),
            std::process::id()
        ));
        fs::write(
            &tmp,
            serde_json::to_vec(&keep).unwrap_or_else(|_| b"[]".to_vec()),
        )?;
        fs::rename(&tmp, &self.file)
    }

    fn read(&self) -> Vec<String> {
        let Ok(meta) = fs::metadata(&self.file) else {
            return Vec::new();
        };
        if meta.len() > MAX_LEDGER_BYTES {
            return Vec::new();
        }
        match fs::read(&self.file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        {
            Some(Value::Array(a)) => a
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn is_stale(file: &Path) -> bool {
    let Some(claim) = fs::read(file)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    else {
        return true; // torn by a crash mid-write
    };
    let at = claim.get("at").and_then(Value::as_u64).unwrap_or(0);
    let pid = claim.get("pid").and_then(Value::as_i64).unwrap_or(0);
    if now_ms().saturating_sub(at) > STALE_CLAIM_MS {
        return true;
    }
    if pid == i64::from(std::process::id()) {
        return false;
    }
    !crate::wait::pid_alive(pid)
}

/// Report ids are UUIDs; anything else is hex-escaped (as ledger.ts) so it never names a path elsewhere.
pub fn safe_name(id: &str) -> String {
    let plain = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if plain {
        return id.to_string();
    }
    let hex: String = id.bytes().map(|b| format!("{b:02x}")).collect();
    hex.chars().take(128).collect()
}

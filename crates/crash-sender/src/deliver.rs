//! One delivery attempt of a queue entry: the gzipped envelope streamed as the body, to the DSN's envelope
//! endpoint, through the proxy the environment names (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, read by ureq's
//! default configuration), over rustls with webpki's roots. Rate limits: the deadlines the SDK's transport keeps
//! in `<queue>/rate-limits.json` are honoured, and a 429's are added to them, for the next launch.

use crate::ledger::now_ms;
use serde_json::{Map, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Sentry's limit for a compressed envelope: a larger entry is left to the SDK, which sends it smaller.
pub const MAX_COMPRESSED_BYTES: u64 = 20 * 1024 * 1024;
const MAX_LIMITS_BYTES: u64 = 64 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Kept in the queue for the next launch (network, 5xx, 429, rate-limited, too large).
    Retry(String),
    /// Refused for good (4xx other than 413 and 429).
    Dropped(u16),
}

pub struct RateLimits {
    file: PathBuf,
}

impl RateLimits {
    pub fn new(queue_dir: &Path) -> RateLimits {
        RateLimits {
            file: queue_dir.join("rate-limits.json"),
        }
    }

    fn read(&self) -> Map<String, Value> {
        let small = fs::metadata(&self.file).is_ok_and(|m| m.len() <= MAX_LIMITS_BYTES);
        match small
            .then(|| fs::read(&self.file).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice(&b).ok())
        {
            Some(Value::Object(o)) => o,
            _ => Map::new(),
        }
    }

    /// The deadline (ms) before which `category` may not be sent.
    pub fn disabled_until(&self, category: &str) -> u64 {
        let limits = self.read();
        let at = |k: &str| {
            limits
                .get(k)
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
                .max(0.0) as u64
        };
        at(category).max(at("all"))
    }

    /// Folds a response's limits in (the later deadline wins), as ts/transport/rate-limits.ts merges them.
    pub fn update(&self, status: u16, rate_limits: Option<&str>, retry_after: Option<&str>) {
        let fresh = parse_limits(status, rate_limits, retry_after, now_ms());
        if fresh.is_empty() {
            return;
        }
        let mut limits = self.read();
        for (category, until) in fresh {
            let old = limits.get(&category).and_then(Value::as_f64).unwrap_or(0.0);
            limits.insert(category, Value::from(old.max(until as f64)));
        }
        let tmp = self
            .file
            .with_extension(format!("json.{}.tmp", std::process::id()));
        if fs::write(&tmp, Value::Object(limits).to_string()).is_ok() {
            let _ = fs::rename(&tmp, &self.file);
        }
    }
}

/// `X-Sentry-Rate-Limits` (`<seconds>:<cat;cat>:<scope>, …`; no categories: all), else `Retry-After`, else a
/// bare 429's 60 s, as @sentry/core's `updateRateLimits`.
pub fn parse_limits(
    status: u16,
    rate_limits: Option<&str>,
    retry_after: Option<&str>,
    now: u64,
) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    if let Some(header) = rate_limits {
        for group in header.trim().split(',') {
            let mut parts = group.trim().split(':');
            let seconds = parts
                .next()
                .and_then(|s| s.trim().parse::<f64>().ok())
                .unwrap_or(60.0);
            let until = now + (seconds.max(0.0) * 1000.0) as u64;
            match parts.next().map(str::trim).filter(|c| !c.is_empty()) {
                None => out.push(("all".into(), until)),
                Some(categories) => {
                    out.extend(categories.split(';').map(|c| (c.to_string(), until)))
                }
            }
        }
    } else if let Some(seconds) = retry_after.and_then(|s| s.trim().parse::<f64>().ok()) {
        out.push(("all".into(), now + (seconds.max(0.0) * 1000.0) as u64));
    } else if status == 429 {
        out.push(("all".into(), now + 60_000));
    }
    out
}

/// One attempt at the gzipped envelope `file`, whose items count against `categories`.
pub fn deliver_file(
    url: &str,
    file: &Path,
    categories: &[String],
    limits: &RateLimits,
    timeout: Duration,
) -> Outcome {
    let now = now_ms();
    if let Some(c) = categories.iter().find(|c| limits.disabled_until(c) > now) {
        return Outcome::Retry(format!("rate-limited ({c})"));
    }
    let size = match fs::metadata(file) {
        Ok(m) => m.len(),
        Err(e) => return Outcome::Retry(format!("{}: {e}", file.display())),
    };
    if size > MAX_COMPRESSED_BYTES {
        return Outcome::Retry(format!(
            "{size} bytes: too large for one envelope, left to the SDK"
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut body = match fs::File::open(file) {
        Ok(f) => f,
        Err(e) => return Outcome::Retry(format!("{}: {e}", file.display())),
    };
    let response = agent
        .post(url)
        .header("content-type", "application/x-sentry-envelope")
        .header("content-encoding", "gzip")
        .header("content-length", size.to_string())
        .send(ureq::SendBody::from_reader(&mut body));
    let response = match response {
        Ok(r) => r,
        Err(e) => return Outcome::Retry(format!("network: {e}")),
    };
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok());
    limits.update(
        status,
        header("x-sentry-rate-limits"),
        header("retry-after"),
    );
    match status {
        200..=299 => Outcome::Sent,
        413 | 429 | 500.. => Outcome::Retry(format!("HTTP {status}")),
        other => Outcome::Dropped(other),
    }
}

//! What init() tells the sender, as one JSON argument (no file to write on main's thread): main's pid, where the
//! Crashpad database, the SDK's folder and its queue are, where to send, and the options the event depends on.

use crate::event::Policy;
use serde::Deserialize;
use std::path::PathBuf;

/// An argument this long is not one init() wrote.
pub const MAX_CONFIG_BYTES: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    pub main_pid: u32,
    /// Crashpad's database (`app.getPath('crashDumps')`).
    pub database: PathBuf,
    /// `<userData>/sentry`: run-scope.json, the ledger and its claims.
    pub sentry_dir: PathBuf,
    pub queue_dir: PathBuf,
    /// The envelope endpoint with its auth in the query (ts/transport/dsn.ts); none: queue only.
    pub url: Option<String>,
    pub dsn: Option<String>,
    /// When main's run started (ms since the epoch): older dumps are not this run's.
    pub run_start: f64,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub dist: Option<String>,
    pub policy: String,
    #[serde(default)]
    pub send_default_pii: bool,
    pub home: Option<String>,
    #[serde(default)]
    pub threads_crashed_only: bool,
    #[serde(default)]
    pub symbol_paths: Vec<PathBuf>,
    /// How long, once main is gone, Crashpad has to finish main's report (default 10 s).
    pub crash_wait_ms: Option<u64>,
    pub sdk_name: String,
    pub sdk_version: String,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl ConfigError {
    pub const CODE: &'static str = "E_SENDER_CONFIG";
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", Self::CODE, self.0)
    }
}

impl Config {
    pub fn parse(raw: &str) -> Result<(Config, Policy), ConfigError> {
        if raw.len() > MAX_CONFIG_BYTES {
            return Err(ConfigError(format!(
                "{} bytes (limit {MAX_CONFIG_BYTES})",
                raw.len()
            )));
        }
        let config: Config = serde_json::from_str(raw).map_err(|e| ConfigError(e.to_string()))?;
        let policy = Policy::parse(&config.policy)
            .ok_or_else(|| ConfigError(format!("policy {:?}", config.policy)))?;
        if config.main_pid == 0 {
            return Err(ConfigError("mainPid 0".into()));
        }
        if let Some(url) = &config.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ConfigError("url is not http(s)".into()));
            }
        }
        Ok((config, policy))
    }
}

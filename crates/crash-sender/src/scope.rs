//! The scope main spools to `<userData>/sentry/run-scope.json` (ts/main/native-crashes/run-scope.ts), read by a
//! process that trusts nothing it reads: bounded in size, every field checked for its type, anything else left
//! out. Applied to the event as @sentry/core's `applyScopeDataToEvent` and `applyClientOptions` apply a scope.

use serde_json::{Map, Value};
use std::io::Read;
use std::path::Path;

/// The spool holds at most 50 breadcrumbs and the scope's maps: a megabyte is far beyond any real one.
pub const MAX_SCOPE_BYTES: u64 = 1 << 20;
const MAX_BREADCRUMBS: usize = 100;
const MAX_ENTRIES: usize = 500;
const MAX_NAME: usize = 200;

/// The parts of a run's scope that reach the event.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RunScope {
    pub started_at: Option<f64>,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub dist: Option<String>,
    pub tags: Map<String, Value>,
    pub extra: Map<String, Value>,
    pub contexts: Map<String, Value>,
    pub user: Map<String, Value>,
    pub fingerprint: Vec<Value>,
    pub breadcrumbs: Vec<Value>,
}

/// Why a scope file was not used.
#[derive(Debug)]
pub enum ScopeError {
    Io(std::io::Error),
    TooLarge(u64),
    Invalid(String),
}

impl ScopeError {
    pub fn code(&self) -> &'static str {
        match self {
            ScopeError::Io(_) => "E_SCOPE_IO",
            ScopeError::TooLarge(_) => "E_SCOPE_TOO_LARGE",
            ScopeError::Invalid(_) => "E_SCOPE_INVALID",
        }
    }
}

impl std::fmt::Display for ScopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScopeError::Io(e) => write!(f, "{}: {e}", self.code()),
            ScopeError::TooLarge(n) => {
                write!(f, "{}: {n} bytes (limit {MAX_SCOPE_BYTES})", self.code())
            }
            ScopeError::Invalid(why) => write!(f, "{}: {why}", self.code()),
        }
    }
}

/// Reads and validates the scope file at `path`.
pub fn read_scope(path: &Path) -> Result<RunScope, ScopeError> {
    let file = std::fs::File::open(path).map_err(ScopeError::Io)?;
    let len = file.metadata().map_err(ScopeError::Io)?.len();
    if len > MAX_SCOPE_BYTES {
        return Err(ScopeError::TooLarge(len));
    }
    let mut raw = Vec::with_capacity(len as usize);
    // `take`: the file may grow between the size check and the read.
    file.take(MAX_SCOPE_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(ScopeError::Io)?;
    if raw.len() as u64 > MAX_SCOPE_BYTES {
        return Err(ScopeError::TooLarge(raw.len() as u64));
    }
    parse_scope(&raw)
}

/// Validates a scope document (the bytes of run-scope.json).
pub fn parse_scope(raw: &[u8]) -> Result<RunScope, ScopeError> {
    let doc: Value = serde_json::from_slice(raw).map_err(|e| ScopeError::Invalid(e.to_string()))?;
    let Value::Object(doc) = doc else {
        return Err(ScopeError::Invalid("not an object".into()));
    };
    let text = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= MAX_NAME)
            .map(str::to_string)
    };
    let object = |k: &str| match doc.get(k) {
        Some(Value::Object(o)) => o
            .iter()
            .take(MAX_ENTRIES)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Map::new(),
    };
    // Tags are primitives (a nested value is not a tag Sentry can index).
    let tags = object("tags")
        .into_iter()
        .filter(|(k, v)| k.len() <= MAX_NAME && (v.is_string() || v.is_number() || v.is_boolean()))
        .collect();
    let list = |k: &str, keep: usize| -> Vec<Value> {
        match doc.get(k) {
            Some(Value::Array(a)) => {
                let from = a.len().saturating_sub(keep);
                a[from..].to_vec()
            }
            _ => Vec::new(),
        }
    };
    Ok(RunScope {
        started_at: doc.get("startedAt").and_then(Value::as_f64),
        release: text("release"),
        environment: text("environment"),
        dist: text("dist"),
        tags,
        extra: object("extra"),
        contexts: object("contexts")
            .into_iter()
            .filter(|(_, v)| v.is_object())
            .collect(),
        user: object("user"),
        fingerprint: list("fingerprint", MAX_ENTRIES)
            .into_iter()
            .filter(Value::is_string)
            .collect(),
        breadcrumbs: list("breadcrumbs", MAX_BREADCRUMBS)
            .into_iter()
            .filter(Value::is_object)
            .collect(),
    })
}

/// The client's part of the event: release, environment (default `production`, as @sentry/core), dist.
pub struct ClientFacts<'a> {
    pub release: Option<&'a str>,
    pub environment: Option<&'a str>,
    pub dist: Option<&'a str>,
}

/// Applies `scope` under the event's own values (the event's tags, contexts, user win), as @sentry/core does.
pub fn apply_scope(event: &mut Value, scope: Option<&RunScope>, client: &ClientFacts<'_>) {
    let Value::Object(ev) = event else { return };
    let release = scope.and_then(|s| s.release.as_deref()).or(client.release);
    let environment = scope
        .and_then(|s| s.environment.as_deref())
        .or(client.environment);
    let dist = scope.and_then(|s| s.dist.as_deref()).or(client.dist);
    if let Some(r) = release {
        ev.entry("release").or_insert(Value::String(r.into()));
    }
    ev.entry("environment")
        .or_insert(Value::String(environment.unwrap_or("production").into()));
    if let Some(d) = dist {
        ev.entry("dist").or_insert(Value::String(d.into()));
    }
    let Some(scope) = scope else { return };
    for (key, data) in [
        ("tags", &scope.tags),
        ("extra", &scope.extra),
        ("user", &scope.user),
        ("contexts", &scope.contexts),
    ] {
        if data.is_empty() {
            continue;
        }
        let mut merged = data.clone();
        if let Some(Value::Object(own)) = ev.get(key) {
            merged.extend(own.clone());
        }
        ev.insert(key.into(), Value::Object(merged));
    }
    if !scope.fingerprint.is_empty() {
        ev.insert(
            "fingerprint".into(),
            Value::Array(scope.fingerprint.clone()),
        );
    }
    if !scope.breadcrumbs.is_empty() {
        ev.insert(
            "breadcrumbs".into(),
            Value::Array(scope.breadcrumbs.clone()),
        );
    }
}

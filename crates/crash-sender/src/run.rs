//! The sender's one job: wait for main; when main died of a native crash, report it once and exit.

use crate::config::Config;
use crate::deliver::{deliver_file, Outcome, RateLimits};
use crate::dumps::{delete_report, now_secs, Finder, Found};
use crate::event::{native_crash_event, EventFacts, Policy};
use crate::ledger::Ledger;
use crate::log::Log;
use crate::queue::Queue;
use crate::scope::{apply_scope, read_scope, ClientFacts};
use crate::wait::{wait_for_main, Ending};
use envelope::{strip_minidump_memory, Item, Payload, Spec, DEFAULT_GZIP_LEVEL};
use minidump_report::Options;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

/// How the run ended, for the log and the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    Quit,
    NoCrash,
    /// Another process (an instance of the app, the next launch) has the dump, or reported it already.
    NotOurs,
    Sent,
    Queued(String),
    Dropped(u16),
}

const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

pub fn run(config: &Config, policy: Policy, log: &Log) -> Result<Done, String> {
    if wait_for_main(config.main_pid) == Ending::Quit {
        return Ok(Done::Quit);
    }
    log.line(&format!(
        "main ({}) is gone without quitting: looking for its report",
        config.main_pid
    ));
    let options = Options {
        all_threads: !config.threads_crashed_only,
        symbol_paths: config.symbol_paths.clone(),
        ..Options::default()
    };
    let finder = Finder {
        database: &config.database,
        main_pid: config.main_pid,
        run_start: config.run_start,
        options,
    };
    let wait = Duration::from_millis(config.crash_wait_ms.unwrap_or(10_000).min(60_000));
    let Some(found) = finder.find(wait) else {
        return Ok(Done::NoCrash);
    };
    let ledger = Ledger::new(&config.sentry_dir);
    if !ledger.claim(&found.id).map_err(|e| format!("claim: {e}"))? {
        return Ok(Done::NotOurs);
    }
    let result = report_claimed(config, policy, &ledger, &found, log);
    ledger.release(&found.id);
    result
}

fn report_claimed(
    config: &Config,
    policy: Policy,
    ledger: &Ledger,
    found: &Found,
    log: &Log,
) -> Result<Done, String> {
    if ledger.handled(&found.id) {
        delete_report(&config.database, &found.path, &found.id);
        return Ok(Done::NotOurs);
    }
    if !found.path.exists() {
        return Ok(Done::NotOurs); // discarded by another instance between our look and our claim
    }
    let event = crash_event(config, policy, found, log);
    let event_id = event["event_id"].as_str().unwrap_or_default().to_string();
    let stripped = (policy == Policy::Strip).then(|| {
        config
            .sentry_dir
            .join("tmp")
            .join(format!("{}.stripped.dmp", found.id))
    });
    let attachment: Option<PathBuf> = match (&stripped, policy) {
        (_, Policy::Omit) => None,
        (Some(dst), _) => {
            let _ = std::fs::create_dir_all(dst.parent().unwrap_or(&config.sentry_dir));
            match strip_minidump_memory(&found.path, dst) {
                Ok(_) => Some(dst.clone()),
                Err(e) => {
                    log.line(&format!(
                        "stripping failed ({}): the event goes alone",
                        e.code()
                    ));
                    None
                }
            }
        }
        (None, _) => Some(found.path.clone()),
    };
    let header = json!({
        "event_id": event_id,
        "sent_at": iso_now(),
        "sdk": { "name": config.sdk_name, "version": config.sdk_version },
    });
    let mut header = header;
    if let Some(dsn) = &config.dsn {
        header["dsn"] = json!(dsn);
    }
    let (header_text, event_text) = (header.to_string(), event.to_string());
    let filename = format!("{}.dmp", found.id);
    let mut items = vec![Item {
        item_type: "event",
        payload: Payload::Json(&event_text),
        filename: None,
        content_type: None,
        attachment_type: None,
    }];
    if let Some(path) = &attachment {
        items.push(Item {
            item_type: "attachment",
            payload: Payload::File(path),
            filename: Some(&filename),
            content_type: None,
            attachment_type: Some("event.minidump"),
        });
    }
    let categories: &[&str] = if items.len() > 1 {
        &["error", "attachment"]
    } else {
        &["error"]
    };
    let spec = Spec {
        header: &header_text,
        items,
        gzip: Some(DEFAULT_GZIP_LEVEL),
    };
    let queue = Queue::new(&config.queue_dir);
    let entry = queue.push(&spec, categories);
    if let Some(s) = &stripped {
        let _ = std::fs::remove_file(s);
    }
    let entry = entry.map_err(|e| {
        format!(
            "queue write failed ({}): the dump stays for the next launch",
            e.code()
        )
    })?;
    // Safely queued: from here the next launch sends it from the queue, never again from the dump.
    ledger
        .record(&found.id)
        .map_err(|e| format!("ledger: {e}"))?;
    delete_report(&config.database, &found.path, &found.id);
    // For the next launch's release health: this run's session ended in a crash (sender.ts, takeSenderReport).
    let note = json!({ "runStart": config.run_start, "reportId": found.id }).to_string();
    let _ = std::fs::write(config.sentry_dir.join("sender-reported.json"), note);
    log.line(&format!("queued {} as {}", found.id, entry.name));
    let Some(url) = &config.url else {
        return Ok(Done::Queued("no DSN".into()));
    };
    let Some(claim) = queue.claim(&entry) else {
        return Ok(Done::Queued("taken by the SDK's replay".into()));
    };
    let limits = RateLimits::new(&config.queue_dir);
    match deliver_file(
        url,
        &claim.path,
        &entry.categories,
        &limits,
        DELIVERY_TIMEOUT,
    ) {
        Outcome::Sent => {
            claim.ack();
            Ok(Done::Sent)
        }
        Outcome::Retry(why) => {
            claim.release();
            Ok(Done::Queued(why))
        }
        Outcome::Dropped(status) => {
            claim.ack();
            Ok(Done::Dropped(status))
        }
    }
}

/// The event with main's spooled scope, when the spool is this run's and valid.
pub fn crash_event(config: &Config, policy: Policy, found: &Found, log: &Log) -> Value {
    let facts = EventFacts {
        report: &found.report,
        policy,
        send_default_pii: config.send_default_pii,
        home: config.home.as_deref(),
        event_id: event_id_for(&found.id),
        now: now_secs(),
    };
    let mut event = native_crash_event(&facts);
    let scope = match read_scope(&config.sentry_dir.join("run-scope.json")) {
        Ok(s)
            if s.started_at
                .is_some_and(|t| (t - config.run_start).abs() < 1.0) =>
        {
            Some(s)
        }
        Ok(_) => {
            log.line("run-scope.json is another run's: main's scope is left out");
            None
        }
        Err(e) => {
            log.line(&format!("run-scope.json not used: {e}"));
            None
        }
    };
    let client = ClientFacts {
        release: config.release.as_deref(),
        environment: config.environment.as_deref(),
        dist: config.dist.as_deref(),
    };
    apply_scope(&mut event, scope.as_ref(), &client);
    event["sdk"] = json!({ "name": config.sdk_name, "version": config.sdk_version });
    event
}

/// The event id of a report: Crashpad's report id (a UUID) as Sentry's 32 hex digits, so that an envelope sent
/// twice (a sender killed between its queue write and its ledger entry, then the next launch) is one event in
/// Sentry, which drops a repeated id; a fresh one when the id is not a UUID.
pub fn event_id_for(report_id: &str) -> String {
    let hex: String = report_id
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex
    } else {
        fresh_event_id()
    }
}

/// 32 hex digits from the OS's randomness (std's hasher keys come from it), without a random crate.
pub fn fresh_event_id() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let half = |salt: u64| {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(salt ^ now_secs().to_bits());
        h.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

fn iso_now() -> String {
    minidump_report::iso8601(std::time::SystemTime::now())
}

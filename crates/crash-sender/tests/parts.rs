//! The sender's parts against the formats the SDK's TypeScript reads and writes: the ledger's claims and ids, the
//! queue's entry names and folders, the scope's validation, and delivery's rate limits against a local server.

use crash_sender::deliver::{deliver_file, parse_limits, Outcome, RateLimits};
use crash_sender::ledger::{safe_name, Ledger};
use crash_sender::queue::Queue;
use crash_sender::scope::{parse_scope, MAX_SCOPE_BYTES};
use envelope::{Item, Payload, Spec};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crash-sender-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn ledger_claims_and_records_as_ledger_ts_does() {
    let dir = scratch("ledger");
    let ledger = Ledger::new(&dir);
    let id = "6c94c28d-cf27-43dd-8407-9fb332acf66b";
    assert!(ledger.claim(id).unwrap());
    assert!(!ledger.claim(id).unwrap(), "our own live claim holds");
    let claim: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("claims").join(id)).unwrap()).unwrap();
    assert_eq!(claim["pid"], std::process::id());
    assert!(claim["at"].as_u64().unwrap() > 1_600_000_000_000);
    ledger.record(id).unwrap();
    assert!(ledger.handled(id));
    let ids: Vec<String> =
        serde_json::from_slice(&std::fs::read(dir.join("native-reported.json")).unwrap()).unwrap();
    assert_eq!(ids, vec![id.to_string()]);
    ledger.release(id);
    assert!(!dir.join("claims").join(id).exists());
    // A claim of a process that is gone is taken over.
    std::fs::write(
        dir.join("claims").join("dead"),
        r#"{"pid":2147483000,"at":9999999999999}"#,
    )
    .unwrap();
    assert!(ledger.claim("dead").unwrap());
    assert_eq!(safe_name("../x"), "2e2e2f78", "never a path");
}

#[test]
fn queue_entries_are_named_and_published_as_the_ts_queue_reads_them() {
    let dir = scratch("queue");
    let queue = Queue::new(&dir);
    let header = r#"{"event_id":"0123456789abcdef0123456789abcdef"}"#;
    let spec = Spec {
        header,
        items: vec![Item {
            item_type: "event",
            payload: Payload::Json("{}"),
            filename: None,
            content_type: None,
            attachment_type: None,
        }],
        gzip: Some(6),
    };
    let entry = queue.push(&spec, &["error"]).unwrap();
    // queue-entry.ts's ENTRY_RE: `<13 digits>-<6 digits>-<pid>-<hex>.<c|n>.<categories>.env.gz`.
    let parts: Vec<&str> = entry.name.splitn(4, '-').collect();
    assert_eq!(parts[0].len(), 13);
    assert_eq!(parts[1].len(), 6);
    assert_eq!(parts[2], std::process::id().to_string());
    assert!(parts[3].ends_with(".c.error.env.gz"), "{}", entry.name);
    assert!(dir.join("entries").join(&entry.name).exists());
    assert_eq!(
        std::fs::read_dir(dir.join("tmp")).unwrap().count(),
        0,
        "no temporary file left"
    );
    let claimed = queue.claim(&entry).unwrap();
    let sending = claimed
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        sending.starts_with(&format!("{}~{}~", entry.name, std::process::id())),
        "{sending}"
    );
    claimed.release();
    assert!(
        dir.join("entries").join(&entry.name).exists(),
        "released: back under its own name"
    );
}

#[test]
fn the_scope_is_validated_not_trusted() {
    let scope = parse_scope(br#"{"startedAt":5,"release":"a@1","tags":{"ok":"1","n":2,"nested":{"x":1}},"user":{"id":"u"},"breadcrumbs":[1,{"message":"m"}],"contexts":{"app":{"a":1},"bad":3}}"#).unwrap();
    assert_eq!(scope.started_at, Some(5.0));
    assert_eq!(scope.release.as_deref(), Some("a@1"));
    assert!(
        scope.tags.contains_key("ok")
            && scope.tags.contains_key("n")
            && !scope.tags.contains_key("nested")
    );
    assert_eq!(scope.breadcrumbs.len(), 1, "only objects");
    assert!(scope.contexts.contains_key("app") && !scope.contexts.contains_key("bad"));
    assert_eq!(parse_scope(b"[1]").unwrap_err().code(), "E_SCOPE_INVALID");
    assert_eq!(
        parse_scope(b"{\"tags\":").unwrap_err().code(),
        "E_SCOPE_INVALID"
    );
    let dir = scratch("scope");
    let big = dir.join("run-scope.json");
    std::fs::write(&big, vec![b' '; MAX_SCOPE_BYTES as usize + 1]).unwrap();
    assert_eq!(
        crash_sender::scope::read_scope(&big).unwrap_err().code(),
        "E_SCOPE_TOO_LARGE"
    );
}

#[test]
fn rate_limit_headers_are_read_as_sentry_core_reads_them() {
    let now = 1_000_000;
    assert_eq!(
        parse_limits(429, None, None, now),
        vec![("all".to_string(), now + 60_000)]
    );
    assert_eq!(
        parse_limits(429, None, Some("7"), now),
        vec![("all".to_string(), now + 7_000)]
    );
    let limits = parse_limits(
        200,
        Some("30:error;attachment:organization, 5::org"),
        None,
        now,
    );
    assert_eq!(
        limits,
        vec![
            ("error".to_string(), now + 30_000),
            ("attachment".to_string(), now + 30_000),
            ("all".to_string(), now + 5_000)
        ]
    );
}

/// A one-request server answering `status` with `headers`; returns its URL and how many requests it saw.
fn server(status: &str, headers: &'static str) -> (String, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(false).unwrap();
    let url = format!(
        "http://127.0.0.1:{}/api/1/envelope/?sentry_key=public",
        listener.local_addr().unwrap().port()
    );
    let status = status.to_string();
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while std::time::Instant::now() < deadline {
            if let Ok((mut s, _)) = listener.accept() {
                s.set_nonblocking(false).unwrap();
                s.set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                let mut buf = vec![0u8; 1 << 16];
                let _ = s.read(&mut buf);
                let body = format!(
                    "HTTP/1.1 {status}\r\n{headers}content-length: 0\r\nconnection: close\r\n\r\n"
                );
                s.write_all(body.as_bytes()).unwrap();
                return 1;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        0
    });
    (url, handle)
}

#[test]
fn a_429_keeps_the_entry_and_its_limit_holds_back_the_next_try() {
    let dir = scratch("deliver");
    let file = dir.join("e.env.gz");
    std::fs::write(&file, b"not really gzip").unwrap();
    let limits = RateLimits::new(&dir);
    let categories = vec!["error".to_string()];
    let (url, seen) = server(
        "429 Too Many Requests",
        "x-sentry-rate-limits: 60:error:organization\r\n",
    );
    assert_eq!(
        deliver_file(&url, &file, &categories, &limits, Duration::from_secs(5)),
        Outcome::Retry("HTTP 429".into())
    );
    assert_eq!(seen.join().unwrap(), 1);
    assert!(
        limits.disabled_until("error") > crash_sender::ledger::now_ms() + 50_000,
        "written for the SDK too"
    );
    let (url, seen) = server("200 OK", "");
    assert!(
        matches!(deliver_file(&url, &file, &categories, &limits, Duration::from_secs(5)), Outcome::Retry(why) if why.contains("rate-limited"))
    );
    assert_eq!(seen.join().unwrap(), 0, "not sent while limited");
    std::fs::remove_file(dir.join("rate-limits.json")).unwrap();
    let (url, seen) = server("200 OK", "");
    assert_eq!(
        deliver_file(&url, &file, &categories, &limits, Duration::from_secs(5)),
        Outcome::Sent
    );
    assert_eq!(seen.join().unwrap(), 1);
}

//! `sentry-electron-sender --config <json>`: started detached by init() in Electron's main process, it sleeps
//! until main ends and reports main's native crash at once (crate docs in lib.rs).
//! `sentry-electron-sender --event <dump> [--scope <run-scope.json>] [--policy P] [--home DIR] [--pii]
//! [--symbols DIR]…` prints the event it would send for a dump: what __test__/crash-sender.spec.ts compares
//! with the SDK's JavaScript path.

use crash_sender::config::Config;
use crash_sender::dumps::Found;
use crash_sender::event::Policy;
use crash_sender::log::Log;
use crash_sender::run::{crash_event, run, Done};
use minidump_report::{parse_path, CancelToken, Options};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--config") if args.len() == 2 => daemon(&args[1]),
        Some("--event") if args.len() >= 2 => print_event(&args[1..]),
        _ => {
            eprintln!("usage: sentry-electron-sender --config <json> | --event <dump> [--scope F] [--policy P] [--home D] [--pii] [--symbols D]");
            ExitCode::from(2)
        }
    }
}

fn daemon(raw: &str) -> ExitCode {
    let (config, policy) = match Config::parse(raw) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let log = Log::new(Some(config.sentry_dir.join("sender.log")));
    let _ = std::fs::create_dir_all(&config.sentry_dir);
    match run(&config, policy, &log) {
        Ok(Done::Quit) => ExitCode::SUCCESS,
        Ok(done) => {
            log.line(&format!("done: {done:?}"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            log.line(&format!("failed: {e}"));
            ExitCode::from(1)
        }
    }
}

fn print_event(args: &[String]) -> ExitCode {
    let dump = PathBuf::from(&args[0]);
    let mut scope: Option<PathBuf> = None;
    let mut policy = Policy::Attach;
    let mut home: Option<String> = None;
    let mut pii = false;
    let mut symbols = Vec::new();
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        if a == "--pii" {
            pii = true;
            continue;
        }
        let Some(v) = it.next() else {
            return bad(&format!("{a} needs a value"));
        };
        match a.as_str() {
            "--scope" => scope = Some(v.into()),
            "--policy" => match Policy::parse(v) {
                Some(p) => policy = p,
                None => return bad(&format!("policy {v:?}")),
            },
            "--home" => home = Some(v.clone()),
            "--symbols" => symbols.push(PathBuf::from(v)),
            _ => return bad(&format!("unexpected argument {a:?}")),
        }
    }
    let options = Options {
        all_threads: true,
        symbol_paths: symbols,
        ..Options::default()
    };
    let report = match parse_path(&dump, &options, &CancelToken::default()) {
        Ok(r) => r,
        Err(e) => return bad(&format!("{}: {e}", dump.display())),
    };
    // The scope file sits where the config's sentry dir says; its run start is taken from the file itself.
    let sentry_dir = scope
        .as_ref()
        .and_then(|s| s.parent().map(PathBuf::from))
        .unwrap_or_default();
    let run_start = scope
        .as_ref()
        .and_then(|s| crash_sender::scope::read_scope(s).ok())
        .and_then(|s| s.started_at)
        .unwrap_or(-1.0);
    let config = Config {
        main_pid: report.process_id.unwrap_or(1),
        database: PathBuf::new(),
        sentry_dir: sentry_dir.clone(),
        queue_dir: PathBuf::new(),
        url: None,
        dsn: None,
        run_start,
        release: None,
        environment: None,
        dist: None,
        policy: String::new(),
        send_default_pii: pii,
        home,
        threads_crashed_only: false,
        symbol_paths: Vec::new(),
        crash_wait_ms: None,
        sdk_name: "sentry.javascript.electron-native".into(),
        sdk_version: env!("CARGO_PKG_VERSION").into(),
    };
    let scope_name = scope
        .as_ref()
        .and_then(|s| s.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if scope_name.is_some_and(|n| n != "run-scope.json") {
        return bad("--scope must name a run-scope.json");
    }
    let found = Found {
        path: dump,
        id: String::new(),
        report,
    };
    let event = crash_event(&config, policy, &found, &Log::new(None));
    println!("{event}");
    ExitCode::SUCCESS
}

fn bad(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}

//! A program that really crashes, watched by an out-of-process monitor that
//! writes a minidump of it: the source of the real-world dumps in
//! `__test__/fixtures/generated/`. Run it through `scripts/make-fixtures.sh`.
//!
//! One executable, several roles; the first spawns the next two:
//!
//! ```text
//! crash-fixture crash <kind> --out <file.dmp>        run one kind, check the dump
//! crash-fixture monitor <socket> <file.dmp>          minidumper server, writes the dump
//! crash-fixture client <kind> <socket> <monitor-pid> installs crash-handler, crashes
//! crash-fixture snapshot <pid> --out <file.dmp>      dumps a running process
//! ```
//!
//! The dump is written from another process, as real crash reporters do: a
//! crashed process cannot be trusted to dump itself, so the monitor ptraces it
//! (via minidump-writer) while the client's signal handler waits for the ack.

use std::{
    error::Error,
    fs::File,
    io::{BufRead, BufReader},
    os::unix::{fs::FileExt, process::ExitStatusExt},
    path::{Path, PathBuf},
    process::{Child, Command, ExitCode, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use crash_handler::{make_crash_event, CrashEventResult, CrashHandler};
use minidump::{format::MINIDUMP_STREAM_TYPE, Minidump, MinidumpException, MinidumpThreadNames};
use minidump_layout::format::{MINIDUMP_DIRECTORY, MINIDUMP_HEADER};
use minidump_layout::{size, Endian, Structure};
use minidumper::{LoopAction, MinidumpBinary, ServerHandler, SocketName};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Every kind, and the signal its client must die from (`None`: no crash).
const KINDS: &[(&str, Option<i32>)] = &[
    ("null_write", Some(libc::SIGSEGV)),
    ("abort", Some(libc::SIGABRT)),
    ("illegal_instruction", Some(libc::SIGILL)),
    ("divide_by_zero", Some(libc::SIGFPE)),
    ("thread_null_write", Some(libc::SIGSEGV)),
    ("no_crash", None),
];

const WORKER_THREAD_NAME: &str = "crash-worker";

/// User message from client to monitor: "dump me now, I have not crashed".
/// Payload: the client's pid and the tid to blame, native-endian i32s.
const MSG_DUMP_LIVE: u32 = 1;

/// How long the monitor may take to finish after the client is gone.
const MONITOR_TIMEOUT: Duration = Duration::from_secs(60);

// src/crashers.c, compiled by build.rs.
extern "C" {
    fn fixture_call_depth_2(crash: unsafe extern "C" fn());
    fn crash_null_write();
    fn crash_abort();
    fn crash_illegal_instruction();
    fn crash_divide_by_zero();
    fn crash_on_worker_thread();
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["crash", kind, "--out", out] => run_kind(kind, Path::new(out)),
        ["monitor", socket, out] => monitor(socket, Path::new(out)),
        ["snapshot", pid, "--out", out] => pid
            .parse()
            .map_err(Into::into)
            .and_then(|pid| snapshot(pid, Path::new(out))),
        ["client", kind, socket, monitor_pid] => monitor_pid
            .parse()
            .map_err(Into::into)
            .and_then(|pid| client(kind, socket, pid)),
        _ => Err(format!(
            "usage: crash-fixture crash <kind> --out <file.dmp>\n       crash-fixture snapshot <pid> --out <file.dmp>\nkinds: {}",
            KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
        )
        .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("crash-fixture: {err}");
            ExitCode::FAILURE
        }
    }
}

fn expected_signal(kind: &str) -> Result<Option<i32>> {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, signal)| *signal)
        .ok_or_else(|| format!("unknown kind {kind:?}").into())
}

// ---------------------------------------------------------------- parent role

/// Runs monitor + client for one kind; succeeds only if the client ended the
/// way the kind says and the dump on disk is non-empty and says so too.
fn run_kind(kind: &str, out: &Path) -> Result<()> {
    let expected = expected_signal(kind)?;
    // A dump left by an earlier run must not pass for this run's.
    if let Err(err) = std::fs::remove_file(out) {
        if err.kind() != std::io::ErrorKind::NotFound {
            return Err(err.into());
        }
    }

    // Abstract socket: nothing on disk to clean up, and unique per run so
    // concurrent runs cannot connect to each other's monitor.
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.subsec_nanos();
    let socket = format!("crash-fixture-{}-{nanos}", std::process::id());
    let exe = std::env::current_exe()?;

    let mut monitor = Command::new(&exe)
        .args(["monitor", &socket])
        .arg(out)
        .stdout(Stdio::piped())
        .spawn()?;
    // The client must not connect before the monitor listens.
    let mut ready = String::new();
    BufReader::new(monitor.stdout.take().expect("piped")).read_line(&mut ready)?;
    if ready.trim() != "ready" {
        let _ = monitor.kill();
        return Err("monitor did not start".into());
    }

    // The dump records the client's environment (MD_LINUX_ENVIRON): keep
    // whatever the caller's shell or CI holds out of the fixtures.
    let status = Command::new(&exe)
        .args(["client", kind, &socket, &monitor.id().to_string()])
        .env_clear()
        .status()?;
    let as_expected = match expected {
        Some(signal) => status.signal() == Some(signal),
        None => status.success(),
    };
    if !as_expected {
        let _ = monitor.kill();
        return Err(format!("{kind}: client ended with {status}, expected {expected:?}").into());
    }

    let monitor_status = wait_with_timeout(&mut monitor, MONITOR_TIMEOUT)?;
    if !monitor_status.success() {
        return Err(format!("{kind}: monitor ended with {monitor_status}").into());
    }
    let summary = check_dump(kind, out, expected)?;
    println!("{kind}: {} ({summary})", out.display());
    Ok(())
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Result<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err("monitor did not exit in time".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads the dump back: a crash kind needs an exception stream naming its
/// signal (and, for the thread kind, blaming the named worker thread); the
/// no-crash kind needs no exception stream at all.
fn check_dump(kind: &str, out: &Path, expected: Option<i32>) -> Result<String> {
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        return Err(format!("{kind}: no dump written to {}", out.display()).into());
    }
    let dump = Minidump::read_path(out)?;
    let exception = dump.get_stream::<MinidumpException>().ok();
    match (expected, exception) {
        (None, None) => Ok(format!("{size} bytes, no exception stream")),
        (Some(signal), Some(exception)) => {
            let code = exception.raw.exception_record.exception_code;
            if code != signal as u32 {
                return Err(format!("{kind}: dump says signal {code}, expected {signal}").into());
            }
            let tid = exception.get_crashing_thread_id();
            let thread_name = dump
                .get_stream::<MinidumpThreadNames>()
                .ok()
                .and_then(|names| names.get_name(tid).map(|n| n.into_owned()))
                .unwrap_or_default();
            if kind == "thread_null_write" && thread_name != WORKER_THREAD_NAME {
                return Err(format!("{kind}: crashing thread is {thread_name:?}").into());
            }
            Ok(format!(
                "{size} bytes, signal {code} on thread {tid} {thread_name:?}"
            ))
        }
        (Some(_), None) => Err(format!("{kind}: dump has no exception stream").into()),
        (None, Some(_)) => Err(format!("{kind}: dump has an exception stream").into()),
    }
}

// --------------------------------------------------------------- monitor role

fn monitor(socket: &str, out: &Path) -> Result<()> {
    let mut server = minidumper::Server::with_name(SocketName::abstract_namespace(socket))?;
    println!("ready");

    let wrote_dump = Arc::new(AtomicBool::new(false));
    let handler = Monitor {
        out: out.to_owned(),
        wrote_dump: Arc::clone(&wrote_dump),
    };
    server.run(Box::new(handler), &AtomicBool::new(false), None)?;

    if wrote_dump.load(Ordering::SeqCst) {
        Ok(())
    } else {
        Err(format!("monitor: no dump written to {}", out.display()).into())
    }
}

struct Monitor {
    out: PathBuf,
    wrote_dump: Arc<AtomicBool>,
}

impl ServerHandler for Monitor {
    fn create_minidump_file(&self) -> std::io::Result<(File, PathBuf)> {
        Ok((File::create(&self.out)?, self.out.clone()))
    }

    fn on_minidump_created(
        &self,
        result: std::result::Result<MinidumpBinary, minidumper::Error>,
    ) -> LoopAction {
        match result {
            Ok(_) => self.wrote_dump.store(true, Ordering::SeqCst),
            Err(err) => eprintln!("monitor: writing the crash dump failed: {err}"),
        }
        // Keep serving until the client disconnects (see below).
        LoopAction::Continue
    }

    fn on_message(&self, kind: u32, buffer: Vec<u8>) {
        if kind != MSG_DUMP_LIVE {
            return;
        }
        match write_live_dump(&self.out, &buffer) {
            Ok(()) => self.wrote_dump.store(true, Ordering::SeqCst),
            Err(err) => eprintln!("monitor: writing the live dump failed: {err}"),
        }
    }

    fn on_client_disconnected(&self, num_clients: usize) -> LoopAction {
        // One client per run: once it is gone (crashed or exited) we are done.
        if num_clients == 0 {
            LoopAction::Exit
        } else {
            LoopAction::Continue
        }
    }
}

/// Dumps another running process (any program, e.g. Node.js) without
/// stopping it for good: a real dump of a real multi-threaded process that
/// we did not write, for tests that walk every thread of it.
fn snapshot(pid: i32, out: &Path) -> Result<()> {
    dump_running(pid, pid, out)
}

/// Dumps a client that is alive and has not crashed. minidumper has no
/// request for that (its dumps always carry a crash context), so this calls
/// minidump-writer directly, without a crash context.
fn write_live_dump(out: &Path, request: &[u8]) -> Result<()> {
    let field = |i: usize| -> Result<i32> {
        let bytes = request
            .get(i * 4..i * 4 + 4)
            .ok_or("short live-dump request")?;
        Ok(i32::from_ne_bytes(bytes.try_into()?))
    };
    dump_running(field(0)?, field(1)?, out)
}

/// A dump of process `pid`, blaming thread `tid`, with no exception stream.
fn dump_running(pid: i32, tid: i32, out: &Path) -> Result<()> {
    // Read access too: drop_exception_stream reads the directory back.
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(out)?;
    minidump_writer::minidump_writer::MinidumpWriterConfig::new(pid, tid).write(&mut file)?;
    drop_exception_stream(&file)
}

/// Even without a crash context minidump-writer adds an exception stream
/// (code DUMP_REQUESTED). A dump of a process that did not crash must have
/// none, so retag its directory entry as an unused stream: readers skip it,
/// and no offset in the file moves.
fn drop_exception_stream(file: &File) -> Result<()> {
    let header: MINIDUMP_HEADER = read_at(file, 0, size::HEADER)?;
    for entry in 0..u64::from(header.stream_count) {
        let at = u64::from(header.stream_directory_rva) + entry * size::DIRECTORY_ENTRY;
        let dir: MINIDUMP_DIRECTORY = read_at(file, at, size::DIRECTORY_ENTRY)?;
        if dir.stream_type == MINIDUMP_STREAM_TYPE::ExceptionStream as u32 {
            file.write_all_at(
                &(MINIDUMP_STREAM_TYPE::UnusedStream as u32).to_le_bytes(),
                at,
            )?;
        }
    }
    Ok(())
}

/// The `len`-byte structure at `at` in the (little-endian) dump minidump-writer just wrote.
fn read_at<T: for<'a> Structure<'a>>(file: &File, at: u64, len: u64) -> Result<T> {
    let mut buf = vec![0u8; len as usize];
    file.read_exact_at(&mut buf, at)?;
    Ok(minidump_layout::read(&buf, 0, Endian::Little).ok_or("a short minidump structure")?)
}

// ---------------------------------------------------------------- client role

fn client(kind: &str, socket: &str, monitor_pid: u32) -> Result<()> {
    expected_signal(kind)?;
    // The crash is the point; a core file on top would only litter the cwd.
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain syscall on a valid struct.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &no_core) };

    let client = Arc::new(minidumper::Client::with_name(
        SocketName::abstract_namespace(socket),
    )?);
    let crash_client = Arc::clone(&client);
    // SAFETY: runs inside the signal handler; request_dump only sends on and
    // receives from an already connected socket, which is async-signal-safe.
    let handler = CrashHandler::attach(unsafe {
        make_crash_event(move |context| {
            // Dump written or not, crash-handler then lets the signal take
            // its course and kill us; the parent checks which signal it was.
            CrashEventResult::Handled(crash_client.request_dump(context).is_ok())
        })
    })?;
    // Under Yama ptrace_scope=1 only an ancestor may ptrace us, and the
    // monitor is a sibling: name it as our ptracer for the crash.
    handler.set_ptracer(Some(monitor_pid));

    // SAFETY: the C functions take no arguments; crashing is their contract.
    unsafe {
        match kind {
            "null_write" => fixture_call_depth_2(crash_null_write),
            "abort" => fixture_call_depth_2(crash_abort),
            "illegal_instruction" => fixture_call_depth_2(crash_illegal_instruction),
            "divide_by_zero" => fixture_call_depth_2(crash_divide_by_zero),
            "thread_null_write" => {
                let worker = std::thread::Builder::new()
                    .name(WORKER_THREAD_NAME.to_owned())
                    .spawn(|| fixture_call_depth_2(crash_on_worker_thread))?;
                let _ = worker.join();
            }
            "no_crash" => return request_live_dump(&client, monitor_pid),
            _ => unreachable!("checked by expected_signal"),
        }
    }
    Err(format!("{kind} did not crash").into())
}

fn request_live_dump(client: &minidumper::Client, monitor_pid: u32) -> Result<()> {
    // crash-handler only names the ptracer while handling a crash; with no
    // crash we do it ourselves. EINVAL just means Yama is not in use.
    // SAFETY: plain prctl with integer arguments.
    unsafe {
        libc::prctl(
            libc::PR_SET_PTRACER,
            libc::c_ulong::from(monitor_pid),
            0,
            0,
            0,
        )
    };

    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    let pid = std::process::id() as i32;
    let request: Vec<u8> = [pid, tid].iter().flat_map(|v| v.to_ne_bytes()).collect();
    client.send_message(MSG_DUMP_LIVE, request)?;
    // The monitor handles one client's messages in order and the dump is
    // written inside on_message, so the pong means the dump is done; only
    // then may this process exit.
    client.ping()?;
    Ok(())
}

//! The `crashpad-handler` role: a stand-in for Electron's `crashpad_handler` on
//! Linux, for tests whose "Electron" processes are plain Node.js processes
//! (crates/crash-addon connects them).
//!
//! ```text
//! crash-fixture crashpad-handler --database <DIR> --socket <NAME> [--idle-exit-secs N]
//! ```
//!
//! One long-lived minidumper server for any number of clients, connected at
//! any time. Each client first sends its annotations ([`MSG_ANNOTATIONS`]);
//! when one crashes, its dump is written the way Crashpad's generic (Linux)
//! crash report database does it, with uploads disabled:
//!
//! 1. `new/<uuid>.dmp`, created owner-only, where the dump is written; a
//!    Crashpad info stream (report id, client id, the client's annotations as
//!    the process's simple annotations) and a misc info stream (process id) are
//!    then appended, the way Crashpad's own minidumps carry them;
//! 2. `pending/<uuid>.dmp` beside `pending/<uuid>.meta` (Crashpad's
//!    `ReportMetadata`), moved there under `pending/<uuid>.lock`;
//! 3. `completed/<uuid>.dmp` beside `completed/<uuid>.meta`: what Crashpad's
//!    upload thread does to a pending report when `settings.dat` says uploads
//!    are disabled (`SkipReportUpload`).
//!
//! The database also holds `attachments/` and `settings.dat` (Crashpad's
//! settings record: uploads disabled, and the client id that every report of
//! this database carries, kept across handler runs). A dump that could not be
//! written is removed from `new/`, as Crashpad's `NewReport` does.
//!
//! The handler prints `ready` once it listens, and exits by itself after
//! `--idle-exit-secs` (default 30) without any client (at least 30 s before
//! the first client came), so a test never leaves it behind.

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    fs::{self, DirBuilder, File, OpenOptions},
    io::{self, Read, Write},
    os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use minidump::{format::MINIDUMP_STREAM_TYPE, Minidump};
use minidumper::{LoopAction, MinidumpBinary, ServerHandler, SocketName};

use crate::{stream_directory, Result};

/// User message from a client: its annotations, replacing any it sent before.
/// Payload: the client's pid (u32, little-endian), then `key NUL value NUL`
/// for each annotation. crates/crash-addon sends it.
pub const MSG_ANNOTATIONS: u32 = 2;

const DEFAULT_IDLE_EXIT: Duration = Duration::from_secs(30);

/// `MINIDUMP_STREAM_TYPE` of Crashpad's `MinidumpCrashpadInfo`.
const CRASHPAD_INFO_STREAM: u32 = 0x4350_0001;
/// `MinidumpCrashpadInfo`: version, report id, client id, two location descriptors.
const CRASHPAD_INFO_SIZE: u32 = 4 + 16 + 16 + 8 + 8;
/// `MINIDUMP_MISC_INFO` (the first version): size, flags, pid, three times.
const MISC_INFO_SIZE: u32 = 24;
const MINIDUMP_MISC1_PROCESS_ID: u32 = 1;

/// Crashpad's `Settings::Data`: magic `'CPds'`, version, options, padding,
/// last upload attempt time, client id.
const SETTINGS_MAGIC: u32 = 0x4350_6473;
const SETTINGS_SIZE: usize = 40;
/// Crashpad's `ReportMetadata`: version, upload attempts, last upload attempt
/// time, creation time, attributes (padded to 8 bytes).
const METADATA_SIZE: usize = 32;

// ------------------------------------------------------------------ the role

/// `crash-fixture crashpad-handler ...` (the arguments after the role name).
pub fn handler(args: &[&str]) -> Result<()> {
    let mut database = None;
    let mut socket = None;
    let mut idle_exit = DEFAULT_IDLE_EXIT;
    for pair in args.chunks(2) {
        match pair {
            ["--database", dir] => database = Some(PathBuf::from(dir)),
            ["--socket", name] => socket = Some(*name),
            ["--idle-exit-secs", secs] => idle_exit = Duration::from_secs(secs.parse()?),
            _ => return Err(format!("crashpad-handler: unexpected arguments {pair:?}").into()),
        }
    }
    let (Some(database), Some(socket)) = (database, socket) else {
        return Err("crashpad-handler: --database and --socket are required".into());
    };

    let db = Database::open(&database)?;
    let mut server = minidumper::Server::with_name(SocketName::abstract_namespace(socket))?;
    println!("ready");
    io::stdout().flush()?;

    let activity = Arc::new(Activity::default());
    let shutdown = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (activity, shutdown) = (Arc::clone(&activity), Arc::clone(&shutdown));
        std::thread::spawn(move || exit_when_idle(&activity, idle_exit, &shutdown))
    };
    let handler = Handler {
        db,
        annotations: Mutex::default(),
        report: Mutex::default(),
        activity,
    };
    let served = server.run(Box::new(handler), &shutdown, None);
    shutdown.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    served.map_err(Into::into)
}

/// Log lines go to stderr, which may be a pipe whose reader is long gone:
/// a handler must outlive whoever started it, so write errors are ignored.
fn log(message: fmt::Arguments) {
    let _ = writeln!(io::stderr(), "crashpad-handler: {message}");
}

#[derive(Default)]
struct Activity {
    clients: AtomicUsize,
    changed: Mutex<Option<Instant>>,
}

impl Activity {
    fn set_clients(&self, n: usize) {
        self.clients.store(n, Ordering::SeqCst);
        *lock(&self.changed) = Some(Instant::now());
    }
}

fn exit_when_idle(activity: &Activity, idle: Duration, shutdown: &AtomicBool) {
    let started = Instant::now();
    while !shutdown.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
        let changed = *lock(&activity.changed);
        // Before the first client, allow the default at least: a short idle time is meant for the
        // time after the clients left, not for how long the first one takes to start on a busy machine.
        let limit = if changed.is_none() {
            idle.max(DEFAULT_IDLE_EXIT)
        } else {
            idle
        };
        let since = changed.unwrap_or(started);
        if activity.clients.load(Ordering::SeqCst) == 0 && since.elapsed() >= limit {
            log(format_args!("no client for {}s, exiting", idle.as_secs()));
            shutdown.store(true, Ordering::SeqCst);
        }
    }
}

/// A poisoned lock only means another callback panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Handler {
    db: Database,
    /// Each client's annotations, by its pid.
    annotations: Mutex<HashMap<u32, BTreeMap<String, String>>>,
    /// The report being written (dumps are written one at a time).
    report: Mutex<Option<Uuid>>,
    activity: Arc<Activity>,
}

impl ServerHandler for Handler {
    fn create_minidump_file(&self) -> io::Result<(File, PathBuf)> {
        let uuid = Uuid::random()?;
        let path = self.db.report_path("new", uuid, "dmp");
        // Read access too: the streams are appended after reading the directory.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        *lock(&self.report) = Some(uuid);
        Ok((file, path))
    }

    fn on_minidump_created(
        &self,
        result: std::result::Result<MinidumpBinary, minidumper::Error>,
    ) -> LoopAction {
        let Some(uuid) = lock(&self.report).take() else {
            return LoopAction::Continue;
        };
        let finished = result
            .map_err(Into::into)
            .and_then(|binary| self.finish_report(uuid, binary));
        if let Err(err) = finished {
            log(format_args!("report {uuid} failed: {err}"));
            let _ = fs::remove_file(self.db.report_path("new", uuid, "dmp"));
        }
        LoopAction::Continue
    }

    fn on_message(&self, kind: u32, buffer: Vec<u8>) {
        if kind != MSG_ANNOTATIONS {
            return;
        }
        match decode_annotations(&buffer) {
            Some((pid, annotations)) => {
                lock(&self.annotations).insert(pid, annotations);
            }
            None => log(format_args!("malformed annotations message")),
        }
    }

    fn on_client_connected(&self, num_clients: usize) -> LoopAction {
        self.activity.set_clients(num_clients);
        LoopAction::Continue
    }

    fn on_client_disconnected(&self, num_clients: usize) -> LoopAction {
        // Crashed or not, a client may go at any time; the handler stays.
        self.activity.set_clients(num_clients);
        LoopAction::Continue
    }
}

impl Handler {
    fn finish_report(&self, uuid: Uuid, binary: MinidumpBinary) -> Result<()> {
        let contents = match binary.contents {
            Some(contents) => contents,
            None => fs::read(&binary.path)?,
        };
        let pid = dumped_pid(&contents)?;
        let annotations = lock(&self.annotations)
            .get(&pid)
            .cloned()
            .unwrap_or_default();
        let report = CrashpadInfo {
            report_id: uuid,
            client_id: self.db.client_id,
            pid,
            annotations: &annotations,
        };
        append_streams(&binary.file, &report)?;
        binary.file.sync_all()?;
        drop(binary.file);

        let created = unix_time();
        self.db.finished_writing(uuid, created)?;
        let completed = self.db.skip_upload(uuid, created)?;
        let ptype = annotations.get("ptype").map_or("?", String::as_str);
        log(format_args!(
            "pid {pid} ({ptype}) crashed: {}",
            completed.display()
        ));
        Ok(())
    }
}

/// The pid of the dumped process: the thread group id in its `/proc` status
/// (the stream's `Pid:` is the blamed thread's id).
fn dumped_pid(contents: &[u8]) -> Result<u32> {
    let dump = Minidump::read(contents)?;
    let status = dump.get_raw_stream(MINIDUMP_STREAM_TYPE::LinuxProcStatus as u32)?;
    String::from_utf8_lossy(status)
        .lines()
        .find_map(|line| line.strip_prefix("Tgid:")?.trim().parse().ok())
        .ok_or_else(|| "the dump's /proc status has no Tgid".into())
}

fn decode_annotations(buffer: &[u8]) -> Option<(u32, BTreeMap<String, String>)> {
    let pid = u32::from_le_bytes(buffer.get(..4)?.try_into().ok()?);
    let rest = buffer.get(4..)?;
    if rest.is_empty() {
        return Some((pid, BTreeMap::new()));
    }
    let fields: Vec<String> = rest
        .strip_suffix(&[0])?
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let pairs = fields.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    Some((
        pid,
        pairs.map(|kv| (kv[0].clone(), kv[1].clone())).collect(),
    ))
}

fn unix_time() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

// ---------------------------------------------------------------------- uuid

/// A random (version 4) UUID, kept in the byte order it is printed in.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Uuid([u8; 16]);

impl Uuid {
    fn random() -> io::Result<Self> {
        let mut b = [0u8; 16];
        File::open("/dev/urandom")?.read_exact(&mut b)?;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        Ok(Self(b))
    }

    /// As `crashpad::UUID` lies in a file: `data_1` (u32), `data_2` and
    /// `data_3` (u16) in the machine's (little-endian) order, then 8 bytes.
    /// The same swap turns such bytes back into a `Uuid`.
    fn crashpad_bytes(self) -> [u8; 16] {
        let mut b = self.0;
        b[0..4].reverse();
        b[4..6].reverse();
        b[6..8].reverse();
        b
    }
}

impl fmt::Display for Uuid {
    /// Crashpad's `UUID::ToString`: lowercase, hyphenated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ database

/// Crashpad's generic crash report database, as far as a handler with
/// uploads disabled uses it.
struct Database {
    root: PathBuf,
    client_id: Uuid,
}

impl Database {
    fn open(root: &Path) -> Result<Self> {
        let mut dirs = DirBuilder::new();
        dirs.recursive(true).mode(0o700);
        for sub in ["", "new", "pending", "completed", "attachments"] {
            dirs.create(root.join(sub))?;
        }
        let client_id = client_id(&root.join("settings.dat"))?;
        Ok(Self {
            root: root.to_owned(),
            client_id,
        })
    }

    fn report_path(&self, state: &str, uuid: Uuid, extension: &str) -> PathBuf {
        self.root.join(state).join(format!("{uuid}.{extension}"))
    }

    /// `FinishedWritingCrashReport`: `new/` to `pending/`, with its metadata.
    fn finished_writing(&self, uuid: Uuid, created: i64) -> Result<()> {
        let _lock = LockFile::acquire(self.report_path("pending", uuid, "lock"))?;
        write_metadata(&self.report_path("pending", uuid, "meta"), created)?;
        fs::rename(
            self.report_path("new", uuid, "dmp"),
            self.report_path("pending", uuid, "dmp"),
        )?;
        Ok(())
    }

    /// `SkipReportUpload`: `pending/` to `completed/`, metadata rewritten
    /// there and removed from `pending/`. Returns the completed report's path.
    fn skip_upload(&self, uuid: Uuid, created: i64) -> Result<PathBuf> {
        let _pending_lock = LockFile::acquire(self.report_path("pending", uuid, "lock"))?;
        let _completed_lock = LockFile::acquire(self.report_path("completed", uuid, "lock"))?;
        let completed = self.report_path("completed", uuid, "dmp");
        write_metadata(&self.report_path("completed", uuid, "meta"), created)?;
        fs::rename(self.report_path("pending", uuid, "dmp"), &completed)?;
        fs::remove_file(self.report_path("pending", uuid, "meta"))?;
        Ok(completed)
    }
}

/// The client id from Crashpad's `settings.dat`, which is created (uploads
/// disabled, a new client id) when missing or unreadable.
fn client_id(path: &Path) -> Result<Uuid> {
    if let Ok(data) = fs::read(path) {
        let u32_at = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().unwrap());
        if data.len() >= SETTINGS_SIZE && u32_at(0) == SETTINGS_MAGIC && u32_at(4) == 1 {
            let stored: [u8; 16] = data[24..40].try_into()?;
            return Ok(Uuid(Uuid(stored).crashpad_bytes()));
        }
    }
    let id = Uuid::random()?;
    let mut data = Vec::with_capacity(SETTINGS_SIZE);
    data.extend_from_slice(&SETTINGS_MAGIC.to_le_bytes());
    data.extend_from_slice(&1u32.to_le_bytes()); // version
    data.extend_from_slice(&0u32.to_le_bytes()); // options: kUploadsEnabled unset
    data.extend_from_slice(&0u32.to_le_bytes()); // padding
    data.extend_from_slice(&0i64.to_le_bytes()); // last upload attempt
    data.extend_from_slice(&id.crashpad_bytes());
    fs::write(path, data)?;
    Ok(id)
}

/// `ReportMetadata` of a report that was never uploaded (and no upload id).
fn write_metadata(path: &Path, created: i64) -> io::Result<()> {
    let mut data = [0u8; METADATA_SIZE];
    data[0..4].copy_from_slice(&1i32.to_le_bytes()); // version
    data[16..24].copy_from_slice(&created.to_le_bytes()); // creation_time
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?
        .write_all(&data)
}

/// Crashpad's `ScopedLockFile`: `<uuid>.lock` holding the time it was taken,
/// created exclusively and removed when dropped.
struct LockFile(PathBuf);

impl LockFile {
    fn acquire(path: PathBuf) -> io::Result<Self> {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?
            .write_all(&unix_time().to_le_bytes())?;
        Ok(Self(path))
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

// ------------------------------------------------------------------- streams

struct CrashpadInfo<'a> {
    report_id: Uuid,
    client_id: Uuid,
    pid: u32,
    annotations: &'a BTreeMap<String, String>,
}

/// Bytes to be appended to a dump at `base`: RVAs count from the file start.
struct Tail {
    base: u32,
    bytes: Vec<u8>,
}

impl Tail {
    fn rva(&self) -> u32 {
        self.base + self.bytes.len() as u32
    }

    fn align(&mut self, to: usize) {
        self.bytes.resize(self.bytes.len().next_multiple_of(to), 0);
    }

    fn put(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn u32(&mut self, v: u32) {
        self.put(&v.to_le_bytes());
    }

    /// A `MinidumpUTF8String`: byte length, the bytes, a NUL not counted.
    fn utf8_string(&mut self, s: &str) -> u32 {
        self.align(4);
        let rva = self.rva();
        self.u32(s.len() as u32);
        self.put(s.as_bytes());
        self.put(&[0]);
        rva
    }
}

/// Appends the Crashpad info and misc info streams to a dump that
/// minidump-writer wrote: the stream data, then a new directory (the old
/// entries and two more), then the header is pointed at it. Nothing already in
/// the file moves; the old directory stays behind, unreferenced.
fn append_streams(file: &File, report: &CrashpadInfo) -> Result<()> {
    let (count, directory) = stream_directory(file)?;
    let mut entries = vec![0u8; count as usize * 12];
    file.read_exact_at(&mut entries, directory)?;
    let end = file.metadata()?.len().next_multiple_of(8);
    let mut tail = Tail {
        base: u32::try_from(end)?,
        bytes: Vec::new(),
    };

    // MinidumpSimpleStringDictionary: count, then (key, value) string RVAs.
    let pairs: Vec<(u32, u32)> = report
        .annotations
        .iter()
        .map(|(k, v)| (tail.utf8_string(k), tail.utf8_string(v)))
        .collect();
    tail.align(4);
    let dictionary = tail.rva();
    tail.u32(pairs.len() as u32);
    for (key, value) in &pairs {
        tail.u32(*key);
        tail.u32(*value);
    }
    let dictionary_size = tail.rva() - dictionary;

    tail.align(8);
    let info = tail.rva();
    tail.u32(1); // version
    tail.put(&report.report_id.crashpad_bytes());
    tail.put(&report.client_id.crashpad_bytes());
    tail.u32(dictionary_size);
    tail.u32(dictionary);
    tail.u32(0); // module list: none (data_size, rva)
    tail.u32(0);

    let misc = tail.rva();
    tail.u32(MISC_INFO_SIZE);
    tail.u32(MINIDUMP_MISC1_PROCESS_ID);
    tail.u32(report.pid);
    tail.put(&[0; 12]); // process times: not recorded

    let new_directory = tail.rva();
    tail.put(&entries);
    for (stream_type, size, rva) in [
        (CRASHPAD_INFO_STREAM, CRASHPAD_INFO_SIZE, info),
        (
            MINIDUMP_STREAM_TYPE::MiscInfoStream as u32,
            MISC_INFO_SIZE,
            misc,
        ),
    ] {
        tail.u32(stream_type);
        tail.u32(size);
        tail.u32(rva);
    }

    file.write_all_at(&tail.bytes, end)?;
    // The header last: until then the dump reads as it was written.
    file.write_all_at(&(count + 2).to_le_bytes(), 8)?;
    file.write_all_at(&new_directory.to_le_bytes(), 12)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_prints_and_swaps_like_crashpad() {
        let uuid = Uuid([
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff,
        ]);
        assert_eq!(uuid.to_string(), "00112233-4455-6677-8899-aabbccddeeff");
        let stored = uuid.crashpad_bytes();
        assert_eq!(
            &stored[..8],
            &[0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66]
        );
        assert!(Uuid(Uuid(stored).crashpad_bytes()) == uuid);
    }

    #[test]
    fn annotations_message_round_trip() {
        let mut message = 42u32.to_le_bytes().to_vec();
        message.extend_from_slice(b"ptype\0renderer\0ver\x0035.0.0\0");
        let (pid, map) = decode_annotations(&message).unwrap();
        assert_eq!(pid, 42);
        assert_eq!(map["ptype"], "renderer");
        assert_eq!(map["ver"], "35.0.0");
        assert!(decode_annotations(&42u32.to_le_bytes())
            .unwrap()
            .1
            .is_empty());
        assert!(decode_annotations(b"\x01\0\0\0odd\0").is_none());
        assert!(decode_annotations(b"\x01\0").is_none());
    }
}

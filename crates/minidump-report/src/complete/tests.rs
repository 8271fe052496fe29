use super::*;
use minidump_layout::format::MINIDUMP_SIGNATURE;
use std::path::PathBuf;

/// A small but whole dump: every structure the check follows, little- or big-endian.
struct Dump {
    big_endian: bool,
    bytes: Vec<u8>,
}

/// Offsets of the pieces of `Dump::build`, for tests that damage one of them.
struct Layout {
    directory: usize,
    thread_list: usize,
    module_list: usize,
    module_name: usize,
    memory64: Option<usize>,
}

impl Dump {
    /// The low `size` bytes of `v` in the dump's byte order.
    fn word(&self, v: u64, size: usize) -> Vec<u8> {
        if self.big_endian {
            v.to_be_bytes()[8 - size..].to_vec()
        } else {
            v.to_le_bytes()[..size].to_vec()
        }
    }
    fn push(&mut self, v: u64, size: usize) -> usize {
        let at = self.bytes.len();
        let b = self.word(v, size);
        self.bytes.extend_from_slice(&b);
        at
    }
    fn u32(&mut self, v: u32) -> usize {
        self.push(v.into(), 4)
    }
    fn u64(&mut self, v: u64) -> usize {
        self.push(v, 8)
    }
    fn zeros(&mut self, n: usize) -> usize {
        let at = self.bytes.len();
        self.bytes.resize(at + n, 0);
        at
    }
    fn set(&mut self, at: usize, v: u32) {
        let b = self.word(v.into(), 4);
        self.bytes[at..at + 4].copy_from_slice(&b);
    }

    /// Header, directory (system info, thread list, module list, exception, memory list and, when asked,
    /// a memory64 list), then each stream and what it points at.
    fn build(big_endian: bool, with_memory64: bool) -> (Vec<u8>, Layout) {
        let mut d = Dump {
            big_endian,
            bytes: Vec::new(),
        };
        let streams = 5 + u32::from(with_memory64);
        d.u32(MINIDUMP_SIGNATURE);
        d.u32(MINIDUMP_VERSION);
        d.u32(streams);
        d.u32(32);
        d.zeros(16);
        let directory = d.zeros(12 * streams as usize);
        let entry = |d: &mut Dump, i: usize, t: Stream, rva: usize, size: usize| {
            let at = directory + 12 * i;
            d.set(at, t as u32);
            d.set(at + 4, size as u32);
            d.set(at + 8, rva as u32);
        };
        // System info, no service pack string.
        let system = d.zeros(SYSTEM_INFO_SIZE as usize);
        entry(&mut d, 0, Stream::SystemInfoStream, system, 56);
        // One thread: 16 bytes of stack, an 8-byte context.
        let stack = d.zeros(16);
        let context = d.zeros(8);
        let thread_list = d.u32(1);
        d.zeros(32);
        d.u32(16);
        d.u32(stack as u32);
        d.u32(8);
        d.u32(context as u32);
        entry(&mut d, 1, Stream::ThreadListStream, thread_list, 4 + 48);
        // One module named "a", with a 4-byte CodeView record.
        let module_name = d.u32(2);
        d.bytes
            .extend_from_slice(if big_endian { b"\0a" } else { b"a\0" });
        let cv = d.u32(0x5344_5352);
        let module_list = d.u32(1);
        d.u64(0x1000);
        d.u32(0x1000);
        d.zeros(8);
        d.u32(module_name as u32);
        d.zeros(52);
        d.u32(4);
        d.u32(cv as u32);
        d.zeros(24);
        entry(&mut d, 2, Stream::ModuleListStream, module_list, 4 + 108);
        // The exception, with the thread's context.
        let exception = d.zeros(160);
        d.u32(8);
        d.u32(context as u32);
        entry(&mut d, 3, Stream::ExceptionStream, exception, 168);
        // The memory list: the stack.
        let memory_list = d.u32(1);
        d.u64(0x7000);
        d.u32(16);
        d.u32(stack as u32);
        entry(&mut d, 4, Stream::MemoryListStream, memory_list, 4 + 16);
        let memory64 = with_memory64.then(|| {
            let list = d.u64(1);
            let base_at = d.u64(0);
            d.u64(0x9000);
            d.u64(32);
            let data = d.zeros(32);
            let base = d.word(data as u64, 8);
            d.bytes[base_at..base_at + 8].copy_from_slice(&base);
            entry(&mut d, 5, Stream::Memory64ListStream, list, 16 + 16);
            list
        });
        let layout = Layout {
            directory,
            thread_list,
            module_list,
            module_name,
            memory64,
        };
        (d.bytes, layout)
    }
}

fn verdict(bytes: &[u8]) -> Option<(Incomplete, String)> {
    check_bytes(bytes).unwrap().problem
}

fn kind(bytes: &[u8]) -> Option<Incomplete> {
    verdict(bytes).map(|(k, _)| k)
}

fn put(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn a_whole_dump_is_complete_in_either_byte_order() {
    for big_endian in [false, true] {
        for memory64 in [false, true] {
            let (bytes, _) = Dump::build(big_endian, memory64);
            let check = check_bytes(&bytes).unwrap();
            assert_eq!(check.problem, None, "big endian {big_endian}");
            assert_eq!(check.size, bytes.len() as u64);
        }
    }
}

#[test]
fn every_cut_of_a_built_dump_is_truncated() {
    for big_endian in [false, true] {
        let (bytes, _) = Dump::build(big_endian, true);
        for cut in 0..bytes.len() {
            assert_eq!(
                kind(&bytes[..cut]),
                Some(Incomplete::Truncated),
                "cut at {cut}: {:?}",
                verdict(&bytes[..cut])
            );
        }
    }
}

#[test]
fn the_start_of_a_file_tells_not_a_minidump_from_not_yet_one() {
    for prefix in [&b""[..], b"M", b"MDM", b"MDMP", b"PMD"] {
        assert_eq!(kind(prefix), Some(Incomplete::Truncated), "{prefix:?}");
    }
    for other in [&b"X"[..], b"MDX", b"{\"not\": \"a dump\"}", &[0u8; 64]] {
        assert_eq!(kind(other), Some(Incomplete::NotAMinidump), "{other:?}");
    }
    assert_eq!(
        verdict(b"MDMP\x93\xa7\0\0"),
        Some((
            Incomplete::Truncated,
            "the input is 8 bytes, shorter than the 32-byte header".into()
        ))
    );
}

#[test]
fn header_and_directory_damage_is_invalid_or_truncated() {
    let (good, layout) = Dump::build(false, false);
    let mut bytes = good.clone();
    put(&mut bytes, 4, 0xa792);
    assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "version");
    let mut bytes = good.clone();
    put(&mut bytes, 8, 0);
    assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "no streams");
    let mut bytes = good.clone();
    put(&mut bytes, 8, u32::MAX);
    let (k, reason) = verdict(&bytes).unwrap();
    assert_eq!(k, Incomplete::Truncated);
    assert!(reason.contains("stream directory"), "{reason}");
    // A directory entry reaching past the end names its stream.
    let mut bytes = good.clone();
    put(&mut bytes, layout.directory + 12 + 4, 0x10_0000);
    let (k, reason) = verdict(&bytes).unwrap();
    assert_eq!(k, Incomplete::Truncated);
    assert!(
        reason.starts_with("the thread list stream (directory entry 1) ends at byte"),
        "{reason}"
    );
    // An unused entry is not followed.
    let mut bytes = good;
    put(
        &mut bytes,
        layout.directory + 48,
        Stream::UnusedStream as u32,
    );
    put(&mut bytes, layout.directory + 52, u32::MAX);
    assert_eq!(kind(&bytes), None);
}

#[test]
fn the_streams_a_crash_needs_must_be_there() {
    let (good, layout) = Dump::build(false, false);
    let mut bytes = good.clone();
    // The thread list and module list become streams of an unknown type.
    put(&mut bytes, layout.directory + 12, 0x4747_0001);
    put(&mut bytes, layout.directory + 24, 0x4747_0002);
    assert_eq!(
        verdict(&bytes),
        Some((
            Incomplete::Invalid,
            "no thread list, no module list stream: a usable crash needs system info, thread list and module list".into()
        ))
    );
    // Without an exception: a dump of a process that did not crash is complete.
    let mut bytes = good;
    put(&mut bytes, layout.directory + 36, 0x4747_0003);
    assert_eq!(kind(&bytes), None);
}

#[test]
fn list_counts_must_match_their_stream_sizes() {
    let (good, layout) = Dump::build(false, true);
    for (at, what) in [
        (layout.thread_list, "thread list"),
        (layout.module_list, "module list"),
    ] {
        for count in [0, 2, 1 << 20, u32::MAX] {
            let mut bytes = good.clone();
            put(&mut bytes, at, count);
            let (k, reason) = verdict(&bytes).unwrap();
            assert_eq!(k, Incomplete::Invalid, "{what} {count}");
            assert!(reason.contains(what), "{reason}");
        }
    }
    let at = layout.memory64.unwrap();
    let mut bytes = good.clone();
    put(&mut bytes, at + 4, 1);
    assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "memory64 count");
    // A region size that overflows any offset.
    let mut bytes = good;
    bytes[at + 24..at + 32].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(kind(&bytes), Some(Incomplete::Invalid), "memory64 size");
}

#[test]
fn a_module_name_must_be_whole_utf16() {
    let (good, layout) = Dump::build(false, false);
    let mut bytes = good.clone();
    put(&mut bytes, layout.module_name, 3);
    assert_eq!(kind(&bytes), Some(Incomplete::Invalid));
    let mut bytes = good;
    put(&mut bytes, layout.module_name, 0x1000);
    let (k, reason) = verdict(&bytes).unwrap();
    assert_eq!(k, Incomplete::Truncated);
    assert!(
        reason.starts_with("module 0's name ends at byte"),
        "{reason}"
    );
}

fn corpus_and_fixture_dumps() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dumps = Vec::new();
    match std::fs::read_dir(root.join("../../../shared/corpus/dumps")) {
        Ok(sources) => dumps.extend(
            sources
                .flatten()
                .flat_map(|s| std::fs::read_dir(s.path()).into_iter().flatten().flatten())
                .map(|f| f.path())
                // Malformed on purpose (fuzzer-made): not a complete dump to start from.
                .filter(|p| !p.to_string_lossy().contains("invalid-")),
        ),
        Err(_) => eprintln!("skipped: ../shared/corpus not found beside the repository"),
    }
    match std::fs::read_dir(root.join("../../__test__/fixtures/generated")) {
        Ok(files) => dumps.extend(
            files
                .flatten()
                .map(|f| f.path())
                .filter(|p| p.extension().is_some_and(|e| e == "dmp")),
        ),
        Err(_) => eprintln!("skipped: no generated fixtures (run `npm run fixtures`)"),
    }
    dumps.sort();
    dumps
}

#[test]
fn real_dumps_are_complete_and_every_cut_is_not() {
    let dumps = corpus_and_fixture_dumps();
    for path in &dumps {
        let bytes = std::fs::read(path).unwrap();
        let name = path.display();
        assert_eq!(verdict(&bytes), None, "{name}");
        // Every 1 KiB, and each of the last 64 bytes: a writer appends, so the tail is where it stops.
        let cuts = (0..bytes.len())
            .step_by(1024)
            .chain(bytes.len().saturating_sub(64)..bytes.len());
        for cut in cuts {
            assert_eq!(
                kind(&bytes[..cut]),
                Some(Incomplete::Truncated),
                "{name} cut at {cut}: {:?}",
                verdict(&bytes[..cut])
            );
        }
    }
    eprintln!("checked {} real dumps", dumps.len());
}

#[test]
fn files_are_checked_as_they_are_on_disk() {
    let dir = std::env::temp_dir().join(format!("check-minidump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (bytes, _) = Dump::build(false, true);
    let path = dir.join("crash.dmp");
    std::fs::write(&path, &bytes).unwrap();
    let whole = check_path(&path).unwrap();
    assert_eq!((whole.size, whole.problem), (bytes.len() as u64, None));
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    assert_eq!(
        check_path(&path).unwrap().problem.map(|p| p.0),
        Some(Incomplete::Truncated)
    );
    std::fs::write(&path, b"").unwrap();
    let empty = check_path(&path).unwrap();
    assert_eq!(
        (empty.size, empty.problem.map(|p| p.0)),
        (0, Some(Incomplete::Truncated))
    );
    assert!(matches!(
        check_path(&dir.join("missing.dmp")),
        Err(ReportError::Io(_))
    ));
    assert!(matches!(check_path(&dir), Err(ReportError::Io(_))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_file_source_reads_lists_in_chunks() {
    // More modules than one chunk holds: the file path and the slice path must agree.
    let (mut bytes, layout) = Dump::build(false, false);
    let count = 2 * (CHUNK / MODULE_SIZE) as u32 + 3;
    let module = bytes[layout.module_list + 4..layout.module_list + 4 + 108].to_vec();
    let list = bytes.len();
    bytes.extend_from_slice(&count.to_le_bytes());
    for _ in 0..count {
        bytes.extend_from_slice(&module);
    }
    put(&mut bytes, layout.directory + 24 + 4, 4 + 108 * count);
    put(&mut bytes, layout.directory + 24 + 8, list as u32);
    assert_eq!(kind(&bytes), None);
    let dir = std::env::temp_dir().join(format!("check-chunks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("many-modules.dmp");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(check_path(&path).unwrap().problem, None);
    // The last module's name cut away: found in the last chunk.
    let last = list + 4 + 108 * (count as usize - 1);
    let end = bytes.len() as u32;
    put(&mut bytes, last + 20, end);
    std::fs::write(&path, &bytes).unwrap();
    let problem = check_path(&path).unwrap().problem.unwrap();
    assert_eq!(problem.0, Incomplete::Truncated);
    assert!(
        problem
            .1
            .starts_with(&format!("module {}'s name", count - 1)),
        "{}",
        problem.1
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_check_code_is_listed() {
    let all = [
        Incomplete::NotAMinidump,
        Incomplete::Truncated,
        Incomplete::Invalid,
    ];
    assert_eq!(all.map(Incomplete::code), Incomplete::CODES);
}

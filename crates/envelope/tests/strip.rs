//! `strip_minidump_memory` on real dumps (../shared/corpus and the generated fixtures): the stripped dump
//! must read the same (threads, modules, exception, the crashing thread's walk) in rust-minidump, in our
//! report and in Breakpad, keep every thread's stack, and lose the rest of the memory.

use envelope::{strip_minidump_bytes, strip_minidump_memory};
use minidump::{Minidump, MinidumpException, MinidumpModuleList, MinidumpThreadList};
use minidump_report::{parse_path, CancelToken, Options};
use std::collections::HashMap;
mod common;

use common::{present, root, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every real dump at hand; the corpus (beside the repository) and fixtures may be absent.
fn dumps() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let corpus = root().join("../shared/corpus/dumps");
    for dir in ["rust-minidump", "breakpad", "symbolicator", "symbolic"] {
        for e in std::fs::read_dir(corpus.join(dir)).into_iter().flatten() {
            let p = e.unwrap().path();
            if !p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("invalid-r")
            {
                out.push(p);
            }
        }
    }
    for e in std::fs::read_dir(root().join("__test__/fixtures/generated"))
        .into_iter()
        .flatten()
    {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "dmp") {
            out.push(p);
        }
    }
    if out.is_empty() {
        eprintln!("skipped: neither ../shared/corpus nor __test__/fixtures/generated is present");
    }
    out.sort();
    out
}

fn tmp(name: &str) -> PathBuf {
    scratch("strip-test", name)
}

/// The facts a stripped dump must keep, from rust-minidump and from our report.
fn facts(p: &Path) -> (usize, usize, Option<(u32, u32)>, String) {
    let dump = Minidump::read_path(p).unwrap();
    let threads = dump.get_stream::<MinidumpThreadList>().unwrap();
    let memory = dump.get_memory().expect("a memory list");
    for t in &threads.threads {
        if t.raw.stack.memory.data_size > 0 {
            assert!(
                memory
                    .memory_at_address(t.raw.stack.start_of_memory_range)
                    .is_some(),
                "{}: stack of thread {} kept",
                p.display(),
                t.raw.thread_id
            );
        }
    }
    let modules = dump
        .get_stream::<MinidumpModuleList>()
        .map(|m| m.iter().count())
        .unwrap_or(0);
    let exception = dump
        .get_stream::<MinidumpException>()
        .ok()
        .map(|e| (e.raw.thread_id, e.raw.exception_record.exception_code));
    let report = parse_path(p, &Options::default(), &CancelToken::default()).unwrap();
    let walk = serde_json::json!([report.crash, report.crashing_thread.map(|t| t.frames)]);
    (threads.threads.len(), modules, exception, walk.to_string())
}

#[test]
fn stripped_dumps_read_the_same() {
    for src in dumps() {
        let dst = tmp(&format!(
            "{}.stripped",
            src.file_name().unwrap().to_string_lossy()
        ));
        let out =
            strip_minidump_memory(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        assert_eq!(out.bytes, std::fs::metadata(&dst).unwrap().len());
        assert_eq!(facts(&dst), facts(&src), "{}", src.display());
        // The same strip from bytes in memory: the same bytes, the same counts.
        let mut in_memory = Vec::new();
        let from_bytes =
            strip_minidump_bytes(&std::fs::read(&src).unwrap(), &mut in_memory).unwrap();
        assert_eq!(from_bytes, out, "{}", src.display());
        assert!(
            in_memory == std::fs::read(&dst).unwrap(),
            "{}",
            src.display()
        );
        let before = std::fs::metadata(&src).unwrap().len();
        // At most the new memory list, its alignment and relocated stacks' alignment are added.
        assert!(
            out.bytes <= before + 64 + 32 * out.kept_regions as u64,
            "{}: {} > {before}",
            src.display(),
            out.bytes
        );
    }
}

#[test]
fn a_windows_dump_with_heap_memory_gets_much_smaller() {
    let Some(src) = present("../shared/corpus/dumps/breakpad/tiny-exe-fastfail.dmp") else {
        return;
    };
    let out = strip_minidump_memory(&src, &tmp("fastfail.dmp")).unwrap();
    let before = std::fs::metadata(&src).unwrap().len();
    assert!(out.bytes * 2 < before, "{} vs {before}", out.bytes);
    assert_eq!((out.kept_regions, out.dropped_regions), (4, 10));
}

/// `base` with `mib` MiB of pseudo-heap appended as memory regions, the way bench/make-big-dump.mjs
/// does it: regions after the dump, then a new memory list that the directory points to.
fn with_heap(base: &[u8], mib: usize) -> Vec<u8> {
    let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
    let (count, dir) = (u32_at(base, 8), u32_at(base, 12));
    let entry = (0..count)
        .map(|i| dir + 12 * i)
        .find(|&o| u32_at(base, o) == 5)
        .expect("a memory list");
    let (old_size, old_rva) = (u32_at(base, entry + 4), u32_at(base, entry + 8));
    let mut out = base.to_vec();
    out.resize(out.len().div_ceil(16) * 16, 0);
    let mut list = base[old_rva + 4..old_rva + old_size].to_vec();
    let mut x = 0x1234_5678u32;
    for r in 0..mib {
        list.extend_from_slice(&(0x7e00_0000_0000u64 + (r as u64) * 0x20_0000).to_le_bytes());
        list.extend_from_slice(&(1u32 << 20).to_le_bytes());
        list.extend_from_slice(&(out.len() as u32).to_le_bytes());
        for _ in 0..(1 << 18) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    let rva = out.len() as u32;
    out.extend_from_slice(&((list.len() / 16) as u32).to_le_bytes());
    out.extend_from_slice(&list);
    out[entry + 4..entry + 8].copy_from_slice(&((list.len() + 4) as u32).to_le_bytes());
    out[entry + 8..entry + 12].copy_from_slice(&rva.to_le_bytes());
    out
}

fn breakpad(bin: &str, dump: &Path) -> Option<(Option<i32>, String)> {
    let exe = root().join("node_modules/minidump/bin/linux-x64").join(bin);
    let out = Command::new(exe)
        .args(if bin == "minidump_stackwalk" {
            vec!["-m"]
        } else {
            vec![]
        })
        .arg(dump)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some((
        out.status.code(),
        text.lines()
            .filter(|l| l.starts_with("Crash|") || l.starts_with("0|"))
            .collect::<Vec<_>>()
            .join("\n"),
    ))
}

#[test]
fn heap_is_dropped_and_breakpad_still_reads_the_dump() {
    let fixtures = [
        root().join("__test__/fixtures/generated/null_write.dmp"),
        root().join("../shared/corpus/dumps/rust-minidump/linux-mini.dmp"),
    ];
    let Some(base) = fixtures.iter().find(|p| p.exists()) else {
        return eprintln!("skipped: no Linux dump at hand");
    };
    let (src, dst) = (tmp("heap.dmp"), tmp("heap-stripped.dmp"));
    std::fs::write(&src, with_heap(&std::fs::read(base).unwrap(), 8)).unwrap();
    let out = strip_minidump_memory(&src, &dst).unwrap();
    let base_len = std::fs::metadata(base).unwrap().len();
    assert!(
        out.bytes <= base_len + 64,
        "{} vs base {base_len}: the 8 MiB of heap are gone",
        out.bytes
    );
    assert_eq!(facts(&dst), facts(&src));
    if let (Some(walk_src), Some(walk_dst)) = (
        breakpad("minidump_stackwalk", &src),
        breakpad("minidump_stackwalk", &dst),
    ) {
        assert_eq!(walk_dst.0, Some(0));
        assert_eq!(
            walk_dst, walk_src,
            "Breakpad's crash line and crashing thread agree"
        );
        let (dump_src, dump_dst) = (
            breakpad("minidump_dump", &src).unwrap(),
            breakpad("minidump_dump", &dst).unwrap(),
        );
        assert_eq!(
            dump_dst.0, dump_src.0,
            "minidump_dump exits as on the original"
        );
    }
}

#[test]
fn bad_inputs_are_typed_errors() {
    let (junk, dst) = (tmp("junk.bin"), tmp("junk-out.dmp"));
    // The folder is named by pid, and pids come round again: a file left by an earlier run is not ours.
    let _ = std::fs::remove_file(&dst);
    std::fs::write(&junk, b"hello, not a dump").unwrap();
    assert_eq!(
        strip_minidump_memory(&junk, &dst).unwrap_err().code(),
        "ERR_NOT_A_MINIDUMP"
    );
    assert_eq!(
        strip_minidump_memory(&tmp("absent.dmp"), &dst)
            .unwrap_err()
            .code(),
        "ERR_IO"
    );
    let mut truncated = b"MDMP\x93\xa7\0\0\x09\0\0\0\x20\0\0\0".to_vec();
    truncated.resize(40, 0);
    std::fs::write(&junk, &truncated).unwrap();
    assert_eq!(
        strip_minidump_memory(&junk, &dst).unwrap_err().code(),
        "ERR_INVALID_MINIDUMP"
    );
    assert!(!dst.exists(), "nothing written on error");
    let corpus = root().join("../shared/corpus/dumps/rust-minidump");
    for name in ["invalid-range.dmp", "invalid-record-count.dmp"] {
        if let Err(e) = strip_minidump_memory(&corpus.join(name), &dst) {
            assert!(
                ["ERR_INVALID_MINIDUMP", "ERR_IO"].contains(&e.code()),
                "{name}: {e}"
            );
        }
    }
}

/// `base` with its MemoryListStream turned into a Memory64ListStream (data contiguous at the end) and the
/// thread stacks pointing into that data: the layout of a full-memory Windows dump.
fn as_memory64(base: &[u8]) -> Vec<u8> {
    let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
    let u64_at = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    let (count, dir) = (u32_at(base, 8), u32_at(base, 12));
    let entry = |t: u32| {
        (0..count)
            .map(|i| dir + 12 * i)
            .find(|&o| u32_at(base, o) == t as usize)
            .unwrap()
    };
    let (mem, threads) = (entry(5), entry(3));
    let (list, n) = (u32_at(base, mem + 8), u32_at(base, u32_at(base, mem + 8)));
    let regions: Vec<(u64, usize, usize)> = (0..n)
        .map(|i| list + 4 + 16 * i)
        .map(|o| (u64_at(base, o), u32_at(base, o + 8), u32_at(base, o + 12)))
        .collect();
    let mut out = base.to_vec();
    out.resize(out.len().div_ceil(16) * 16, 0);
    let blob = out.len();
    let data = blob + 16 + 16 * n;
    out.extend_from_slice(&(n as u64).to_le_bytes());
    out.extend_from_slice(&(data as u64).to_le_bytes());
    for &(start, size, _) in &regions {
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&(size as u64).to_le_bytes());
    }
    let mut at = HashMap::new();
    for &(start, size, rva) in &regions {
        at.insert(start, out.len());
        out.extend_from_slice(&base[rva..rva + size]);
    }
    let tlist = u32_at(base, threads + 8);
    for t in 0..u32_at(base, tlist) {
        let desc = tlist + 4 + 48 * t + 24;
        let new = at[&u64_at(base, desc)] as u32;
        out[desc + 12..desc + 16].copy_from_slice(&new.to_le_bytes());
    }
    out[mem..mem + 12].copy_from_slice(
        &[9u32, (16 + 16 * n) as u32, blob as u32]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>(),
    );
    out
}

#[test]
fn a_full_memory_dump_keeps_its_stacks_from_the_memory64_list() {
    let Some(base) = present("../shared/corpus/dumps/breakpad/tiny-exe-fastfail.dmp") else {
        return;
    };
    let (src, dst) = (tmp("full.dmp"), tmp("full-stripped.dmp"));
    std::fs::write(&src, as_memory64(&std::fs::read(&base).unwrap())).unwrap();
    assert_eq!(
        facts(&src),
        facts(&base),
        "the converted dump reads as the original"
    );
    let out = strip_minidump_memory(&src, &dst).unwrap();
    assert_eq!(out.kept_regions, 4);
    // The 77 kB of non-stack memory go (the old list's bytes, now unreferenced, stay: nothing tells).
    assert!(out.bytes + 70_000 < std::fs::metadata(&src).unwrap().len());
    assert_eq!(facts(&dst), facts(&src));
    let dump = Minidump::read_path(&dst).unwrap();
    assert!(
        dump.get_stream::<minidump::MinidumpMemory64List>().is_err(),
        "the Memory64ListStream is gone"
    );
}

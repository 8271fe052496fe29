//! Turns a read `Minidump` into a `Report`: the crash, the crashing thread walked, modules, annotations.

use crate::options::{CancelToken, Options};
use crate::report::{
    CrashingThread, Module as ModuleReport, Report, System, Thread, UnloadedModule, Warning,
};
use crate::walk::{walk, walk_raw, WalkInputs};
use crate::{crashpad, hex, ids, mechanism, process_type, ReportError};
use minidump::format::MINIDUMP_STREAM_TYPE;
use minidump::system_info::{Cpu, Os};
use minidump::{
    Minidump, MinidumpAssertion, MinidumpBreakpadInfo, MinidumpContext, MinidumpException,
    MinidumpMiscInfo, MinidumpModuleList, MinidumpSystemInfo, MinidumpThread, MinidumpThreadList,
    MinidumpThreadNames, MinidumpUnloadedModuleList, Module, UnifiedMemory, UnifiedMemoryList,
};
use minidump_unwind::SymbolProvider;
use minidump_unwind::SystemInfo as UnwindSystemInfo;
use std::time::{Duration, SystemTime};
use symbol_store::{NoSymbols, Status, SymbolStore};

pub fn report(
    dump: &Minidump<'_, &[u8]>,
    all: &[u8],
    options: &Options,
    cancel: &CancelToken,
) -> Result<Report, ReportError> {
    let mut warnings = Vec::new();

    let sys_stream = dump.get_stream::<MinidumpSystemInfo>().ok();
    let misc = dump.get_stream::<MinidumpMiscInfo>().ok();
    let thread_list = dump.get_stream::<MinidumpThreadList>().ok();
    let exception = dump.get_stream::<MinidumpException>().ok();
    let module_list = dump.get_stream::<MinidumpModuleList>().ok();
    let crashpad_stream = dump
        .get_raw_stream(MINIDUMP_STREAM_TYPE::CrashpadInfoStream as u32)
        .ok();

    // A "minidump" in which none of the core streams can be read holds nothing to report: that is an
    // invalid file, not a damaged one.
    if sys_stream.is_none() && thread_list.is_none() && exception.is_none() && module_list.is_none()
    {
        return Err(ReportError::Invalid(
            "no readable system info, thread, exception or module stream".into(),
        ));
    }
    if sys_stream.is_none() {
        warnings.push(Warning::new(
            "system_info_missing",
            "no readable system info stream; CPU contexts cannot be decoded",
        ));
    }
    if thread_list.is_none() {
        warnings.push(Warning::new(
            "thread_list_missing",
            "no readable thread list stream",
        ));
    }
    let modules = module_list.unwrap_or_else(|| {
        warnings.push(Warning::new(
            "module_list_missing",
            "no readable module list stream",
        ));
        MinidumpModuleList::new()
    });

    let (os, cpu) = sys_stream
        .as_ref()
        .map_or((Os::Unknown(0), Cpu::Unknown(0)), |s| (s.os, s.cpu));
    let unwind_system = system_for_unwind(sys_stream.as_ref());
    let system = System {
        os: sys_stream
            .as_ref()
            .map_or_else(|| "unknown".into(), |_| os.long_name().into_owned()),
        os_version: unwind_system.os_version.clone(),
        os_build: unwind_system.os_build.clone(),
        cpu_arch: cpu.to_string(),
        cpu_info: unwind_system.cpu_info.clone(),
        cpu_count: unwind_system.cpu_count as u32,
    };

    let crash = exception
        .as_ref()
        .map(|e| mechanism::crash(e, os, cpu, assertion(dump)));

    let breakpad_info = dump.get_stream::<MinidumpBreakpadInfo>().ok();
    let dump_thread_id = breakpad_info.as_ref().and_then(|b| b.dump_thread_id);
    let crashing_id = exception
        .as_ref()
        .map(|e| e.get_crashing_thread_id())
        .or_else(|| breakpad_info.as_ref().and_then(|b| b.requesting_thread_id));

    let names = dump.get_stream::<MinidumpThreadNames>().unwrap_or_default();
    let memory = dump.get_memory().unwrap_or_default();
    let store = SymbolStore::new(symbol_config(options));
    let provider: &(dyn SymbolProvider + Sync) = if store.is_empty() { &NoSymbols } else { &store };
    let inputs = WalkInputs {
        modules: &modules,
        system_info: &unwind_system,
        symbols: &provider,
        max_frames: options.max_frames,
    };

    // Which threads to walk, and from which CPU context.
    let mut targets = Vec::new();
    for thread in thread_list.as_ref().map_or(&[][..], |l| &l.threads[..]) {
        let id = thread.raw.thread_id;
        let is_crashing = crashing_id == Some(id);
        let asked = options.all_threads || options.thread_ids.contains(&id);
        // The thread that wrote the dump (Breakpad's in-process handler) has nothing to say about the crash.
        let walkable = (is_crashing || asked) && dump_thread_id != Some(id);
        let context = match (&sys_stream, walkable) {
            (Some(sys), true) => {
                // The crashing thread's own context is the signal handler's; the exception's is the fault's.
                let from_exception = exception
                    .as_ref()
                    .filter(|_| is_crashing)
                    .and_then(|e| e.context(sys, misc.as_ref()));
                from_exception.or_else(|| thread.context(sys, misc.as_ref()))
            }
            _ => None,
        };
        targets.push((thread, is_crashing, asked, context));
    }

    if options.symbol_servers.is_empty() {
        cancel.check()?;
    } else {
        // A quick walk without symbols names the modules on the stacks, whose symbols are then fetched in
        // parallel; the real walk below finds them in the store (and fetches any module it discovers anew).
        let bare = WalkInputs {
            modules: &modules,
            system_info: &unwind_system,
            symbols: &NoSymbols,
            max_frames: options.max_frames,
        };
        let mut wanted: Vec<&(dyn Module + Sync)> = Vec::new();
        for (thread, _, _, context) in &targets {
            cancel.check()?;
            if let Some(ctx) = context.as_deref() {
                let stack = stack_memory_for(thread, &memory, ctx);
                for f in walk_raw(&bare, thread.raw.thread_id, ctx, stack)
                    .frames
                    .iter()
                    .take(options.max_frames)
                {
                    if let Some(m) = modules.module_at_address(f.instruction) {
                        if !wanted.iter().any(|w| w.base_address() == m.base_address()) {
                            wanted.push(m);
                        }
                    }
                }
            }
        }
        store.prefetch(&wanted);
    }

    let mut crashing_thread = None;
    let mut threads = Vec::new();
    for (thread, is_crashing, asked, context) in &targets {
        cancel.check()?;
        let id = thread.raw.thread_id;
        // An empty name is no name: report `null` rather than a blank the UI would have to special-case.
        let name = names
            .get_name(id)
            .filter(|n| !n.is_empty())
            .map(|n| n.into_owned());
        let walked = context.as_deref().map(|ctx| {
            let stack = stack_memory_for(thread, &memory, ctx);
            let (frames, truncated) = walk(&inputs, id, ctx, stack);
            (frames, truncated, registers(ctx))
        });
        if *is_crashing {
            let (frames, truncated, regs) = walked.clone().unwrap_or_else(|| {
                warnings.push(Warning::new(
                    "crashing_thread_context_missing",
                    format!("thread {id} has no readable CPU context"),
                ));
                (Vec::new(), false, Vec::new())
            });
            crashing_thread = Some(CrashingThread {
                id,
                name: name.clone(),
                frames,
                frames_truncated: truncated,
                registers: regs,
            });
        }
        let (frames, truncated) = match walked {
            Some((frames, truncated, _)) if *asked => (Some(frames), truncated),
            _ => (None, false),
        };
        threads.push(Thread {
            id,
            name,
            frames,
            frames_truncated: truncated,
        });
    }
    if let (Some(id), None) = (crashing_id, &crashing_thread) {
        warnings.push(Warning::new(
            "crashing_thread_missing",
            format!("the crashing thread {id} is not in the thread list"),
        ));
    }
    cancel.check()?;

    let module_reports: Vec<ModuleReport> = modules
        .iter()
        .map(|m| {
            let code_file = m.code_file().into_owned();
            let status = store.status(m);
            if let Some(Status::Unusable(reason)) = &status {
                if !warnings.iter().any(|w| &w.message == reason) {
                    warnings.push(Warning::new("symbols_unusable", reason.clone()));
                }
            }
            let loaded = matches!(status, Some(Status::Loaded { .. }));
            ModuleReport {
                base_address: hex::addr(m.base_address()),
                size: m.size(),
                version: ids::version(m, os),
                debug_file: m.debug_file().map(|v| v.into_owned()),
                debug_id: ids::debug_id(m),
                code_id: ids::code_id(m, os),
                symbols_loaded: loaded,
                code_file,
            }
        })
        .collect();

    let unloaded_modules = dump
        .get_stream::<MinidumpUnloadedModuleList>()
        .map(|list| {
            list.iter()
                .map(|m| UnloadedModule {
                    code_file: m.code_file().into_owned(),
                    base_address: hex::addr(m.base_address()),
                    size: m.size(),
                    version: m.version().map(|v| v.into_owned()),
                    debug_file: m.debug_file().map(|v| v.into_owned()),
                    debug_id: m.debug_identifier().map(|id| id.breakpad().to_string()),
                    code_id: m.code_identifier().map(|id| id.to_string()),
                })
                .collect()
        })
        .unwrap_or_default();

    let crashpad = crashpad_stream
        .and_then(|stream| crashpad::read(stream, all, &mut warnings))
        .map(|mut info| {
            for m in &mut info.modules {
                m.module = module_reports
                    .get(m.module_index as usize)
                    .map(|r| r.code_file.clone());
            }
            info
        });

    Ok(Report {
        system,
        crash,
        crashing_thread,
        threads,
        process_type: crashpad.as_ref().and_then(process_type::from_crashpad),
        modules: module_reports,
        unloaded_modules,
        crashpad,
        process_id: misc
            .as_ref()
            .and_then(|m| m.raw.process_id().copied())
            .or_else(|| linux_pid(dump)),
        process_create_time: misc
            .as_ref()
            .and_then(|m| m.process_create_time())
            .map(iso8601),
        dump_time: iso8601(
            SystemTime::UNIX_EPOCH + Duration::from_secs(dump.header.time_date_stamp as u64),
        ),
        warnings,
    })
}

/// Where symbols come from, as the options say.
pub(crate) fn symbol_config(options: &Options) -> symbol_store::Config {
    symbol_store::Config {
        roots: options.symbol_paths.clone(),
        servers: options.symbol_servers.clone(),
        cache_dir: options.cache_dir.clone(),
        timeout: options.symbol_timeout,
        ..symbol_store::Config::default()
    }
}

/// The unwinder's view of the system, built the way minidump-processor builds it.
fn system_for_unwind(sys: Option<&MinidumpSystemInfo>) -> UnwindSystemInfo {
    match sys {
        Some(s) => {
            let (version, build) = s.os_parts();
            UnwindSystemInfo {
                os: s.os,
                os_version: Some(version),
                os_build: build,
                cpu: s.cpu,
                cpu_info: s.cpu_info().map(|c| c.into_owned()),
                cpu_microcode_version: None,
                cpu_count: s.raw.number_of_processors as usize,
            }
        }
        None => UnwindSystemInfo {
            os: Os::Unknown(0),
            os_version: None,
            os_build: None,
            cpu: Cpu::Unknown(0),
            cpu_info: None,
            cpu_microcode_version: None,
            cpu_count: 0,
        },
    }
}

/// The stack memory that holds the context's stack pointer: the exception context may point into a
/// different region (an alternate signal stack) than the thread's recorded stack.
fn stack_memory_for<'a, 'm>(
    thread: &'m MinidumpThread<'a>,
    memory: &'m UnifiedMemoryList<'a>,
    ctx: &MinidumpContext,
) -> Option<UnifiedMemory<'m, 'a>> {
    let own = thread.stack_memory(memory);
    let sp = ctx.get_stack_pointer();
    if own
        .as_ref()
        .and_then(|m| m.get_memory_at_address::<u64>(sp))
        .is_some()
    {
        return own;
    }
    memory.memory_at_address(sp).or(own)
}

fn registers(ctx: &MinidumpContext) -> Vec<(&'static str, String)> {
    ctx.valid_registers()
        .map(|(name, value)| (name, hex::addr(value)))
        .collect()
}

fn assertion(dump: &Minidump<'_, &[u8]>) -> Option<String> {
    let a = dump.get_stream::<MinidumpAssertion>().ok()?;
    let expression = a.expression().unwrap_or_default();
    let function = a.function().unwrap_or_default();
    let file = a.file().unwrap_or_default();
    if expression.is_empty() && function.is_empty() && file.is_empty() {
        return None;
    }
    Some(format!(
        "{expression} in {function} at {file}:{}",
        a.raw.line
    ))
}

/// The `Pid:` line of a Linux dump's copy of /proc/<pid>/status.
fn linux_pid(dump: &Minidump<'_, &[u8]>) -> Option<u32> {
    let status = dump
        .get_raw_stream(MINIDUMP_STREAM_TYPE::LinuxProcStatus as u32)
        .ok()?;
    String::from_utf8_lossy(status).lines().find_map(|line| {
        line.strip_prefix("Pid:")
            .and_then(|v| v.trim().parse().ok())
    })
}

fn iso8601(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm), so no date crate is needed for one format.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso8601(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            iso8601(SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }
}

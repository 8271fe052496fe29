//! Turns a read `Minidump` into a `Report`: the crash, the crashing thread walked, modules, annotations.

use crate::options::{CancelToken, Options};
use crate::report::{Report, System, Warning};
use crate::threads::{self, Selection};
use crate::walk::WalkInputs;
use crate::{crashpad, mechanism, modules, process_type, ReportError};
use minidump::format::MINIDUMP_STREAM_TYPE;
use minidump::system_info::{Cpu, Os};
use minidump::{
    Minidump, MinidumpAssertion, MinidumpBreakpadInfo, MinidumpException, MinidumpMiscInfo,
    MinidumpModuleList, MinidumpSystemInfo, MinidumpThreadList, MinidumpThreadNames,
};
use minidump_unwind::SymbolProvider;
use minidump_unwind::SystemInfo as UnwindSystemInfo;
use std::time::{Duration, SystemTime};
use symbol_store::{NoSymbols, SymbolStore};

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

    let pick = Selection {
        sys: sys_stream.as_ref(),
        misc: misc.as_ref(),
        exception: exception.as_ref(),
        crashing_id,
        dump_thread_id,
    };
    let listed = thread_list.as_ref().map_or(&[][..], |l| &l.threads[..]);
    let targets = threads::targets(listed, &pick, options);
    if options.symbol_servers.is_empty() {
        cancel.check()?;
    } else {
        threads::prefetch(
            &targets,
            &modules,
            &unwind_system,
            &memory,
            &store,
            options,
            cancel,
        )?;
    }
    let (crashing_thread, threads) =
        threads::walk_threads(&targets, &inputs, &memory, &names, cancel, &mut warnings)?;
    if let (Some(id), None) = (crashing_id, &crashing_thread) {
        warnings.push(Warning::new(
            "crashing_thread_missing",
            format!("the crashing thread {id} is not in the thread list"),
        ));
    }
    cancel.check()?;

    let module_reports = modules::loaded(&modules, &store, os, &mut warnings);
    let unloaded_modules = modules::unloaded(dump);

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

/// `t` as `YYYY-MM-DDTHH:MM:SSZ` (the report's `dumpTime`; the crash sender's envelope `sent_at`).
pub fn iso8601(t: SystemTime) -> String {
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

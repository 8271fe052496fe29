//! The crash as the OS described it: the POSIX signal (Linux, Android, macOS) and the Mach exception
//! (macOS, iOS), as numbers with their names, from the dump's exception record. These are the facts Sentry's
//! event protocol carries in `mechanism.meta.signal` and `mechanism.meta.mach_exception`.

use crate::hex;
use crate::report::{Crash, MachException, Signal};
use minidump::system_info::{Cpu, Os};
use minidump::MinidumpException;
use minidump_common::errors::{ExceptionCodeLinux, ExceptionCodeMac};
use num_traits::FromPrimitive;

/// The crash of `exception`, with the signal and Mach exception the OS reported.
pub fn crash(e: &MinidumpException<'_>, os: Os, cpu: Cpu, assertion: Option<String>) -> Crash {
    let reason = e.get_crash_reason(os, cpu).to_string();
    let record = &e.raw.exception_record;
    let (signal, mach_exception) = match os {
        Os::Linux | Os::Android => (
            linux_signal(record.exception_code, record.exception_flags, &reason),
            None,
        ),
        Os::MacOs | Os::Ios => {
            let mach = mach_exception(e);
            (mach.as_ref().and_then(signal_of_mach), mach)
        }
        _ => (None, None),
    };
    Crash {
        code: hex::addr(record.exception_code as u64),
        address: hex::addr(e.get_crash_address(os, cpu)),
        thread_id: e.get_crashing_thread_id(),
        assertion,
        signal,
        mach_exception,
        reason,
    }
}

/// Linux puts the signal number in the exception code and `si_code` in the flags (Breakpad's and Crashpad's
/// writers alike); rust-minidump's reason names the code after a ` / ` when it knows it.
fn linux_signal(number: u32, si_code: u32, reason: &str) -> Option<Signal> {
    let name = ExceptionCodeLinux::from_u32(number).map(|n| format!("{n:?}"))?;
    let code_name = reason
        .split_once('/')
        .map(|(_, code)| code.trim())
        .filter(|c| !c.is_empty() && !c.starts_with("0x"))
        .map(str::to_string);
    Some(Signal {
        number,
        code: Some(si_code),
        name: Some(name),
        code_name,
    })
}

/// macOS writers put the exception type in the code and `code[0]` in the flags. `code[1]` (the subcode: the
/// faulting address of `EXC_BAD_ACCESS`) is the third exception parameter in Crashpad's dumps, which list
/// `exception, code[0], code[1]`; Breakpad's mac client has no parameters and writes it as the address.
fn mach_exception(e: &MinidumpException<'_>) -> Option<MachException> {
    let record = &e.raw.exception_record;
    let name = ExceptionCodeMac::from_u32(record.exception_code)
        .filter(|c| *c != ExceptionCodeMac::SIMULATED)
        .map(|c| format!("{c:?}"))?;
    let subcode = if record.number_parameters >= 3 {
        record.exception_information[2]
    } else {
        record.exception_address
    };
    Some(MachException {
        exception: record.exception_code,
        code: record.exception_flags,
        subcode: hex::addr(subcode),
        name: Some(name),
    })
}

/// The signal the kernel raises for a Mach exception (xnu's `ux_exception`), so that a macOS crash carries
/// its signal as Sentry's Apple SDKs report it. Only the mappings that do not depend on the CPU's code.
fn signal_of_mach(m: &MachException) -> Option<Signal> {
    const KERN_INVALID_ADDRESS: u32 = 1;
    let (number, name) = match ExceptionCodeMac::from_u32(m.exception)? {
        ExceptionCodeMac::EXC_BAD_ACCESS if m.code == KERN_INVALID_ADDRESS => (11, "SIGSEGV"),
        ExceptionCodeMac::EXC_BAD_ACCESS => (10, "SIGBUS"),
        ExceptionCodeMac::EXC_BAD_INSTRUCTION => (4, "SIGILL"),
        ExceptionCodeMac::EXC_ARITHMETIC => (8, "SIGFPE"),
        ExceptionCodeMac::EXC_EMULATION | ExceptionCodeMac::EXC_SOFTWARE => (7, "SIGEMT"),
        ExceptionCodeMac::EXC_BREAKPOINT => (5, "SIGTRAP"),
        _ => return None,
    };
    Some(Signal {
        number,
        code: None,
        name: Some(name.to_string()),
        code_name: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_signal_names_its_code_only_when_rust_minidump_knows_it() {
        let s = linux_signal(11, 1, "SIGSEGV / SEGV_MAPERR").unwrap();
        assert_eq!(
            (s.number, s.code, s.name.as_deref(), s.code_name.as_deref()),
            (11, Some(1), Some("SIGSEGV"), Some("SEGV_MAPERR"))
        );
        let bare = linux_signal(11, 0, "SIGSEGV").unwrap();
        assert_eq!(bare.code_name, None);
        assert_eq!(
            linux_signal(6, 0x7fff, "SIGABRT / 0x00007fff")
                .unwrap()
                .code_name,
            None
        );
        assert!(linux_signal(0x1234_5678, 0, "unknown").is_none());
    }

    #[test]
    fn mach_exceptions_map_to_the_kernel_signals() {
        let m = |exception, code| MachException {
            exception,
            code,
            subcode: "0x0".into(),
            name: None,
        };
        let name = |m: MachException| signal_of_mach(&m).and_then(|s| s.name);
        assert_eq!(name(m(1, 1)).as_deref(), Some("SIGSEGV"));
        assert_eq!(name(m(1, 2)).as_deref(), Some("SIGBUS"));
        assert_eq!(name(m(2, 1)).as_deref(), Some("SIGILL"));
        assert_eq!(name(m(3, 1)).as_deref(), Some("SIGFPE"));
        assert_eq!(name(m(6, 1)).as_deref(), Some("SIGTRAP"));
        assert_eq!(
            name(m(10, 0)),
            None,
            "EXC_CRASH: the signal is not in the code triple"
        );
    }
}

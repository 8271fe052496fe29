//! Waiting for main without polling or CPU: the process sleeps in the kernel until main ends (Linux: a pidfd in
//! `poll`; macOS: kqueue's `EVFILT_PROC`; Windows: the process handle) or until main says, on the control pipe
//! that is this process's stdin, that it is quitting normally (one `q`). Only the Linux path runs in this
//! repository's tests and CI; the macOS and Windows ones are compiled by the release workflow's builds.

/// How main's run ended, as far as this process can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Main said it is quitting: nothing to report.
    Quit,
    /// Main is gone without saying so: a crash, or an exit that skipped the SDK's quit path.
    Gone,
}

/// The byte main writes on its normal quit path.
pub const QUIT_BYTE: u8 = b'q';

#[cfg(unix)]
fn stdin_says_quit_now() -> Option<bool> {
    // Non-blocking look at what main left on the pipe: `Some(true)` for the quit byte, `Some(false)` for
    // end-of-file (main's end closed), `None` when nothing is there yet.
    let mut fds = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    if n <= 0 || fds.revents == 0 {
        return None;
    }
    read_control()
}

#[cfg(unix)]
fn read_control() -> Option<bool> {
    let mut buf = [0u8; 64];
    // SAFETY: reads into a local buffer of the length given.
    let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
    match n {
        n if n > 0 => Some(buf[..n as usize].contains(&QUIT_BYTE)),
        0 => Some(false),
        _ => Some(false),
    }
}

/// Sleeps until main (`pid`) ends or says it quits.
#[cfg(target_os = "linux")]
pub fn wait_for_main(pid: u32) -> Ending {
    // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) } as i32;
    loop {
        let mut fds = [
            libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: pidfd,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // A kernel without pidfds (before 5.3): the pipe's end-of-file alone tells that main is gone.
        let count = if pidfd >= 0 { 2 } else { 1 };
        // SAFETY: `count` valid pollfds; -1 waits without a timeout (no wake-ups while main runs).
        let n = unsafe { libc::poll(fds.as_mut_ptr(), count, -1) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return if pid_alive(i64::from(pid)) {
                Ending::Quit
            } else {
                Ending::Gone
            };
        }
        if fds[0].revents != 0 {
            match read_control() {
                Some(true) => return Ending::Quit,
                // End-of-file: main's end of the pipe closed, so main is gone (or going: the pidfd tells).
                Some(false) | None => {
                    if pidfd < 0 {
                        return Ending::Gone;
                    }
                    let mut exit = libc::pollfd {
                        fd: pidfd,
                        events: libc::POLLIN,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd; main closes the pipe as it dies, so this wait is short.
                    unsafe { libc::poll(&mut exit, 1, 5_000) };
                    return Ending::Gone;
                }
            }
        }
        if count == 2 && fds[1].revents != 0 {
            // Main is gone; a quit byte written just before it went still counts.
            return if stdin_says_quit_now() == Some(true) {
                Ending::Quit
            } else {
                Ending::Gone
            };
        }
    }
}

#[cfg(target_os = "macos")]
pub fn wait_for_main(pid: u32) -> Ending {
    // SAFETY: kqueue() returns a new descriptor or -1; the kevents below are plain data.
    let kq = unsafe { libc::kqueue() };
    if kq < 0 {
        return match read_control() {
            Some(true) => Ending::Quit,
            _ => Ending::Gone,
        };
    }
    // SAFETY: kevent is plain data; zero is a valid value of each field.
    let mut changes: [libc::kevent; 2] = unsafe { std::mem::zeroed() };
    changes[0].ident = pid as usize;
    changes[0].filter = libc::EVFILT_PROC;
    changes[0].flags = libc::EV_ADD | libc::EV_ONESHOT;
    changes[0].fflags = libc::NOTE_EXIT;
    changes[1].ident = 0;
    changes[1].filter = libc::EVFILT_READ;
    changes[1].flags = libc::EV_ADD;
    let mut pending_changes = 2; // registered by the first call only
    loop {
        let mut event: libc::kevent = unsafe { std::mem::zeroed() };
        // SAFETY: `pending_changes` valid changes, room for one event, no timeout.
        let n = unsafe {
            libc::kevent(
                kq,
                changes.as_ptr(),
                pending_changes,
                &mut event,
                1,
                std::ptr::null(),
            )
        };
        pending_changes = 0;
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Ending::Gone;
        }
        if event.filter == libc::EVFILT_READ {
            return match read_control() {
                Some(true) => Ending::Quit,
                _ => Ending::Gone,
            };
        }
        return if stdin_says_quit_now() == Some(true) {
            Ending::Quit
        } else {
            Ending::Gone
        };
    }
}

#[cfg(windows)]
mod win {
    pub type Handle = *mut core::ffi::c_void;
    pub const SYNCHRONIZE: u32 = 0x0010_0000;
    pub const PROCESS_QUERY_LIMITED_INFORMATION: u32 = 0x1000;
    pub const INFINITE: u32 = 0xFFFF_FFFF;
    pub const STILL_ACTIVE: u32 = 259;
    #[link(name = "kernel32")]
    extern "system" {
        pub fn OpenProcess(access: u32, inherit: i32, pid: u32) -> Handle;
        pub fn WaitForSingleObject(handle: Handle, ms: u32) -> u32;
        pub fn GetExitCodeProcess(handle: Handle, code: *mut u32) -> i32;
        pub fn CloseHandle(handle: Handle) -> i32;
    }
}

#[cfg(windows)]
pub fn wait_for_main(pid: u32) -> Ending {
    use std::io::Read;
    use std::sync::mpsc;
    let (tx, rx) = mpsc::channel();
    let pipe = tx.clone();
    // The control pipe blocks a thread of its own (no wake-ups); the process handle blocks this one.
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let quit = matches!(std::io::stdin().read(&mut buf), Ok(n) if n > 0 && buf[..n].contains(&QUIT_BYTE));
        let _ = pipe.send(if quit { Ending::Quit } else { Ending::Gone });
    });
    std::thread::spawn(move || {
        // SAFETY: OpenProcess returns a handle or null; it is waited on and closed here only.
        let handle = unsafe { win::OpenProcess(win::SYNCHRONIZE, 0, pid) };
        if !handle.is_null() {
            unsafe {
                win::WaitForSingleObject(handle, win::INFINITE);
                win::CloseHandle(handle);
            }
            // The pipe's reader may still be taking a quit byte written just before main went.
            std::thread::sleep(std::time::Duration::from_millis(50));
            let _ = tx.send(Ending::Gone);
        }
    });
    rx.recv().unwrap_or(Ending::Gone)
}

/// Whether a process with this pid exists (a claim's owner, main).
#[cfg(unix)]
pub fn pid_alive(pid: i64) -> bool {
    if pid <= 0 || pid > i64::from(i32::MAX) {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    let exists = r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists && !is_zombie(pid)
}

/// Dead but not reaped yet (it still answers signal 0): its claims are abandoned all the same.
#[cfg(target_os = "linux")]
fn is_zombie(pid: i64) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    stat.rfind(')').and_then(|i| stat.get(i + 2..i + 3)) == Some("Z")
}

#[cfg(all(unix, not(target_os = "linux")))]
fn is_zombie(_pid: i64) -> bool {
    false
}

#[cfg(windows)]
pub fn pid_alive(pid: i64) -> bool {
    if pid <= 0 || pid > i64::from(u32::MAX) {
        return false;
    }
    // SAFETY: the handle, when there is one, is queried and closed here only.
    unsafe {
        let h = win::OpenProcess(win::PROCESS_QUERY_LIMITED_INFORMATION, 0, pid as u32);
        if h.is_null() {
            return false;
        }
        let mut code = 0u32;
        let ok = win::GetExitCodeProcess(h, &mut code);
        win::CloseHandle(h);
        ok != 0 && code == win::STILL_ACTIVE
    }
}

//! Readable names for the symbols a `.sym` file (or a PUBLIC record) may hold mangled: Rust (legacy `_ZN…E`
//! and v0 `_R…`), Itanium C++ (`_Z…`, with Mach-O's extra leading underscore) and MSVC C++ (`?…`).
//!
//! Breakpad's `dump_syms` demangles C++ itself on Linux and macOS, so most C++ names arrive readable; Rust
//! names, PUBLIC records and MSVC decorated names often do not. The raw name is kept by the caller (a
//! frame's `symbol`), so nothing is lost when a demangler disagrees with the compiler.

/// The demangled form of `name`, or `None` when it is not a mangled name any of the demanglers accept.
///
/// Names come from symbol files, which a symbol server may serve: a demangler that panics on a hostile name
/// costs that name its readable form, never the report.
pub fn demangle(name: &str) -> Option<String> {
    std::panic::catch_unwind(|| demangle_unguarded(name))
        .ok()
        .flatten()
}

fn demangle_unguarded(name: &str) -> Option<String> {
    // Rust first: a legacy Rust name is also a valid Itanium name, and C++'s rendering of it keeps the hash
    // (`std::rt::lang_start::h1234…`) where Rust's alternate form drops it, as rustc's own backtraces do.
    if let Ok(d) = rustc_demangle::try_demangle(name) {
        return Some(format!("{d:#}"));
    }
    if let Some(itanium) = itanium_body(name) {
        return cpp_demangle::Symbol::new(itanium.as_bytes())
            .ok()
            .and_then(|s| s.demangle().ok())
            .filter(|d| !d.is_empty());
    }
    if name.starts_with('?') {
        // Flags as LLVM's undname prints them: no calling conventions or access specifiers in a backtrace.
        return msvc_demangler::demangle(name, msvc_demangler::DemangleFlags::llvm())
            .ok()
            .filter(|d| !d.is_empty() && d != name);
    }
    None
}

/// `name`'s Itanium mangling without Mach-O's extra underscore; `None` unless it looks like one.
fn itanium_body(name: &str) -> Option<&str> {
    let body = name.strip_prefix('_').filter(|b| b.starts_with("_Z"));
    body.or_else(|| name.starts_with("_Z").then_some(name))
}

/// `name` demangled when it is mangled, else as it is.
pub fn readable(name: &str) -> String {
    demangle(name).unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::demangle;

    #[test]
    fn rust_legacy_and_v0_lose_their_hashes() {
        assert_eq!(
            demangle("_ZN3std2rt10lang_start17h0123456789abcdefE").as_deref(),
            Some("std::rt::lang_start")
        );
        // The v0 example from RFC 2603's test suite: a generic function in a crate with a disambiguator.
        assert_eq!(
            demangle("_RNvCs1234_7mycrate3foo").as_deref(),
            Some("mycrate::foo")
        );
    }

    #[test]
    fn itanium_with_and_without_the_mach_o_underscore() {
        assert_eq!(
            demangle("_ZN5space3fooEibc").as_deref(),
            Some("space::foo(int, bool, char)")
        );
        assert_eq!(
            demangle("__ZN5space3fooEibc").as_deref(),
            Some("space::foo(int, bool, char)")
        );
    }

    #[test]
    fn msvc_decorated_names() {
        assert_eq!(
            demangle("?CrashFunction@@YAXXZ").as_deref(),
            Some("void __cdecl CrashFunction(void)")
        );
    }

    #[test]
    fn plain_and_broken_names_stay_as_they_are() {
        for name in [
            "main",
            "crash_null_write",
            "_Z",
            "?",
            "_ZN3fooE_garbage(",
            "",
        ] {
            assert_eq!(demangle(name), None, "{name}");
        }
    }
}

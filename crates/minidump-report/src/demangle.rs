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
    fn each_scheme_demangles_as_its_own_tools_print() {
        for (mangled, readable) in [
            // Rust, legacy and v0, without the hash; the v0 name is RFC 2603's test of a function in a crate
            // with a disambiguator.
            (
                "_ZN3std2rt10lang_start17h0123456789abcdefE",
                "std::rt::lang_start",
            ),
            ("_RNvCs1234_7mycrate3foo", "mycrate::foo"),
            // Itanium C++, with and without Mach-O's extra underscore.
            ("_ZN5space3fooEibc", "space::foo(int, bool, char)"),
            ("__ZN5space3fooEibc", "space::foo(int, bool, char)"),
            // MSVC C++.
            ("?CrashFunction@@YAXXZ", "void __cdecl CrashFunction(void)"),
        ] {
            assert_eq!(demangle(mangled).as_deref(), Some(readable), "{mangled}");
        }
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

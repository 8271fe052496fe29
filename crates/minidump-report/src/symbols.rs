//! Local `.sym` lookup in the symbol-store layout `<debug_file>/<DEBUG_ID>/<debug_file stem>.sym`.
//!
//! Why not breakpad-symbols' `SimpleSymbolSupplier`: module names come from untrusted dumps, and its path is
//! built from them unchecked (a debug file named `..` steps out of the root). Here a name that is not a
//! plain file name is refused before any path is built. We also accept a `.sym` whose last line lacks its
//! newline (dump_syms output cut by a copy tool), which the parser would otherwise reject whole, and we keep
//! the reason a symbol file could not be used so the report can say so.

use crate::Options;
use async_trait::async_trait;
use breakpad_symbols::{
    breakpad_sym_lookup, FileError, FileKind, LocateSymbolsResult, SymbolError, SymbolFile,
    SymbolSupplier, Symbolizer,
};
use minidump::Module;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Longer file names than this are not real module names (NAME_MAX on every OS we read dumps of).
const MAX_NAME_BYTES: usize = 255;

pub struct LocalSymbols {
    roots: Vec<PathBuf>,
    problems: Mutex<Vec<String>>,
}

impl LocalSymbols {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        LocalSymbols {
            roots,
            problems: Mutex::new(Vec::new()),
        }
    }

    /// Symbol files that were found but could not be used, one line each.
    pub fn take_problems(&self) -> Vec<String> {
        std::mem::take(&mut self.problems.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn note(&self, problem: String) {
        self.problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(problem);
    }
}

/// A single path component that cannot name anything but a file inside its parent directory.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0', ':'])
}

/// The store path of `module`'s symbols relative to a root, or `None` when its names are unsafe.
pub fn relative_sym_path(module: &(dyn Module + Sync)) -> Option<PathBuf> {
    let lookup = breakpad_sym_lookup(module)?;
    let mut parts = lookup.cache_rel.split('/');
    let (debug_file, id, file) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ![debug_file, id, file].iter().all(|p| is_plain_file_name(p)) {
        return None;
    }
    Some(Path::new(debug_file).join(id).join(file))
}

#[async_trait]
impl SymbolSupplier for LocalSymbols {
    async fn locate_symbols(
        &self,
        module: &(dyn Module + Sync),
    ) -> Result<LocateSymbolsResult, SymbolError> {
        let rel = relative_sym_path(module).ok_or(SymbolError::NotFound)?;
        for root in &self.roots {
            let path = root.join(&rel);
            if !path.is_file() {
                continue;
            }
            let mut bytes = std::fs::read(&path).map_err(|e| {
                self.note(format!("{}: {e}", path.display()));
                SymbolError::LoadError(e)
            })?;
            if bytes.last().is_some_and(|&b| b != b'\n') {
                bytes.push(b'\n');
            }
            return match SymbolFile::from_bytes(&bytes) {
                Ok(symbols) => Ok(LocateSymbolsResult {
                    symbols,
                    extra_debug_info: None,
                }),
                Err(e) => {
                    self.note(format!("{}: {e}", path.display()));
                    Err(e)
                }
            };
        }
        Err(SymbolError::NotFound)
    }

    async fn locate_file(
        &self,
        _module: &(dyn Module + Sync),
        _kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        // Only symbol files are looked up locally; binaries are never read.
        Err(FileError::NotFound)
    }
}

/// A symbolizer over the local symbol roots, and a handle on those roots' lookup problems.
pub fn symbolizer(options: &Options) -> (Symbolizer, Arc<LocalSymbols>) {
    let local = Arc::new(LocalSymbols::new(options.symbol_paths.clone()));
    (Symbolizer::new(SharedSupplier(local.clone())), local)
}

/// Lets the symbolizer own a supplier that the report still reads problems from afterwards.
struct SharedSupplier(Arc<LocalSymbols>);

#[async_trait]
impl SymbolSupplier for SharedSupplier {
    async fn locate_symbols(
        &self,
        module: &(dyn Module + Sync),
    ) -> Result<LocateSymbolsResult, SymbolError> {
        self.0.locate_symbols(module).await
    }

    async fn locate_file(
        &self,
        module: &(dyn Module + Sync),
        kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        self.0.locate_file(module, kind).await
    }
}

/// The provider when no symbol roots are given: every lookup answers "no symbols" at once. Walking gives
/// the same frames as a symbolizer over empty roots, without its per-lookup cost (a cache key with the
/// module's identifiers formatted as strings, for every candidate address a stack scan tries).
pub struct NoSymbols;

#[async_trait]
impl minidump_unwind::SymbolProvider for NoSymbols {
    async fn fill_symbol(
        &self,
        _module: &(dyn Module + Sync),
        _frame: &mut (dyn minidump_unwind::FrameSymbolizer + Send),
    ) -> Result<(), minidump_unwind::FillSymbolError> {
        Err(minidump_unwind::FillSymbolError {})
    }

    async fn walk_frame(
        &self,
        _module: &(dyn Module + Sync),
        _walker: &mut (dyn minidump_unwind::FrameWalker + Send),
    ) -> Option<()> {
        None
    }

    async fn get_file_path(
        &self,
        _module: &(dyn Module + Sync),
        _kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        Err(FileError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use breakpad_symbols::SimpleModule;
    use debugid::DebugId;
    use std::str::FromStr;

    fn module(debug_file: &str) -> SimpleModule {
        SimpleModule::new(
            debug_file,
            DebugId::from_str("c0bcc3f1-9827-fe65-3058-404b2831d9e6-0").unwrap(),
        )
    }

    #[test]
    fn store_layout_paths() {
        let rel = relative_sym_path(&module("crash.pdb")).unwrap();
        assert_eq!(
            rel,
            Path::new("crash.pdb/C0BCC3F19827FE653058404B2831D9E60/crash.sym")
        );
        let rel = relative_sym_path(&module("/usr/lib/libc.so.6")).unwrap();
        assert_eq!(
            rel,
            Path::new("libc.so.6/C0BCC3F19827FE653058404B2831D9E60/libc.so.6.sym")
        );
    }

    #[test]
    fn unsafe_names_never_become_paths() {
        for name in [
            "..",
            "/..",
            "C:\\..",
            ".",
            "a\0b",
            &"x".repeat(300),
            "c:evil",
        ] {
            assert_eq!(relative_sym_path(&module(name)), None, "{name:?}");
        }
    }
}

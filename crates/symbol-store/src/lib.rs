//! Breakpad symbols for a crash: local symbol roots, symbol servers, and an on-disk cache that keeps each
//! `.sym` with a preprocessed lookup index beside it (see `index`), so a later run never parses it again.
//!
//! `SymbolStore` is a `minidump_unwind::SymbolProvider`: the stack walker asks it for names and CFI per
//! address; the answers come from breakpad-symbols' parser run over the few records that cover the address.
//! Module names and debug ids come from untrusted dumps: `relative_sym_path` refuses any that is not a plain
//! file name before a path or URL is built from it.

mod cache;
pub mod fetch;
pub mod index;
mod provider;

use breakpad_symbols::{breakpad_sym_lookup, SymbolFile};
use fetch::{Fetched, Fetcher};
use index::{IndexView, SymIndex};
use minidump_common::traits::Module;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub use provider::NoSymbols;

/// Longer file names than this are not real module names (NAME_MAX on every OS we read dumps of).
const MAX_NAME_BYTES: usize = 255;

#[derive(Debug, Clone)]
pub struct Config {
    /// Local roots in the store layout `<debug_file>/<DEBUG_ID>/<name>.sym`, tried first, in order.
    pub roots: Vec<PathBuf>,
    /// Base URLs of symbol servers with the same layout, tried in order after the roots.
    pub servers: Vec<String>,
    /// Where fetched and local `.sym` files are kept with their indexes, and "not found" marks. `None`: memory only.
    pub cache_dir: Option<PathBuf>,
    /// Per request, connection included.
    pub timeout: Duration,
    /// Further attempts after a transient failure (timeout, reset, 5xx); a 404 is never retried.
    pub retries: u32,
    /// How long a server's "not found" is believed before asking again.
    pub missing_ttl: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            roots: Vec::new(),
            servers: Vec::new(),
            cache_dir: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            missing_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// What became of a module's symbols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Loaded {
        source: String,
    },
    Missing,
    /// Found but not usable (unreadable, not a `.sym`, rejected by the parser), with the reason.
    Unusable(String),
}

/// A module's symbols: the file's bytes, its index (read in place), and parsed excerpts by address.
struct Indexed {
    sym: Bytes,
    index: IndexView<Bytes>,
    source: String,
    /// Parsed excerpts by address (each holds only what a lookup at that address reads).
    excerpts: Mutex<HashMap<u64, Option<Arc<SymbolFile>>>>,
    /// Set when the parser rejects an excerpt: from then on the module counts as having no usable symbols,
    /// as it would for a tool that parses the whole file.
    rejected: OnceLock<String>,
}

enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

enum State {
    Loaded(Box<Indexed>),
    Missing,
    Unusable(String),
}

struct Slot {
    code_file: String,
    /// The store-layout components of the symbol file's path.
    parts: [String; 3],
    state: OnceLock<State>,
}

impl Slot {
    fn status(&self) -> Option<Status> {
        Some(match self.state.get()? {
            State::Loaded(ix) => match ix.rejected.get() {
                Some(reason) => Status::Unusable(reason.clone()),
                None => Status::Loaded {
                    source: ix.source.clone(),
                },
            },
            State::Missing => Status::Missing,
            State::Unusable(reason) => Status::Unusable(reason.clone()),
        })
    }
}

pub struct SymbolStore {
    config: Config,
    fetcher: Option<Fetcher>,
    slots: Mutex<HashMap<PathBuf, Arc<Slot>>>,
    /// Modules already seen, by load address: the walker asks per address, many times per module, and the
    /// store path takes formatting the module's identifiers.
    by_base: Mutex<HashMap<u64, Option<Arc<Slot>>>>,
}

/// A single path component that cannot name anything but a file inside its parent directory.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0', ':'])
}

/// The store-layout components of `module`'s symbol file, or `None` when its names are unsafe or absent.
pub fn store_components(module: &(dyn Module + Sync)) -> Option<[String; 3]> {
    let lookup = breakpad_sym_lookup(module)?;
    let mut parts = lookup.cache_rel.split('/').map(str::to_string);
    let components = [parts.next()?, parts.next()?, parts.next()?];
    (parts.next().is_none() && components.iter().all(|p| is_plain_file_name(p)))
        .then_some(components)
}

/// `<debug_file>/<DEBUG_ID>/<name>.sym` relative to a root, or `None` when the module's names are unsafe.
pub fn relative_sym_path(module: &(dyn Module + Sync)) -> Option<PathBuf> {
    store_components(module).map(|parts| joined(&parts))
}

fn joined([a, b, c]: &[String; 3]) -> PathBuf {
    Path::new(a).join(b).join(c)
}

impl SymbolStore {
    pub fn new(config: Config) -> SymbolStore {
        let fetcher =
            (!config.servers.is_empty()).then(|| Fetcher::new(config.timeout, config.retries));
        SymbolStore {
            config,
            fetcher,
            slots: Mutex::new(HashMap::new()),
            by_base: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any source of symbols is configured at all.
    pub fn is_empty(&self) -> bool {
        self.config.roots.is_empty()
            && self.config.servers.is_empty()
            && self.config.cache_dir.is_none()
    }

    fn slot(&self, module: &(dyn Module + Sync)) -> Option<Arc<Slot>> {
        let base = module.base_address();
        if let Some(known) = self
            .by_base
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&base)
        {
            return known.clone();
        }
        let slot = self.slot_for_path(module);
        self.by_base
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(base, slot.clone());
        slot
    }

    fn slot_for_path(&self, module: &(dyn Module + Sync)) -> Option<Arc<Slot>> {
        let parts = store_components(module)?;
        let rel = joined(&parts);
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let code_file = leaf(&module.code_file()).to_string();
        Some(
            slots
                .entry(rel)
                .or_insert_with(|| {
                    Arc::new(Slot {
                        code_file,
                        parts,
                        state: OnceLock::new(),
                    })
                })
                .clone(),
        )
    }

    /// The module's slot, its symbols looked up (once, however many threads ask at the same time).
    fn loaded(&self, module: &(dyn Module + Sync)) -> Option<Arc<Slot>> {
        let slot = self.slot(module)?;
        slot.state.get_or_init(|| self.load(&slot.parts));
        Some(slot)
    }

    /// Looks every module up at once, several at a time: symbol servers answer in parallel.
    pub fn prefetch(&self, modules: &[&(dyn Module + Sync)]) {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = modules.len().min(8);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(module) = modules.get(i) else { break };
                    self.loaded(*module);
                });
            }
        });
    }

    /// What became of `module`'s symbols; `None` when they were never asked for.
    pub fn status(&self, module: &(dyn Module + Sync)) -> Option<Status> {
        let known = self
            .by_base
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&module.base_address())
            .cloned();
        known.flatten()?.status()
    }

    fn load(&self, parts: &[String; 3]) -> State {
        let rel = joined(parts);
        let cached = self.config.cache_dir.as_ref().map(|dir| dir.join(&rel));
        // Local roots come first. A root's file already cached (same length: same debug id, same file) is
        // served from the cache, whose index spares the parse.
        for root in &self.config.roots {
            let path = root.join(&rel);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let same_in_cache = cached
                .as_deref()
                .filter(|c| std::fs::metadata(c).is_ok_and(|m| m.len() == meta.len()));
            if let Some(ix) = same_in_cache.and_then(cache::open) {
                return State::Loaded(Box::new(ix));
            }
            return match std::fs::read(&path) {
                Ok(bytes) => self.keep(bytes, path.display().to_string(), cached.as_deref()),
                Err(e) => State::Unusable(format!("{}: {e}", path.display())),
            };
        }
        if let Some(ix) = cached.as_deref().and_then(cache::open) {
            return State::Loaded(Box::new(ix));
        }
        let Some(fetcher) = &self.fetcher else {
            return State::Missing;
        };
        if cached
            .as_deref()
            .is_some_and(|p| cache::recently_missing(p, self.config.missing_ttl))
        {
            return State::Missing;
        }
        let components: Vec<&str> = parts.iter().map(String::as_str).collect();
        let mut all_said_not_found = true;
        for server in &self.config.servers {
            match fetcher.fetch(server, &components) {
                Fetched::Found(bytes) => {
                    return self.keep(bytes, fetch::url(server, &components), cached.as_deref())
                }
                Fetched::NotFound => {}
                Fetched::Failed(_) => all_said_not_found = false,
            }
        }
        // Only a unanimous "not found" is remembered: a timeout says nothing about the file.
        if all_said_not_found {
            if let Some(path) = &cached {
                cache::mark_missing(path);
            }
        }
        State::Missing
    }

    /// Indexes `bytes`, keeps both in the cache when there is one, and serves them.
    fn keep(&self, bytes: Vec<u8>, source: String, cached: Option<&Path>) -> State {
        let index = SymIndex::build(&bytes);
        if index.legacy_inline {
            return State::Unusable(format!(
                "{source}: INLINE records in the old layout are not supported"
            ));
        }
        if index.funcs.is_empty()
            && index.publics.is_empty()
            && index.cfi.is_empty()
            && index.win.is_empty()
        {
            return State::Unusable(format!("{source}: not a Breakpad symbol file"));
        }
        // The saved index names the cached file's stamp, known once that file is written.
        let stamp = cached.and_then(|path| cache::store_sym(path, &bytes));
        let saved = index.encode(stamp.unwrap_or(0));
        if let (Some(path), Some(_)) = (cached, stamp) {
            cache::store_index(path, &saved);
        }
        match IndexView::new(Bytes::Owned(saved)) {
            Some(view) => State::Loaded(Box::new(Indexed::new(Bytes::Owned(bytes), view, source))),
            None => State::Unusable(format!("{source}: too many records to index")),
        }
    }
}

#[cfg(feature = "fuzzing")]
impl SymbolStore {
    /// A store holding `sym` as `module`'s symbols, indexed as if read from a local root but without the
    /// file system; `None` when the module's names are unsafe. For the fuzz targets in `fuzz/` only.
    #[doc(hidden)]
    pub fn with_symbols(module: &(dyn Module + Sync), sym: Vec<u8>) -> Option<SymbolStore> {
        let store = SymbolStore::new(Config::default());
        let slot = store.slot(module)?;
        let _ = slot.state.set(store.keep(sym, "fuzz input".into(), None));
        Some(store)
    }
}

impl Indexed {
    fn new(sym: Bytes, index: IndexView<Bytes>, source: String) -> Indexed {
        Indexed {
            sym,
            index,
            source,
            excerpts: Mutex::new(HashMap::new()),
            rejected: OnceLock::new(),
        }
    }

    /// The index's storage: mapped from the cache, or built in this process.
    #[cfg(test)]
    fn index_bytes(&self) -> &Bytes {
        self.index.bytes()
    }

    /// The parsed records covering `address` (module-relative); `Err` once the parser has rejected this file.
    fn at(&self, address: u64) -> Result<Option<Arc<SymbolFile>>, ()> {
        if self.rejected.get().is_some() {
            return Err(());
        }
        let mut excerpts = self.excerpts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = excerpts.get(&address) {
            return Ok(hit.clone());
        }
        let Some(cover) = self.index.cover(address) else {
            excerpts.insert(address, None);
            return Ok(None);
        };
        match SymbolFile::from_bytes(&self.index.excerpt(&self.sym, &cover, address)) {
            Ok(file) => {
                let file = Arc::new(file);
                excerpts.insert(address, Some(file.clone()));
                Ok(Some(file))
            }
            Err(e) => {
                let _ = self.rejected.set(format!("{}: {e}", self.source));
                Err(())
            }
        }
    }
}

fn leaf(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

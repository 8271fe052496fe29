//! The stack walker's view of the store: names, lines, inlines and CFI per address.

use crate::{Indexed, State, Status, SymbolStore};
use async_trait::async_trait;
use breakpad_symbols::{
    FileError, FileKind, FillSymbolError, FrameSymbolizer, FrameWalker, SymbolStats,
};
use minidump_common::traits::Module;
use minidump_unwind::SymbolProvider;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

impl SymbolStore {
    /// The module's symbols and the module-relative address, when there are symbols to ask.
    fn symbols_at(
        &self,
        module: &(dyn Module + Sync),
        instruction: u64,
    ) -> Option<(Arc<crate::Slot>, u64)> {
        let address = instruction.checked_sub(module.base_address())?;
        let slot = self.loaded(module)?;
        matches!(slot.state.get(), Some(State::Loaded(_))).then_some((slot, address))
    }
}

fn indexed(slot: &crate::Slot) -> &Indexed {
    match slot.state.get() {
        Some(State::Loaded(ix)) => ix,
        _ => unreachable!("symbols_at only returns loaded slots"),
    }
}

#[async_trait]
impl SymbolProvider for SymbolStore {
    async fn fill_symbol(
        &self,
        module: &(dyn Module + Sync),
        frame: &mut (dyn FrameSymbolizer + Send),
    ) -> Result<(), FillSymbolError> {
        let (slot, address) = self
            .symbols_at(module, frame.get_instruction())
            .ok_or(FillSymbolError {})?;
        // "Symbols, but nothing at this address" is Ok: the stack scanner uses that to reject candidates.
        match indexed(&slot).at(address) {
            Ok(Some(file)) => {
                file.fill_symbol(module, frame);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(()) => Err(FillSymbolError {}),
        }
    }

    async fn walk_frame(
        &self,
        module: &(dyn Module + Sync),
        walker: &mut (dyn FrameWalker + Send),
    ) -> Option<()> {
        let (slot, address) = self.symbols_at(module, walker.get_instruction())?;
        let file = indexed(&slot).at(address).ok()??;
        file.walk_frame(module, walker)
    }

    async fn get_file_path(
        &self,
        _module: &(dyn Module + Sync),
        _kind: FileKind,
    ) -> Result<PathBuf, FileError> {
        // Only symbol files are looked up; binaries are never read.
        Err(FileError::NotFound)
    }

    fn stats(&self) -> HashMap<String, SymbolStats> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .values()
            .filter_map(|slot| {
                let status = slot.status()?;
                let stats = SymbolStats {
                    symbol_url: match &status {
                        Status::Loaded { source } => Some(source.clone()),
                        _ => None,
                    },
                    loaded_symbols: !matches!(status, Status::Missing),
                    corrupt_symbols: matches!(status, Status::Unusable(_)),
                    extra_debug_info: None,
                };
                Some((slot.code_file.clone(), stats))
            })
            .collect()
    }
}

/// The provider when no symbols are configured: every lookup answers "no symbols" at once. Walking gives the
/// same frames as a store over empty roots, without building cache keys for every address a stack scan tries.
pub struct NoSymbols;

#[async_trait]
impl SymbolProvider for NoSymbols {
    async fn fill_symbol(
        &self,
        _module: &(dyn Module + Sync),
        _frame: &mut (dyn FrameSymbolizer + Send),
    ) -> Result<(), FillSymbolError> {
        Err(FillSymbolError {})
    }

    async fn walk_frame(
        &self,
        _module: &(dyn Module + Sync),
        _walker: &mut (dyn FrameWalker + Send),
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

//! The report's module lists: loaded modules with their ids and symbol status, and unloaded ones.

use crate::report::{Module as ModuleReport, UnloadedModule, Warning};
use crate::{hex, ids};
use minidump::system_info::Os;
use minidump::{Minidump, MinidumpModuleList, MinidumpUnloadedModuleList, Module};
use symbol_store::{Status, SymbolStore};

/// The loaded modules; a module whose symbols are unusable adds one warning per reason.
pub(crate) fn loaded(
    modules: &MinidumpModuleList,
    store: &SymbolStore,
    os: Os,
    warnings: &mut Vec<Warning>,
) -> Vec<ModuleReport> {
    modules
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
        .collect()
}

/// The unloaded modules, when the dump lists them.
pub(crate) fn unloaded(dump: &Minidump<'_, &[u8]>) -> Vec<UnloadedModule> {
    dump.get_stream::<MinidumpUnloadedModuleList>()
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
        .unwrap_or_default()
}

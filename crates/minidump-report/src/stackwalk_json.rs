//! Output in the schema of rust-minidump's `minidump-stackwalk --json`, for tools that already read it.
//!
//! The schema is produced by minidump-processor itself (the same code `minidump-stackwalk` runs), so field
//! names and meanings cannot drift; we add one top-level `crashpad` object with our annotation reader's view.

use crate::{guarded, open, with_mapped, CancelToken, Options, ReportError};
use minidump::format::MINIDUMP_STREAM_TYPE;
use minidump_processor::ProcessorOptions;
use std::path::Path;

/// `minidump-stackwalk --json` for the dump at `path`, every thread walked.
pub fn from_path(
    path: &Path,
    options: &Options,
    cancel: &CancelToken,
) -> Result<String, ReportError> {
    with_mapped(path, options, |bytes| from_bytes(bytes, options, cancel))
}

/// `minidump-stackwalk --json` for a dump in memory.
pub fn from_bytes(
    bytes: &[u8],
    options: &Options,
    cancel: &CancelToken,
) -> Result<String, ReportError> {
    guarded(|| {
        cancel.check()?;
        let dump = open(bytes)?;
        let symbols = symbol_store::SymbolStore::new(crate::build::symbol_config(options));
        let state = futures_executor::block_on(minidump_processor::process_minidump_with_options(
            &dump,
            &symbols,
            ProcessorOptions::default(),
        ))
        .map_err(|e| ReportError::Invalid(e.to_string()))?;
        cancel.check()?;

        let mut out = Vec::new();
        state
            .print_json(&mut out, false)
            .map_err(|e| ReportError::Internal(e.to_string()))?;
        let mut json: serde_json::Value =
            serde_json::from_slice(&out).map_err(|e| ReportError::Internal(e.to_string()))?;

        let mut warnings = Vec::new();
        let crashpad = dump
            .get_raw_stream(MINIDUMP_STREAM_TYPE::CrashpadInfoStream as u32)
            .ok()
            .and_then(|stream| crate::crashpad::read(stream, bytes, &mut warnings));
        if let Some(obj) = json.as_object_mut() {
            // Beside the schema, like `crashpad`: the process type its annotations name (Chromium's `ptype`).
            let process_type = crashpad
                .as_ref()
                .and_then(crate::process_type::from_crashpad);
            obj.insert("process_type".into(), process_type.into());
            obj.insert("crashpad".into(), crashpad_json(crashpad));
        }
        serde_json::to_string_pretty(&json).map_err(|e| ReportError::Internal(e.to_string()))
    })
}

/// The Crashpad object in the snake_case style of the rest of the schema.
fn crashpad_json(info: Option<crate::report::Crashpad>) -> serde_json::Value {
    let Some(info) = info else {
        return serde_json::Value::Null;
    };
    serde_json::json!({
        "report_id": info.report_id,
        "client_id": info.client_id,
        "simple_annotations": info.simple_annotations,
        "module_list": info.modules.iter().map(|m| serde_json::json!({
            "module_index": m.module_index,
            "module": m.module,
            "list_annotations": m.list_annotations,
            "simple_annotations": m.simple_annotations,
            "annotation_objects": m.annotation_objects.iter().map(|o| serde_json::json!({
                "name": o.name, "type": o.ty, "value": o.value,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

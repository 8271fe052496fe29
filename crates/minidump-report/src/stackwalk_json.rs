//! Output in the schema of rust-minidump's `minidump-stackwalk --json`, for tools that already read it.
//!
//! The schema is produced by minidump-processor itself (the same code `minidump-stackwalk` runs), so field
//! names and meanings cannot drift; we add one top-level `crashpad` object with our annotation reader's view.

use crate::{open, CancelToken, Options, ReportError};
use minidump::format::MINIDUMP_STREAM_TYPE;
use minidump_processor::ProcessorOptions;
use minidump_unwind::SymbolProvider;

/// `minidump-stackwalk --json` for a dump in memory, every thread walked (a file: through `with_mapped`).
pub fn from_bytes(
    bytes: &[u8],
    options: &Options,
    cancel: &CancelToken,
) -> Result<String, ReportError> {
    cancel.check()?;
    let dump = open(bytes)?;
    let store = symbol_store::SymbolStore::new(crate::build::symbol_config(options));
    // With no symbol source, nothing is looked for, so no module is "missing" symbols: minidump-stackwalk
    // run without `--symbols-path` says the same (its statistics only cover what it tried to fetch).
    let symbols: &(dyn SymbolProvider + Sync) = if store.is_empty() {
        &symbol_store::NoSymbols
    } else {
        &store
    };
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

    demangle_frames(&mut json);
    let mut warnings = Vec::new();
    let crashpad = dump
        .get_raw_stream(MINIDUMP_STREAM_TYPE::CrashpadInfoStream as u32)
        .ok()
        .and_then(|stream| crate::crashpad::read(stream, bytes, &mut warnings));
    // Module annotations name their module by index; the schema names modules by file name.
    let names: Vec<String> = json["modules"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|m| m["filename"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    if let Some(obj) = json.as_object_mut() {
        // Beside the schema, like `crashpad`: the process type its annotations name (Chromium's `ptype`).
        let process_type = crashpad
            .as_ref()
            .and_then(crate::process_type::from_crashpad);
        obj.insert("process_type".into(), process_type.into());
        obj.insert("crashpad".into(), crashpad_json(crashpad, &names));
    }
    serde_json::to_string_pretty(&json).map_err(|e| ReportError::Internal(e.to_string()))
}

/// The Crashpad object in the snake_case style of the rest of the schema.
fn crashpad_json(info: Option<crate::report::Crashpad>, names: &[String]) -> serde_json::Value {
    let Some(info) = info else {
        return serde_json::Value::Null;
    };
    serde_json::json!({
        "report_id": info.report_id,
        "client_id": info.client_id,
        "simple_annotations": info.simple_annotations,
        "module_list": info.modules.iter().map(|m| serde_json::json!({
            "module_index": m.module_index,
            "module": names.get(m.module_index as usize),
            "list_annotations": m.list_annotations,
            "simple_annotations": m.simple_annotations,
            "annotation_objects": m.annotation_objects.iter().map(|o| serde_json::json!({
                "name": o.name, "type": o.ty, "value": o.value,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Every frame's `function` (and its inlined calls') demangled, as the other outputs show them. The schema has
/// no field for the raw name; the symbol files keep it.
fn demangle_frames(json: &mut serde_json::Value) {
    let fix = |name: &mut serde_json::Value| {
        if let Some(readable) = name.as_str().and_then(crate::demangle::demangle) {
            *name = serde_json::Value::String(readable);
        }
    };
    let Some(obj) = json.as_object_mut() else {
        return;
    };
    for (key, value) in obj.iter_mut() {
        let threads: Vec<&mut serde_json::Value> = match key.as_str() {
            "threads" => value.as_array_mut().into_iter().flatten().collect(),
            "crashing_thread" => vec![value],
            _ => continue,
        };
        for thread in threads {
            // `get_mut`, not indexing: indexing a `null` would turn it into an object.
            let frames = thread.get_mut("frames").and_then(|f| f.as_array_mut());
            for frame in frames.into_iter().flatten() {
                frame.get_mut("function").map(fix);
                let inlines = frame.get_mut("inlines").and_then(|i| i.as_array_mut());
                for inline in inlines.into_iter().flatten() {
                    inline.get_mut("function").map(fix);
                }
            }
        }
    }
}

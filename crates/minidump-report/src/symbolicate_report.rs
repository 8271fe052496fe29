//! Symbolicating a report parsed earlier without symbols: function, file, line and inlined calls for its
//! frames, from the same symbol sources as a parse. Without the dump there is no stack memory, so frames are
//! not walked again: a frame that stack scanning found stays as found, and only gains its names. For frames
//! that CFI would find, parse the dump with symbols instead.

use crate::build::symbol_config;
use crate::demangle::readable;
use crate::{hex, Options, ReportError};
use breakpad_symbols::{FrameSymbolizer, SimpleModule};
use minidump_unwind::SymbolProvider;
use serde_json::{json, Value};
use symbol_store::{Status, SymbolStore};

/// What the symbol provider tells about one address.
#[derive(Default)]
struct Found {
    instruction: u64,
    function: Option<(String, u64)>,
    source: Option<(String, u32, u64)>,
    inlines: Vec<Value>,
}

impl FrameSymbolizer for Found {
    fn get_instruction(&self) -> u64 {
        self.instruction
    }
    fn set_function(&mut self, name: &str, base: u64, _parameter_size: u32) {
        self.function = Some((name.to_string(), base));
    }
    fn set_source_file(&mut self, file: &str, line: u32, base: u64) {
        self.source = Some((file.to_string(), line, base));
    }
    fn add_inline_frame(&mut self, name: &str, file: Option<&str>, line: Option<u32>) {
        self.inlines.push(
            json!({ "function": readable(name), "symbol": name, "file": file, "line": line }),
        );
    }
}

fn parse_hex(v: &Value) -> Option<u64> {
    u64::from_str_radix(v.as_str()?.strip_prefix("0x")?, 16).ok()
}

/// The report's modules as the symbol store sees them: address range and identity.
fn modules(report: &Value) -> Vec<(u64, u64, SimpleModule)> {
    let list = report["modules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    list.iter()
        .map(|m| {
            let base = parse_hex(&m["baseAddress"]).unwrap_or(0);
            let size = m["size"].as_u64().unwrap_or(0);
            let module = SimpleModule {
                base_address: Some(base),
                size: Some(size),
                code_file: m["codeFile"].as_str().map(str::to_string),
                debug_file: m["debugFile"].as_str().map(str::to_string),
                debug_id: m["debugId"]
                    .as_str()
                    .and_then(|id| debugid::DebugId::from_breakpad(id).ok()),
                ..SimpleModule::default()
            };
            (base, size, module)
        })
        .collect()
}

/// Fills names into every frame of `report_json` (a report as `parse_*` serialises it) and returns it.
pub fn symbolicate_report(report_json: &str, options: &Options) -> Result<String, ReportError> {
    let mut report: Value = serde_json::from_str(report_json)
        .map_err(|e| ReportError::InvalidArgument(format!("not a minidump report: {e}")))?;
    let store = SymbolStore::new(symbol_config(options));
    let modules = modules(&report);

    let mut fill = |frame: &mut Value| {
        let Some(instruction) = parse_hex(&frame["instruction"]) else {
            return;
        };
        let Some((_, _, module)) = modules
            .iter()
            .find(|(b, s, _)| instruction.wrapping_sub(*b) < *s)
        else {
            return;
        };
        let mut found = Found {
            instruction,
            ..Found::default()
        };
        if futures_executor::block_on(store.fill_symbol(module, &mut found)).is_err() {
            return;
        }
        if let Some((name, base)) = found.function {
            frame["function"] = json!(readable(&name));
            frame["symbol"] = json!(name);
            frame["functionOffset"] = json!(hex::addr(instruction.wrapping_sub(base)));
        }
        if let Some((file, line, base)) = found.source {
            frame["file"] = json!(file);
            frame["line"] = json!(line);
            frame["lineAddress"] = json!(hex::addr(base));
        }
        // The provider reports inlined calls outermost first; reports list them innermost first.
        found.inlines.reverse();
        frame["inlines"] = Value::Array(found.inlines);
    };
    // `get_mut`, not indexing: indexing a `null` thread would turn it into an object.
    if let Some(frames) = report
        .get_mut("crashingThread")
        .and_then(|t| t.get_mut("frames"))
        .and_then(Value::as_array_mut)
    {
        frames.iter_mut().for_each(&mut fill);
    }
    if let Some(threads) = report.get_mut("threads").and_then(Value::as_array_mut) {
        for thread in threads {
            if let Some(frames) = thread.get_mut("frames").and_then(Value::as_array_mut) {
                frames.iter_mut().for_each(&mut fill);
            }
        }
    }

    let mut problems = Vec::new();
    for (i, (_, _, module)) in modules.iter().enumerate() {
        let status = store.status(module);
        if let Some(Status::Unusable(reason)) = &status {
            problems.push(json!({ "code": "symbols_unusable", "message": reason }));
        }
        if let Some(m) = report.get_mut("modules").and_then(|m| m.get_mut(i)) {
            m["symbolsLoaded"] = json!(matches!(status, Some(Status::Loaded { .. })));
        }
    }
    if let Some(warnings) = report["warnings"].as_array_mut() {
        warnings.extend(problems);
    }
    serde_json::to_string(&report).map_err(|e| ReportError::Internal(e.to_string()))
}

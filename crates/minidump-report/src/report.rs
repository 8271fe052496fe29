//! The report: plain data, serialised to camelCase JSON for JavaScript. The source of truth of the contract:
//! with feature `contract`, ts-rs declares these types for ts/native/contract.generated.ts (`npm run contract`),
//! which ts/native/types.ts is checked against.

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub system: System,
    pub crash: Option<Crash>,
    pub crashing_thread: Option<CrashingThread>,
    pub threads: Vec<Thread>,
    pub modules: Vec<Module>,
    pub unloaded_modules: Vec<UnloadedModule>,
    pub crashpad: Option<Crashpad>,
    pub process_type: Option<String>,
    pub process_id: Option<u32>,
    pub process_create_time: Option<String>,
    pub dump_time: String,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct System {
    pub os: String,
    pub os_version: Option<String>,
    pub os_build: Option<String>,
    pub cpu_arch: String,
    pub cpu_info: Option<String>,
    pub cpu_count: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Crash {
    pub reason: String,
    pub code: String,
    pub address: String,
    pub thread_id: u32,
    pub assertion: Option<String>,
    /// The POSIX signal (Linux, Android; macOS: the one the kernel raises for the Mach exception).
    pub signal: Option<Signal>,
    /// The Mach exception triple (macOS, iOS).
    pub mach_exception: Option<MachException>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Signal {
    pub number: u32,
    /// `si_code` on Linux; `null` when the dump does not carry one.
    pub code: Option<u32>,
    pub name: Option<String>,
    pub code_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MachException {
    pub exception: u32,
    pub code: u32,
    /// Hex, like every address: for `EXC_BAD_ACCESS` it is the faulting address, past 2^53 on 64-bit systems.
    pub subcode: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InlineFrame {
    /// Demangled when the symbol file holds a mangled name.
    pub function: String,
    /// The name as the symbol file holds it.
    pub symbol: String,
    pub file: Option<String>,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Frame {
    pub index: u32,
    /// The address symbols are looked up at: the return address adjusted into the call for caller frames.
    pub instruction: String,
    /// The program counter (frame 0) or the return address (callers), as Breakpad prints it.
    pub return_address: String,
    pub module: Option<String>,
    pub module_offset: Option<String>,
    /// Sentry's word for how the frame was found: `context`, `prewalked`, `cfi`, `fp`, `cfi_scan`, `scan`, `none`.
    pub trust: &'static str,
    /// Demangled when the symbol file holds a mangled name.
    pub function: Option<String>,
    /// The name as the symbol file holds it.
    pub symbol: Option<String>,
    pub function_offset: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Where the source line's code starts (Breakpad prints offsets from it).
    pub line_address: Option<String>,
    pub inlines: Vec<InlineFrame>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    pub id: u32,
    pub name: Option<String>,
    pub frames: Option<Vec<Frame>>,
    pub frames_truncated: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CrashingThread {
    pub id: u32,
    pub name: Option<String>,
    pub frames: Vec<Frame>,
    pub frames_truncated: bool,
    /// The innermost frame's registers, in the order the architecture lists them.
    #[cfg_attr(feature = "contract", ts(type = "Record<string, string>"))]
    pub registers: Registers,
}

/// Register names and values, serialised as a JSON object in the order the architecture lists them (a
/// BTreeMap would scramble it). A type of its own rather than `serialize_with`, which ts-rs cannot read.
#[derive(Debug, Clone, Default)]
pub struct Registers(pub Vec<(&'static str, String)>);

impl Serialize for Registers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Module {
    pub code_file: String,
    pub base_address: String,
    #[cfg_attr(feature = "contract", ts(type = "number"))]
    pub size: u64,
    pub version: Option<String>,
    pub debug_file: Option<String>,
    pub debug_id: Option<String>,
    pub code_id: Option<String>,
    pub symbols_loaded: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UnloadedModule {
    pub code_file: String,
    pub base_address: String,
    #[cfg_attr(feature = "contract", ts(type = "number"))]
    pub size: u64,
    /// The unloaded-module record has no room for these; they are `null` unless a future format adds them.
    pub version: Option<String>,
    pub debug_file: Option<String>,
    pub debug_id: Option<String>,
    pub code_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AnnotationObject {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: u16,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ModuleAnnotations {
    pub module_index: u32,
    pub module: Option<String>,
    pub list_annotations: Vec<String>,
    pub simple_annotations: BTreeMap<String, String>,
    pub annotation_objects: Vec<AnnotationObject>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Crashpad {
    pub report_id: String,
    pub client_id: String,
    pub simple_annotations: BTreeMap<String, String>,
    pub modules: Vec<ModuleAnnotations>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "contract", derive(ts_rs::TS))]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

impl Warning {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
        }
    }
}

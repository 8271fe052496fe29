//! Stack walking of one thread, and the conversion of walked frames into report frames.

use crate::hex;
use crate::report::{Frame, InlineFrame};
use minidump::{MinidumpContext, MinidumpModuleList, Module, UnifiedMemory};
use minidump_unwind::{
    walk_stack, CallStack, CallStackInfo, FrameTrust, StackFrame, SymbolProvider, SystemInfo,
};

/// Everything a walk needs that is shared between threads.
pub struct WalkInputs<'a, P> {
    pub modules: &'a MinidumpModuleList,
    pub system_info: &'a SystemInfo,
    pub symbols: &'a P,
    pub max_frames: usize,
}

/// Walks from `context` through `stack_memory`; returns the frames (at most `max_frames`) and whether
/// the limit cut them short.
pub fn walk<P: SymbolProvider + Sync>(
    inputs: &WalkInputs<'_, P>,
    thread_id: u32,
    context: &MinidumpContext,
    stack_memory: Option<UnifiedMemory<'_, '_>>,
) -> (Vec<Frame>, bool) {
    let stack = walk_raw(inputs, thread_id, context, stack_memory);
    let truncated = stack.frames.len() > inputs.max_frames;
    let frames = stack
        .frames
        .iter()
        .take(inputs.max_frames)
        .enumerate()
        .map(|(i, f)| frame(i, f))
        .collect();
    (frames, truncated)
}

/// The unwinder's own call stack, for callers that need its modules rather than report frames.
pub fn walk_raw<P: SymbolProvider + Sync>(
    inputs: &WalkInputs<'_, P>,
    thread_id: u32,
    context: &MinidumpContext,
    stack_memory: Option<UnifiedMemory<'_, '_>>,
) -> CallStack {
    let mut stack = CallStack {
        frames: vec![StackFrame::from_context(
            context.clone(),
            FrameTrust::Context,
        )],
        info: CallStackInfo::Ok,
        thread_id,
        thread_name: None,
        last_error_value: None,
    };
    // The symbol provider only does blocking I/O; nothing here awaits a reactor, so a local executor suffices.
    futures_executor::block_on(walk_stack(
        0,
        (),
        &mut stack,
        stack_memory,
        inputs.modules,
        inputs.system_info,
        inputs.symbols,
    ));
    stack
}

/// The file name of a module path written by any OS (`/usr/lib/libc.so.6`, `C:\Windows\ntdll.dll`).
pub fn leaf_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn frame(index: usize, f: &StackFrame) -> Frame {
    let module = f.module.as_ref();
    Frame {
        index: index as u32,
        instruction: hex::addr(f.instruction),
        module: module.map(|m| leaf_name(&m.code_file()).to_string()),
        module_offset: module.map(|m| hex::addr(f.instruction.wrapping_sub(m.base_address()))),
        trust: match f.trust {
            // rust-minidump spells `None` as "non"; the report uses the plain word.
            FrameTrust::None => "none",
            other => other.as_str(),
        },
        function: f.function_name.clone(),
        function_offset: f
            .function_base
            .map(|base| hex::addr(f.instruction.wrapping_sub(base))),
        file: f.source_file_name.clone(),
        line: f.source_line,
        inlines: f
            .inlines
            .iter()
            .map(|i| InlineFrame {
                function: i.function_name.clone(),
                file: i.source_file_name.clone(),
                line: i.source_line,
            })
            .collect(),
    }
}

//! Stack walking of one thread, and the conversion of walked frames into report frames.

use crate::demangle::readable;
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

/// rust-minidump's trust in Sentry's words (its event protocol and symbolicator say `fp` where rust-minidump
/// says `frame_pointer`, and `none` where it says `non`).
pub fn sentry_trust(trust: FrameTrust) -> &'static str {
    match trust {
        FrameTrust::None => "none",
        FrameTrust::Scan => "scan",
        FrameTrust::CfiScan => "cfi_scan",
        FrameTrust::FramePointer => "fp",
        FrameTrust::CallFrameInfo => "cfi",
        FrameTrust::PreWalked => "prewalked",
        FrameTrust::Context => "context",
    }
}

fn frame(index: usize, f: &StackFrame) -> Frame {
    let module = f.module.as_ref();
    Frame {
        index: index as u32,
        instruction: hex::addr(f.instruction),
        return_address: hex::addr(f.resume_address),
        module: module.map(|m| leaf_name(&m.code_file()).to_string()),
        module_offset: module.map(|m| hex::addr(f.instruction.wrapping_sub(m.base_address()))),
        trust: sentry_trust(f.trust),
        function: f.function_name.as_deref().map(readable),
        symbol: f.function_name.clone(),
        function_offset: f
            .function_base
            .map(|base| hex::addr(f.instruction.wrapping_sub(base))),
        file: f.source_file_name.clone(),
        line: f.source_line,
        line_address: f.source_line_base.map(hex::addr),
        inlines: f
            .inlines
            .iter()
            .map(|i| InlineFrame {
                function: readable(&i.function_name),
                symbol: i.function_name.clone(),
                file: i.source_file_name.clone(),
                line: i.source_line,
            })
            .collect(),
    }
}

//! Which threads a report walks, from which CPU context, and the walks themselves (with a symbol prefetch
//! first when symbol servers are configured).

use crate::options::{CancelToken, Options};
use crate::report::{CrashingThread, Registers, Thread, Warning};
use crate::walk::{walk, walk_raw, WalkInputs};
use crate::{hex, ReportError};
use minidump::{
    MinidumpContext, MinidumpException, MinidumpMiscInfo, MinidumpModuleList, MinidumpSystemInfo,
    MinidumpThread, MinidumpThreadNames, Module, UnifiedMemory, UnifiedMemoryList,
};
use minidump_unwind::{SymbolProvider, SystemInfo as UnwindSystemInfo};
use std::borrow::Cow;
use symbol_store::{NoSymbols, SymbolStore};

/// One thread of the dump, whether the report walks it, and the CPU context it is walked from.
pub(crate) struct Target<'t, 'd> {
    thread: &'t MinidumpThread<'d>,
    is_crashing: bool,
    asked: bool,
    context: Option<Cow<'t, MinidumpContext>>,
}

/// What picks the threads to walk: the crash's thread, the dump writer's thread, and the options.
pub(crate) struct Selection<'t> {
    pub sys: Option<&'t MinidumpSystemInfo>,
    pub misc: Option<&'t MinidumpMiscInfo>,
    pub exception: Option<&'t MinidumpException<'t>>,
    pub crashing_id: Option<u32>,
    pub dump_thread_id: Option<u32>,
}

/// Which threads to walk, and from which CPU context.
pub(crate) fn targets<'t, 'd>(
    threads: &'t [MinidumpThread<'d>],
    pick: &Selection<'t>,
    options: &Options,
) -> Vec<Target<'t, 'd>> {
    threads
        .iter()
        .map(|thread| {
            let id = thread.raw.thread_id;
            let is_crashing = pick.crashing_id == Some(id);
            let asked = options.all_threads || options.thread_ids.contains(&id);
            // The thread that wrote the dump (Breakpad's in-process handler) has nothing to say about the crash.
            let walkable = (is_crashing || asked) && pick.dump_thread_id != Some(id);
            let context = match (pick.sys, walkable) {
                (Some(sys), true) => {
                    // The crashing thread's own context is the signal handler's; the exception's is the fault's.
                    let from_exception = pick
                        .exception
                        .filter(|_| is_crashing)
                        .and_then(|e| e.context(sys, pick.misc));
                    from_exception.or_else(|| thread.context(sys, pick.misc))
                }
                _ => None,
            };
            Target {
                thread,
                is_crashing,
                asked,
                context,
            }
        })
        .collect()
}

/// A quick walk without symbols names the modules on the stacks, whose symbols are then fetched in
/// parallel; the real walk finds them in the store (and fetches any module it discovers anew).
pub(crate) fn prefetch(
    targets: &[Target<'_, '_>],
    modules: &MinidumpModuleList,
    system_info: &UnwindSystemInfo,
    memory: &UnifiedMemoryList<'_>,
    store: &SymbolStore,
    options: &Options,
    cancel: &CancelToken,
) -> Result<(), ReportError> {
    let bare = WalkInputs {
        modules,
        system_info,
        symbols: &NoSymbols,
        max_frames: options.max_frames,
    };
    let mut wanted: Vec<&(dyn Module + Sync)> = Vec::new();
    for t in targets {
        cancel.check()?;
        if let Some(ctx) = t.context.as_deref() {
            let stack = stack_memory_for(t.thread, memory, ctx);
            for f in walk_raw(&bare, t.thread.raw.thread_id, ctx, stack)
                .frames
                .iter()
                .take(options.max_frames)
            {
                if let Some(m) = modules.module_at_address(f.instruction) {
                    if !wanted.iter().any(|w| w.base_address() == m.base_address()) {
                        wanted.push(m);
                    }
                }
            }
        }
    }
    store.prefetch(&wanted);
    Ok(())
}

/// Walks the targets: the crashing thread (with its registers) and every thread, walked when asked for.
pub(crate) fn walk_threads<P: SymbolProvider + Sync>(
    targets: &[Target<'_, '_>],
    inputs: &WalkInputs<'_, P>,
    memory: &UnifiedMemoryList<'_>,
    names: &MinidumpThreadNames,
    cancel: &CancelToken,
    warnings: &mut Vec<Warning>,
) -> Result<(Option<CrashingThread>, Vec<Thread>), ReportError> {
    let mut crashing_thread = None;
    let mut threads = Vec::new();
    for t in targets {
        cancel.check()?;
        let id = t.thread.raw.thread_id;
        // An empty name is no name: report `null` rather than a blank the UI would have to special-case.
        let name = names
            .get_name(id)
            .filter(|n| !n.is_empty())
            .map(|n| n.into_owned());
        let walked = t.context.as_deref().map(|ctx| {
            let stack = stack_memory_for(t.thread, memory, ctx);
            let (frames, truncated) = walk(inputs, id, ctx, stack);
            (frames, truncated, Registers(registers(ctx)))
        });
        if t.is_crashing {
            let (frames, truncated, regs) = walked.clone().unwrap_or_else(|| {
                warnings.push(Warning::new(
                    "crashing_thread_context_missing",
                    format!("thread {id} has no readable CPU context"),
                ));
                (Vec::new(), false, Registers::default())
            });
            crashing_thread = Some(CrashingThread {
                id,
                name: name.clone(),
                frames,
                frames_truncated: truncated,
                registers: regs,
            });
        }
        let (frames, truncated) = match walked {
            Some((frames, truncated, _)) if t.asked => (Some(frames), truncated),
            _ => (None, false),
        };
        threads.push(Thread {
            id,
            name,
            frames,
            frames_truncated: truncated,
        });
    }
    Ok((crashing_thread, threads))
}

/// The stack memory that holds the context's stack pointer: the exception context may point into a
/// different region (an alternate signal stack) than the thread's recorded stack.
fn stack_memory_for<'a, 'm>(
    thread: &'m MinidumpThread<'a>,
    memory: &'m UnifiedMemoryList<'a>,
    ctx: &MinidumpContext,
) -> Option<UnifiedMemory<'m, 'a>> {
    let own = thread.stack_memory(memory);
    let sp = ctx.get_stack_pointer();
    if own
        .as_ref()
        .and_then(|m| m.get_memory_at_address::<u64>(sp))
        .is_some()
    {
        return own;
    }
    memory.memory_at_address(sp).or(own)
}

fn registers(ctx: &MinidumpContext) -> Vec<(&'static str, String)> {
    ctx.valid_registers()
        .map(|(name, value)| (name, hex::addr(value)))
        .collect()
}

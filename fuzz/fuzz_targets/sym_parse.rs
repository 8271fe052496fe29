//! Symbols from `.sym` text (crates/symbol-store): the index built over the text, its round trip through
//! the cache format, and lookups through the store at addresses the text names, as the stack walker makes
//! them: names and lines (`fill_symbol`) and CFI / STACK WIN unwinding (`walk_frame`).
#![no_main]

use breakpad_symbols::{FrameSymbolizer, FrameWalker};
use debugid::{CodeId, DebugId};
use libfuzzer_sys::fuzz_target;
use minidump_common::traits::Module;
use minidump_unwind::SymbolProvider;
use std::borrow::Cow;
use symbol_store::index::SymIndex;
use symbol_store::SymbolStore;

/// A module with the names the store needs to file symbols under.
struct App;

const BASE: u64 = 0x1_0000_0000;

impl Module for App {
    fn base_address(&self) -> u64 {
        BASE
    }
    fn size(&self) -> u64 {
        u64::MAX - BASE
    }
    fn code_file(&self) -> Cow<'_, str> {
        "app".into()
    }
    fn code_identifier(&self) -> Option<CodeId> {
        None
    }
    fn debug_file(&self) -> Option<Cow<'_, str>> {
        Some("app".into())
    }
    fn debug_identifier(&self) -> Option<DebugId> {
        "0123456789ABCDEF0123456789ABCDEF0".parse().ok()
    }
    fn version(&self) -> Option<Cow<'_, str>> {
        None
    }
}

#[derive(Default)]
struct Frame {
    instruction: u64,
    out: Vec<String>,
}

impl FrameSymbolizer for Frame {
    fn get_instruction(&self) -> u64 {
        self.instruction
    }
    fn set_function(&mut self, name: &str, base: u64, parameter_size: u32) {
        self.out.push(format!("{name} {base} {parameter_size}"));
    }
    fn set_source_file(&mut self, file: &str, line: u32, base: u64) {
        self.out.push(format!("{file}:{line} {base}"));
    }
    fn add_inline_frame(&mut self, name: &str, file: Option<&str>, line: Option<u32>) {
        self.out.push(format!("{name} {file:?} {line:?}"));
    }
}

/// A callee frame whose registers and stack words are all derived from their names and addresses.
struct Walker {
    instruction: u64,
    set: usize,
}

impl FrameWalker for Walker {
    fn get_instruction(&self) -> u64 {
        self.instruction
    }
    fn has_grand_callee(&self) -> bool {
        true
    }
    fn get_grand_callee_parameter_size(&self) -> u32 {
        8
    }
    fn get_register_at_address(&self, address: u64) -> Option<u64> {
        address.is_multiple_of(8).then_some(address.wrapping_mul(3))
    }
    fn get_callee_register(&self, name: &str) -> Option<u64> {
        (!name.is_empty()).then(|| 0x7fff_0000 + name.len() as u64 * 16)
    }
    fn set_caller_register(&mut self, _name: &str, _val: u64) -> Option<()> {
        self.set += 1;
        Some(())
    }
    fn clear_caller_register(&mut self, _name: &str) {}
    fn set_cfa(&mut self, _val: u64) -> Option<()> {
        Some(())
    }
    fn set_ra(&mut self, _val: u64) -> Option<()> {
        Some(())
    }
}

/// At most this many lookups per input: enough to reach each kind of record, cheap enough to stay fast.
const LOOKUPS: usize = 48;

fuzz_target!(|data: &[u8]| {
    let index = SymIndex::build(data);
    let saved = index.to_bytes();
    assert_eq!(
        SymIndex::from_bytes(&saved, data.len() as u64).as_ref(),
        Some(&index),
        "the index round-trips"
    );
    // A cached index is read back from disk, where it may be torn or foreign.
    let _ = SymIndex::from_bytes(data, data.len() as u64);

    // Addresses the records name: their starts, ends and last bytes, and around them.
    let mut addresses: Vec<u64> = index
        .funcs
        .iter()
        .chain(&index.publics)
        .chain(&index.cfi)
        .chain(&index.win)
        .flat_map(|e| {
            let end = e.address.wrapping_add(e.size);
            [
                e.address,
                e.address.wrapping_add(1),
                end.wrapping_sub(1),
                end,
            ]
        })
        .take(LOOKUPS)
        .collect();
    addresses.extend([0, u64::MAX]);
    let Some(store) = SymbolStore::with_symbols(&App, data.to_vec()) else {
        return;
    };
    for address in addresses {
        let instruction = BASE.wrapping_add(address);
        let mut frame = Frame {
            instruction,
            ..Frame::default()
        };
        let _ = futures_executor::block_on(store.fill_symbol(&App, &mut frame));
        let mut walker = Walker {
            instruction,
            set: 0,
        };
        let _ = futures_executor::block_on(store.walk_frame(&App, &mut walker));
    }
    let _ = store.status(&App);
});

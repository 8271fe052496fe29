//! The out-of-process sender of main-process native crashes (issue 19), as a library so that its parts are
//! tested on their own; `src/main.rs` is the executable init() starts.

pub mod bounded;
pub mod config;
pub mod deliver;
pub mod dumps;
pub mod event;
pub mod ledger;
pub mod log;
pub mod queue;
pub mod run;
pub mod scope;
pub mod wait;

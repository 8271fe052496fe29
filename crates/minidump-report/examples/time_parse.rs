//! Times `parse_path` over a few dumps (developer tool for profiling; the benchmark is bench/parse.mjs).
use minidump_report::{parse_path, CancelToken, Options};
use std::time::Instant;

fn main() {
    let options = Options {
        cache_dir: std::env::var_os("CACHE").map(Into::into),
        ..Options::default()
    };
    for path in std::env::args().skip(1) {
        let n: u32 = std::env::var("N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300);
        let start = Instant::now();
        for _ in 0..n {
            parse_path(path.as_ref(), &options, &CancelToken::default()).unwrap();
        }
        println!(
            "{path}: {:.1} us/parse",
            start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
        );
    }
}

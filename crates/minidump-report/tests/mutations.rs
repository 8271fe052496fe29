//! Damaged real dumps: random bit flips and byte smears in every corpus dump. Each parse must give a report or
//! a typed error about the input, never a panic (which the binding's
//! panic guard, src/guard.rs, would report as `ERR_INTERNAL`).

use minidump_report::{parse_bytes, CancelToken, Options, ReportError};
use std::path::Path;
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so a failure names a reproducible seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const MUTATIONS_PER_DUMP: u64 = 150;
/// Generous for a debug build on a loaded 2-core machine; a parse of these dumps takes milliseconds.
const BUDGET: Duration = Duration::from_secs(5);

fn corpus_dumps() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dumps");
    let Ok(sources) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: ../shared/corpus not found beside the repository");
        return Vec::new();
    };
    let mut dumps: Vec<_> = sources
        .flatten()
        .flat_map(|s| {
            std::fs::read_dir(s.path())
                .into_iter()
                .flatten()
                .flatten()
                .map(|f| f.path())
        })
        .collect();
    dumps.sort();
    dumps
}

#[test]
fn bit_flips_and_smears_never_panic_or_hang() {
    let options = Options {
        all_threads: true,
        ..Options::default()
    };
    let mut outcomes = [0usize; 2];
    for path in corpus_dumps() {
        let original = std::fs::read(&path).unwrap();
        for seed in 1..=MUTATIONS_PER_DUMP {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ original.len() as u64);
            let mut bytes = original.clone();
            // Keep the header's signature most of the time so the damage reaches the streams.
            for _ in 0..1 + rng.below(16) {
                let at = 4 + rng.below(bytes.len() - 4);
                if rng.below(4) == 0 {
                    bytes[at] = 0xff; // large counts and sizes
                } else {
                    bytes[at] ^= 1 << rng.below(8);
                }
            }
            let start = Instant::now();
            let result = parse_bytes(&bytes, &options, &CancelToken::default());
            let took = start.elapsed();
            let name = path.display();
            assert!(took < BUDGET, "{name} seed {seed}: took {took:?}");
            match result {
                Ok(_) => outcomes[0] += 1,
                Err(ReportError::Invalid(_) | ReportError::NotAMinidump) => outcomes[1] += 1,
                Err(other) => panic!("{name} seed {seed}: {other:?}"),
            }
        }
    }
    eprintln!(
        "mutations: {} reports, {} typed errors",
        outcomes[0], outcomes[1]
    );
}

use super::*;
use flate2::read::GzDecoder;
use std::io::Read;

fn gzip(data: &[u8], level: u32, write_size: usize) -> Vec<u8> {
    let mut w = GzipWriter::new(Vec::new(), level);
    for piece in data.chunks(write_size.max(1)) {
        w.write_all(piece).unwrap();
    }
    w.finish().unwrap()
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(gz).read_to_end(&mut out).unwrap();
    out
}

fn random(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn text(n: usize) -> Vec<u8> {
    let words = [
        "thread ",
        "0x7ffd5a3c ",
        "module ",
        "libnode.so ",
        "\n",
        "frame ",
        "00000000",
    ];
    words
        .iter()
        .cycle()
        .flat_map(|w| w.bytes())
        .take(n)
        .collect()
}

/// Stored bytes of a stream that is stored from its first byte: header, trailer, 5 per block.
fn all_stored(n: usize) -> usize {
    10 + 8 + n + 5 * n.div_ceil(MAX_STORED)
}

#[test]
fn round_trips_every_shape_at_every_level() {
    let (r, t) = (|n, s| random(n, s), text);
    let shapes: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("short text", t(100)),
        ("text", t(600_000)),
        ("random", r(300_000, 1)),
        ("random, text", [r(70_000, 2), t(50_000)].concat()),
        ("text, random", [t(50_000), r(70_000, 3)].concat()),
        (
            "text, random, text, random",
            [t(9_000), r(200_000, 4), t(40_000), r(5_000, 5)].concat(),
        ),
        ("random, short text", [r(8192, 6), t(10)].concat()),
        ("exactly one stored block", r(MAX_STORED, 7)),
    ];
    for (name, data) in &shapes {
        for level in [0, 1, 6, 9] {
            let gz = gzip(data, level, 100_000);
            assert_eq!(
                &gz[..3],
                &[0x1f, 0x8b, 8],
                "{name}, level {level}: gzip header"
            );
            assert!(gunzip(&gz) == *data, "{name}, level {level}: round trip");
        }
    }
}

#[test]
fn the_output_does_not_depend_on_write_sizes() {
    let data = [text(30_000), random(100_000, 8), text(300_000)].concat();
    let whole = gzip(&data, 6, data.len());
    for size in [1, 7, 4096, 65_536, 300_001] {
        assert!(gzip(&data, 6, size) == whole, "writes of {size} bytes");
    }
}

#[test]
fn random_bytes_are_stored_in_full_size_blocks() {
    // (With a final partial cell too short to test, which joins the stored run.)
    let data = random(244 * CELL + 10, 9);
    assert_eq!(gzip(&data, 6, 65_536).len(), all_stored(data.len()));
    // Text is compressed, and random bytes after it (from a cell boundary: a cell that holds both is
    // compressed) cost what storing them costs, plus the ends of the two kinds of block.
    let t = text(25 * CELL);
    let mixed = [t.clone(), data.clone()].concat();
    let text_alone = gzip(&t, 6, 65_536).len();
    let overhead = gzip(&mixed, 6, 65_536).len() - text_alone - data.len();
    assert!(
        overhead <= 5 * data.len().div_ceil(MAX_STORED) + 8,
        "{overhead}"
    );
}

#[test]
fn repeated_random_bytes_are_compressed() {
    // Random-looking cells that repeat within the window: deflate's matches win, so no stored block.
    let block = random(6000, 10);
    let data: Vec<u8> = block.iter().cycle().take(60_000).copied().collect();
    let gz = gzip(&data, 6, 65_536);
    assert!(gz.len() < 7_000, "{} bytes", gz.len());
    assert!(gunzip(&gz) == data);
    // A repeat inside one cell, too long a period for the histogram to show it.
    let half = random(3000, 14);
    let data = [
        text(CELL),
        half.clone(),
        half[..CELL - 3000].to_vec(),
        text(CELL),
    ]
    .concat();
    let repeated = gzip(&data, 6, 65_536).len();
    let fresh = [text(CELL), random(CELL, 15), text(CELL)].concat();
    assert!(repeated + 500 < gzip(&fresh, 6, 65_536).len(), "{repeated}");
    // Farther apart than the window: nothing to match, stored.
    let far = [block.clone(), random(40_000, 11), block].concat();
    assert_eq!(gzip(&far, 6, 65_536).len(), all_stored(far.len()));
}

#[test]
fn chi_square_test_separates_random_from_structured_bytes() {
    let cell = |v: Vec<u8>| uniform_bytes(&v);
    for seed in 1..200 {
        assert!(cell(random(CELL, seed)), "random cell {seed}");
    }
    assert!(!cell(text(CELL)));
    assert!(!cell(vec![0; CELL]));
    // Random 64-bit values with zero upper halves (pointers, small integers).
    let words: Vec<u8> = random(CELL / 2, 12)
        .chunks(4)
        .flat_map(|c| [c[0], c[1], c[2], c[3], 0, 0, 0, 0])
        .collect();
    assert!(!cell(words));
    // Random bytes of 128 values: 7 bits each, which Huffman coding saves.
    assert!(!cell(random(CELL, 13).iter().map(|b| b & 0x7f).collect()));
}

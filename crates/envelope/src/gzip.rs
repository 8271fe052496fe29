//! The gzip stream of an envelope: a standard gzip member (RFC 1952) around a standard deflate stream
//! (RFC 1951), written by zlib-rs, except that runs of incompressible input are written as stored blocks
//! directly instead of being passed through the compressor.
//!
//! Why: a full-memory dump carries regions that no deflate can shrink (compressed or encrypted buffers,
//! random-looking memory). zlib, zlib-ng and zlib-rs alike tally such bytes as literals, 16 383 per block
//! at the default memory level, then find the block cheaper stored and store it: 5 bytes of overhead per
//! 16 KiB, at deflate's full cost per byte (20–30 MB/s here). And the block that spans the boundary between
//! compressible and random data codes the random part as Huffman literals with a tree fitted to the
//! compressible part: ~370 bytes lost at the one transition of the bench's dumps. Stored directly, a run costs 5 bytes per
//! 65 535-byte stored block, ends its compressed block exactly where the random data begins, and moves at
//! memory speed; compressible input goes through zlib-rs unchanged, in batches of up to 256 KiB whatever the
//! caller's write sizes (zlib-rs's output depends on them: 4 KiB writes cost up to 0.05 % more).
//!
//! Which input is incompressible: each 4 KiB cell whose byte histogram is indistinguishable from uniform
//! (chi-square below [`CHI_SQUARE_LIMIT`], 6 standard deviations above what uniform random data gives), so
//! Huffman coding cannot gain, AND that repeats no 8 bytes of the earlier such cells in deflate's 32 KiB
//! window, so LZ77 matching cannot gain either: what deflate would store anyway. Anything else goes to the
//! compressor, and so does a cell that holds both kinds (at most one per boundary). The stream's last,
//! partial cell is tested too when it has 1 KiB or more; shorter than 64 bytes it joins the run before it.
//!
//! The stream: gzip header, then raw deflate. Before a stored run the compressor is sync-flushed; zlib's
//! sync flush ends with an empty stored block whose header bits are already written, so its `00 00 ff ff`
//! (LEN, NLEN) is replaced by the first stored block's own. After a stored run the compressor restarts
//! with the last 32 KiB of input as its dictionary, so matches reach back across the run as before.

use std::io::{self, Write};
use zlib_rs::{Deflate, DeflateFlush, Status};

/// Unit of the incompressibility test.
const CELL: usize = 4096;
/// Input is classified and compressed in batches of this size (a multiple of [`CELL`]).
const BATCH: usize = 256 * 1024;
/// Deflate's window: the history kept for the dictionary and for the repeat test.
const WINDOW: usize = 32 * 1024;
/// The farthest back a deflate match may reach (zlib's MAX_DIST: the window less MIN_LOOKAHEAD).
const MAX_DIST: u64 = (WINDOW - 262) as u64;
/// The largest stored block (its LEN field is 16 bits).
const MAX_STORED: usize = 65_535;
/// Compressed output is handed to the sink in pieces of about this size.
const OUT_CHUNK: usize = 256 * 1024;
/// Room for one call of the compressor: above its pending buffer (64 KiB at the default memory level).
const OUT_ROOM: usize = 96 * 1024;
/// Chi-square of a cell's byte histogram against uniform (255 degrees of freedom: mean 255, standard
/// deviation 22.6 for random bytes) at or above which the cell counts as compressible.
const CHI_SQUARE_LIMIT: u64 = 390;
/// The quick first test: a cell's first bytes, against a looser limit (10 standard deviations up).
const HEAD: usize = 256;
const HEAD_LIMIT: u64 = 480;
/// A final partial cell shorter than this joins the run before it.
const SHORT_TAIL: usize = 64;
/// Smallest final partial cell the test is applied to (fewer bytes make the statistic unreliable).
const MIN_TESTED: usize = 1024;
const TABLE_BITS: u32 = 12;
const EMPTY: u64 = u64::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Input goes to the compressor; `fed` once it has had input since it was (re)started.
    Deflate { fed: bool },
    /// Input goes to stored blocks.
    Stored,
}

/// A gzip writer; call [`GzipWriter::finish`] to complete the stream (dropping it leaves it truncated).
pub(crate) struct GzipWriter<W: Write> {
    sink: W,
    deflate: Deflate,
    /// Whether to look for incompressible runs (not at level 0, where everything is stored anyway).
    detect: bool,
    /// `[history (≤ WINDOW bytes already handled)][input not yet handled]`.
    win: Vec<u8>,
    /// Length of the history prefix of `win`.
    kept: usize,
    /// Stream offset of `win[0]`.
    base: u64,
    /// 8-byte words of recent incompressible cells (their low halves and stream offsets), by hash.
    table: Vec<u64>,
    /// The current stored block's bytes, not yet written.
    stored: Vec<u8>,
    mode: Mode,
    /// The sync flush left the current stored block's header bits (BFINAL 0, BTYPE 00) in the output.
    header_written: bool,
    out: Vec<u8>,
    crc: u32,
    size: u32,
}

impl<W: Write> GzipWriter<W> {
    /// `level`: 0–9, as zlib's.
    pub(crate) fn new(sink: W, level: u32) -> Self {
        let level = level.min(9);
        // XFL as zlib sets it: 2 for the slowest level, 4 for the fastest; OS 255: unknown.
        let xfl = match level {
            9 => 2,
            0 | 1 => 4,
            _ => 0,
        };
        let mut out = Vec::with_capacity(OUT_CHUNK + OUT_ROOM);
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff]);
        GzipWriter {
            sink,
            // Raw deflate (no zlib header), 32 KiB window, default memory level and strategy.
            deflate: Deflate::new(level as i32, false, 15),
            detect: level > 0,
            win: Vec::with_capacity(WINDOW + BATCH),
            kept: 0,
            base: 0,
            table: vec![EMPTY; 1 << TABLE_BITS],
            stored: Vec::with_capacity(MAX_STORED),
            mode: Mode::Deflate { fed: false },
            header_written: false,
            out,
            crc: 0,
            size: 0,
        }
    }

    /// Completes the stream (last block, CRC-32 and size) and returns the sink.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.handle(self.win.len())?;
        match self.mode {
            Mode::Stored if self.header_written => {
                // That header says "not last": end with an empty last block (fixed Huffman, 10 bits).
                self.emit_stored(false);
                self.out.extend_from_slice(&[0x03, 0x00]);
            }
            Mode::Stored => self.emit_stored(true),
            Mode::Deflate { .. } => self.compress(&[], DeflateFlush::Finish)?,
        }
        self.out.extend_from_slice(&self.crc.to_le_bytes());
        self.out.extend_from_slice(&self.size.to_le_bytes());
        self.sink.write_all(&self.out)?;
        self.out.clear();
        self.sink.flush()?;
        Ok(self.sink)
    }

    /// Handles `win[kept..end]` (whole cells, except at the end of the stream), then keeps the last
    /// WINDOW bytes as history.
    fn handle(&mut self, end: usize) -> io::Result<()> {
        let mut at = self.kept;
        let mut run: Option<(bool, usize)> = None; // (incompressible, start) of the pending run
        while at < end {
            let len = CELL.min(end - at);
            let incompressible = if len < SHORT_TAIL {
                // The last few bytes of the stream go with the run before them: a change of block
                // would cost more than they can.
                run.map_or(self.mode == Mode::Stored, |(kind, _)| kind)
            } else {
                self.detect && self.incompressible(at, len)
            };
            match run {
                Some((kind, start)) if kind != incompressible => {
                    self.run(kind, start, at)?;
                    run = Some((incompressible, at));
                }
                None => run = Some((incompressible, at)),
                Some(_) => {}
            }
            at += len;
        }
        if let Some((kind, start)) = run {
            self.run(kind, start, end)?;
        }
        let drop = end.saturating_sub(WINDOW);
        self.win.drain(..drop);
        self.base += drop as u64;
        self.kept = self.win.len();
        Ok(())
    }

    fn run(&mut self, incompressible: bool, start: usize, end: usize) -> io::Result<()> {
        if incompressible {
            self.store(start, end)
        } else {
            self.deflate(start, end)
        }
    }

    fn deflate(&mut self, start: usize, end: usize) -> io::Result<()> {
        if self.mode == Mode::Stored {
            self.emit_stored(false);
            self.deflate.reset();
            let dictionary = &self.win[start.saturating_sub(WINDOW)..start];
            self.deflate
                .set_dictionary(dictionary)
                .map_err(|e| deflate_error(e.as_str()))?;
        }
        self.mode = Mode::Deflate { fed: true };
        let input = std::mem::take(&mut self.win);
        let done = self.compress(&input[start..end], DeflateFlush::NoFlush);
        self.win = input;
        done
    }

    fn store(&mut self, start: usize, end: usize) -> io::Result<()> {
        if self.mode == (Mode::Deflate { fed: true }) {
            self.compress(&[], DeflateFlush::SyncFlush)?;
            // A sync flush ends byte-aligned with an empty stored block (`00 00 ff ff`, zlib's
            // documented behaviour): its header bits stay and serve the first block of the run, its
            // LEN/NLEN go. (Were they missing, the flushed stream would be kept whole: 5 bytes more.)
            if let Some(n) = self.out.len().checked_sub(4) {
                if self.out[n..] == [0, 0, 0xff, 0xff] {
                    self.out.truncate(n);
                    self.header_written = true;
                }
            }
        }
        self.mode = Mode::Stored;
        let mut at = start;
        while at < end {
            if self.stored.len() == MAX_STORED {
                // Full, and more follows: it is not the last block.
                self.emit_stored(false);
                self.drain(false)?;
            }
            let take = (end - at).min(MAX_STORED - self.stored.len());
            self.stored.extend_from_slice(&self.win[at..at + take]);
            at += take;
        }
        Ok(())
    }

    fn emit_stored(&mut self, last: bool) {
        let len = self.stored.len() as u16;
        if self.header_written {
            self.header_written = false;
        } else {
            self.out.push(u8::from(last)); // BFINAL, BTYPE 00, padding to the byte boundary
        }
        self.out.extend_from_slice(&len.to_le_bytes());
        self.out.extend_from_slice(&(!len).to_le_bytes());
        self.out.extend_from_slice(&self.stored);
        self.stored.clear();
    }

    /// Runs the compressor over `input` until it has taken all of it (and, for a flush, written all).
    fn compress(&mut self, mut input: &[u8], flush: DeflateFlush) -> io::Result<()> {
        loop {
            // Never hand the sink a sync flush's output before its last 4 bytes are replaced.
            self.drain(flush == DeflateFlush::SyncFlush)?;
            let filled = self.out.len();
            self.out.resize(filled + OUT_ROOM, 0);
            let (took, wrote) = (self.deflate.total_in(), self.deflate.total_out());
            let status = self
                .deflate
                .compress(input, &mut self.out[filled..], flush)
                .map_err(|e| deflate_error(e.as_str()))?;
            let wrote = (self.deflate.total_out() - wrote) as usize;
            input = &input[(self.deflate.total_in() - took) as usize..];
            self.out.truncate(filled + wrote);
            match (flush, status) {
                (_, Status::StreamEnd) => return Ok(()),
                // Room was left over: all input taken, and the flush (if any) written out.
                (DeflateFlush::Finish, _) if wrote == 0 && status == Status::BufError => {
                    return Err(deflate_error("no progress while finishing"))
                }
                (DeflateFlush::Finish, _) => {}
                _ if input.is_empty() && wrote < OUT_ROOM => return Ok(()),
                _ => {}
            }
        }
    }

    /// Hands full output pieces to the sink (none while `hold`).
    fn drain(&mut self, hold: bool) -> io::Result<()> {
        if !hold && self.out.len() >= OUT_CHUNK {
            self.sink.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    /// The incompressibility test of `win[at..at + len]` (see the module doc).
    fn incompressible(&mut self, at: usize, len: usize) -> bool {
        let cell = &self.win[at..at + len];
        if len < MIN_TESTED || !uniform_bytes(cell) {
            return false;
        }
        // Entries: a word's low 32 bits, then the low 32 bits of its stream offset, so that a probe rejects
        // almost every other word without reading the window. Every 8th position is entered, after its
        // probe: a repeat of 15 bytes or more, in this cell or an earlier one, spans an entered word (long
        // repeats span many, so a slot taken over by a later word does not hide them).
        let start = self.base + at as u64;
        let mut repeats = false;
        for (i, w) in cell.windows(8).enumerate() {
            let word = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            let slot = hash(word);
            let entry = self.table[slot];
            let here = start + i as u64;
            if !repeats && entry >> 32 == word & 0xffff_ffff && entry != EMPTY {
                // The entry's offset: the latest one with those low 32 bits before this position.
                let distance = here.wrapping_sub(entry) & 0xffff_ffff;
                if (1..=MAX_DIST).contains(&distance) && here - self.base >= distance {
                    let s = (here - distance - self.base) as usize;
                    repeats = self.win[s..s + 8] == *w;
                }
            }
            // (Entered even after a repeat was found: later cells may repeat this one.)
            if i % 8 == 0 {
                self.table[slot] = (word << 32) | (here & 0xffff_ffff);
            }
        }
        !repeats
    }
}

impl<W: Write> Write for GzipWriter<W> {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let n = data.len();
        self.crc = zlib_rs::crc32::crc32(self.crc, data);
        self.size = self.size.wrapping_add(n as u32); // ISIZE: the size modulo 2^32
        while !data.is_empty() {
            let take = data.len().min(self.kept + BATCH - self.win.len());
            self.win.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.win.len() == self.kept + BATCH {
                self.handle(self.win.len())?;
                self.drain(false)?;
            }
        }
        Ok(n)
    }

    /// Output is buffered until whole pieces or the end: a flush point would cost bytes in the stream.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn hash(word: u64) -> usize {
    (word.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - TABLE_BITS)) as usize
}

/// Whether the byte histogram of `cell` is within [`CHI_SQUARE_LIMIT`] of uniform. Its first
/// [`HEAD`] bytes are tested first, against a looser limit: compressible data almost always fails there,
/// at a sixteenth of the cost.
fn uniform_bytes(cell: &[u8]) -> bool {
    chi_square_below(&cell[..HEAD.min(cell.len())], HEAD_LIMIT)
        && chi_square_below(cell, CHI_SQUARE_LIMIT)
}

fn chi_square_below(bytes: &[u8], limit: u64) -> bool {
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let squares: u64 = counts.iter().map(|&c| u64::from(c) * u64::from(c)).sum();
    // X² = Σ (c − n/256)² / (n/256) = 256·Σc²/n − n, compared without division.
    let n = bytes.len() as u64;
    256 * squares < (limit + n) * n
}

fn deflate_error(what: &str) -> io::Error {
    io::Error::other(format!("deflate: {what}"))
}

#[cfg(test)]
mod tests;

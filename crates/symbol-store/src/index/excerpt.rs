//! Excerpts: the few records that cover one address, cut out of the `.sym` (FUNC blocks pruned to the
//! lines and INLINE records that cover it) for breakpad-symbols' own parser.

use super::*;

/// Hex digit values by byte; `NOT_HEX` for any other byte.
pub(super) static HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => NOT_HEX,
        };
        b += 1;
    }
    table
};
pub(super) const NOT_HEX: u8 = 0xff;

/// The next space-separated field of `s` read as `hex` reads it (`None` inside when it is not a hex number
/// of at most 16 digits), and what follows it; `None` when no field is left.
pub(super) fn next_hex(s: &[u8]) -> Option<(Option<u64>, &[u8])> {
    let mut bytes = s.iter();
    let first = *bytes.find(|&&b| b != b' ')?;
    let mut digit = HEX_DIGITS[first as usize];
    let (mut value, mut invalid, mut len) = (u64::from(digit & 0xf), digit, 1);
    for &b in bytes.by_ref() {
        if b == b' ' {
            break;
        }
        digit = HEX_DIGITS[b as usize];
        invalid |= digit;
        value = value << 4 | u64::from(digit & 0xf);
        len += 1;
    }
    // Digits are at most 0xf: a bit above them marks a byte that is not one. The field's end (or the space
    // after it) was the last byte read, so the rest is what the iterator holds.
    let valid = invalid & !0xf == 0 && len <= 16;
    Some((valid.then_some(value), bytes.as_slice()))
}

/// The next space-separated field of `s`, and what follows it.
pub(super) fn next_field(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = s.iter().position(|&b| b != b' ')?;
    let s = &s[start..];
    let end = s.iter().position(|&b| b == b' ').unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

/// The lines of a block (split at `\n`, as `split` would, but found with `memchr`).
pub(super) struct Lines<'a>(Option<&'a [u8]>);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.0.take()?;
        match memchr::memchr(b'\n', rest) {
            Some(end) => {
                self.0 = Some(&rest[end + 1..]);
                Some(&rest[..end])
            }
            None => Some(rest),
        }
    }
}

/// Whether a line or INLINE record's range (`None`: a field that is not a number) holds `address`.
pub(super) fn covers(address: u64, start: Option<u64>, size: Option<u64>) -> bool {
    match (start, size) {
        (Some(start), Some(size)) => address >= start && address - start < size,
        _ => false,
    }
}

/// A FUNC block cut down to its header and the line and INLINE records whose ranges cover `address`, with
/// the FILE and INLINE_ORIGIN ids those use. Every line of the block is read, so fields are read in one
/// pass, and only as far as needed.
pub(super) fn prune_block(block: &[u8], address: u64) -> Pruned {
    let mut lines = Lines(Some(block));
    let mut out = Pruned::new(lines.next().unwrap_or_default());
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let keep = if let Some(rest) = line.strip_prefix(b"INLINE ") {
            // INLINE <depth> <call line> <call file> <origin> [<address> <size>]...
            let (mut rest, mut ids) = (rest, [None, None]);
            for slot in [None, None, Some(0), Some(1)] {
                let Some((field, after)) = next_field(rest) else {
                    rest = &[];
                    break;
                };
                if let Some(at) = slot {
                    ids[at] = Some(field);
                }
                rest = after;
            }
            let mut hit = false;
            while let Some((start, after)) = next_hex(rest) {
                let Some((size, after)) = next_hex(after) else {
                    break;
                };
                hit |= covers(address, start, size);
                rest = after;
            }
            if hit {
                out.files.extend(dec(ids[0]));
                out.origins.extend(dec(ids[1]));
            }
            hit
        } else {
            // <address> <size> <line> <file>
            let hit = next_hex(line).is_some_and(|(start, rest)| {
                next_hex(rest).is_some_and(|(size, _)| covers(address, start, size))
            });
            if hit {
                let mut rest = line;
                let mut file = None;
                for _ in 0..4 {
                    let Some((field, after)) = next_field(rest) else {
                        file = None;
                        break;
                    };
                    file = Some(field);
                    rest = after;
                }
                out.files.extend(dec(file));
            }
            hit
        };
        if keep {
            out.keep(line);
        }
    }
    out.finish()
}

/// What pruning keeps of a FUNC block: its text, and the FILE and INLINE_ORIGIN ids that text uses.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Pruned {
    pub(super) text: Vec<u8>,
    pub(super) files: Vec<u32>,
    pub(super) origins: Vec<u32>,
}

impl Pruned {
    /// Starts with the block's first line, the FUNC record itself.
    pub(super) fn new(header: &[u8]) -> Pruned {
        let mut text = Vec::with_capacity(256);
        text.extend_from_slice(header);
        Pruned {
            text,
            files: Vec::new(),
            origins: Vec::new(),
        }
    }

    pub(super) fn keep(&mut self, line: &[u8]) {
        self.text.push(b'\n');
        self.text.extend_from_slice(line);
    }

    /// Each id once, in order.
    pub(super) fn finish(mut self) -> Pruned {
        for ids in [&mut self.files, &mut self.origins] {
            ids.sort_unstable();
            ids.dedup();
        }
        self
    }
}

pub(super) fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

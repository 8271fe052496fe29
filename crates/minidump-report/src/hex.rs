//! The one place where numbers become the `0x`-prefixed lowercase hex strings that cross into JavaScript.
//! Written by hand rather than with `format!`: a report holds thousands of these, and the formatting
//! machinery was a measurable share of a parse.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `0x` + lowercase hex, no padding: exact for 64-bit values and safe in JSON.
pub fn addr(value: u64) -> String {
    let mut out = String::with_capacity(2 + 16);
    out.push_str("0x");
    push_hex(&mut out, value, DIGITS);
    out
}

/// Raw bytes as lowercase hex without a prefix (identifiers and annotation payloads, not addresses).
pub fn bytes(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    push_bytes(&mut out, data, DIGITS);
    out
}

/// Appends `data` as hex in the given digit case. The digits are encoded in a stack buffer and appended a
/// chunk at a time: pushing them one `char` at a time was most of the cost of a module's identifiers.
pub(crate) fn push_bytes(out: &mut String, data: &[u8], digits: &[u8; 16]) {
    let mut buf = [0u8; 64];
    for chunk in data.chunks(buf.len() / 2) {
        for (i, &b) in chunk.iter().enumerate() {
            buf[2 * i] = digits[(b >> 4) as usize];
            buf[2 * i + 1] = digits[(b & 0xf) as usize];
        }
        push_ascii(out, &buf[..2 * chunk.len()]);
    }
}

/// Appends `value` as hex without leading zeros (`0` for zero), in the given digit case.
pub(crate) fn push_hex(out: &mut String, value: u64, digits: &[u8; 16]) {
    let count = if value == 0 {
        1
    } else {
        (64 - value.leading_zeros()).div_ceil(4) as usize
    };
    let mut buf = [0u8; 16];
    for (i, slot) in buf[..count].iter_mut().enumerate() {
        *slot = digits[((value >> ((count - 1 - i) * 4)) & 0xf) as usize];
    }
    push_ascii(out, &buf[..count]);
}

/// Upper-case digits, for the identifiers Breakpad prints in upper case.
pub(crate) const UPPER: &[u8; 16] = b"0123456789ABCDEF";
/// Lower-case digits.
pub(crate) const LOWER: &[u8; 16] = DIGITS;

fn push_ascii(out: &mut String, ascii: &[u8]) {
    // Only ASCII digits are ever written here, so the check cannot fail; it is a cheap scan of a few bytes.
    out.push_str(std::str::from_utf8(ascii).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_lowercase_prefixed() {
        assert_eq!(super::addr(0), "0x0");
        assert_eq!(super::addr(0x45), "0x45");
        assert_eq!(super::addr(0x100), "0x100");
        assert_eq!(super::addr(u64::MAX), "0xffffffffffffffff");
        assert_eq!(super::addr(0xFFFF_FFFF_8000_0042), "0xffffffff80000042");
        assert_eq!(super::bytes(&[0x2a, 0, 0xff]), "2a00ff");
        let long: Vec<u8> = (0..=255).collect();
        let expected: String = long.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::bytes(&long), expected);
        let mut upper = String::new();
        super::push_hex(&mut upper, 0xABC0, super::UPPER);
        super::push_hex(&mut upper, 0, super::UPPER);
        assert_eq!(upper, "ABC00");
        for v in [1u64, 15, 16, 255, 256, 0xdead_beef, 1 << 63] {
            assert_eq!(super::addr(v), format!("{v:#x}"));
        }
    }
}

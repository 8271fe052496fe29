//! The one place where numbers become the `0x`-prefixed lowercase hex strings that cross into JavaScript.
//! Written by hand rather than with `format!`: a report holds thousands of these, and the formatting
//! machinery was a measurable share of a parse.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `0x` + lowercase hex, no padding: exact for 64-bit values and safe in JSON.
pub fn addr(value: u64) -> String {
    let digits = if value == 0 {
        1
    } else {
        (64 - value.leading_zeros()).div_ceil(4) as usize
    };
    let mut out = String::with_capacity(2 + digits);
    out.push_str("0x");
    for i in (0..digits).rev() {
        out.push(DIGITS[((value >> (i * 4)) & 0xf) as usize] as char);
    }
    out
}

/// Raw bytes as lowercase hex without a prefix (identifiers and annotation payloads, not addresses).
pub fn bytes(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    for &b in data {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
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
        for v in [1u64, 15, 16, 255, 256, 0xdead_beef, 1 << 63] {
            assert_eq!(super::addr(v), format!("{v:#x}"));
        }
    }
}

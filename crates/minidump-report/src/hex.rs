//! The one place where numbers become the `0x`-prefixed lowercase hex strings that cross into JavaScript.

/// `0x` + lowercase hex, no padding: exact for 64-bit values and safe in JSON.
pub fn addr(value: u64) -> String {
    format!("{value:#x}")
}

/// Raw bytes as lowercase hex without a prefix (annotation payloads, not addresses).
pub fn bytes(data: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(data.len() * 2);
    for b in data {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_lowercase_prefixed() {
        assert_eq!(super::addr(0), "0x0");
        assert_eq!(super::addr(0xFFFF_FFFF_8000_0042), "0xffffffff80000042");
        assert_eq!(super::bytes(&[0x2a, 0, 0xff]), "2a00ff");
    }
}

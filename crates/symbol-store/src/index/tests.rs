use super::*;

const SYM: &[u8] = b"MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 app\n\
FILE 0 /src/a.c\n\
FILE 1 /src/b.h\n\
INLINE_ORIGIN 0 helper\n\
FUNC 1000 20 0 main\n\
INLINE 0 12 1 0 1008 4\n\
1000 8 10 0\n\
1008 4 3 1\n\
100c 14 11 0\n\
FUNC m 2000 10 0 other\n\
2000 10 40 0\n\
PUBLIC 3000 0 exported\n\
STACK CFI INIT 1000 20 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n\
STACK CFI 1001 .cfa: $rsp 16 +\n\
STACK WIN 4 2000 10 0 0 0 0 0 0 1 $T0 .raSearch =\n";

#[test]
fn records_are_indexed_by_address_with_their_blocks() {
    let ix = SymIndex::build(SYM);
    assert_eq!(
        ix.funcs
            .iter()
            .map(|f| (f.address, f.size))
            .collect::<Vec<_>>(),
        [(0x1000, 0x20), (0x2000, 0x10)]
    );
    assert_eq!(ix.publics.len(), 1);
    assert_eq!(
        (ix.cfi.len(), ix.win.len(), ix.files.len(), ix.origins.len()),
        (1, 1, 2, 1)
    );
    let main = &SYM[ix.funcs[0].offset as usize..][..ix.funcs[0].len as usize];
    assert!(main.starts_with(b"FUNC 1000") && main.ends_with(b"100c 14 11 0"));
    let cfi = &SYM[ix.cfi[0].offset as usize..][..ix.cfi[0].len as usize];
    assert!(cfi.ends_with(b"STACK CFI 1001 .cfa: $rsp 16 +"));
}

#[test]
fn an_excerpt_carries_everything_a_lookup_needs() {
    let saved = SymIndex::build(SYM).to_bytes();
    let ix = IndexView::new(&saved[..]).unwrap();
    let text = String::from_utf8(ix.excerpt(SYM, &ix.cover(0x1009).unwrap(), 0x1009)).unwrap();
    for needed in [
        "MODULE",
        "FILE 1 ",
        "INLINE_ORIGIN 0 helper",
        "FUNC 1000",
        "STACK CFI INIT 1000",
    ] {
        assert!(text.contains(needed), "{needed} missing from\n{text}");
    }
    assert!(!text.contains("FUNC m 2000"));
    // Only the records covering 0x1009: the line at 0x1000 and the FILE it names stay out.
    assert!(
        !text.contains("1000 8 10 0") && !text.contains("FILE 0 ") && text.contains("1008 4 3 1")
    );
    // Past every FUNC, the PUBLIC applies, with the FUNC before it for the parser's truncation check.
    let text = String::from_utf8(ix.excerpt(SYM, &ix.cover(0x3004).unwrap(), 0x3004)).unwrap();
    assert!(
        text.contains("PUBLIC 3000")
            && text.contains("FUNC m 2000 10 0 other\n")
            && !text.contains("2000 10 40 0")
    );
    assert_eq!(ix.cover(0x10), None);
}

#[test]
fn the_first_inline_layout_is_recognised() {
    assert!(!SymIndex::build(SYM).legacy_inline);
    let old = b"FUNC 1000 20 0 main\nINLINE 0 12 0 1008 4\n1000 8 10 0\n";
    assert!(SymIndex::build(old).legacy_inline);
}

#[test]
fn the_index_round_trips_and_refuses_another_file() {
    let ix = SymIndex::build(SYM);
    let bytes = ix.to_bytes();
    assert_eq!(
        SymIndex::from_bytes(&bytes, SYM.len() as u64),
        Some(SymIndex::build(SYM))
    );
    assert_eq!(SymIndex::from_bytes(&bytes, SYM.len() as u64 + 1), None);
    assert_eq!(
        SymIndex::from_bytes(&bytes[..bytes.len() - 1], SYM.len() as u64),
        None
    );
    let view = IndexView::new(ix.encode(0x1234_5678_9abc)).unwrap();
    assert_eq!(
        (view.sym_len(), view.stamp(), view.is_empty()),
        (SYM.len() as u64, 0x1234_5678_9abc, false)
    );
}

#[test]
fn stale_torn_and_damaged_indexes_are_refused() {
    let bytes = SymIndex::build(SYM).to_bytes();
    assert!(IndexView::new(&bytes[..]).is_some());
    // The previous format: same shape of header, other magic.
    let mut old = bytes.clone();
    old[..8].copy_from_slice(b"SENSYM03");
    assert!(IndexView::new(&old[..]).is_none());
    // Any header byte changed (a count, the length, the stamp) fails the checksum.
    for at in [9, 17, 33, 41, 52, 64] {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x10;
        assert!(IndexView::new(&damaged[..]).is_none(), "byte {at}");
    }
    // Torn or padded: the counts no longer account for the length.
    assert!(IndexView::new(&bytes[..bytes.len() - 16]).is_none());
    let mut padded = bytes.clone();
    padded.extend_from_slice(&[0; 16]);
    assert!(IndexView::new(&padded[..]).is_none());
    assert!(IndexView::new(&bytes[..HEADER - 1]).is_none());
    assert!(IndexView::new(&[][..]).is_none());
}

#[test]
fn lookups_read_the_saved_form_as_the_built_one() {
    let ix = SymIndex::build(SYM);
    let saved = ix.to_bytes();
    let view = IndexView::new(&saved[..]).unwrap();
    for address in [
        0,
        0x10,
        0x1000,
        0x1009,
        0x101f,
        0x1020,
        0x2000,
        0x200f,
        0x2010,
        0x3000,
        0x3004,
        u64::MAX,
    ] {
        let cover = view.cover(address);
        let func = ix
            .funcs
            .iter()
            .position(|f| address >= f.address && address - f.address < f.size.max(1));
        assert_eq!(
            cover.as_ref().and_then(|c| c.func),
            func.map(|i| i as u32),
            "{address:#x}"
        );
        if let Some(cover) = cover {
            let text = view.excerpt(SYM, &cover, address);
            assert!(text.starts_with(b"MODULE Linux"), "{address:#x}");
        }
    }
}

/// The first, plainer reading of a FUNC block: field by field through iterators.
fn prune_by_fields(block: &[u8], address: u64) -> Pruned {
    let mut lines = block.split(|&b| b == b'\n');
    let mut out = Pruned::new(lines.next().unwrap_or_default());
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut t = line.split(|&b| b == b' ').filter(|t| !t.is_empty());
        if line.starts_with(b"INLINE ") {
            let mut t = t.skip(3);
            let (file, origin) = (dec(t.next()), dec(t.next()));
            let mut hit = false;
            while let (Some(a), Some(b)) = (t.next(), t.next()) {
                hit |= covers(address, hex(Some(a)), hex(Some(b)));
            }
            if hit {
                out.files.extend(file);
                out.origins.extend(origin);
                out.keep(line);
            }
        } else if covers(address, hex(t.next()), hex(t.next())) {
            out.files.extend(dec(t.nth(1)));
            out.keep(line);
        }
    }
    out.finish()
}

#[test]
fn pruning_reads_blocks_as_a_field_by_field_reading_does() {
    let block = b"FUNC m 1000 100 0 f\r\n\
INLINE 0 12 1 0 1008 4\n\
INLINE  1  13  2  3  1000 2   1009 10\r\n\
INLINE 2 14 7\n\
INLINE 2 14 7 8 1009\n\
INLINE 3 15 +4 5 1000 100\n\
INLINE 3 15 4 x 1000 100 zz 1\n\
1000 8 10 0\n\
1008 4 3 1\r\n\
1008  4  3  9\n\
1009 1 3\n\
1009 1\n\
0001009 1 4 2\n\
00000000000001009 1 4 2\n\
1009 g 4 2\n\
100A 10 5 6\n\
100a 10 5 6 extra\n\
\n\
 1009 1 7 8\n\
ffffffffffffffff 1 1 1\n\
1000 ffffffffffffffff 1 4\n";
    for address in [
        0,
        0xfff,
        0x1000,
        0x1001,
        0x1008,
        0x1009,
        0x100a,
        0x100b,
        0x1010,
        0x1019,
        0x10ff,
        u64::MAX,
    ] {
        for block in [&block[..], &block[..block.len() - 1]] {
            assert_eq!(
                prune_block(block, address),
                prune_by_fields(block, address),
                "{address:#x}"
            );
        }
    }
    assert_eq!(prune_block(b"", 0), prune_by_fields(b"", 0));
    assert_eq!(
        prune_block(b"FUNC 1 1 0 f", 1),
        prune_by_fields(b"FUNC 1 1 0 f", 1)
    );
}

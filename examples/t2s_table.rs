//! Writes `src/text/t2s.txt`: the traditional → simplified pairs, one character for one, that
//! search folding uses (`zhiku::text::fold::simplified`), taken from `character_converter`
//! (MIT, OpenCC data). zhiku reads the committed file instead of the converter at run time:
//! deserialising the converter's dictionary cost every `zhiku search` 229 M instructions.
//! `tests/t2s.rs` checks that the file is what this prints.
//!
//! ```sh
//! cargo run --example t2s_table > src/text/t2s.txt
//! ```

fn main() {
    print!("{}", table());
}

/// The file's text: a header line, then `TS` pairs (traditional, simplified), 32 per line.
pub fn table() -> String {
    let mut pairs = Vec::new();
    let mut buf = [0u8; 4];
    for u in 0x3400u32..=0x9FFF {
        let Some(c) = char::from_u32(u) else { continue };
        let s = character_converter::traditional_to_simplified(c.encode_utf8(&mut buf));
        let mut it = s.chars();
        if let (Some(x), None) = (it.next(), it.next())
            && x != c
        {
            pairs.push((c, x));
        }
    }
    let mut out = String::from(
        "# traditional→simplified pairs for search folding; `cargo run --example t2s_table`\n",
    );
    for line in pairs.chunks(32) {
        for (t, s) in line {
            out.push(*t);
            out.push(*s);
        }
        out.push('\n');
    }
    out
}

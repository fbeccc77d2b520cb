//! The committed traditional → simplified table (`src/text/t2s.txt`) is what the converter
//! gives (`cargo run --example t2s_table > src/text/t2s.txt` rebuilds it).

#[path = "../examples/t2s_table.rs"]
#[allow(dead_code)]
mod t2s_table;

#[test]
fn committed_table_is_the_converters() {
    let have = include_str!("../src/text/t2s.txt");
    assert!(
        have == t2s_table::table(),
        "src/text/t2s.txt is stale: run `cargo run --example t2s_table > src/text/t2s.txt`"
    );
    // And folding reads it: every pair folds.
    for (t, s) in have.lines().skip(1).flat_map(|l| {
        let v: Vec<char> = l.chars().collect();
        v.chunks(2).map(|p| (p[0], p[1])).collect::<Vec<_>>()
    }) {
        assert_eq!(zhiku::text::fold::simplified(t), s, "{t}");
    }
}

//! The committed regional vocabulary (`assets/regional.tsv`) is what its rule gives from the
//! committed OpenCC tables and jieba's frequencies (`cargo run --example regional_table`
//! rebuilds it), and the search-side lookup reads it.

#[path = "../examples/regional_table.rs"]
#[allow(dead_code)]
mod table;

#[test]
fn committed_table_is_what_the_rule_gives() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let judged = table::judged(root).expect("OpenCC tables and jieba's dictionary");
    let want = zhiku::text::regional::table_text(&judged);
    let have = std::fs::read_to_string(root.join("assets/regional.tsv")).unwrap();
    assert!(
        have == want,
        "assets/regional.tsv is stale: run `cargo run --example regional_table`"
    );
    // Enough pairs to matter, and the rule dropped the ones with a mainland meaning.
    assert!(judged.iter().filter(|j| j.kept).count() > 500);
    let dropped = |w: &str, v: &str| {
        judged
            .iter()
            .any(|j| j.word == w && j.variant == v && !j.kept)
    };
    assert!(dropped("串行", "序列") && dropped("文档", "文件") && dropped("运行", "执行"));
}

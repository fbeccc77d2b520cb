//! End-to-end on a library of one's own: a Hexo blog (tests/fixtures/hexo_blog) imported into
//! a temporary store, browsed in the real binary in a pseudo-terminal (portable-pty + vt100).

mod common;

use common::pty::{Tui, import_db};

#[test]
fn scoping_to_one_of_the_blogs_own_categories_in_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("blog.db");
    let blog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hexo_blog");
    import_db(dir.path(), &db, &[blog.as_os_str()]);
    let mut t = Tui::start(&db, 120, 40);
    t.wait_text("全部 (33)");
    // The blog's own categories follow the built-in ones, with their counts.
    t.wait_text("面试指南 (4)");
    t.wait_text("AI架构/RAG (1)");
    t.wait_text("33 条结果");
    // To the tree, down past 全部, the ten built-in categories and six of the blog's own.
    t.send("h");
    for _ in 0..17 {
        t.send("j");
    }
    t.send("\r");
    t.wait_text("范围: 面试指南");
    t.wait_text("4 条结果");
    t.wait_text("Java高级面试指南 - 多线程");
    // Searching keeps the scope: two of the four interview posts are about Java.
    t.send("/");
    t.send("Java");
    t.wait_text("2 条结果");
    t.wait_text("范围: 面试指南");
    t.send("\r");
    t.quit();
}

#[test]
fn the_reader_refiles_the_library_when_the_taxonomy_changed_keeping_bookmarks() {
    use zhiku::search::{Request, search};
    use zhiku::store::{Access, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("blog.db");
    let blog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hexo_blog");
    import_db(dir.path(), &db, &[blog.as_os_str()]);
    let id = {
        let s = Store::open(&db, Access::Write).unwrap();
        let id = search(s.conn(), &Request::new("OpenClaw 入门"))
            .unwrap()
            .hits[0]
            .meta
            .id;
        s.toggle_bookmark(id).unwrap();
        s.mark_read(id).unwrap();
        id
    };
    let conf = dir.path().join("xdg-config/zhiku");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("taxonomy.toml"),
        "[[category]]\nname = \"人工智能\"\naliases = [\"AI架构\"]\ntags = [\"OpenClaw\", \"智能体\", \"RAG\"]\n",
    )
    .unwrap();
    let mut t = Tui::start(&db, 120, 40);
    t.wait_text("全部 (33)");
    // AI架构 and its two sub-paths are now the taxonomy's 人工智能.
    t.wait_text("人工智能 (5)");
    t.wait_text("33 条结果");
    assert!(!t.screen().contains("AI架构/RAG"), "{}", t.screen());
    t.quit();
    let s = Store::open_read_only(&db).unwrap();
    let a = s.article(id).unwrap().unwrap();
    assert!(a.meta.bookmarked);
    assert_eq!(a.meta.read_count, 1);
    assert_eq!(a.meta.category, "人工智能");
}

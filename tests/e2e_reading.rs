//! End-to-end reading (issue 15): the real binary in a pseudo-terminal scrolls a wide code
//! block sideways and follows a link by its number through a fake opener.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use common::pty::{Tui, import_db};
use serde_json::json;

#[test]
fn wide_code_scrolls_sideways_and_a_link_opens_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let body = "先读[官方文档](https://docs.example.com/guide)再看[旧文](/archives/7)。\n\n\
```bash\nkubectl -n production rollout restart deployment/order-service && kubectl -n production rollout status deployment/order-service --timeout=300s\n```\n\n结尾。";
    let jsonl = home.join("a.jsonl");
    std::fs::write(
        &jsonl,
        json!({"id": "w-1", "title": "滚动发布检查单", "body": body,
               "url": "https://blog.example.com/post/w-1/", "date": "2025-03-01"})
        .to_string()
            + "\n",
    )
    .unwrap();
    let db = home.join("lib.db");
    import_db(home, &db, &[jsonl.as_os_str()]);

    // The opener: a script that records the URL it was given.
    let opened = home.join("opened.txt");
    let script = home.join("fake-browser");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = home.join("xdg-config/zhiku/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, format!("opener = \"{}\"\n", script.display())).unwrap();

    let mut t = Tui::start(&db, 100, 30);
    t.wait_text("全部 (1)");
    t.send("/");
    t.send("滚动发布");
    t.wait_text("1 条结果");
    t.send("\r");
    t.send("\r");
    t.wait_text("官方文档[1]");
    t.wait("the clipped code line", |s| s.contents().contains("›"));
    assert!(!t.screen().contains("--timeout=300s"), "{}", t.screen());
    // > moves code sideways until the end of the long line is in view.
    for _ in 0..12 {
        t.send(">");
    }
    t.wait("the end of the code line", |s| {
        s.contents().contains("--timeout=300s")
    });
    assert!(
        t.screen().contains("先读官方文档[1]"),
        "prose stays:\n{}",
        t.screen()
    );

    // f 2: the relative link, resolved against the article's address, given to the opener.
    t.send("f");
    t.send("2");
    let deadline = Instant::now() + Duration::from_secs(20);
    let got = loop {
        let got = std::fs::read_to_string(&opened).unwrap_or_default();
        if !got.is_empty() || Instant::now() > deadline {
            break got;
        }
        t.pump(Duration::from_millis(100));
    };
    assert_eq!(
        got,
        "https://blog.example.com/archives/7\n",
        "{}",
        t.screen()
    );
    t.wait_text("已在浏览器中打开");
    t.quit();
}

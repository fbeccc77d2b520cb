use super::*;

fn index(titles: &[&str]) -> Index {
    Index::new(titles.iter().enumerate().map(|(i, t)| TitleRow {
        id: ArticleId(i as i64 + 1),
        title: (*t).to_owned(),
        published: None,
    }))
}

/// The titles `q` finds, best first.
fn find(ix: &Index, q: &str) -> Vec<String> {
    let mut s = Search::new();
    s.update(ix, q);
    s.rank_all(ix)
        .iter()
        .map(|h| ix.items()[h.item as usize].title.clone())
        .collect()
}

fn finds(ix: &Index, q: &str, title: &str) -> bool {
    find(ix, q).iter().any(|t| t == title)
}

/// The highlighted characters of the best hit.
fn marked(ix: &Index, q: &str) -> String {
    let mut s = Search::new();
    let hit = s.update(ix, q)[0];
    let pos = s.positions(ix, &hit);
    let chars: Vec<char> = ix.items()[hit.item as usize].title.chars().collect();
    pos.iter().map(|&p| chars[p]).collect()
}

const LIB: &[&str] = &[
    "数据同步监控方案",
    "代码重构的十个原则",
    "银行核心系统迁移",
    "用户行为分析平台",
    "Redis 缓存穿透排查实录",
    "深入理解 Redis 的持久化",
    "Kafka 消息积压处理",
    "重要的事情说三遍",
];

#[test]
fn initials() {
    let ix = index(LIB);
    assert_eq!(find(&ix, "sjtbjk"), ["数据同步监控方案"]);
    assert_eq!(find(&ix, "kfxxjy"), ["Kafka 消息积压处理"]);
    assert_eq!(marked(&ix, "sjtbjk"), "数据同步监控");
}

#[test]
fn full_pinyin_and_prefixes_as_typed() {
    let ix = index(LIB);
    assert_eq!(find(&ix, "shujutongbu"), ["数据同步监控方案"]);
    // Every keystroke on the way finds it.
    let full = "shujutongbujiankong";
    for n in 1..=full.len() {
        assert!(finds(&ix, &full[..n], "数据同步监控方案"), "{}", &full[..n]);
    }
    assert_eq!(marked(&ix, "shujutongbu"), "数据同步");
}

#[test]
fn polyphones() {
    let ix = index(LIB);
    // 重 zhong/chong
    assert!(finds(&ix, "chonggou", "代码重构的十个原则"));
    assert!(finds(&ix, "cg", "代码重构的十个原则"));
    assert_eq!(marked(&ix, "chonggou"), "重构");
    assert!(finds(&ix, "zhongyao", "重要的事情说三遍"));
    // 行 hang / xing
    assert_eq!(find(&ix, "yinhang"), ["银行核心系统迁移"]);
    assert_eq!(find(&ix, "xingwei"), ["用户行为分析平台"]);
    assert!(!finds(&ix, "yinxing", "用户行为分析平台"));
    // 数 shu / shuo
    assert!(finds(&ix, "shuo", "数据同步监控方案"));
    // A reading is one unit: 银 yin cannot take "ha" of the next reading.
    assert!(!finds(&ix, "yinghang", "银行核心系统迁移"));
}

#[test]
fn mixes_latin_initials_full_and_han() {
    let ix = index(LIB);
    assert_eq!(find(&ix, "redis hc")[0], "Redis 缓存穿透排查实录");
    assert_eq!(marked(&ix, "redis hc"), "Redis缓存");
    assert_eq!(find(&ix, "redishuancun"), ["Redis 缓存穿透排查实录"]);
    assert_eq!(find(&ix, "shujtb"), ["数据同步监控方案"]);
    assert_eq!(find(&ix, "数据tb"), ["数据同步监控方案"]);
    assert_eq!(find(&ix, "kafka xx"), ["Kafka 消息积压处理"]);
}

#[test]
fn the_title_itself_case_width_and_traditional() {
    let ix = index(&["數據庫備份", "Redis 缓存", "ＲＥＤＩＳ 集群"]);
    assert_eq!(find(&ix, "数据库"), ["數據庫備份"]);
    assert_eq!(find(&ix, "REDIS"), ["Redis 缓存", "ＲＥＤＩＳ 集群"]);
    assert_eq!(marked(&ix, "數據"), "數據");
    // Fuzzy on the title: characters skipped.
    assert_eq!(find(&ix, "rds"), ["Redis 缓存", "ＲＥＤＩＳ 集群"]);
}

#[test]
fn ranking_exact_then_prefix_then_contiguous_then_fuzzy() {
    let ix = index(&[
        "Rapid edits 笔记",
        "深入理解 Redis",
        "Redis 缓存穿透",
        "Redis",
    ]);
    assert_eq!(
        find(&ix, "redis"),
        [
            "Redis",
            "Redis 缓存穿透",
            "深入理解 Redis",
            "Rapid edits 笔记"
        ]
    );
    let mut s = Search::new();
    s.update(&ix, "redis");
    let tiers: Vec<Tier> = s.rank_all(&ix).iter().map(|h| h.tier).collect();
    assert_eq!(
        tiers,
        [Tier::Exact, Tier::Prefix, Tier::Contiguous, Tier::Fuzzy]
    );
}

#[test]
fn pinyin_ranking_prefix_then_contiguous_then_gaps() {
    let ix = index(&["数据丢失与监控", "大数据监控", "数据监控", "数据同步监控"]);
    // 数据监控 is the exact pinyin of one title: contiguous from the start first; then the
    // contiguous one not at the start; the ones with skipped units last, newest first.
    assert_eq!(
        find(&ix, "sjjk"),
        ["数据监控", "大数据监控", "数据丢失与监控", "数据同步监控"]
    );
    let mut s = Search::new();
    s.update(&ix, "sjjk");
    let tiers: Vec<Tier> = s.rank_all(&ix).iter().map(|h| h.tier).collect();
    assert_eq!(
        tiers,
        [Tier::Prefix, Tier::Contiguous, Tier::Fuzzy, Tier::Fuzzy]
    );
}

#[test]
fn empty_query_lists_every_title_in_index_order() {
    let ix = index(LIB);
    assert_eq!(find(&ix, ""), LIB);
    assert_eq!(find(&ix, "   "), LIB);
    let mut s = Search::new();
    let h = s.update(&ix, "")[0];
    assert!(s.positions(&ix, &h).is_empty());
}

#[test]
fn narrowing_gives_what_a_fresh_search_gives() {
    let titles: Vec<String> = (0..300)
        .map(|i| format!("{} {}", LIB[i % LIB.len()], i))
        .collect();
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let ix = index(&refs);
    for q in ["shujutongbu", "redis hc", "代码重构", "kafka 1", "cg"] {
        let mut typed = Search::new();
        for n in 1..=q.chars().count() {
            let part: String = q.chars().take(n).collect();
            typed.update(&ix, &part);
            let got: Vec<Hit> = typed.rank_all(&ix).to_vec();
            let mut fresh = Search::new();
            fresh.update(&ix, &part);
            assert_eq!(got, fresh.rank_all(&ix), "{part}");
        }
        // Backspace: not an extension, a full search again.
        let back: String = q.chars().take(1).collect();
        typed.update(&ix, &back);
        let got = typed.rank_all(&ix).to_vec();
        let mut fresh = Search::new();
        fresh.update(&ix, &back);
        assert_eq!(got, fresh.rank_all(&ix));
    }
}

#[test]
fn a_new_index_is_searched_afresh() {
    let a = index(&["数据同步"]);
    let b = index(&["数据备份", "数据同步"]);
    let mut s = Search::new();
    s.update(&a, "sj");
    assert_eq!(s.len(), 1);
    s.update(&b, "sj");
    assert_eq!(s.len(), 2);
}

#[test]
fn long_pinyin_strings_are_bounded() {
    let ix = index(LIB);
    let long = "shujutongbujiankong".repeat(300);
    assert!(long.len() > 5000);
    let q = Query::new(&long);
    assert_eq!(q.text().chars().count(), MAX_QUERY_CHARS);
    assert!(find(&ix, &long).is_empty());
    // A title of 200 polyphones against a query of 128: the DP is linear in the readings.
    let poly = "重行数长还乐".repeat(40);
    let ix = index(&[poly.as_str()]);
    let q: String = "chonghangshuzhanghuanle".repeat(5);
    assert_eq!(find(&ix, &q).len(), 1);
    let typo: String = format!("{}q", "chonghangshuo".repeat(9));
    assert!(find(&ix, &typo).is_empty());
}

#[test]
fn pasted_controls_and_replacement_chars_are_dropped() {
    let ix = index(LIB);
    // A whole escape sequence goes, not only its ESC.
    assert_eq!(
        find(&ix, "sj\u{1b}[31mtb\u{0}\u{FFFD}jk"),
        ["数据同步监控方案"]
    );
    assert_eq!(find(&ix, "\u{FFFD}sjtbjk\u{7}"), ["数据同步监控方案"]);
    assert_eq!(find(&ix, "\u{202e}chonggou"), ["代码重构的十个原则"]);
    assert_eq!(find(&ix, "\u{FFFD}\u{FFFD}"), LIB);
}

#[test]
fn mixed_scripts_and_symbols_never_fail() {
    let ix = index(&[
        "C++ 模板元编程",
        "Node.js 事件循环",
        "Привет мир",
        "한국어 제목",
        "日本語のタイトル",
        "🚀 火箭发射 👩\u{200d}💻",
        "",
    ]);
    assert_eq!(find(&ix, "c++")[0], "C++ 模板元编程");
    assert_eq!(find(&ix, "nodejs")[0], "Node.js 事件循环");
    assert_eq!(find(&ix, "привет"), ["Привет мир"]);
    assert_eq!(find(&ix, "한국"), ["한국어 제목"]);
    assert_eq!(find(&ix, "huojian")[0], "🚀 火箭发射 👩💻");
    for q in ["🚀", "のタ", "ｃ＋＋", "a-b/c", "\\", "'^$!", "ü", "lv"] {
        find(&ix, q);
    }
    assert_eq!(find(&ix, "").len(), 7);
}

#[test]
fn titles_are_sanitised_and_cut() {
    let long = "长".repeat(1000);
    let ix = index(&["\u{1b}]52;c;evil\u{7}标题\u{0}", &long]);
    assert_eq!(ix.items()[0].title, "标题");
    assert_eq!(ix.items()[1].title.chars().count(), MAX_TITLE_CHARS);
    assert!(finds(&ix, "biaoti", "标题"));
}

#[test]
fn only_the_best_classes_are_scored_at_first_and_the_rest_on_demand() {
    // 600 titles: 300 prefix matches of "sj" (数据…), 300 contiguous ones (大数据…).
    let titles: Vec<String> = (0..600)
        .map(|i| {
            if i % 2 == 0 {
                format!("数据同步 {i}")
            } else {
                format!("大数据平台 {i}")
            }
        })
        .collect();
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let ix = index(&refs);
    let mut s = Search::new();
    let first = s.update(&ix, "sj").len();
    assert_eq!(first, 300, "one class fills the first {RANK_FIRST} rows");
    assert_eq!(s.len(), 600);
    assert!(s.hits().iter().all(|h| h.tier == Tier::Prefix));
    let all = s.rank_all(&ix).to_vec();
    assert_eq!(all.len(), 600);
    assert!(all[300..].iter().all(|h| h.tier == Tier::Contiguous));
    // In final order: newest (index order) first within equal scores.
    assert!(all[..300].windows(2).all(|w| w[0].item < w[1].item));
}

#[test]
fn the_one_character_fast_path_agrees_with_the_keys() {
    let mut titles: Vec<&str> = LIB.to_vec();
    titles.extend([
        "s",
        "S3 对象存储",
        "2024 年终总结",
        "k8s 扩容",
        "  x  ",
        "",
        "数",
    ]);
    let ix = index(&titles);
    for c in ('a'..='z').chain('0'..='9') {
        let q = Query::new(&c.to_string());
        assert_eq!(q.one_ascii, Some(c));
        let mut slow = q.clone();
        slow.one_ascii = None;
        slow.bind(&ix);
        for (i, t) in titles.iter().enumerate() {
            assert_eq!(ix.classify_one(i, c), ix.classify(i, &slow), "{c} {t:?}");
        }
    }
}

#[test]
fn the_cheap_tier_is_the_scored_tier() {
    let ix = index(LIB);
    for q in [
        "s", "sj", "sjtb", "cg", "chong", "redis", "rhc", "xw", "数据", "hang", "yh", "kfk",
    ] {
        let query = {
            let mut q = Query::new(q);
            q.bind(&ix);
            q
        };
        let mut m = Matcher::new(Config::DEFAULT);
        let mut dp = Dp::default();
        for (i, title) in LIB.iter().enumerate() {
            let cheap = ix.classify(i, &query);
            let full = ix.match_item(i, &query, &mut m, &mut dp);
            assert_eq!(cheap, full.map(|h| (h.tier, h.via)), "{q} {title}");
            if let Some(h) = full
                && h.via == Via::Pinyin
            {
                let (tier, _) = dp.score(ix.units_of(i), &query).unwrap();
                assert_eq!(tier, h.tier, "{q} {title}");
            }
        }
    }
}

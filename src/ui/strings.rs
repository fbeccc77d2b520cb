//! User-visible strings of the reader, in one place.

pub const SEARCH: &str = " 搜索 ";
pub const TREE: &str = " 分类 ";
pub const RESULTS: &str = " 结果 ";
pub const READER: &str = " 阅读 ";
pub const ALL: &str = "全部";
pub const SCOPE: &str = "范围: ";
pub const RESULTS_UNIT: &str = "条结果";
pub const SEARCHING: &str = "搜索中⋯";
pub const PLACEHOLDER: &str =
    "按 / 输入关键词: 中文、English、tag:Redis、cat:数据库、\"短语\"、-排除";
pub const NO_RESULTS: &str = "没有找到匹配的文章";
pub const NO_BOOKMARKS: &str = "还没有收藏: 在文章上按 b 收藏";
pub const NO_HISTORY: &str = "还没有读过的文章";
pub const NO_UNREAD: &str = "没有未读的网页文章";
pub const NO_ARTICLE: &str = "在结果中选一篇文章, 按 Enter 阅读";
pub const TOO_SMALL: &str = "窗口太小: 至少需要 60x15";
pub const READ_ONLY: &str = "只读";
pub const RELATED: &str = "推荐内容";
pub const UNREAD: &str = "未读";
pub const SOURCE: &str = "原文: ";
pub const NO_URL: &str = "这篇文章没有原文链接";
pub const URL_COPIED: &str = "已复制原文链接";
pub const URL_UNSAFE: &str = "原文链接含空白或控制字符";
pub const URL_NOT_WEB: &str = "原文链接不是 http(s) 网页链接";
pub const NOT_COPIED: &str = "没有复制";
pub const NOT_OPENED: &str = "没有打开";
pub const FETCH_START: &str = "正在更新订阅源⋯";
pub const FETCH_BUSY: &str = "订阅源正在更新, 请稍候";
pub const FETCH_READ_ONLY: &str = "只读的文章库: 无法更新订阅源";
pub const NO_FEEDS: &str = "还没有订阅源 (zhiku feed add URL)";

/// The status line while feeds are fetched.
pub fn fetch_progress(done: usize, total: usize, new: usize) -> String {
    format!("正在更新订阅源 {done}/{total} ⋅ 新文章 {new}")
}

/// The status line after a feed run.
pub fn fetch_done(new: usize, updated: usize, failed: usize) -> String {
    let mut s = format!("订阅源已更新: 新文章 {new}, 更新 {updated}");
    if failed > 0 {
        s.push_str(&format!(", 失败 {failed} (zhiku feed list 查看原因)"));
    }
    s
}

// Footer hints: what a key does (the keys come from the live keymap).
pub const HINT_TYPE: &str = "输入即搜";
pub const HINT_SUBMIT: &str = "看结果";
pub const HINT_UNDO: &str = "撤销";
pub const HINT_SELECT: &str = "选择";
pub const HINT_MOVE: &str = "移动";
pub const HINT_CHOOSE: &str = "选定";
pub const HINT_OPEN: &str = "打开";
pub const HINT_FOLD: &str = "展开";
pub const HINT_SEARCH: &str = "搜索";
pub const HINT_TAGS: &str = "标签";
pub const HINT_SWITCH: &str = "切换";
pub const HINT_PALETTE: &str = "标签";
pub const HINT_HELP: &str = "帮助";
pub const HINT_QUIT: &str = "退出";
pub const HINT_MATCHES: &str = "匹配";
pub const HINT_SCROLL: &str = "滚动";
pub const HINT_ZOOM: &str = "全屏";
pub const HINT_BACK: &str = "返回";
pub const HINT_SIDEWAYS: &str = "左右";
pub const HINT_LINK: &str = "链接";
pub const HINT_CLOSE: &str = "关闭";
pub const HINT_JUMP: &str = "跳转";
pub const HINT_SHOW_MONTH: &str = "查看该月";

/// The help's title, with the keys that scroll it (`j/k 滚动`).
pub fn help_title(scroll: &str) -> String {
    format!(" 帮助 ({scroll}, 其他键关闭) ")
}

/// The tag palette's title, with its keys (`Enter 选定, Esc 关闭`).
pub fn palette_title(keys: &str) -> String {
    format!(" 标签 (输入名称或拼音, {keys}) ")
}

/// The outline's title.
pub fn outline_title(keys: &str) -> String {
    format!(" 大纲 ({keys}) ")
}

/// The link list's title.
pub fn links_title(keys: &str) -> String {
    format!(" 链接 ({keys}) ")
}

/// The archive's title: the scope and the key that lists a month.
pub fn archive_title(scope: &str, keys: &str) -> String {
    format!(" 历史内容 ⋅ {scope} ({keys}) ")
}

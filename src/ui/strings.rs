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
pub const HELP_TITLE: &str = " 帮助 (j/k 滚动, 其他键关闭) ";
pub const PALETTE_TITLE: &str = " 标签 (输入名称或拼音, Enter 选定, Esc 关闭) ";
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

/// The footer's key hints for the focused pane.
/// The reader's hints when code or a table is wider than the pane (`<` `>` scroll it).
pub const READER_WIDE_HINTS: &str =
    "j/k 滚动  < > 左右  n/N 匹配  f 链接  z 全屏  Esc 返回  ? 帮助  q 退出";

pub fn hints(focus: super::app::Focus) -> &'static str {
    use super::app::Focus;
    match focus {
        Focus::Search => "输入即搜  Enter 看结果  Esc 撤销  上下键 选择  Ctrl-C 退出",
        Focus::Tree => "/ 搜索  j/k 移动  Enter 选定  Space 展开  Tab 切换  t 标签  ? 帮助  q 退出",
        Focus::Results => {
            "/ 搜索  j/k 选择  Enter 打开  [ ] 标签  Tab 切换  t 标签  ? 帮助  q 退出"
        }
        Focus::Reader => "j/k 滚动  n/N 匹配  [ ] 标签  z 全屏  Esc 返回  ? 帮助  q 退出",
    }
}

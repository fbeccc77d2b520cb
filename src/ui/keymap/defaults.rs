//! The default keys of every layer: `{keys, action, desc}` with the name `config.toml` uses.

use super::Action::{self, *};
use super::{Amount, Binding, Dir};

const fn b(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    desc: &'static str,
) -> Binding {
    Binding {
        action,
        name,
        keys,
        desc,
    }
}

const DOWN: Action = Move(Dir::Forward, Amount::Line);
const UP: Action = Move(Dir::Back, Amount::Line);

/// The panes (`[keys]`).
pub const MAIN: &[Binding] = &[
    b(
        FocusSearch,
        "search",
        &["/"],
        "搜索(输入即搜, Enter 到结果, Esc 撤销)",
    ),
    b(Focus(Dir::Forward), "focus_next", &["Tab"], "下一个窗格"),
    b(Focus(Dir::Back), "focus_prev", &["Shift-Tab"], "上一个窗格"),
    b(Side(Dir::Back), "focus_left", &["h", "Left"], "左边的窗格"),
    b(
        Side(Dir::Forward),
        "focus_right",
        &["l", "Right"],
        "右边的窗格",
    ),
    b(DOWN, "down", &["j", "Down"], "下移(阅读时滚动)"),
    b(UP, "up", &["k", "Up"], "上移"),
    b(Move(Dir::Back, Amount::All), "top", &["g", "Home"], "到顶"),
    b(
        Move(Dir::Forward, Amount::All),
        "bottom",
        &["G", "End"],
        "到底",
    ),
    b(
        Move(Dir::Forward, Amount::HalfPage),
        "half_page_down",
        &["Ctrl-d"],
        "下半页",
    ),
    b(
        Move(Dir::Back, Amount::HalfPage),
        "half_page_up",
        &["Ctrl-u"],
        "上半页",
    ),
    b(
        Move(Dir::Forward, Amount::Page),
        "page_down",
        &["PgDn", "Ctrl-f"],
        "下一页",
    ),
    b(
        Move(Dir::Back, Amount::Page),
        "page_up",
        &["PgUp", "Ctrl-b"],
        "上一页",
    ),
    b(
        Open,
        "open",
        &["Enter"],
        "打开文章 / 选定分类 / 搜索所选标签",
    ),
    b(Fold, "fold", &["Space"], "展开 / 折叠分类"),
    b(Match(Dir::Forward), "next_match", &["n"], "文中下一处匹配"),
    b(Match(Dir::Back), "prev_match", &["N"], "文中上一处匹配"),
    b(Tag(Dir::Back), "prev_tag", &["["], "选择上一个标签"),
    b(Tag(Dir::Forward), "next_tag", &["]"], "选择下一个标签"),
    b(
        TagPalette,
        "tag_palette",
        &["t"],
        "标签面板(支持拼音与首字母)",
    ),
    b(
        Sort,
        "sort",
        &["s"],
        "排序: 相关度 / 最新 / 最多阅读 / 最早",
    ),
    b(Bookmark, "bookmark", &["b"], "收藏 / 取消收藏"),
    b(Bookmarks, "bookmarks", &["B"], "我的收藏"),
    b(History, "history", &["H"], "最近阅读"),
    b(Archive, "archive", &["a"], "历史内容(按月归档)"),
    b(Random, "random", &["r"], "随便看看: 随机打开一篇"),
    b(RandomList, "random_list", &["p"], "随便看看: 随机十篇"),
    b(Related, "related", &["m"], "推荐内容(相关文章)"),
    b(Outline, "outline", &["O"], "大纲: 标题与代码块"),
    b(OpenUrl, "open_url", &["o"], "在浏览器中打开原文"),
    b(CopyUrl, "copy_url", &["y"], "复制原文链接"),
    b(
        CopyMarkdown,
        "copy_markdown",
        &["Y"],
        "复制眼前的代码块, 没有则复制全文(Markdown)",
    ),
    b(
        FollowLink,
        "follow_link",
        &["f"],
        "打开文中链接: f 后输入编号",
    ),
    b(Links, "links", &["L"], "文中链接与图片列表"),
    b(Shift(Dir::Back), "scroll_left", &["<"], "代码与表格左移"),
    b(
        Shift(Dir::Forward),
        "scroll_right",
        &[">"],
        "代码与表格右移(超出窗格时)",
    ),
    b(NextTip, "next_tip", &["T"], "换一条 Linux 命令"),
    b(
        FetchFeeds,
        "fetch",
        &["R"],
        "更新所有订阅源(后台进行, 进度在状态栏)",
    ),
    b(Zoom, "zoom", &["z"], "阅读全屏"),
    b(Back, "back", &["Esc"], "返回"),
    b(Help, "help", &["?"], "帮助"),
    b(Quit, "quit", &["q", "Ctrl-c"], "退出"),
];

/// The search box (`[keys.search_box]`: not `[keys.search]`, which is the `search` key of
/// the panes); other keys edit the query.
pub const SEARCH: &[Binding] = &[
    b(Submit, "submit", &["Enter"], "看结果"),
    b(Cancel, "cancel", &["Esc"], "撤销这次编辑"),
    b(DOWN, "down", &["Down"], "选择下一条结果"),
    b(UP, "up", &["Up"], "选择上一条结果"),
    b(Focus(Dir::Forward), "focus_next", &["Tab"], "到分类树"),
    b(ClearLine, "clear_line", &["Ctrl-u"], "清空到行首"),
    b(Quit, "quit", &["Ctrl-c"], "退出"),
];

/// The tag palette (`[keys.palette]`); other keys type the filter.
pub const PALETTE: &[Binding] = &[
    b(Submit, "submit", &["Enter"], "选定"),
    b(Cancel, "cancel", &["Esc"], "关闭"),
    b(DOWN, "down", &["Down", "Tab"], "下一个"),
    b(UP, "up", &["Up", "Shift-Tab"], "上一个"),
    b(DeleteBack, "delete_back", &["Backspace"], "删除一个字"),
    b(Quit, "quit", &["Ctrl-c"], "退出"),
];

/// Lists to pick from (`[keys.picker]`): the archive, links, the outline.
pub const PICKER: &[Binding] = &[
    b(Submit, "submit", &["Enter"], "选定"),
    b(Cancel, "cancel", &["Esc", "q"], "关闭"),
    b(DOWN, "down", &["j", "Down", "Tab"], "下一个"),
    b(UP, "up", &["k", "Up", "Shift-Tab"], "上一个"),
    b(
        Move(Dir::Back, Amount::All),
        "top",
        &["g", "Home"],
        "第一个",
    ),
    b(
        Move(Dir::Forward, Amount::All),
        "bottom",
        &["G", "End"],
        "最后一个",
    ),
    b(Quit, "quit", &["Ctrl-c"], "退出"),
];

/// The key list (`[keys.help]`); any other key closes it.
pub const HELP: &[Binding] = &[
    b(DOWN, "down", &["j", "Down", "PgDn"], "下滚"),
    b(UP, "up", &["k", "Up", "PgUp"], "上滚"),
    b(Cancel, "cancel", &["Esc", "q", "?"], "关闭"),
    b(Quit, "quit", &["Ctrl-c"], "退出"),
];

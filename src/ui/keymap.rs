//! Keys to actions. One table of defaults drives the mapping, the configuration file's
//! `[keys]` section (every action rebindable by name) and the `?` help overlay.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    FocusSearch,
    FocusNext,
    FocusPrev,
    FocusLeft,
    FocusRight,
    Down,
    Up,
    Top,
    Bottom,
    HalfDown,
    HalfUp,
    PageDown,
    PageUp,
    Open,
    Fold,
    NextMatch,
    PrevMatch,
    PrevTag,
    NextTag,
    TagPalette,
    Back,
    Help,
    Zoom,
    Sort,
    Bookmark,
    Bookmarks,
    History,
    Archive,
    Random,
    RandomList,
    Related,
    OpenUrl,
    CopyUrl,
    CopyMarkdown,
    Outline,
    NextTip,
    FollowLink,
    Links,
    ScrollLeft,
    ScrollRight,
    FetchFeeds,
}

/// An action's name in the configuration file, default keys and help text.
pub struct Binding {
    pub action: Action,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub desc: &'static str,
}

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

pub const BINDINGS: &[Binding] = &[
    b(
        Action::FocusSearch,
        "search",
        &["/"],
        "搜索(输入即搜, Enter 到结果, Esc 撤销)",
    ),
    b(Action::FocusNext, "focus_next", &["Tab"], "下一个窗格"),
    b(
        Action::FocusPrev,
        "focus_prev",
        &["Shift-Tab"],
        "上一个窗格",
    ),
    b(
        Action::FocusLeft,
        "focus_left",
        &["h", "Left"],
        "左边的窗格",
    ),
    b(
        Action::FocusRight,
        "focus_right",
        &["l", "Right"],
        "右边的窗格",
    ),
    b(Action::Down, "down", &["j", "Down"], "下移(阅读时滚动)"),
    b(Action::Up, "up", &["k", "Up"], "上移"),
    b(Action::Top, "top", &["g", "Home"], "到顶"),
    b(Action::Bottom, "bottom", &["G", "End"], "到底"),
    b(Action::HalfDown, "half_page_down", &["Ctrl-d"], "下半页"),
    b(Action::HalfUp, "half_page_up", &["Ctrl-u"], "上半页"),
    b(Action::PageDown, "page_down", &["PgDn", "Ctrl-f"], "下一页"),
    b(Action::PageUp, "page_up", &["PgUp", "Ctrl-b"], "上一页"),
    b(
        Action::Open,
        "open",
        &["Enter"],
        "打开文章 / 选定分类 / 搜索所选标签",
    ),
    b(Action::Fold, "fold", &["Space"], "展开 / 折叠分类"),
    b(Action::NextMatch, "next_match", &["n"], "文中下一处匹配"),
    b(Action::PrevMatch, "prev_match", &["N"], "文中上一处匹配"),
    b(Action::PrevTag, "prev_tag", &["["], "选择上一个标签"),
    b(Action::NextTag, "next_tag", &["]"], "选择下一个标签"),
    b(
        Action::TagPalette,
        "tag_palette",
        &["t"],
        "标签面板(支持拼音与首字母)",
    ),
    b(
        Action::Sort,
        "sort",
        &["s"],
        "排序: 相关度 / 最新 / 最多阅读 / 最早",
    ),
    b(Action::Bookmark, "bookmark", &["b"], "收藏 / 取消收藏"),
    b(Action::Bookmarks, "bookmarks", &["B"], "我的收藏"),
    b(Action::History, "history", &["H"], "最近阅读"),
    b(Action::Archive, "archive", &["a"], "历史内容(按月归档)"),
    b(Action::Random, "random", &["r"], "随便看看: 随机打开一篇"),
    b(
        Action::RandomList,
        "random_list",
        &["p"],
        "随便看看: 随机十篇",
    ),
    b(Action::Related, "related", &["m"], "推荐内容(相关文章)"),
    b(Action::Outline, "outline", &["O"], "大纲: 标题与代码块"),
    b(Action::OpenUrl, "open_url", &["o"], "在浏览器中打开原文"),
    b(Action::CopyUrl, "copy_url", &["y"], "复制原文链接"),
    b(
        Action::CopyMarkdown,
        "copy_markdown",
        &["Y"],
        "复制眼前的代码块, 没有则复制全文(Markdown)",
    ),
    b(
        Action::FollowLink,
        "follow_link",
        &["f"],
        "打开文中链接: f 后输入编号",
    ),
    b(Action::Links, "links", &["L"], "文中链接与图片列表"),
    b(Action::ScrollLeft, "scroll_left", &["<"], "代码与表格左移"),
    b(
        Action::ScrollRight,
        "scroll_right",
        &[">"],
        "代码与表格右移(超出窗格时)",
    ),
    b(Action::NextTip, "next_tip", &["T"], "换一条 Linux 命令"),
    b(
        Action::FetchFeeds,
        "fetch",
        &["R"],
        "更新所有订阅源(后台进行, 进度在状态栏)",
    ),
    b(Action::Zoom, "zoom", &["z"], "阅读全屏"),
    b(Action::Back, "back", &["Esc"], "返回"),
    b(Action::Help, "help", &["?"], "帮助"),
    b(Action::Quit, "quit", &["q", "Ctrl-c"], "退出"),
];

/// A key as written in the configuration: `j`, `G`, `Ctrl-d`, `Enter`, `Shift-Tab`, `F5` …
pub fn parse_key(spec: &str) -> Result<KeyEvent, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = spec.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower
            .strip_prefix("ctrl-")
            .or_else(|| lower.strip_prefix("c-"))
        {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "delete" | "del" => KeyCode::Delete,
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ => {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => {
                    KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    })
                }
                _ => {
                    return Err(format!(
                        "unknown key {spec:?} (e.g. \"j\", \"G\", \"Ctrl-d\", \"Enter\", \"PgDn\")"
                    ));
                }
            }
        }
    };
    Ok(KeyEvent::new(code, mods))
}

fn normalize(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let code = match key.code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        c => c,
    };
    (code, mods)
}

/// The keys in force: defaults with the user's bindings over them.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<(KeyCode, KeyModifiers), Action>,
    shown: HashMap<Action, Vec<String>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut k = Keymap {
            map: HashMap::new(),
            shown: HashMap::new(),
        };
        for b in BINDINGS {
            let keys: Vec<String> = b.keys.iter().map(|s| s.to_string()).collect();
            k.bind(b.action, &keys).expect("default keys parse");
        }
        k
    }
}

impl Keymap {
    /// Binds `action` to exactly `keys` (its previous keys are dropped).
    pub fn bind(&mut self, action: Action, keys: &[String]) -> Result<(), String> {
        let parsed: Vec<KeyEvent> = keys
            .iter()
            .map(|k| parse_key(k))
            .collect::<Result<_, _>>()?;
        self.map.retain(|_, a| *a != action);
        for k in parsed {
            self.map.insert(normalize(k), action);
        }
        self.shown.insert(action, keys.to_vec());
        Ok(())
    }

    /// The action for a key in the panes (not while typing in the search box or a palette).
    pub fn action_for(&self, key: KeyEvent) -> Option<Action> {
        self.map.get(&normalize(key)).copied()
    }

    /// The keys bound to an action, as the help shows them.
    pub fn keys_of(&self, action: Action) -> String {
        self.shown
            .get(&action)
            .map(|k| k.join(" / "))
            .unwrap_or_default()
    }
}

/// The binding of the action called `name` in the configuration file.
pub fn by_name(name: &str) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| b.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_map_vim_keys() {
        let m = Keymap::default();
        assert_eq!(m.action_for(k('j')), Some(Action::Down));
        assert_eq!(m.action_for(k(']')), Some(Action::NextTag));
        assert_eq!(
            m.action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            m.action_for(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(m.action_for(k('x')), None);
        assert_eq!(m.keys_of(Action::Down), "j / Down");
    }

    #[test]
    fn every_action_has_a_default_binding() {
        let m = Keymap::default();
        for b in BINDINGS {
            assert!(!m.keys_of(b.action).is_empty(), "{}", b.name);
        }
        assert!(by_name("bookmark").is_some());
    }

    #[test]
    fn rebinding_replaces_the_old_keys() {
        let mut m = Keymap::default();
        m.bind(Action::Down, &["Ctrl-n".into(), "J".into()])
            .unwrap();
        assert_eq!(m.action_for(k('j')), None);
        assert_eq!(m.action_for(k('J')), Some(Action::Down));
        assert_eq!(
            m.action_for(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(Action::Down)
        );
        assert!(m.bind(Action::Up, &["Hyper-x".into()]).is_err());
        assert_eq!(parse_key("F5").unwrap().code, KeyCode::F(5));
        assert_eq!(parse_key("Shift-Tab").unwrap().code, KeyCode::BackTab);
    }
}

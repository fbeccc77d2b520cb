//! Keys to actions. One table drives both the mapping and the `?` help overlay.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

/// A row of the help overlay: keys as shown, and what they do.
pub struct Binding {
    pub keys: &'static str,
    pub action: Action,
    pub desc: &'static str,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "/",
        action: Action::FocusSearch,
        desc: "搜索(输入即搜, Enter 到结果, Esc 撤销)",
    },
    Binding {
        keys: "Tab / Shift-Tab",
        action: Action::FocusNext,
        desc: "切换窗格",
    },
    Binding {
        keys: "h / l",
        action: Action::FocusLeft,
        desc: "左 / 右窗格",
    },
    Binding {
        keys: "j / k  ↓ / ↑",
        action: Action::Down,
        desc: "下移 / 上移(阅读时滚动)",
    },
    Binding {
        keys: "g / G",
        action: Action::Top,
        desc: "到顶 / 到底",
    },
    Binding {
        keys: "Ctrl-d / Ctrl-u",
        action: Action::HalfDown,
        desc: "下 / 上半页",
    },
    Binding {
        keys: "PgDn / PgUp",
        action: Action::PageDown,
        desc: "下 / 上一页",
    },
    Binding {
        keys: "Enter",
        action: Action::Open,
        desc: "打开文章 / 选定分类 / 搜索所选标签",
    },
    Binding {
        keys: "Space",
        action: Action::Fold,
        desc: "展开 / 折叠分类",
    },
    Binding {
        keys: "n / N",
        action: Action::NextMatch,
        desc: "文中下一处 / 上一处匹配",
    },
    Binding {
        keys: "[ / ]",
        action: Action::PrevTag,
        desc: "选择上一个 / 下一个标签",
    },
    Binding {
        keys: "t",
        action: Action::TagPalette,
        desc: "标签面板(支持拼音与首字母)",
    },
    Binding {
        keys: "z",
        action: Action::Zoom,
        desc: "阅读全屏",
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        desc: "返回",
    },
    Binding {
        keys: "?",
        action: Action::Help,
        desc: "帮助",
    },
    Binding {
        keys: "q  Ctrl-C",
        action: Action::Quit,
        desc: "退出",
    },
];

/// The action for a key in the panes (not while typing in the search box or a palette).
pub fn action_for(key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('c') if ctrl => Action::Quit,
        KeyCode::Char('d') if ctrl => Action::HalfDown,
        KeyCode::Char('u') if ctrl => Action::HalfUp,
        KeyCode::Char('f') if ctrl => Action::PageDown,
        KeyCode::Char('b') if ctrl => Action::PageUp,
        _ if ctrl => return None,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('/') => Action::FocusSearch,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::Char('h') | KeyCode::Left => Action::FocusLeft,
        KeyCode::Char('l') | KeyCode::Right => Action::FocusRight,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Enter => Action::Open,
        KeyCode::Char(' ') => Action::Fold,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        KeyCode::Char('[') => Action::PrevTag,
        KeyCode::Char(']') => Action::NextTag,
        KeyCode::Char('t') => Action::TagPalette,
        KeyCode::Char('z') => Action::Zoom,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('?') => Action::Help,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vim_keys_map() {
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action_for(k('j')), Some(Action::Down));
        assert_eq!(action_for(k(']')), Some(Action::NextTag));
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(action_for(k('x')), None);
    }

    #[test]
    fn every_action_reachable_is_documented() {
        for a in [
            Action::FocusSearch,
            Action::Open,
            Action::TagPalette,
            Action::Zoom,
            Action::Help,
            Action::Quit,
        ] {
            assert!(BINDINGS.iter().any(|b| b.action == a));
        }
    }
}
